// Cache policies with aws-sdk-js v3 against a running CloudFront Local: a custom policy's
// create → get → update → delete, and a managed policy read from a fresh account.
// Run: CFL_URL=http://127.0.0.1:4750 node --test tests/e2e/js/
// (tests/e2e/test_js.py does this against the pytest session's emulator.)

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import {
  CreateCachePolicyCommand,
  GetCachePolicyCommand,
  GetCachePolicyConfigCommand,
  UpdateCachePolicyCommand,
  DeleteCachePolicyCommand,
  ListCachePoliciesCommand,
} from '@aws-sdk/client-cloudfront';
import { CACHING_OPTIMIZED, ETAG_RE, client, expectError, newAccount } from './helpers.mjs';

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function policyConfig(name) {
  return {
    Name: name,
    Comment: 'js e2e',
    MinTTL: 1,
    DefaultTTL: 3600,
    MaxTTL: 86400,
    ParametersInCacheKeyAndForwardedToOrigin: {
      EnableAcceptEncodingGzip: true,
      EnableAcceptEncodingBrotli: false,
      HeadersConfig: { HeaderBehavior: 'whitelist', Headers: { Quantity: 1, Items: ['Authorization'] } },
      CookiesConfig: { CookieBehavior: 'none' },
      QueryStringsConfig: { QueryStringBehavior: 'all' },
    },
  };
}

test('cache policy: create, get, update, delete', async () => {
  const cf = client(newAccount());
  const config = policyConfig(`js-${randomUUID().slice(0, 8)}`);
  const created = await cf.send(new CreateCachePolicyCommand({ CachePolicyConfig: config }));
  assert.equal(created.$metadata.httpStatusCode, 201);
  const id = created.CachePolicy.Id;
  assert.match(id, UUID_RE);
  assert.match(created.ETag, ETAG_RE);
  assert.equal(created.Location, `https://cloudfront.amazonaws.com/2020-05-31/cache-policy/${id}`);
  assert.ok(created.CachePolicy.LastModifiedTime instanceof Date);
  assert.deepEqual(created.CachePolicy.CachePolicyConfig.ParametersInCacheKeyAndForwardedToOrigin.HeadersConfig,
    config.ParametersInCacheKeyAndForwardedToOrigin.HeadersConfig);

  const got = await cf.send(new GetCachePolicyCommand({ Id: id }));
  assert.equal(got.ETag, created.ETag);
  assert.equal(got.CachePolicy.CachePolicyConfig.Name, config.Name);
  const gotConfig = await cf.send(new GetCachePolicyConfigCommand({ Id: id }));
  assert.equal(gotConfig.ETag, created.ETag);
  assert.equal(gotConfig.CachePolicyConfig.DefaultTTL, 3600);

  await expectError(cf.send(new CreateCachePolicyCommand({ CachePolicyConfig: config })),
    'CachePolicyAlreadyExists', 409);
  const changed = { ...gotConfig.CachePolicyConfig, DefaultTTL: 60 };
  await expectError(cf.send(new UpdateCachePolicyCommand({ Id: id, IfMatch: 'ESTALEETAG1234', CachePolicyConfig: changed })),
    'PreconditionFailed', 412);
  const updated = await cf.send(new UpdateCachePolicyCommand({ Id: id, IfMatch: got.ETag, CachePolicyConfig: changed }));
  assert.equal(updated.$metadata.httpStatusCode, 200);
  assert.notEqual(updated.ETag, created.ETag);
  assert.equal(updated.CachePolicy.CachePolicyConfig.DefaultTTL, 60);

  const listed = await cf.send(new ListCachePoliciesCommand({ Type: 'custom' }));
  assert.deepEqual(listed.CachePolicyList.Items.map((item) => [item.Type, item.CachePolicy.Id]), [['custom', id]]);

  await expectError(cf.send(new DeleteCachePolicyCommand({ Id: id, IfMatch: created.ETag })), 'PreconditionFailed', 412);
  const deleted = await cf.send(new DeleteCachePolicyCommand({ Id: id, IfMatch: updated.ETag }));
  assert.equal(deleted.$metadata.httpStatusCode, 204);
  await expectError(cf.send(new GetCachePolicyCommand({ Id: id })), 'NoSuchCachePolicy', 404);
});

test('managed cache policy: readable in any account, never changed', async () => {
  const cf = client(newAccount());
  const got = await cf.send(new GetCachePolicyCommand({ Id: CACHING_OPTIMIZED }));
  assert.equal(got.CachePolicy.Id, CACHING_OPTIMIZED);
  assert.equal(got.CachePolicy.CachePolicyConfig.Name, 'Managed-CachingOptimized');
  assert.equal(got.CachePolicy.CachePolicyConfig.MinTTL, 1);
  assert.match(got.ETag, ETAG_RE);
  const elsewhere = await client(newAccount()).send(new GetCachePolicyCommand({ Id: CACHING_OPTIMIZED }));
  assert.equal(elsewhere.ETag, got.ETag);

  const managed = await cf.send(new ListCachePoliciesCommand({ Type: 'managed' }));
  assert.ok(managed.CachePolicyList.Items.some((item) => item.CachePolicy.Id === CACHING_OPTIMIZED));
  assert.ok(managed.CachePolicyList.Items.every((item) => item.Type === 'managed'));

  await expectError(cf.send(new UpdateCachePolicyCommand({
    Id: CACHING_OPTIMIZED, IfMatch: got.ETag, CachePolicyConfig: got.CachePolicy.CachePolicyConfig,
  })), 'IllegalUpdate', 400);
  await expectError(cf.send(new DeleteCachePolicyCommand({ Id: CACHING_OPTIMIZED, IfMatch: got.ETag })),
    'IllegalDelete', 400);
});

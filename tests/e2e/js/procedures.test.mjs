// Both procedures with aws-sdk-js v3 against a running CloudFront Local.
// Run: CFL_URL=http://127.0.0.1:4750 node --test tests/e2e/js/
// (tests/e2e/test_js.py does this against the pytest session's emulator.)

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import {
  CreateDistributionCommand,
  CreateDistributionWithTagsCommand,
  GetDistributionCommand,
  GetDistributionConfigCommand,
  UpdateDistributionCommand,
  DeleteDistributionCommand,
  ListDistributionsCommand,
  CreateStreamingDistributionCommand,
  GetStreamingDistributionCommand,
  GetStreamingDistributionConfigCommand,
  UpdateStreamingDistributionCommand,
  DeleteStreamingDistributionCommand,
  ListTagsForResourceCommand,
  ListConnectionGroupsCommand,
  waitUntilDistributionDeployed,
  waitUntilStreamingDistributionDeployed,
} from '@aws-sdk/client-cloudfront';
import { ETAG_RE, client, expectError, newAccount } from './helpers.mjs';

const ID_RE = /^E[A-Z0-9]{13}$/;
const DOMAIN_RE = /^d[a-z0-9]{13}\.cloudfront\.net$/;
const STREAMING_DOMAIN_RE = /^s[a-z0-9]{13}\.cloudfront\.net$/;

function distConfig(comment = 'js e2e') {
  return {
    CallerReference: `js-${randomUUID()}`,
    Comment: comment,
    Enabled: true,
    Origins: {
      Quantity: 1,
      Items: [{
        Id: 'my-bucket-origin',
        DomainName: 'my-bucket.s3.us-east-1.amazonaws.com',
        S3OriginConfig: { OriginAccessIdentity: '' },
      }],
    },
    DefaultCacheBehavior: {
      TargetOriginId: 'my-bucket-origin',
      ViewerProtocolPolicy: 'redirect-to-https',
      CachePolicyId: '658327ea-f89d-4fab-a63d-7e88639e58f6',
    },
  };
}

function streamingConfig(comment = 'js e2e streaming') {
  return {
    CallerReference: `js-rtmp-${randomUUID()}`,
    S3Origin: { DomainName: 'my-media-bucket.s3.amazonaws.com', OriginAccessIdentity: '' },
    Comment: comment,
    TrustedSigners: { Enabled: false, Quantity: 0 },
    Enabled: true,
  };
}

const waiterOpts = (cf) => ({ client: cf, maxWaitTime: 20, minDelay: 1, maxDelay: 1 });

test('procedure 1: create, disable, wait, delete a distribution', async () => {
  const account = newAccount();
  const cf = client(account);
  const cfg = distConfig('js procedure 1');

  const created = await cf.send(new CreateDistributionCommand({ DistributionConfig: cfg }));
  assert.equal(created.$metadata.httpStatusCode, 201);
  const id = created.Distribution.Id;
  assert.match(id, ID_RE);
  assert.match(created.ETag, ETAG_RE);
  assert.equal(created.Location, `https://cloudfront.amazonaws.com/2020-05-31/distribution/${id}`);
  assert.equal(created.Distribution.ARN, `arn:aws:cloudfront::${account}:distribution/${id}`);
  assert.match(created.Distribution.DomainName, DOMAIN_RE);
  assert.equal(created.Distribution.Status, 'InProgress');
  assert.ok(created.Distribution.LastModifiedTime instanceof Date);
  const echoed = created.Distribution.DistributionConfig;
  assert.equal(echoed.CallerReference, cfg.CallerReference);
  assert.equal(echoed.PriceClass, 'PriceClass_All');
  assert.equal(echoed.HttpVersion, 'http2');
  assert.equal(echoed.IsIPV6Enabled, true);
  assert.equal(echoed.ViewerCertificate.CloudFrontDefaultCertificate, true);
  assert.equal(echoed.Origins.Items[0].ConnectionAttempts, 3);
  assert.equal(echoed.Origins.Items[0].ConnectionTimeout, 10);

  const got = await cf.send(new GetDistributionConfigCommand({ Id: id }));
  assert.equal(got.ETag, created.ETag);
  assert.deepEqual(got.DistributionConfig, echoed);

  const upd = await cf.send(new UpdateDistributionCommand({
    Id: id, IfMatch: got.ETag, DistributionConfig: { ...got.DistributionConfig, Enabled: false },
  }));
  assert.equal(upd.$metadata.httpStatusCode, 200);
  assert.match(upd.ETag, ETAG_RE);
  assert.notEqual(upd.ETag, created.ETag);
  assert.equal(upd.Distribution.Status, 'InProgress');
  assert.equal(upd.Distribution.DistributionConfig.Enabled, false);

  await expectError(cf.send(new DeleteDistributionCommand({ Id: id, IfMatch: upd.ETag })),
    'DistributionNotDisabled', 409);

  const waited = await waitUntilDistributionDeployed(waiterOpts(cf), { Id: id });
  assert.equal(waited.state, 'SUCCESS');
  const deployed = await cf.send(new GetDistributionCommand({ Id: id }));
  assert.equal(deployed.Distribution.Status, 'Deployed');
  assert.equal(deployed.ETag, upd.ETag);

  await expectError(cf.send(new DeleteDistributionCommand({ Id: id, IfMatch: created.ETag })),
    'PreconditionFailed', 412);
  const del = await cf.send(new DeleteDistributionCommand({ Id: id, IfMatch: upd.ETag }));
  assert.equal(del.$metadata.httpStatusCode, 204);

  await expectError(cf.send(new GetDistributionCommand({ Id: id })), 'NoSuchDistribution', 404);
  await expectError(cf.send(new GetDistributionConfigCommand({ Id: id })), 'NoSuchDistribution', 404);
  const list = await cf.send(new ListDistributionsCommand({}));
  assert.equal(list.DistributionList.Quantity, 0);
  assert.equal(list.DistributionList.IsTruncated, false);
});

test('procedure 2: create, disable, wait, delete a streaming distribution', async () => {
  const account = newAccount();
  const cf = client(account);
  const created = await cf.send(new CreateStreamingDistributionCommand({
    StreamingDistributionConfig: streamingConfig('js procedure 2'),
  }));
  assert.equal(created.$metadata.httpStatusCode, 201);
  const sd = created.StreamingDistribution;
  assert.match(sd.Id, ID_RE);
  assert.match(sd.DomainName, STREAMING_DOMAIN_RE);
  assert.equal(sd.ARN, `arn:aws:cloudfront::${account}:streaming-distribution/${sd.Id}`);
  assert.equal(sd.Status, 'InProgress');

  const got = await cf.send(new GetStreamingDistributionConfigCommand({ Id: sd.Id }));
  assert.equal(got.ETag, created.ETag);

  await expectError(cf.send(new DeleteStreamingDistributionCommand({ Id: sd.Id, IfMatch: got.ETag })),
    'StreamingDistributionNotDisabled', 409);
  await expectError(cf.send(new UpdateStreamingDistributionCommand({
    Id: sd.Id, IfMatch: '', StreamingDistributionConfig: { ...got.StreamingDistributionConfig, Enabled: false },
  })), 'InvalidIfMatchVersion', 400);

  const upd = await cf.send(new UpdateStreamingDistributionCommand({
    Id: sd.Id, IfMatch: got.ETag,
    StreamingDistributionConfig: { ...got.StreamingDistributionConfig, Enabled: false },
  }));
  assert.notEqual(upd.ETag, got.ETag);
  assert.equal(upd.StreamingDistribution.Status, 'InProgress');

  const waited = await waitUntilStreamingDistributionDeployed(waiterOpts(cf), { Id: sd.Id });
  assert.equal(waited.state, 'SUCCESS');
  await expectError(cf.send(new DeleteStreamingDistributionCommand({ Id: sd.Id, IfMatch: got.ETag })),
    'PreconditionFailed', 412);
  const del = await cf.send(new DeleteStreamingDistributionCommand({ Id: sd.Id, IfMatch: upd.ETag }));
  assert.equal(del.$metadata.httpStatusCode, 204);
  await expectError(cf.send(new GetStreamingDistributionCommand({ Id: sd.Id })),
    'NoSuchStreamingDistribution', 404);
});

test('errors: PreconditionFailed on a stale update, AlreadyExists; the newest operations answer', async () => {
  const cf = client(newAccount());
  const cfg = distConfig();
  const created = await cf.send(new CreateDistributionWithTagsCommand({
    DistributionConfigWithTags: { DistributionConfig: cfg, Tags: { Items: [{ Key: 'sdk', Value: 'js' }] } },
  }));
  const id = created.Distribution.Id;
  const tags = await cf.send(new ListTagsForResourceCommand({ Resource: created.Distribution.ARN }));
  assert.deepEqual(tags.Tags.Items, [{ Key: 'sdk', Value: 'js' }]);

  const config = created.Distribution.DistributionConfig;
  const first = await cf.send(new UpdateDistributionCommand({
    Id: id, IfMatch: created.ETag, DistributionConfig: { ...config, Comment: 'first' },
  }));
  const err = await expectError(cf.send(new UpdateDistributionCommand({
    Id: id, IfMatch: created.ETag, DistributionConfig: { ...config, Comment: 'second' },
  })), 'PreconditionFailed', 412);
  assert.equal(err.$fault, 'client');
  const now = await cf.send(new GetDistributionConfigCommand({ Id: id }));
  assert.equal(now.ETag, first.ETag);
  assert.equal(now.DistributionConfig.Comment, 'first');

  const dup = await expectError(cf.send(new CreateDistributionCommand({ DistributionConfig: cfg })),
    'DistributionAlreadyExists', 409);
  assert.ok(dup.message.includes(id), dup.message);

  await expectError(cf.send(new DeleteDistributionCommand({ Id: id, IfMatch: first.ETag })),
    'DistributionNotDisabled', 409);

  // Every operation is implemented now (tests/e2e/test_operation_coverage.py): the newest ones answer too.
  const groups = await cf.send(new ListConnectionGroupsCommand({}));
  assert.equal(groups.$metadata.httpStatusCode, 200);
});

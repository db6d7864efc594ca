// Anycast static IP lists (and the distributions that use one) with aws-sdk-js v3: every
// operation, its documented errors, Deploying → Deployed on the clock, ETags and If-Match.
// Run: CFL_URL=http://127.0.0.1:4750 node --test tests/e2e/js/

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import * as cf from '@aws-sdk/client-cloudfront';
import { CACHING_OPTIMIZED, URL, client, expectError, newAccount } from './helpers.mjs';

const newClient = () => client(newAccount());

function distConfig(extra = {}) {
  return {
    CallerReference: randomUUID(), Comment: 'js anycast', Enabled: true,
    Origins: { Quantity: 1, Items: [{ Id: 's3', DomainName: 'bucket.s3.amazonaws.com', S3OriginConfig: { OriginAccessIdentity: '' } }] },
    DefaultCacheBehavior: { TargetOriginId: 's3', ViewerProtocolPolicy: 'redirect-to-https', CachePolicyId: CACHING_OPTIMIZED },
    ...extra,
  };
}

async function settle(id) {
  const response = await fetch(`${URL}/_emulator/settle`, { method: 'POST', body: JSON.stringify({ id }) });
  assert.equal(response.status, 200);
}

const IPV4_DOCUMENTATION = /^(192\.0\.2|198\.51\.100|203\.0\.113)\.\d{1,3}$/;

test('Anycast static IP lists: every operation and its errors', async () => {
  const c = newClient();
  const created = await c.send(new cf.CreateAnycastIpListCommand({
    Name: 'js-static', IpCount: 3, Tags: { Items: [{ Key: 'k', Value: 'v' }] } }));
  assert.equal(created.$metadata.httpStatusCode, 202);
  const list = created.AnycastIpList;
  assert.match(list.Id, /^aip_[A-Za-z0-9]{22}$/);
  assert.equal(list.Status, 'Deploying');
  assert.equal(list.IpCount, 3);
  assert.equal(list.AnycastIps.length, 3);
  assert.ok(list.AnycastIps.every((ip) => IPV4_DOCUMENTATION.test(ip)), list.AnycastIps.join());
  assert.ok(list.LastModifiedTime instanceof Date);
  await expectError(c.send(new cf.CreateAnycastIpListCommand({ Name: 'js-static', IpCount: 3 })), 'EntityAlreadyExists', 409);
  await expectError(c.send(new cf.CreateAnycastIpListCommand({ Name: 'js-bad', IpCount: 5 })), 'InvalidArgument', 400);

  await settle(list.Id);
  const got = await c.send(new cf.GetAnycastIpListCommand({ Id: list.Id }));
  assert.equal(got.AnycastIpList.Status, 'Deployed');
  assert.equal(got.ETag, created.ETag);
  assert.deepEqual(got.AnycastIpList.AnycastIps, list.AnycastIps);

  await expectError(c.send(new cf.UpdateAnycastIpListCommand({ Id: list.Id, IfMatch: 'E2QWRUHAPOMQZL', IpAddressType: 'ipv6' })),
    'PreconditionFailed', 412);
  const updated = await c.send(new cf.UpdateAnycastIpListCommand({ Id: list.Id, IfMatch: got.ETag, IpAddressType: 'ipv6' }));
  assert.notEqual(updated.ETag, got.ETag);
  assert.equal(updated.AnycastIpList.IpAddressType, 'ipv6');
  assert.ok(updated.AnycastIpList.AnycastIps.every((ip) => ip.startsWith('2001:db8:')), updated.AnycastIpList.AnycastIps.join());

  const listed = await c.send(new cf.ListAnycastIpListsCommand({}));
  assert.deepEqual(listed.AnycastIpLists.Items.map((l) => [l.Id, l.ETag]), [[list.Id, updated.ETag]]);

  const dist = await c.send(new cf.CreateDistributionCommand({ DistributionConfig: distConfig({ AnycastIpListId: list.Id }) }));
  await expectError(c.send(new cf.CreateDistributionCommand({ DistributionConfig: distConfig({ AnycastIpListId: 'aip_missing' }) })),
    'EntityNotFound', 404);
  const byList = await c.send(new cf.ListDistributionsByAnycastIpListIdCommand({ AnycastIpListId: list.Id }));
  assert.deepEqual(byList.DistributionList.Items.map((d) => d.Id), [dist.Distribution.Id]);
  await expectError(c.send(new cf.ListDistributionsByAnycastIpListIdCommand({ AnycastIpListId: 'aip_missing' })), 'EntityNotFound', 404);
  await expectError(c.send(new cf.DeleteAnycastIpListCommand({ Id: list.Id, IfMatch: updated.ETag })), 'CannotDeleteEntityWhileInUse', 409);

  const other = await c.send(new cf.CreateAnycastIpListCommand({ Name: 'js-other', IpCount: 21, IpAddressType: 'dualstack' }));
  assert.equal(other.AnycastIpList.AnycastIps.length, 42);
  await expectError(c.send(new cf.DeleteAnycastIpListCommand({ Id: other.AnycastIpList.Id, IfMatch: created.ETag })), 'PreconditionFailed', 412);
  const deleted = await c.send(new cf.DeleteAnycastIpListCommand({ Id: other.AnycastIpList.Id, IfMatch: other.ETag }));
  assert.equal(deleted.$metadata.httpStatusCode, 204);
  await expectError(c.send(new cf.GetAnycastIpListCommand({ Id: other.AnycastIpList.Id })), 'EntityNotFound', 404);
});

test('trust stores: every operation and its errors, viewer mTLS uses one', async () => {
  const c = newClient();
  const source = (key) => ({ CaCertificatesBundleS3Location: { Bucket: 'js-trust', Key: key, Region: 'us-east-1' } });
  const created = await c.send(new cf.CreateTrustStoreCommand({
    Name: 'js-clients', CaCertificatesBundleSource: source('ca.pem'), Tags: { Items: [{ Key: 'k', Value: 'v' }] } }));
  assert.equal(created.$metadata.httpStatusCode, 201);
  const store = created.TrustStore;
  assert.match(store.Id, /^ts_[A-Za-z0-9]{22}$/);
  assert.equal(store.Status, 'pending');
  assert.equal(store.NumberOfCaCertificates, 1);
  await expectError(c.send(new cf.CreateTrustStoreCommand({ Name: 'js-clients', CaCertificatesBundleSource: source('x.pem') })),
    'EntityAlreadyExists', 409);
  await expectError(c.send(new cf.CreateTrustStoreCommand({ Name: 'js-bad', CaCertificatesBundleSource: source('../up.pem') })),
    'InvalidArgument', 400);

  await settle(store.Id);
  const got = await c.send(new cf.GetTrustStoreCommand({ Identifier: store.Arn }));
  assert.equal(got.TrustStore.Status, 'active');
  assert.equal(got.ETag, created.ETag);
  await expectError(c.send(new cf.GetTrustStoreCommand({ Identifier: 'ts_missing' })), 'EntityNotFound', 404);

  await expectError(c.send(new cf.UpdateTrustStoreCommand({ Id: store.Id, IfMatch: 'E2QWRUHAPOMQZL', CaCertificatesBundleSource: source('v2.pem') })),
    'PreconditionFailed', 412);
  const updated = await c.send(new cf.UpdateTrustStoreCommand({
    Id: store.Id, IfMatch: got.ETag, CaCertificatesBundleSource: source('v2.pem'), UseClientCertificateOCSPEndpoint: true }));
  assert.notEqual(updated.ETag, got.ETag);
  assert.equal(updated.TrustStore.UseClientCertificateOCSPEndpoint, true);
  assert.equal(updated.TrustStore.Status, 'pending');

  const listed = await c.send(new cf.ListTrustStoresCommand({}));
  assert.deepEqual(listed.TrustStoreList.map((s) => [s.Id, s.ETag]), [[store.Id, updated.ETag]]);

  const dist = await c.send(new cf.CreateDistributionCommand({ DistributionConfig: distConfig({
    ViewerMtlsConfig: { Mode: 'optional', TrustStoreConfig: { TrustStoreId: store.Id, IgnoreCertificateExpiry: true } } }) }));
  await expectError(c.send(new cf.CreateDistributionCommand({ DistributionConfig: distConfig({
    ViewerMtlsConfig: { Mode: 'required', TrustStoreConfig: { TrustStoreId: 'ts_missing' } } }) })), 'EntityNotFound', 404);
  const byStore = await c.send(new cf.ListDistributionsByTrustStoreCommand({ TrustStoreIdentifier: store.Id }));
  assert.deepEqual(byStore.DistributionList.Items.map((d) => d.Id), [dist.Distribution.Id]);
  await expectError(c.send(new cf.ListDistributionsByTrustStoreCommand({ TrustStoreIdentifier: 'ts_missing' })), 'EntityNotFound', 404);
  await expectError(c.send(new cf.DeleteTrustStoreCommand({ Id: store.Id, IfMatch: updated.ETag })), 'CannotDeleteEntityWhileInUse', 409);

  const other = await c.send(new cf.CreateTrustStoreCommand({ Name: 'js-other', CaCertificatesBundleSource: source('o.pem') }));
  await expectError(c.send(new cf.DeleteTrustStoreCommand({ Id: other.TrustStore.Id, IfMatch: created.ETag })), 'PreconditionFailed', 412);
  const deleted = await c.send(new cf.DeleteTrustStoreCommand({ Id: other.TrustStore.Id, IfMatch: other.ETag }));
  assert.equal(deleted.$metadata.httpStatusCode, 204);
  await expectError(c.send(new cf.GetTrustStoreCommand({ Identifier: other.TrustStore.Id })), 'EntityNotFound', 404);
});

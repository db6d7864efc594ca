// The resources distributions reference, with aws-sdk-js v3: invalidations (and their waiter),
// origin access identities and controls, origin request and response headers policies, public
// keys, key groups, and the ListDistributionsBy… operations — every operation at least once.
// Run: CFL_URL=http://127.0.0.1:4750 node --test tests/e2e/js/

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import * as cf from '@aws-sdk/client-cloudfront';
import { CACHING_OPTIMIZED, client, expectError, newAccount } from './helpers.mjs';

const newClient = () => client(newAccount());

const ALL_VIEWER = '216adef6-5c7f-47e4-b989-5492eafa07d3';
const SECURITY_HEADERS = '67f7725c-6f97-4210-82d7-5512b31e9d03';

function distributionConfig(behavior = {}, origin = {}) {
  return {
    CallerReference: randomUUID(), Comment: 'js resources', Enabled: true,
    Origins: { Quantity: 1, Items: [{ Id: 's3', DomainName: 'bucket.s3.amazonaws.com',
                                      S3OriginConfig: { OriginAccessIdentity: '' }, ...origin }] },
    DefaultCacheBehavior: { TargetOriginId: 's3', ViewerProtocolPolicy: 'redirect-to-https',
                            CachePolicyId: CACHING_OPTIMIZED, ...behavior },
  };
}

test('invalidations: create, get, list, waiter', async () => {
  const client = newClient();
  const { Distribution } = await client.send(new cf.CreateDistributionCommand({ DistributionConfig: distributionConfig() }));
  const created = await client.send(new cf.CreateInvalidationCommand({
    DistributionId: Distribution.Id,
    InvalidationBatch: { CallerReference: randomUUID(), Paths: { Quantity: 2, Items: ['/index.html', '/assets/*'] } },
  }));
  assert.equal(created.$metadata.httpStatusCode, 201);
  assert.equal(created.Invalidation.Status, 'InProgress');
  assert.match(created.Invalidation.Id, /^I[A-Z0-9]{13}$/);
  await cf.waitUntilInvalidationCompleted({ client, maxWaitTime: 10, minDelay: 1, maxDelay: 1 },
                                          { DistributionId: Distribution.Id, Id: created.Invalidation.Id });
  const got = await client.send(new cf.GetInvalidationCommand({ DistributionId: Distribution.Id, Id: created.Invalidation.Id }));
  assert.equal(got.Invalidation.Status, 'Completed');
  assert.deepEqual(got.Invalidation.InvalidationBatch.Paths.Items, ['/index.html', '/assets/*']);
  const listed = await client.send(new cf.ListInvalidationsCommand({ DistributionId: Distribution.Id }));
  assert.deepEqual(listed.InvalidationList.Items.map((i) => i.Id), [created.Invalidation.Id]);
  await expectError(client.send(new cf.ListInvalidationsCommand({ DistributionId: 'ENOSUCHDIST123' })), 'NoSuchDistribution', 404);
});

test('origin access identities: every operation and the in-use rule', async () => {
  const client = newClient();
  const created = await client.send(new cf.CreateCloudFrontOriginAccessIdentityCommand({
    CloudFrontOriginAccessIdentityConfig: { CallerReference: randomUUID(), Comment: 'site' } }));
  const id = created.CloudFrontOriginAccessIdentity.Id;
  assert.match(created.CloudFrontOriginAccessIdentity.S3CanonicalUserId, /^[0-9a-f]{96}$/);
  const got = await client.send(new cf.GetCloudFrontOriginAccessIdentityCommand({ Id: id }));
  const config = await client.send(new cf.GetCloudFrontOriginAccessIdentityConfigCommand({ Id: id }));
  assert.equal(got.ETag, config.ETag);
  const updated = await client.send(new cf.UpdateCloudFrontOriginAccessIdentityCommand({
    Id: id, IfMatch: config.ETag,
    CloudFrontOriginAccessIdentityConfig: { ...config.CloudFrontOriginAccessIdentityConfig, Comment: 'renamed' } }));
  assert.notEqual(updated.ETag, config.ETag);
  const listed = await client.send(new cf.ListCloudFrontOriginAccessIdentitiesCommand({}));
  assert.deepEqual(listed.CloudFrontOriginAccessIdentityList.Items.map((i) => i.Comment), ['renamed']);
  await client.send(new cf.CreateDistributionCommand({ DistributionConfig: distributionConfig({}, {
    S3OriginConfig: { OriginAccessIdentity: `origin-access-identity/cloudfront/${id}` } }) }));
  await expectError(client.send(new cf.DeleteCloudFrontOriginAccessIdentityCommand({ Id: id, IfMatch: updated.ETag })),
                    'CloudFrontOriginAccessIdentityInUse', 409);
});

test('origin access controls: every operation', async () => {
  const client = newClient();
  const config = { Name: `oac-${randomUUID().slice(0, 8)}`, Description: 'd', SigningProtocol: 'sigv4',
                   SigningBehavior: 'always', OriginAccessControlOriginType: 's3' };
  const created = await client.send(new cf.CreateOriginAccessControlCommand({ OriginAccessControlConfig: config }));
  const id = created.OriginAccessControl.Id;
  await expectError(client.send(new cf.CreateOriginAccessControlCommand({ OriginAccessControlConfig: config })),
                    'OriginAccessControlAlreadyExists', 409);
  const got = await client.send(new cf.GetOriginAccessControlCommand({ Id: id }));
  const current = await client.send(new cf.GetOriginAccessControlConfigCommand({ Id: id }));
  assert.equal(got.ETag, current.ETag);
  const updated = await client.send(new cf.UpdateOriginAccessControlCommand({
    Id: id, IfMatch: current.ETag, OriginAccessControlConfig: { ...config, SigningBehavior: 'no-override' } }));
  const listed = await client.send(new cf.ListOriginAccessControlsCommand({}));
  assert.equal(listed.OriginAccessControlList.Items[0].SigningBehavior, 'no-override');
  await client.send(new cf.DeleteOriginAccessControlCommand({ Id: id, IfMatch: updated.ETag }));
  await expectError(client.send(new cf.GetOriginAccessControlCommand({ Id: id })), 'NoSuchOriginAccessControl', 404);
});

test('origin request and response headers policies, and the distributions that use them', async () => {
  const client = newClient();
  const managed = await client.send(new cf.GetResponseHeadersPolicyCommand({ Id: SECURITY_HEADERS }));
  assert.equal(managed.ResponseHeadersPolicy.ResponseHeadersPolicyConfig.Name, 'Managed-SecurityHeadersPolicy');
  const orp = await client.send(new cf.CreateOriginRequestPolicyCommand({ OriginRequestPolicyConfig: {
    Name: `orp-${randomUUID().slice(0, 8)}`, Comment: 'c',
    HeadersConfig: { HeaderBehavior: 'none' }, CookiesConfig: { CookieBehavior: 'none' },
    QueryStringsConfig: { QueryStringBehavior: 'all' } } }));
  const orpId = orp.OriginRequestPolicy.Id;
  const rhp = await client.send(new cf.CreateResponseHeadersPolicyCommand({ ResponseHeadersPolicyConfig: {
    Name: `rhp-${randomUUID().slice(0, 8)}`, Comment: 'c',
    CustomHeadersConfig: { Quantity: 1, Items: [{ Header: 'X-Env', Value: 'test', Override: true }] } } }));
  const rhpId = rhp.ResponseHeadersPolicy.Id;
  const { Distribution } = await client.send(new cf.CreateDistributionCommand({ DistributionConfig: distributionConfig({
    OriginRequestPolicyId: orpId, ResponseHeadersPolicyId: rhpId }) }));

  const byOrp = await client.send(new cf.ListDistributionsByOriginRequestPolicyIdCommand({ OriginRequestPolicyId: orpId }));
  assert.deepEqual(byOrp.DistributionIdList.Items, [Distribution.Id]);
  const byRhp = await client.send(new cf.ListDistributionsByResponseHeadersPolicyIdCommand({ ResponseHeadersPolicyId: rhpId }));
  assert.deepEqual(byRhp.DistributionIdList.Items, [Distribution.Id]);
  const byCache = await client.send(new cf.ListDistributionsByCachePolicyIdCommand({ CachePolicyId: CACHING_OPTIMIZED }));
  assert.deepEqual(byCache.DistributionIdList.Items, [Distribution.Id]);

  const orpConfig = await client.send(new cf.GetOriginRequestPolicyConfigCommand({ Id: orpId }));
  const before = await client.send(new cf.GetDistributionCommand({ Id: Distribution.Id }));
  await client.send(new cf.UpdateOriginRequestPolicyCommand({ Id: orpId, IfMatch: orpConfig.ETag,
    OriginRequestPolicyConfig: { ...orpConfig.OriginRequestPolicyConfig, Comment: 'changed' } }));
  const after = await client.send(new cf.GetDistributionCommand({ Id: Distribution.Id }));
  assert.notEqual(after.ETag, before.ETag, 'a policy update gives the distributions using it a new ETag');
  assert.equal(after.Distribution.Status, 'InProgress');

  const got = await client.send(new cf.GetOriginRequestPolicyCommand({ Id: orpId }));
  await expectError(client.send(new cf.DeleteOriginRequestPolicyCommand({ Id: orpId, IfMatch: got.ETag })),
                    'OriginRequestPolicyInUse', 409);
  const rhpConfig = await client.send(new cf.GetResponseHeadersPolicyConfigCommand({ Id: rhpId }));
  await client.send(new cf.UpdateResponseHeadersPolicyCommand({ Id: rhpId, IfMatch: rhpConfig.ETag,
    ResponseHeadersPolicyConfig: { ...rhpConfig.ResponseHeadersPolicyConfig, Comment: 'changed' } }));
  const custom = await client.send(new cf.ListResponseHeadersPoliciesCommand({ Type: 'custom' }));
  assert.deepEqual(custom.ResponseHeadersPolicyList.Items.map((i) => i.ResponseHeadersPolicy.Id), [rhpId]);
  const origins = await client.send(new cf.ListOriginRequestPoliciesCommand({ Type: 'managed' }));
  assert.ok(origins.OriginRequestPolicyList.Items.some((i) => i.OriginRequestPolicy.Id === ALL_VIEWER));

  const spare = await client.send(new cf.CreateResponseHeadersPolicyCommand({ ResponseHeadersPolicyConfig: {
    Name: `spare-${randomUUID().slice(0, 8)}`, Comment: 'c' } }));
  await client.send(new cf.DeleteResponseHeadersPolicyCommand({ Id: spare.ResponseHeadersPolicy.Id, IfMatch: spare.ETag }));
  const spareOrp = await client.send(new cf.CreateOriginRequestPolicyCommand({ OriginRequestPolicyConfig: {
    Name: `spare-${randomUUID().slice(0, 8)}`, HeadersConfig: { HeaderBehavior: 'none' },
    CookiesConfig: { CookieBehavior: 'none' }, QueryStringsConfig: { QueryStringBehavior: 'none' } } }));
  await client.send(new cf.DeleteOriginRequestPolicyCommand({ Id: spareOrp.OriginRequestPolicy.Id, IfMatch: spareOrp.ETag }));
});

test('public keys and key groups: every operation and the in-use rules', async () => {
  const client = newClient();
  const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pem = publicKey.export({ type: 'spki', format: 'pem' });
  const key = await client.send(new cf.CreatePublicKeyCommand({ PublicKeyConfig: {
    CallerReference: randomUUID(), Name: `key-${randomUUID().slice(0, 8)}`, EncodedKey: pem, Comment: 'c' } }));
  const keyId = key.PublicKey.Id;
  assert.match(keyId, /^K[A-Z0-9]{13}$/);
  const keyConfig = await client.send(new cf.GetPublicKeyConfigCommand({ Id: keyId }));
  const keyUpdated = await client.send(new cf.UpdatePublicKeyCommand({ Id: keyId, IfMatch: keyConfig.ETag,
    PublicKeyConfig: { ...keyConfig.PublicKeyConfig, Comment: 'rotated soon' } }));
  await expectError(client.send(new cf.UpdatePublicKeyCommand({ Id: keyId, IfMatch: keyUpdated.ETag,
    PublicKeyConfig: { ...keyConfig.PublicKeyConfig, EncodedKey: pem.replace('A', 'B') } })),
    'CannotChangeImmutablePublicKeyFields', 400);
  const keys = await client.send(new cf.ListPublicKeysCommand({}));
  assert.deepEqual(keys.PublicKeyList.Items.map((i) => i.Id), [keyId]);

  const group = await client.send(new cf.CreateKeyGroupCommand({ KeyGroupConfig: {
    Name: `group-${randomUUID().slice(0, 8)}`, Items: [keyId], Comment: 'signers' } }));
  const groupId = group.KeyGroup.Id;
  await expectError(client.send(new cf.DeletePublicKeyCommand({ Id: keyId, IfMatch: keyUpdated.ETag })), 'PublicKeyInUse', 409);
  const { Distribution } = await client.send(new cf.CreateDistributionCommand({ DistributionConfig: distributionConfig({
    TrustedKeyGroups: { Enabled: true, Quantity: 1, Items: [groupId] } }) }));
  const byGroup = await client.send(new cf.ListDistributionsByKeyGroupCommand({ KeyGroupId: groupId }));
  assert.deepEqual(byGroup.DistributionIdList.Items, [Distribution.Id]);
  const groupConfig = await client.send(new cf.GetKeyGroupConfigCommand({ Id: groupId }));
  const groupUpdated = await client.send(new cf.UpdateKeyGroupCommand({ Id: groupId, IfMatch: groupConfig.ETag,
    KeyGroupConfig: { ...groupConfig.KeyGroupConfig, Comment: 'renamed' } }));
  const got = await client.send(new cf.GetKeyGroupCommand({ Id: groupId }));
  assert.equal(got.ETag, groupUpdated.ETag);
  await expectError(client.send(new cf.DeleteKeyGroupCommand({ Id: groupId, IfMatch: groupUpdated.ETag })), 'ResourceInUse', 409);
  const groups = await client.send(new cf.ListKeyGroupsCommand({}));
  assert.equal(groups.KeyGroupList.Quantity, 1);
  await expectError(client.send(new cf.CreateKeyGroupCommand({ KeyGroupConfig: {
    Name: 'dangling', Items: ['KNOSUCHKEY1234'] } })), 'NoSuchPublicKey', 404);

  const loneKey = await client.send(new cf.CreatePublicKeyCommand({ PublicKeyConfig: {
    CallerReference: randomUUID(), Name: `lone-${randomUUID().slice(0, 8)}`, EncodedKey: pem } }));
  const loneGroup = await client.send(new cf.CreateKeyGroupCommand({ KeyGroupConfig: {
    Name: `lone-${randomUUID().slice(0, 8)}`, Items: [loneKey.PublicKey.Id] } }));
  await client.send(new cf.DeleteKeyGroupCommand({ Id: loneGroup.KeyGroup.Id, IfMatch: loneGroup.ETag }));
  await client.send(new cf.DeletePublicKeyCommand({ Id: loneKey.PublicKey.Id, IfMatch: loneKey.ETag }));
  await expectError(client.send(new cf.GetPublicKeyCommand({ Id: loneKey.PublicKey.Id })), 'NoSuchPublicKey', 404);
});

// Continuous deployment, field-level encryption, monitoring subscriptions, web ACLs, aliases and the
// DistributionConfig checks with aws-sdk-js v3 — every operation at least once, with their errors.
// Run: CFL_URL=http://127.0.0.1:4750 node --test tests/e2e/js/

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import * as cf from '@aws-sdk/client-cloudfront';
import { CACHING_OPTIMIZED, URL, client, expectError, newAccount } from './helpers.mjs';

const newClient = () => client(newAccount());
const ACM_CERTIFICATE = {
  ACMCertificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b',
  SSLSupportMethod: 'sni-only', MinimumProtocolVersion: 'TLSv1.2_2021',
};
const WEB_ACL = 'arn:aws:wafv2:us-east-1:123456789012:global/webacl/site/473e64fd-f30b-4765-81a0-62ad96dd167a';
const PEM = `-----BEGIN PUBLIC KEY-----
MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAwcEfN2mcFhNy0+UI8p2M
t85js4qiSbm6N657RdaPvkj4mBDechoKJfimsO/muGfeUcGH5T8LdwsaDqsVECGM
JLAzUMvovBCiUSgx7qVo8mIKhZFfEroWu5HwqssS7HtQoOqc9n6AspQuwfaa380O
biilGR3asUhaZk+Z50Um5pdWeUoXLPUvpmVz/M699plON6KNNJWNNcL7xQnYhmA/
WIKLdE6FYR7I3onwGNm7lc+jhbvrY2FCsPksb+BNiU5xCdmHJlJ3HJCYoqQkYaHm
VOjV8cTA/zNuo76K8V8h2Y4VDqYkK6Zb69wHp8WgcPnFtsHkLh+Zy91vLHEexjo9
QQIDAQAB
-----END PUBLIC KEY-----`;

const items = (values) => ({ Quantity: values.length, Items: values });

function distConfig(extra = {}) {
  return {
    CallerReference: randomUUID(), Comment: 'js continuous deployment', Enabled: true,
    Origins: items([{ Id: 's3', DomainName: 'bucket.s3.amazonaws.com', S3OriginConfig: { OriginAccessIdentity: '' } }]),
    DefaultCacheBehavior: { TargetOriginId: 's3', ViewerProtocolPolicy: 'redirect-to-https', CachePolicyId: CACHING_OPTIMIZED },
    ...extra,
  };
}

async function settle(id) {
  const response = await fetch(`${URL}/_emulator/settle`, { method: 'POST', body: JSON.stringify({ id }) });
  assert.equal(response.status, 200);
}

function policyConfig(domain, weight = 0.05) {
  return {
    StagingDistributionDnsNames: items([domain]), Enabled: true,
    TrafficConfig: { Type: 'SingleWeight', SingleWeightConfig: { Weight: weight } },
  };
}

test('continuous deployment policies: every operation, in use both ways, promotion', async () => {
  const c = newClient();
  const primary = await c.send(new cf.CreateDistributionCommand({ DistributionConfig: distConfig() }));
  const staging = await c.send(new cf.CreateDistributionCommand({ DistributionConfig: distConfig({ Staging: true, Comment: 'staged' }) }));
  const created = await c.send(new cf.CreateContinuousDeploymentPolicyCommand({
    ContinuousDeploymentPolicyConfig: policyConfig(staging.Distribution.DomainName) }));
  assert.equal(created.$metadata.httpStatusCode, 201);
  const id = created.ContinuousDeploymentPolicy.Id;
  const got = await c.send(new cf.GetContinuousDeploymentPolicyCommand({ Id: id }));
  const config = await c.send(new cf.GetContinuousDeploymentPolicyConfigCommand({ Id: id }));
  assert.equal(got.ETag, config.ETag);
  const updated = await c.send(new cf.UpdateContinuousDeploymentPolicyCommand({
    Id: id, IfMatch: config.ETag, ContinuousDeploymentPolicyConfig: policyConfig(staging.Distribution.DomainName, 0.15) }));
  assert.equal(updated.ContinuousDeploymentPolicy.ContinuousDeploymentPolicyConfig.TrafficConfig.SingleWeightConfig.Weight, 0.15);
  const listed = await c.send(new cf.ListContinuousDeploymentPoliciesCommand({}));
  assert.deepEqual(listed.ContinuousDeploymentPolicyList.Items.map((p) => p.ContinuousDeploymentPolicy.Id), [id]);
  await expectError(c.send(new cf.CreateContinuousDeploymentPolicyCommand({
    ContinuousDeploymentPolicyConfig: policyConfig(staging.Distribution.DomainName) })), 'StagingDistributionInUse', 409);
  await expectError(c.send(new cf.CreateContinuousDeploymentPolicyCommand({
    ContinuousDeploymentPolicyConfig: policyConfig(staging.Distribution.DomainName, 0.5) })), 'InvalidArgument', 400);

  // The primary names the policy.
  const attached = await c.send(new cf.UpdateDistributionCommand({
    Id: primary.Distribution.Id, IfMatch: primary.ETag,
    DistributionConfig: { ...primary.Distribution.DistributionConfig, ContinuousDeploymentPolicyId: id } }));
  await expectError(c.send(new cf.DeleteContinuousDeploymentPolicyCommand({ Id: id, IfMatch: updated.ETag })),
                    'ContinuousDeploymentPolicyInUse', 409);
  const stagingNow = await c.send(new cf.GetDistributionConfigCommand({ Id: staging.Distribution.Id }));
  await expectError(c.send(new cf.UpdateDistributionCommand({
    Id: staging.Distribution.Id, IfMatch: stagingNow.ETag,
    DistributionConfig: { ...stagingNow.DistributionConfig, Enabled: false } })), 'StagingDistributionInUse', 409);

  // Promotion: If-Match carries both ETags; the primary keeps its caller reference and policy.
  await expectError(c.send(new cf.UpdateDistributionWithStagingConfigCommand({
    Id: primary.Distribution.Id, StagingDistributionId: staging.Distribution.Id, IfMatch: attached.ETag })),
                    'InvalidIfMatchVersion', 400);
  await expectError(c.send(new cf.UpdateDistributionWithStagingConfigCommand({
    Id: primary.Distribution.Id, StagingDistributionId: staging.Distribution.Id,
    IfMatch: `${primary.ETag}, ${stagingNow.ETag}` })), 'PreconditionFailed', 412);
  const promoted = await c.send(new cf.UpdateDistributionWithStagingConfigCommand({
    Id: primary.Distribution.Id, StagingDistributionId: staging.Distribution.Id,
    IfMatch: `${attached.ETag}, ${stagingNow.ETag}` }));
  const promotedConfig = promoted.Distribution.DistributionConfig;
  assert.equal(promotedConfig.Comment, 'staged');
  assert.equal(promotedConfig.Staging, false);
  assert.equal(promotedConfig.ContinuousDeploymentPolicyId, id);
  assert.equal(promotedConfig.CallerReference, primary.Distribution.DistributionConfig.CallerReference);
  assert.notEqual(promoted.ETag, attached.ETag);
  const disabled = await c.send(new cf.GetContinuousDeploymentPolicyCommand({ Id: id }));
  assert.equal(disabled.ContinuousDeploymentPolicy.ContinuousDeploymentPolicyConfig.Enabled, false);

  // Detach and delete.
  const detached = { ...promotedConfig };
  delete detached.ContinuousDeploymentPolicyId;
  await c.send(new cf.UpdateDistributionCommand({ Id: primary.Distribution.Id, IfMatch: promoted.ETag, DistributionConfig: detached }));
  await c.send(new cf.DeleteContinuousDeploymentPolicyCommand({ Id: id, IfMatch: disabled.ETag }));
  await expectError(c.send(new cf.GetContinuousDeploymentPolicyCommand({ Id: id })), 'NoSuchContinuousDeploymentPolicy', 404);
});

test('field-level encryption: profiles and configs, every operation, in use along the chain', async () => {
  const c = newClient();
  const key = await c.send(new cf.CreatePublicKeyCommand({ PublicKeyConfig: {
    CallerReference: randomUUID(), Name: `key-${randomUUID().slice(0, 8)}`, EncodedKey: PEM } }));
  const profileConfig = {
    Name: `profile-${randomUUID().slice(0, 8)}`, CallerReference: randomUUID(), Comment: 'pii',
    EncryptionEntities: items([{ PublicKeyId: key.PublicKey.Id, ProviderId: 'provider', FieldPatterns: items(['card']) }]),
  };
  const profile = await c.send(new cf.CreateFieldLevelEncryptionProfileCommand({ FieldLevelEncryptionProfileConfig: profileConfig }));
  const profileId = profile.FieldLevelEncryptionProfile.Id;
  const gotProfile = await c.send(new cf.GetFieldLevelEncryptionProfileCommand({ Id: profileId }));
  const profileNow = await c.send(new cf.GetFieldLevelEncryptionProfileConfigCommand({ Id: profileId }));
  assert.equal(gotProfile.ETag, profileNow.ETag);
  const profileUpdated = await c.send(new cf.UpdateFieldLevelEncryptionProfileCommand({
    Id: profileId, IfMatch: profileNow.ETag, FieldLevelEncryptionProfileConfig: { ...profileConfig, Comment: 'changed' } }));
  const profiles = await c.send(new cf.ListFieldLevelEncryptionProfilesCommand({}));
  assert.deepEqual(profiles.FieldLevelEncryptionProfileList.Items.map((p) => p.Comment), ['changed']);
  await expectError(c.send(new cf.CreateFieldLevelEncryptionProfileCommand({ FieldLevelEncryptionProfileConfig: {
    ...profileConfig, CallerReference: randomUUID() } })), 'FieldLevelEncryptionProfileAlreadyExists', 409);

  const encryptionConfig = {
    CallerReference: randomUUID(), Comment: 'checkout',
    ContentTypeProfileConfig: { ForwardWhenContentTypeIsUnknown: false, ContentTypeProfiles: items([
      { Format: 'URLEncoded', ProfileId: profileId, ContentType: 'application/x-www-form-urlencoded' }]) },
  };
  const created = await c.send(new cf.CreateFieldLevelEncryptionConfigCommand({ FieldLevelEncryptionConfig: encryptionConfig }));
  const configId = created.FieldLevelEncryption.Id;
  const got = await c.send(new cf.GetFieldLevelEncryptionCommand({ Id: configId }));
  const current = await c.send(new cf.GetFieldLevelEncryptionConfigCommand({ Id: configId }));
  assert.equal(got.ETag, current.ETag);
  const updated = await c.send(new cf.UpdateFieldLevelEncryptionConfigCommand({
    Id: configId, IfMatch: current.ETag, FieldLevelEncryptionConfig: { ...encryptionConfig, Comment: 'changed' } }));
  const configs = await c.send(new cf.ListFieldLevelEncryptionConfigsCommand({}));
  assert.deepEqual(configs.FieldLevelEncryptionList.Items.map((i) => i.Id), [configId]);
  await expectError(c.send(new cf.CreateFieldLevelEncryptionConfigCommand({ FieldLevelEncryptionConfig: {
    ...encryptionConfig, CallerReference: randomUUID(),
    QueryArgProfileConfig: { ForwardWhenQueryArgProfileIsUnknown: true, QueryArgProfiles: items([{ QueryArg: 'q', ProfileId: '' }]) },
  } })), 'QueryArgProfileEmpty', 400);

  await expectError(c.send(new cf.DeleteFieldLevelEncryptionProfileCommand({ Id: profileId, IfMatch: profileUpdated.ETag })),
                    'FieldLevelEncryptionProfileInUse', 409);
  await expectError(c.send(new cf.DeletePublicKeyCommand({ Id: key.PublicKey.Id, IfMatch: key.ETag })), 'PublicKeyInUse', 409);
  await c.send(new cf.DeleteFieldLevelEncryptionConfigCommand({ Id: configId, IfMatch: updated.ETag }));
  await c.send(new cf.DeleteFieldLevelEncryptionProfileCommand({ Id: profileId, IfMatch: profileUpdated.ETag }));
  await expectError(c.send(new cf.GetFieldLevelEncryptionCommand({ Id: configId })), 'NoSuchFieldLevelEncryptionConfig', 404);
});

test('monitoring subscriptions: create, get, delete', async () => {
  const c = newClient();
  const { Distribution } = await c.send(new cf.CreateDistributionCommand({ DistributionConfig: distConfig() }));
  const subscription = { RealtimeMetricsSubscriptionConfig: { RealtimeMetricsSubscriptionStatus: 'Enabled' } };
  const created = await c.send(new cf.CreateMonitoringSubscriptionCommand({ DistributionId: Distribution.Id, MonitoringSubscription: subscription }));
  assert.deepEqual(created.MonitoringSubscription, subscription);
  const got = await c.send(new cf.GetMonitoringSubscriptionCommand({ DistributionId: Distribution.Id }));
  assert.deepEqual(got.MonitoringSubscription, subscription);
  await expectError(c.send(new cf.CreateMonitoringSubscriptionCommand({ DistributionId: Distribution.Id, MonitoringSubscription: subscription })),
                    'MonitoringSubscriptionAlreadyExists', 409);
  await c.send(new cf.DeleteMonitoringSubscriptionCommand({ DistributionId: Distribution.Id }));
  await expectError(c.send(new cf.GetMonitoringSubscriptionCommand({ DistributionId: Distribution.Id })), 'NoSuchMonitoringSubscription', 404);
  await expectError(c.send(new cf.GetMonitoringSubscriptionCommand({ DistributionId: 'E0000000000000' })), 'NoSuchDistribution', 404);
});

test('web ACLs: list by web ACL, disassociate with If-Match', async () => {
  const c = newClient();
  const withAcl = await c.send(new cf.CreateDistributionCommand({ DistributionConfig: distConfig({ WebACLId: WEB_ACL }) }));
  await c.send(new cf.CreateDistributionCommand({ DistributionConfig: distConfig() }));
  const listed = await c.send(new cf.ListDistributionsByWebACLIdCommand({ WebACLId: WEB_ACL }));
  assert.deepEqual(listed.DistributionList.Items.map((d) => d.Id), [withAcl.Distribution.Id]);
  await expectError(c.send(new cf.ListDistributionsByWebACLIdCommand({ WebACLId: 'not-an-acl' })), 'InvalidWebACLId', 400);
  const gone = await c.send(new cf.DisassociateDistributionWebACLCommand({ Id: withAcl.Distribution.Id, IfMatch: withAcl.ETag }));
  assert.equal(gone.Id, withAcl.Distribution.Id);
  assert.notEqual(gone.ETag, withAcl.ETag);
  await expectError(c.send(new cf.DisassociateDistributionWebACLCommand({ Id: withAcl.Distribution.Id, IfMatch: withAcl.ETag })),
                    'PreconditionFailed', 412);
  await expectError(c.send(new cf.DisassociateDistributionWebACLCommand({ Id: 'E0000000000000', IfMatch: withAcl.ETag })),
                    'EntityNotFound', 404);
  const after = await c.send(new cf.ListDistributionsByWebACLIdCommand({ WebACLId: WEB_ACL }));
  assert.equal(after.DistributionList.Quantity, 0);
});

test('aliases: conflicts across accounts, moving one with AssociateAlias', async () => {
  const owner = newClient();
  const mover = newClient();
  const alias = `www.${randomUUID().slice(0, 8)}.example.com`;
  const held = await owner.send(new cf.CreateDistributionCommand({ DistributionConfig: distConfig({
    Aliases: items([alias]), ViewerCertificate: ACM_CERTIFICATE }) }));
  const target = await mover.send(new cf.CreateDistributionCommand({ DistributionConfig: distConfig({ ViewerCertificate: ACM_CERTIFICATE }) }));
  const conflicts = await mover.send(new cf.ListConflictingAliasesCommand({ DistributionId: target.Distribution.Id, Alias: alias }));
  assert.equal(conflicts.ConflictingAliasesList.Quantity, 1);
  const [conflict] = conflicts.ConflictingAliasesList.Items;
  assert.equal(conflict.Alias, alias);
  assert.match(conflict.DistributionId, /^E[A-Z0-9]{3}\*+[A-Z0-9]{2}$/);
  assert.match(conflict.AccountId, /^\*{6}\d{6}$/);
  await expectError(mover.send(new cf.ListConflictingAliasesCommand({ DistributionId: 'E0000000000000', Alias: alias })),
                    'NoSuchDistribution', 404);
  await mover.send(new cf.AssociateAliasCommand({ TargetDistributionId: target.Distribution.Id, Alias: alias }));
  const moved = await mover.send(new cf.GetDistributionConfigCommand({ Id: target.Distribution.Id }));
  assert.deepEqual(moved.DistributionConfig.Aliases.Items, [alias]);
  const left = await owner.send(new cf.GetDistributionConfigCommand({ Id: held.Distribution.Id }));
  assert.equal(left.DistributionConfig.Aliases.Quantity, 0);
  assert.notEqual(left.ETag, held.ETag);
  await expectError(mover.send(new cf.AssociateAliasCommand({ TargetDistributionId: target.Distribution.Id, Alias: 'not a domain' })),
                    'InvalidArgument', 400);
});

test('DistributionConfig checks answer their own codes', async () => {
  const c = newClient();
  const cases = [
    [distConfig({ DefaultRootObject: '/index.html' }), 'InvalidDefaultRootObject'],
    [distConfig({ Aliases: items(['www.example.com']) }), 'InvalidViewerCertificate'],
    [distConfig({ CustomErrorResponses: items([{ ErrorCode: 418 }]) }), 'InvalidErrorCode'],
    [distConfig({ Restrictions: { GeoRestriction: { RestrictionType: 'whitelist', ...items(['ZZ']) } } }), 'InvalidLocationCode'],
    [distConfig({ WebACLId: 'nope' }), 'InvalidWebACLId'],
  ];
  for (const [config, code] of cases) {
    await expectError(c.send(new cf.CreateDistributionCommand({ DistributionConfig: config })), code, 400);
  }
  const listed = await c.send(new cf.ListDistributionsCommand({}));
  assert.equal(listed.DistributionList.Quantity, 0);
});

test('CopyDistribution and the web ACL association (body members without a payload)', async () => {
  const c = newClient();
  const primary = await c.send(new cf.CreateDistributionCommand({ DistributionConfig: distConfig() }));
  const reference = randomUUID();
  const copied = await c.send(new cf.CopyDistributionCommand({
    PrimaryDistributionId: primary.Distribution.Id, Staging: true, IfMatch: primary.ETag,
    CallerReference: reference, Enabled: false }));
  assert.equal(copied.$metadata.httpStatusCode, 201);
  assert.equal(copied.Distribution.DistributionConfig.Staging, true);
  assert.equal(copied.Distribution.DistributionConfig.Enabled, false);
  assert.equal(copied.Distribution.DistributionConfig.CallerReference, reference);
  await expectError(c.send(new cf.CopyDistributionCommand({
    PrimaryDistributionId: primary.Distribution.Id, Staging: true, IfMatch: 'ESTALE', CallerReference: randomUUID() })),
                    'PreconditionFailed', 412);

  const associated = await c.send(new cf.AssociateDistributionWebACLCommand({
    Id: primary.Distribution.Id, WebACLArn: WEB_ACL, IfMatch: primary.ETag }));
  assert.equal(associated.WebACLArn, WEB_ACL);
  assert.notEqual(associated.ETag, primary.ETag);
  await expectError(c.send(new cf.AssociateDistributionWebACLCommand({
    Id: primary.Distribution.Id, WebACLArn: WEB_ACL, IfMatch: primary.ETag })), 'PreconditionFailed', 412);
  const current = await c.send(new cf.GetDistributionConfigCommand({ Id: primary.Distribution.Id }));
  assert.equal(current.DistributionConfig.WebACLId, WEB_ACL);
});

test('real-time log configs: every operation, by name and by ARN, in use', async () => {
  const c = newClient();
  const endPoints = [{ StreamType: 'Kinesis', KinesisStreamConfig: {
    RoleARN: 'arn:aws:iam::123456789012:role/r', StreamARN: 'arn:aws:kinesis:us-east-1:123456789012:stream/s' } }];
  const created = await c.send(new cf.CreateRealtimeLogConfigCommand({
    Name: 'js-logs', SamplingRate: 10, Fields: ['timestamp', 'c-ip'], EndPoints: endPoints }));
  const arn = created.RealtimeLogConfig.ARN;
  assert.match(arn, /^arn:aws:cloudfront::\d{12}:realtime-log-config\/js-logs$/);
  const byArn = await c.send(new cf.GetRealtimeLogConfigCommand({ ARN: arn }));
  assert.deepEqual(byArn.RealtimeLogConfig, created.RealtimeLogConfig);
  const updated = await c.send(new cf.UpdateRealtimeLogConfigCommand({ Name: 'js-logs', SamplingRate: 99, Fields: ['timestamp'], EndPoints: endPoints }));
  assert.equal(updated.RealtimeLogConfig.SamplingRate, 99);
  const listed = await c.send(new cf.ListRealtimeLogConfigsCommand({}));
  assert.deepEqual(listed.RealtimeLogConfigs.Items.map((i) => i.Name), ['js-logs']);
  const config = distConfig();
  config.DefaultCacheBehavior.RealtimeLogConfigArn = arn;
  const dist = await c.send(new cf.CreateDistributionCommand({ DistributionConfig: config }));
  const users = await c.send(new cf.ListDistributionsByRealtimeLogConfigCommand({ RealtimeLogConfigArn: arn }));
  assert.deepEqual(users.DistributionList.Items.map((d) => d.Id), [dist.Distribution.Id]);
  await expectError(c.send(new cf.DeleteRealtimeLogConfigCommand({ Name: 'js-logs' })), 'RealtimeLogConfigInUse', 400);
  await expectError(c.send(new cf.CreateRealtimeLogConfigCommand({
    Name: 'js-logs', SamplingRate: 10, Fields: ['timestamp'], EndPoints: endPoints })), 'RealtimeLogConfigAlreadyExists', 409);
  const other = await c.send(new cf.CreateRealtimeLogConfigCommand({
    Name: 'js-other', SamplingRate: 10, Fields: ['timestamp'], EndPoints: endPoints }));
  await c.send(new cf.DeleteRealtimeLogConfigCommand({ ARN: other.RealtimeLogConfig.ARN }));
  await expectError(c.send(new cf.GetRealtimeLogConfigCommand({ Name: 'js-other' })), 'NoSuchRealtimeLogConfig', 404);
});

test('VPC origins and resource policies: every operation', async () => {
  const c = newClient();
  const endpoint = { Name: 'js-vpc', Arn: 'arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/net/api/0123456789abcdef',
                     HTTPPort: 80, HTTPSPort: 443, OriginProtocolPolicy: 'http-only' };
  const created = await c.send(new cf.CreateVpcOriginCommand({ VpcOriginEndpointConfig: endpoint, Tags: { Items: [{ Key: 'k', Value: 'v' }] } }));
  assert.equal(created.$metadata.httpStatusCode, 202);
  const id = created.VpcOrigin.Id;
  assert.equal(created.VpcOrigin.Status, 'Deploying');
  await settle(id);
  const got = await c.send(new cf.GetVpcOriginCommand({ Id: id }));
  assert.equal(got.VpcOrigin.Status, 'Deployed');
  assert.equal(got.ETag, created.ETag);
  const updated = await c.send(new cf.UpdateVpcOriginCommand({ Id: id, IfMatch: got.ETag, VpcOriginEndpointConfig: { ...endpoint, HTTPPort: 8080 } }));
  assert.equal(updated.VpcOrigin.VpcOriginEndpointConfig.HTTPPort, 8080);
  const listed = await c.send(new cf.ListVpcOriginsCommand({}));
  assert.deepEqual(listed.VpcOriginList.Items.map((o) => o.Id), [id]);

  const config = distConfig();
  config.Origins.Items[0] = { Id: 's3', DomainName: 'api.internal', VpcOriginConfig: { VpcOriginId: id } };
  const dist = await c.send(new cf.CreateDistributionCommand({ DistributionConfig: config }));
  const byId = await c.send(new cf.ListDistributionsByVpcOriginIdCommand({ VpcOriginId: id }));
  assert.deepEqual(byId.DistributionIdList.Items, [dist.Distribution.Id]);
  const owned = await c.send(new cf.ListDistributionsByOwnedResourceCommand({ ResourceArn: created.VpcOrigin.Arn }));
  assert.deepEqual(owned.DistributionList.Items.map((d) => d.DistributionId), [dist.Distribution.Id]);
  await expectError(c.send(new cf.DeleteVpcOriginCommand({ Id: id, IfMatch: updated.ETag })), 'CannotDeleteEntityWhileInUse', 409);

  const policy = JSON.stringify({ Version: '2012-10-17', Statement: [] });
  const put = await c.send(new cf.PutResourcePolicyCommand({ ResourceArn: created.VpcOrigin.Arn, PolicyDocument: policy }));
  assert.equal(put.ResourceArn, created.VpcOrigin.Arn);
  const read = await c.send(new cf.GetResourcePolicyCommand({ ResourceArn: created.VpcOrigin.Arn }));
  assert.equal(read.PolicyDocument, policy);
  await c.send(new cf.DeleteResourcePolicyCommand({ ResourceArn: created.VpcOrigin.Arn }));
  await expectError(c.send(new cf.GetResourcePolicyCommand({ ResourceArn: created.VpcOrigin.Arn })), 'EntityNotFound', 404);

  const other = await c.send(new cf.CreateVpcOriginCommand({ VpcOriginEndpointConfig: { ...endpoint, Name: 'js-vpc-2' } }));
  const deleted = await c.send(new cf.DeleteVpcOriginCommand({ Id: other.VpcOrigin.Id, IfMatch: other.ETag }));
  assert.equal(deleted.VpcOrigin.Status, 'Deleting');
  await expectError(c.send(new cf.GetVpcOriginCommand({ Id: other.VpcOrigin.Id })), 'EntityNotFound', 404);
});

test('domains: conflicts, moving a domain with the target ETag, DNS verification', async () => {
  const owner = newClient();
  const mover = newClient();
  const domain = `shop.${randomUUID().slice(0, 8)}.example.com`;
  await owner.send(new cf.CreateDistributionCommand({ DistributionConfig: distConfig({
    Enabled: false, Aliases: items([domain]), ViewerCertificate: ACM_CERTIFICATE }) }));
  const target = await mover.send(new cf.CreateDistributionCommand({ DistributionConfig: distConfig({ ViewerCertificate: ACM_CERTIFICATE }) }));
  const conflicts = await mover.send(new cf.ListDomainConflictsCommand({
    Domain: domain, DomainControlValidationResource: { DistributionId: target.Distribution.Id } }));
  assert.deepEqual(conflicts.DomainConflicts.map((d) => d.Domain), [domain]);
  await expectError(mover.send(new cf.UpdateDomainAssociationCommand({
    Domain: domain, TargetResource: { DistributionId: target.Distribution.Id }, IfMatch: 'ESTALE' })), 'PreconditionFailed', 412);
  const moved = await mover.send(new cf.UpdateDomainAssociationCommand({
    Domain: domain, TargetResource: { DistributionId: target.Distribution.Id }, IfMatch: target.ETag }));
  assert.equal(moved.ResourceId, target.Distribution.Id);
  assert.notEqual(moved.ETag, target.ETag);
  const verified = await mover.send(new cf.VerifyDnsConfigurationCommand({ Identifier: target.Distribution.Id, Domain: domain }));
  assert.deepEqual(verified.DnsConfigurationList.map((d) => d.Status), ['valid-configuration']);
  await expectError(mover.send(new cf.VerifyDnsConfigurationCommand({ Identifier: 'E0000000000000' })), 'EntityNotFound', 404);
});

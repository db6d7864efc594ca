// Multi-tenant distributions with aws-sdk-js v3: connection groups, distribution tenants (web
// ACLs, lookups by domain and customization), their invalidations, managed certificates and
// ListDistributionsByConnectionMode — every operation at least once, with their errors.
// Run: CFL_URL=http://127.0.0.1:4750 node --test tests/e2e/js/

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import * as cf from '@aws-sdk/client-cloudfront';
import { CACHING_OPTIMIZED, URL, client, expectError, newAccount } from './helpers.mjs';

const WEB_ACL = 'arn:aws:wafv2:us-east-1:123456789012:global/webacl/js-acl/0123abcd-0123-4567-89ab-0123456789ab';

async function settle(id) {
  const response = await fetch(`${URL}/_emulator/settle`, { method: 'POST', body: JSON.stringify({ id }) });
  assert.equal(response.status, 200);
}

function multiTenantConfig() {
  return {
    CallerReference: randomUUID(), Comment: 'js multi-tenant', Enabled: true, ConnectionMode: 'tenant-only',
    Origins: { Quantity: 1, Items: [{ Id: 's3', DomainName: 'bucket.s3.amazonaws.com',
                                      S3OriginConfig: { OriginAccessIdentity: '' } }] },
    DefaultCacheBehavior: { TargetOriginId: 's3', ViewerProtocolPolicy: 'redirect-to-https',
                            CachePolicyId: CACHING_OPTIMIZED },
    TenantConfig: { ParameterDefinitions: [{ Name: 'origin', Definition: { StringSchema: { Required: true } } }] },
  };
}

test('connection groups: every operation', async () => {
  const client = newClient();
  const created = await client.send(new cf.CreateConnectionGroupCommand({ Name: 'js-group', Ipv6Enabled: true }));
  const group = created.ConnectionGroup;
  assert.equal(created.$metadata.httpStatusCode, 201);
  assert.match(group.Id, /^cg_[A-Za-z0-9]{27}$/);
  assert.match(group.RoutingEndpoint, /^d[a-z0-9]{13}\.cloudfront\.net$/);
  assert.equal(group.IsDefault, false);
  const got = await client.send(new cf.GetConnectionGroupCommand({ Identifier: group.Arn }));
  assert.equal(got.ETag, created.ETag);
  const byEndpoint = await client.send(new cf.GetConnectionGroupByRoutingEndpointCommand({
    RoutingEndpoint: group.RoutingEndpoint }));
  assert.equal(byEndpoint.ConnectionGroup.Id, group.Id);
  await expectError(client.send(new cf.GetConnectionGroupCommand({ Identifier: 'cg_none' })), 'EntityNotFound', 404);
  await expectError(client.send(new cf.CreateConnectionGroupCommand({ Name: 'js-group' })), 'EntityAlreadyExists', 409);
  const updated = await client.send(new cf.UpdateConnectionGroupCommand({
    Id: group.Id, IfMatch: created.ETag, Enabled: false }));
  assert.equal(updated.ConnectionGroup.Enabled, false);
  assert.equal(updated.ConnectionGroup.Name, 'js-group');
  await expectError(client.send(new cf.UpdateConnectionGroupCommand({ Id: group.Id, IfMatch: created.ETag, Enabled: true })),
                    'PreconditionFailed', 412);
  const listed = await client.send(new cf.ListConnectionGroupsCommand({}));
  assert.deepEqual(listed.ConnectionGroups.map((g) => [g.Id, g.ETag]), [[group.Id, updated.ETag]]);
  await settle(group.Id);
  await client.send(new cf.DeleteConnectionGroupCommand({ Id: group.Id, IfMatch: updated.ETag }));
  await expectError(client.send(new cf.GetConnectionGroupCommand({ Identifier: group.Id })), 'EntityNotFound', 404);
});

test('distribution tenants: every operation, web ACLs, invalidations, managed certificates', async () => {
  const client = newClient();
  const { Distribution } = await client.send(new cf.CreateDistributionCommand({ DistributionConfig: multiTenantConfig() }));
  const modes = await client.send(new cf.ListDistributionsByConnectionModeCommand({ ConnectionMode: 'tenant-only' }));
  assert.deepEqual(modes.DistributionList.Items.map((d) => d.Id), [Distribution.Id]);
  const direct = await client.send(new cf.ListDistributionsByConnectionModeCommand({ ConnectionMode: 'direct' }));
  assert.equal(direct.DistributionList.Quantity, 0);

  await expectError(client.send(new cf.CreateDistributionTenantCommand({
    DistributionId: Distribution.Id, Name: 'no-params', Domains: [{ Domain: 'np.example.com' }] })),
  'InvalidArgument', 400);
  const created = await client.send(new cf.CreateDistributionTenantCommand({
    DistributionId: Distribution.Id, Name: 'js-tenant', Domains: [{ Domain: 'js.example.com' }],
    Parameters: [{ Name: 'origin', Value: 'js.origin.example.com' }],
    ManagedCertificateRequest: { ValidationTokenHost: 'cloudfront' } }));
  const tenant = created.DistributionTenant;
  assert.equal(created.$metadata.httpStatusCode, 201);
  assert.match(tenant.Id, /^dt_[A-Za-z0-9]{27}$/);
  assert.equal(tenant.Status, 'InProgress');
  await settle(tenant.Id);

  const got = await client.send(new cf.GetDistributionTenantCommand({ Identifier: 'js-tenant' }));
  assert.equal(got.DistributionTenant.Id, tenant.Id);
  assert.equal(got.DistributionTenant.Status, 'Deployed');
  const byDomain = await client.send(new cf.GetDistributionTenantByDomainCommand({ Domain: 'js.example.com' }));
  assert.equal(byDomain.DistributionTenant.Id, tenant.Id);
  await expectError(client.send(new cf.GetDistributionTenantByDomainCommand({ Domain: 'no.example.com' })),
                    'EntityNotFound', 404);
  const certificate = await client.send(new cf.GetManagedCertificateDetailsCommand({ Identifier: tenant.Id }));
  assert.match(certificate.ManagedCertificateDetails.CertificateArn, /^arn:aws:acm:us-east-1:\d{12}:certificate\//);
  assert.deepEqual(certificate.ManagedCertificateDetails.ValidationTokenDetails.map((t) => t.Domain), ['js.example.com']);

  const groups = await client.send(new cf.ListConnectionGroupsCommand({}));
  assert.deepEqual(groups.ConnectionGroups.map((g) => [g.Id, g.IsDefault]), [[tenant.ConnectionGroupId, true]]);
  const listed = await client.send(new cf.ListDistributionTenantsCommand({
    AssociationFilter: { DistributionId: Distribution.Id } }));
  assert.deepEqual(listed.DistributionTenantList.map((t) => t.Id), [tenant.Id]);

  const updated = await client.send(new cf.UpdateDistributionTenantCommand({
    Id: tenant.Id, IfMatch: got.ETag, Domains: [{ Domain: 'js.example.com' }, { Domain: 'www.js.example.com' }] }));
  assert.deepEqual(updated.DistributionTenant.Domains.map((d) => d.Domain), ['js.example.com', 'www.js.example.com']);
  await expectError(client.send(new cf.UpdateDistributionTenantCommand({ Id: tenant.Id, IfMatch: got.ETag, Enabled: false })),
                    'PreconditionFailed', 412);
  const associated = await client.send(new cf.AssociateDistributionTenantWebACLCommand({
    Id: tenant.Id, WebACLArn: WEB_ACL, IfMatch: updated.ETag }));
  assert.equal(associated.WebACLArn, WEB_ACL);
  const byAcl = await client.send(new cf.ListDistributionTenantsByCustomizationCommand({ WebACLArn: WEB_ACL }));
  assert.deepEqual(byAcl.DistributionTenantList.map((t) => t.Id), [tenant.Id]);
  const disassociated = await client.send(new cf.DisassociateDistributionTenantWebACLCommand({
    Id: tenant.Id, IfMatch: associated.ETag }));
  assert.notEqual(disassociated.ETag, associated.ETag);

  const batch = { CallerReference: randomUUID(), Paths: { Quantity: 1, Items: ['/*'] } };
  const invalidation = await client.send(new cf.CreateInvalidationForDistributionTenantCommand({
    Id: tenant.Id, InvalidationBatch: batch }));
  assert.equal(invalidation.Invalidation.Status, 'InProgress');
  await settle(invalidation.Invalidation.Id);
  const gotInvalidation = await client.send(new cf.GetInvalidationForDistributionTenantCommand({
    DistributionTenantId: tenant.Id, Id: invalidation.Invalidation.Id }));
  assert.equal(gotInvalidation.Invalidation.Status, 'Completed');
  const invalidations = await client.send(new cf.ListInvalidationsForDistributionTenantCommand({ Id: tenant.Id }));
  assert.deepEqual(invalidations.InvalidationList.Items.map((i) => i.Id), [invalidation.Invalidation.Id]);
  await expectError(client.send(new cf.GetInvalidationForDistributionTenantCommand({
    DistributionTenantId: tenant.Id, Id: 'INONE' })), 'NoSuchInvalidation', 404);

  await expectError(client.send(new cf.DeleteDistributionTenantCommand({ Id: tenant.Id, IfMatch: disassociated.ETag })),
                    'ResourceNotDisabled', 409);
  const off = await client.send(new cf.UpdateDistributionTenantCommand({
    Id: tenant.Id, IfMatch: disassociated.ETag, Enabled: false }));
  await settle(tenant.Id);
  await client.send(new cf.DeleteDistributionTenantCommand({ Id: tenant.Id, IfMatch: off.ETag }));
  await expectError(client.send(new cf.GetDistributionTenantCommand({ Identifier: tenant.Id })), 'EntityNotFound', 404);
});

function newClient() {
  return client(newAccount());
}

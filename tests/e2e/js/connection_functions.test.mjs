// Connection functions (viewer mTLS) with aws-sdk-js v3: every operation through
// @aws-sdk/client-cloudfront, the two stages and their ETags, TestConnectionFunction running
// connectionHandler, a distribution's ConnectionFunctionAssociation (LIVE only, in use → no
// delete) and ListDistributionsByConnectionFunction, with their errors.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateConnectionFunctionCommand,
  CreateDistributionCommand,
  DeleteConnectionFunctionCommand,
  DescribeConnectionFunctionCommand,
  GetConnectionFunctionCommand,
  GetDistributionConfigCommand,
  ListConnectionFunctionsCommand,
  ListDistributionsByConnectionFunctionCommand,
  PublishConnectionFunctionCommand,
  TestConnectionFunctionCommand,
  UpdateConnectionFunctionCommand,
  UpdateDistributionCommand,
} from '@aws-sdk/client-cloudfront';
import { CACHING_OPTIMIZED, client, expectError, newAccount } from './helpers.mjs';

const CONFIG = { Comment: 'js mTLS', Runtime: 'cloudfront-js-2.0' };
const CODE = `function connectionHandler(connection) {
  console.log('ip ' + connection.clientIp);
  if (connection.clientIp.startsWith('10.')) { connection.deny(); return; }
  connection.allow();
}
`;
const encode = (text) => new TextEncoder().encode(text);

function distConfig(connectionFunctionId) {
  return {
    CallerReference: `js-cfn-${Date.now()}-${Math.random()}`,
    Comment: 'connection functions',
    Enabled: false,
    Origins: { Quantity: 1, Items: [{ Id: 'o1', DomainName: 'example.com',
      CustomOriginConfig: { HTTPPort: 80, HTTPSPort: 443, OriginProtocolPolicy: 'https-only' } }] },
    DefaultCacheBehavior: { TargetOriginId: 'o1', ViewerProtocolPolicy: 'redirect-to-https',
      CachePolicyId: CACHING_OPTIMIZED },
    ConnectionFunctionAssociation: { Id: connectionFunctionId },
  };
}

test('connection functions: stages, test runs, a distribution naming the LIVE stage, deletes', async () => {
  const cf = client(newAccount());
  const created = await cf.send(new CreateConnectionFunctionCommand({
    Name: 'js-gate', ConnectionFunctionConfig: CONFIG, ConnectionFunctionCode: encode(CODE) }));
  const summary = created.ConnectionFunctionSummary;
  const id = summary.Id;
  assert.equal(summary.Stage, 'DEVELOPMENT');
  assert.equal(summary.Status, 'UNPUBLISHED');
  assert.match(summary.ConnectionFunctionArn, new RegExp(`^arn:aws:cloudfront::\\d{12}:connection-function/${id}$`));
  await expectError(cf.send(new CreateConnectionFunctionCommand({
    Name: 'js-gate', ConnectionFunctionConfig: CONFIG, ConnectionFunctionCode: encode(CODE) })),
  'EntityAlreadyExists', 409);
  await expectError(cf.send(new CreateConnectionFunctionCommand({
    Name: 'js-old', ConnectionFunctionConfig: { Comment: '', Runtime: 'cloudfront-js-1.0' },
    ConnectionFunctionCode: encode(CODE) })), 'InvalidArgument', 400);

  const code = await cf.send(new GetConnectionFunctionCommand({ Identifier: 'js-gate' }));
  assert.equal(new TextDecoder().decode(code.ConnectionFunctionCode), CODE);
  assert.equal(code.ETag, created.ETag);

  const run = async (ip, ifMatch = created.ETag) => (await cf.send(new TestConnectionFunctionCommand({
    Id: id, IfMatch: ifMatch, ConnectionObject: encode(JSON.stringify({ clientIp: ip })) }))).ConnectionFunctionTestResult;
  const allowed = await run('203.0.113.1');
  assert.equal(allowed.ConnectionFunctionErrorMessage, '');
  assert.deepEqual(JSON.parse(allowed.ConnectionFunctionOutput), { action: 'allow' });
  assert.deepEqual(allowed.ConnectionFunctionExecutionLogs, ['ip 203.0.113.1']);
  assert.deepEqual(JSON.parse((await run('10.0.0.1')).ConnectionFunctionOutput), { action: 'deny' });
  await expectError(run('203.0.113.1', 'E2QWRUHAPOMQZL'), 'PreconditionFailed', 412);

  // Not published yet: no distribution may name it.
  await expectError(cf.send(new CreateDistributionCommand({ DistributionConfig: distConfig(id) })),
    'EntityNotFound', 404);
  const published = await cf.send(new PublishConnectionFunctionCommand({ Id: id, IfMatch: created.ETag }));
  assert.equal(published.ConnectionFunctionSummary.Stage, 'LIVE');
  const live = await cf.send(new DescribeConnectionFunctionCommand({ Identifier: id, Stage: 'LIVE' }));
  assert.notEqual(live.ETag, created.ETag);
  const updated = await cf.send(new UpdateConnectionFunctionCommand({ Id: id, IfMatch: created.ETag,
    ConnectionFunctionConfig: { ...CONFIG, Comment: 'v2' }, ConnectionFunctionCode: encode(CODE) }));
  assert.equal(updated.ConnectionFunctionSummary.ConnectionFunctionConfig.Comment, 'v2');
  assert.equal((await cf.send(new DescribeConnectionFunctionCommand({ Identifier: id, Stage: 'LIVE' })))
    .ConnectionFunctionSummary.ConnectionFunctionConfig.Comment, 'js mTLS');
  const listed = await cf.send(new ListConnectionFunctionsCommand({ Stage: 'LIVE' }));
  assert.deepEqual(listed.ConnectionFunctions.map((f) => f.Id), [id]);

  const dist = await cf.send(new CreateDistributionCommand({ DistributionConfig: distConfig(id) }));
  const users = await cf.send(new ListDistributionsByConnectionFunctionCommand({ ConnectionFunctionIdentifier: id }));
  assert.deepEqual(users.DistributionList.Items.map((d) => d.Id), [dist.Distribution.Id]);
  await expectError(cf.send(new DeleteConnectionFunctionCommand({ Id: id, IfMatch: updated.ETag })),
    'CannotDeleteEntityWhileInUse', 409);
  await expectError(cf.send(new ListDistributionsByConnectionFunctionCommand({ ConnectionFunctionIdentifier: 'nope' })),
    'EntityNotFound', 404);

  const got = await cf.send(new GetDistributionConfigCommand({ Id: dist.Distribution.Id }));
  delete got.DistributionConfig.ConnectionFunctionAssociation;
  await cf.send(new UpdateDistributionCommand({ Id: dist.Distribution.Id, IfMatch: got.ETag,
    DistributionConfig: got.DistributionConfig }));
  await expectError(cf.send(new DeleteConnectionFunctionCommand({ Id: id, IfMatch: created.ETag })),
    'PreconditionFailed', 412);
  await cf.send(new DeleteConnectionFunctionCommand({ Id: id, IfMatch: updated.ETag }));
  await expectError(cf.send(new DescribeConnectionFunctionCommand({ Identifier: id })), 'EntityNotFound', 404);
});

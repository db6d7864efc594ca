// CloudFront Functions and KeyValueStores on both planes with aws-sdk-js v3: every operation of
// issue 13 through @aws-sdk/client-cloudfront and @aws-sdk/client-cloudfront-keyvaluestore
// (SigV4A from @aws-sdk/signature-v4a; the account goes in front of the host).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import '@aws-sdk/signature-v4a';
import {
  CreateDistributionCommand,
  CreateFunctionCommand,
  CreateKeyValueStoreCommand,
  DeleteDistributionCommand,
  DeleteFunctionCommand,
  DeleteKeyValueStoreCommand,
  DescribeFunctionCommand,
  DescribeKeyValueStoreCommand,
  GetDistributionConfigCommand,
  GetFunctionCommand,
  ListFunctionsCommand,
  ListKeyValueStoresCommand,
  PublishFunctionCommand,
  TestFunctionCommand,
  UpdateDistributionCommand,
  UpdateFunctionCommand,
  UpdateKeyValueStoreCommand,
} from '@aws-sdk/client-cloudfront';
import {
  CloudFrontKeyValueStoreClient,
  DeleteKeyCommand,
  DescribeKeyValueStoreCommand as DescribeStoreDataCommand,
  GetKeyCommand,
  ListKeysCommand,
  PutKeyCommand,
  UpdateKeysCommand,
} from '@aws-sdk/client-cloudfront-keyvaluestore';
import { CACHING_OPTIMIZED, URL as EMULATOR_URL, client, expectError, newAccount } from './helpers.mjs';

// The SDK's endpoint rules put the account in front of the host (ACCOUNT.localhost:PORT), which
// this machine need not resolve: the request goes to the emulator's address, Host as signed.
function kvsClient(accountId) {
  const emulator = new URL(EMULATOR_URL);
  const kvs = new CloudFrontKeyValueStoreClient({
    endpoint: `http://localhost:${emulator.port}`,
    region: 'us-east-1',
    credentials: { accessKeyId: accountId, secretAccessKey: 'x' },
    maxAttempts: 1,
  });
  kvs.middlewareStack.add((next) => async (args) => {
    args.request.headers.host = `${args.request.hostname}:${args.request.port}`;
    return next(args);
  }, { step: 'build', name: 'signedHost' });
  kvs.middlewareStack.add((next) => async (args) => {
    assert.ok(args.request.headers.authorization.startsWith('AWS4-ECDSA-P256-SHA256 '), 'not SigV4A');
    assert.ok(args.request.headers.host.startsWith(`${accountId}.`), args.request.headers.host);
    args.request.hostname = emulator.hostname;
    return next(args);
  }, { step: 'deserialize', priority: 'low', name: 'toEmulator' });
  return kvs;
}

const CODE = `import cf from 'cloudfront';
const kvs = cf.kvs();
async function handler(event) {
  const greeting = await kvs.get('greeting');
  const config = await kvs.get('config', {format: 'json'});
  console.log(greeting, config.ttl);
  return {statusCode: 200, statusDescription: 'OK', headers: {'x-greeting': {value: greeting}}};
}
`;

const EVENT = {
  version: '1.0',
  context: { eventType: 'viewer-request' },
  viewer: { ip: '198.51.100.7' },
  request: { method: 'GET', uri: '/', querystring: {}, headers: {}, cookies: {} },
};

function distConfig(functionArn) {
  return {
    CallerReference: `js-fn-${Date.now()}-${Math.random()}`,
    Comment: 'functions',
    Enabled: false,
    Origins: { Quantity: 1, Items: [{ Id: 'o1', DomainName: 'example.com',
      CustomOriginConfig: { HTTPPort: 80, HTTPSPort: 443, OriginProtocolPolicy: 'https-only' } }] },
    DefaultCacheBehavior: {
      TargetOriginId: 'o1', ViewerProtocolPolicy: 'redirect-to-https', CachePolicyId: CACHING_OPTIMIZED,
      FunctionAssociations: functionArn
        ? { Quantity: 1, Items: [{ FunctionARN: functionArn, EventType: 'viewer-request' }] }
        : { Quantity: 0 },
    },
  };
}

test('a store, its keys, a 2.0 function reading them, publish, associate, refused and done deletes', async () => {
  const account = newAccount();
  const cf = client(account);
  const kvs = kvsClient(account);

  const created = await cf.send(new CreateKeyValueStoreCommand({ Name: 'js-store', Comment: 'js' }));
  const arn = created.KeyValueStore.ARN;
  await expectError(cf.send(new CreateKeyValueStoreCommand({ Name: 'js-store' })), 'EntityAlreadyExists', 409);
  const control = await cf.send(new DescribeKeyValueStoreCommand({ Name: 'js-store' }));
  const renamed = await cf.send(new UpdateKeyValueStoreCommand({ Name: 'js-store', Comment: 'new', IfMatch: control.ETag }));
  assert.equal(renamed.KeyValueStore.Comment, 'new');
  const listed = await cf.send(new ListKeyValueStoresCommand({}));
  assert.deepEqual(listed.KeyValueStoreList.Items.map((s) => s.Name), ['js-store']);

  const data = await kvs.send(new DescribeStoreDataCommand({ KvsARN: arn }));
  assert.equal(data.ItemCount, 0);
  const put = await kvs.send(new PutKeyCommand({ KvsARN: arn, Key: 'greeting', Value: 'hello', IfMatch: data.ETag }));
  assert.equal(put.ItemCount, 1);
  await expectError(kvs.send(new PutKeyCommand({ KvsARN: arn, Key: 'k', Value: 'v', IfMatch: data.ETag })),
    'ConflictException', 409);
  const batch = await kvs.send(new UpdateKeysCommand({ KvsARN: arn, IfMatch: put.ETag,
    Puts: [{ Key: 'config', Value: '{"ttl": 60}' }, { Key: 'gone', Value: 'x' }] }));
  assert.equal(batch.ItemCount, 3);
  const afterDelete = await kvs.send(new DeleteKeyCommand({ KvsARN: arn, Key: 'gone', IfMatch: batch.ETag }));
  assert.equal(afterDelete.ItemCount, 2);
  assert.equal((await kvs.send(new GetKeyCommand({ KvsARN: arn, Key: 'greeting' }))).Value, 'hello');
  await expectError(kvs.send(new GetKeyCommand({ KvsARN: arn, Key: 'gone' })), 'ResourceNotFoundException', 404);
  const page = await kvs.send(new ListKeysCommand({ KvsARN: arn, MaxResults: 1 }));
  assert.deepEqual(page.Items.map((i) => i.Key), ['config']);
  const next = await kvs.send(new ListKeysCommand({ KvsARN: arn, NextToken: page.NextToken }));
  assert.deepEqual(next.Items.map((i) => i.Key), ['greeting']);

  const fn = await cf.send(new CreateFunctionCommand({
    Name: 'js-greeter',
    FunctionConfig: { Comment: 'greets', Runtime: 'cloudfront-js-2.0',
      KeyValueStoreAssociations: { Quantity: 1, Items: [{ KeyValueStoreARN: arn }] } },
    FunctionCode: new TextEncoder().encode(CODE),
  }));
  assert.equal(fn.FunctionSummary.Status, 'UNPUBLISHED');
  const code = await cf.send(new GetFunctionCommand({ Name: 'js-greeter' }));
  assert.equal(new TextDecoder().decode(code.FunctionCode), CODE);
  const tested = await cf.send(new TestFunctionCommand({ Name: 'js-greeter', IfMatch: fn.ETag,
    EventObject: new TextEncoder().encode(JSON.stringify(EVENT)) }));
  assert.equal(tested.TestResult.FunctionErrorMessage, '');
  assert.equal(JSON.parse(tested.TestResult.FunctionOutput).response.headers['x-greeting'].value, 'hello');
  assert.deepEqual(tested.TestResult.FunctionExecutionLogs, ['hello 60']);

  const updated = await cf.send(new UpdateFunctionCommand({ Name: 'js-greeter', IfMatch: fn.ETag,
    FunctionConfig: { Comment: 'greets v2', Runtime: 'cloudfront-js-2.0',
      KeyValueStoreAssociations: { Quantity: 1, Items: [{ KeyValueStoreARN: arn }] } },
    FunctionCode: new TextEncoder().encode(CODE) }));
  await expectError(cf.send(new PublishFunctionCommand({ Name: 'js-greeter', IfMatch: fn.ETag })),
    'PreconditionFailed', 412);
  const published = await cf.send(new PublishFunctionCommand({ Name: 'js-greeter', IfMatch: updated.ETag }));
  assert.equal(published.FunctionSummary.FunctionMetadata.Stage, 'LIVE');
  const live = await cf.send(new DescribeFunctionCommand({ Name: 'js-greeter', Stage: 'LIVE' }));
  assert.equal(live.FunctionSummary.FunctionConfig.Comment, 'greets v2');
  const lives = await cf.send(new ListFunctionsCommand({ Stage: 'LIVE' }));
  assert.deepEqual(lives.FunctionList.Items.map((f) => f.Name), ['js-greeter']);

  const dist = await cf.send(new CreateDistributionCommand({
    DistributionConfig: distConfig(live.FunctionSummary.FunctionMetadata.FunctionARN) }));
  const dev = await cf.send(new DescribeFunctionCommand({ Name: 'js-greeter' }));
  assert.equal(dev.FunctionSummary.Status, 'ASSOCIATED');
  await expectError(cf.send(new DeleteFunctionCommand({ Name: 'js-greeter', IfMatch: dev.ETag })), 'FunctionInUse', 409);
  const store = await cf.send(new DescribeKeyValueStoreCommand({ Name: 'js-store' }));
  await expectError(cf.send(new DeleteKeyValueStoreCommand({ Name: 'js-store', IfMatch: store.ETag })),
    'CannotDeleteEntityWhileInUse', 409);

  const got = await cf.send(new GetDistributionConfigCommand({ Id: dist.Distribution.Id }));
  got.DistributionConfig.DefaultCacheBehavior.FunctionAssociations = { Quantity: 0 };
  const disassociated = await cf.send(new UpdateDistributionCommand({ Id: dist.Distribution.Id, IfMatch: got.ETag,
    DistributionConfig: got.DistributionConfig }));
  await fetch(`${EMULATOR_URL}/_emulator/settle?account=${account}`, { method: 'POST' });
  await cf.send(new DeleteDistributionCommand({ Id: dist.Distribution.Id, IfMatch: disassociated.ETag }));
  await cf.send(new DeleteFunctionCommand({ Name: 'js-greeter', IfMatch: dev.ETag }));
  await expectError(cf.send(new DescribeFunctionCommand({ Name: 'js-greeter' })), 'NoSuchFunctionExists', 404);
  await cf.send(new DeleteKeyValueStoreCommand({ Name: 'js-store', IfMatch: store.ETag }));
  await expectError(kvs.send(new DescribeStoreDataCommand({ KvsARN: arn })), 'ResourceNotFoundException', 404);
});

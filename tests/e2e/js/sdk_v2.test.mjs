// The npm `aws-sdk` v2 (in maintenance, still in wide use) against CloudFront Local: both
// procedures with its waiters (waitFor), the If-Match errors, invalidations, pages, tags and
// origin access identities. Run with the rest: node --test tests/e2e/js/

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { emulator, newAccount, ETAG_RE } from './helpers.mjs';

// v2 prints a maintenance-mode notice when loaded unless told not to.
process.env.AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE = '1';
const { default: AWS } = await import('aws-sdk');

function client(account = newAccount()) {
  return new AWS.CloudFront({
    endpoint: emulator.url, region: 'us-east-1', maxRetries: 0,
    credentials: new AWS.Credentials(account, 'secret'),
  });
}

// Its waiters poll every 60 s (20 s for invalidations); the emulator deploys after 1 s.
const QUICKLY = { delay: 0.2, maxAttempts: 50 };

function distConfig(comment) {
  return {
    CallerReference: `v2-${randomUUID()}`, Comment: comment, Enabled: true,
    Origins: { Quantity: 1, Items: [{ Id: 's3', DomainName: 'my-bucket.s3.amazonaws.com',
      S3OriginConfig: { OriginAccessIdentity: '' } }] },
    DefaultCacheBehavior: { TargetOriginId: 's3', ViewerProtocolPolicy: 'redirect-to-https',
      CachePolicyId: '658327ea-f89d-4fab-a63d-7e88639e58f6' },
  };
}

async function expectError(promise, code, status) {
  await assert.rejects(promise, (error) => {
    assert.equal(error.code, code, `expected ${code}, got ${error.code}: ${error.message}`);
    assert.equal(error.statusCode, status);
    assert.ok(error.requestId, 'error without a request id');
    return true;
  });
}

test('aws-sdk v2: create, wait, disable with If-Match, wait, delete', async () => {
  const cf = client();
  const created = await cf.createDistribution({ DistributionConfig: distConfig('v2 procedure') }).promise();
  const Id = created.Distribution.Id;
  assert.equal(created.Distribution.Status, 'InProgress');
  assert.match(created.ETag, ETAG_RE);
  assert.equal(created.Location, `https://cloudfront.amazonaws.com/2020-05-31/distribution/${Id}`);
  const deployed = await cf.waitFor('distributionDeployed', { Id, $waiter: QUICKLY }).promise();
  assert.equal(deployed.Distribution.Status, 'Deployed');
  assert.equal(deployed.ETag, created.ETag, 'deploying never changes the ETag');

  await expectError(cf.deleteDistribution({ Id, IfMatch: created.ETag }).promise(), 'DistributionNotDisabled', 409);
  const current = await cf.getDistributionConfig({ Id }).promise();
  const DistributionConfig = { ...current.DistributionConfig, Enabled: false };
  await expectError(cf.updateDistribution({ Id, IfMatch: 'E2STALEETAG123', DistributionConfig }).promise(),
    'PreconditionFailed', 412);
  const updated = await cf.updateDistribution({ Id, IfMatch: current.ETag, DistributionConfig }).promise();
  assert.notEqual(updated.ETag, current.ETag);
  await cf.waitFor('distributionDeployed', { Id, $waiter: QUICKLY }).promise();
  await cf.deleteDistribution({ Id, IfMatch: updated.ETag }).promise();
  await expectError(cf.getDistribution({ Id }).promise(), 'NoSuchDistribution', 404);
});

test('aws-sdk v2: streaming distribution and invalidation waiters', async () => {
  const cf = client();
  const streaming = await cf.createStreamingDistribution({ StreamingDistributionConfig: {
    CallerReference: `v2-rtmp-${randomUUID()}`, Comment: 'rtmp', Enabled: true,
    S3Origin: { DomainName: 'media.s3.amazonaws.com', OriginAccessIdentity: '' },
    TrustedSigners: { Enabled: false, Quantity: 0 } } }).promise();
  const deployed = await cf.waitFor('streamingDistributionDeployed',
    { Id: streaming.StreamingDistribution.Id, $waiter: QUICKLY }).promise();
  assert.equal(deployed.StreamingDistribution.Status, 'Deployed');

  const { Distribution } = await cf.createDistribution({ DistributionConfig: distConfig('v2 invalidated') }).promise();
  const { Invalidation } = await cf.createInvalidation({ DistributionId: Distribution.Id, InvalidationBatch: {
    CallerReference: 'v2-invalidation', Paths: { Quantity: 2, Items: ['/index.html', '/img/*'] } } }).promise();
  const completed = await cf.waitFor('invalidationCompleted',
    { DistributionId: Distribution.Id, Id: Invalidation.Id, $waiter: QUICKLY }).promise();
  assert.equal(completed.Invalidation.Status, 'Completed');
  assert.deepEqual(completed.Invalidation.InvalidationBatch.Paths.Items, ['/index.html', '/img/*']);
});

test('aws-sdk v2: pages, tags and origin access identities', async () => {
  const cf = client();
  const ids = [];
  for (let i = 0; i < 3; i += 1) {
    const created = await cf.createDistributionWithTags({ DistributionConfigWithTags: {
      DistributionConfig: distConfig(`v2 page ${i}`),
      Tags: { Items: [{ Key: 'n', Value: String(i) }] } } }).promise();
    ids.push(created.Distribution.Id);
  }
  const first = await cf.listDistributions({ MaxItems: '2' }).promise();
  assert.equal(first.DistributionList.IsTruncated, true);
  const second = await cf.listDistributions({ MaxItems: '2', Marker: first.DistributionList.NextMarker }).promise();
  assert.deepEqual([...first.DistributionList.Items, ...second.DistributionList.Items].map((d) => d.Id), ids);
  const tags = await cf.listTagsForResource({ Resource: first.DistributionList.Items[1].ARN }).promise();
  assert.deepEqual(tags.Tags.Items, [{ Key: 'n', Value: '1' }]);

  const identity = await cf.createCloudFrontOriginAccessIdentity({ CloudFrontOriginAccessIdentityConfig: {
    CallerReference: 'v2-oai', Comment: 'for the bucket' } }).promise();
  assert.match(identity.CloudFrontOriginAccessIdentity.S3CanonicalUserId, /^[0-9a-f]{64,96}$/);
  await cf.deleteCloudFrontOriginAccessIdentity({ Id: identity.CloudFrontOriginAccessIdentity.Id,
    IfMatch: identity.ETag }).promise();
});

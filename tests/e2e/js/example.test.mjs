// The README's example for the JavaScript test module, verbatim (tests/e2e/test_helpers.py checks
// that it is). It starts its own emulator: run it with `node --test`.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  CloudFrontClient, CreateDistributionCommand, GetDistributionConfigCommand, UpdateDistributionCommand,
  DeleteDistributionCommand, ListDistributionsCommand, waitUntilDistributionDeployed,
} from '@aws-sdk/client-cloudfront';
import { startEmulator, newAccount, withJournalOnFailure } from 'cloudfront-local-testing';

const CONFIG = {
  CallerReference: 'example-site', Comment: 'my site', Enabled: true,
  Origins: { Quantity: 1, Items: [{ Id: 's3', DomainName: 'my-bucket.s3.amazonaws.com',
    S3OriginConfig: { OriginAccessIdentity: '' } }] },
  DefaultCacheBehavior: { TargetOriginId: 's3', ViewerProtocolPolicy: 'redirect-to-https',
    CachePolicyId: '658327ea-f89d-4fab-a63d-7e88639e58f6' },
};

let emulator;
before(async () => { emulator = await startEmulator({ flags: ['--propagation-delay', '300'] }); });
after(async () => { assert.equal(await emulator.stop(), 0); });

async function disable(cf, Id) {
  const { ETag, DistributionConfig } = await cf.send(new GetDistributionConfigCommand({ Id }));
  const updated = await cf.send(new UpdateDistributionCommand({
    Id, IfMatch: ETag, DistributionConfig: { ...DistributionConfig, Enabled: false } }));
  return updated.ETag;
}

test('a delete survives a concurrent change', async () => {
  const account = newAccount();                          // this test's own account
  const cf = emulator.client(CloudFrontClient, account);
  await withJournalOnFailure(emulator, account, async () => {   // a failure shows the journal
    const { Distribution } = await cf.send(new CreateDistributionCommand({ DistributionConfig: CONFIG }));
    const Id = Distribution.Id;
    await emulator.settle({ id: Id });                   // Deployed now, not in 300 s
    let etag = await disable(cf, Id);
    await emulator.touch(Id, { comment: 'someone else' });   // another actor: a new ETag
    await assert.rejects(cf.send(new DeleteDistributionCommand({ Id, IfMatch: etag })),
      { name: 'PreconditionFailed' });
    etag = await disable(cf, Id);                        // re-read, disable again
    await emulator.advanceClock(600);                    // propagation has passed
    await waitUntilDistributionDeployed({ client: cf, maxWaitTime: 10, minDelay: 1 }, { Id });
    await cf.send(new DeleteDistributionCommand({ Id, IfMatch: etag }));

    const calls = await emulator.requests({ account, operation: 'DeleteDistribution' });
    assert.deepEqual(calls.map((call) => call.status), [204, 412]);   // newest first
  });
});

test('an injected fault answers like CloudFront', async () => {
  const account = newAccount();
  const cf = emulator.client(CloudFrontClient, account);
  await emulator.addFault({ operation: 'ListDistributions', error: 'AccessDenied', account });
  await assert.rejects(cf.send(new ListDistributionsCommand({})), { name: 'AccessDenied' });
  const { DistributionList } = await cf.send(new ListDistributionsCommand({}));
  assert.equal(DistributionList.Quantity, 0);
});

// Shared by the aws-sdk-js tests: the emulator, clients with their own account, and the check of
// an expected error. The emulator and accounts come from the project's own test module
// (tests/helpers/js, installed here as the npm dependency cloudfront-local-testing): the
// pytest session's emulator when CFL_URL is set (tests/e2e/test_js.py sets it), else one started
// for this file from the built binary (CFL_BINARY or build/cloudfront-local).

import assert from 'node:assert/strict';
import { after } from 'node:test';
import { CloudFrontClient } from '@aws-sdk/client-cloudfront';
import { connectEmulator, newAccount, startEmulator } from 'cloudfront-local-testing';

export { newAccount };

export const emulator = process.env.CFL_URL
  ? connectEmulator(process.env.CFL_URL)
  : await startEmulator({ flags: ['--propagation-delay', '1'] });
if (!process.env.CFL_URL) after(() => emulator.stop());

export const URL = emulator.url;
export const CACHING_OPTIMIZED = '658327ea-f89d-4fab-a63d-7e88639e58f6';
export const ETAG_RE = /^[A-Z0-9]{13,14}$/;

// A client acting for accountId (the access key is the account), retries off.
export function client(accountId) {
  return emulator.client(CloudFrontClient, accountId);
}

export async function expectError(promise, name, status) {
  try {
    await promise;
  } catch (err) {
    assert.equal(err.name, name, `expected ${name}, got ${err.name}: ${err.message}`);
    assert.equal(err.$metadata?.httpStatusCode, status);
    assert.ok(err.$metadata?.requestId, 'error without a request id');
    return err;
  }
  assert.fail(`expected ${name} (${status}), the call succeeded`);
}

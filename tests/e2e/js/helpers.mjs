// Shared by the aws-sdk-js v3 tests: the emulator URL, clients with their own
// account, and the check of an expected error.

import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import { CloudFrontClient } from '@aws-sdk/client-cloudfront';

export const URL = process.env.CFL_URL;
if (!URL) {
  throw new Error('set CFL_URL to the emulator URL (e.g. http://127.0.0.1:4750)');
}

export const CACHING_OPTIMIZED = '658327ea-f89d-4fab-a63d-7e88639e58f6';
export const ETAG_RE = /^[A-Z0-9]{13,14}$/;

// 12 digits from base on, never the default account 123456789012.
export function newAccount(base = 900000000000) {
  return String(base + randomInt(0, 99999999999)).padStart(12, '0');
}

// A client acting for accountId (the access key is the account), retries off.
export function client(accountId) {
  return new CloudFrontClient({
    endpoint: URL,
    region: 'us-east-1',
    credentials: { accessKeyId: accountId, secretAccessKey: 'x' },
    maxAttempts: 1,
  });
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

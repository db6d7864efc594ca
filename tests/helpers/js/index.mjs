// Test helpers for CloudFront Local, for node:test, vitest and jest (no dependencies).
//
// startEmulator() starts the cloudfront-local binary on a free port; connectEmulator(url) drives
// one that is already running. Both answer a Control for the /_emulator control plane, whose
// methods have the Python plugin's names in camelCase (advance_clock → advanceClock, …).

import { spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { randomInt } from 'node:crypto';
import path from 'node:path';

const LISTENING = 'cloudfront-local listening on ';
const STDERR_KEPT = 64 * 1024;

export class ControlError extends Error {
  constructor(method, urlPath, status, message, body) {
    super(`${method} /_emulator${urlPath} answered ${status}: ${message}`);
    this.name = 'ControlError';
    this.status = status;
    this.body = body;
  }
}

function withoutUndefined(object) {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined && value !== null));
}

// One journal entry as a line: time, status, operation, error, fault, path, ids.
export function formatCall(call) {
  const parts = [call.time ?? '', String(call.status ?? ''), call.operation || '-'];
  if (call.error_code) parts.push(call.error_code);
  if (call.fault) parts.push(`(injected by ${call.fault_rule})`);
  parts.push(`${call.method ?? ''} ${call.path ?? ''}`);
  if (call.if_match) parts.push(`If-Match=${call.if_match}`);
  if (call.etag) parts.push(`ETag=${call.etag}`);
  parts.push(`account=${call.account ?? ''} request_id=${call.request_id ?? ''}`);
  return parts.join(' ');
}

// Fresh 12-digit account ids: a random base per process plus a counter (below 10,000), never
// 123456789012. 70 million bases: node --test runs each file in a process of its own, and with 700
// bases a dozen processes sharing one emulator drew the same one about once in nine runs.
const accountBase = randomInt(200, 900) * 1e9 + randomInt(0, 100000) * 1e4;
let accountSequence = 0;
export function newAccount() {
  accountSequence += 1;
  return String(accountBase + accountSequence).padStart(12, '0');
}

// The control plane of the emulator at url.
export class Control {
  constructor(url) {
    this.url = url.replace(/\/+$/, '');
  }

  async call(method, urlPath, body, query) {
    let target = `${this.url}/_emulator${urlPath}`;
    const params = new URLSearchParams(withoutUndefined(query ?? {}));
    if ([...params].length) target += `?${params}`;
    const sendsBody = ['POST', 'PUT', 'PATCH'].includes(method) || body !== undefined;
    const answer = await fetch(target, {
      method,
      headers: { 'Content-Type': 'application/json' },
      body: sendsBody ? JSON.stringify(body ?? {}) : undefined,
    });
    const text = await answer.text();
    let decoded = null;
    try {
      decoded = text ? JSON.parse(text) : null;
    } catch {
      decoded = null;
    }
    if (!answer.ok) {
      throw new ControlError(method, urlPath, answer.status, decoded?.error ?? text, decoded);
    }
    return decoded;
  }

  // Settings for an aws-sdk-js v3 client acting for account (the access key is the account).
  clientConfig(account) {
    return {
      endpoint: this.url,
      region: 'us-east-1',
      credentials: { accessKeyId: account, secretAccessKey: 'x' },
      maxAttempts: 1,
    };
  }

  // new ClientClass(clientConfig(account)), e.g. client(CloudFrontClient, newAccount()).
  client(ClientClass, account) {
    return new ClientClass(this.clientConfig(account));
  }

  health() { return this.call('GET', '/health'); }

  // Forgets everything, or ({ account }) only one account's resources, fault rules and journal.
  reset({ account } = {}) { return this.call('POST', '/reset', withoutUndefined({ account })); }

  // The run-time settings; with changes ({ propagation_delay_seconds, … }) changes them first.
  config(changes) {
    if (changes && Object.keys(changes).length) return this.call('PATCH', '/config', changes);
    return this.call('GET', '/config');
  }

  clock() { return this.call('GET', '/clock'); }

  advanceClock(seconds) { return this.call('POST', '/clock', { advance_seconds: seconds }); }

  // Finishes what is in progress now (everything, { account } or { id }); answers how many settled.
  async settle({ id, account } = {}) {
    return (await this.call('POST', '/settle', withoutUndefined({ id, account }))).settled;
  }

  // Someone else updates the resource: new ETag, InProgress again.
  touch(resourceId, { enabled, comment, account } = {}) {
    return this.call('POST', `/resources/${encodeURIComponent(resourceId)}/touch`,
      withoutUndefined({ enabled, comment, account }));
  }

  // The next `count` matching API calls answer `error` (or are delayed by delayMs).
  addFault({ operation, error, count, resourceId, account, delayMs, message }) {
    return this.call('POST', '/faults', withoutUndefined({
      operation, error, count, resource_id: resourceId, account, delay_ms: delayMs, message,
    }));
  }

  async faults() { return (await this.call('GET', '/faults')).faults; }

  removeFault(ruleId) { return this.call('DELETE', `/faults/${encodeURIComponent(ruleId)}`); }

  clearFaults() { return this.call('DELETE', '/faults'); }

  // The latest API calls, newest first.
  async requests({ operation, status, account, error, limit } = {}) {
    return (await this.call('GET', '/requests', undefined, { operation, status, account, error, limit })).requests;
  }

  clearRequests() { return this.call('DELETE', '/requests'); }

  // The latest calls (of one account), oldest first, one readable line each.
  async journalTail({ account, limit = 20 } = {}) {
    const calls = await this.requests({ account, limit });
    return calls.reverse().map(formatCall).join('\n');
  }

  snapshot() { return this.call('GET', '/state'); }

  restore(snapshot) { return this.call('PUT', '/state', snapshot); }
}

// Runs fn(); if it throws, the error's message gains the journal tail of account (or of every
// account), so a failing test says what the emulator saw. Answers what fn answers.
export async function withJournalOnFailure(control, account, fn) {
  try {
    return await fn();
  } catch (error) {
    let tail;
    try {
      tail = (await control.journalTail({ account })) || '(no API calls)';
    } catch (journalError) {
      tail = `(unavailable: ${journalError.message})`;
    }
    const who = account ? `account ${account}` : 'every account';
    if (error instanceof Error) {
      error.message += `\n\ncloudfront-local journal, the last 20 API calls of ${who}, oldest first:\n${tail}`;
    }
    throw error;
  }
}

// The binary: options.binary, else $CFL_BINARY, else build/cloudfront-local in the working
// directory or a folder above it, else cloudfront-local on the PATH.
export function findBinary(binary) {
  if (binary) return binary;
  if (process.env.CFL_BINARY) return process.env.CFL_BINARY;
  for (let folder = process.cwd(); ; folder = path.dirname(folder)) {
    const built = path.join(folder, 'build', 'cloudfront-local');
    if (existsSync(built) && statSync(built).isFile()) return built;
    if (path.dirname(folder) === folder) break;
  }
  return 'cloudfront-local';
}

// A running cloudfront-local, also the Control of its own control plane.
export class Emulator extends Control {
  constructor(url, child, args, stderr) {
    super(url);
    this.child = child;
    this.args = args;
    this.port = Number(new URL(url).port);
    this.exitCode = null;
    this.stderr = stderr;
    const gone = child.exitCode ?? child.signalCode;
    this.exited = gone !== null
      ? Promise.resolve(this.exitCode = gone)
      : new Promise((resolve) => child.once('exit', (code, signal) => {
        this.exitCode = code ?? signal;
        resolve(this.exitCode);
      }));
  }

  alive() { return this.exitCode === null && this.child.exitCode === null; }

  stderrText() { return this.stderr.text; }

  // SIGTERM (or signal), then waits; answers the exit code (0 on a clean stop).
  async stop({ signal = 'SIGTERM', timeoutMs = 10000 } = {}) {
    if (this.alive()) this.child.kill(signal);
    let timer;
    const timeout = new Promise((resolve) => {
      timer = setTimeout(() => {
        this.child.kill('SIGKILL');
        resolve(`did not exit within ${timeoutMs} ms of ${signal}`);
      }, timeoutMs);
    });
    const code = await Promise.race([this.exited, timeout]);
    clearTimeout(timer);
    return code;
  }
}

// Polls /_emulator/health until the emulator answers at all (the control plane may be off: 404).
async function waitUntilServing(url, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    try {
      const answer = await fetch(`${url}/_emulator/health`);
      await answer.arrayBuffer();
      return;
    } catch (error) {
      last = error.message;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${url}/_emulator/health never answered (${last})`);
}

// Starts the binary with --port 0 (a free port) and flags; resolves once it answers.
export async function startEmulator({ binary, flags = [], startupTimeoutMs = 15000 } = {}) {
  const args = flags.includes('--port') ? [...flags] : ['--port', '0', ...flags];
  const command = findBinary(binary);
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const stderr = { text: '' };
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk) => {
    stderr.text = (stderr.text + chunk).slice(-STDERR_KEPT);
  });
  // A test run that forgets stop() must not leave the emulator behind.
  const stopOnExit = () => child.kill('SIGKILL');
  process.once('exit', stopOnExit);
  child.once('exit', () => process.removeListener('exit', stopOnExit));

  const url = await new Promise((resolve, reject) => {
    let stdout = '';
    let timer;
    const settleWith = (outcome) => {
      clearTimeout(timer);
      child.removeListener('exit', onExit);
      child.removeListener('error', onError);
      child.stdout.removeListener('data', onData);
      child.stdout.resume();  // drain the rest
      outcome();
    };
    const fail = (why) => settleWith(() => {
      child.kill('SIGKILL');
      reject(new Error(`cannot start ${command} ${args.join(' ')}: ${why}\nstderr tail:\n${stderr.text.slice(-2000)}`));
    });
    const onExit = (code) => fail(`it exited with ${code} before printing its URL`);
    const onError = (error) => fail(error.code === 'ENOENT'
      ? 'not found: build it (./build.sh) or set CFL_BINARY'
      : error.message);
    const onData = (chunk) => {
      stdout += chunk;
      const newline = stdout.indexOf('\n');
      if (newline < 0) return;
      const first = stdout.slice(0, newline).trim();
      if (!first.startsWith(LISTENING)) {
        fail(`its first line is ${JSON.stringify(first)}, expected "${LISTENING}http://HOST:PORT"`);
        return;
      }
      settleWith(() => resolve(first.slice(LISTENING.length)));
    };
    timer = setTimeout(() => fail(`no first line within ${startupTimeoutMs} ms`), startupTimeoutMs);
    child.once('exit', onExit);
    child.once('error', onError);
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', onData);
  });
  try {
    await waitUntilServing(url, startupTimeoutMs);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  // From now on the emulator does not keep node running: a run that forgets stop() ends, and
  // the 'exit' hook above kills it.
  child.unref();
  child.stdout.unref?.();
  child.stderr.unref?.();
  return new Emulator(url, child, args, stderr);
}

// The emulator already running at url (no process to stop).
export function connectEmulator(url) {
  return new Control(url);
}

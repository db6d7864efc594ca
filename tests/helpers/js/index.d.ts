// Types for cloudfront-local-testing (index.mjs).

export interface JournalCall {
  time: string; time_ms: number; request_id: string; account: string; operation: string | null;
  method: string; path: string; status: number; error_code: string | null; if_match: string | null;
  etag: string | null; duration_ms: number; fault: boolean; fault_rule: string | null;
}

export interface FaultRule {
  operation: string; error?: string; count?: number; resourceId?: string; account?: string;
  delayMs?: number; message?: string;
}

export interface ClientConfig {
  endpoint: string; region: string; credentials: { accessKeyId: string; secretAccessKey: string };
  maxAttempts: number;
}

export class ControlError extends Error {
  status: number;
  body: unknown;
}

export class Control {
  constructor(url: string);
  readonly url: string;
  call(method: string, path: string, body?: unknown, query?: Record<string, unknown>): Promise<any>;
  clientConfig(account: string): ClientConfig;
  client<T>(ClientClass: new (config: ClientConfig) => T, account: string): T;
  health(): Promise<any>;
  reset(options?: { account?: string }): Promise<any>;
  config(changes?: Record<string, number>): Promise<any>;
  clock(): Promise<{ now: string; now_ms: number; offset_seconds: number }>;
  advanceClock(seconds: number): Promise<any>;
  settle(options?: { id?: string; account?: string }): Promise<number>;
  touch(resourceId: string, options?: { enabled?: boolean; comment?: string; account?: string }): Promise<any>;
  addFault(rule: FaultRule): Promise<any>;
  faults(): Promise<any[]>;
  removeFault(ruleId: string): Promise<any>;
  clearFaults(): Promise<any>;
  requests(filter?: { operation?: string; status?: number; account?: string; error?: string; limit?: number }):
    Promise<JournalCall[]>;
  clearRequests(): Promise<any>;
  journalTail(options?: { account?: string; limit?: number }): Promise<string>;
  snapshot(): Promise<any>;
  restore(snapshot: unknown): Promise<any>;
}

export class Emulator extends Control {
  readonly port: number;
  readonly args: string[];
  alive(): boolean;
  stderrText(): string;
  stop(options?: { signal?: string; timeoutMs?: number }): Promise<number | string>;
}

export function startEmulator(options?: { binary?: string; flags?: string[]; startupTimeoutMs?: number }):
  Promise<Emulator>;
export function connectEmulator(url: string): Control;
export function newAccount(): string;
export function findBinary(binary?: string): string;
export function formatCall(call: JournalCall): string;
export function withJournalOnFailure<T>(control: Control, account: string | undefined, fn: () => Promise<T> | T):
  Promise<T>;

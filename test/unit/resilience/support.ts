/**
 * Shared fixtures for the resilience tests: a loopback server whose answers each test scripts, a
 * client factory with tiny backoff delays, and a recorder for the logger and the hooks.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { vi } from 'vitest';
import { z } from 'zod';
import { HttpClient, type HttpClientOptions } from '../../../src/http/client.js';
import type { RequestHooks } from '../../../src/observe/events.js';
import type { Logger } from '../../../src/observe/logger.js';

export const KEY = 'resilience-key-0000';
export const User = z.object({ id: z.string() });

export type Handler = (req: IncomingMessage, res: ServerResponse, hit: number) => void;

/** A loopback server: `hits` counts requests; `handler` answers them (`hit` is 1-based). */
export class ScriptedServer {
  hits = 0;
  bodies: string[] = [];
  /** The path (and query) of each request, in arrival order. */
  paths: string[] = [];
  handler: Handler = (_req, res) => res.end('{"id":"default"}');
  private server: Server | undefined;
  origin = '';
  port = 0;

  async start(port = 0): Promise<this> {
    this.server = createServer((req, res) => {
      this.hits++;
      this.paths.push(req.url ?? '');
      const hit = this.hits;
      let body = '';
      req.on('data', (c: Buffer) => {
        body += c.toString('utf8');
      });
      req.on('end', () => this.bodies.push(body));
      this.handler(req, res, hit);
    });
    await new Promise<void>((r) => this.server!.listen(port, '127.0.0.1', r));
    this.port = (this.server.address() as AddressInfo).port;
    this.origin = `http://127.0.0.1:${this.port}`;
    return this;
  }

  reset(): void {
    this.hits = 0;
    this.bodies = [];
    this.paths = [];
    this.handler = (_req, res) => res.end('{"id":"default"}');
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise((r) => this.server!.close(r));
    this.server = undefined;
  }
}

/** Answers with `status` and a JSON body (and optional headers). */
export function reply(status: number, body: unknown = {}, headers: Record<string, string> = {}): Handler {
  return (_req, res) => {
    res.statusCode = status;
    res.setHeader('content-type', 'application/json');
    for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
    res.end(JSON.stringify(body));
  };
}

/** Answers each hit with the next handler of the list (the last one repeats). */
export function sequence(...handlers: Handler[]): Handler {
  return (req, res, hit) => handlers[Math.min(hit, handlers.length) - 1]!(req, res, hit);
}

/** Drops the connection once the request has arrived: a reset after the request was sent. */
export const resetAfterSend: Handler = (req) => {
  req.socket.destroy();
};

/** Never answers (until the client gives up). */
export const hang: Handler = () => {};

/** A port nothing listens on: connection refused. */
export async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

export function makeClient(baseUrl: string, extra: Partial<HttpClientOptions> = {}): HttpClient {
  return new HttpClient({
    tenant: 't1',
    provider: 'fake',
    baseUrl,
    auth: { headers: () => ({ 'X-Key': KEY }), secrets: () => [KEY] },
    describeError: (_s, body) => {
      const m = (body as { message?: unknown } | undefined)?.message;
      return { messages: typeof m === 'string' ? [m] : [] };
    },
    timeoutMs: 3_000,
    maxResponseBytes: 64 * 1024,
    ...extra,
    retry: { baseDelayMs: 1, maxDelayMs: 5, ...extra.retry },
    circuitBreaker: { enabled: false, ...extra.circuitBreaker },
  });
}

export interface LogRecord {
  level: string;
  obj: Record<string, unknown>;
  msg: string | undefined;
  bindings: Record<string, unknown>;
}

/** A pino-like logger: its methods need `this`, and `child` adds bindings. */
export class RecordingLogger implements Logger {
  constructor(
    readonly records: LogRecord[] = [],
    private readonly bindings: Record<string, unknown> = {},
  ) {}
  private write(level: string, obj: Record<string, unknown>, msg?: string): void {
    this.records.push({ level, obj, msg, bindings: this.bindings });
  }
  debug(obj: Record<string, unknown>, msg?: string): void {
    this.write('debug', obj, msg);
  }
  info(obj: Record<string, unknown>, msg?: string): void {
    this.write('info', obj, msg);
  }
  warn(obj: Record<string, unknown>, msg?: string): void {
    this.write('warn', obj, msg);
  }
  error(obj: Record<string, unknown>, msg?: string): void {
    this.write('error', obj, msg);
  }
  child(bindings: Record<string, unknown>): Logger {
    return new RecordingLogger(this.records, { ...this.bindings, ...bindings });
  }
}

export interface HookRecord {
  hook: keyof RequestHooks;
  event: Record<string, unknown>;
}

/** Hooks that record every event they receive. */
export function recordingHooks(records: HookRecord[]): Required<RequestHooks> {
  const rec =
    (hook: keyof RequestHooks) =>
    (event: object): void => {
      records.push({ hook, event: { ...event } as Record<string, unknown> });
    };
  return {
    onRequestStart: rec('onRequestStart'),
    onRequestEnd: rec('onRequestEnd'),
    onRetry: rec('onRetry'),
    onCircuitStateChange: rec('onCircuitStateChange'),
    onAmbiguousOutcome: rec('onAmbiguousOutcome'),
    onConfigurationChange: rec('onConfigurationChange'),
  };
}

/** Every way a host might print a value. */
export function renderAll(values: readonly unknown[]): string {
  return values.map((v) => `${JSON.stringify(v)}\n${inspect(v, { depth: 10 })}`).join('\n');
}

export const since = (start: number): number => performance.now() - start;

/**
 * Fakes the clock the client waits on (`setTimeout`, `Date`, `performance`): backoff and
 * `Retry-After` waits last exactly as long as the test advances the clock, while sockets, the
 * scripted server and `setImmediate` keep running in real time. Undo with `vi.useRealTimers()`.
 */
export function useFakeClock(): void {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date', 'performance'] });
}

/** Lets the event loop (and its sockets) run, in real time, until `predicate` holds. */
export async function untilReal(predicate: () => boolean, limitMs = 10_000): Promise<void> {
  const end = process.hrtime.bigint() + BigInt(limitMs) * 1_000_000n;
  while (!predicate()) {
    if (process.hrtime.bigint() > end) throw new Error(`condition not met within ${limitMs} ms`);
    await new Promise((r) => setImmediate(r));
  }
}

/**
 * Fault injection: each fault does exactly what it claims on the wire (raw HTTP), and the decisions
 * are exact when queued and reproducible when drawn from a seed.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { emulator as argyleEmulator } from '../../providers/argyle/sandbox/index.js';
import { emulator as tealEmulator } from '../../providers/teal/sandbox/index.js';
import { Faults } from '../../src/sandbox/faults.js';
import { startEmulator } from '../../src/sandbox/server.js';
import type { FaultRequest, RunningEmulator } from '../../src/sandbox/types.js';
import { basic, expectDropped, type RawRequest, raw } from './raw-http.js';

let argyle: RunningEmulator<{ apiKeyId: string; apiKeySecret: string }, never>;
let teal: RunningEmulator<{ apiKey: string }, { bearerToken: string }>;

beforeAll(async () => {
  [argyle, teal] = await Promise.all([
    startEmulator(argyleEmulator),
    // The Teal duplicate rule is an emulator option (Teal documents the 409, not the rule): the
    // blind-retry test below needs it.
    startEmulator(tealEmulator, { options: { duplicateRule: 'name-and-birth-date' } }),
  ]);
});
afterEach(() => {
  argyle.reset();
  teal.reset();
});
afterAll(async () => {
  await Promise.all([argyle.close(), teal.close()]);
});

const argyleCall = (path: string, request: RawRequest = {}) =>
  raw(`${argyle.baseUrl}${path}`, {
    ...request,
    headers: { authorization: basic(argyle.credentials.apiKeyId, argyle.credentials.apiKeySecret) },
  });
const tealCall = (path: string, request: RawRequest = {}) =>
  raw(`${teal.baseUrl}${path}`, { ...request, headers: { 'x-api-key': teal.credentials.apiKey } });

const JOHN = {
  forename: 'John',
  surname: 'Smith',
  date_of_birth: '1990-05-17T00:00:00.000Z',
  post_codes: ['SW1A 1AA'],
  payroll_period_months: 12,
};

describe('dropped connections', () => {
  it('drop-before: the client gets no answer and nothing was created', async () => {
    argyle.faults.next({ kind: 'drop-before' });
    await expectDropped(argyleCall('/v2/users', { method: 'POST', json: {} }));
    expect(argyle.userCount()).toBe(0);
    // Only the next request was affected.
    expect((await argyleCall('/v2/users', { method: 'POST', json: {} })).status).toBe(200);
    expect(argyle.userCount()).toBe(1);
  });

  it('drop-after: the user was created although the client got no answer', async () => {
    argyle.faults.next({ kind: 'drop-after', count: 1 });
    await expectDropped(argyleCall('/v2/users', { method: 'POST', json: { external_id: 'applicant-1' } }));
    expect(argyle.userCount()).toBe(1);
    const found = await argyleCall('/v2/users?external_id=applicant-1');
    expect((found.body as { results: unknown[] }).results).toHaveLength(1);
  });

  it('drop-after on Teal (duplicateRule: name-and-birth-date): a blind retry of the create meets the 409', async () => {
    teal.faults.next({ kind: 'drop-after' });
    await expectDropped(tealCall('/users', { method: 'POST', json: JOHN }));
    expect(teal.userCount()).toBe(1);
    expect((await tealCall('/users', { method: 'POST', json: JOHN })).status).toBe(409);
  });
});

describe('answered faults', () => {
  it("server-error: 503 by default, in the provider's error shape, request not processed", async () => {
    argyle.faults.next({ kind: 'server-error' });
    teal.faults.next({ kind: 'server-error', status: 502 });
    const a = await argyleCall('/v2/users', { method: 'POST', json: {} });
    expect(a.status).toBe(503);
    expect(a.body).toEqual({ detail: expect.any(String) });
    const t = await tealCall('/users', { method: 'POST', json: JOHN });
    expect(t.status).toBe(502);
    expect(t.body).toEqual({ errors: [expect.any(String)] });
    expect(argyle.userCount() + teal.userCount()).toBe(0);
  });

  it('rate-limit: 429 with Retry-After in seconds, request not processed', async () => {
    teal.faults.next({ kind: 'rate-limit', retryAfterSeconds: 7 });
    const res = await tealCall('/users', { method: 'POST', json: JOHN });
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('7');
    expect(res.body).toEqual({ errors: [expect.any(String)] });
    expect(teal.userCount()).toBe(0);
  });

  it("faults come before authentication, as a proxy's would", async () => {
    argyle.faults.next({ kind: 'rate-limit' });
    const res = await raw(`${argyle.baseUrl}/v2/users`, { headers: { authorization: basic('x', 'y') } });
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('1');
  });

  it('latency delays the answer by at least the given time', async () => {
    teal.faults.next({ kind: 'latency', ms: 150 });
    const started = performance.now();
    const res = await tealCall('/users');
    expect(res.status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
  });
});

describe('queued faults', () => {
  it('apply to the next `count` requests only', async () => {
    argyle.faults.next({ kind: 'server-error', count: 2 });
    expect(argyle.faults.pending()).toBe(2);
    const statuses: number[] = [];
    for (let i = 0; i < 3; i += 1) statuses.push((await argyleCall('/v2/users')).status);
    expect(statuses).toEqual([503, 503, 200]);
    expect(argyle.faults.pending()).toBe(0);
  });

  it('match by method and path', async () => {
    teal.faults.next({ kind: 'drop-before', method: 'post', path: '/users' });
    expect((await tealCall('/users')).status).toBe(200);
    expect((await tealCall('/user-tokens', { method: 'POST', json: {} })).status).toBe(400);
    await expectDropped(tealCall('/users', { method: 'POST', json: JOHN }));
    expect(teal.faults.pending()).toBe(0);
  });

  it('are recorded in the request log, without bodies', async () => {
    argyle.faults.next({ kind: 'rate-limit' });
    argyle.faults.next({ kind: 'drop-after' });
    await argyleCall('/v2/users?limit=5');
    await expectDropped(argyleCall('/v2/users', { method: 'POST', json: { first_name: 'Sarah' } }));
    await argyleCall('/v2/users');
    expect(argyle.requests()).toEqual([
      { sequence: 1, method: 'GET', url: '/v2/users', status: 429, fault: 'rate-limit' },
      { sequence: 2, method: 'POST', url: '/v2/users', fault: 'drop-after' },
      { sequence: 3, method: 'GET', url: '/v2/users', status: 200 },
    ]);
    expect(JSON.stringify(argyle.requests())).not.toContain('Sarah');
  });

  it('keep the path only: a query string holding an email never reaches the log', async () => {
    await argyleCall('/v2/users?external_id=jane.doe%40example.com&limit=5');
    await argyleCall('/v2/users?external_id=jane.doe@example.com');
    expect(argyle.requests()).toEqual([
      { sequence: 1, method: 'GET', url: '/v2/users', status: 200 },
      { sequence: 2, method: 'GET', url: '/v2/users', status: 200 },
    ]);
    expect(JSON.stringify(argyle.requests())).not.toMatch(/jane|example|external_id|limit/);
  });

  it('reset() forgets users, faults and the log', async () => {
    await argyleCall('/v2/users', { method: 'POST', json: {} });
    argyle.faults.next({ kind: 'server-error', count: 5 });
    argyle.faults.configure({ errorRate: 1 });
    argyle.reset();
    expect(argyle.userCount()).toBe(0);
    expect(argyle.faults.pending()).toBe(0);
    expect(argyle.requests()).toEqual([]);
    expect((await argyleCall('/v2/users')).status).toBe(200);
  });
});

describe('random faults', () => {
  it('errorRate 1 fails every request; configure({}) turns it off', async () => {
    teal.faults.configure({ errorRate: 1, errorStatus: 500 });
    expect((await tealCall('/users')).status).toBe(500);
    expect((await tealCall('/users')).status).toBe(500);
    teal.faults.configure({});
    expect((await tealCall('/users')).status).toBe(200);
  });

  it('the inject hook decides per request', async () => {
    const seen: FaultRequest[] = [];
    teal.faults.configure({
      inject: (request) => {
        seen.push(request);
        return request.sequence === 2 ? { kind: 'rate-limit', retryAfterSeconds: 3 } : undefined;
      },
    });
    const statuses = [];
    for (let i = 0; i < 3; i += 1) statuses.push((await tealCall('/users?limit=1')).status);
    expect(statuses).toEqual([200, 429, 200]);
    expect(seen.map((r) => [r.sequence, r.method, r.path])).toEqual([
      [1, 'GET', '/users'],
      [2, 'GET', '/users'],
      [3, 'GET', '/users'],
    ]);
  });

  it('the same seed gives the same decisions; rates land near their share', () => {
    const request = (sequence: number): FaultRequest => ({ method: 'GET', path: '/users', sequence });
    const kinds = (seed: number) => {
      const faults = new Faults({
        seed,
        errorRate: 0.2,
        rateLimitRate: 0.1,
        dropBeforeRate: 0.05,
        dropAfterRate: 0.05,
      });
      return Array.from({ length: 2000 }, (_, i) => faults.decide(request(i + 1)).fault?.kind ?? 'none');
    };
    const first = kinds(42);
    expect(kinds(42)).toEqual(first);
    expect(kinds(43)).not.toEqual(first);
    const share = (kind: string) => first.filter((k) => k === kind).length / first.length;
    // Independent draws in order: drop-before 5%, then 20% of the rest, then 10%, then 5%.
    expect(share('drop-before')).toBeCloseTo(0.05, 1);
    expect(share('server-error')).toBeCloseTo(0.95 * 0.2, 1);
    expect(share('rate-limit')).toBeCloseTo(0.95 * 0.8 * 0.1, 1);
    expect(share('none')).toBeGreaterThan(0.55);
  });

  it('refuses nonsense options at start and at configure', async () => {
    await expect(startEmulator(tealEmulator, { faults: { errorRate: 1.5 } })).rejects.toThrow();
    expect(() => teal.faults.configure({ errorStatus: 404 })).toThrow();
    expect(() => teal.faults.next({ kind: 'server-error', status: 200 })).toThrow();
    expect(() => teal.faults.next({ kind: 'drop-after', count: 0 })).toThrow();
  });

  it('close() does not wait for a request held by injected latency', async () => {
    const slow = await startEmulator(tealEmulator, { faults: { latencyMs: 30_000 } });
    const pending = raw(`${slow.baseUrl}/users`, { headers: { 'x-api-key': slow.credentials.apiKey } }).catch(
      () => 'dropped',
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = performance.now();
    await slow.close();
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(await pending).toBe('dropped');
  });
});

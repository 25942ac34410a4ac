/**
 * Which failures are retried, how many times, how long the client waits (backoff, Retry-After),
 * and how the deadline and the caller's signal end the retries.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { RateLimitedError } from '../../../src/errors.js';
import type { HttpMethod, RequestSpec } from '../../../src/http/client.js';
import { wait } from '../../../src/http/retry-policy.js';
import { rejection } from '../../contract/assertions.js';
import {
  closedPort,
  type HookRecord,
  hang,
  makeClient,
  recordingHooks,
  reply,
  resetAfterSend,
  ScriptedServer,
  sequence,
  since,
  User,
  untilReal,
  useFakeClock,
} from './support.js';

const server = new ScriptedServer();
beforeAll(() => server.start());
afterAll(() => server.stop());
afterEach(() => {
  vi.useRealTimers();
  server.reset();
});

function spec(method: HttpMethod, extra: Partial<RequestSpec<{ id: string }>> = {}) {
  return {
    operation: method === 'POST' ? 'createUser' : 'getUser',
    method,
    path: method === 'POST' ? '/users' : '/users/u-1',
    ...(method === 'POST' || method === 'PATCH' ? { body: { a: 1 } } : {}),
    response: User,
    ...extra,
  } as RequestSpec<{ id: string }>;
}

describe('idempotent calls (GET, PATCH, DELETE by default)', () => {
  it.each([
    [502, 'provider_unavailable'],
    [503, 'provider_unavailable'],
    [504, 'provider_unavailable'],
    [429, 'rate_limited'],
  ])('HTTP %i is retried twice by default (3 requests) → %s', async (status, code) => {
    server.handler = reply(status, { message: 'no' });
    const error = await rejection(() => makeClient(server.origin).request(spec('GET')));
    expect(error.code).toBe(code);
    expect(error.status).toBe(status);
    expect(server.hits).toBe(3);
  });

  it.each([400, 401, 403, 404, 409, 422, 500, 501])('HTTP %i is never retried', async (status) => {
    server.handler = reply(status, { message: 'no' });
    await rejection(() => makeClient(server.origin).request(spec('GET')));
    expect(server.hits).toBe(1);
  });

  it('a reset after the request was sent is retried, and a retry that succeeds is the result', async () => {
    server.handler = sequence(resetAfterSend, resetAfterSend, reply(200, { id: 'third' }));
    const result = await makeClient(server.origin).request(spec('GET'));
    expect(result.data.id).toBe('third');
    expect(server.hits).toBe(3);
  });

  it('an attempt that times out is retried while the call has time left', async () => {
    server.handler = sequence(hang, reply(200, { id: 'second' }));
    const result = await makeClient(server.origin, { retry: { attemptTimeoutMs: 100 } }).request(spec('GET'));
    expect(result.data.id).toBe('second');
    expect(server.hits).toBe(2);
  });

  it('attempt timeouts exhaust the retries with code timeout', async () => {
    server.handler = hang;
    const error = await rejection(() =>
      makeClient(server.origin, { retry: { attemptTimeoutMs: 50 } }).request(spec('GET')),
    );
    expect(error.code).toBe('timeout');
    expect(server.hits).toBe(3);
  });

  it('PATCH and DELETE are idempotent by default; maxRetries is configurable', async () => {
    server.handler = reply(503);
    await rejection(() => makeClient(server.origin).request(spec('PATCH')));
    expect(server.hits).toBe(3);
    server.hits = 0;
    await rejection(() =>
      makeClient(server.origin).request({ ...spec('DELETE'), response: undefined, expectStatus: [204] }),
    );
    expect(server.hits).toBe(3);
    server.hits = 0;
    await rejection(() => makeClient(server.origin, { retry: { maxRetries: 4 } }).request(spec('GET')));
    expect(server.hits).toBe(5);
    server.hits = 0;
    await rejection(() => makeClient(server.origin, { retry: { maxRetries: 0 } }).request(spec('GET')));
    expect(server.hits).toBe(1);
  });

  it('a POST the adapter marks idempotent (a token) is retried like a GET', async () => {
    server.handler = reply(503);
    const error = await rejection(() =>
      makeClient(server.origin).request(spec('POST', { operation: 'createLinkToken', idempotent: true })),
    );
    expect(error.code).toBe('provider_unavailable');
    expect(server.hits).toBe(3);
  });

  it('connection refused is retried, then network_error (counted by request-start events)', async () => {
    const events: HookRecord[] = [];
    const port = await closedPort();
    const error = await rejection(() =>
      makeClient(`http://127.0.0.1:${port}`, { hooks: recordingHooks(events) }).request(spec('GET')),
    );
    expect(error.code).toBe('network_error');
    expect(events.filter((e) => e.hook === 'onRequestStart').map((e) => e.event.attempt)).toEqual([1, 2, 3]);
  });
});

describe('non-idempotent calls (POST by default)', () => {
  it.each([
    [429, 'rate_limited'],
    [409, 'conflict'],
    [400, 'invalid_input'],
  ])('HTTP %i to a create is never retried → %s', async (status, code) => {
    server.handler = reply(status, { message: 'no' }, { 'retry-after': '0' });
    const error = await rejection(() => makeClient(server.origin).request(spec('POST')));
    expect(error.code).toBe(code);
    expect(server.hits).toBe(1);
  });

  it.each([
    ['500', reply(500)],
    ['502', reply(502)],
    ['503', reply(503)],
    ['504', reply(504)],
    ['a reset after send', resetAfterSend],
  ])('%s to a create is never replayed → outcome_unknown', async (_what, handler) => {
    server.handler = handler;
    const error = await rejection(() => makeClient(server.origin).request(spec('POST')));
    expect(error.code).toBe('outcome_unknown');
    expect(server.hits).toBe(1);
  });

  it('a create that timed out is never replayed → outcome_unknown', async () => {
    server.handler = hang;
    const error = await rejection(() =>
      makeClient(server.origin).request(spec('POST', { options: { timeoutMs: 100 } })),
    );
    expect(error.code).toBe('outcome_unknown');
    expect((error.cause as { code?: string }).code).toBe('timeout');
    expect(server.hits).toBe(1);
  });

  it('a create refused before it reached the provider is sent again, and reaches it once', async () => {
    const port = await closedPort();
    const late = new ScriptedServer();
    late.handler = reply(201, { id: 'created-once' });
    // The provider comes up while the client backs off after the refused attempt.
    const hooks = { onRetry: () => void late.start(port) };
    try {
      const result = await makeClient(`http://127.0.0.1:${port}`, {
        hooks,
        retry: { baseDelayMs: 100, maxDelayMs: 200 },
      }).request(spec('POST'));
      expect(result.data.id).toBe('created-once');
      expect(late.hits).toBe(1);
    } finally {
      await late.stop();
    }
  });
});

describe('Retry-After', () => {
  // On a fake clock (useFakeClock): the test advances it through the wait; the requests are real.
  const retried = (events: HookRecord[]) => () => events.some((e) => e.hook === 'onRetry');

  it('seconds: the client waits at least that long before retrying', async () => {
    useFakeClock();
    const events: HookRecord[] = [];
    server.handler = sequence(reply(429, {}, { 'retry-after': '1' }), reply(200, { id: 'ok' }));
    const start = performance.now();
    const pending = makeClient(server.origin, { hooks: recordingHooks(events) }).request(spec('GET'));
    await untilReal(retried(events));
    await vi.advanceTimersByTimeAsync(989);
    expect(server.hits, 'no retry before the Retry-After has passed').toBe(1);
    await vi.advanceTimersByTimeAsync(11);
    const result = await pending;
    expect(server.hits).toBe(2);
    expect(result.data.id).toBe('ok');
    expect(since(start)).toBeGreaterThanOrEqual(990);
    const retry = events.find((e) => e.hook === 'onRetry')!.event;
    expect(retry).toMatchObject({ errorCode: 'rate_limited', status: 429 });
    expect(retry.delayMs).toBeGreaterThanOrEqual(1000);
  });

  it('an HTTP date (on a 503 too) is honoured', async () => {
    useFakeClock();
    const events: HookRecord[] = [];
    server.handler = sequence(
      (_req, res) =>
        reply(503, {}, { 'retry-after': new Date(Date.now() + 2_000).toUTCString() })(_req, res, 1),
      reply(200, { id: 'ok' }),
    );
    const start = performance.now();
    const pending = makeClient(server.origin, { hooks: recordingHooks(events) }).request(spec('GET'));
    await untilReal(retried(events));
    const delayMs = events.find((e) => e.hook === 'onRetry')!.event.delayMs as number;
    await vi.advanceTimersByTimeAsync(delayMs - 11);
    expect(server.hits, 'no retry before the date').toBe(1);
    await vi.advanceTimersByTimeAsync(11);
    await pending;
    // HTTP dates have one-second resolution: "in 2 s" is 1–2 s from now.
    expect(delayMs).toBeGreaterThanOrEqual(900);
    expect(delayMs).toBeLessThanOrEqual(2_100);
    expect(since(start)).toBeGreaterThanOrEqual(delayMs - 10);
    expect(server.hits).toBe(2);
  });

  it('a Retry-After beyond maxRetryAfterMs is not waited for: the error says when to come back', async () => {
    server.handler = reply(429, {}, { 'retry-after': '120' });
    const start = performance.now();
    const error = (await rejection(() =>
      makeClient(server.origin, { retry: { maxRetryAfterMs: 1_000 } }).request(spec('GET')),
    )) as RateLimitedError;
    expect(error.code).toBe('rate_limited');
    expect(error.retryAfterMs).toBe(120_000);
    expect(server.hits).toBe(1);
    expect(since(start)).toBeLessThan(500);
  });

  it('a Retry-After that would outlast the call deadline ends the call at once', async () => {
    server.handler = reply(503, {}, { 'retry-after': '2' });
    const start = performance.now();
    const error = await rejection(() =>
      makeClient(server.origin).request(spec('GET', { options: { timeoutMs: 500 } })),
    );
    expect(error.code).toBe('provider_unavailable');
    expect(server.hits).toBe(1);
    expect(since(start)).toBeLessThan(400);
  });
});

describe('deadline and cancellation', () => {
  it('timeoutMs covers the whole call: retries and backoff end by the deadline', async () => {
    server.handler = (_req, res) => setTimeout(() => reply(503)(_req, res, 0), 80);
    const start = performance.now();
    const error = await rejection(() =>
      makeClient(server.origin, { retry: { maxRetries: 10, baseDelayMs: 50, maxDelayMs: 50 } }).request(
        spec('GET', { options: { timeoutMs: 400 } }),
      ),
    );
    expect(['provider_unavailable', 'timeout']).toContain(error.code);
    expect(since(start)).toBeLessThan(600);
    expect(server.hits).toBeGreaterThanOrEqual(2);
    expect(server.hits).toBeLessThan(6);
  });

  it('an abort during the backoff wait ends the call at once with aborted, and nothing more is sent', async () => {
    server.handler = reply(503, {}, { 'retry-after': '5' });
    const controller = new AbortController();
    const start = performance.now();
    // Counted by this call's own path: the previous test's last attempt, cut by its deadline just
    // after it was written, can reach this in-process server after the reset between tests.
    const path = '/users/abort-in-backoff';
    const sent = () => server.paths.filter((p) => p === path).length;
    const pending = rejection(() =>
      makeClient(server.origin).request(
        spec('GET', { path, options: { signal: controller.signal, timeoutMs: 10_000 } }),
      ),
    );
    await new Promise((r) => setTimeout(r, 150));
    expect(sent()).toBe(1);
    controller.abort();
    const error = await pending;
    expect(error.code).toBe('aborted');
    expect(error.retryable).toBe(false);
    expect(since(start)).toBeLessThan(1_000);
    await new Promise((r) => setTimeout(r, 200));
    expect(sent()).toBe(1);
  });

  it('an abort during an attempt stops the retries too', async () => {
    server.handler = hang;
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const error = await rejection(() =>
      makeClient(server.origin, { retry: { attemptTimeoutMs: 1_000 } }).request(
        spec('GET', { options: { signal: controller.signal } }),
      ),
    );
    expect(error.code).toBe('aborted');
    await new Promise((r) => setTimeout(r, 100));
    expect(server.hits).toBe(1);
  });
});

describe('the wait between attempts', () => {
  it('runs on the global timers: a fake clock (vi.useFakeTimers) ends it; an abort ends it at once', async () => {
    useFakeClock();
    let done = false;
    const waiting = wait(60_000, new AbortController().signal).then(() => {
      done = true;
    });
    await vi.advanceTimersByTimeAsync(59_999);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(done, 'the fake clock ended the wait').toBe(true);
    await waiting;

    const controller = new AbortController();
    const aborted = wait(60_000, controller.signal).catch((e: unknown) => e);
    controller.abort();
    expect(await aborted).toMatchObject({ name: 'AbortError', code: 'ABORT_ERR' });
    expect(vi.getTimerCount(), 'its timer is cleared').toBe(0);
    expect(await wait(1, AbortSignal.abort()).catch((e: unknown) => e)).toMatchObject({ name: 'AbortError' });
  });
});

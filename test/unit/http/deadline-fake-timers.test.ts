/**
 * Calls' deadlines under a test's fake timers (src/http/deadlines.ts keeps one timer per client):
 * - a client used under fake timers, then under real ones (a host's test file that shares one
 *   PayrollIdentity between tests, some with vi.useFakeTimers()): the timer left armed on the fake
 *   clock must not keep a later call from ending at its deadline;
 * - fake timers that fake setTimeout and Date but not `performance`: each call still times out at
 *   its own deadline.
 */
import type { AxiosResponse, InternalAxiosRequestConfig } from 'axios';
import { afterEach, expect, it, vi } from 'vitest';
import { HttpClient } from '../../../src/http/client.js';

afterEach(() => vi.useRealTimers());

const answer = (config: InternalAxiosRequestConfig): AxiosResponse =>
  ({ status: 200, statusText: 'OK', headers: {}, config, data: '{}' }) as AxiosResponse;

/** Answers /ok at once; hangs on anything else (honouring the signal). */
const transport = (config: InternalAxiosRequestConfig) =>
  new Promise<AxiosResponse>((resolve, reject) => {
    if (config.url === '/ok') return resolve(answer(config));
    config.signal?.addEventListener?.('abort', () =>
      reject(Object.assign(new Error('canceled'), { code: 'ERR_CANCELED', name: 'CanceledError' })),
    );
  });

function client(timeoutMs = 300) {
  return new HttpClient({
    tenant: 't1',
    provider: 'fake',
    baseUrl: 'https://api.example.com',
    auth: { headers: () => ({ 'X-Key': 'k' }), secrets: () => ['k'] },
    describeError: () => ({ messages: [] }),
    timeoutMs,
    maxResponseBytes: 1024,
    retry: { maxRetries: 0 },
    transport,
  });
}

for (const toFake of [undefined, ['setTimeout', 'clearTimeout', 'Date'] as const]) {
  it(`a call after fake timers are gone still ends at its deadline (toFake: ${toFake ?? 'default'})`, async () => {
    const c = client();
    await c.request({ operation: 'getUser', method: 'GET', path: '/ok' }); // loads the stack
    vi.useFakeTimers(toFake ? { toFake: [...toFake] } : undefined);
    await c.request({ operation: 'getUser', method: 'GET', path: '/ok' }); // arms the shared timer on the fake clock
    vi.useRealTimers();

    const started = Date.now();
    const outcome = await Promise.race([
      c.request({ operation: 'getUser', method: 'GET', path: '/hang' }).then(
        () => 'answered',
        (e) => e.code,
      ),
      new Promise((r) => setTimeout(() => r('still pending after 1.5 s'), 1_500)),
    ]);
    c.close();
    expect(outcome).toBe('timeout');
    expect(Date.now() - started).toBeLessThan(1_000);
  });
}

for (const toFake of [
  ['setTimeout', 'clearTimeout', 'Date'] as const,
  ['setTimeout', 'clearTimeout', 'Date', 'performance'] as const,
]) {
  it(`each call times out at its own deadline (faking ${toFake.join(',')})`, async () => {
    const c = client(60_000); // answers nothing but /ok
    // Load the HTTP stack with real timers first.
    await c
      .request({ operation: 'getUser', method: 'GET', path: '/warm', options: { timeoutMs: 1 } })
      .catch(() => {});
    vi.useFakeTimers({ toFake: [...toFake] });
    const outcomes: string[] = [];
    const a = c
      .request({ operation: 'getUser', method: 'GET', path: '/a', options: { timeoutMs: 1_000 } })
      .catch((e) => outcomes.push(`a:${e.code}`));
    const b = c
      .request({ operation: 'getUser', method: 'GET', path: '/b', options: { timeoutMs: 5_000 } })
      .catch((e) => outcomes.push(`b:${e.code}`));
    await vi.advanceTimersByTimeAsync(1_000);
    expect(outcomes).toEqual(['a:timeout']);
    // With `performance` real, b's deadline is read on the real clock a little after a's (a few ms
    // on a busy machine), so it is due a little after 5000 fake ms: given that slack, not a second.
    await vi.advanceTimersByTimeAsync(4_250);
    expect(outcomes, 'b is due at 5000 ms').toEqual(['a:timeout', 'b:timeout']);
    vi.useRealTimers();
    c.close();
    await Promise.all([a, b]);
  });
}

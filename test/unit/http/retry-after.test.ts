/**
 * `Retry-After` is a non-negative integer of seconds or a valid HTTP-date (any of RFC 9110's three
 * forms); anything else (`-5`, `5, 1`, `1 2`, `1.5`: all "dates" to `Date.parse`, in the past, so
 * "retry now") is ignored as if absent. Whatever it says, no wait goes past the call's deadline.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { PayrollIdentityError } from '../../../src/errors.js';
import { parseRetryAfter } from '../../../src/http/retry-after.js';
import { makeClient, reply, ScriptedServer, User } from '../resilience/support.js';

const NOW = Date.UTC(2024, 2, 9, 12, 0, 0);

describe('parseRetryAfter', () => {
  it.each([
    '-5',
    '5, 1',
    '1 2',
    '1.5',
    '+5',
    '5s',
    '0x10',
    '1e3',
    '',
    '   ',
    'soon',
    'Sat, 09 Mar 2024 12:00:10', // no GMT
    'Sat, 31 Feb 2024 12:00:10 GMT', // no such day
    'Sat, 09 Mar 2024 24:00:10 GMT',
    '2024-03-09T12:00:10Z', // ISO 8601 is not an HTTP-date
    `${'9'.repeat(100)}`, // too long to be a header value we read
  ])('%j is ignored', (value) => {
    expect(parseRetryAfter(value, NOW)).toBeUndefined();
  });

  it.each([
    ['0', 0],
    ['5', 5_000],
    [' 7 ', 7_000],
    ['Sat, 09 Mar 2024 12:00:10 GMT', 10_000],
    ['Saturday, 09-Mar-24 12:00:10 GMT', 10_000],
    ['Sat Mar  9 12:00:10 2024', 10_000],
    ['Fri, 08 Mar 2024 12:00:00 GMT', 0], // in the past: now
  ])('%j is %d ms', (value, ms) => {
    expect(parseRetryAfter(value, NOW)).toBe(ms);
  });

  it('a huge number of seconds stays a finite number of milliseconds', () => {
    expect(parseRetryAfter('9'.repeat(40), NOW)).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('a 1 MiB hostile value is refused at once', () => {
    const started = performance.now();
    expect(parseRetryAfter(`${'1 '.repeat(512 * 1024)}`, NOW)).toBeUndefined();
    expect(performance.now() - started).toBeLessThan(50);
  });
});

describe('the client and Retry-After', () => {
  const server = new ScriptedServer();
  beforeAll(() => server.start());
  afterAll(() => server.stop());
  afterEach(() => server.reset());

  async function rejection(fn: () => Promise<unknown>): Promise<PayrollIdentityError> {
    try {
      await fn();
    } catch (error) {
      return error as PayrollIdentityError;
    }
    throw new Error('expected a rejection');
  }

  it.each(['-5', '5, 1', '1 2'])('a 429 with Retry-After %j carries no retryAfterMs', async (value) => {
    server.handler = reply(429, {}, { 'retry-after': value });
    const error = await rejection(() =>
      makeClient(server.origin).request({
        operation: 'createUser',
        method: 'POST',
        path: '/users',
        body: {},
        response: User,
      }),
    );
    expect(error.code).toBe('rate_limited');
    expect((error as PayrollIdentityError & { retryAfterMs?: number }).retryAfterMs).toBeUndefined();
    expect(server.hits).toBe(1);
  });

  it('a Retry-After past the call’s deadline is not waited for: the call ends with the provider’s answer', async () => {
    server.handler = reply(503, {}, { 'retry-after': '20' });
    const client = makeClient(server.origin, { timeoutMs: 300, retry: { maxRetryAfterMs: 60_000 } });
    const started = performance.now();
    const error = await rejection(() =>
      client.request({ operation: 'getUser', method: 'GET', path: '/users/u', response: User }),
    );
    expect(error.code).toBe('provider_unavailable');
    expect(server.hits).toBe(1);
    expect(performance.now() - started).toBeLessThan(250);
  });
});

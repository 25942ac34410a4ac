/**
 * `Retry-After` is a non-negative integer of seconds or a valid HTTP-date (any of RFC 9110's three
 * forms); anything else (`-5`, `5, 1`, `1 2`, `1.5`: all "dates" to `Date.parse`, in the past, so
 * "retry now") is ignored as if absent. Whatever it says, no wait goes past the call's deadline.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MAX_RETRY_AFTER_MS, type PayrollIdentityError, RateLimitedError } from '../../../src/errors.js';
import { parseRetryAfter } from '../../../src/http/retry-after.js';
import { rejection } from '../../contract/assertions.js';
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

  it('a huge number of seconds, or a date far ahead, is capped at one day (safe for setTimeout)', () => {
    expect(MAX_RETRY_AFTER_MS).toBe(86_400_000);
    expect(MAX_RETRY_AFTER_MS).toBeLessThan(2 ** 31 - 1);
    expect(parseRetryAfter('9'.repeat(40), NOW)).toBe(MAX_RETRY_AFTER_MS);
    expect(parseRetryAfter('99999999999999999999', NOW)).toBe(MAX_RETRY_AFTER_MS);
    expect(parseRetryAfter('3000000', NOW)).toBe(MAX_RETRY_AFTER_MS);
    expect(parseRetryAfter('86400', NOW)).toBe(86_400_000);
    expect(parseRetryAfter('Tue, 09 Apr 2024 12:00:00 GMT', NOW)).toBe(MAX_RETRY_AFTER_MS);
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

  it.each([
    ['3000000', MAX_RETRY_AFTER_MS], // 34.7 days: past setTimeout's 2^31 - 1 ms
    ['99999999999999999999', MAX_RETRY_AFTER_MS],
    ['120', 120_000], // longer than the call's timeoutMs, and kept: it is the provider's ask
  ])('a 429 with Retry-After %j gives retryAfterMs %d, safe for setTimeout', async (value, ms) => {
    server.handler = reply(429, {}, { 'retry-after': value });
    const error = await rejection(() =>
      makeClient(server.origin, { timeoutMs: 30_000 }).request({
        operation: 'getUser',
        method: 'GET',
        path: '/users/u',
        response: User,
      }),
    );
    expect(error.code).toBe('rate_limited');
    const retryAfterMs = (error as RateLimitedError).retryAfterMs as number;
    expect(retryAfterMs).toBe(ms);
    expect(Number.isInteger(retryAfterMs) && retryAfterMs <= 2 ** 31 - 1).toBe(true);
    expect(error.toJSON()).toMatchObject({ retryAfterMs: ms });
    // Longer than the policy's maxRetryAfterMs: not waited for, answered at once.
    expect(server.hits).toBe(1);
  });
});

describe('RateLimitedError.retryAfterMs', () => {
  it.each([
    [3_000_000_000, MAX_RETRY_AFTER_MS],
    [Number.POSITIVE_INFINITY, MAX_RETRY_AFTER_MS],
    [Number.NaN, undefined],
    [-5, 0],
    [1.2, 2],
    [undefined, undefined],
  ])('built with %d (a custom provider’s value) carries %s', (given, carried) => {
    expect(new RateLimitedError('x', { retryAfterMs: given }).retryAfterMs).toBe(carried);
  });
});

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { PayrollIdentityError } from '../../../src/errors.js';
import { HttpClient, type HttpClientOptions } from '../../../src/http/client.js';
import { parseRetryAfter } from '../../../src/http/retry-after.js';
import { everyRendering, rejection } from '../../contract/assertions.js';

const KEY = 'test-api-key-0000';
const describeError = (_s: number, body: unknown) => {
  const b = body as { message?: unknown; fields?: Record<string, string[]> } | undefined;
  return { messages: typeof b?.message === 'string' ? [b.message] : [], fieldErrors: b?.fields };
};

function client(baseUrl: string, extra: Partial<HttpClientOptions> = {}): HttpClient {
  return new HttpClient({
    tenant: 't1',
    provider: 'fake',
    baseUrl,
    auth: { headers: () => ({ 'X-Key': KEY }), secrets: () => [KEY] },
    describeError,
    timeoutMs: 2_000,
    maxResponseBytes: 64 * 1024,
    ...extra,
  });
}

const User = z.object({ id: z.string() });

/** A loopback server whose behaviour each test sets. */
let server: Server;
let origin: string;
let handler: (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => void =
  () => {};
let hits = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    hits++;
    handler(req, res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});
afterEach(() => {
  hits = 0;
  nock.cleanAll();
});

describe('HttpClient', () => {
  it('sends auth, parses the 2xx body with the schema', async () => {
    handler = (req, res) => {
      res.setHeader('content-type', 'application/json');
      res.setHeader('x-request-id', 'req-42');
      res.end(JSON.stringify({ id: req.headers['x-key'] === KEY ? 'ok' : 'no-auth', extra: 1 }));
    };
    const result = await client(origin).request({
      operation: 'getUser',
      method: 'GET',
      path: '/users/1',
      response: User,
    });
    expect(result.status).toBe(200);
    expect(result.data).toEqual({ id: 'ok' });
    // Checked on first read (it costs more than reading a small answer), then kept.
    expect(result.requestId).toBe('req-42');
    expect(result.requestId).toBe('req-42');
  });

  it('refuses plain http off loopback and credentials in the base URL', () => {
    expect(() => client('http://api.example.com')).toThrow(/https/);
    expect(() => client('https://u:p@api.example.com')).toThrow(/credentials/);
  });

  it('never follows a redirect: nothing reaches the other host', async () => {
    const elsewhere = nock('https://evil.example.com').get(/.*/).reply(200, { id: 'stolen' });
    handler = (_req, res) => {
      res.statusCode = 302;
      res.setHeader('location', 'https://evil.example.com/collect');
      res.end();
    };
    const error = await rejection(() =>
      client(origin).request({ operation: 'getUser', method: 'GET', path: '/users/1', response: User }),
    );
    expect(error.code).toBe('unexpected_response');
    expect(error.status).toBe(302);
    expect(elsewhere.isDone()).toBe(false);
    expect(hits).toBe(1);
  });

  it('caps the response size', async () => {
    handler = (_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ id: 'x'.repeat(200 * 1024) }));
    };
    const error = await rejection(() =>
      client(origin).request({ operation: 'getUser', method: 'GET', path: '/u', response: User }),
    );
    expect(error.code).toBe('unexpected_response');
    expect(error.message).toMatch(/65536-byte cap/);
  });

  it('times out with code timeout (whole-call deadline, per call override)', async () => {
    handler = (_req, res) => {
      res.write('{"id":');
      setTimeout(() => res.end('"late"}'), 1_000);
    };
    const error = await rejection(() =>
      client(origin).request({
        operation: 'getUser',
        method: 'GET',
        path: '/u',
        response: User,
        options: { timeoutMs: 100 },
      }),
    );
    expect(error.code).toBe('timeout');
    expect(error.retryable).toBe(true);
  });

  it('ends with code aborted when the caller cancels, before or during the call', async () => {
    handler = (_req, res) => {
      setTimeout(() => res.end('{"id":"late"}'), 1_000);
    };
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const during = await rejection(() =>
      client(origin).request({
        operation: 'getUser',
        method: 'GET',
        path: '/u',
        response: User,
        options: { signal: controller.signal },
      }),
    );
    expect(during.code).toBe('aborted');
    expect(during.retryable).toBe(false);
    const before = await rejection(() =>
      client(origin).request({
        operation: 'getUser',
        method: 'GET',
        path: '/u',
        response: User,
        options: { signal: AbortSignal.abort() },
      }),
    );
    expect(before.code).toBe('aborted');
  });

  it('connection refused is a network_error that provably never reached the provider', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const error = (await rejection(() =>
      client(`http://127.0.0.1:${port}`).request({
        operation: 'createUser',
        method: 'POST',
        path: '/users',
        body: {},
        response: User,
      }),
    )) as PayrollIdentityError & { beforeRequestSent: boolean };
    expect(error.code).toBe('network_error');
    expect(error.beforeRequestSent).toBe(true);
  });

  it('a reset after the request was sent is a network_error that may have reached the provider', async () => {
    handler = (req) => {
      req.socket.destroy();
    };
    // Classification only: retries off and the call marked idempotent, so that the transport error
    // itself comes back (a non-idempotent POST would end in outcome_unknown: resilience tests).
    const error = (await rejection(() =>
      client(origin, { retry: { maxRetries: 0 } }).request({
        operation: 'createUser',
        method: 'POST',
        path: '/users',
        body: { a: 1 },
        response: User,
        idempotent: true,
      }),
    )) as PayrollIdentityError & { beforeRequestSent: boolean };
    expect(error.code).toBe('network_error');
    expect(error.beforeRequestSent).toBe(false);
  });

  it.each([
    [400, 'invalid_input'],
    [401, 'authentication_failed'],
    [403, 'authentication_failed'],
    [404, 'not_found'],
    [409, 'conflict'],
    [418, 'unexpected_response'],
    [429, 'rate_limited'],
    [500, 'provider_unavailable'],
    [503, 'provider_unavailable'],
  ])(
    'HTTP %i → %s, with the provider message redacted of call data and credentials',
    async (status, code) => {
      handler = (_req, res) => {
        res.statusCode = status;
        res.setHeader('content-type', 'application/json');
        if (status === 429) res.setHeader('retry-after', '3');
        res.end(
          JSON.stringify({ message: `Jane Roe ${KEY} failed`, fields: { email: ['Jane Roe is not valid'] } }),
        );
      };
      // Status mapping only: retries off and the call marked idempotent, so that each status's own
      // error comes back (a 5xx to a non-idempotent POST is outcome_unknown: resilience tests).
      const error = await rejection(() =>
        client(origin, { retry: { maxRetries: 0 } }).request({
          operation: 'createUser',
          method: 'POST',
          path: '/users',
          body: {},
          response: User,
          sensitive: ['Jane Roe'],
          idempotent: true,
        }),
      );
      expect(error.code).toBe(code);
      expect(error.status).toBe(status);
      expect(error).toMatchObject({ provider: 'fake', tenant: 't1', operation: 'createUser' });
      const text = everyRendering(error);
      expect(text).not.toContain('Jane Roe');
      expect(text).not.toContain(KEY);
      if (status === 429) expect(error).toMatchObject({ retryAfterMs: 3000 });
      if (status === 400)
        expect(error).toMatchObject({ fieldErrors: { email: ['[REDACTED] is not valid'] } });
    },
  );

  it('a 2xx other than the documented one, malformed JSON, or the wrong shape is unexpected_response', async () => {
    handler = (_req, res) => {
      res.statusCode = 200;
      res.end('{"id": 1}');
    };
    const c = client(origin);
    expect(
      (
        await rejection(() =>
          c.request({
            operation: 'getUser',
            method: 'GET',
            path: '/u',
            response: User,
            expectStatus: [201],
          }),
        )
      ).code,
    ).toBe('unexpected_response');
    // The same 2xx to a create: the provider most likely did it, so it is not reported as a failure
    // that invites a second create (test/unit/resilience/unreadable-2xx.test.ts).
    expect(
      (
        await rejection(() =>
          c.request({
            operation: 'createUser',
            method: 'POST',
            path: '/u',
            body: {},
            response: User,
            expectStatus: [201],
          }),
        )
      ).code,
    ).toBe('outcome_unknown');
    const wrongShape = await rejection(() =>
      c.request({ operation: 'getUser', method: 'GET', path: '/u', response: User }),
    );
    expect(wrongShape.code).toBe('unexpected_response');
    expect((wrongShape as PayrollIdentityError & { issues: string[] }).issues).toEqual(['id: invalid_type']);
    handler = (_req, res) => res.end('<html>oops</html>');
    expect(
      (await rejection(() => c.request({ operation: 'getUser', method: 'GET', path: '/u', response: User })))
        .code,
    ).toBe('unexpected_response');
  });

  it('accepts a 204 with or without a body when no schema is asked for', async () => {
    handler = (_req, res) => {
      res.statusCode = 204;
      res.end();
    };
    expect(
      (
        await client(origin).request({
          operation: 'deleteUser',
          method: 'DELETE',
          path: '/u/1',
          expectStatus: [204],
        })
      ).status,
    ).toBe(204);
  });

  it('ignores proxy settings from the environment', async () => {
    const before = process.env.HTTP_PROXY;
    process.env.HTTP_PROXY = 'http://127.0.0.1:9';
    handler = (_req, res) => res.end('{"id":"direct"}');
    try {
      expect(
        (await client(origin).request({ operation: 'getUser', method: 'GET', path: '/u', response: User }))
          .data.id,
      ).toBe('direct');
    } finally {
      if (before === undefined) delete process.env.HTTP_PROXY;
      else process.env.HTTP_PROXY = before;
    }
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('5', now)).toBe(5000);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:10 GMT', now)).toBe(10_000);
    expect(parseRetryAfter('Wed, 31 Dec 2025 00:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });
});

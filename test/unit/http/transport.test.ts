/**
 * The lean transport (`src/http/transport.ts`) must send what axios's own Node adapter would: the
 * same path and query for any base URL, path and params; the same body and headers; the same errors
 * for the size caps, aborts and timeouts.
 */

import { getEventListeners } from 'node:events';
/**
 * The lean transport (`src/http/transport.ts`) must send what axios's own Node adapter would: the
 * same path and query for any base URL, path and params; the same body and headers; the same errors
 * for the size caps, aborts and timeouts.
 */
import http, { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import axios, { AxiosError, AxiosHeaders, type AxiosResponse, type InternalAxiosRequestConfig } from 'axios';
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { HttpClient } from '../../../src/http/client.js';
import { errorFromTransport } from '../../../src/http/errors.js';
import { refusedLocally } from '../../../src/http/never-sent.js';
import { PreparedSender } from '../../../src/http/prepared-sender.js';
import { requestTarget } from '../../../src/http/request-target.js';
import { nodeTransport, signalIsIdle } from '../../../src/http/transport.js';
import { USER_AGENT } from '../../../src/http/user-agent.js';

/** What axios's Node adapter puts on the request line (buildFullPath, `new URL`, then buildURL). */
function axiosPath(baseURL: string, url: string, params?: Record<string, unknown>): string {
  const full = new URL(axios.getUri({ baseURL, url, allowAbsoluteUrls: false }));
  const target = `${full.origin}${full.pathname}${full.search}`;
  return axios.getUri({ url: target, params }).slice(full.origin.length);
}

const config = (c: Partial<InternalAxiosRequestConfig>) => c as InternalAxiosRequestConfig;

describe('requestTarget', () => {
  const bases = fc.constantFrom(
    'https://api.argyle.com',
    'https://api.argyle.com/',
    'http://127.0.0.1:4010',
    'http://127.0.0.1:4010/teal/',
    'http://[::1]:8080/a/b',
    'https://h.example.com//x//',
    'https://h.example.com/a b/ü',
  );
  const segment = fc.oneof(
    fc.constantFrom(
      'v2',
      'users',
      '..',
      '.',
      '',
      '%41',
      '%2e',
      '%2E%2e',
      '.%2e',
      '%2e.',
      '%2ex',
      'a b',
      'ü',
      'x?y=1',
      'q#frag',
      '\\',
      ':',
      '@',
      "'",
    ),
    fc.string({ maxLength: 6 }),
  );
  const path = fc
    .tuple(fc.boolean(), fc.array(segment, { maxLength: 5 }))
    .map(([lead, parts]) => `${lead ? '/' : ''}${parts.join('/')}`);
  const value = fc.oneof(
    fc.string({ maxLength: 8 }),
    fc.integer(),
    fc.double(),
    fc.constant(undefined),
    fc.constant(null),
    fc.boolean(),
  );
  const params = fc.option(fc.dictionary(fc.string({ minLength: 1, maxLength: 5 }), value), {
    nil: undefined,
  });

  it('matches axios for any base URL, path and flat params', () => {
    fc.assert(
      fc.property(bases, path, params, (baseURL, url, query) => {
        const target = requestTarget(config({ baseURL, url, params: query, allowAbsoluteUrls: false }));
        expect(target.path).toBe(axiosPath(baseURL, url, query));
        expect(target.url.origin).toBe(new URL(baseURL).origin);
      }),
      { numRuns: 2000 },
    );
  });

  it('never leaves the base URL for an absolute path when absolute URLs are refused', () => {
    const target = requestTarget(
      config({
        baseURL: 'http://127.0.0.1:4010',
        url: 'https://evil.example.com/v2/users?cursor=abc',
        allowAbsoluteUrls: false,
      }),
    );
    expect(target.url.host).toBe('127.0.0.1:4010');
    expect(target.path).toBe('/https://evil.example.com/v2/users?cursor=abc');
  });

  it('leaves nested params to axios', () => {
    const params = { ids: ['a', 'b'], filter: { x: 1 } };
    const target = requestTarget(config({ baseURL: 'https://h.example.com', url: '/u', params }));
    expect(target.path).toBe(axiosPath('https://h.example.com', '/u', params));
  });
});

describe('nodeTransport over loopback', () => {
  let server: Server;
  let origin: string;
  let handler: (req: IncomingMessage, res: ServerResponse, body: string) => void = (_q, res) => res.end();
  const agents = {
    httpAgent: new http.Agent({ keepAlive: true }),
    httpsAgent: new https.Agent({ keepAlive: true }),
  };
  const send = nodeTransport(agents);

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => {
        body += c.toString();
      });
      req.on('end', () => handler(req, res, body));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterEach(() => {
    handler = (_q, res) => res.end();
  });
  afterAll(async () => {
    agents.httpAgent.destroy();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  /** A client-shaped axios instance whose configuration the PreparedSender turns into requests. */
  function sender(extra: Record<string, unknown> = {}) {
    return new PreparedSender(
      axios.create({
        baseURL: origin,
        allowAbsoluteUrls: false,
        maxRedirects: 0,
        maxContentLength: 1024,
        maxBodyLength: 1024,
        proxy: false,
        responseType: 'text',
        transformResponse: [(d: unknown) => d],
        validateStatus: () => true,
        adapter: send,
        headers: { Accept: 'application/json' },
        ...extra,
      }),
    );
  }
  const outgoing = (o: Partial<Parameters<PreparedSender['send']>[0]> = {}) => ({
    method: 'GET',
    url: '/v2/users/abc',
    params: undefined,
    body: undefined,
    headers: { Authorization: 'Basic c2VjcmV0' },
    signal: new AbortController().signal,
    ...o,
  });

  it('sends the JSON body, the library’s headers and the call’s own (nothing of axios’s); answers status, headers and text', async () => {
    let seen: { method?: string; url?: string; headers?: IncomingMessage['headers']; body?: string } = {};
    handler = (req, res, body) => {
      seen = { method: req.method, url: req.url, headers: req.headers, body };
      res.setHeader('x-request-id', 'req-1');
      res.statusCode = 201;
      res.end('\uFEFF{"ok":true}');
    };
    const response = await sender().send(
      outgoing({
        method: 'POST',
        url: '/users',
        params: { limit: 2, cursor: undefined },
        body: { name: 'Jane Roe' },
      }),
    );
    expect(response.status).toBe(201);
    expect(response.data).toBe('{"ok":true}');
    expect(response.headers['x-request-id']).toBe('req-1');
    expect(seen.method).toBe('POST');
    expect(seen.url).toBe('/users?limit=2');
    expect(seen.body).toBe('{"name":"Jane Roe"}');
    expect(seen.headers).toMatchObject({
      accept: 'application/json',
      authorization: 'Basic c2VjcmV0',
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength('{"name":"Jane Roe"}')),
      'user-agent': USER_AGENT,
      'accept-encoding': 'gzip, deflate, br',
    });
    // No `query: [object Object]` (axios 1.x's per-method `query` layer flattened into a header).
    expect(Object.keys(seen.headers ?? {}).sort()).toEqual([
      'accept',
      'accept-encoding',
      'authorization',
      'connection',
      'content-length',
      'content-type',
      'host',
      'user-agent',
    ]);
  });

  it('never follows a redirect', async () => {
    let hits = 0;
    handler = (_req, res) => {
      hits++;
      res.statusCode = 302;
      res.setHeader('location', `${origin}/elsewhere`);
      res.end();
    };
    const response = await sender().send(outgoing());
    expect(response.status).toBe(302);
    expect(hits).toBe(1);
  });

  it('decompresses gzip, and the cap applies to what was decompressed', async () => {
    handler = (_req, res) => {
      res.setHeader('content-encoding', 'gzip');
      res.end(gzipSync(JSON.stringify({ pad: 'x'.repeat(500) })));
    };
    const ok = await sender().send(outgoing());
    expect(JSON.parse(String(ok.data)).pad).toHaveLength(500);
    handler = (_req, res) => {
      res.setHeader('content-encoding', 'gzip');
      res.end(gzipSync('y'.repeat(5000)));
    };
    const error = await sender()
      .send(outgoing())
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AxiosError);
    expect((error as AxiosError).message).toBe('maxContentLength size of 1024 exceeded');
  });

  it('a body over maxContentLength is the error errors.ts maps to unexpected_response', async () => {
    handler = (_req, res) => res.end('z'.repeat(4096));
    const error = await sender()
      .send(outgoing())
      .catch((e: unknown) => e);
    const mapped = errorFromTransport(
      error,
      { abortedByCaller: false, timedOut: false, timeoutMs: 1000, maxResponseBytes: 1024 },
      { provider: 'p', tenant: 't', operation: 'getUser' },
    );
    expect(mapped.code).toBe('unexpected_response');
    expect(mapped.message).toMatch(/1024-byte cap/);
  });

  it('refuses a request body over maxBodyLength before sending anything', async () => {
    let hits = 0;
    handler = (_req, res) => {
      hits++;
      res.end();
    };
    const error = await sender()
      .send(outgoing({ method: 'POST', body: { big: 'b'.repeat(2048) } }))
      .catch((e: unknown) => e);
    expect((error as AxiosError).message).toBe('Request body larger than maxBodyLength limit');
    expect(refusedLocally(error)).toBe(true);
    expect(hits).toBe(0);
  });

  it('aborts on the signal, before or during the request', async () => {
    handler = () => {};
    const before = await sender()
      .send(outgoing({ signal: AbortSignal.abort() }))
      .catch((e: unknown) => e);
    expect(axios.isCancel(before)).toBe(true);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 30);
    const during = await sender()
      .send(outgoing({ signal: controller.signal }))
      .catch((e: unknown) => e);
    expect(axios.isCancel(during)).toBe(true);
  });

  it('one signal for many requests: its abort reaches exactly those in flight; it keeps one listener', async () => {
    const controller = new AbortController();
    const signal = controller.signal;
    const waiting: ServerResponse[] = [];
    handler = (req, res) => {
      if (req.url === '/hang') waiting.push(res);
      else res.end('{"ok":true}');
    };
    // Settled before the abort: untouched by it.
    const first = await sender().send(outgoing({ url: '/ok', signal }));
    expect(first.data).toBe('{"ok":true}');
    expect(signalIsIdle(signal), 'nothing in flight on it').toBe(true);
    const hanging = [1, 2, 3].map(() =>
      sender()
        .send(outgoing({ url: '/hang', signal }))
        .catch((e: unknown) => e),
    );
    await new Promise<void>((r) => {
      const check = () => (waiting.length === 3 ? r() : setTimeout(check, 5));
      check();
    });
    expect(getEventListeners(signal, 'abort'), 'one listener, however many requests').toHaveLength(1);
    expect(signalIsIdle(signal), 'requests in flight on it').toBe(false);
    controller.abort();
    for (const error of await Promise.all(hanging)) expect(axios.isCancel(error)).toBe(true);
    expect(getEventListeners(signal, 'abort')).toHaveLength(0);
    for (const res of waiting) res.destroy();
  });

  it('a signal someone else listens to is not idle', () => {
    const controller = new AbortController();
    expect(signalIsIdle(controller.signal)).toBe(true);
    const listener = () => {};
    controller.signal.addEventListener('abort', listener);
    expect(signalIsIdle(controller.signal)).toBe(false);
    controller.signal.removeEventListener('abort', listener);
    expect(signalIsIdle(controller.signal)).toBe(true);
  });

  it('connection errors carry the socket code', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const error = await send(
      config({
        baseURL: `http://127.0.0.1:${port}`,
        url: '/x',
        method: 'get',
        headers: new axios.AxiosHeaders(),
      }),
    ).catch((e: unknown) => e);
    expect((error as AxiosError).code).toBe('ECONNREFUSED');
  });

  it('honours axios’s timeout option with ECONNABORTED', async () => {
    handler = () => {};
    const error = await sender({ timeout: 50 })
      .send(outgoing())
      .catch((e: unknown) => e);
    expect((error as AxiosError).code).toBe('ECONNABORTED');
  });
});

describe('HttpClient over the lean transport: signals reused across calls', () => {
  let server: Server;
  let origin: string;
  let hang = false;
  beforeAll(async () => {
    server = createServer((_req, res) => {
      if (!hang) res.end('{"id":"ok"}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  it('a call that timed out or was cancelled leaves later calls on the same client unaffected', async () => {
    const client = new HttpClient({
      tenant: 't',
      provider: 'p',
      baseUrl: origin,
      auth: { headers: () => ({}), secrets: () => [] },
      describeError: () => ({ messages: [] }),
      timeoutMs: 1_000,
      maxResponseBytes: 1024,
      retry: { maxRetries: 0 },
    });
    const get = (options?: { timeoutMs?: number; signal?: AbortSignal }) =>
      client.request({
        operation: 'getUser',
        method: 'GET',
        path: '/u',
        response: z.object({ id: z.string() }),
        options,
      });
    try {
      for (let i = 0; i < 5; i++) expect((await get()).data.id).toBe('ok');
      hang = true;
      await expect(get({ timeoutMs: 50 })).rejects.toMatchObject({ code: 'timeout' });
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 30);
      await expect(get({ signal: controller.signal })).rejects.toMatchObject({ code: 'aborted' });
      hang = false;
      for (let i = 0; i < 5; i++) expect((await get()).data.id).toBe('ok');
    } finally {
      client.close();
    }
  });
});

describe('HttpClient with a custom transport: every call gets its own signal', () => {
  const answer = (config: InternalAxiosRequestConfig): AxiosResponse => ({
    status: 200,
    statusText: 'OK',
    headers: {},
    config,
    data: '{"id":"ok"}',
  });
  const clientWith = (transport: (config: InternalAxiosRequestConfig) => Promise<AxiosResponse>) =>
    new HttpClient({
      tenant: 't',
      provider: 'p',
      baseUrl: 'https://api.example.com',
      auth: { headers: () => ({}), secrets: () => [] },
      describeError: () => ({ messages: [] }),
      timeoutMs: 1_000,
      maxResponseBytes: 1024,
      retry: { maxRetries: 0 },
      transport,
    });
  const get = (client: HttpClient) =>
    client.request({
      operation: 'getUser',
      method: 'GET',
      path: '/u',
      response: z.object({ id: z.string() }),
    });

  it('even a transport that removes its listener never gets an earlier call’s signal (it may still hold it)', async () => {
    const seen: AbortSignal[] = [];
    const client = clientWith(async (config) => {
      const signal = config.signal as AbortSignal;
      const onAbort = () => {};
      signal.addEventListener('abort', onAbort);
      seen.push(signal);
      signal.removeEventListener('abort', onAbort);
      return answer(config);
    });
    try {
      for (let i = 0; i < 3; i++) await get(client);
      expect(new Set(seen).size).toBe(3);
    } finally {
      client.close();
    }
  });

  it('a listener added after the call settled is never woken by a later call’s timeout or close', async () => {
    const seen: AbortSignal[] = [];
    let woken = 0;
    let derived: AbortSignal | undefined;
    const client = clientWith(async (config) => {
      const signal = config.signal as AbortSignal;
      seen.push(signal);
      if (seen.length > 1) {
        // The later call hangs until its own deadline aborts it.
        await new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason)));
      }
      // After settling: a late listener and a derived signal, both kept by the transport.
      setImmediate(() => signal.addEventListener('abort', () => woken++));
      derived ??= AbortSignal.any([signal]);
      return answer(config);
    });
    try {
      await get(client);
      await new Promise((r) => setImmediate(r));
      // A later call that times out (its own signal aborts) and then close(): neither reaches the first.
      await expect(
        client.request({
          operation: 'getUser',
          method: 'GET',
          path: '/u',
          options: { timeoutMs: 1 },
          response: z.object({ id: z.string() }),
        }),
      ).rejects.toMatchObject({ code: 'timeout' });
      client.close();
      expect(new Set(seen).size).toBe(2);
      expect(woken).toBe(0);
      expect(derived?.aborted).toBe(false);
    } finally {
      client.close();
    }
  });
});

describe('PreparedSender: the call’s headers, resolved once and copied per call', () => {
  const instance = (adapter: (config: InternalAxiosRequestConfig) => Promise<AxiosResponse>) =>
    new PreparedSender(
      axios.create({
        baseURL: 'https://api.example.com',
        responseType: 'text',
        transformResponse: [(d: unknown) => d],
        validateStatus: () => true,
        adapter,
        headers: { Accept: 'application/json', 'User-Agent': 'payroll-identity' },
      }),
    );
  const name = fc.constantFrom(
    'Authorization',
    'authorization',
    'X-Api-Key',
    'x-api-key',
    'Accept',
    'content-type',
  );
  const value = fc.constantFrom('Basic c2VjcmV0', 'Bearer t1', 'Bearer t2', 'key-1', 'text/plain');

  it('every call gets exactly what a fresh AxiosHeaders of its layers gives, whatever changed since the last', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            method: fc.constantFrom('GET', 'POST', 'PATCH'),
            body: fc.boolean(),
            headers: fc.dictionary(name, value, { maxKeys: 3 }),
            mutateShared: fc.boolean(),
            transportChanges: fc.boolean(),
          }),
          { minLength: 1, maxLength: 8 },
        ),
        async (calls) => {
          let seen: Record<string, unknown> = {};
          const sender = instance(async (config) => {
            seen = { ...config.headers.toJSON() };
            // A transport may change its headers: the next call must not see it.
            config.headers.set('X-Changed-By-Transport', 'yes');
            return { status: 200, statusText: 'OK', headers: {}, config, data: '{}' };
          });
          // The same object handed out by an auth strategy, changed in place between calls.
          const shared: Record<string, string> = {};
          for (const call of calls) {
            let own: Record<string, string> = call.headers;
            if (call.mutateShared) {
              for (const k of Object.keys(shared)) delete shared[k];
              Object.assign(shared, call.headers);
              own = shared;
            }
            await sender.send({
              method: call.method,
              url: '/u',
              params: undefined,
              body: call.body ? { a: 1 } : undefined,
              headers: own,
              signal: new AbortController().signal,
            });
            const expected = new AxiosHeaders({
              Accept: 'application/json',
              'User-Agent': 'payroll-identity',
              ...(call.body ? { 'Content-Type': 'application/json' } : {}),
              ...own,
            }).toJSON();
            expect(seen).toEqual({ ...expected });
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});

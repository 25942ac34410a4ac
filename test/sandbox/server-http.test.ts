/**
 * The sandbox's own HTTP layer on `node:http` (src/sandbox/server.ts, router.ts, body.ts): what an
 * emulator gets for free, on the raw wire, with a tiny emulator whose routes say what they received.
 * The answers are the ones the emulators gave when they ran on a web framework (docs/sandbox.md).
 */
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Router } from '../../src/sandbox/router.js';
import { startEmulator } from '../../src/sandbox/server.js';
import type { RunningEmulator, SandboxEmulator } from '../../src/sandbox/types.js';
import { raw } from './raw-http.js';

const KEY = 'test-key';
let guarded: string[] = [];

const echo: SandboxEmulator<{ key: string }, never> = {
  name: 'echo',
  createCredentials: () => ({ credentials: { key: KEY }, alternativeCredentials: [] }),
  errorBody: (status, message) => ({ problem: { status, message } }),
  register(router) {
    router.guard((request) => {
      guarded.push(request.path);
      return request.headers['x-key'] === KEY ? undefined : { status: 401, body: { problem: 'key' } };
    });
    router.route('GET', '/items/:id', ({ params, query }) => ({
      status: 200,
      body: { route: 'param', id: params.id, q: query.getAll('q') },
    }));
    router.route('GET', '/items/special', () => ({ status: 200, body: { route: 'literal' } }));
    router.route('POST', '/items', ({ body }) => ({ status: 201, body: { received: body ?? null } }));
    router.route('GET', '/text', () => ({ status: 200, body: 'plain words' }));
    router.route('GET', '/boom', () => {
      throw new Error('secret-from-the-handler');
    });
    return { userCount: () => 0, reset: () => {} };
  },
};

let server: RunningEmulator<{ key: string }, never>;
const call = (
  path: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
) => raw(`${server.baseUrl}${path}`, { ...init, headers: { 'x-key': KEY, ...init.headers } });

beforeAll(async () => {
  server = await startEmulator(echo);
});
beforeEach(() => {
  guarded = [];
  server.reset();
});
afterAll(() => server.close());

describe('routing', () => {
  it('decodes parameters, keeps repeated query values, and prefers a literal segment', async () => {
    const param = await call('/items/a%20b?q=1&q=2');
    expect(param.body).toEqual({ route: 'param', id: 'a b', q: ['1', '2'] });
    expect((await call('/items/special')).body).toEqual({ route: 'literal' });
  });

  it('unknown paths, other methods, a trailing slash and a double slash are 404 in the provider shape, unguarded', async () => {
    for (const [method, path] of [
      ['GET', '/nothing'],
      ['PUT', '/items'],
      ['GET', '/items/'],
      ['GET', '//items/x'],
      ['GET', '/ITEMS/x'],
    ] as const) {
      const res = await raw(`${server.baseUrl}${path}`, { method });
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(res.body).toEqual({ problem: { status: 404, message: 'Not found.' } });
    }
    expect(guarded).toEqual([]);
  });

  it('a path that cannot be percent-decoded is 400 in the provider shape and is not echoed', async () => {
    const res = await call('/items/jane%zz');
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ problem: { status: 400, message: 'Malformed request URL.' } });
    expect(res.text).not.toContain('jane');
  });

  it('HEAD is answered by the GET route: same status and length, no body', async () => {
    const get = await call('/items/special');
    const head = await call('/items/special', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.text).toBe('');
    expect(head.headers.get('content-length')).toBe(String(get.text.length));
  });

  it('refuses a duplicate route and a malformed pattern at registration', () => {
    const router = new Router();
    router.route('GET', '/a/:id', () => ({ status: 200 }));
    expect(() => router.route('GET', '/a/:other', () => ({ status: 200 }))).toThrow(/already routed/);
    expect(() => router.route('GET', 'a/b', () => ({ status: 200 }))).toThrow();
    expect(() => router.route('GET', '/a/:id/:id', () => ({ status: 200 }))).toThrow();
    expect(() => router.route('GET', '/a b', () => ({ status: 200 }))).toThrow();
    expect(() => router.route('GET', '/a//b', () => ({ status: 200 }))).toThrow();
    router.route('GET', '/', () => ({ status: 200 }));
    expect(router.lookup('GET', '/').kind).toBe('route');
    expect(router.lookup('GET', '*').kind).toBe('none');
  });
});

describe('guards', () => {
  it('run before the body is read: wrong credentials with a malformed or foreign body are 401', async () => {
    for (const [type, body] of [
      ['application/json', '{"x":'],
      ['text/plain', 'x'],
    ]) {
      const res = await raw(`${server.baseUrl}/items`, {
        method: 'POST',
        headers: { 'content-type': type as string },
        body,
      });
      expect(res.status).toBe(401);
    }
    expect(guarded).toEqual(['/items', '/items']);
  });
});

describe('bodies', () => {
  const post = (body: string | undefined, headers: Record<string, string>) =>
    call('/items', { method: 'POST', headers, ...(body === undefined ? {} : { body }) });

  it('JSON is parsed (any case, with parameters); an empty or blank body is no body', async () => {
    expect((await post('{"a":1}', { 'content-type': 'Application/JSON; charset=utf-8' })).body).toEqual({
      received: { a: 1 },
    });
    expect((await post('  ', { 'content-type': 'application/json' })).body).toEqual({ received: null });
    expect((await post(undefined, {})).status).toBe(201);
  });

  it('malformed JSON → 400, another or no media type with a body → 415, over 1 MiB → 413; never echoed', async () => {
    const bad = await post('{"ssn":"123-45-6789"', { 'content-type': 'application/json' });
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual({ problem: { status: 400, message: 'Malformed request body.' } });
    expect(bad.text).not.toContain('6789');
    expect((await post('{}', { 'content-type': 'application/vnd.api+json' })).status).toBe(415);
    expect((await post('{}', { 'content-type': 'text/plain' })).status).toBe(415);
    const big = await post(JSON.stringify({ pad: 'x'.repeat(1_048_576) }), {
      'content-type': 'application/json',
    });
    expect(big.status).toBe(413);
    expect(big.body).toEqual({ problem: { status: 413, message: 'Request body too large.' } });
  });

  it('exactly 1 MiB is accepted', async () => {
    const body = JSON.stringify({ pad: 'x'.repeat(1_048_576 - 10) });
    expect(Buffer.byteLength(body)).toBe(1_048_576);
    expect((await post(body, { 'content-type': 'application/json' })).status).toBe(201);
  });

  it('a body with no content type and no length is refused 415 only on a matched route', async () => {
    // Chunked, no content type: fetch cannot send this, so node:http does.
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(
        `${server.baseUrl}/items`,
        { method: 'POST', headers: { 'x-key': KEY } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.end('{}');
    });
    expect(status).toBe(415);
    expect((await raw(`${server.baseUrl}/elsewhere`, { method: 'POST', body: 'x' })).status).toBe(404);
  });
});

describe('answers', () => {
  it('a string body is text/plain; an object is JSON with charset', async () => {
    const text = await fetch(`${server.baseUrl}/text`, { headers: { 'x-key': KEY } });
    expect(text.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(await text.text()).toBe('plain words');
    expect((await call('/items/special')).headers.get('content-type')).toBe(
      'application/json; charset=utf-8',
    );
  });

  it('a handler that throws is a 500 in the provider shape that never quotes the error', async () => {
    const res = await call('/boom');
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ problem: { status: 500, message: 'Internal server error.' } });
    expect(res.text).not.toContain('secret');
    expect(server.requests()).toEqual([{ sequence: 1, method: 'GET', url: '/boom', status: 500 }]);
  });
});

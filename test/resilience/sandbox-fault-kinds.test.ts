/**
 * The sandbox fault kinds added for the fault matrix (docs/sandbox.md), on the raw wire: what each
 * sends, whether the request was processed, what the request log records, and what is refused.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { emulator as argyleEmulator } from '../../providers/argyle/sandbox/index.js';
import { startEmulator } from '../../src/sandbox/server.js';
import type { QueuedFault, RunningEmulator } from '../../src/sandbox/types.js';

let argyle: RunningEmulator<{ apiKeyId: string; apiKeySecret: string }, never>;
let auth: string;

beforeAll(async () => {
  argyle = await startEmulator(argyleEmulator);
  auth = `Basic ${Buffer.from(`${argyle.credentials.apiKeyId}:${argyle.credentials.apiKeySecret}`).toString('base64')}`;
});
beforeEach(() => argyle.reset());
afterAll(() => argyle.close());

const create = () =>
  fetch(`${argyle.baseUrl}/v2/users`, {
    method: 'POST',
    headers: { authorization: auth, 'content-type': 'application/json' },
    body: '{"external_id":"applicant-raw"}',
    redirect: 'manual',
  });

describe('spoiling faults (request processed, answer spoiled)', () => {
  it('malformed-body: the status stands, the body is not JSON', async () => {
    argyle.faults.next({ kind: 'malformed-body' });
    const res = await create();
    expect(res.status).toBe(200);
    await expect(res.json()).rejects.toThrow();
    expect(argyle.userCount()).toBe(1);
    expect(argyle.requests()[0]).toMatchObject({ fault: 'malformed-body', status: 200 });
  });

  it('wrong-shape: a 2xx becomes 200 ["unexpected"]', async () => {
    argyle.faults.next({ kind: 'wrong-shape' });
    const res = await create();
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(['unexpected']);
    expect(argyle.userCount()).toBe(1);
  });

  it('oversized: padded to the size asked, still valid JSON; a 204 becomes 200', async () => {
    argyle.faults.next({ kind: 'oversized', bytes: 50_000 });
    const res = await create();
    const text = await res.text();
    expect(text.length).toBe(50_000);
    const { id } = JSON.parse(text) as { id: string };
    argyle.faults.next({ kind: 'oversized', bytes: 4_000 });
    const del = await fetch(`${argyle.baseUrl}/v2/users/${id}`, {
      method: 'DELETE',
      headers: { authorization: auth },
    });
    expect(del.status).toBe(200);
    expect((await del.text()).length).toBe(4_000);
    expect(argyle.userCount()).toBe(0);
  });

  it('drop-mid-body: head and half the body arrive, then the connection dies; no status is logged', async () => {
    argyle.faults.next({ kind: 'drop-mid-body' });
    const res = await create();
    expect(res.status).toBe(200);
    await expect(res.text()).rejects.toThrow();
    expect(argyle.userCount()).toBe(1);
    expect(argyle.requests()[0]?.status).toBeUndefined();
  });
});

describe('answering faults (request not processed)', () => {
  it('html-error: a 502 HTML page', async () => {
    argyle.faults.next({ kind: 'html-error' });
    const res = await create();
    expect(res.status).toBe(502);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    expect(await res.text()).toMatch(/<html>/);
    expect(argyle.userCount()).toBe(0);
  });

  it("redirect: a 3xx to the given location (default: the emulator's /redirected<path>)", async () => {
    argyle.faults.next({ kind: 'redirect' });
    argyle.faults.next({ kind: 'redirect', status: 307, location: 'http://127.0.0.1:9/elsewhere' });
    const first = await create();
    expect(first.status).toBe(302);
    expect(first.headers.get('location')).toBe(`${argyle.baseUrl}/redirected/v2/users`);
    const second = await create();
    expect(second.status).toBe(307);
    expect(second.headers.get('location')).toBe('http://127.0.0.1:9/elsewhere');
    expect(argyle.userCount()).toBe(0);
  });

  it.each<[string, QueuedFault]>([
    ['a redirect with a 5xx status', { kind: 'redirect', status: 503 }],
    ['an html-error with a 3xx status', { kind: 'html-error', status: 302 }],
    ['a server-error with a 3xx status', { kind: 'server-error', status: 301 }],
    ['an oversized of zero bytes', { kind: 'oversized', bytes: 0 }],
  ])('refuses %s', (_what, fault) => {
    expect(() => argyle.faults.next(fault)).toThrow();
  });
});

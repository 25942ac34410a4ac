/**
 * The per-tenant circuit breaker: opens after `threshold` consecutive provider failures, fails fast
 * without a request, lets one probe through after `halfOpenAfterMs`, closes when the probe succeeds.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RequestSpec } from '../../../src/http/client.js';
import { rejection } from '../../contract/assertions.js';
import {
  type HookRecord,
  makeClient,
  recordingHooks,
  reply,
  ScriptedServer,
  sequence,
  User,
} from './support.js';

const server = new ScriptedServer();
beforeAll(() => server.start());
afterAll(() => server.stop());
afterEach(() => server.reset());

const get: RequestSpec<{ id: string }> = {
  operation: 'getUser',
  method: 'GET',
  path: '/users/u-1',
  response: User,
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function breakerClient(events: HookRecord[] = [], threshold = 3, maxRetries = 0) {
  return makeClient(server.origin, {
    retry: { maxRetries },
    circuitBreaker: { enabled: true, threshold, halfOpenAfterMs: 150 },
    hooks: recordingHooks(events),
  });
}

describe('circuit breaker', () => {
  it('opens after N failures, fails fast without a request, half-opens and closes after a good probe', async () => {
    const events: HookRecord[] = [];
    const client = breakerClient(events);
    server.handler = reply(503);
    for (let i = 0; i < 3; i++) {
      const e = await rejection(() => client.request(get));
      expect(e).toMatchObject({ code: 'provider_unavailable', status: 503 });
    }
    expect(server.hits).toBe(3);
    expect(client.circuitState).toBe('open');

    const fast = await rejection(() => client.request(get));
    expect(fast.code).toBe('provider_unavailable');
    expect(fast.status).toBeUndefined();
    expect(fast.message).toMatch(/circuit breaker is open/);
    expect(server.hits).toBe(3);

    await sleep(200);
    server.handler = reply(200, { id: 'back' });
    expect((await client.request(get)).data.id).toBe('back');
    expect(server.hits).toBe(4);
    expect(client.circuitState).toBe('closed');
    expect((await client.request(get)).data.id).toBe('back');
    expect(events.filter((e) => e.hook === 'onCircuitStateChange').map((e) => e.event.state)).toEqual([
      'open',
      'half_open',
      'closed',
    ]);
  });

  it('a failed probe opens the circuit again', async () => {
    const client = breakerClient();
    server.handler = reply(502);
    for (let i = 0; i < 3; i++) await rejection(() => client.request(get));
    await sleep(200);
    expect((await rejection(() => client.request(get))).status).toBe(502);
    expect(server.hits).toBe(4);
    expect(client.circuitState).toBe('open');
    expect((await rejection(() => client.request(get))).status).toBeUndefined();
    expect(server.hits).toBe(4);
  });

  it('while the probe is in flight, other calls fail fast instead of waiting for it', async () => {
    const client = breakerClient();
    server.handler = reply(503);
    for (let i = 0; i < 3; i++) await rejection(() => client.request(get));
    await sleep(200);
    server.handler = (req, res, hit) => setTimeout(() => reply(200, { id: 'probe' })(req, res, hit), 150);
    const probe = client.request(get);
    await sleep(20);
    expect(client.circuitState).toBe('half_open');
    const start = performance.now();
    const other = await rejection(() => client.request(get));
    expect(other.code).toBe('provider_unavailable');
    expect(performance.now() - start).toBeLessThan(100);
    expect((await probe).data.id).toBe('probe');
    expect(server.hits).toBe(4);
  });

  it('opening mid-call stops the retries: no request once the circuit is open', async () => {
    const client = breakerClient([], 2, 5);
    server.handler = reply(503);
    const error = await rejection(() => client.request(get));
    expect(error.code).toBe('provider_unavailable');
    expect(server.hits).toBe(2);
  });

  it('an answer from the provider (404) ends the run of failures; 4xx, aborts and the caller’s own timeouts never count', async () => {
    const client = breakerClient();
    server.handler = sequence(reply(503), reply(503), reply(404), reply(503), reply(503), reply(429));
    for (let i = 0; i < 6; i++) await rejection(() => client.request(get));
    expect(client.circuitState).toBe('closed');
    server.handler = () => {};
    for (let i = 0; i < 4; i++) {
      const e = await rejection(() =>
        client.request({ ...get, options: { signal: AbortSignal.timeout(20) } }),
      );
      // The caller's AbortSignal.timeout() is a deadline: `timeout`, not `aborted`.
      expect(e.code).toBe('timeout');
    }
    const controller = new AbortController();
    const pending = rejection(() => client.request({ ...get, options: { signal: controller.signal } }));
    setTimeout(() => controller.abort(), 20);
    expect((await pending).code).toBe('aborted');
    expect(client.circuitState).toBe('closed');
  });

  it('is per tenant: one tenant’s open circuit does not affect another', async () => {
    const a = breakerClient();
    const b = breakerClient();
    server.handler = reply(503);
    for (let i = 0; i < 3; i++) await rejection(() => a.request(get));
    expect(a.circuitState).toBe('open');
    server.handler = reply(200, { id: 'b-ok' });
    expect((await b.request(get)).data.id).toBe('b-ok');
  });

  it('the lookups that settle ambiguous creates go through an open circuit: 50 dropped creates, 50 reconciled', async () => {
    const CREATES = 50;
    const created = new Map<string, string>();
    const held: import('node:http').IncomingMessage[] = [];
    server.handler = (req, res) => {
      const url = new URL(req.url ?? '/', server.origin);
      if (req.method === 'POST') {
        // The provider stores each create, then the connection drops before any answer: once all
        // 50 were sent, so that every one of them is ambiguous.
        let body = '';
        req.on('data', (c: Buffer) => {
          body += c.toString('utf8');
        });
        req.on('end', () => {
          const { externalId } = JSON.parse(body) as { externalId: string };
          created.set(externalId, `user-${externalId}`);
          held.push(req);
          if (held.length === CREATES) for (const r of held) r.socket.destroy();
        });
        return;
      }
      const id = created.get(url.searchParams.get('external_id') ?? '');
      reply(200, id ? [{ id }] : [])(req, res, 0);
    };
    const events: HookRecord[] = [];
    const client = makeClient(server.origin, {
      retry: { maxRetries: 0 },
      circuitBreaker: { enabled: true, threshold: 10, halfOpenAfterMs: 60_000 },
      hooks: recordingHooks(events),
    });
    const outcomes = await Promise.all(
      Array.from({ length: CREATES }, (_, i) =>
        client
          .request({
            operation: 'createUser',
            method: 'POST',
            path: '/users',
            body: { externalId: `ext-${i}` },
            response: User,
            reconcileHint: { externalId: `ext-${i}` },
            reconcile: async (signal) => {
              const { data } = await client.request({
                operation: 'listUsers',
                method: 'GET',
                path: '/users',
                query: { external_id: `ext-${i}` },
                response: User.array(),
                ...(signal ? { options: { signal } } : {}),
              });
              return data[0];
            },
          })
          .then(
            (r) => (r.reconciled ? `reconciled ${r.data.id}` : 'answered'),
            (e: { code: string }) => e.code,
          ),
      ),
    );
    // The dropped creates opened the circuit…
    expect(client.circuitState).toBe('open');
    expect(events.some((e) => e.hook === 'onCircuitStateChange' && e.event.state === 'open')).toBe(true);
    // …but every lookup went through it, and every create was settled with the user it made.
    expect(outcomes).toEqual(Array.from({ length: CREATES }, (_, i) => `reconciled user-ext-${i}`));
    // Ordinary calls still fail fast while it is open.
    const hits = server.hits;
    expect((await rejection(() => client.request(get))).message).toMatch(/circuit breaker is open/);
    expect(server.hits).toBe(hits);
    client.close();
  });

  it('can be disabled', async () => {
    const client = makeClient(server.origin, {
      retry: { maxRetries: 0 },
      circuitBreaker: { enabled: false, threshold: 1 },
    });
    server.handler = reply(503);
    for (let i = 0; i < 5; i++) await rejection(() => client.request(get));
    expect(server.hits).toBe(5);
    expect(client.circuitState).toBe('closed');
  });
});

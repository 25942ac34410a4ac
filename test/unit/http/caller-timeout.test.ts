/**
 * A caller's signal that fires with a `TimeoutError` (`AbortSignal.timeout()`) is a deadline, not a
 * cancellation: the call ends `timeout` (as with `timeoutMs`), not `aborted` ("cancelled by the
 * caller"). A create cut by it is ambiguous like any timed-out create: reconciled, else
 * `outcome_unknown`. A plain `abort()` still ends `aborted`.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { rejection } from '../../contract/assertions.js';
import { hang, makeClient, reply, ScriptedServer, sequence, User } from '../resilience/support.js';

const server = new ScriptedServer();
beforeAll(async () => {
  await server.start();
  // The HTTP stack loads on the first request of the process (before a call's signal is checked):
  // loaded here, so a test's short AbortSignal.timeout() cannot fire while it loads on a busy
  // machine, which would end the call before anything is sent instead of in flight.
  await makeClient(server.origin).request({
    operation: 'getUser',
    method: 'GET',
    path: '/warm',
    response: User,
  });
  server.reset();
});
afterAll(() => server.stop());
afterEach(() => server.reset());

const fired = (signal: AbortSignal) =>
  new Promise<void>((r) => (signal.aborted ? r() : signal.addEventListener('abort', () => r())));

describe('AbortSignal.timeout() ends a call as timeout', () => {
  it('while the request is in flight', async () => {
    server.handler = hang;
    const error = await rejection(() =>
      makeClient(server.origin).request({
        operation: 'getUser',
        method: 'GET',
        path: '/users/u',
        response: User,
        options: { signal: AbortSignal.timeout(30) },
      }),
    );
    expect(error.code).toBe('timeout');
    expect(error.message).toMatch(/caller's signal timed out/);
    expect(error.message).not.toMatch(/cancelled/);
  });

  it('when it had already fired: timeout, nothing sent', async () => {
    const signal = AbortSignal.timeout(1);
    await fired(signal);
    const error = await rejection(() =>
      makeClient(server.origin).request({
        operation: 'createUser',
        method: 'POST',
        path: '/users-already-fired',
        body: {},
        options: { signal },
      }),
    );
    expect(error.code).toBe('timeout');
    expect(error.message).toMatch(/nothing was sent/);
    // By path: a request of an earlier test still in transit on a busy machine may land after the
    // reset and count as a hit.
    expect(server.paths).not.toContain('/users-already-fired');
  });

  it('during a backoff wait: timeout, no further request', async () => {
    server.handler = reply(503);
    const client = makeClient(server.origin, { retry: { baseDelayMs: 2_000, maxDelayMs: 2_000 } });
    const started = performance.now();
    const error = await rejection(() =>
      client.request({
        operation: 'getUser',
        method: 'GET',
        path: '/users/u',
        response: User,
        options: { signal: AbortSignal.timeout(100) },
      }),
    );
    expect(error.code).toBe('timeout');
    expect(server.hits).toBe(1);
    expect(performance.now() - started).toBeLessThan(1_500);
  });

  it('a create it cuts off is reconciled (the lookup gets its own deadline)', async () => {
    server.handler = sequence(hang, reply(200, [{ id: 'u-made' }]));
    const client = makeClient(server.origin);
    let lookups = 0;
    const result = await client.request({
      operation: 'createUser',
      method: 'POST',
      path: '/users',
      body: {},
      response: User,
      options: { signal: AbortSignal.timeout(50) },
      reconcileHint: { externalId: 'ext-1' },
      reconcile: async (signal) => {
        lookups++;
        const { data } = await client.request({
          operation: 'listUsers',
          method: 'GET',
          path: '/users',
          response: User.array(),
          ...(signal ? { options: { signal } } : {}),
        });
        return data[0];
      },
    });
    expect(result).toMatchObject({ reconciled: true, data: { id: 'u-made' } });
    expect(lookups).toBe(1);
  });

  it('a create it cuts off whose lookup fails ends outcome_unknown, not aborted', async () => {
    server.handler = sequence(hang, reply(500));
    const client = makeClient(server.origin, { retry: { maxRetries: 0 } });
    const error = await rejection(() =>
      client.request({
        operation: 'createUser',
        method: 'POST',
        path: '/users',
        body: {},
        response: User,
        options: { signal: AbortSignal.timeout(50) },
        reconcileHint: { externalId: 'ext-1' },
        reconcile: async (signal) => {
          const { data } = await client.request({
            operation: 'listUsers',
            method: 'GET',
            path: '/users',
            response: User.array(),
            ...(signal ? { options: { signal } } : {}),
          });
          return data[0];
        },
      }),
    );
    expect(error.code).toBe('outcome_unknown');
    expect((error.cause as { code?: string } | undefined)?.code).toBe('timeout');
  });

  it('a plain abort() is still aborted', async () => {
    server.handler = hang;
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 30);
    const error = await rejection(() =>
      makeClient(server.origin).request({
        operation: 'getUser',
        method: 'GET',
        path: '/users/u',
        options: { signal: controller.signal },
      }),
    );
    expect(error.code).toBe('aborted');
  });
});

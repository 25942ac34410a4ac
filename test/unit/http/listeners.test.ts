/**
 * No `MaxListenersExceededWarning`, however many calls share one caller signal and however many
 * reconciliations run at once on one tenant (each used to add its own listener to the caller's
 * signal and to the client's lifetime signal). 1,000 concurrent calls each time; the signals keep
 * one listener while calls wait on them and none once they are done.
 */
import { getEventListeners } from 'node:events';
import { AxiosError, type AxiosResponse, type InternalAxiosRequestConfig } from 'axios';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Transport } from '../../../src/http/transport.js';
import { makeClient, User } from '../resilience/support.js';

const CALLS = 1_000;
let warnings: Error[] = [];
const onWarning = (warning: Error) => warnings.push(warning);
beforeEach(() => {
  warnings = [];
  process.on('warning', onWarning);
});
afterEach(() => {
  process.off('warning', onWarning);
});

/** Warnings are emitted on a later tick: let them arrive before looking. */
const flush = () => new Promise((r) => setImmediate(r));

function answer(config: InternalAxiosRequestConfig, status: number, body: unknown): AxiosResponse {
  return { status, statusText: '', headers: {}, config, data: JSON.stringify(body) };
}

/** A gate that opens once `count` requests wait at it: every call is in flight at the same time. */
function gate(count: number) {
  let waiting = 0;
  let open!: () => void;
  const opened = new Promise<void>((r) => {
    open = r;
  });
  return async () => {
    if (++waiting >= count) open();
    await opened;
  };
}

describe('abort listeners', () => {
  it(`${CALLS} concurrent calls sharing one caller signal: one listener, no warning`, async () => {
    const arrive = gate(CALLS);
    const transport: Transport = async (config) => {
      await arrive();
      return answer(config, 200, { id: 'u' });
    };
    const client = makeClient('http://127.0.0.1:9', { transport });
    // The first request of a process waits for the HTTP stack to load, and only then subscribes: make
    // it beforehand, so that every call below has subscribed by the time the count is taken (this
    // test must not depend on another file having loaded the stack in the same worker).
    await makeClient('http://127.0.0.1:9', {
      transport: async (config) => answer(config, 200, { id: 'u' }),
    }).request({ operation: 'getUser', method: 'GET', path: '/users/u', response: User });
    const controller = new AbortController();
    const calls = Array.from({ length: CALLS }, () =>
      client.request({
        operation: 'getUser',
        method: 'GET',
        path: '/users/u',
        response: User,
        options: { signal: controller.signal },
      }),
    );
    expect(getEventListeners(controller.signal, 'abort').length).toBe(1);
    const results = await Promise.all(calls);
    expect(results.every((r) => r.data.id === 'u')).toBe(true);
    expect(getEventListeners(controller.signal, 'abort').length).toBe(0);
    await flush();
    expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning')).toEqual([]);
    client.close();
  });

  it('the shared signal still cancels every call at once', async () => {
    const transport: Transport = (config) =>
      new Promise((_, reject) => {
        config.signal?.addEventListener?.('abort', () => reject(new AxiosError('canceled', 'ERR_CANCELED')));
      });
    const client = makeClient('http://127.0.0.1:9', { transport });
    const controller = new AbortController();
    const calls = Array.from({ length: 50 }, () =>
      client
        .request({ operation: 'getUser', method: 'GET', path: '/u', options: { signal: controller.signal } })
        .catch((e: { code: string }) => e.code),
    );
    controller.abort();
    expect(new Set(await Promise.all(calls))).toEqual(new Set(['aborted']));
    client.close();
  });

  it(`${CALLS} concurrent reconciliations on one tenant: no warning`, async () => {
    const lookedUp = gate(CALLS);
    const transport: Transport = async (config) => {
      // Every create is dropped after it was sent: each call reconciles.
      if (config.method === 'post') throw new AxiosError('socket hang up', 'ECONNRESET', config);
      await lookedUp();
      return answer(config, 200, [{ id: 'found' }]);
    };
    const client = makeClient('http://127.0.0.1:9', { transport });
    // No caller signal: the listeners at stake are the ones on the client's own lifetime signal.
    const calls = Array.from({ length: CALLS }, (_, i) =>
      client.request({
        operation: 'createUser',
        method: 'POST',
        path: '/users',
        body: { n: i },
        response: User,
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
      }),
    );
    const results = await Promise.all(calls);
    expect(results.every((r) => r.reconciled === true && r.data.id === 'found')).toBe(true);
    await flush();
    expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning')).toEqual([]);
    client.close();
  });
});

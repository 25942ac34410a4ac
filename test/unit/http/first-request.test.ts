/**
 * A client before and at its first request: the HTTP stack (axios instance, circuit breaker,
 * backoff) is built then, not when the client is (test/packaging/lazy-loading.test.ts checks what a
 * process loads). Until then the client prints and reports its circuit like any other; whatever
 * goes wrong while building it is the call's typed error, nothing sent.
 */
import type { AxiosResponse, InternalAxiosRequestConfig } from 'axios';
import { describe, expect, it } from 'vitest';
import { isPayrollIdentityError, PayrollIdentityError } from '../../../src/errors.js';
import type { Transport } from '../../../src/http/transport.js';
import { createPayrollIdentity } from '../../../src/index.js';
import { makeClient, User } from '../resilience/support.js';

const USER_ID = '018051aa-f7a9-a0db-2f38-6cfa325e9d69';

const clientOptions = {
  tenant: 't1',
  provider: 'fake',
  baseUrl: 'http://127.0.0.1:9',
  auth: { headers: () => ({ 'X-Key': 'first-request-key-0000' }), secrets: () => ['first-request-key-0000'] },
  describeError: () => ({ messages: [] }),
  timeoutMs: 3_000,
  maxResponseBytes: 64 * 1024,
};

function answer(config: InternalAxiosRequestConfig, body: unknown): AxiosResponse {
  return { status: 200, statusText: '', headers: {}, config, data: JSON.stringify(body) };
}

describe('a client before its first request', () => {
  it('has a closed circuit and prints as after it', async () => {
    const transport: Transport = async (config) => answer(config, { id: 'u' });
    const client = makeClient('http://127.0.0.1:9', { transport, circuitBreaker: { enabled: true } });
    expect(client.circuitState).toBe('closed');
    const before = JSON.stringify(client);
    await client.request({ operation: 'getUser', method: 'GET', path: '/users/u', response: User });
    expect(client.circuitState).toBe('closed');
    expect(JSON.stringify(client)).toBe(before);
  });

  it('concurrent first requests of a fresh process share one circuit breaker', async () => {
    // A copy of the client module of its own (a distinct module id), as in a process whose HTTP
    // stack is not loaded yet: both calls wait for the one import, then build one engine.
    const fresh = '../../../src/http/client.js?first-request';
    const { HttpClient } = (await import(
      /* @vite-ignore */ fresh
    )) as typeof import('../../../src/http/client.js');
    let calls = 0;
    const transport: Transport = async (config) => {
      calls++;
      return { status: 503, statusText: '', headers: {}, config, data: '{}' };
    };
    const client = new HttpClient({
      ...clientOptions,
      transport,
      retry: { maxRetries: 0 },
      circuitBreaker: { enabled: true, threshold: 2 },
    });
    const first = () =>
      client.request({ operation: 'getUser', method: 'GET', path: '/users/u', response: User });
    const results = await Promise.allSettled([first(), first()]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    // Two failures on ONE breaker open it (two breakers would each have seen one).
    expect(client.circuitState).toBe('open');
    await expect(first()).rejects.toMatchObject({ code: 'provider_unavailable', status: undefined });
    expect(calls).toBe(2);
  });

  it('closed before its first request: the call is aborted, nothing sent', async () => {
    let calls = 0;
    const transport: Transport = async (config) => {
      calls++;
      return answer(config, { id: 'u' });
    };
    const client = makeClient('http://127.0.0.1:9', { transport });
    client.close();
    await expect(
      client.request({ operation: 'getUser', method: 'GET', path: '/users/u', response: User }),
    ).rejects.toMatchObject({ code: 'aborted', mayHaveTakenEffect: false });
    expect(calls).toBe(0);
  });
});

describe('a transport the HTTP stack cannot use', () => {
  it('is the call’s typed invalid_configuration, never an untyped throw', async () => {
    const identity = createPayrollIdentity({
      tenants: {
        t: {
          provider: 'argyle',
          environment: 'sandbox',
          credentials: { apiKeyId: 'first-key-id-0000', apiKeySecret: 'first-key-secret-0000' },
        },
      },
      // Not an adapter: axios refuses it when the tenant's client is set up.
      transport: 'no-such-adapter' as unknown as Transport,
    });
    try {
      const error = await identity
        .forTenant('t')
        .getUser(USER_ID)
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect(error).toBeInstanceOf(PayrollIdentityError);
      expect(isPayrollIdentityError(error, 'invalid_configuration')).toBe(true);
      expect((error as { problems: unknown }).problems).toEqual([
        {
          tenant: 't',
          field: '(http client)',
          reason: 'the HTTP client could not be set up (is `transport` an axios adapter?)',
        },
      ]);
      expect(String((error as Error).message)).not.toContain('first-key-secret-0000');
    } finally {
      await identity.close();
    }
  });
});

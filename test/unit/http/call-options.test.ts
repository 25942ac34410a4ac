/**
 * Call options (`{ signal, timeoutMs }`) are checked before anything is sent: a bad one is
 * `invalid_input` and no request leaves, through the client and through every service method.
 * A tenant's own numbers are checked when the identity (or a client) is built.
 */
import { runInNewContext } from 'node:vm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { PayrollIdentityError } from '../../../src/errors.js';
import { MAX_TIMEOUT_MS } from '../../../src/http/call-options.js';
import { createPayrollIdentity } from '../../../src/index.js';
import type { CallOptions } from '../../../src/user-service.js';
import { rejection } from '../../contract/assertions.js';
import { makeClient, reply, ScriptedServer, User } from '../resilience/support.js';

const server = new ScriptedServer();
beforeAll(() => server.start());
afterAll(() => server.stop());
afterEach(() => server.reset());

const BAD_TIMEOUTS: readonly unknown[] = [
  Number.NaN,
  -1,
  0,
  1.5,
  3e9, // past Node's 32-bit timer limit, which Node turns into 1 ms
  MAX_TIMEOUT_MS + 1,
  Number.POSITIVE_INFINITY,
  '5000',
  true,
  {},
];
const BAD_SIGNALS: readonly unknown[] = [
  {},
  'signal',
  42,
  { aborted: false, addEventListener() {}, removeEventListener() {} },
  new AbortController(),
  Object.create(AbortSignal.prototype),
];

describe('call options are validated before anything is sent', () => {
  const create = (options: unknown) =>
    makeClient(server.origin).request({
      operation: 'createUser',
      method: 'POST',
      path: '/users',
      body: { name: 'x' },
      response: User,
      options: options as CallOptions,
    });

  it.each(BAD_TIMEOUTS.map((v) => [String(v), v]))(
    'timeoutMs %s → invalid_input, nothing sent',
    async (_, value) => {
      server.handler = reply(201, { id: 'u1' });
      const error = await rejection(() => create({ timeoutMs: value }));
      expect(error.code).toBe('invalid_input');
      expect(error.message).toMatch(/timeoutMs.*nothing was sent/);
      expect((error as PayrollIdentityError & { fieldErrors: object }).fieldErrors).toHaveProperty([
        'options.timeoutMs',
      ]);
      expect(server.hits).toBe(0);
    },
  );

  it.each(BAD_SIGNALS.map((v, i) => [i, v]))(
    'signal #%s (not an AbortSignal) → invalid_input, nothing sent',
    async (_, value) => {
      const error = await rejection(() => create({ signal: value }));
      expect(error.code).toBe('invalid_input');
      expect(error.message).toMatch(/signal must be an AbortSignal/);
      expect(server.hits).toBe(0);
    },
  );

  it('options that are not an object, or a misspelt option, are refused; other keys are ignored', async () => {
    for (const options of ['fast', 5000, [1]]) {
      expect((await rejection(() => create(options))).code).toBe('invalid_input');
    }
    for (const options of [{ timeout: 5000 }, { timeoutSeconds: 5 }, { Signal: AbortSignal.abort() }]) {
      const error = await rejection(() => create(options));
      expect(error.code).toBe('invalid_input');
      expect(error.message).toMatch(/is not an option/);
    }
    expect(server.hits).toBe(0);
    server.handler = reply(201, { id: 'u1' });
    const ok = await create({ traceId: 'abc', timeoutMs: 2_000 });
    expect(ok.data.id).toBe('u1');
    // Absent and null are the same as not given.
    expect((await create({ signal: null, timeoutMs: null })).data.id).toBe('u1');
    expect((await create(undefined)).data.id).toBe('u1');
    expect(server.hits).toBe(3);
  });

  it('accepts a real AbortSignal from another realm, and the maximum timeout', async () => {
    server.handler = reply(201, { id: 'u1' });
    const foreign = runInNewContext('new AbortController().signal', { AbortController }) as AbortSignal;
    expect((await create({ signal: foreign, timeoutMs: MAX_TIMEOUT_MS })).data.id).toBe('u1');
    expect((await create({ signal: AbortSignal.timeout(5_000) })).data.id).toBe('u1');
  });

  it('through a service: a create with a bad timeoutMs or signal sends nothing', async () => {
    server.handler = reply(201, { id: 'u1', user_token: 't' });
    const identity = createPayrollIdentity({
      tenants: {
        us: {
          provider: 'argyle',
          environment: 'sandbox',
          baseUrl: server.origin,
          credentials: { apiKeyId: 'fake-key-id-0001', apiKeySecret: 'fake-key-secret-0002' },
        },
        uk: {
          provider: 'teal',
          environment: 'sandbox',
          baseUrl: server.origin,
          credentials: { apiKey: 'fake-teal-key-0003' },
        },
      },
    });
    try {
      for (const tenant of ['us', 'uk']) {
        const users = identity.forTenant(tenant);
        for (const options of [{ timeoutMs: Number.NaN }, { timeoutMs: 3e9 }, { signal: {} }]) {
          const bad = options as CallOptions;
          const input = {
            firstName: 'Jane',
            lastName: 'Doe',
            email: 'jane.doe@example.com',
            externalId: 'ext-1',
          };
          for (const call of [
            () => users.createUser(input, bad),
            () => users.getUser('user-1', bad),
            () => users.updateUser('user-1', { lastName: 'Roe' }, bad),
            () => users.deleteUser('user-1', bad),
            () => users.createLinkToken('user-1', bad),
            async () => {
              for await (const _ of users.listUsers({}, bad)) break;
            },
          ]) {
            const error = await rejection(call);
            expect(error.code, `${tenant} ${JSON.stringify(options)}`).toBe('invalid_input');
          }
        }
      }
      expect(server.hits).toBe(0);
    } finally {
      await identity.close();
    }
  });
});

describe('a tenant’s numbers are validated when the identity or a client is built', () => {
  const tenant = (extra: Record<string, unknown>) => ({
    tenants: {
      t: {
        provider: 'teal',
        environment: 'sandbox' as const,
        credentials: { apiKey: 'fake-teal-key-0003' },
        ...extra,
      },
    },
  });

  it.each([
    ['timeoutMs', Number.NaN],
    ['timeoutMs', 0],
    ['timeoutMs', 3e9],
    ['timeoutMs', '5000'],
    ['maxResponseBytes', Number.POSITIVE_INFINITY],
    ['maxResponseBytes', -1],
    ['retry', { maxRetries: Number.NaN }],
    ['retry', { attemptTimeoutMs: 0 }],
    ['retry', { maxRetryAfterMs: 3e9 }],
    ['circuitBreaker', { threshold: 0 }],
    ['circuitBreaker', { halfOpenAfterMs: Number.NaN }],
  ])('%s: %s → invalid_configuration', (field, value) => {
    expect(() => createPayrollIdentity(tenant({ [field]: value }))).toThrow(
      expect.objectContaining({ code: 'invalid_configuration' }),
    );
  });

  it('a client built directly refuses a timeout or a response cap that is not a sane number', () => {
    for (const extra of [{ timeoutMs: Number.NaN }, { timeoutMs: 3e9 }, { maxResponseBytes: 0 }]) {
      expect(() => makeClient(server.origin, extra)).toThrow(
        expect.objectContaining({ code: 'invalid_configuration' }),
      );
    }
  });
});

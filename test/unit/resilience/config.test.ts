/**
 * Retry and circuit-breaker settings per tenant, and the logger and hooks given to
 * `createPayrollIdentity`, reach each tenant's client.
 */
import 'reflect-metadata';
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { validateTenants } from '../../../src/config/schema.js';
import { createPayrollIdentityWith } from '../../../src/container/identity.js';
import { TOKENS } from '../../../src/container/tokens.js';
import { InvalidConfigurationError } from '../../../src/errors.js';
import { rejection } from '../../contract/assertions.js';
import { fakeProvider } from '../../support/fake-provider.js';
import { type HookRecord, RecordingLogger, recordingHooks } from './support.js';

const base = {
  provider: 'fake',
  environment: 'sandbox' as const,
  credentials: { key: 'fake-secret-key' },
};

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

describe('resilience configuration', () => {
  it('defaults: 2 retries with backoff, Retry-After capped at 30 s, breaker on (10 failures, 30 s)', () => {
    const tenant = validateTenants({ tenants: { a: base } }, [fakeProvider]).get('a')!;
    expect(tenant.retry).toEqual({
      maxRetries: 2,
      baseDelayMs: 200,
      maxDelayMs: 5_000,
      maxRetryAfterMs: 30_000,
    });
    expect(tenant.circuitBreaker).toEqual({ enabled: true, threshold: 10, halfOpenAfterMs: 30_000 });
  });

  it('partial settings keep the other defaults; bad ones are reported by field', () => {
    const tenant = validateTenants(
      { tenants: { a: { ...base, retry: { maxRetries: 0 }, circuitBreaker: { enabled: false } } } },
      [fakeProvider],
    ).get('a')!;
    expect(tenant.retry).toMatchObject({ maxRetries: 0, baseDelayMs: 200 });
    expect(tenant.circuitBreaker).toMatchObject({ enabled: false, threshold: 10 });
    let error: unknown;
    try {
      validateTenants(
        {
          tenants: {
            a: { ...base, retry: { maxRetries: -1, jitter: true }, circuitBreaker: { threshold: 0 } },
          },
        },
        [fakeProvider],
      );
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidConfigurationError);
    const fields = (error as InvalidConfigurationError).problems.map((p) => p.field);
    expect(fields).toEqual(
      expect.arrayContaining(['retry.maxRetries', 'retry.jitter', 'circuitBreaker.threshold']),
    );
  });

  it('the tenant’s retry policy, the logger and the hooks reach its client', async () => {
    const events: HookRecord[] = [];
    const logger = new RecordingLogger();
    const origin = 'https://fake.resilience.test';
    const identity = createPayrollIdentityWith(
      {
        tenants: {
          t: { ...base, baseUrl: origin, retry: { maxRetries: 1, baseDelayMs: 1, maxDelayMs: 2 } },
        },
        logger,
        hooks: recordingHooks(events),
      },
      [fakeProvider],
    );
    try {
      const scope = nock(origin).get('/users/u-1').times(5).reply(503);
      const error = await rejection(() => identity.forTenant('t').getUser('u-1'));
      expect(error.code).toBe('provider_unavailable');
      expect(scope.pendingMocks()).toHaveLength(1);
      expect(events.filter((e) => e.hook === 'onRequestStart').map((e) => e.event)).toEqual([
        {
          tenant: 't',
          provider: 'fake',
          operation: 'getUser',
          method: 'GET',
          path: '/users/{id}',
          attempt: 1,
        },
        {
          tenant: 't',
          provider: 'fake',
          operation: 'getUser',
          method: 'GET',
          path: '/users/{id}',
          attempt: 2,
        },
      ]);
      expect(logger.records.length).toBeGreaterThan(0);
      expect(identity.container.resolve(TOKENS.Logger)).toBe(logger);
    } finally {
      await identity.close();
    }
  });
});

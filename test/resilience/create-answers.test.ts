/**
 * A create the provider carried out must never be reported as a plain failure (which invites a
 * second create), whatever its answer looks like (review findings, `.scratch/create-2xx.ts`):
 * - Argyle v2's 200 without a `user_token` (or with `null`) is a created user, without a link token;
 * - Teal's 200 with a valid `CreatedUser` is a created user like its documented 201;
 * - a create cancelled after it was sent stays `aborted`, flagged `mayHaveTakenEffect` with the hint.
 * Answered in-process (a transport), each request counted.
 */
import type { AxiosResponse, InternalAxiosRequestConfig } from 'axios';
import { describe, expect, it } from 'vitest';
import type { AbortedError, OutcomeUnknownError } from '../../src/errors.js';
import type { Transport } from '../../src/http/transport.js';
import { createPayrollIdentity } from '../../src/index.js';
import type { UserService } from '../../src/user-service.js';
import { everyRendering, rejection } from '../contract/assertions.js';
import { personalValues, ukApplicant, usApplicant } from './support.js';

const ARGYLE_ID = '018051aa-f7a9-a0db-2f38-6cfa325e9d69';
const TEAL_ID = '5f0c7a2e-8f3b-4c1d-9a6e-2b7d4e1f0a11';

interface Scripted {
  service: UserService;
  requests: { method: string; url: string }[];
}

/** A tenant whose every request is answered by `answer` (or held until cancelled when it returns `'hold'`). */
function tenant(
  provider: 'argyle' | 'teal',
  answer: (config: InternalAxiosRequestConfig) => { status: number; body: unknown } | 'hold',
): Scripted {
  const requests: Scripted['requests'] = [];
  const transport: Transport = (config) => {
    requests.push({ method: String(config.method).toUpperCase(), url: String(config.url) });
    const reply = answer(config);
    if (reply === 'hold') {
      return new Promise<AxiosResponse>((_resolve, reject) => {
        config.signal?.addEventListener?.('abort', () =>
          reject(Object.assign(new Error('canceled'), { name: 'CanceledError', code: 'ERR_CANCELED' })),
        );
      });
    }
    return Promise.resolve({
      status: reply.status,
      statusText: '',
      headers: { 'content-type': 'application/json' },
      config,
      data: JSON.stringify(reply.body),
    });
  };
  const identity = createPayrollIdentity({
    transport,
    tenants: {
      t:
        provider === 'teal'
          ? {
              provider: 'teal',
              environment: 'sandbox',
              credentials: { apiKey: 'teal-answers-key-0001' },
              defaults: { payrollPeriodMonths: 12 },
              retry: { maxRetries: 0 },
            }
          : {
              provider: 'argyle',
              environment: 'sandbox',
              credentials: { apiKeyId: 'argyle-answers-id', apiKeySecret: 'argyle-answers-secret-01' },
              retry: { maxRetries: 0 },
            },
    },
  });
  return { service: identity.forTenant('t'), requests };
}

const tealCreated = { user_id: TEAL_ID, created_at: '2024-01-01T00:00:00.000Z', ext_id: 'applicant-8841' };

describe('Argyle v2: a 200 to a create is a created user, with or without a user token', () => {
  for (const [what, body] of [
    ['without user_token', { id: ARGYLE_ID }],
    ['with user_token null', { id: ARGYLE_ID, user_token: null }],
    ['with an empty user_token', { id: ARGYLE_ID, user_token: '' }],
  ] as const) {
    it(`${what}: the user, no link token, one request`, async () => {
      const { service, requests } = tenant('argyle', () => ({ status: 200, body }));
      const created = await service.createUser(usApplicant(1, 'applicant-8841'));
      expect(created.user.id).toBe(ARGYLE_ID);
      expect(created.user.externalId).toBe('applicant-8841');
      expect(created.linkToken).toBeUndefined();
      expect(requests).toHaveLength(1);
    });
  }

  it('a 200 without an id cannot be read: reconciled by externalId, never a second create', async () => {
    const { service, requests } = tenant('argyle', (config) =>
      config.method === 'post'
        ? { status: 200, body: { user_token: null } }
        : { status: 200, body: { next: null, previous: null, results: [] } },
    );
    const error = (await rejection(() =>
      service.createUser(usApplicant(2, 'applicant-8841')),
    )) as OutcomeUnknownError;
    expect(error.code).toBe('outcome_unknown');
    expect(error.reconciliation.externalId).toBe('applicant-8841');
    expect(requests.filter((r) => r.method === 'POST')).toHaveLength(1);
    expect(requests.filter((r) => r.method === 'GET')).toHaveLength(1);
  });
});

describe('Teal: a create answered 200 instead of 201', () => {
  it('with a valid CreatedUser: the user, one request', async () => {
    const { service, requests } = tenant('teal', () => ({ status: 200, body: tealCreated }));
    const { user } = await service.createUser(ukApplicant(1, 'applicant-8841'));
    expect(user.id).toBe(TEAL_ID);
    expect(requests).toHaveLength(1);
  });

  it('with a body that cannot be read: outcome_unknown with the hint (Teal has no lookup)', async () => {
    const { service, requests } = tenant('teal', () => ({ status: 200, body: { created: true } }));
    const input = ukApplicant(2, 'applicant-8841');
    const error = (await rejection(() => service.createUser(input))) as OutcomeUnknownError;
    expect(error.code).toBe('outcome_unknown');
    expect(error.reconciliation).toEqual({
      tenant: 't',
      provider: 'teal',
      operation: 'createUser',
      externalId: 'applicant-8841',
    });
    expect(requests).toHaveLength(1);
    const rendered = everyRendering(error);
    for (const value of personalValues(input)) expect(rendered).not.toContain(value);
  });
});

describe('a create cancelled after it was sent', () => {
  for (const provider of ['argyle', 'teal'] as const) {
    it(`${provider}: aborted, mayHaveTakenEffect, the hint, no personal data`, async () => {
      const { service, requests } = tenant(provider, () => 'hold');
      const input = provider === 'teal' ? ukApplicant(3, 'applicant-8841') : usApplicant(3, 'applicant-8841');
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 30);
      const error = (await rejection(() =>
        service.createUser(input, { signal: controller.signal }),
      )) as AbortedError;
      expect(error.code).toBe('aborted');
      expect(error.mayHaveTakenEffect).toBe(true);
      expect(error.toJSON()).toMatchObject({
        mayHaveTakenEffect: true,
        reconciliation: { tenant: 't', provider, operation: 'createUser', externalId: 'applicant-8841' },
      });
      expect(error.message).toMatch(/the user may exist/);
      expect(requests).toHaveLength(1);
      const rendered = everyRendering(error);
      for (const value of personalValues(input)) expect(rendered).not.toContain(value);
    });

    it(`${provider}: a signal aborted before the call sends nothing and says so`, async () => {
      const { service, requests } = tenant(provider, () => 'hold');
      const input = provider === 'teal' ? ukApplicant(4, 'applicant-8841') : usApplicant(4, 'applicant-8841');
      const error = (await rejection(() =>
        service.createUser(input, { signal: AbortSignal.abort() }),
      )) as AbortedError;
      expect(error.code).toBe('aborted');
      expect(error.mayHaveTakenEffect).toBe(false);
      expect(error.toJSON()).not.toHaveProperty('reconciliation');
      expect(requests).toHaveLength(0);
    });
  }
});

/**
 * A host application's own vitest suite, run against the embedded sandbox: real HTTP on loopback,
 * no provider account, no internet. Copy this file's setup into your project.
 */
import { createPayrollIdentity, type PayrollIdentity } from 'payroll-identity';
import { type Sandbox, startSandbox } from 'payroll-identity/sandbox';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Applicant, Onboarding } from './onboarding.js';

let sandbox: Sandbox;
let identity: PayrollIdentity;
let onboarding: Onboarding;

beforeAll(async () => {
  sandbox = await startSandbox();
  identity = createPayrollIdentity({
    tenants: {
      us: {
        provider: 'argyle',
        environment: 'sandbox',
        baseUrl: sandbox.argyle.baseUrl,
        credentials: sandbox.argyle.credentials,
      },
      uk: {
        provider: 'teal',
        environment: 'sandbox',
        baseUrl: sandbox.teal.baseUrl,
        credentials: sandbox.teal.credentials,
      },
    },
  });
  onboarding = new Onboarding(identity);
});

afterEach(() => {
  // Each test starts from empty emulators (users, tokens, queued faults and request log).
  sandbox.argyle.reset();
  sandbox.teal.reset();
});

afterAll(async () => {
  await identity?.close();
  await sandbox?.close();
});

const jane: Applicant = {
  applicantId: 'applicant-1001',
  firstName: 'Jane',
  lastName: 'Doe',
  birthDate: '1988-02-29',
  email: 'jane.doe@example.com',
  postalCode: '94105',
  country: 'US',
};

const john: Applicant = {
  applicantId: 'applicant-2002',
  firstName: 'John',
  lastName: 'Smith',
  birthDate: '1990-05-17',
  email: 'john.smith@example.com',
  postalCode: 'SW1A 2AA',
  country: 'GB',
};

describe('onboarding (host app) against the sandbox', () => {
  it.each([
    ['us', jane, 'argyle'],
    ['uk', john, 'teal'],
  ] as const)('registers an applicant of tenant %s at %s', async (tenant, applicant, provider) => {
    const result = await onboarding.onboard(tenant, applicant);
    expect(result.status).toBe('registered');
    if (result.status !== 'registered') return;
    expect(result.linkToken).toEqual(expect.any(String));
    expect(sandbox.emulator(provider).userCount()).toBe(1);

    const stored = await identity.forTenant(tenant).getUser(result.userId);
    expect(stored).toMatchObject({
      provider,
      firstName: applicant.firstName,
      externalId: applicant.applicantId,
    });
  });

  it.each([
    ['us', jane, 'argyle'],
    ['uk', john, 'teal'],
  ] as const)('onboarding %s twice registers the person once', async (tenant, applicant, provider) => {
    const first = await onboarding.onboard(tenant, applicant);
    const second = await onboarding.onboard(tenant, applicant);
    expect(second.status).toBe('already_registered');
    expect(second).toMatchObject({ userId: (first as { userId: string }).userId });
    expect(sandbox.emulator(provider).userCount()).toBe(1);
  });

  it('asks to try later when the provider rate-limits the create, having created nothing', async () => {
    sandbox.teal.faults.next({ kind: 'rate-limit', retryAfterSeconds: 2, method: 'POST', path: '/users' });
    const result = await onboarding.onboard('uk', john);
    expect(result).toEqual({ status: 'try_later', retryAfterMs: 2000 });
    expect(sandbox.teal.userCount()).toBe(0);

    // The fault was used up: the retry goes through.
    expect((await onboarding.onboard('uk', john)).status).toBe('registered');
  });

  it('every request the host made is in the emulator’s log (no bodies, no headers)', async () => {
    await onboarding.onboard('us', jane);
    const calls = sandbox.argyle.requests().map((r) => `${r.method} ${r.url.split('?')[0]} ${r.status}`);
    expect(calls).toEqual(['GET /v2/users 200', 'POST /v2/users 200']);
  });
});

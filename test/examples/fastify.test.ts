/**
 * The Fastify example (examples/fastify-tenant-service) against the embedded sandbox: the tenant is
 * picked per request, each tenant's users land at its own provider, and library errors become HTTP
 * answers that never echo personal data.
 */
import type { FastifyInstance } from 'fastify';
import { createPayrollIdentity, type PayrollIdentity } from 'payroll-identity';
import { type Sandbox, startSandbox } from 'payroll-identity/sandbox';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../examples/fastify-tenant-service/app.js';

let sandbox: Sandbox;
let identity: PayrollIdentity;
let app: FastifyInstance;

const US = { 'x-tenant-id': 'acme-us' };
const UK = { 'x-tenant-id': 'brit-lend' };

const usApplicant = {
  firstName: 'Jane',
  lastName: 'Doe',
  email: 'jane.doe@example.com',
  phone: '+14155550123',
  nationalId: { type: 'ssn', value: '123-45-6789' },
  externalId: 'applicant-us-1',
};

const ukApplicant = {
  firstName: 'John',
  lastName: 'Smith',
  birthDate: '1990-05-17',
  email: 'john.smith@example.com',
  address: { postalCode: 'SW1A 2AA', country: 'GB' },
  nationalId: { type: 'ni_number', value: 'QQ123456C' },
  externalId: 'applicant-uk-1',
};

beforeAll(async () => {
  // Teal's duplicate rule is an emulator option (Teal documents the 409, not the rule): the conflict
  // test below needs it.
  sandbox = await startSandbox({
    emulators: { teal: { options: { duplicateRule: 'name-and-birth-date' } } },
  });
  identity = createPayrollIdentity({
    tenants: {
      'acme-us': {
        provider: 'argyle',
        environment: 'sandbox',
        baseUrl: sandbox.argyle.baseUrl,
        credentials: sandbox.argyle.credentials,
      },
      'brit-lend': {
        provider: 'teal',
        environment: 'sandbox',
        baseUrl: sandbox.teal.baseUrl,
        credentials: sandbox.teal.credentials,
        defaults: { payrollPeriodMonths: 12 },
        // A quick answer for the rate-limit test rather than a wait for the Retry-After.
        retry: { maxRetries: 0 },
      },
    },
  });
  app = buildApp(identity);
  await app.ready();
});

afterEach(() => {
  sandbox.argyle.reset();
  sandbox.teal.reset();
});

afterAll(async () => {
  await app?.close();
  await identity?.close();
  await sandbox?.close();
});

describe('examples/fastify-tenant-service', () => {
  it('creates each tenant’s applicant at that tenant’s provider', async () => {
    const us = await app.inject({ method: 'POST', url: '/applicants', headers: US, payload: usApplicant });
    expect(us.statusCode).toBe(201);
    expect(us.json().user).toMatchObject({ provider: 'argyle', externalId: 'applicant-us-1' });
    expect(us.json().linkToken.token).toEqual(expect.any(String));
    expect(sandbox.argyle.userCount()).toBe(1);
    expect(sandbox.teal.userCount()).toBe(0);

    const uk = await app.inject({ method: 'POST', url: '/applicants', headers: UK, payload: ukApplicant });
    expect(uk.statusCode).toBe(201);
    expect(uk.json().user).toMatchObject({ provider: 'teal', externalId: 'applicant-uk-1' });
    // Teal has no email or country: the library names what it dropped.
    expect(uk.json().ignoredFields).toEqual(expect.arrayContaining(['email', 'address.country']));
    expect(sandbox.teal.userCount()).toBe(1);
    expect(sandbox.argyle.userCount()).toBe(1);
  });

  it('reads, updates, lists, tokens and deletes through the tenant of each request', async () => {
    const created = await app.inject({
      method: 'POST',
      url: '/applicants',
      headers: UK,
      payload: ukApplicant,
    });
    const id = created.json().user.id as string;

    const read = await app.inject({ method: 'GET', url: `/applicants/${id}`, headers: UK });
    expect(read.statusCode).toBe(200);
    expect(read.json()).toMatchObject({ id, firstName: 'John', birthDate: '1990-05-17' });

    // The same id means nothing at the other tenant's provider.
    const elsewhere = await app.inject({ method: 'GET', url: `/applicants/${id}`, headers: US });
    expect(elsewhere.statusCode).toBe(404);
    expect(elsewhere.json().code).toBe('not_found');

    const updated = await app.inject({
      method: 'PATCH',
      url: `/applicants/${id}`,
      headers: UK,
      payload: { firstName: 'Johnny' },
    });
    expect(updated.statusCode).toBe(200);
    expect(updated.json().user.firstName).toBe('Johnny');

    const listed = await app.inject({
      method: 'GET',
      url: '/applicants?externalId=applicant-uk-1',
      headers: UK,
    });
    expect(listed.json().users.map((u: { id: string }) => u.id)).toEqual([id]);

    const token = await app.inject({ method: 'POST', url: `/applicants/${id}/link-token`, headers: UK });
    expect(token.statusCode).toBe(201);
    expect(token.json().token).toEqual(expect.any(String));

    const deleted = await app.inject({ method: 'DELETE', url: `/applicants/${id}`, headers: UK });
    expect(deleted.statusCode).toBe(204);
    expect(sandbox.teal.userCount()).toBe(0);
    const gone = await app.inject({ method: 'GET', url: `/applicants/${id}`, headers: UK });
    expect(gone.statusCode).toBe(404);
  });

  it('answers 400 with neutral field names, before any provider request, and echoes no personal data', async () => {
    const before = sandbox.argyle.requests().length;
    const response = await app.inject({
      method: 'POST',
      url: '/applicants',
      headers: US,
      payload: { ...usApplicant, email: 'not-an-email', nationalId: { type: 'ssn', value: '000-12-3456' } },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().code).toBe('invalid_input');
    expect(Object.keys(response.json().fieldErrors).sort()).toEqual(['email', 'nationalId.value']);
    expect(response.body).not.toContain('000-12-3456');
    expect(response.body).not.toContain('not-an-email');
    expect(sandbox.argyle.requests().length).toBe(before);
  });

  it('reports a missing or unknown tenant', async () => {
    const missing = await app.inject({ method: 'GET', url: '/applicants/abc' });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().code).toBe('missing_tenant');

    const unknown = await app.inject({
      method: 'GET',
      url: '/applicants/abc',
      headers: { 'x-tenant-id': 'nope' },
    });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().code).toBe('unknown_tenant');
  });

  it('turns Teal’s 409 into a 409 whose body does not repeat the applicant', async () => {
    await app.inject({ method: 'POST', url: '/applicants', headers: UK, payload: ukApplicant });
    const again = await app.inject({ method: 'POST', url: '/applicants', headers: UK, payload: ukApplicant });
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('conflict');
    for (const personal of ['John', 'Smith', '1990-05-17', 'QQ123456C'])
      expect(again.body).not.toContain(personal);
    expect(sandbox.teal.userCount()).toBe(1);
  });

  it('passes a provider’s 429 on with its Retry-After', async () => {
    sandbox.teal.faults.next({ kind: 'rate-limit', retryAfterSeconds: 7, method: 'POST', path: '/users' });
    const response = await app.inject({
      method: 'POST',
      url: '/applicants',
      headers: UK,
      payload: ukApplicant,
    });
    expect(response.statusCode).toBe(429);
    expect(response.json().code).toBe('rate_limited');
    expect(response.headers['retry-after']).toBe('7');
    expect(sandbox.teal.userCount()).toBe(0);
  });
});

/**
 * docs/adding-a-provider.md, proven: the made-up Acme Pay provider (examples/custom-provider), one
 * folder added by a host with `providers: [...]`, passes the library's shared contract suite (live
 * section) against its own emulator started by `startSandbox({ extraEmulators })`.
 */
import { createPayrollIdentity, InvalidInputError, type PayrollIdentity } from 'payroll-identity';
import { type RunningEmulator, type Sandbox, startSandbox } from 'payroll-identity/sandbox';
import { describeUserServiceContract } from 'payroll-identity/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acmePayProvider } from '../../examples/custom-provider/acmepay/index.js';
import { acmePayEmulator } from '../../examples/custom-provider/acmepay/sandbox/index.js';

let sandbox: Sandbox;
let identity: PayrollIdentity;

/** The Acme Pay emulator, typed with its credentials (extra emulators come back untyped). */
const acmePay = () => sandbox.emulator('acmepay') as RunningEmulator<{ apiKey: string }, never>;

beforeAll(async () => {
  sandbox = await startSandbox({ extraEmulators: [acmePayEmulator] });
  const acme = acmePay();
  identity = createPayrollIdentity({
    providers: [acmePayProvider],
    tenants: {
      'acme-eu': {
        provider: 'acmepay',
        environment: 'sandbox',
        baseUrl: acme.baseUrl,
        credentials: acme.credentials,
      },
      'acme-eu-strict': {
        provider: 'acmepay',
        environment: 'sandbox',
        baseUrl: acme.baseUrl,
        credentials: acme.credentials,
        unsupportedFields: 'reject',
      },
      'acme-eu-wrong-key': {
        provider: 'acmepay',
        environment: 'sandbox',
        baseUrl: acme.baseUrl,
        credentials: { apiKey: 'acme-not-the-key' },
      },
    },
  });
});

afterAll(async () => {
  await identity?.close();
  await sandbox?.close();
});

const createInput = {
  firstName: 'Jane',
  lastName: 'Doe',
  email: 'jane.doe@example.com',
  externalId: 'applicant-acme-1',
};

describeUserServiceContract('acmepay (examples/custom-provider)', {
  live: {
    service: () => identity.forTenant('acme-eu'),
    badCredentialsService: () => identity.forTenant('acme-eu-wrong-key'),
    createInput,
    updateInput: { email: 'jane.new@example.com' },
    // Read when the tests run, once the sandbox has made this run's key.
    get secrets() {
      return [acmePay().credentials.apiKey, 'acme-not-the-key', 'jane.doe@example.com'];
    },
    expectStored: (user, input) => {
      if (input.email !== undefined) expect(user.email).toBe(input.email);
      if (input.firstName !== undefined) expect(user.firstName).toBe(input.firstName);
    },
    // What "before any request" is checked against: the requests the emulator received.
    requestCount: () => acmePay().requests().length,
  },
});

describe('the Acme Pay adapter follows the library’s field rules', () => {
  it('is configured like a built-in: unknown credentials keys are invalid_configuration', () => {
    expect(() =>
      createPayrollIdentity({
        providers: [acmePayProvider],
        tenants: { x: { provider: 'acmepay', environment: 'sandbox', credentials: { key: 'k' } } },
      }),
    ).toThrow(/credentials/);
  });

  it('drops what Acme Pay cannot store and names it', async () => {
    const { user, ignoredFields } = await identity.forTenant('acme-eu').createUser({
      ...createInput,
      phone: '+14155550123',
      address: { postalCode: '94105' },
    });
    expect(ignoredFields.sort()).toEqual(['address.postalCode', 'phone']);
    expect(user).toMatchObject({ provider: 'acmepay', firstName: 'Jane', externalId: 'applicant-acme-1' });
  });

  it('refuses, before any request, what it cannot store under `reject` and what it requires', async () => {
    const before = acmePay().requests().length;
    const users = identity.forTenant('acme-eu-strict');
    await expect(users.createUser({ ...createInput, phone: '+14155550123' })).rejects.toMatchObject({
      code: 'invalid_input',
      fieldErrors: { phone: [expect.any(String)] },
    });
    const missing = await users.createUser({ email: 'jane.doe@example.com' }).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(InvalidInputError);
    expect(Object.keys((missing as InvalidInputError).fieldErrors).sort()).toEqual(['firstName', 'lastName']);
    expect(acmePay().requests().length).toBe(before);
  });

  it('finds users by externalId through the provider’s own filter', async () => {
    const users = identity.forTenant('acme-eu');
    const { user } = await users.createUser({ ...createInput, externalId: 'applicant-acme-42' });
    const found = [];
    for await (const u of users.listUsers({ externalId: 'applicant-acme-42', pageSize: 1 })) found.push(u.id);
    expect(found).toEqual([user.id]);
  });
});

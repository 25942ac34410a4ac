/**
 * The core's side of a provider declaration: capabilities derived from it (never restated), the
 * field rules it drives, unsupported operations from what is left out, and the configuration type
 * inferred from the tenant shape.
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { argyleProvider } from '../../../providers/argyle/index.js';
import { tealProvider } from '../../../providers/teal/index.js';
import { createPayrollIdentityWith } from '../../../src/container/identity.js';
import {
  capabilitiesOf,
  checkRequired,
  defineProvider,
  type InvalidInputError,
  type Secret,
  secretField,
  selectStored,
  type TenantConfigOf,
  type UsersDeclaration,
} from '../../../src/provider/index.js';
import { rejection } from '../../../src/testing/assertions.js';
import { fakeProvider } from '../../support/fake-provider.js';

const context = { provider: 'acme', tenant: 't', operation: 'createUser' as const };

describe('capabilities come from the declaration', () => {
  it('operations, fields, required paths, filters and page size', () => {
    const teal = capabilitiesOf(tealProvider.users({ defaults: undefined } as never));
    expect(teal.operations).toEqual({
      createUser: true,
      getUser: true,
      updateUser: true,
      deleteUser: true,
      listUsers: true,
      createLinkToken: true,
    });
    expect(teal.createFields).toEqual([
      'firstName',
      'lastName',
      'birthDate',
      'address',
      'previousPostalCodes',
      'nationalId',
      'externalId',
    ]);
    expect(teal.requiredOnCreate).toEqual([
      'firstName',
      'lastName',
      'birthDate',
      'address.postalCode',
      'providerOptions.teal.payrollPeriodMonths',
    ]);
    expect(teal.listFilters).toEqual(['externalId']);
    expect(teal.maxPageSize).toBe(100);
    expect(teal.clearOnUpdate).toBe(true);
    const withDefault = capabilitiesOf(tealProvider.users({ defaults: { payrollPeriodMonths: 6 } } as never));
    expect(withDefault.requiredOnCreate).not.toContain('providerOptions.teal.payrollPeriodMonths');

    const v1 = capabilitiesOf(argyleProvider.users({ apiVersion: 'v1' } as never));
    expect(v1.createFields).toEqual(['metadata']);
    expect(v1.listFilters).toEqual([]);
    expect(v1.linkTokenOnCreate).toBe(true);
    const fake = capabilitiesOf(fakeProvider.users({} as never));
    expect(fake.operations.updateUser).toBe(false);
    expect(fake.updateFields).toEqual([]);
    expect(fake.maxPageSize).toBe(0);
  });
});

describe('field rules', () => {
  const stored: UsersDeclaration['stored'] = {
    firstName: true,
    address: ['postalCode'],
    nationalId: (id) => id.type === 'ni_number',
  };

  it('whole, by sub-field and by value; an address the provider cannot store is named by its parts', () => {
    expect(
      selectStored(
        {
          firstName: 'Jane',
          email: 'jane@example.com',
          address: { line1: '1 Example Road', postalCode: 'SW1A 2AA' },
          nationalId: { type: 'ssn', value: '123-45-6789' },
          providerOptions: { acme: {} },
        },
        stored,
      ),
    ).toEqual({
      fields: { firstName: 'Jane', address: { postalCode: 'SW1A 2AA' } },
      ignored: ['email', 'address.line1', 'nationalId'],
    });
    expect(selectStored({ address: { city: 'London', country: 'GB' }, metadata: { a: 1 } }, {})).toEqual({
      fields: {},
      ignored: ['address.city', 'address.country', 'metadata'],
    });
    // Keys named after Object.prototype's members are no declared field: reported, not thrown on.
    expect(selectStored({ hasOwnProperty: 'x', constructor: 'y' }, stored)).toEqual({
      fields: {},
      ignored: ['hasOwnProperty', 'constructor'],
    });
    // A clear of a stored field is kept (the provider decides); of an unstored one, reported.
    expect(selectStored({ nationalId: null, email: null }, stored)).toEqual({
      fields: { nationalId: null },
      ignored: ['email'],
    });
  });

  it('required: any path of a list will do; the merged provider options count', async () => {
    const required = [
      'firstName',
      ['address.postalCode', 'previousPostalCodes'],
      'providerOptions.acme.plan',
    ];
    expect(() =>
      checkRequired(required, { firstName: 'J', previousPostalCodes: ['SW1A 1AA'] }, { plan: 'x' }, context),
    ).not.toThrow();
    const error = await rejection(async () =>
      checkRequired(required, { firstName: 'J', previousPostalCodes: [] }, {}, context),
    );
    expect(error.code).toBe('invalid_input');
    expect(Object.keys((error as InvalidInputError).fieldErrors)).toEqual([
      'address.postalCode',
      'providerOptions.acme.plan',
    ]);
    // Only the parsed options count: the caller's raw namespace, and another provider's, do not.
    const raw = {
      firstName: 'J',
      previousPostalCodes: ['SW1A 1AA'],
      providerOptions: { acme: { plan: 'x' } },
    };
    await expect(rejection(async () => checkRequired(required, raw, {}, context))).resolves.toMatchObject({
      code: 'invalid_input',
    });
    const other = [['providerOptions.other.plan', 'firstName'], 'providerOptions'];
    expect(() => checkRequired(other, { firstName: 'J' }, {}, context)).not.toThrow();
    const otherOnly = await rejection(async () =>
      checkRequired(
        [['providerOptions.other.plan']],
        { providerOptions: { other: { plan: 'x' } } },
        {},
        context,
      ),
    );
    expect(Object.keys((otherOnly as InvalidInputError).fieldErrors)).toEqual(['providerOptions.other.plan']);
    // Only own enumerable fields count: inherited ones, hidden ones and Object.prototype's members do not.
    const inherited = Object.create({ firstName: 'J', previousPostalCodes: ['SW1A 1AA'] });
    const hidden = Object.defineProperty({}, 'firstName', { value: 'J', enumerable: false });
    for (const input of [inherited, hidden]) {
      const refused = await rejection(async () => checkRequired(['firstName'], input, {}, context));
      expect(Object.keys((refused as InvalidInputError).fieldErrors)).toEqual(['firstName']);
    }
    const named = await rejection(async () =>
      checkRequired(
        [['constructor'], 'address.toString', 'providerOptions.acme.hasOwnProperty'],
        { address: {} },
        { plan: 'x' },
        context,
      ),
    );
    expect(Object.keys((named as InvalidInputError).fieldErrors)).toEqual([
      'constructor',
      'address.toString',
      'providerOptions.acme.hasOwnProperty',
    ]);
  });
});

describe('a declared provider', () => {
  const acme = defineProvider({
    name: 'acme',
    tenantShape: {
      credentials: z.strictObject({ apiKey: secretField('apiKey') }),
      region: z.enum(['eu', 'us']),
    },
    baseUrls: { sandbox: 'https://sandbox.acme.example', production: 'https://api.acme.example' },
    describeError: () => ({ messages: [] }),
    auth: (config) => ({
      headers: () => ({ 'X-Acme-Key': config.credentials.apiKey.reveal() }),
      secrets: () => [config.credentials.apiKey.reveal()],
    }),
    users: () => ({
      stored: {},
      clearable: false,
      user: {
        schema: z.object({ id: z.string() }),
        id: (u: { id: string }) => u.id,
        toUser: (u: { id: string }) => ({ id: u.id, provider: 'acme' }),
      },
      unsupported: { createUser: 'acme users are made in its dashboard' },
    }),
  });

  it('has its configuration type inferred from its tenant shape', () => {
    type Config = Parameters<typeof acme.auth>[0];
    expectTypeOf<Config['credentials']['apiKey']>().toEqualTypeOf<Secret>();
    expectTypeOf<Config['region']>().toEqualTypeOf<'eu' | 'us'>();
    expectTypeOf<Config>().toMatchTypeOf<TenantConfigOf<{ region: z.ZodEnum<{ eu: 'eu'; us: 'us' }> }>>();
  });

  it('an operation left out is unsupported_operation with the declared reason, before anything is sent', async () => {
    const identity = createPayrollIdentityWith(
      {
        tenants: {
          eu: {
            provider: 'acme',
            environment: 'sandbox',
            region: 'eu',
            credentials: { apiKey: 'acme-key-123456' },
          },
        },
      },
      [acme],
    );
    const users = identity.forTenant('eu');
    expect(users.capabilities.operations.createUser).toBe(false);
    const error = await rejection(() => users.createUser({ firstName: 'Jane' }));
    expect(error.code).toBe('unsupported_operation');
    expect(error.message).toBe('acme createUser is not supported: acme users are made in its dashboard');
    const listing = await rejection(async () => {
      for await (const _ of users.listUsers()) break;
    });
    expect(listing.code).toBe('unsupported_operation');
    await identity.close();
  });
});

/**
 * Input is plain data, and whatever else a caller passes ends as `invalid_input` with nothing sent,
 * never as a silently dropped key or an untyped throw:
 * - `nationalId` refuses unknown keys, like every other object of the input;
 * - symbol keys, getters, hidden properties and proxies in `metadata` / `providerOptions`, and symbol
 *   keys in the input or its objects, are refused (Argyle v2 threw a raw `ZodError`, v1 dropped them);
 * - a getter or a proxy trap that throws, in the input or in the call options, is `invalid_input`
 *   (the host's own error used to come out of the call untyped).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isPayrollIdentityError } from '../../../src/errors.js';
import type { UserService } from '../../../src/user-service.js';
import { fakeProvider, rejection } from './support.js';

let fake: Awaited<ReturnType<typeof fakeProvider>>;
beforeAll(async () => {
  fake = await fakeProvider();
  fake.answer = { status: 500, body: {} };
});
afterAll(() => fake.close());

const TENANTS = ['argyle-v2', 'argyle-v1', 'teal'] as const;
/** The fields each tenant needs before it would send anything. */
const BASE = {
  firstName: 'Sarah',
  lastName: 'Longfield',
  birthDate: '1987-03-09',
  address: { postalCode: 'SW1A 2AA' },
};

/** Runs `call`; expects `invalid_input` naming `field` (when given) and no request sent. */
async function refusedUnsent(call: (users: UserService) => Promise<unknown>, tenant: string, field?: string) {
  const before = fake.received.length;
  const error = await rejection(() => call(fake.identity.forTenant(tenant)));
  expect(isPayrollIdentityError(error, 'invalid_input'), String(error)).toBe(true);
  if (field !== undefined && isPayrollIdentityError(error, 'invalid_input')) {
    expect(
      Object.keys(error.fieldErrors).some((path) => path.startsWith(field)),
      JSON.stringify(error),
    ).toBe(true);
  }
  expect(fake.received.length - before).toBe(0);
}

describe('nationalId is strict', () => {
  it.each([
    [
      'an issuingCountry',
      { type: 'ssn', value: '123-45-6789', issuingCountry: 'US' },
      'nationalId.issuingCountry',
    ],
    ['a 1 MiB key', { type: 'ssn', value: '123-45-6789', ['x'.repeat(1 << 20)]: 1 }, 'nationalId.'],
    [
      'a verified flag on an NI number',
      { type: 'ni_number', value: 'QQ123456C', verified: true },
      'nationalId.verified',
    ],
  ])('refuses %s', async (_label, nationalId, field) => {
    for (const tenant of TENANTS) {
      await refusedUnsent((u) => u.createUser({ ...BASE, nationalId } as never), tenant, field);
    }
  });
});

describe('metadata and providerOptions are plain JSON', () => {
  const getter = Object.defineProperty({}, 'stage', { get: () => 'two', enumerable: true });
  const hidden = Object.defineProperty({ a: 1 }, 'b', { value: 2, enumerable: false });
  const holey: number[] = new Array(3);
  holey[0] = 1;
  holey[2] = 3;
  it.each([
    ['a symbol key', { [Symbol('s')]: 1, ok: 1 }],
    ['a nested symbol key', { a: { [Symbol('deep')]: 1 } }],
    ['a getter', getter],
    ['a non-enumerable property', hidden],
    ['a proxy', new Proxy({ a: 1 }, {})],
    ['an array with a hole', { list: holey }],
  ])('metadata with %s is refused on every variant', async (_label, metadata) => {
    for (const tenant of TENANTS)
      await refusedUnsent((u) => u.createUser({ ...BASE, metadata } as never), tenant);
  });

  it('providerOptions with a symbol key is refused', async () => {
    for (const tenant of TENANTS) {
      await refusedUnsent(
        (u) => u.createUser({ ...BASE, providerOptions: { argyle: { [Symbol('x')]: 1 } } } as never),
        tenant,
      );
    }
  });
});

describe('symbol keys and throwing getters in the input', () => {
  it.each([
    ['a top-level symbol key', { ...BASE, [Symbol('top')]: 1 }],
    ['a symbol key in address', { ...BASE, address: { postalCode: 'SW1A 2AA', [Symbol('a')]: 1 } }],
    [
      'a getter that throws',
      Object.defineProperty({ ...BASE }, 'firstName', {
        get() {
          throw new Error('boom');
        },
        enumerable: true,
      }),
    ],
    [
      'a proxy whose ownKeys trap throws',
      new Proxy(
        { ...BASE },
        {
          ownKeys() {
            throw new Error('ownKeys boom');
          },
        },
      ),
    ],
  ])('%s: invalid_input, nothing sent', async (_label, input) => {
    for (const tenant of TENANTS) await refusedUnsent((u) => u.createUser(input as never), tenant);
    await refusedUnsent((u) => u.updateUser('user-1', input as never), 'argyle-v2');
  });
});

describe('call options that throw when read', () => {
  const revocable = Proxy.revocable({}, {});
  revocable.revoke();
  const OPTIONS: ReadonlyArray<[string, unknown]> = [
    [
      'a getter that throws',
      {
        get timeoutMs() {
          throw new Error('boom');
        },
      },
    ],
    [
      'a proxy whose ownKeys trap throws',
      new Proxy(
        { timeoutMs: 100 },
        {
          ownKeys() {
            throw new Error('ownKeys boom');
          },
        },
      ),
    ],
    ['a revoked proxy', revocable.proxy],
  ];

  it.each(OPTIONS)('%s: invalid_input on every operation, nothing sent', async (_label, options) => {
    const opts = options as never;
    for (const tenant of TENANTS) {
      await refusedUnsent((u) => u.createUser(BASE, opts), tenant, 'options');
      await refusedUnsent((u) => u.getUser('user-1', opts), tenant, 'options');
      await refusedUnsent(
        async (u) => {
          for await (const _ of u.listUsers({}, opts)) {
            // refused before the first page
          }
        },
        tenant,
        'options',
      );
    }
  });
});

describe('inherited fields in the input', () => {
  it.each([
    [
      'providerOptions inherited from a prototype',
      Object.assign(Object.create({ providerOptions: { teal: { payrollPeriodMonths: 12 } } }), BASE),
      'providerOptions',
    ],
    [
      'a name inherited from a prototype',
      Object.assign(Object.create({ email: 'sarah.longfield@example.com' }), BASE),
      'email',
    ],
    [
      'an address whose postal code is inherited',
      { ...BASE, address: Object.create({ postalCode: 'SW1A 2AA' }) },
      'address.postalCode',
    ],
  ])('%s: invalid_input naming it, nothing sent', async (_label, input, field) => {
    for (const tenant of TENANTS) await refusedUnsent((u) => u.createUser(input as never), tenant, field);
  });

  it('a polluted Object.prototype fails closed: every create is refused, nothing sent', async () => {
    const proto = Object.prototype as Record<string, unknown>;
    proto.providerOptions = { argyle: { openBanking: { employers: ['x'] } } };
    try {
      for (const tenant of TENANTS) await refusedUnsent((u) => u.createUser({ ...BASE }), tenant);
    } finally {
      delete proto.providerOptions;
    }
  });
});

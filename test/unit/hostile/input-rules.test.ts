/**
 * Values no provider should receive are refused before anything is sent: names without a letter
 * (only invisible characters), control characters (NUL), bidi overrides and isolates, lone
 * surrogates; absurd sizes (docs/field-mapping.md lists each limit); and keys that reach a
 * prototype (`__proto__`, `constructor`, `prototype`) anywhere in the input.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPayrollIdentity, isPayrollIdentityError, type PayrollIdentity } from '../../../src/index.js';
import { MAX_LENGTH, METADATA_LIMITS, PROVIDER_OPTIONS_LIMITS } from '../../../src/input-limits.js';
import { type Sandbox, startSandbox } from '../../../src/sandbox/index.js';
import { CreateUserInputSchema, UpdateUserInputSchema } from '../../../src/user.js';
import { tenantConfig, VARIANTS } from '../../resilience/support.js';

function problems(
  input: unknown,
  schema: typeof CreateUserInputSchema | typeof UpdateUserInputSchema = CreateUserInputSchema,
) {
  const result = schema.safeParse(input);
  return result.success ? undefined : result.error.issues;
}

/** An object with `key` as an own property, as `JSON.parse` makes it (a literal `__proto__` would set the prototype). */
function proto(key: string, value: unknown = { x: 1 }): Record<string, unknown> {
  return JSON.parse(`{${JSON.stringify(key)}: ${JSON.stringify(value)}}`);
}

const BAD_NAMES: Readonly<Record<string, string>> = {
  'only zero-width spaces': '\u200B\u200B\u200B',
  'only a byte-order mark and a word joiner': '\uFEFF\u2060',
  NUL: 'Sa\u0000rah',
  'a tab': 'Sa\trah',
  'a line break': 'Sarah\nLongfield',
  'a line separator': 'Sarah\u2028Longfield',
  'a right-to-left override': 'Sarah\u202Edleifgnol',
  'a left-to-right isolate': '\u2066Sarah\u2069',
  'a lone high surrogate': 'Sarah\uD800',
  'a lone low surrogate': '\uDC00Sarah',
  'only digits': '12345',
  'only punctuation': "-.'",
  'only combining marks': '\u0301\u0301',
};

describe('names', () => {
  it.each(Object.entries(BAD_NAMES))('refuses a name with %s', (_label, name) => {
    expect(problems({ firstName: name })).toBeDefined();
    expect(problems({ lastName: name })).toBeDefined();
    expect(problems({ lastName: name }, UpdateUserInputSchema)).toBeDefined();
  });

  it.each([
    'Sarah',
    "O'Brien-Smith",
    'José',
    'Nguyễn',
    '李',
    'محمد',
    'Zoë Ann',
    'می\u200Cخواهم', // a zero-width non-joiner, which Persian spelling needs
  ])('accepts %s', (name) => {
    expect(problems({ firstName: name, lastName: name })).toBeUndefined();
  });

  it('address lines, city, post codes and the external id refuse control and bidi characters too', () => {
    for (const input of [
      { address: { line1: '1 Main\u0000Street' } },
      { address: { city: 'Spring\u202Efield' } },
      { address: { postalCode: 'SW1A\uD8002AA' } },
      { previousPostalCodes: ['SW1A\n1AA'] },
      { externalId: 'applicant\u0000-1' },
    ]) {
      expect(problems(input), JSON.stringify(input)).toBeDefined();
    }
  });
});

describe('sizes', () => {
  const over = (n: number) => 'a'.repeat(n + 1);
  it.each([
    ['firstName', { firstName: over(MAX_LENGTH.name) }],
    ['lastName', { lastName: over(MAX_LENGTH.name) }],
    ['address.line1', { address: { line1: over(MAX_LENGTH.addressLine) } }],
    ['address.line2', { address: { line2: over(MAX_LENGTH.addressLine) } }],
    ['address.city', { address: { city: over(MAX_LENGTH.city) } }],
    ['address.state', { address: { state: over(MAX_LENGTH.state) } }],
    ['address.postalCode', { address: { postalCode: over(MAX_LENGTH.postalCode) } }],
    ['email', { email: `${over(MAX_LENGTH.email)}@example.com` }],
    ['externalId', { externalId: over(MAX_LENGTH.externalId) }],
    ['previousPostalCodes (count)', { previousPostalCodes: Array.from({ length: 21 }, () => 'SW1A 1AA') }],
    ['previousPostalCodes (length)', { previousPostalCodes: [over(MAX_LENGTH.postalCode)] }],
    ['metadata (bytes)', { metadata: { note: over(METADATA_LIMITS.maxBytes) } }],
    [
      'metadata (keys)',
      { metadata: Object.fromEntries(Array.from({ length: 1_001 }, (_, i) => [`k${i}`, 1])) },
    ],
    ['metadata (key length)', { metadata: { [over(METADATA_LIMITS.maxKeyLength)]: 1 } }],
    ['metadata (depth)', { metadata: { a: [[[[[[[[[[1]]]]]]]]]] } }],
    [
      'metadata (a cycle)',
      {
        metadata: (() => {
          const o: Record<string, unknown> = {};
          o.self = o;
          return o;
        })(),
      },
    ],
    [
      'providerOptions (bytes)',
      { providerOptions: { other: { note: over(PROVIDER_OPTIONS_LIMITS.maxBytes) } } },
    ],
    ['providerOptions (depth)', { providerOptions: { other: { a: { b: { c: { d: { e: {} } } } } } } }],
  ])('refuses an oversized %s', (_label, input) => {
    expect(problems(input)).toBeDefined();
  });

  it('accepts values at the limits, and 5,000 metadata values', () => {
    const at = (n: number) => 'a'.repeat(n);
    expect(
      problems({
        firstName: at(MAX_LENGTH.name),
        address: { line1: at(MAX_LENGTH.addressLine), postalCode: at(MAX_LENGTH.postalCode) },
        externalId: at(MAX_LENGTH.externalId),
        previousPostalCodes: Array.from({ length: 20 }, () => 'SW1A 1AA'),
        metadata: { values: Array.from({ length: 5_000 }, (_, i) => `v${i}`) },
      }),
    ).toBeUndefined();
  });
});

describe('keys that reach a prototype', () => {
  it.each(['__proto__', 'constructor', 'prototype'])(
    '%s is refused in input, address, metadata and providerOptions',
    (key) => {
      for (const input of [
        proto(key),
        { address: proto(key) },
        { metadata: proto(key) },
        { metadata: { nested: [proto(key)] } },
        { providerOptions: proto(key) },
        { providerOptions: { argyle: proto(key) } },
        { providerOptions: { teal: { recurringChecks: proto(key) } } },
      ]) {
        expect(problems(input), JSON.stringify(input)).toBeDefined();
        expect(problems(input, UpdateUserInputSchema), JSON.stringify(input)).toBeDefined();
      }
    },
  );
});

describe('through each provider: invalid_input and nothing sent', () => {
  let sandbox: Sandbox;
  let identity: PayrollIdentity;
  beforeAll(async () => {
    sandbox = await startSandbox();
    identity = createPayrollIdentity({
      tenants: Object.fromEntries(
        VARIANTS.map((v) => [v, tenantConfig(v, v === 'teal' ? sandbox.teal : sandbox.argyle)]),
      ),
    });
  });
  afterAll(async () => {
    await identity?.close();
    await sandbox?.close();
  });

  it.each(VARIANTS)('%s', async (variant) => {
    const users = identity.forTenant(variant);
    const emulator = variant === 'teal' ? sandbox.teal : sandbox.argyle;
    emulator.reset();
    const base = { lastName: 'Longfield', birthDate: '1987-03-09', address: { postalCode: 'SW1A 2AA' } };
    const inputs = [
      ...Object.values(BAD_NAMES).map((firstName) => ({ ...base, firstName })),
      { ...base, firstName: 'Sarah', metadata: proto('__proto__') },
      {
        ...base,
        firstName: 'Sarah',
        providerOptions: { teal: proto('__proto__'), argyle: proto('constructor') },
      },
      { ...base, ...proto('__proto__', { baseUrl: 'https://evil.example' }), firstName: 'Sarah' },
    ];
    for (const input of inputs) {
      for (const call of [
        () => users.createUser(input as never),
        () => users.updateUser('user-1', input as never),
      ]) {
        let error: unknown;
        try {
          await call();
        } catch (e) {
          error = e;
        }
        expect(
          isPayrollIdentityError(error, 'invalid_input'),
          `${JSON.stringify(input)} → ${String(error)}`,
        ).toBe(true);
      }
    }
    expect(emulator.requests()).toEqual([]);
  });
});

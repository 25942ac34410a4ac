/**
 * `fastSchema` (zod's ahead-of-time compiler) must parse exactly as the schema itself: the same
 * success or refusal, the same output (normalised values, dropped or refused keys) and, on refusal,
 * the same issues, for every schema the library parses on a call: the neutral input, ids, filters,
 * providers' options, request bodies and answers. Random values of each schema's shape, hostile
 * strings and wrong types are compared one by one.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { ArgyleProviderOptionsSchema } from '../../../providers/argyle/config.js';
import {
  V1CreateUserResponse,
  V1User,
  V1UserFieldsRequest,
  V1UserList,
} from '../../../providers/argyle/wire/v1.js';
import {
  V2CreateUserResponse,
  V2User,
  V2UserFieldsRequest,
  V2UserList,
  V2UserTokenResponse,
} from '../../../providers/argyle/wire/v2.js';
import {
  TealProviderOptionsPatchSchema,
  TealProviderOptionsSchema,
} from '../../../providers/teal/options.js';
import { TealUserListSchema, TealUserSchema, TealUserTokenSchema } from '../../../providers/teal/wire.js';
import {
  CreateUserInputSchema,
  ListUsersFilterSchema,
  UpdateUserInputSchema,
  UserIdSchema,
} from '../../../src/user.js';
import { fastSchema } from '../../../src/validation.js';

/** Strings that exercise bounds, trimming, normalisation and hostile characters. */
const text = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.constantFrom(
    '',
    ' ',
    '  Jane  ',
    'Sarah Longfield',
    '123-45-6789',
    '123456789',
    'qq 12 34 56 c',
    'QQ123456C',
    '1990-05-17',
    '1990-02-30',
    '1899-12-31',
    '2999-01-01',
    '+14155550123',
    '4155550123',
    'jane.roe@example.com',
    'not-an-email',
    'SW1A 2AA',
    'US',
    'GB',
    'ZZ',
    'a\u200bb',
    'line\nbreak',
    '\u0000',
    '018051aa-f7a9-a0db-2f38-6cfa325e9d69',
    'x'.repeat(101),
    'y'.repeat(300),
  ),
);
const anyValue = fc.oneof(
  text,
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
  fc.array(text, { maxLength: 3 }),
);

/** A random object with the schema's own keys (and sometimes one more), each a random value. */
function shaped(keys: readonly string[], nested: Record<string, fc.Arbitrary<unknown>> = {}) {
  const field = (key: string) => fc.oneof(nested[key] ?? anyValue, anyValue);
  return fc.oneof(
    fc.record(Object.fromEntries(keys.map((k) => [k, field(k)])), { requiredKeys: [] }),
    fc.record(
      { ...Object.fromEntries(keys.map((k) => [k, field(k)])), unknownKey: anyValue },
      { requiredKeys: [] },
    ),
    anyValue,
  );
}

const address = shaped(['line1', 'line2', 'city', 'state', 'postalCode', 'country']);
const nationalId = fc.oneof(
  fc.record({ type: fc.constantFrom('ssn', 'ni_number', 'passport'), value: text }),
  anyValue,
);
const inputKeys = [
  'firstName',
  'lastName',
  'email',
  'phone',
  'birthDate',
  'address',
  'previousPostalCodes',
  'nationalId',
  'externalId',
  'metadata',
  'providerOptions',
];
const neutral = shaped(inputKeys, {
  address,
  nationalId,
  metadata: fc.dictionary(fc.string({ maxLength: 6 }), anyValue, { maxKeys: 3 }),
  providerOptions: fc.record({
    argyle: fc.dictionary(fc.string({ maxLength: 6 }), anyValue, { maxKeys: 2 }),
  }),
});
const birth = fc.record({
  year: fc.integer({ min: 1800, max: 2100 }),
  month: fc.integer(),
  day: fc.integer(),
});
const argyleUser = shaped(
  [
    'id',
    'created_at',
    'first_name',
    'last_name',
    'email',
    'phone_number',
    'ssn',
    'external_id',
    'external_metadata',
    'items_connected',
    'employers_connected',
    'address',
    'birth_date',
  ],
  { birth_date: birth, address: shaped(['line1', 'line2', 'city', 'state', 'postal_code', 'country']) },
);
const tealUser = shaped([
  'user_id',
  'created_at',
  'forename',
  'surname',
  'date_of_birth',
  'post_codes',
  'ext_id',
  'payroll_period_months',
  'ni_number',
]);

const CASES: ReadonlyArray<[string, z.ZodType, fc.Arbitrary<unknown>]> = [
  ['CreateUserInputSchema', CreateUserInputSchema, neutral],
  ['UpdateUserInputSchema', UpdateUserInputSchema, neutral],
  ['UserIdSchema', UserIdSchema, anyValue],
  ['ListUsersFilterSchema', ListUsersFilterSchema, shaped(['externalId', 'pageSize', 'cursor'])],
  ['ArgyleProviderOptionsSchema', ArgyleProviderOptionsSchema, shaped(['openBanking'])],
  [
    'TealProviderOptionsSchema',
    TealProviderOptionsSchema,
    shaped(['payrollPeriodMonths', 'recurringChecks']),
  ],
  [
    'TealProviderOptionsPatchSchema',
    TealProviderOptionsPatchSchema,
    shaped(['payrollPeriodMonths', 'recurringChecks']),
  ],
  [
    'V2UserFieldsRequest',
    V2UserFieldsRequest,
    shaped(
      ['first_name', 'last_name', 'email', 'phone_number', 'ssn', 'external_id', 'birth_date', 'address'],
      { birth_date: birth },
    ),
  ],
  ['V2User', V2User, argyleUser],
  ['V2CreateUserResponse', V2CreateUserResponse, shaped(['id', 'user_token'])],
  ['V2UserTokenResponse', V2UserTokenResponse, shaped(['user_token'])],
  [
    'V2UserList',
    V2UserList,
    shaped(['next', 'previous', 'results'], { results: fc.array(argyleUser, { maxLength: 2 }) }),
  ],
  ['V1UserFieldsRequest', V1UserFieldsRequest, shaped(['external_metadata'])],
  ['V1User', V1User, shaped(['id', 'created_at', 'external_metadata'])],
  ['V1CreateUserResponse', V1CreateUserResponse, shaped(['id', 'token'])],
  [
    'V1UserList',
    V1UserList,
    fc.oneof(fc.array(shaped(['id']), { maxLength: 2 }), shaped(['next', 'results'])),
  ],
  ['TealUserSchema', TealUserSchema, tealUser],
  [
    'TealUserListSchema',
    TealUserListSchema,
    shaped(['pagination', 'users'], { users: fc.array(tealUser, { maxLength: 2 }) }),
  ],
  ['TealUserTokenSchema', TealUserTokenSchema, shaped(['token', 'webapp_link', 'created_at'])],
];

/** What a parse decided: the output, or the refusal's issues (code, path, message). */
function outcome(result: ReturnType<z.ZodType['safeParse']>) {
  return result.success
    ? { success: true, data: result.data }
    : {
        success: false,
        issues: result.error.issues.map((i) => ({ code: i.code, path: i.path, message: i.message })),
      };
}

describe('fastSchema parses exactly as the schema itself', () => {
  for (const [name, schema, values] of CASES) {
    it(name, () => {
      const fast = fastSchema(schema);
      fc.assert(
        fc.property(values, (value) => {
          expect(outcome(fast.safeParse(value))).toStrictEqual(outcome(schema.safeParse(value)));
        }),
        { numRuns: 300 },
      );
    });
  }

  it('is compiled (a distinct schema) where zod can compile, and the same one on every call', () => {
    expect(fastSchema(CreateUserInputSchema)).not.toBe(CreateUserInputSchema);
    expect(fastSchema(CreateUserInputSchema)).toBe(fastSchema(CreateUserInputSchema));
  });
});

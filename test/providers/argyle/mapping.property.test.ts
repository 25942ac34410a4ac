/**
 * Property-based mapping tests (fast-check): neutral → Argyle v2 wire → neutral keeps every field
 * Argyle supports, and the wire side only ever holds the field names Argyle's users reference defines.
 * "Argyle" here stores the request as its `User` (the reference's User schema has the same names).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ArgyleTenantConfig } from '../../../providers/argyle/config.js';
import { fromV2User, toV2Request, type V2Fields } from '../../../providers/argyle/mappers/v2.js';
import { argyleUsers } from '../../../providers/argyle/users.js';
import { V2User, V2UserFieldsRequest } from '../../../providers/argyle/wire/v2.js';
import { COUNTRY_CODES } from '../../../src/countries.js';
import { selectStored } from '../../../src/provider/fields.js';
import { type CreateUserInput, CreateUserInputSchema } from '../../../src/user.js';
import { USER_ID } from './fixtures.js';

/** Field names as Argyle's reference writes them (read from the reference, deliberately not from the code). */
const SEED_NAMES = {
  top: [
    'first_name',
    'last_name',
    'email',
    'phone_number',
    'ssn',
    'address',
    'birth_date',
    'external_metadata',
    'open_banking',
    'external_id',
  ],
  address: ['city', 'line1', 'line2', 'state', 'country', 'postal_code'],
  birth_date: ['year', 'month', 'day'],
  open_banking: ['end_user'],
  end_user: ['name', 'address', 'city', 'state', 'zip', 'phone'],
};

const text = fc.string({ minLength: 1, maxLength: 30 }).filter((s) => s.trim().length > 0);
/** Names must hold a letter (the neutral schema refuses names without one). */
const name = text.filter((s) => /[A-Za-z]/.test(s));
const email = fc
  .tuple(fc.stringMatching(/^[a-z][a-z0-9]{0,10}$/), fc.constantFrom('example.com', 'example.org'))
  .map(([local, domain]) => `${local}@${domain}`);
const phone = fc.stringMatching(/^\+1[2-9]\d{9}$/);
const birthDate = fc
  .date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2005-12-31T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));
const ssn = fc
  .tuple(fc.integer({ min: 1, max: 665 }), fc.integer({ min: 1, max: 99 }), fc.integer({ min: 1, max: 9999 }))
  .map(
    ([a, g, s]) =>
      `${String(a).padStart(3, '0')}-${String(g).padStart(2, '0')}-${String(s).padStart(4, '0')}`,
  );
const country = fc.constantFrom(...COUNTRY_CODES);
const address = fc
  .record(
    { line1: text, line2: text, city: text, state: text, postalCode: text, country },
    { requiredKeys: [] },
  )
  .filter((a) => Object.keys(a).length > 0);
const metadata = fc.dictionary(
  fc.stringMatching(/^[a-z][a-zA-Z0-9_]{0,12}$/),
  // Keys that could reach an object's prototype are refused by the neutral schema.
  fc
    .jsonValue({ maxDepth: 3 })
    .filter((v) => !/"(?:__proto__|constructor|prototype)":/.test(JSON.stringify(v))),
  { maxKeys: 5 },
);

const supportedInput: fc.Arbitrary<CreateUserInput> = fc.record(
  {
    firstName: name,
    lastName: name,
    email,
    phone,
    birthDate,
    address,
    nationalId: ssn.map((value) => ({ type: 'ssn' as const, value })),
    // An external id must show something: whitespace alone is refused.
    externalId: fc.string({ minLength: 1, maxLength: 100 }).filter((s) => s.trim() !== ''),
    metadata,
  },
  { requiredKeys: [] },
);

function expectOnlySeedNames(body: Record<string, unknown>): void {
  for (const key of Object.keys(body)) expect(SEED_NAMES.top).toContain(key);
  for (const nested of ['address', 'birth_date', 'open_banking'] as const) {
    const value = body[nested];
    if (value !== undefined)
      for (const key of Object.keys(value as object)) expect(SEED_NAMES[nested]).toContain(key);
  }
  const endUser = (body.open_banking as { end_user?: object } | undefined)?.end_user;
  if (endUser) for (const key of Object.keys(endUser)) expect(SEED_NAMES.end_user).toContain(key);
}

/** JSON's view of a value (what Argyle would store and return): -0 becomes 0, and so on. */
/** What an Argyle v2 tenant stores, as its declaration says. */
const V2_STORED = argyleUsers({ apiVersion: 'v2' } as ArgyleTenantConfig).stored;

const viaJson = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

describe('argyle v2 mapping (property-based)', () => {
  it('neutral → wire → neutral keeps every supported field, and the wire holds only the names Argyle documents', () => {
    fc.assert(
      fc.property(supportedInput, (input) => {
        const valid = CreateUserInputSchema.parse(input);
        const { fields, ignored } = selectStored(valid, V2_STORED);
        expect(ignored).toEqual([]);
        const body = V2UserFieldsRequest.parse(toV2Request(fields as V2Fields));
        expectOnlySeedNames(body);
        const stored = V2User.parse(viaJson({ ...body, id: USER_ID }));
        const back = fromV2User(stored, 'argyle');
        const { providerOptions: _p, ...profile } = valid;
        expect(back).toEqual({ id: USER_ID, provider: 'argyle', ...viaJson(profile) });
      }),
      { numRuns: 300 },
    );
  });

  it('what Argyle cannot hold never reaches the wire and is always named in ignoredFields', () => {
    fc.assert(
      fc.property(
        supportedInput,
        fc.array(text, { minLength: 1, maxLength: 3 }),
        fc.boolean(),
        (input, previousPostalCodes, withNi) => {
          const valid = CreateUserInputSchema.parse({
            ...input,
            previousPostalCodes,
            ...(withNi ? { nationalId: { type: 'ni_number', value: 'QQ123456C' } } : {}),
          });
          const { fields, ignored } = selectStored(valid, V2_STORED);
          const body = V2UserFieldsRequest.parse(toV2Request(fields as V2Fields));
          expect(ignored).toContain('previousPostalCodes');
          expect(ignored.includes('nationalId')).toBe(withNi);
          const wire = JSON.stringify(body);
          if (withNi) expect(wire).not.toContain('QQ123456C');
          expectOnlySeedNames(body);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('an empty address is not sent', () => {
    expect(toV2Request({ firstName: 'Sarah', address: {} })).toEqual({ first_name: 'Sarah' });
  });

  it('open banking options map onto open_banking.end_user with the names Argyle documents', () => {
    const endUser = fc.record(
      {
        name: text,
        address: text,
        city: text,
        state: text,
        zip: text,
        phone: fc.stringMatching(/^\d{3}-?\d{3}-?\d{4,5}$/),
      },
      { requiredKeys: ['name'] },
    );
    fc.assert(
      fc.property(endUser, (openBanking) => {
        const body = V2UserFieldsRequest.parse(toV2Request({}, openBanking));
        expectOnlySeedNames(body);
        expect(body.open_banking?.end_user).toEqual(openBanking);
      }),
    );
  });
});

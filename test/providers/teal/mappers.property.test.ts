/**
 * Property-based: neutral → Teal wire → neutral keeps every field Teal stores, and the wire side only
 * ever holds the field names Teal's reference documents for `User` (checked against an independent list and
 * the strict request schemas).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { TealTenantConfig } from '../../../providers/teal/config.js';
import {
  fromTealUser,
  type TealCreateInput,
  toTealCreateBody,
  toTealPatchBody,
} from '../../../providers/teal/mappers.js';
import {
  TealProviderOptionsPatchSchema,
  TealProviderOptionsSchema,
} from '../../../providers/teal/options.js';
import { tealUsers } from '../../../providers/teal/users.js';
import { TealCreateBodySchema, TealPatchBodySchema, TealUserSchema } from '../../../providers/teal/wire.js';
import { selectStored } from '../../../src/provider/fields.js';
import { CreateUserInputSchema, UpdateUserInputSchema } from '../../../src/user.js';
import { REQUIRED_KEYS, USER_KEYS } from './fixtures.js';

const name = fc.stringMatching(/^[A-Za-z][A-Za-z' -]{0,18}[A-Za-z]$/);
const day = fc
  .date({
    min: new Date('1900-01-01T00:00:00.000Z'),
    max: new Date('2020-12-31T00:00:00.000Z'),
    noInvalidDate: true,
  })
  .map((d) => d.toISOString().slice(0, 10));
const postCode = fc.stringMatching(/^[A-Z]{1,2}\d{1,2} \d[A-Z]{2}$/);
const postCodes = fc.uniqueArray(postCode, {
  minLength: 1,
  maxLength: 5,
  selector: (c) => c.replace(/\s+/g, '').toUpperCase(),
});
const niNumber = fc.stringMatching(/^[A-Z]{2}\d{6}[A-D]$/);
// An external id must show something: whitespace alone is refused.
const externalId = fc.string({ minLength: 1, maxLength: 100 }).filter((s) => s.trim() !== '');
const frequency = fc.constantFrom('WEEKLY', 'DAILY', 'MONTHLY', 'HOURLY');

const tealOptions = fc.record(
  {
    payrollPeriodMonths: fc.integer({ min: 1, max: 600 }),
    recurringChecks: fc.record({ enabled: fc.boolean(), frequency, endDate: day }, { requiredKeys: [] }),
    payslipUploadEnabled: fc.boolean(),
    payrollConnectionsEnabled: fc.boolean(),
  },
  { requiredKeys: ['payrollPeriodMonths'] },
);

/** Neutral create inputs: Teal's fields plus fields Teal cannot store. */
const createInput = fc
  .record(
    {
      firstName: name,
      lastName: name,
      birthDate: day,
      codes: postCodes,
      ni: fc.option(niNumber, { nil: undefined }),
      ssn: fc.boolean(),
      externalId: fc.option(externalId, { nil: undefined }),
      email: fc.option(fc.constant('jo.doe@example.com'), { nil: undefined }),
      phone: fc.option(fc.constant('+447700900123'), { nil: undefined }),
      city: fc.option(fc.constant('Leeds'), { nil: undefined }),
      metadata: fc.option(fc.dictionary(fc.string({ minLength: 1, maxLength: 5 }), fc.integer()), {
        nil: undefined,
      }),
      options: tealOptions,
    },
    { requiredKeys: ['firstName', 'lastName', 'birthDate', 'codes', 'ssn', 'options'] },
  )
  .map((g) => {
    const [current, ...previous] = g.codes;
    return {
      input: {
        firstName: g.firstName,
        lastName: g.lastName,
        birthDate: g.birthDate,
        address: { postalCode: current, ...(g.city ? { city: g.city } : {}) },
        ...(previous.length > 0 ? { previousPostalCodes: previous } : {}),
        ...(g.ni
          ? { nationalId: { type: 'ni_number' as const, value: g.ni } }
          : g.ssn
            ? { nationalId: { type: 'ssn' as const, value: '123-45-6789' } }
            : {}),
        ...(g.externalId !== undefined ? { externalId: g.externalId } : {}),
        ...(g.email ? { email: g.email } : {}),
        ...(g.phone ? { phone: g.phone } : {}),
        ...(g.metadata ? { metadata: g.metadata } : {}),
        providerOptions: { teal: g.options },
      },
      options: g.options,
    };
  });

function expectOnlyDocumentedKeys(body: object): void {
  for (const key of Object.keys(body)) expect(USER_KEYS as readonly string[]).toContain(key);
}

/** What providerData must read back: the options given, without empty groups. */
function expectedSettings(options: Record<string, unknown>): Record<string, unknown> {
  const out = { ...options };
  if (out.recurringChecks && Object.keys(out.recurringChecks).length === 0) delete out.recurringChecks;
  return out;
}

describe('Teal mapping round trip (fast-check)', () => {
  it('create: neutral → wire → neutral keeps every stored field; the wire holds documented keys only', () => {
    fc.assert(
      fc.property(createInput, ({ input, options }) => {
        const valid = CreateUserInputSchema.parse(input) as TealCreateInput;
        const settings = TealProviderOptionsSchema.parse(options);
        const body = toTealCreateBody(valid, {
          ...settings,
          payrollPeriodMonths: options.payrollPeriodMonths,
        });

        expectOnlyDocumentedKeys(body);
        for (const key of REQUIRED_KEYS) expect(body).toHaveProperty(key);
        expect(TealCreateBodySchema.safeParse(body).success).toBe(true);
        const text = JSON.stringify(body);
        for (const unstored of ['example.com', '+447700900123', 'Leeds', '123-45-6789']) {
          expect(text).not.toContain(unstored);
        }

        const wire = TealUserSchema.parse({
          ...JSON.parse(text),
          user_id: 'u-1',
          created_at: '2024-01-01T00:00:00.000Z',
        });
        const user = fromTealUser(wire);
        expect(user.firstName).toBe(valid.firstName);
        expect(user.lastName).toBe(valid.lastName);
        expect(user.birthDate).toBe(valid.birthDate);
        expect(user.address).toEqual({ postalCode: valid.address?.postalCode });
        expect(user.previousPostalCodes).toEqual(valid.previousPostalCodes);
        expect(user.nationalId).toEqual(
          valid.nationalId?.type === 'ni_number' ? valid.nationalId : undefined,
        );
        expect(user.externalId).toBe(valid.externalId);
        expect(user.providerData).toEqual(expectedSettings(settings));

        // What was not stored is exactly what the adapter reports as ignored.
        const { ignored } = selectStored(valid, tealUsers({} as TealTenantConfig).stored);
        expect(ignored.includes('email')).toBe(valid.email !== undefined);
        expect(ignored.includes('nationalId')).toBe(valid.nationalId?.type === 'ssn');
        expect(ignored.includes('address.city')).toBe(valid.address?.city !== undefined);
      }),
      { numRuns: 300 },
    );
  });

  it('update: a neutral patch maps to documented keys only; null reaches Teal as null', () => {
    const patch = fc.record(
      {
        firstName: name,
        lastName: name,
        birthDate: day,
        nationalId: fc.option(
          niNumber.map((value) => ({ type: 'ni_number' as const, value })),
          { nil: null },
        ),
        externalId: fc.option(externalId, { nil: null }),
        codes: postCodes,
        options: fc.record(
          {
            payrollPeriodMonths: fc.integer({ min: 1, max: 600 }),
            recurringChecks: fc.record(
              {
                enabled: fc.option(fc.boolean(), { nil: null }),
                frequency: fc.option(frequency, { nil: null }),
                endDate: fc.option(day, { nil: null }),
              },
              { requiredKeys: [] },
            ),
            payslipUploadEnabled: fc.option(fc.boolean(), { nil: null }),
          },
          { requiredKeys: [] },
        ),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(patch, ({ codes, options, ...rest }) => {
        const [current, ...previous] = codes ?? [];
        const input = UpdateUserInputSchema.parse({
          ...rest,
          ...(current !== undefined
            ? { address: { postalCode: current }, previousPostalCodes: previous }
            : {}),
        });
        const settings = TealProviderOptionsPatchSchema.parse(options ?? {});
        const body = toTealPatchBody(input, settings);
        expectOnlyDocumentedKeys(body);
        expect(TealPatchBodySchema.safeParse(body).success).toBe(true);
        if (rest.nationalId === null) expect(body.ni_number).toBeNull();
        if (rest.externalId === null) expect(body.ext_id).toBeNull();
        if (current !== undefined) expect(body.post_codes).toEqual(codes);
        if (rest.birthDate !== undefined) expect(body.date_of_birth).toBe(`${rest.birthDate}T00:00:00.000Z`);
        if (options?.recurringChecks?.endDate === null) expect(body.recurring_check_end_date).toBeNull();
      }),
      { numRuns: 300 },
    );
  });
});

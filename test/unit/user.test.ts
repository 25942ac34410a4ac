import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/errors.js';
import {
  CreateUserInputSchema,
  formatCalendarDate,
  ListUsersFilterSchema,
  parseCalendarDate,
  UpdateUserInputSchema,
  UserIdSchema,
} from '../../src/user.js';
import { parseInput } from '../../src/validation.js';

const full = {
  firstName: 'John',
  lastName: 'Smith',
  birthDate: '1990-05-17',
  email: 'john@example.com',
  phone: '+447700900123',
  address: { line1: '10 Downing St', city: 'London', postalCode: 'SW1A 2AA', country: 'GB' },
  previousPostalCodes: ['SW1A 1AA'],
  nationalId: { type: 'ni_number', value: 'QQ123456C' },
  externalId: 'applicant-8841',
  metadata: { loanStage: 2, tags: ['a'], nested: { ok: true, none: null } },
};

function fieldErrorsOf(input: unknown): Record<string, string[]> {
  try {
    parseInput(CreateUserInputSchema, input);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidInputError);
    return (error as InvalidInputError).fieldErrors;
  }
  throw new Error('expected invalid input');
}

describe('CreateUserInputSchema', () => {
  it('accepts a full profile and an empty one', () => {
    expect(CreateUserInputSchema.parse(full)).toMatchObject({
      firstName: 'John',
      nationalId: { value: 'QQ123456C' },
    });
    expect(CreateUserInputSchema.parse({})).toEqual({});
  });

  it.each([
    ['email', { email: 'john@' }],
    ['email', { email: 'john example.com' }],
    ['phone', { phone: '07700900123' }],
    ['phone', { phone: '+0123456789' }],
    ['phone', { phone: '+1234567890123456' }],
    ['birthDate', { birthDate: '1990-02-30' }],
    ['birthDate', { birthDate: '1990-13-01' }],
    ['birthDate', { birthDate: '17/05/1990' }],
    ['birthDate', { birthDate: '1899-12-31' }],
    ['birthDate', { birthDate: '2999-01-01' }],
    ['externalId', { externalId: 'x'.repeat(101) }],
    ['externalId', { externalId: '' }],
    ['address.country', { address: { country: 'UK' } }],
    ['address.country', { address: { country: 'gb' } }],
    ['address.postalCode', { address: { postalCode: '  ' } }],
    ['previousPostalCodes.1', { previousPostalCodes: ['SW1A 1AA', ''] }],
    ['nationalId.value', { nationalId: { type: 'ssn', value: '000-12-3456' } }],
    ['nationalId.value', { nationalId: { type: 'ssn', value: '123-45-678' } }],
    ['nationalId.value', { nationalId: { type: 'ni_number', value: 'QQ123456' } }],
    ['nationalId.value', { nationalId: { type: 'ni_number', value: 'QQ123456E' } }],
    ['nationalId.type', { nationalId: { type: 'passport', value: 'X' } }],
    ['firstName', { firstName: '' }],
    ['metadata.n', { metadata: { n: Number.NaN } }],
    ['unknownField', { unknownField: 1 }],
    ['address.zip', { address: { zip: '12345' } }],
  ])('rejects %s with its neutral path', (path, input) => {
    expect(Object.keys(fieldErrorsOf(input))).toContain(path);
  });

  it('reports every failing field at once', () => {
    const errors = fieldErrorsOf({ email: 'x', phone: 'y', birthDate: 'z', address: { country: 'ZZ' } });
    expect(Object.keys(errors).sort()).toEqual(['address.country', 'birthDate', 'email', 'phone']);
  });

  it('never echoes the rejected value in messages', () => {
    try {
      parseInput(CreateUserInputSchema, {
        email: 'secret-person@',
        nationalId: { type: 'ssn', value: '987-65-43210' },
      });
    } catch (error) {
      const text = JSON.stringify(error) + String(error);
      expect(text).not.toContain('secret-person');
      expect(text).not.toContain('987-65-43210');
      return;
    }
    throw new Error('expected invalid input');
  });

  it('normalises SSN and NI numbers', () => {
    expect(
      CreateUserInputSchema.parse({ nationalId: { type: 'ssn', value: '123456789' } }).nationalId,
    ).toEqual({
      type: 'ssn',
      value: '123-45-6789',
    });
    expect(
      CreateUserInputSchema.parse({ nationalId: { type: 'ni_number', value: 'qq 12 34 56 c' } }).nationalId,
    ).toEqual({
      type: 'ni_number',
      value: 'QQ123456C',
    });
  });

  it('accepts the boundaries: 1900-01-01, today, 100-character externalId, leap day', () => {
    const today = new Date().toISOString().slice(0, 10);
    for (const birthDate of ['1900-01-01', today, '2000-02-29']) {
      expect(() => CreateUserInputSchema.parse({ birthDate })).not.toThrow();
    }
    expect(() => CreateUserInputSchema.parse({ birthDate: '1900-02-29' })).toThrow();
    expect(() => CreateUserInputSchema.parse({ externalId: 'x'.repeat(100) })).not.toThrow();
  });
});

describe('UpdateUserInputSchema', () => {
  it('accepts null to clear and undefined to keep', () => {
    expect(UpdateUserInputSchema.parse({ email: null, phone: undefined })).toEqual({ email: null });
  });
  it('validates values like create does', () => {
    expect(() => UpdateUserInputSchema.parse({ email: 'nope' })).toThrow();
  });
});

describe('ids and filters', () => {
  it('refuses user ids that could alter a URL path', () => {
    for (const bad of ['', '../x', 'a/b', 'a?b', 'a#b', 'a b', '%2e%2e'])
      expect(UserIdSchema.safeParse(bad).success).toBe(false);
    expect(UserIdSchema.safeParse('018051aa-f7a9-a0db-2f38-6cfa325e9d69').success).toBe(true);
  });
  it('validates list filters', () => {
    expect(ListUsersFilterSchema.safeParse({ pageSize: 0 }).success).toBe(false);
    expect(ListUsersFilterSchema.safeParse({ pageSize: 50, externalId: 'a' }).success).toBe(true);
  });
});

describe('parseCalendarDate', () => {
  it('parses real days only', () => {
    expect(parseCalendarDate('2024-02-29')).toEqual({ year: 2024, month: 2, day: 29 });
    expect(parseCalendarDate('2023-02-29')).toBeUndefined();
    expect(parseCalendarDate('2023-2-1')).toBeUndefined();
  });

  it('reads exactly what /^(\\d{4})-(\\d{2})-(\\d{2})$/ reads, for any string', () => {
    const reference = (value: string) => {
      const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
      if (!m) return undefined;
      const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
      const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
      const last = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
      return month >= 1 && month <= 12 && day >= 1 && last !== undefined && day <= last
        ? { year, month, day }
        : undefined;
    };
    const dateLike = fc
      .tuple(
        fc.stringMatching(/^[0-9]{4}$/),
        fc.constantFrom('-', '/', '.', '--'),
        fc.stringMatching(/^[0-9]{1,3}$/),
        fc.constantFrom('-', ' '),
        fc.stringMatching(/^[0-9٠-٩]{1,3}$/),
      )
      .map((parts) => parts.join(''));
    fc.assert(
      fc.property(fc.oneof(dateLike, fc.string({ maxLength: 12 })), (value) => {
        expect(parseCalendarDate(value)).toEqual(reference(value));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('the messages of the field checks', () => {
  // Each check is a predicate with its message worked out for a failing value only: these pin the
  // messages, per field, exactly as callers see them in `fieldErrors`.
  const fieldErrorsOf = (input: Record<string, unknown>) => {
    try {
      parseInput(CreateUserInputSchema, input);
    } catch (error) {
      if (error instanceof InvalidInputError) return error.fieldErrors;
      throw error;
    }
    return undefined;
  };

  it.each([
    [{ birthDate: '1899-12-31' }, { birthDate: ['Must be in 1900 or later'] }],
    [{ birthDate: '2999-01-01' }, { birthDate: ['Must not be in the future'] }],
    [{ birthDate: '1990-02-30' }, { birthDate: ['Must be a real calendar date in the form YYYY-MM-DD'] }],
    [
      { firstName: '\u200b' },
      {
        firstName: [
          'Must not contain invisible characters (bidi overrides or isolates, zero-width spaces, fillers)',
        ],
      },
    ],
    [
      { firstName: '   ' },
      { firstName: ['First name must not be empty', 'Must contain at least one letter'] },
    ],
    [{ firstName: '123' }, { firstName: ['Must contain at least one letter'] }],
    [{ lastName: 'a\u0007b' }, { lastName: ['Must not contain control characters or line breaks'] }],
    [{ externalId: 'a\u0000' }, { externalId: ['Must not contain control characters or line breaks'] }],
    [{ externalId: '' }, { externalId: ['Must not be empty', 'Must contain a visible character'] }],
    [
      { address: { city: '  ' } },
      { 'address.city': ['City must not be empty', 'Must contain a visible character'] },
    ],
  ])('%j → %j', (input, expected) => {
    expect(fieldErrorsOf(input)).toEqual(expected);
  });

  it('a valid value passes every check', () => {
    expect(
      fieldErrorsOf({
        firstName: 'Jane',
        birthDate: '1990-05-17',
        externalId: 'applicant-1',
        address: { city: 'Leeds' },
      }),
    ).toBeUndefined();
  });
});

describe('formatCalendarDate', () => {
  const pad = (n: number, width: number) => String(n).padStart(width, '0');
  it('writes exactly the days parseCalendarDate reads, and only those', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -2, max: 10_001 }),
        fc.integer({ min: -1, max: 14 }),
        fc.integer({ min: -1, max: 33 }),
        (year, month, day) => {
          const text = `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`;
          const expected = year >= 0 && parseCalendarDate(text) ? text : undefined;
          expect(formatCalendarDate(year, month, day)).toBe(expected);
        },
      ),
    );
  });

  it('refuses parts that are not whole numbers', () => {
    expect(formatCalendarDate(1990.5, 5, 17)).toBeUndefined();
    expect(formatCalendarDate(1990, Number.NaN, 17)).toBeUndefined();
    expect(formatCalendarDate(1990, 5, Number.POSITIVE_INFINITY)).toBeUndefined();
    expect(formatCalendarDate(2024, 2, 29)).toBe('2024-02-29');
    expect(formatCalendarDate(2023, 2, 29)).toBeUndefined();
    expect(formatCalendarDate(7, 1, 2)).toBe('0007-01-02');
  });
});

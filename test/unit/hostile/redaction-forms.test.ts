/**
 * Personal data echoed back in another form than the one sent is still redacted: every form a
 * provider (or anything between) can write a value in, through every place an error shows it
 * (providerMessages, fieldErrors, toJSON, util.inspect). And the library's own hints are not
 * mistaken for personal data.
 */
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { InvalidInputError } from '../../../src/errors.js';
import { errorFromStatus } from '../../../src/http/errors.js';
import { safeRequestId } from '../../../src/observe/events.js';
import { REDACTED, Redactor } from '../../../src/redact.js';
import { CreateUserInputSchema, UserIdSchema } from '../../../src/user.js';
import { parseInput } from '../../../src/validation.js';

/** The values one create carried (obviously fake). */
const CALL = {
  firstName: 'Sarah',
  lastName: 'Longfield',
  email: 'sarah.longfield@example.com',
  phone: '+14155550123',
  ukPhone: '+447700900123',
  birthDate: '1987-03-09',
  ssn: '123-45-6789',
  ni: 'QQ123456C',
  line1: '1 Main Street',
  postalCode: 'SW1A 2AA',
};
const redactor = new Redactor(Object.values(CALL));

/** Each echo, and the words of it that must not survive. */
const ECHOES: ReadonlyArray<[string, string, readonly string[]]> = [
  ['birth date in pieces (Argyle)', 'Day 9 of month 3 of 1987 is not allowed', ['9', '3', '1987']],
  ['birth date, day month-name year', 'born 9 March 1987', ['9', 'March', '1987']],
  ['birth date, month-name day, year', 'born March 9, 1987', ['March', '9', '1987']],
  ['birth date, ordinal and abbreviation', 'born 9th Mar 1987', ['9th', 'Mar', '1987']],
  ['birth date, dd/mm/yyyy', 'born 09/03/1987', ['09/03/1987']],
  ['birth date, m/d/yyyy', 'born 3/9/1987', ['3/9/1987']],
  ['birth date, ISO', 'born 1987-03-09', ['1987-03-09']],
  ['birth date, compact', 'dob=19870309', ['19870309']],
  ['birth date, dd.mm.yy', 'dob 09.03.87', ['09.03.87']],
  ['SSN without separators', 'ssn 123456789 is taken', ['123456789']],
  ['SSN spaced', 'ssn 123 45 6789 is taken', ['123 45 6789']],
  ['NI number spaced differently', 'NI number QQ 12 34 56 C exists', ['QQ 12 34 56 C']],
  ['NI number lower case', 'ni qq123456c exists', ['qq123456c']],
  ['NI digits alone', 'NI digits 123456 differ', ['123456']],
  ['URL-encoded email', 'email=sarah.longfield%40example.com rejected', ['sarah.longfield', '%40example']],
  ['URL-encoded everything', 'q=%53%61%72%61%68', ['%53%61%72%61%68']],
  ['HTML-entity email', 'sarah.longfield&#64;example.com rejected', ['sarah.longfield', 'example.com']],
  ['named-entity email', 'sarah.longfield&commat;example&period;com', ['sarah', 'example']],
  ['email local part alone', 'user sarah.longfield unknown', ['sarah.longfield']],
  ['upper-case email', 'SARAH.LONGFIELD@EXAMPLE.COM', ['SARAH', 'EXAMPLE']],
  ['US phone, national format', 'call (415) 555-0123 now', ['415', '555-0123']],
  ['US phone, digits only', 'phone 4155550123 invalid', ['4155550123']],
  ['UK phone, national format', 'phone 07700 900123 invalid', ['07700 900123', '900123']],
  ['UK phone, international spaced', 'phone +44 7700 900123 invalid', ['7700 900123']],
  ['name, other case', 'SARAH LONGFIELD already exists', ['SARAH', 'LONGFIELD']],
  ['name, full-width (NFKC)', 'Ｓａｒａｈ Ｌｏｎｇｆｉｅｌｄ exists', ['Ｓａｒａｈ', 'Ｌｏｎｇｆｉｅｌｄ']],
  ['name, decomposed accents', 'Sa\u0301rah exists', ['Sa\u0301rah']],
  ['address, other separators', 'address 1-MAIN-STREET unknown', ['MAIN', 'STREET']],
  ['postal code without space', 'postcode sw1a2aa unknown', ['sw1a2aa']],
];

function words(text: string): string[] {
  return text.split(/[^\p{L}\p{N}/.%&#;-]+/u);
}

describe('Redactor: normalised forms of the call’s values', () => {
  it.each(ECHOES)('%s', (_label, echo, leaked) => {
    const out = redactor.redact(echo);
    expect(out).toContain(REDACTED);
    for (const piece of leaked) {
      // As a whole word (a "9" inside "[REDACTED]" cannot exist; "3" in "HTTP 3xx" is not an echo).
      expect(words(out), `${piece} survived in ${out}`).not.toContain(piece);
      if (piece.length > 2) expect(out).not.toContain(piece);
    }
  });

  it('leaves text with none of the values alone', () => {
    for (const text of ['Enter a valid email address.', 'This field is required (HTTP 400)', 'Limited']) {
      expect(redactor.redact(text)).toBe(text);
    }
  });

  it('a date’s day and month alone are kept (one part is not a birth date); the year never is', () => {
    expect(redactor.redact('3 fields failed')).toBe('3 fields failed');
    expect(redactor.redact('year 1987 too early')).toBe(`year ${REDACTED} too early`);
  });
});

describe('every place an error shows provider text', () => {
  const context = { provider: 'p', tenant: 't', operation: 'createUser' } as const;

  it.each(ECHOES)('%s: providerMessages, fieldErrors, toJSON and inspect', (_label, echo, leaked) => {
    const error = errorFromStatus(
      400,
      {},
      { messages: [echo], fieldErrors: { birthDate: [echo], email: [`x ${echo}`] } },
      redactor,
      context,
    ) as InvalidInputError;
    const renderings = [
      error.message,
      ...error.providerMessages,
      ...Object.values(error.fieldErrors).flat(),
      JSON.stringify(error),
      JSON.stringify(error.toJSON()),
      inspect(error, { depth: Number.POSITIVE_INFINITY }),
    ];
    for (const text of renderings) {
      for (const piece of leaked) {
        if (piece.length > 2) expect(text, `${piece} in ${text}`).not.toContain(piece);
        else expect(words(text), `${piece} in ${text}`).not.toContain(piece);
      }
    }
  });
});

describe('provider request ids', () => {
  it.each([
    ['a UUID', '018051aa-f7a9-a0db-2f38-6cfa325e9d69'],
    ['hex', '9f1c2b3a4d5e6f70'],
    ['base64url with a digit', 'req-42'],
    ['an opaque token', 'Xk3_9fQzP1-aB7'],
  ])('%s is kept', (_label, id) => {
    expect(safeRequestId(id)).toBe(id);
  });

  it.each([
    ['a name', 'Sarah-Longfield'],
    ['a name with a space', 'Sarah Longfield'],
    ['a name with dots', 'sarah.longfield'],
    ['an email', 'sarah.longfield@example.com'],
    ['an SSN', '123-45-6789'],
    ['a 9-digit number', '123456789'],
    ['a phone', '+14155550123'],
    ['a date', '1987-03-09'],
    ['control characters', 'req-1\r\nx-evil: 1'],
    ['too long', `a1${'b'.repeat(200)}`],
    ['empty', ''],
    ['a UUID holding a run of 9 digits (an SSN or phone shape)', '0186c4b6-8e82-d99c-8f82-f632281396e4'],
  ])('%s is dropped', (_label, id) => {
    expect(safeRequestId(id)).toBeUndefined();
  });

  it('an id holding one of the call’s values is dropped (the call’s redactor knows them)', () => {
    expect(safeRequestId('req-Longfield-1', redactor)).toBeUndefined();
    expect(safeRequestId('req-Longfield-1')).toBe('req-Longfield-1');
  });
});

describe('a Redactor shows a count, never a value', () => {
  it('inspect, JSON and its own keys', () => {
    const r = new Redactor(['api-key-s3cr3t-value', 'Sarah']);
    for (const text of [
      inspect(r, { depth: Number.POSITIVE_INFINITY, showHidden: true }),
      JSON.stringify(r),
      JSON.stringify({ nested: { r } }),
      String(Object.keys(r)),
      String(Object.getOwnPropertyNames(r)),
    ]) {
      expect(text).not.toContain('s3cr3t');
      expect(text).not.toContain('Sarah');
    }
    expect(JSON.stringify(r)).toBe('{"redactor":{"values":2}}');
    expect(r.with(['x1']).size).toBe(3);
  });
});

describe('the library’s own hints are not redacted', () => {
  const invalid: Record<string, unknown> = {
    phone: '555',
    email: 'nope',
    birthDate: '1987-13-45',
    nationalId: { type: 'ssn', value: '12' },
    address: { country: 'XX', postalCode: '' },
    firstName: '\u202E',
    externalId: '',
    metadata: [],
    providerOptions: 5,
    previousPostalCodes: Array.from({ length: 30 }, () => 'A1'),
  };
  it.each(Object.keys(invalid))('%s', (field) => {
    let error: InvalidInputError | undefined;
    try {
      parseInput(CreateUserInputSchema, { [field]: invalid[field] });
    } catch (e) {
      error = e as InvalidInputError;
    }
    expect(error?.code).toBe('invalid_input');
    const text = JSON.stringify(error);
    expect(text).not.toContain(REDACTED);
  });

  it('an NI number of the wrong shape, and a user id', () => {
    for (const [schema, value] of [
      [CreateUserInputSchema, { nationalId: { type: 'ni_number', value: 'QQ12' } }],
      [UserIdSchema, 'a b'],
    ] as const) {
      try {
        parseInput(schema, value);
        expect.unreachable();
      } catch (e) {
        expect(JSON.stringify(e)).not.toContain(REDACTED);
      }
    }
  });
});

/**
 * Partial forms of the call's own values are redacted too: an SSN's last four digits, a phone's
 * local number and last four, the street of an address line ("Baker", "221 Baker St"), and a bare
 * day or month in a message about the birth date (Argyle takes the date in parts). Common address
 * words ("Street") and numbers that merely contain the digits are left alone. A request id that is
 * the base64 (or hex) of a value, or of a personal-data shape, is dropped.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InvalidInputError } from '../../../src/errors.js';
import { safeRequestId } from '../../../src/observe/events.js';
import { sensitiveValues } from '../../../src/provider/service.js';
import { REDACTED, Redactor } from '../../../src/redact.js';
import { fakeProvider, rejection } from './support.js';

const US = {
  firstName: 'Sarah',
  lastName: 'Longfield',
  birthDate: '1987-03-09',
  email: 'sarah.longfield@example.com',
  phone: '+14155550123',
  address: {
    line1: '221 Baker Street',
    line2: 'Flat 4B',
    city: 'Springfield',
    state: 'IL',
    postalCode: '62701',
    country: 'US',
  },
  nationalId: { type: 'ssn', value: '123-45-6789' },
  externalId: 'applicant-8841',
} as const;

const redactor = new Redactor(sensitiveValues(US));

describe('partial forms of the call’s values', () => {
  it.each([
    ['an SSN’s last four', 'SSN ending 6789 is on file', ['6789']],
    ['an SSN’s last four, masked', 'SSN xxx-xx-6789 mismatch', ['6789']],
    ['a phone’s local number', 'call 555-0123 now', ['555-0123']],
    ['a phone’s last four', 'phone ending 0123', ['0123']],
    ['the house number and street', 'no such address: 221 Baker St', ['221 Baker']],
    ['the street’s name alone', 'Baker is not a street we know', ['Baker']],
    ['the street’s name, other case', 'BAKER?', ['BAKER']],
  ])('%s', (_label, text, leaked) => {
    const out = redactor.redact(text);
    expect(out).toContain(REDACTED);
    for (const piece of leaked) expect(out).not.toContain(piece);
  });

  it.each([
    'Street is required',
    'The street name is too long',
    'value 16789 and 67890 differ', // contain the digits, are not the SSN's last four
    'Bakery opening hours',
    'Flat rate applies',
  ])('leaves %j alone', (text) => {
    expect(redactor.redact(text)).toBe(text);
  });
});

describe('numbers in a message about the birth date', () => {
  let fake: Awaited<ReturnType<typeof fakeProvider>>;
  beforeAll(async () => {
    fake = await fakeProvider();
  });
  afterAll(() => fake.close());

  it('Argyle’s per-part errors ({"month": ["3"], "day": ["9 is bad"]}) keep no digit, and name the part', async () => {
    fake.answer = {
      status: 400,
      body: { birth_date: { year: ['1987 is bad'], month: ['3'], day: ['9 is bad'] } },
    };
    const error = (await rejection(() =>
      fake.identity.forTenant('argyle-v2').createUser(US),
    )) as InvalidInputError;
    expect(error.code).toBe('invalid_input');
    expect(error.fieldErrors.birthDate).toEqual([
      `year: ${REDACTED} is bad`,
      `month: ${REDACTED}`,
      `day: ${REDACTED} is bad`,
    ]);
    expect(JSON.stringify(error)).not.toMatch(/"(?:3|9 is bad)"/);
  });

  it('the same words under another field keep their numbers (only birth-date messages lose them)', async () => {
    fake.answer = { status: 400, body: { first_name: ['Must be at most 3 words'] } };
    const error = (await rejection(() =>
      fake.identity.forTenant('argyle-v2').createUser(US),
    )) as InvalidInputError;
    expect(error.fieldErrors.firstName).toEqual(['Must be at most 3 words']);
  });
});

describe('a request id that encodes a value', () => {
  it.each([
    ['base64 of the SSN', 'MTIzLTQ1LTY3ODk'],
    ['base64 of the SSN, padded', 'MTIzLTQ1LTY3ODk='],
    ['base64 of the name (and a stray character)', 'U2FyYWggTG9uZ2ZpZWxk0'],
    ['base64 after a prefix', 'req_MTIzLTQ1LTY3ODk'],
    ['hex of the SSN’s digits', '313233343536373839'],
    ['hex of the name', Buffer.from('Sarah Longfield').toString('hex')],
  ])('%s is dropped', (_label, id) => {
    expect(safeRequestId(id, redactor)).toBeUndefined();
  });

  it('base64 of another SSN-shaped value is dropped without a redactor too', () => {
    expect(safeRequestId(Buffer.from('078-05-1120').toString('base64url'))).toBeUndefined();
  });

  it.each([
    ['a UUID', '018051aa-f7a9-a0db-2f38-6cfa325e9d69'],
    ['hex', '9f1c2b3a4d5e6f70'],
    ['an opaque token', 'Xk3_9fQzP1-aB7'],
    ['base64 of harmless text', Buffer.from('request 42 ok').toString('base64url')],
  ])('%s is kept', (_label, id) => {
    expect(safeRequestId(id, redactor)).toBe(id);
  });

  it('through a provider: the base64 of the SSN never reaches the error', async () => {
    const fake = await fakeProvider();
    try {
      fake.answer = { status: 400, body: { detail: 'x' }, headers: { 'x-request-id': 'MTIzLTQ1LTY3ODk' } };
      const error = (await rejection(() =>
        fake.identity.forTenant('argyle-v2').createUser(US),
      )) as InvalidInputError;
      expect(error.code).toBe('invalid_input');
      expect(error.requestId).toBeUndefined();
      expect(JSON.stringify(error)).not.toContain('MTIzLTQ1LTY3ODk');
    } finally {
      await fake.close();
    }
  });
});

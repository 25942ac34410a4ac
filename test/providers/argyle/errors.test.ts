/** Reading Argyle's error bodies into neutral field errors and safe messages. */
import { describe, expect, it } from 'vitest';
import { describeArgyleError, neutralPath } from '../../../providers/argyle/errors.js';

describe('describeArgyleError', () => {
  it('maps the documented 400 field map to neutral names', () => {
    expect(describeArgyleError(400, { email: ['Enter a valid email address.'] })).toEqual({
      messages: [],
      fieldErrors: { email: ['Enter a valid email address.'] },
    });
    expect(describeArgyleError(400, { phone_number: ['Enter a valid phone number.'] }).fieldErrors).toEqual({
      phone: ['Enter a valid phone number.'],
    });
  });

  it('reads nested and dotted paths alike', () => {
    const nested = describeArgyleError(400, {
      birth_date: { year: ['Too early.'], day: ['Too big.'] },
      address: { postal_code: ['Invalid.'], country: 'Unknown.' },
      open_banking: { end_user: { phone: ['Must be 10 or 11 digits.'] } },
    });
    expect(nested.fieldErrors).toEqual({
      // The part of the birth date a message is about is named (the core redacts its numbers).
      birthDate: ['year: Too early.', 'day: Too big.'],
      'address.postalCode': ['Invalid.'],
      'address.country': ['Unknown.'],
      'providerOptions.argyle.openBanking.phone': ['Must be 10 or 11 digits.'],
    });
    const dotted = describeArgyleError(400, {
      'birth_date.year': ['Too early.'],
      'address.postal_code': ['Invalid.'],
    });
    expect(dotted.fieldErrors).toEqual({
      birthDate: ['year: Too early.'],
      'address.postalCode': ['Invalid.'],
    });
  });

  it('keeps request-level and unknown-field messages as messages', () => {
    expect(describeArgyleError(401, { detail: 'Invalid username/password.' })).toEqual({
      messages: ['Invalid username/password.'],
    });
    expect(describeArgyleError(400, { non_field_errors: ['Bad.'], surprise_field: ['Odd.'] })).toEqual({
      messages: ['Bad.', 'surprise_field: Odd.'],
    });
    expect(describeArgyleError(400, ['Something went wrong.'])).toEqual({
      messages: ['Something went wrong.'],
    });
  });

  it('never cuts a message: the core redacts before it bounds the length', () => {
    const long = `${'x'.repeat(600)} 123-45-6789 is taken`;
    expect(describeArgyleError(400, { ssn: [long], detail: long })).toEqual({
      messages: [long],
      fieldErrors: { nationalId: [long] },
    });
  });

  it('survives bodies of any other shape', () => {
    for (const body of [
      undefined,
      null,
      '<html>502</html>',
      42,
      true,
      [1, { a: 2 }],
      { email: 42 },
      { email: [null, {}] },
    ]) {
      const description = describeArgyleError(500, body);
      expect(Array.isArray(description.messages)).toBe(true);
    }
    // A deeply nested body is cut off rather than walked forever.
    let deep: Record<string, unknown> = { email: ['x'] };
    for (let i = 0; i < 50; i++) deep = { address: deep };
    expect(() => describeArgyleError(400, deep)).not.toThrow();
  });
});

describe('neutralPath', () => {
  it.each([
    ['first_name', 'firstName'],
    ['last_name', 'lastName'],
    ['phone_number', 'phone'],
    ['ssn', 'nationalId'],
    ['birth_date.month', 'birthDate'],
    ['address.line1', 'address.line1'],
    ['address.postal_code', 'address.postalCode'],
    ['address.nowhere', 'address'],
    ['external_metadata', 'metadata'],
    ['external_metadata.notes', 'metadata'],
    ['external_id', 'externalId'],
    ['open_banking.end_user', 'providerOptions.argyle.openBanking'],
    ['open_banking.end_user.zip', 'providerOptions.argyle.openBanking.zip'],
    ['user', 'userId'],
    ['limit', 'pageSize'],
  ])('%s → %s', (wire, neutral) => {
    expect(neutralPath(wire)).toBe(neutral);
  });

  it('leaves unknown names unmapped', () => {
    expect(neutralPath('cursor')).toBeUndefined();
    expect(neutralPath('')).toBeUndefined();
  });
});

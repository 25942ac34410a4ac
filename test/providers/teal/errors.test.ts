/** Reading Teal's error bodies into messages and neutral field errors. */
import { describe, expect, it } from 'vitest';
import { describeTealError } from '../../../providers/teal/errors.js';
import type { InvalidInputError } from '../../../src/errors.js';
import { errorFromStatus } from '../../../src/http/errors.js';
import { Redactor } from '../../../src/redact.js';

describe('describeTealError', () => {
  it('accepts errors as an array or as a string', () => {
    expect(
      describeTealError(401, { errors: ['No X-API-KEY header provided or wrong value'] }).messages,
    ).toEqual(['No X-API-KEY header provided or wrong value']);
    expect(
      describeTealError(401, { errors: 'No X-API-KEY header provided or wrong value' }).messages,
    ).toEqual(['No X-API-KEY header provided or wrong value']);
  });

  it('reports a 400 naming Teal fields under the neutral names, with the names rewritten', () => {
    const d = describeTealError(400, {
      errors: ['post_codes must not be empty', 'recurring_check_end_date is invalid', 'something else'],
    });
    expect(d.fieldErrors).toEqual({
      'address.postalCode': ['address.postalCode must not be empty'],
      'providerOptions.teal.recurringChecks.endDate': [
        'providerOptions.teal.recurringChecks.endDate is invalid',
      ],
    });
    expect(d.messages).toContain('something else');
  });

  it('gives no field errors outside a 400, and nothing for a body that is not Teal-shaped', () => {
    expect(describeTealError(404, { errors: 'user_id not found' }).fieldErrors).toBeUndefined();
    expect(describeTealError(500, undefined)).toEqual({ messages: [] });
    expect(describeTealError(400, { detail: 'x' })).toEqual({ messages: [] });
    expect(describeTealError(400, '<html>')).toEqual({ messages: [] });
  });

  it('bounds how many messages a hostile body can put in an error', () => {
    const d = describeTealError(409, { errors: Array.from({ length: 100 }, () => 'x'.repeat(10_000)) });
    expect(d.messages).toHaveLength(20);
  });

  it('never cuts a message itself: a cut before redaction could let part of a value through', () => {
    // The core redacts first, then cuts (test/unit/http/provider-text.test.ts).
    const message = `${'x'.repeat(494)} QQ123456C is not a valid ni_number`;
    const d = describeTealError(400, { errors: [message] });
    expect(d.messages).toEqual([message.replace('ni_number', 'nationalId')]);
    expect(d.fieldErrors?.nationalId?.[0]).toContain('QQ123456C');
  });

  it('with the core: a value straddling the old 500-character cut leaves no part behind', () => {
    const redactor = new Redactor(['QQ123456C', 'SW1A 2AA']);
    for (let pad = 485; pad <= 500; pad++) {
      const body = { errors: [`${'x'.repeat(pad)} QQ123456C and SW1A 2AA are not valid for ni_number`] };
      const error = errorFromStatus(400, {}, describeTealError(400, body), redactor, {
        provider: 'teal',
        operation: 'createUser',
      }) as InvalidInputError;
      const text = JSON.stringify(error.toJSON());
      for (const part of ['QQ1', '456C', 'SW1A', '2AA']) expect(text).not.toContain(part);
      expect(Object.keys(error.fieldErrors)).toEqual(['nationalId']);
    }
  });
});

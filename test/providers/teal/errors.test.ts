/** Reading Teal's error bodies into messages and neutral field errors. */
import { describe, expect, it } from 'vitest';
import { describeTealError } from '../../../providers/teal/errors.js';

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

  it('bounds what a hostile body can put in an error', () => {
    const d = describeTealError(409, { errors: Array.from({ length: 100 }, () => 'x'.repeat(10_000)) });
    expect(d.messages).toHaveLength(20);
    expect(d.messages.every((m) => m.length === 500)).toBe(true);
  });
});

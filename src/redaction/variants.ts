/**
 * The forms a secret value can come back in, beyond the separator-, case- and encoding-insensitive
 * form every value gets (./normalise.ts):
 * - a phone number (E.164) in national form: `+14155550123` as `(415) 555-0123`, `4155550123`;
 *   `+447700900123` as `07700 900123`;
 * - an email's local part on its own;
 * - a National Insurance number's digits, with and without its prefix;
 * - a date (`1987-03-09`) written without separators in any order (`09031987`, `391987`), and its
 *   day, month (number or name) and year as separate words, which the redactor matches when two of
 *   them appear in one text ("Day 9 of month 3 of 1987", "9 March 1987", "March 9, 1987").
 */
import { normaliseValue } from './normalise.js';

/** A date's parts as the words a text may spell them in. */
export interface DateWords {
  day: ReadonlySet<string>;
  month: ReadonlySet<string>;
  /** The four-digit year (redacted on its own too) and its two-digit form. */
  year: ReadonlySet<string>;
  /** The four-digit year. */
  fullYear: string;
}

const MONTHS = [
  ['january', 'jan'],
  ['february', 'feb'],
  ['march', 'mar'],
  ['april', 'apr'],
  ['may'],
  ['june', 'jun'],
  ['july', 'jul'],
  ['august', 'aug'],
  ['september', 'sep', 'sept'],
  ['october', 'oct'],
  ['november', 'nov'],
  ['december', 'dec'],
] as const;

/** A value that starts like a calendar date (a date or a date-time). Bounded before matching. */
const DATE_START = /^(\d{4})-(\d{2})-(\d{2})(?:$|T)/;
const E164 = /^\+(\d{7,15})$/;
const NI_NUMBER = /^([A-Za-z]{2})\s*(\d{2})\s*(\d{2})\s*(\d{2})\s*[A-Da-d]$/;

/** The date a value holds, as words (`undefined` when it is not a date). */
export function dateWords(value: string): DateWords | undefined {
  if (value.length > 40) return undefined;
  const m = DATE_START.exec(value.trim());
  if (!m) return undefined;
  const [, y, mm, dd] = m as unknown as [string, string, string, string];
  const month = Number(mm);
  const day = Number(dd);
  if (month < 1 || month > 12 || day < 1 || day > 31) return undefined;
  return {
    day: new Set([dd, String(day)]),
    month: new Set([mm, String(month), ...(MONTHS[month - 1] as readonly string[])]),
    year: new Set([y, y.slice(2)]),
    fullYear: y,
  };
}

/** Every normalised key `value` should be matched by (its own normalised form first). */
export function keysOf(value: string): string[] {
  const keys = [normaliseValue(value)];
  if (value.length > 320) return keys;
  const v = value.trim();
  const date = DATE_START.exec(v);
  if (date) {
    const [, y, mm, dd] = date as unknown as [string, string, string, string];
    const days = new Set([dd, String(Number(dd))]);
    const months = new Set([mm, String(Number(mm))]);
    for (const d of days) {
      for (const m of months) keys.push(d + m + y, m + d + y, y + m + d);
    }
    keys.push(dd + mm + y.slice(2), mm + dd + y.slice(2), y.slice(2) + mm + dd);
  }
  const phone = E164.exec(v);
  if (phone) {
    const digits = phone[1] as string;
    // The country code is 1 to 3 digits; national forms drop it, and most add a trunk 0.
    for (let cc = 1; cc <= 3; cc++) {
      const national = digits.slice(cc);
      if (national.length >= 6) keys.push(national, `0${national}`);
    }
  }
  const at = v.indexOf('@');
  if (at > 0) keys.push(normaliseValue(v.slice(0, at)));
  const ni = NI_NUMBER.exec(v);
  if (ni) {
    const digits = `${ni[2]}${ni[3]}${ni[4]}`;
    keys.push(digits, `${(ni[1] as string).toLowerCase()}${digits}`);
  }
  return keys;
}

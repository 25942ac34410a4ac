/**
 * The forms a secret value can come back in, beyond the separator-, case- and encoding-insensitive
 * form every value gets (./normalise.ts):
 * - a phone number (E.164) in national form: `+14155550123` as `(415) 555-0123`, `4155550123`;
 *   `+447700900123` as `07700 900123`;
 * - an email's local part on its own;
 * - a National Insurance number's digits, with and without its prefix;
 * - a date (`1987-03-09`) written without separators in any order (`09031987`, `391987`), and its
 *   day, month (number or name) and year as separate words, which the redactor matches when two of
 *   them appear in one text ("Day 9 of month 3 of 1987", "9 March 1987", "March 9, 1987");
 * - partial forms ({@link wordsOf}, matched as whole words only): an SSN's last four digits ("SSN
 *   ending 6789"), a phone's last four, and the words of a name or an address line ("Baker" of
 *   "221 Baker Street", not "Street"); and, as keys, a phone's last seven digits (its local number,
 *   `555-0123`) and an address's house number with the street's name (`221 Baker`, `221 Baker St`).
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

const SSN = /^\d{3}-?\d{2}-?\d{4}$/;
/** Text that reads like a name or an address line: letters, digits, spaces and their punctuation. */
const NAME_OR_ADDRESS = /^[\p{L}\p{M}\d '’.,\-/#&()]+$/u;
const WORD_SEPARATORS = /[\s'’.,\-/#&()]+/u;
const LETTERS = /^[\p{L}\p{M}]+$/u;
/** A house number (`221`, `12A`, `4-6`) and the word after it. */
const HOUSE_NUMBER = /^(\d{1,6}[A-Za-z]?(?:-\d{1,6})?),?\s+([\p{L}\p{M}]+)/u;
/** The longest value whose words are looked at (a name is at most 100 characters, an address line 200). */
const MAX_WORDED_LENGTH = 200;
/** Most words one value gives. */
const MAX_WORDS = 12;

/**
 * Words too common to redact on their own, although they are part of an address or a name: street
 * types, directions, flats and floors, and particles. "221 Baker Street" gives "Baker", never
 * "Street" (which would blank "Street is required" in every message about the field).
 */
const COMMON_WORDS: ReadonlySet<string> = new Set(
  (
    'street road avenue ave lane drive court place square boulevard blvd way terrace close crescent ' +
    'gardens garden grove hill park row walk mews parade highway hwy route parkway pkwy circle cir ' +
    'trail trl plaza alley loop north south east west upper lower old new the and for apt ' +
    'apartment flat suite ste unit floor building bldg house block room box lot city town county ' +
    'saint mount fort port beach springs falls heights village center centre van von der den del ' +
    'della des les bin ibn mrs miss'
  ).split(' '),
);

/**
 * The partial forms of `value` that are redacted as whole words only (a normalised token equal to
 * one): an SSN's last four digits, a phone's last four, and each word of three or more letters of
 * a value that reads like a name or an address line, except {@link COMMON_WORDS}. Whole words, so
 * that "6789" does not blank part of a longer number, nor "Ann" part of "annual".
 */
export function wordsOf(value: string): string[] {
  if (value.length > MAX_WORDED_LENGTH) return [];
  const v = value.trim();
  if (SSN.test(v)) return [v.slice(-4)];
  const phone = E164.exec(v);
  if (phone) return [(phone[1] as string).slice(-4)];
  if (!NAME_OR_ADDRESS.test(v)) return [];
  const words: string[] = [];
  for (const piece of v.split(WORD_SEPARATORS)) {
    if (words.length >= MAX_WORDS) break;
    if (!LETTERS.test(piece)) continue;
    const word = normaliseValue(piece);
    if (word.length >= 3 && !COMMON_WORDS.has(word)) words.push(word);
  }
  // One word is the value itself, already a key.
  return words.length > 1 || (words.length === 1 && normaliseValue(v) !== words[0]) ? words : [];
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
    // The local number alone (`555-0123` of `+1 415 555 0123`).
    if (digits.length >= 10) keys.push(digits.slice(-7));
  }
  if (v.length <= MAX_WORDED_LENGTH) {
    const house = HOUSE_NUMBER.exec(v);
    const street = house?.[2];
    // "221 Baker" (so "221 Baker St" too), unless the word after the number is a common one.
    if (house && street && !COMMON_WORDS.has(normaliseValue(street))) {
      keys.push(normaliseValue(`${house[1]}${street}`));
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

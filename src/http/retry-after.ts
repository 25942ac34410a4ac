/**
 * `Retry-After` (RFC 9110 §10.2.3): `delay-seconds` (one or more digits) or an `HTTP-date`, nothing
 * else. `Date.parse` is far more lenient ("-5", "5, 1" and "1 2" are all dates to it, in the past, so
 * "retry now"), so the three HTTP-date forms are matched exactly here. Anything else is ignored, as
 * if the header were absent; the client never waits past the call's deadline whatever it says.
 *
 * What it asks for is capped at {@link MAX_RETRY_AFTER_MS} (one day): `rate_limited.retryAfterMs`
 * reaches hosts, who pass it to `setTimeout`, and Node turns any delay past 2^31 - 1 ms (24.8 days)
 * into 1 ms. A provider asking for more than a day is told back as one day.
 */
import { MAX_RETRY_AFTER_MS } from '../errors.js';

/** Longer than any valid value (an IMF-fixdate is 29 characters): not looked at. */
const MAX_LENGTH = 64;
const DIGITS = /^\d+$/;
const WEEKDAY = '(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)';
const WEEKDAY_LONG = '(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)';
const MONTH = '(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)';
const TIME = '(\\d{2}):(\\d{2}):(\\d{2})';
/** `Sun, 06 Nov 1994 08:49:37 GMT` (the preferred form). */
const IMF_FIXDATE = new RegExp(`^${WEEKDAY}, (\\d{2}) ${MONTH} (\\d{4}) ${TIME} GMT$`);
/** `Sunday, 06-Nov-94 08:49:37 GMT` (obsolete, still to be accepted). */
const RFC850_DATE = new RegExp(`^${WEEKDAY_LONG}, (\\d{2})-${MONTH}-(\\d{2}) ${TIME} GMT$`);
/** `Sun Nov  6 08:49:37 1994` (obsolete, still to be accepted). */
const ASCTIME_DATE = new RegExp(`^${WEEKDAY} ${MONTH} ([ \\d]\\d) ${TIME} (\\d{4})$`);
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Milliseconds since the epoch of a valid date and time (UTC), or `undefined`. */
function utc(year: number, month: string, day: number, h: number, m: number, s: number): number | undefined {
  const monthIndex = MONTHS.indexOf(month);
  if (h > 23 || m > 59 || s > 60 || day < 1) return undefined;
  const at = Date.UTC(year, monthIndex, day, h, m, Math.min(s, 59));
  // 31 Feb would roll over into March: not a date.
  if (new Date(at).getUTCDate() !== day) return undefined;
  return at;
}

/** An HTTP-date in any of its three forms, as epoch milliseconds; `undefined` for anything else. */
export function parseHttpDate(value: string): number | undefined {
  if (value.length > MAX_LENGTH) return undefined;
  let m = IMF_FIXDATE.exec(value);
  if (m) return utc(Number(m[3]), m[2]!, Number(m[1]), Number(m[4]), Number(m[5]), Number(m[6]));
  m = RFC850_DATE.exec(value);
  if (m) {
    // Two-digit years (RFC 9110: one more than 50 years ahead is the past century's).
    const yy = Number(m[3]);
    const century = Math.floor(new Date().getUTCFullYear() / 100) * 100;
    let year = century + yy;
    if (year > new Date().getUTCFullYear() + 50) year -= 100;
    return utc(year, m[2]!, Number(m[1]), Number(m[4]), Number(m[5]), Number(m[6]));
  }
  m = ASCTIME_DATE.exec(value);
  if (m) return utc(Number(m[6]), m[1]!, Number(m[2]!.trim()), Number(m[3]), Number(m[4]), Number(m[5]));
  return undefined;
}

/**
 * Returns milliseconds from `now` (0 for a date in the past), at most {@link MAX_RETRY_AFTER_MS}, or
 * `undefined` when the header is absent or not a valid `Retry-After`.
 */
export function parseRetryAfter(value: unknown, now: number = Date.now()): number | undefined {
  if (typeof value !== 'string' || value.length > MAX_LENGTH) return undefined;
  // Optional whitespace around a field value is not part of it (RFC 9110 §5.5).
  const v = value.trim();
  if (v === '') return undefined;
  if (DIGITS.test(v)) return Math.min(Number(v) * 1000, MAX_RETRY_AFTER_MS);
  const at = parseHttpDate(v);
  return at === undefined ? undefined : Math.min(Math.max(0, at - now), MAX_RETRY_AFTER_MS);
}

/**
 * Dates between the neutral model (`YYYY-MM-DD`, a calendar day) and Teal's `Date` schema (a
 * date-time, documented as UTC midnight: `2019-05-17T00:00:00.000Z`, https://docs.goteal.co).
 *
 * Pure string work on purpose: going through `Date` and local-time getters is how a birth date
 * moves by a day in America/Los_Angeles or across a DST change in Europe/London.
 */
import { parseCalendarDate } from '../../src/provider/index.js';

const DATE_TIME_RE = /^(\d{4}-\d{2}-\d{2})(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

/** A neutral calendar day as Teal's date-time: that day at 00:00 UTC. */
export function toTealDate(day: string): string {
  if (!parseCalendarDate(day)) throw new TypeError('not a calendar date in the form YYYY-MM-DD');
  return `${day}T00:00:00.000Z`;
}

/**
 * The calendar day a Teal date-time names, as written, or `undefined` when it is not one. The day
 * is read from the text rather than converted: Teal documents UTC midnight, and a date of birth is
 * a day, not an instant, so an offset (should one appear) must not move it to the previous day.
 */
export function fromTealDate(value: string): string | undefined {
  const m = DATE_TIME_RE.exec(value);
  const day = m?.[1];
  return day !== undefined && parseCalendarDate(day) ? day : undefined;
}

/**
 * Birth dates and end dates must not drift a day whatever the host's time zone. This file switches
 * the process's zone (Node re-reads `process.env.TZ` on assignment; vitest runs files in forked
 * processes, and this file puts the zone back when it ends) to Europe/London and America/Los_Angeles, proves each zone is really in effect,
 * and checks the Teal date mapping across DST changes in both. A control shows that a local-time
 * implementation would fail here, so these tests can fail.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromTealDate, toTealDate } from '../../../providers/teal/dates.js';
import { fromTealUser, toTealCreateBody } from '../../../providers/teal/mappers.js';
import { TealUserSchema } from '../../../providers/teal/wire.js';

const ZONES = [
  // getTimezoneOffset(): minutes to add to local time to get UTC.
  { tz: 'Europe/London', january: 0, july: -60 },
  { tz: 'America/Los_Angeles', january: 480, july: 420 },
] as const;

/** Days on, before and after the 2024 and 1990 DST changes of both zones, and other edges. */
const DAYS = [
  '2024-03-09',
  '2024-03-10',
  '2024-03-11', // US spring forward (10 March 2024)
  '2024-03-30',
  '2024-03-31',
  '2024-04-01', // UK spring forward (31 March 2024)
  '2024-10-26',
  '2024-10-27',
  '2024-10-28', // UK fall back (27 October 2024)
  '2024-11-02',
  '2024-11-03',
  '2024-11-04', // US fall back (3 November 2024)
  '1990-03-25',
  '1990-10-28',
  '1990-05-17',
  '2000-02-29',
  '1970-01-01',
  '1969-12-31',
  '1900-01-01',
  '1999-12-31',
];

function naiveToWire(day: string): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Date(y, m - 1, d).toISOString(); // local midnight: the classic bug
}
function naiveFromWire(value: string): string {
  const date = new Date(value); // local getters: the other classic bug
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

const originalTz = process.env.TZ;
afterAll(() => {
  if (originalTz === undefined) delete process.env.TZ;
  else process.env.TZ = originalTz;
});

for (const zone of ZONES) {
  describe(`with TZ=${zone.tz}`, () => {
    beforeAll(() => {
      process.env.TZ = zone.tz;
    });

    it('the zone is really in effect (offsets in January and July)', () => {
      expect(new Date(2024, 0, 15).getTimezoneOffset()).toBe(zone.january);
      expect(new Date(2024, 6, 15).getTimezoneOffset()).toBe(zone.july);
    });

    it('control: a local-time conversion drifts here, so the checks below can fail', () => {
      const drifted = DAYS.filter(
        (day) => naiveToWire(day) !== `${day}T00:00:00.000Z` || naiveFromWire(`${day}T00:00:00.000Z`) !== day,
      );
      expect(drifted.length).toBeGreaterThan(0);
    });

    it('toTealDate is UTC midnight of the same day; fromTealDate reads the same day back', () => {
      for (const day of DAYS) {
        const wire = toTealDate(day);
        expect(wire).toBe(`${day}T00:00:00.000Z`);
        expect(new Date(wire).toISOString().slice(0, 10)).toBe(day);
        expect(fromTealDate(wire)).toBe(day);
      }
    });

    it('birthDate and recurring-check end date survive neutral → wire → neutral through the mappers', () => {
      for (const day of DAYS) {
        const body = toTealCreateBody(
          { firstName: 'Jo', lastName: 'Doe', birthDate: day, address: { postalCode: 'SW1A 2AA' } },
          { payrollPeriodMonths: 12, recurringChecks: { endDate: day } },
        );
        const wire = TealUserSchema.parse({
          ...body,
          user_id: 'u-1',
          created_at: '2024-01-01T00:00:00.000Z',
        });
        const user = fromTealUser(wire);
        expect(user.birthDate).toBe(day);
        expect(user.providerData?.recurringChecks).toEqual({ endDate: day });
      }
    });

    it('Teal date-times with other spellings or offsets keep their written day', () => {
      expect(fromTealDate('2024-03-31')).toBe('2024-03-31');
      expect(fromTealDate('2024-03-31T00:00:00Z')).toBe('2024-03-31');
      expect(fromTealDate('2024-03-31T00:00:00.000+01:00')).toBe('2024-03-31');
      expect(fromTealDate('2024-11-03T00:00:00-07:00')).toBe('2024-11-03');
      expect(fromTealDate('2024-02-30T00:00:00.000Z')).toBeUndefined();
      expect(fromTealDate('31/03/2024')).toBeUndefined();
    });

    it('property: every day from 1900 to 2100 round-trips', () => {
      const day = fc
        .date({
          min: new Date('1900-01-01T00:00:00.000Z'),
          max: new Date('2100-12-31T00:00:00.000Z'),
          noInvalidDate: true,
        })
        .map((d) => d.toISOString().slice(0, 10));
      fc.assert(
        fc.property(day, (d) => fromTealDate(toTealDate(d)) === d && toTealDate(d) === `${d}T00:00:00.000Z`),
        { numRuns: 300 },
      );
    });
  });
}

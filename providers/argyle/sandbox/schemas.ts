/**
 * What the Argyle emulator accepts, read strictly from the documents: every documented field with
 * its documented type and limits, and nothing else (unknown fields are refused). Messages are DRF's.
 *
 * - v2 create/update bodies: Argyle users reference, https://docs.argyle.com/api-reference/users#create
 *   and #update.
 * - v1 bodies: Argyle legacy users reference, https://docs.argyle.com/legacy/api-reference/users (only
 *   `external_metadata`; user tokens take `{user}`:
 *   https://docs.argyle.com/legacy/api-reference/user-tokens).
 */
import { z } from 'zod';
import { COUNTRY_CODES } from '../../../src/provider/index.js';

/** 8-4-4-4-12 hex digits. Argyle's own example ids (`018051aa-f7a9-a0db-2f38-…`) are not RFC 4122 variants. */
export const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Close to Django's EmailValidator: dot-atom local part, dotted domain with a 2+ letter top label. */
const EMAIL_RE =
  /^[-!#$%&'*+/=?^_`{}|~0-9A-Z]+(\.[-!#$%&'*+/=?^_`{}|~0-9A-Z]+)*@((?:[A-Z0-9](?:[A-Z0-9-]{0,61}[A-Z0-9])?\.)+)[A-Z0-9-]{2,63}$/i;

/**
 * "E.164 international format recommended" and "invalid phone numbers will cause the request to
 * fail": the documents do not say which other formats pass, so the emulator accepts E.164 only.
 */
const PHONE_RE = /^\+[1-9]\d{6,14}$/;

/** open_banking.end_user.phone: "Must be 10 or 11 digits (with or without hyphens)." */
const LENDER_PHONE_RE = /^(?:\d-?){9,10}\d$/;

const str = z.string();

const AddressSchema = z.strictObject({
  city: str.optional(),
  line1: str.optional(),
  line2: str.optional(),
  state: str.optional(),
  country: str
    .refine((v) => COUNTRY_CODES.has(v), 'Enter a valid two-letter country code (ISO 3166-1 alpha-2).')
    .optional(),
  postal_code: str.optional(),
});

const int = (min: number, max?: number) => {
  const base = z
    .number()
    .int('A valid integer is required.')
    .min(min, `Ensure this value is greater than or equal to ${min}.`);
  return max === undefined ? base : base.max(max, `Ensure this value is less than or equal to ${max}.`);
};

const BirthDateSchema = z
  .strictObject({
    year: int(1900).optional(),
    month: int(1, 12).optional(),
    day: int(1, 31).optional(),
  })
  .refine(
    ({ year, month, day }) =>
      year === undefined || month === undefined || day === undefined || isCalendarDay(year, month, day),
    { message: 'Invalid date.', path: ['non_field_errors'] },
  );

const OpenBankingSchema = z.strictObject({
  end_user: z
    .strictObject({
      name: str.optional(),
      address: str.optional(),
      city: str.optional(),
      state: str.optional(),
      zip: str.optional(),
      phone: str.regex(LENDER_PHONE_RE, 'Must be 10 or 11 digits.').optional(),
    })
    .optional(),
});

/**
 * Body of `POST /v2/users` and `PATCH /v2/users/{id}` (same properties in both; Argyle users reference:
 * https://docs.argyle.com/api-reference/users#create, #update).
 */
export const V2UserBodySchema = z.strictObject({
  first_name: str.optional(),
  last_name: str.optional(),
  email: str.regex(EMAIL_RE, 'Enter a valid email address.').optional(),
  phone_number: str.regex(PHONE_RE, 'Enter a valid phone number.').optional(),
  ssn: str.optional(),
  address: AddressSchema.optional(),
  birth_date: BirthDateSchema.optional(),
  // The schema types it `object` (the User description's "string or object" is the looser reading).
  external_metadata: z.record(z.string(), z.unknown()).optional(),
  open_banking: OpenBankingSchema.optional(),
  external_id: str.max(100, 'Ensure this field has no more than 100 characters.').optional(),
});
export type V2UserBody = z.output<typeof V2UserBodySchema>;

/**
 * "Any valid JSON, such as a string or an object."
 * (https://docs.argyle.com/legacy/api-reference/users#create). `null` is JSON too, but not "metadata".
 */
const AnyJson = z.union([
  z.string(),
  z.number(),
  z.boolean(),
  z.array(z.unknown()),
  z.record(z.string(), z.unknown()),
]);

/** Body of `POST /v1/users` and `PATCH /v1/users/{id}`. */
export const V1UserBodySchema = z.strictObject({ external_metadata: AnyJson.optional() });

/** Body of `POST /v2/user-tokens` and `POST /v1/user-tokens`. */
export const UserTokenBodySchema = z.strictObject({
  user: str.regex(UUID_RE, 'Must be a valid UUID.'),
});

function isCalendarDay(year: number, month: number, day: number): boolean {
  const probe = new Date(Date.UTC(year, month - 1, day));
  return probe.getUTCFullYear() === year && probe.getUTCMonth() === month - 1 && probe.getUTCDate() === day;
}

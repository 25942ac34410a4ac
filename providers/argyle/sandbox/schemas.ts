/**
 * What the Argyle emulator accepts, read from the documents: every documented field with its
 * documented type, and the checks the documents state — the ones they say make a request fail
 * (email, phone number) and the limits they give in numbers (`external_id` ≤ 100 characters, birth
 * date ranges, the lender phone's 10–11 digits). Formats the documents only describe (an ISO
 * country code, E.164 "recommended") are not enforced. Fields the documents do not list are
 * dropped, or refused under the emulator option `unknownFields: 'reject'`. Messages are DRF's.
 *
 * - v2 create/update bodies: Argyle users reference, https://docs.argyle.com/api-reference/users#create
 *   and #update.
 * - v1 bodies: Argyle legacy users reference, https://docs.argyle.com/legacy/api-reference/users (only
 *   `external_metadata`; user tokens take `{user}`:
 *   https://docs.argyle.com/legacy/api-reference/user-tokens).
 */
import { z } from 'zod';

/** How fields and query parameters the documents do not list are handled (emulator option). */
export type UnknownFields = 'ignore' | 'reject';

/** 8-4-4-4-12 hex digits. Argyle's own example ids (`018051aa-f7a9-a0db-2f38-…`) are not RFC 4122 variants. */
export const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Close to Django's EmailValidator: dot-atom local part, dotted domain with a 2+ letter top label. */
const EMAIL_RE =
  /^[-!#$%&'*+/=?^_`{}|~0-9A-Z]+(\.[-!#$%&'*+/=?^_`{}|~0-9A-Z]+)*@((?:[A-Z0-9](?:[A-Z0-9-]{0,61}[A-Z0-9])?\.)+)[A-Z0-9-]{2,63}$/i;

/**
 * "E.164 international format recommended" and "invalid phone numbers will cause the request to
 * fail": E.164 is recommended, not required, so a number written nationally with the usual
 * separators (`(415) 555-0123`, `415.555.0123`) passes too. A phone number is 8 to 15 digits (the
 * shortest country code and subscriber number together, E.164's maximum), with an optional leading
 * `+`, separated by spaces, dots, hyphens or brackets; anything else (letters, an extension, a
 * local number without its area code, too many digits) is invalid. Argyle's own check is
 * undocumented: a number this accepts may still fail its numbering-plan rules.
 */
const PHONE_RE = /^\+?[\d ().-]{8,30}$/;
const MIN_PHONE_DIGITS = 8;
const MAX_PHONE_DIGITS = 15;

function isPhoneNumber(value: string): boolean {
  if (!PHONE_RE.test(value)) return false;
  const digits = value.replace(/\D/g, '').length;
  return digits >= MIN_PHONE_DIGITS && digits <= MAX_PHONE_DIGITS;
}

/** open_banking.end_user.phone: "Must be 10 or 11 digits (with or without hyphens)." */
const LENDER_PHONE_RE = /^(?:\d-?){9,10}\d$/;

const str = z.string();

/** An object schema that drops (`ignore`) or refuses (`reject`) properties it does not list. */
export function objectOf<T extends z.core.$ZodLooseShape>(shape: T, unknown: UnknownFields) {
  return unknown === 'reject' ? z.strictObject(shape) : z.object(shape);
}

const int = (min: number, max?: number) => {
  const base = z
    .number()
    .int('A valid integer is required.')
    .min(min, `Ensure this value is greater than or equal to ${min}.`);
  return max === undefined ? base : base.max(max, `Ensure this value is less than or equal to ${max}.`);
};

/**
 * Body of `POST /v2/users` and `PATCH /v2/users/{id}` (same properties in both; Argyle users reference:
 * https://docs.argyle.com/api-reference/users#create, #update).
 */
export function v2UserBodySchema(unknown: UnknownFields) {
  const address = objectOf(
    {
      city: str.optional(),
      line1: str.optional(),
      line2: str.optional(),
      state: str.optional(),
      // "Two-letter country code (ISO 3166-1 alpha-2 format)": a description, not a check.
      country: str.optional(),
      postal_code: str.optional(),
    },
    unknown,
  );
  const birthDate = objectOf(
    { year: int(1900).optional(), month: int(1, 12).optional(), day: int(1, 31).optional() },
    unknown,
  );
  const openBanking = objectOf(
    {
      end_user: objectOf(
        {
          name: str.optional(),
          address: str.optional(),
          city: str.optional(),
          state: str.optional(),
          zip: str.optional(),
          phone: str.regex(LENDER_PHONE_RE, 'Must be 10 or 11 digits.').optional(),
        },
        unknown,
      ).optional(),
    },
    unknown,
  );
  return objectOf(
    {
      first_name: str.optional(),
      last_name: str.optional(),
      email: str.regex(EMAIL_RE, 'Enter a valid email address.').optional(),
      phone_number: str.refine(isPhoneNumber, 'Enter a valid phone number.').optional(),
      ssn: str.optional(),
      address: address.optional(),
      birth_date: birthDate.optional(),
      // The schema types it `object` (the User description's "string or object" is the looser reading).
      external_metadata: z.record(z.string(), z.unknown()).optional(),
      open_banking: openBanking.optional(),
      external_id: str.max(100, 'Ensure this field has no more than 100 characters.').optional(),
    },
    unknown,
  );
}
export type V2UserBody = z.output<ReturnType<typeof v2UserBodySchema>>;

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
export function v1UserBodySchema(unknown: UnknownFields) {
  return objectOf({ external_metadata: AnyJson.optional() }, unknown);
}

/** Body of `POST /v2/user-tokens` and `POST /v1/user-tokens`: `user` required, `format: uuid`. */
export function userTokenBodySchema(unknown: UnknownFields) {
  return objectOf({ user: str.regex(UUID_RE, 'Must be a valid UUID.') }, unknown);
}

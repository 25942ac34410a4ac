/**
 * The provider-neutral user model: zod schemas (validated before any request leaves the process)
 * and the types inferred from them.
 *
 * Rules come from what the providers document: email syntax and E.164 phones (Argyle rejects
 * invalid ones with a 400), a real calendar date of birth from 1900 on, an `external_id` of at most
 * 100 characters, ISO 3166-1 alpha-2 countries, and SSN / NI-number shapes. Every value is bounded
 * (./input-limits.ts) and the bound is checked first, so that no pattern ever runs over a huge value.
 *
 * Messages name the rule and never show an example shaped like personal data (a phone number, an
 * SSN): every message goes through pattern redaction, which would turn the example into
 * "[REDACTED]".
 */
import { z } from 'zod';
import { COUNTRY_CODES } from './countries.js';
import {
  externalIdProblem,
  type JsonLimits,
  jsonProblem,
  MAX_LENGTH,
  MAX_PREVIOUS_POSTAL_CODES,
  METADATA_LIMITS,
  nameProblem,
  PROVIDER_OPTIONS_LIMITS,
  textProblem,
} from './input-limits.js';

/** A JSON value, as Argyle's `external_metadata` ("any valid JSON") accepts. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
/** Schema of a {@link JsonValue} (finite numbers only). */
export const JsonValueSchema: z.ZodType<JsonValue> = z.custom<JsonValue>(
  (value) => isJsonValue(value, 0),
  'Must be JSON: strings, finite numbers, booleans, null, arrays and plain objects',
);

/**
 * A hand-written check rather than a recursive `z.union`: metadata is parsed on every create and
 * every Argyle response, and a lazy union of six branches per value cost more than the rest of the
 * input's validation together. Depth is capped so a cyclic or absurdly deep object is refused.
 */
function isJsonValue(value: unknown, depth: number): boolean {
  if (value === null) return true;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(value);
    case 'object': {
      if (depth >= 32) return false;
      if (Array.isArray(value)) return value.every((v) => isJsonValue(v, depth + 1));
      const proto = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) return false;
      for (const key in value) {
        if (!isJsonValue((value as Record<string, unknown>)[key], depth + 1)) return false;
      }
      return true;
    }
    default:
      return false;
  }
}

/** A string of at most `max` characters (code points, as zod counts); the bound is checked first and stops every later check. */
const bounded = (max: number) =>
  z.string().max(max, { message: `Must be at most ${max} characters`, abort: true });

/** The number the ASCII digits `value[from..to)` write, or -1 when one is not a digit. */
function digitsAt(value: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const digit = value.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return -1;
    n = n * 10 + digit;
  }
  return n;
}
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Parses `YYYY-MM-DD` into its parts when it names a real calendar day, otherwise `undefined`. */
export function parseCalendarDate(value: string):
  | {
      /** The year, e.g. 1990. */
      year: number;
      /** The month, 1–12. */
      month: number;
      /** The day of the month, 1–31. */
      day: number;
    }
  | undefined {
  // `^\d{4}-\d{2}-\d{2}$` read digit by digit: this runs several times on every create.
  if (value.length !== 10 || value.charCodeAt(4) !== 45 || value.charCodeAt(7) !== 45) return undefined;
  const year = digitsAt(value, 0, 4);
  const month = digitsAt(value, 5, 7);
  const day = digitsAt(value, 8, 10);
  if (year < 0 || month < 0 || day < 0) return undefined;
  return isCalendarDay(year, month, day) ? { year, month, day } : undefined;
}

/** Whether month and day (whole numbers) name a real day of `year` (whole, 0–9999). */
function isCalendarDay(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return day <= (month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1]!);
}

/**
 * A real calendar day given by its parts, as `YYYY-MM-DD`; `undefined` when a part is not a whole
 * number, the year is outside 0–9999, or the day does not exist (1990-02-30). What
 * {@link parseCalendarDate} reads back, without writing text to parse it again.
 */
export function formatCalendarDate(year: number, month: number, day: number): string | undefined {
  if (!Number.isInteger(year) || !Number.isInteger(month) || !Number.isInteger(day)) return undefined;
  if (year < 0 || year > 9999 || !isCalendarDay(year, month, day)) return undefined;
  const yyyy = year >= 1000 ? String(year) : String(year).padStart(4, '0');
  return `${yyyy}-${month < 10 ? '0' : ''}${month}-${day < 10 ? '0' : ''}${day}`;
}

/**
 * The latest date that is not in the future anywhere on Earth (UTC+14), as `YYYY-MM-DD`. Computed
 * at most once a minute: it is on the path of every create.
 */
let latestToday = { computedAt: Number.NEGATIVE_INFINITY, value: '' };
function latestDateOnEarth(): string {
  const now = Date.now();
  if (now - latestToday.computedAt > 60_000) {
    latestToday = { computedAt: now, value: new Date(now + 14 * 3_600_000).toISOString().slice(0, 10) };
  }
  return latestToday.value;
}

/** What is wrong with a birth date, if anything. */
function birthDateProblem(value: string): string | undefined {
  const date = parseCalendarDate(value);
  if (!date) return 'Must be a real calendar date in the form YYYY-MM-DD';
  if (date.year < 1900) return 'Must be in 1900 or later';
  if (value > latestDateOnEarth()) return 'Must not be in the future';
  return undefined;
}

/**
 * A check that passes when `problem` finds none, and reports what it finds as its message: a
 * `refine` (a predicate, which zod's compiled parser calls directly) rather than a `superRefine`
 * (a context object and an issue list on every parse, passing or not). The message is worked out
 * again only for a value that failed.
 */
const noProblem = (problem: (value: string) => string | undefined) =>
  [
    (value: string) => problem(value) === undefined,
    { error: (issue: { input?: unknown }) => problem(String(issue.input)) },
  ] as const;

/** A calendar date `YYYY-MM-DD`: a real day, year 1900 or later (Argyle), not in the future. */
export const BirthDateSchema = bounded(MAX_LENGTH.date).refine(...noProblem(birthDateProblem));

/** A calendar date `YYYY-MM-DD` with no other constraint (e.g. the end of a recurring-check schedule). */
export const CalendarDateSchema = bounded(MAX_LENGTH.date).refine(
  (v) => parseCalendarDate(v) !== undefined,
  'Must be a real calendar date in the form YYYY-MM-DD',
);

/** E.164: a `+`, a non-zero country digit, at most 15 digits in all. */
export const PhoneSchema = bounded(MAX_LENGTH.phone).regex(
  /^\+[1-9]\d{6,14}$/,
  'Must be an E.164 phone number: "+" then 7 to 15 digits (the first not 0), without spaces',
);

/** An email address (syntax only), at most 254 characters (RFC 5321). */
export const EmailSchema = bounded(MAX_LENGTH.email).pipe(z.email('Must be a valid email address'));

/** An ISO 3166-1 alpha-2 country code (`US`, `GB`). */
export const CountrySchema = bounded(2).refine(
  (v) => COUNTRY_CODES.has(v),
  'Must be an ISO 3166-1 alpha-2 country code such as US or GB',
);

/** A line of text: bounded, trimmed, not empty, no control or invisible formatting characters. */
const text = (what: string, max: number) =>
  bounded(max)
    .trim()
    .min(1, `${what} must not be empty`)
    .refine(...noProblem(textProblem));

/** A person's name: a line of text with at least one letter (not only invisible characters). */
const name = (what: string) =>
  bounded(MAX_LENGTH.name)
    .trim()
    .min(1, `${what} must not be empty`)
    .refine(...noProblem(nameProblem));

/** A US Social Security number: `123-45-6789` or `123456789`; area 000/666/9xx, group 00, serial 0000 are never issued. */
const SSN_RE = /^(?!000|666|9\d\d)\d{3}-?(?!00)\d{2}-?(?!0000)\d{4}$/;
/**
 * A UK National Insurance number: two letters, six digits, a suffix A–D (spaces allowed).
 * Only the shape is checked: HMRC's prefix rules would reject `QQ123456C`, the number HMRC itself
 * reserves for examples and tests, and Teal's own documentation uses.
 */
const NI_RE = /^[A-Z]{2}\d{6}[A-D]$/;

/**
 * A national identifier: a US Social Security number (normalised to `123-45-6789`) or a UK National
 * Insurance number (spaces removed, upper-cased). Unknown keys are refused, as everywhere in input:
 * an `issuingCountry` or `verified` the caller believes is sent would be dropped silently.
 */
export const NationalIdSchema = z.discriminatedUnion('type', [
  z.strictObject({
    /** A US Social Security number. */
    type: z.literal('ssn'),
    /** `123-45-6789` or `123456789`. */
    value: bounded(MAX_LENGTH.ssn)
      .trim()
      .regex(SSN_RE, 'Must be a Social Security number: 9 digits, as NNN-NN-NNNN or NNNNNNNNN')
      .transform((v) => v.replace(/-/g, '').replace(/^(\d{3})(\d{2})(\d{4})$/, '$1-$2-$3')),
  }),
  z.strictObject({
    /** A UK National Insurance number. */
    type: z.literal('ni_number'),
    /** `QQ123456C` (spaces allowed). */
    value: bounded(MAX_LENGTH.niNumber)
      .transform((v) => v.replace(/\s+/g, '').toUpperCase())
      .pipe(
        z
          .string()
          .regex(NI_RE, 'Must be a National Insurance number: 2 letters, 6 digits, then A, B, C or D'),
      ),
  }),
]);
/** A validated national identifier (see {@link NationalIdSchema}). */
export type NationalId = z.output<typeof NationalIdSchema>;

/** A postal address; every part optional, unknown keys refused. */
export const AddressSchema = z
  .object({
    /** First line (street and number). */
    line1: text('Address line 1', MAX_LENGTH.addressLine).optional(),
    /** Second line (flat, building). */
    line2: text('Address line 2', MAX_LENGTH.addressLine).optional(),
    /** City or town. */
    city: text('City', MAX_LENGTH.city).optional(),
    /** State, county or region. */
    state: text('State', MAX_LENGTH.state).optional(),
    /** ZIP code or post code. */
    postalCode: text('Postal code', MAX_LENGTH.postalCode).optional(),
    /** ISO 3166-1 alpha-2 country code. */
    country: CountrySchema.optional(),
  })
  .strict();
/** A validated address (see {@link AddressSchema}). */
export type Address = z.output<typeof AddressSchema>;

/**
 * The host's own id for the applicant: 1 to 100 characters (Argyle's limit), sent as given; visible
 * characters and inner plain spaces only (see `externalIdProblem`).
 */
export const ExternalIdSchema = bounded(MAX_LENGTH.externalId)
  .min(1, 'Must not be empty')
  .refine(...noProblem(externalIdProblem));

/** Free-form JSON within `limits`, checked in one bounded walk before anything else reads it. */
const boundedJson = <T>(limits: JsonLimits, shape: (value: unknown) => string | undefined) =>
  z.custom<T>().superRefine((value, ctx) => {
    const wrongShape = shape(value);
    const problem = wrongShape ? { path: [], message: wrongShape } : jsonProblem(value, limits);
    if (problem) ctx.addIssue({ code: 'custom', path: problem.path, message: problem.message });
  });

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** `metadata`: a JSON object within {@link METADATA_LIMITS}. */
const MetadataSchema: z.ZodType<{ [key: string]: JsonValue }, Record<string, unknown>> = boundedJson<
  Record<string, unknown>
>(METADATA_LIMITS, (value) => (isPlainObject(value) ? undefined : 'Must be a JSON object')) as z.ZodType<
  { [key: string]: JsonValue },
  Record<string, unknown>
>;

/**
 * Provider-specific extras, one namespace per provider (`{ argyle: {...}, teal: {...} }`), within
 * `PROVIDER_OPTIONS_LIMITS`. The core only checks the shape; each provider validates its own
 * namespace strictly.
 */
export const ProviderOptionsSchema = boundedJson<ProviderOptions>(PROVIDER_OPTIONS_LIMITS, (value) =>
  isPlainObject(value) && Object.values(value).every(isPlainObject)
    ? undefined
    : 'Must be an object of objects, one per provider ({ argyle: {...}, teal: {...} })',
);
/** `providerOptions`: one namespace per provider (`{ argyle: {...}, teal: {...} }`). */
export type ProviderOptions = Record<string, Record<string, unknown>>;

const profileShape = {
  firstName: name('First name'),
  lastName: name('Last name'),
  email: EmailSchema,
  phone: PhoneSchema,
  birthDate: BirthDateSchema,
  address: AddressSchema,
  previousPostalCodes: z
    .custom<string[]>(
      (value) => !Array.isArray(value) || value.length <= MAX_PREVIOUS_POSTAL_CODES,
      `Must hold at most ${MAX_PREVIOUS_POSTAL_CODES} postal codes`,
    )
    .pipe(z.array(text('Postal code', MAX_LENGTH.postalCode))),
  nationalId: NationalIdSchema,
  externalId: ExternalIdSchema,
  metadata: MetadataSchema,
} as const;

/** The neutral fields a provider may or may not store; `capabilities.fields` lists a provider's. */
export const PROFILE_FIELDS = Object.keys(profileShape) as ProfileField[];
/** A neutral profile field name (`firstName`, `address`, `nationalId`…). */
export type ProfileField = keyof typeof profileShape;

/** Input of `createUser`: every field optional here; a provider's required fields are checked by its adapter. */
export const CreateUserInputSchema = z
  .object({
    /** Given name. */
    firstName: profileShape.firstName.optional(),
    /** Family name. */
    lastName: profileShape.lastName.optional(),
    /** Email address. */
    email: profileShape.email.optional(),
    /** Phone number in E.164 form (`+14155550123`). */
    phone: profileShape.phone.optional(),
    /** Date of birth, `YYYY-MM-DD`. */
    birthDate: profileShape.birthDate.optional(),
    /** Current address. */
    address: profileShape.address.optional(),
    /** Earlier post codes (Teal's `post_codes`). */
    previousPostalCodes: profileShape.previousPostalCodes.optional(),
    /** SSN or NI number. */
    nationalId: profileShape.nationalId.optional(),
    /** The host's own id for the applicant; give one on every create so an ambiguous create can be looked up. */
    externalId: profileShape.externalId.optional(),
    /** Free-form JSON stored with the user (Argyle's `external_metadata`). */
    metadata: profileShape.metadata.optional(),
    /** Provider-specific extras, one namespace per provider. */
    providerOptions: ProviderOptionsSchema.optional(),
  })
  .strict();
/** The input of `createUser`, as the caller writes it. */
export type CreateUserInput = z.input<typeof CreateUserInputSchema>;
/** The input of `createUser` after validation (normalised SSN and NI number). */
export type ValidCreateUserInput = z.output<typeof CreateUserInputSchema>;

/**
 * Input of `updateUser`: a partial profile. `undefined` (or absent) leaves a field as it is; `null`
 * asks the provider to clear it (only where the provider documents clearing).
 */
export const UpdateUserInputSchema = z
  .object({
    /** Given name; `null` clears it where the provider allows. */
    firstName: profileShape.firstName.nullable().optional(),
    /** Family name; `null` clears it where the provider allows. */
    lastName: profileShape.lastName.nullable().optional(),
    /** Email address; `null` clears it where the provider allows. */
    email: profileShape.email.nullable().optional(),
    /** E.164 phone number; `null` clears it where the provider allows. */
    phone: profileShape.phone.nullable().optional(),
    /** Date of birth, `YYYY-MM-DD`; `null` clears it where the provider allows. */
    birthDate: profileShape.birthDate.nullable().optional(),
    /** Current address; `null` clears it where the provider allows. */
    address: profileShape.address.nullable().optional(),
    /** Earlier post codes; `null` clears them where the provider allows. */
    previousPostalCodes: profileShape.previousPostalCodes.nullable().optional(),
    /** SSN or NI number; `null` clears it where the provider allows. */
    nationalId: profileShape.nationalId.nullable().optional(),
    /** The host's own id; `null` clears it where the provider allows. */
    externalId: profileShape.externalId.nullable().optional(),
    /** Free-form JSON; `null` clears it where the provider allows. */
    metadata: profileShape.metadata.nullable().optional(),
    /** Provider-specific extras, one namespace per provider. */
    providerOptions: ProviderOptionsSchema.optional(),
  })
  .strict();
/** The patch of `updateUser`, as the caller writes it. */
export type UpdateUserInput = z.input<typeof UpdateUserInputSchema>;
/** The patch of `updateUser` after validation. */
export type ValidUpdateUserInput = z.output<typeof UpdateUserInputSchema>;

/** What a provider connected for the user (Argyle's items and employers). */
export interface UserConnections {
  /** Argyle item ids the user connected (`[]` on Argyle v1, which has no items). */
  items: string[];
  /** Employers the user connected. */
  employers: string[];
}

/** A user as the provider holds it, in neutral terms. Absent means the provider holds no value. */
export interface User {
  /** The provider's id for the user; pass it to `getUser`, `updateUser`, `deleteUser`, `createLinkToken`. */
  id: string;
  /** The provider that holds the user (`'argyle'`, `'teal'`). */
  provider: string;
  /** When the provider created the user, as the provider writes it (ISO 8601). */
  createdAt?: string;
  /** Given name. */
  firstName?: string;
  /** Family name. */
  lastName?: string;
  /** Email address. */
  email?: string;
  /** Phone number. */
  phone?: string;
  /** Date of birth, `YYYY-MM-DD`. */
  birthDate?: string;
  /** Current address (Teal: the post code only). */
  address?: Address;
  /** Earlier post codes (Teal). */
  previousPostalCodes?: string[];
  /** SSN (Argyle v2) or NI number (Teal). */
  nationalId?: NationalId;
  /** The host's own id for the applicant. */
  externalId?: string;
  /** Free-form JSON stored with the user (Argyle). */
  metadata?: JsonValue;
  /** What the user connected (Argyle). */
  connections?: UserConnections;
  /** Provider-specific settings the provider returned (e.g. Teal's payroll period), in neutral camelCase. */
  providerData?: Record<string, JsonValue>;
}

/** A token that starts the provider's user-facing connection flow (Argyle Link, Teal's web app). */
export interface LinkToken {
  /** The token to hand to the provider's connection flow (Argyle Link's `userToken`). A credential: do not log it. */
  token: string;
  /** When the token expires (ISO 8601), when the provider says (Argyle: the JWT's `exp`). */
  expiresAt?: string;
  /** When the token was created, when the provider says (Teal). */
  createdAt?: string;
  /** A URL that opens the flow for the user, when the provider gives one (Teal's `webapp_link`). */
  url?: string;
}

/** What `createUser` returns. */
export interface CreatedUser {
  /** The user as created (Argyle: as sent; Teal: as answered). */
  user: User;
  /** A link token, when the provider returns one with the user (Argyle; not after a reconciled create). */
  linkToken?: LinkToken;
  /** Neutral field paths this provider cannot store and that were dropped (`unsupportedFields: 'drop'`). */
  ignoredFields: string[];
}

/** What `updateUser` returns. */
export interface UpdatedUser {
  /** The user after the update, as the provider answered. */
  user: User;
  /** Neutral field paths this provider cannot store and that were dropped (`unsupportedFields: 'drop'`). */
  ignoredFields: string[];
}

/** What `listUsers` lists. */
export interface ListUsersFilter {
  /** Only users with this `externalId` (see `capabilities.listFilters`). */
  externalId?: string;
  /** Page size to ask the provider for; capped at the provider's maximum. */
  pageSize?: number;
  /**
   * Resume a listing after the page that gave this cursor (`UserPage.cursor`), with the same
   * `pageSize` as that listing, filtered or not as it was. A cursor works only for the tenant and
   * provider that made it; any other is `invalid_input`.
   */
  cursor?: string;
}

/** Schema of a {@link ListUsersFilter}. */
export const ListUsersFilterSchema = z
  .object({
    /** Only users with this `externalId`. */
    externalId: ExternalIdSchema.optional(),
    /** Page size to ask for; capped at the provider's maximum. */
    pageSize: z.number().int().min(1, 'Must be at least 1').max(10_000, 'Must be at most 10000').optional(),
    /** A page's resume cursor (`UserPage.cursor`). */
    cursor: bounded(MAX_LENGTH.cursor).min(1, 'Must not be empty').optional(),
  })
  .strict();

/** A provider user id: 1 to 200 letters, digits, `-` or `_` (safe to put in a URL path). */
export const UserIdSchema = bounded(MAX_LENGTH.userId)
  .min(1, 'Must not be empty')
  .regex(/^[A-Za-z0-9_-]+$/, 'Must contain only letters, digits, "-" and "_"');

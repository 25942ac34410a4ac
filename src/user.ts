/**
 * The provider-neutral user model: zod schemas (validated before any request leaves the process)
 * and the types inferred from them.
 *
 * Rules come from what the providers document (seeds 000–004): email syntax and E.164 phones
 * (Argyle rejects invalid ones with a 400), a real calendar date of birth from 1900 on, an
 * `external_id` of at most 100 characters, ISO 3166-1 alpha-2 countries, and SSN / NI-number shapes.
 */
import { z } from 'zod';
import { COUNTRY_CODES } from './countries.js';

/** A JSON value, as Argyle's `external_metadata` ("any valid JSON") accepts. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export const JsonValueSchema: z.ZodType<JsonValue> = z.lazy(() =>
  z.union([
    z.string(),
    z.number().refine(Number.isFinite, 'Must be a finite number'),
    z.boolean(),
    z.null(),
    z.array(JsonValueSchema),
    z.record(z.string(), JsonValueSchema),
  ]),
);

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Parses `YYYY-MM-DD` into its parts when it names a real calendar day, otherwise `undefined`. */
export function parseCalendarDate(value: string): { year: number; month: number; day: number } | undefined {
  const m = DATE_RE.exec(value);
  if (!m) return undefined;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const probe = new Date(Date.UTC(year, month - 1, day));
  if (probe.getUTCFullYear() !== year || probe.getUTCMonth() !== month - 1 || probe.getUTCDate() !== day) {
    return undefined;
  }
  return { year, month, day };
}

/** Today's date as `YYYY-MM-DD` in UTC; a birth date after it is in the future everywhere on Earth but +14h. */
function todayUtc(): string {
  return new Date(Date.now() + 14 * 3_600_000).toISOString().slice(0, 10);
}

/** A calendar date `YYYY-MM-DD`: a real day, year 1900 or later (Argyle), not in the future. */
export const BirthDateSchema = z
  .string()
  .refine((v) => parseCalendarDate(v) !== undefined, 'Must be a real calendar date in the form YYYY-MM-DD')
  .refine((v) => (parseCalendarDate(v)?.year ?? 0) >= 1900, 'Must be in 1900 or later')
  .refine((v) => v <= todayUtc(), 'Must not be in the future');

/** A calendar date `YYYY-MM-DD` with no other constraint (e.g. the end of a recurring-check schedule). */
export const CalendarDateSchema = z
  .string()
  .refine((v) => parseCalendarDate(v) !== undefined, 'Must be a real calendar date in the form YYYY-MM-DD');

/** E.164: a `+`, a non-zero country digit, at most 15 digits in all. */
export const PhoneSchema = z
  .string()
  .regex(/^\+[1-9]\d{6,14}$/, 'Must be an E.164 phone number such as +14155550123');

export const EmailSchema = z.email('Must be a valid email address');

export const CountrySchema = z
  .string()
  .refine((v) => COUNTRY_CODES.has(v), 'Must be an ISO 3166-1 alpha-2 country code such as US or GB');

const nonEmpty = (what: string) => z.string().trim().min(1, `${what} must not be empty`);

/** A US Social Security number: `123-45-6789` or `123456789`; area 000/666/9xx, group 00, serial 0000 are never issued. */
const SSN_RE = /^(?!000|666|9\d\d)\d{3}-?(?!00)\d{2}-?(?!0000)\d{4}$/;
/**
 * A UK National Insurance number: two letters, six digits, a suffix A–D (spaces allowed).
 * Only the shape is checked: HMRC's prefix rules would reject `QQ123456C`, the number HMRC itself
 * reserves for examples and tests, and Teal's own documentation uses.
 */
const NI_RE = /^[A-Z]{2}\d{6}[A-D]$/;

export const NationalIdSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('ssn'),
    value: z
      .string()
      .trim()
      .regex(SSN_RE, 'Must be a Social Security number in the form 123-45-6789')
      .transform((v) => v.replace(/-/g, '').replace(/^(\d{3})(\d{2})(\d{4})$/, '$1-$2-$3')),
  }),
  z.object({
    type: z.literal('ni_number'),
    value: z
      .string()
      .transform((v) => v.replace(/\s+/g, '').toUpperCase())
      .pipe(z.string().regex(NI_RE, 'Must be a National Insurance number in the form QQ123456C')),
  }),
]);
export type NationalId = z.output<typeof NationalIdSchema>;

export const AddressSchema = z
  .object({
    line1: nonEmpty('Address line 1').optional(),
    line2: nonEmpty('Address line 2').optional(),
    city: nonEmpty('City').optional(),
    state: nonEmpty('State').optional(),
    postalCode: nonEmpty('Postal code').optional(),
    country: CountrySchema.optional(),
  })
  .strict();
export type Address = z.output<typeof AddressSchema>;

export const ExternalIdSchema = z
  .string()
  .min(1, 'Must not be empty')
  .max(100, 'Must be at most 100 characters');

/**
 * Provider-specific extras, one namespace per provider (`{ argyle: {...}, teal: {...} }`). The core only
 * checks the shape; each provider validates its own namespace strictly.
 */
export const ProviderOptionsSchema = z.record(z.string(), z.record(z.string(), z.unknown()));
export type ProviderOptions = Record<string, Record<string, unknown>>;

const profileShape = {
  firstName: nonEmpty('First name'),
  lastName: nonEmpty('Last name'),
  email: EmailSchema,
  phone: PhoneSchema,
  birthDate: BirthDateSchema,
  address: AddressSchema,
  previousPostalCodes: z.array(nonEmpty('Postal code')),
  nationalId: NationalIdSchema,
  externalId: ExternalIdSchema,
  metadata: z.record(z.string(), JsonValueSchema),
} as const;

/** The neutral fields a provider may or may not store; `capabilities.fields` lists a provider's. */
export const PROFILE_FIELDS = Object.keys(profileShape) as ProfileField[];
export type ProfileField = keyof typeof profileShape;

/** Input of `createUser`: every field optional here; a provider's required fields are checked by its adapter. */
export const CreateUserInputSchema = z
  .object({
    firstName: profileShape.firstName.optional(),
    lastName: profileShape.lastName.optional(),
    email: profileShape.email.optional(),
    phone: profileShape.phone.optional(),
    birthDate: profileShape.birthDate.optional(),
    address: profileShape.address.optional(),
    previousPostalCodes: profileShape.previousPostalCodes.optional(),
    nationalId: profileShape.nationalId.optional(),
    externalId: profileShape.externalId.optional(),
    metadata: profileShape.metadata.optional(),
    providerOptions: ProviderOptionsSchema.optional(),
  })
  .strict();
export type CreateUserInput = z.input<typeof CreateUserInputSchema>;
export type ValidCreateUserInput = z.output<typeof CreateUserInputSchema>;

/**
 * Input of `updateUser`: a partial profile. `undefined` (or absent) leaves a field as it is; `null`
 * asks the provider to clear it (only where the provider documents clearing).
 */
export const UpdateUserInputSchema = z
  .object({
    firstName: profileShape.firstName.nullable().optional(),
    lastName: profileShape.lastName.nullable().optional(),
    email: profileShape.email.nullable().optional(),
    phone: profileShape.phone.nullable().optional(),
    birthDate: profileShape.birthDate.nullable().optional(),
    address: profileShape.address.nullable().optional(),
    previousPostalCodes: profileShape.previousPostalCodes.nullable().optional(),
    nationalId: profileShape.nationalId.nullable().optional(),
    externalId: profileShape.externalId.nullable().optional(),
    metadata: profileShape.metadata.nullable().optional(),
    providerOptions: ProviderOptionsSchema.optional(),
  })
  .strict();
export type UpdateUserInput = z.input<typeof UpdateUserInputSchema>;
export type ValidUpdateUserInput = z.output<typeof UpdateUserInputSchema>;

/** What a provider connected for the user (Argyle's items and employers). */
export interface UserConnections {
  items: string[];
  employers: string[];
}

/** A user as the provider holds it, in neutral terms. Absent means the provider holds no value. */
export interface User {
  id: string;
  provider: string;
  createdAt?: string;
  firstName?: string;
  lastName?: string;
  email?: string;
  phone?: string;
  birthDate?: string;
  address?: Address;
  previousPostalCodes?: string[];
  nationalId?: NationalId;
  externalId?: string;
  metadata?: JsonValue;
  connections?: UserConnections;
  /** Provider-specific settings the provider returned (e.g. Teal's payroll period), in neutral camelCase. */
  providerData?: Record<string, JsonValue>;
}

/** A token that starts the provider's user-facing connection flow (Argyle Link, Teal's web app). */
export interface LinkToken {
  token: string;
  expiresAt?: string;
  createdAt?: string;
  url?: string;
}

export interface CreatedUser {
  user: User;
  linkToken?: LinkToken;
  /** Neutral field paths this provider cannot store and that were dropped (`unsupportedFields: 'drop'`). */
  ignoredFields: string[];
}

export interface UpdatedUser {
  user: User;
  ignoredFields: string[];
}

export interface ListUsersFilter {
  externalId?: string;
  /** Page size to ask the provider for; capped at the provider's maximum. */
  pageSize?: number;
}

export const ListUsersFilterSchema = z
  .object({
    externalId: ExternalIdSchema.optional(),
    pageSize: z.number().int().min(1, 'Must be at least 1').optional(),
  })
  .strict();

export const UserIdSchema = z
  .string()
  .min(1, 'Must not be empty')
  .max(200, 'Must be at most 200 characters')
  .regex(/^[A-Za-z0-9_-]+$/, 'Must contain only letters, digits, "-" and "_"');

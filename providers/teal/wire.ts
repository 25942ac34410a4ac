/**
 * Teal's wire format, as zod schemas.
 *
 * - Request bodies are strict: only the keys Teal documents for `User` (and `{user_id}` for
 *   `/user-tokens`), so nothing undocumented ever leaves the process.
 * - Response schemas are tolerant readers: unknown extra fields are allowed (Teal may add some), only
 *   what we need to identify a record is required, and fields a PATCH can unset (the reference says
 *   a field sent as `null` is unset) may come back as `null`.
 *
 * Docs: Teal's API reference, https://docs.goteal.co (POST /users, `User`, `CreatedUser`, `Error`,
 * `Unauthorized`, `Conflict`, the list envelope, user tokens, the 404 body).
 */
import { z } from 'zod';
import { fromTealDate } from './dates.js';

/** Teal's `Date` schema is a date-time (`2019-05-17T00:00:00.000Z`); a bare date is also read. */
const TealDateSchema = z.string().refine((v) => fromTealDate(v) !== undefined, 'not a Teal date-time');

/** The documented keys of Teal's `User` schema (https://docs.goteal.co), in documentation order. */
export const TEAL_USER_KEYS = [
  'forename',
  'surname',
  'ni_number',
  'date_of_birth',
  'post_codes',
  'ext_id',
  'recurring_checks_enabled',
  'recurring_check_frequency',
  'recurring_check_end_date',
  'payroll_period_months',
  'payslip_upload_enabled',
  'payroll_connections_enabled',
] as const;

/** The keys `User` requires on create (https://docs.goteal.co). */
export const TEAL_REQUIRED_KEYS = [
  'forename',
  'surname',
  'date_of_birth',
  'post_codes',
  'payroll_period_months',
] as const;

const int32 = z.number().int().min(-2147483648).max(2147483647);

/** Body of `POST /users` (Teal's `User`): strict, the five required keys present. */
export const TealCreateBodySchema = z.strictObject({
  forename: z.string(),
  surname: z.string(),
  ni_number: z.string().optional(),
  date_of_birth: TealDateSchema,
  post_codes: z.array(z.string()).min(1),
  ext_id: z.string().nullable().optional(),
  recurring_checks_enabled: z.boolean().optional(),
  recurring_check_frequency: z.string().optional(),
  recurring_check_end_date: TealDateSchema.optional(),
  payroll_period_months: int32,
  payslip_upload_enabled: z.boolean().optional(),
  payroll_connections_enabled: z.boolean().optional(),
});
export type TealCreateBody = z.infer<typeof TealCreateBodySchema>;

/**
 * Body of `PATCH /users/{user_id}` (reference: partial update; `null` unsets a field). The fields
 * Teal requires on create are never sent as `null` (see docs/providers/teal.md).
 */
export const TealPatchBodySchema = z.strictObject({
  forename: z.string().optional(),
  surname: z.string().optional(),
  ni_number: z.string().nullable().optional(),
  date_of_birth: TealDateSchema.optional(),
  post_codes: z.array(z.string()).min(1).optional(),
  ext_id: z.string().nullable().optional(),
  recurring_checks_enabled: z.boolean().nullable().optional(),
  recurring_check_frequency: z.string().nullable().optional(),
  recurring_check_end_date: TealDateSchema.nullable().optional(),
  payroll_period_months: int32.optional(),
  payslip_upload_enabled: z.boolean().nullable().optional(),
  payroll_connections_enabled: z.boolean().nullable().optional(),
});
export type TealPatchBody = z.infer<typeof TealPatchBodySchema>;

/** Body of `POST /user-tokens` (reference). */
export const TealUserTokenBodySchema = z.strictObject({ user_id: z.string() });
export type TealUserTokenBody = z.infer<typeof TealUserTokenBodySchema>;

/** `CreatedUser` as read back (https://docs.goteal.co; create, get, update, list items). */
export const TealUserSchema = z.looseObject({
  user_id: z.string().min(1),
  created_at: z.string(),
  // Required on create, yet a user can hold `null` here (a field unset by a PATCH, or one created
  // before the rule): one such user must not fail a whole list page, so `null` reads as absent.
  forename: z.string().nullish(),
  surname: z.string().nullish(),
  ni_number: z.string().nullish(),
  date_of_birth: TealDateSchema.nullish(),
  // A `null` inside the list is skipped like a `null` list.
  post_codes: z.array(z.string().nullable()).nullish(),
  ext_id: z.string().nullish(),
  recurring_checks_enabled: z.boolean().nullish(),
  recurring_check_frequency: z.string().nullish(),
  recurring_check_end_date: TealDateSchema.nullish(),
  payroll_period_months: int32.nullish(),
  payslip_upload_enabled: z.boolean().nullish(),
  payroll_connections_enabled: z.boolean().nullish(),
});
export type TealUser = z.infer<typeof TealUserSchema>;

/**
 * `GET /users` (reference): `{pagination: {offset, limit, count, total_count}, users: [CreatedUser]}`.
 * The reference's `Pagination` requires `offset`, `limit` and `count` and leaves `total_count`
 * optional: every one is read tolerantly here (a page without `total_count` pages on to an empty one).
 */
export const TealUserListSchema = z.looseObject({
  pagination: z.looseObject({
    offset: z.number().int().min(0).optional(),
    limit: z.number().int().min(0).optional(),
    count: z.number().int().min(0).optional(),
    total_count: z.number().int().min(0).optional(),
  }),
  users: z.array(TealUserSchema),
});
export type TealUserList = z.infer<typeof TealUserListSchema>;

/** `POST /user-tokens` 201 (reference): `{token, webapp_link, created_at}`. */
export const TealUserTokenSchema = z.looseObject({
  token: z.string().min(1),
  webapp_link: z.string().nullish(),
  created_at: z.string().nullish(),
});
export type TealUserToken = z.infer<typeof TealUserTokenSchema>;

/**
 * Error bodies (Teal's `Error`, `Unauthorized`, `Conflict` and 404; https://docs.goteal.co): `{errors:
 * [...]}`, where the 401/404 schemas type `errors` as a string while their examples are arrays — both are
 * accepted.
 */
export const TealErrorBodySchema = z.looseObject({
  errors: z.union([z.array(z.string()), z.string()]),
});

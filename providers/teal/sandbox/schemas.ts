/**
 * What the Teal emulator accepts, read from Teal's `User` schema (https://docs.goteal.co, Create a
 * user): the documented properties with their documented types and formats, the five required ones
 * on create. Properties the schema does not list are dropped, or refused under the emulator option
 * `unknownFields: 'reject'` (the schema does not forbid them) — `email`, for one, is not a Teal user
 * field (only the 409 example mentions it). Errors are Teal's `{"errors": [...]}` strings, worded
 * after Teal's documented example.
 */
import { z } from 'zod';

/** 8-4-4-4-12 hex digits (`format: uuid`). */
export const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** RFC 3339 date-time (`Date` is `format: date-time`, example `2019-05-17T00:00:00.000Z`). */
const DATE_TIME_RE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/i;

/**
 * `recurring_check_frequency` is a string whose values the documents disagree on ("[WEEKLY, DAILY].
 * Sandbox allows HOURLY" on the user; "[WEEKLY, MONTHLY]" on the client configuration): Teal
 * validates the value, so the emulator checks only that it is an upper-case word, as any of those.
 */
const FREQUENCY_RE = /^[A-Z]+(?:_[A-Z]+)*$/;
const MAX_FREQUENCY_LENGTH = 32;

/** How fields and query parameters the document does not list are handled (emulator option). */
export type UnknownFields = 'ignore' | 'reject';

export const REQUIRED_ON_CREATE = [
  'forename',
  'surname',
  'date_of_birth',
  'post_codes',
  'payroll_period_months',
];

const f = (name: string) => `The field \`${name}\``;

/**
 * A documented `Date`, stored as the day it names at midnight UTC (`YYYY-MM-DDT00:00:00.000Z`, the
 * documents' form). The day is taken as written, not shifted to UTC: a birth date has no time zone.
 */
const dateTime = (name: string) =>
  z
    .string()
    .refine((v) => toDay(v) !== undefined, `${f(name)} must be a date-time such as 2019-05-17T00:00:00.000Z`)
    .transform((v) => `${toDay(v)}T00:00:00.000Z`);

const int32 = (name: string) =>
  z
    .number()
    .int(`${f(name)} must be an integer`)
    .min(-2_147_483_648, `${f(name)} must be a 32-bit integer`)
    .max(2_147_483_647, `${f(name)} must be a 32-bit integer`);

/** The `User` properties, each with its documented type and format (and nothing the document does not say). */
const shape = {
  forename: z.string(),
  surname: z.string(),
  ni_number: z.string(),
  date_of_birth: dateTime('date_of_birth'),
  // "One or more post codes".
  post_codes: z.array(z.string()).min(1, `${f('post_codes')} must hold at least one post code`),
  ext_id: z.string().nullable(),
  recurring_checks_enabled: z.boolean(),
  recurring_check_frequency: z
    .string()
    .max(MAX_FREQUENCY_LENGTH, `${f('recurring_check_frequency')} must be an upper-case word such as WEEKLY`)
    .regex(FREQUENCY_RE, `${f('recurring_check_frequency')} must be an upper-case word such as WEEKLY`),
  recurring_check_end_date: dateTime('recurring_check_end_date'),
  payroll_period_months: int32('payroll_period_months'),
  payslip_upload_enabled: z.boolean(),
  payroll_connections_enabled: z.boolean(),
};

export type TealField = keyof typeof shape;
export const TEAL_FIELDS = Object.keys(shape) as TealField[];

/** An object schema that drops (`ignore`) or refuses (`reject`) properties it does not list. */
export function objectOf<T extends z.core.$ZodLooseShape>(shape: T, unknown: UnknownFields) {
  return unknown === 'reject' ? z.strictObject(shape) : z.object(shape);
}

/** `POST /users`: the five required fields, the others optional; only `ext_id` is nullable. */
export function createUserSchema(unknown: UnknownFields) {
  return objectOf(
    {
      forename: shape.forename,
      surname: shape.surname,
      date_of_birth: shape.date_of_birth,
      post_codes: shape.post_codes,
      payroll_period_months: shape.payroll_period_months,
      ni_number: shape.ni_number.optional(),
      ext_id: shape.ext_id.optional(),
      recurring_checks_enabled: shape.recurring_checks_enabled.optional(),
      recurring_check_frequency: shape.recurring_check_frequency.optional(),
      recurring_check_end_date: shape.recurring_check_end_date.optional(),
      payslip_upload_enabled: shape.payslip_upload_enabled.optional(),
      payroll_connections_enabled: shape.payroll_connections_enabled.optional(),
    },
    unknown,
  );
}
export type CreateUserBody = z.output<ReturnType<typeof createUserSchema>>;

/**
 * `PATCH /users/{user_id}`: a partial update where `null` unsets a field (reference). A required
 * field cannot be unset: the user would no longer be valid, so that `null` is refused.
 */
export function updateUserSchema(unknown: UnknownFields) {
  return objectOf(
    {
      forename: shape.forename.optional(),
      surname: shape.surname.optional(),
      date_of_birth: shape.date_of_birth.optional(),
      post_codes: shape.post_codes.optional(),
      payroll_period_months: shape.payroll_period_months.optional(),
      ni_number: shape.ni_number.nullable().optional(),
      ext_id: shape.ext_id.optional(),
      recurring_checks_enabled: shape.recurring_checks_enabled.nullable().optional(),
      recurring_check_frequency: shape.recurring_check_frequency.nullable().optional(),
      recurring_check_end_date: shape.recurring_check_end_date.nullable().optional(),
      payslip_upload_enabled: shape.payslip_upload_enabled.nullable().optional(),
      payroll_connections_enabled: shape.payroll_connections_enabled.nullable().optional(),
    },
    unknown,
  );
}
export type UpdateUserBody = z.output<ReturnType<typeof updateUserSchema>>;

/**
 * `POST /user-tokens` `{user_id}` (reference: a string, "The id of the user"). Not marked required,
 * but a token for no user means nothing: its absence is refused. An id that is no UUID is no user's
 * (the route answers 404, as for any unknown id).
 */
export function userTokenSchema(unknown: UnknownFields) {
  return objectOf({ user_id: z.string() }, unknown);
}

/** The Teal error strings for a failed parse of `input`. */
export function toErrorMessages(error: z.ZodError, input: unknown, mode: 'create' | 'update'): string[] {
  const messages: string[] = [];
  for (const issue of error.issues) {
    const name = fieldName(issue.path);
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) messages.push(`${f(fieldName([...issue.path, key]))} is not allowed`);
    } else if (issue.code === 'invalid_type') {
      const value = valueAt(input, issue.path);
      messages.push(typeMessage(name, issue.expected, value, issue.path.length === 0, mode));
    } else {
      messages.push(issue.message);
    }
  }
  return messages;
}

function typeMessage(
  name: string,
  expected: string,
  value: unknown,
  isBody: boolean,
  mode: 'create' | 'update',
): string {
  if (isBody) return 'The request body must be a JSON object';
  // Teal's own documented example of a 400 message.
  if (value === undefined) return `The request is missing the required field \`${name}\``;
  if (value === null) {
    const required = mode === 'update' && REQUIRED_ON_CREATE.includes(name);
    return required ? `${f(name)} is required and cannot be unset` : `${f(name)} must not be null`;
  }
  const kind: Record<string, string> = {
    string: 'a string',
    number: 'an integer',
    int: 'an integer',
    boolean: 'a boolean',
    array: 'an array',
  };
  return `${f(name)} must be ${kind[expected] ?? `of type ${expected}`}`;
}

/** `post_codes[0]` style names. */
function fieldName(path: readonly PropertyKey[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i > 0 ? '.' : ''}${String(p)}`)).join('');
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let current: unknown = input;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

/** `YYYY-MM-DD` of an RFC 3339 date-time naming a real day, else `undefined`. */
function toDay(value: string): string | undefined {
  const m = DATE_TIME_RE.exec(value);
  if (!m || Number.isNaN(Date.parse(value))) return undefined;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const probe = new Date(Date.UTC(year, month - 1, day));
  const real =
    probe.getUTCFullYear() === year && probe.getUTCMonth() === month - 1 && probe.getUTCDate() === day;
  return real ? value.slice(0, 10) : undefined;
}

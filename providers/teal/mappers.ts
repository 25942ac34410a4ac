/**
 * Neutral ⇄ Teal mapping (Teal's `User` schema, https://docs.goteal.co):
 * firstName ⇄ forename, lastName ⇄ surname, birthDate ⇄ date_of_birth (UTC midnight),
 * address.postalCode + previousPostalCodes ⇄ post_codes (current first, no duplicates),
 * nationalId{ni_number} ⇄ ni_number, externalId ⇄ ext_id, and `providerOptions.teal` ⇄ the
 * per-user settings (read back under `providerData`).
 *
 * These functions assume their input was validated and selected (fields.ts): they read only the
 * fields Teal stores, so nothing else can reach the wire.
 */
import type {
  JsonValue,
  LinkToken,
  User,
  ValidCreateUserInput,
  ValidUpdateUserInput,
} from '../../src/provider/index.js';
import { fromTealDate, toTealDate } from './dates.js';
import type { TealProviderOptions, TealProviderOptionsPatch } from './options.js';
import { unknownTealFields } from './unknown-fields.js';
import type { TealCreateBody, TealPatchBody, TealUser, TealUserToken } from './wire.js';

export const TEAL = 'teal';

/**
 * A UK post code without its space: an outward code (area letters, district digit and an optional
 * letter or digit) and an inward code (a digit and two letters), or the special `GIR 0AA`.
 */
const COMPACT_UK_SHAPE_RE = /^(?:[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][A-Z]{2}|GIR0AA)$/;

/**
 * A post code as Teal's examples write it (`SW1A 1AA`): upper case, and one space before the inward
 * code (the last 3 characters), however it was typed (`sw1a1aa`, ` SW1A  1AA`). Teal documents no
 * format and validates nothing client-side is told about, so a value without a UK post code's shape
 * is not refused: it is only upper-cased, trimmed, and its inner spaces collapsed to one
 * (docs/providers/teal.md). Input is at most 16 characters (the neutral schema), so the regexes
 * run on bounded text.
 */
export function normalisePostCode(code: string): string {
  const upper = code.toUpperCase();
  const compact = upper.replace(/\s+/g, '');
  if (COMPACT_UK_SHAPE_RE.test(compact)) return `${compact.slice(0, -3)} ${compact.slice(-3)}`;
  return upper.trim().replace(/\s+/g, ' ');
}

/** `post_codes`: the current post code first, then the previous ones, each once, normalised. */
export function toPostCodes(current: string | undefined, previous: readonly string[] | undefined): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const code of [...(current !== undefined ? [current] : []), ...(previous ?? [])]) {
    const normalised = normalisePostCode(code);
    // Compared without spaces, so `SW1A 1AA` and `SW1A1AA` count once even when not UK-shaped.
    const key = normalised.replace(/ /g, '');
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(normalised);
  }
  return out;
}

type SettingKey =
  | 'payroll_period_months'
  | 'recurring_checks_enabled'
  | 'recurring_check_frequency'
  | 'recurring_check_end_date'
  | 'payslip_upload_enabled'
  | 'payroll_connections_enabled';
type WireSettings = Pick<TealPatchBody, SettingKey>;

/** Per-user settings to their `User` fields; `null` (update only) unsets a setting. */
function settingsToWire(options: TealProviderOptions): Partial<Pick<TealCreateBody, SettingKey>>;
function settingsToWire(options: TealProviderOptionsPatch): WireSettings;
function settingsToWire(options: TealProviderOptionsPatch): WireSettings {
  const out: WireSettings = {};
  const rc = options.recurringChecks;
  if (options.payrollPeriodMonths !== undefined) out.payroll_period_months = options.payrollPeriodMonths;
  if (rc?.enabled !== undefined) out.recurring_checks_enabled = rc.enabled;
  if (rc?.frequency !== undefined) out.recurring_check_frequency = rc.frequency;
  if (rc?.endDate !== undefined)
    out.recurring_check_end_date = rc.endDate === null ? null : toTealDate(rc.endDate);
  if (options.payslipUploadEnabled !== undefined) out.payslip_upload_enabled = options.payslipUploadEnabled;
  if (options.payrollConnectionsEnabled !== undefined) {
    out.payroll_connections_enabled = options.payrollConnectionsEnabled;
  }
  return out;
}

/** The fields `createUser` needs; `requireTealCreateFields` guarantees them before this is called. */
export type TealCreateInput = ValidCreateUserInput & {
  firstName: string;
  lastName: string;
  birthDate: string;
};

/** `POST /users` body. */
export function toTealCreateBody(
  input: TealCreateInput,
  options: TealProviderOptions & { payrollPeriodMonths: number },
): TealCreateBody {
  const body: TealCreateBody = {
    forename: input.firstName,
    surname: input.lastName,
    date_of_birth: toTealDate(input.birthDate),
    post_codes: toPostCodes(input.address?.postalCode, input.previousPostalCodes),
    payroll_period_months: options.payrollPeriodMonths,
  };
  if (input.nationalId?.type === 'ni_number') body.ni_number = input.nationalId.value;
  if (input.externalId !== undefined) body.ext_id = input.externalId;
  return { ...body, ...settingsToWire(options), payroll_period_months: options.payrollPeriodMonths };
}

/**
 * `PATCH /users/{user_id}` body. `null` unsets (reference); `checkTealUpdate` has already refused
 * clearing the fields Teal requires and made sure post codes come as a whole list.
 */
export function toTealPatchBody(
  patch: ValidUpdateUserInput,
  options: TealProviderOptionsPatch,
): TealPatchBody {
  const body: TealPatchBody = {};
  if (typeof patch.firstName === 'string') body.forename = patch.firstName;
  if (typeof patch.lastName === 'string') body.surname = patch.lastName;
  if (typeof patch.birthDate === 'string') body.date_of_birth = toTealDate(patch.birthDate);
  const current = patch.address?.postalCode;
  if (current !== undefined) body.post_codes = toPostCodes(current, patch.previousPostalCodes ?? []);
  if (patch.nationalId === null) body.ni_number = null;
  else if (patch.nationalId?.type === 'ni_number') body.ni_number = patch.nationalId.value;
  if (patch.externalId !== undefined) body.ext_id = patch.externalId;
  return { ...body, ...settingsToWire(options) };
}

/** Teal's per-user settings, read back in the neutral camelCase of `providerOptions.teal`. */
function settingsFromWire(wire: TealUser): Record<string, JsonValue> {
  const data: Record<string, JsonValue> = {};
  const recurring: Record<string, JsonValue> = {};
  if (typeof wire.payroll_period_months === 'number') data.payrollPeriodMonths = wire.payroll_period_months;
  if (typeof wire.recurring_checks_enabled === 'boolean') recurring.enabled = wire.recurring_checks_enabled;
  if (typeof wire.recurring_check_frequency === 'string')
    recurring.frequency = wire.recurring_check_frequency;
  const endDate =
    typeof wire.recurring_check_end_date === 'string'
      ? fromTealDate(wire.recurring_check_end_date)
      : undefined;
  if (endDate !== undefined) recurring.endDate = endDate;
  if (Object.keys(recurring).length > 0) data.recurringChecks = recurring;
  if (typeof wire.payslip_upload_enabled === 'boolean')
    data.payslipUploadEnabled = wire.payslip_upload_enabled;
  if (typeof wire.payroll_connections_enabled === 'boolean') {
    data.payrollConnectionsEnabled = wire.payroll_connections_enabled;
  }
  return data;
}

/**
 * A `CreatedUser` as a neutral user; absent or `null` Teal fields are left out. Fields Teal does
 * not document are kept, as sent, under `providerData.unknownFields` (./unknown-fields.ts).
 */
export function fromTealUser(wire: TealUser): User {
  const user: User = { id: wire.user_id, provider: TEAL, createdAt: wire.created_at };
  if (typeof wire.forename === 'string') user.firstName = wire.forename;
  if (typeof wire.surname === 'string') user.lastName = wire.surname;
  const birthDate = typeof wire.date_of_birth === 'string' ? fromTealDate(wire.date_of_birth) : undefined;
  if (birthDate !== undefined) user.birthDate = birthDate;
  const codes = (wire.post_codes ?? []).filter((code): code is string => typeof code === 'string');
  const [current, ...previous] = codes;
  if (current !== undefined) user.address = { postalCode: current };
  if (previous.length > 0) user.previousPostalCodes = previous;
  if (typeof wire.ni_number === 'string') user.nationalId = { type: 'ni_number', value: wire.ni_number };
  if (typeof wire.ext_id === 'string') user.externalId = wire.ext_id;
  const data = settingsFromWire(wire);
  const unknown = unknownTealFields(wire);
  if (unknown !== undefined) data.unknownFields = unknown;
  if (Object.keys(data).length > 0) user.providerData = data;
  return user;
}

/** `POST /user-tokens` 201 as a neutral link token (`webapp_link` is the user-facing URL). */
export function fromTealUserToken(wire: TealUserToken): LinkToken {
  const token: LinkToken = { token: wire.token };
  if (typeof wire.webapp_link === 'string') token.url = wire.webapp_link;
  if (typeof wire.created_at === 'string') token.createdAt = wire.created_at;
  return token;
}

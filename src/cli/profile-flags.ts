/**
 * The profile flags of `users create` and `users update`, and how they become a neutral
 * `CreateUserInput` / `UpdateUserInput`. Values are passed through untouched: the `UserService`
 * validates every input at its own edge and names the failing fields, so checking them here too
 * would only be a second, diverging copy of the rules. No error here quotes a flag's value.
 */
import { readFileSync } from 'node:fs';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { z } from 'zod';
import { PROFILE_FIELDS } from '../user.js';
import { UsageError } from './errors.js';

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

export function positiveInt(what: string): (value: string) => number {
  return (value) => {
    if (!/^\d+$/.test(value) || Number(value) < 1)
      throw new InvalidArgumentError(`${what} must be a whole number ≥ 1.`);
    return Number(value);
  };
}

/** Adds the profile flags to `command`; `update` also gets `--clear`. */
export function addProfileFlags(command: Command, mode: 'create' | 'update'): Command {
  command
    .option('--first-name <name>', 'first name')
    .option('--last-name <name>', 'last name')
    .option('--email <email>', 'email address')
    .option('--phone <e164>', 'phone number in E.164 form, e.g. +14155550123')
    .option('--birth-date <YYYY-MM-DD>', 'date of birth')
    .option('--address-line1 <text>', 'address, first line')
    .option('--address-line2 <text>', 'address, second line')
    .option('--city <city>', 'address city')
    .option('--state <state>', 'address state or region')
    .option('--postal-code <code>', 'address postal code (ZIP, postcode)')
    .option('--country <CC>', 'address country, ISO 3166-1 alpha-2 (US, GB)')
    .option('--previous-postal-code <code>', 'a previous postal code (repeatable)', collect)
    .addOption(new Option('--ssn <ssn>', 'US Social Security number').conflicts('niNumber'))
    .addOption(new Option('--ni-number <ni>', 'UK National Insurance number').conflicts('ssn'))
    .option('--external-id <id>', "your own id for the user (e.g. the applicant's)")
    .option('--metadata <json>', 'a JSON object stored with the user, where the provider supports it')
    .option(
      '--payroll-period-months <n>',
      'Teal: months of payroll history to request (providerOptions.teal.payrollPeriodMonths)',
      positiveInt('--payroll-period-months'),
    )
    .option(
      '--input <file>',
      'JSON file holding the profile (neutral field names); flags override it. Keeps an SSN or NI number out of shell history',
    );
  if (mode === 'update') {
    command.option(
      '--clear <field>',
      `clear a field where the provider allows it (repeatable): ${PROFILE_FIELDS.join(', ')}`,
      collect,
    );
  }
  return command;
}

/** The flags as commander hands them over, checked (commander's own values are untyped). */
const ProfileFlagsSchema = z.object({
  firstName: z.string().optional(),
  lastName: z.string().optional(),
  email: z.string().optional(),
  phone: z.string().optional(),
  birthDate: z.string().optional(),
  addressLine1: z.string().optional(),
  addressLine2: z.string().optional(),
  city: z.string().optional(),
  state: z.string().optional(),
  postalCode: z.string().optional(),
  country: z.string().optional(),
  previousPostalCode: z.array(z.string()).optional(),
  ssn: z.string().optional(),
  niNumber: z.string().optional(),
  externalId: z.string().optional(),
  metadata: z.string().optional(),
  payrollPeriodMonths: z.number().optional(),
  input: z.string().optional(),
  clear: z.array(z.string()).optional(),
});
export type ProfileFlags = z.output<typeof ProfileFlagsSchema>;

export function parseProfileFlags(options: unknown): ProfileFlags {
  return ProfileFlagsSchema.parse(options);
}

const JsonObjectSchema = z.record(z.string(), z.unknown());
type Profile = Record<string, unknown>;

/** Parses `--metadata`; the value is never echoed (it may hold personal data). */
function parseMetadata(text: string): Profile {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new UsageError('--metadata must be valid JSON (a JSON object).');
  }
  const result = JsonObjectSchema.safeParse(value);
  if (!result.success || Array.isArray(value)) throw new UsageError('--metadata must be a JSON object.');
  return result.data;
}

/**
 * Reads `--input` (`-` for stdin). Errors name neither the file nor its content: like every value
 * given to a flag, the path is not echoed (a file name can carry a name too).
 */
function readInputFile(path: string): Profile {
  let text: string;
  try {
    text = readFileSync(path === '-' ? 0 : path, 'utf8');
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    const shown = typeof code === 'string' && /^[A-Z0-9_]{1,40}$/.test(code) ? ` (${code})` : '';
    throw new UsageError(`cannot read the --input file${shown}.`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new UsageError('the --input file is not valid JSON.');
  }
  const result = JsonObjectSchema.safeParse(value);
  if (!result.success || Array.isArray(value))
    throw new UsageError('the --input file must hold a JSON object.');
  return result.data;
}

function defined(entries: Record<string, unknown>): Profile {
  return Object.fromEntries(Object.entries(entries).filter(([, v]) => v !== undefined));
}

function asObject(value: unknown): Profile {
  const result = JsonObjectSchema.safeParse(value);
  return result.success && !Array.isArray(value) ? result.data : {};
}

/** The neutral profile the flags describe, over `--input` when given. */
export function profileFromFlags(flags: ProfileFlags): Profile {
  const base = flags.input !== undefined ? readInputFile(flags.input) : {};
  const address = defined({
    line1: flags.addressLine1,
    line2: flags.addressLine2,
    city: flags.city,
    state: flags.state,
    postalCode: flags.postalCode,
    country: flags.country,
  });
  const nationalId =
    flags.ssn !== undefined
      ? { type: 'ssn', value: flags.ssn }
      : flags.niNumber !== undefined
        ? { type: 'ni_number', value: flags.niNumber }
        : undefined;
  const profile: Profile = {
    ...base,
    ...defined({
      firstName: flags.firstName,
      lastName: flags.lastName,
      email: flags.email,
      phone: flags.phone,
      birthDate: flags.birthDate,
      previousPostalCodes: flags.previousPostalCode,
      nationalId,
      externalId: flags.externalId,
      metadata: flags.metadata !== undefined ? parseMetadata(flags.metadata) : undefined,
    }),
  };
  if (Object.keys(address).length > 0) profile.address = { ...asObject(base.address), ...address };
  if (flags.payrollPeriodMonths !== undefined) {
    const options = asObject(base.providerOptions);
    profile.providerOptions = {
      ...options,
      teal: { ...asObject(options.teal), payrollPeriodMonths: flags.payrollPeriodMonths },
    };
  }
  return profile;
}

/** The patch of `users update`: the profile flags, plus `null` for every `--clear` field. */
export function patchFromFlags(flags: ProfileFlags): Profile {
  const patch = profileFromFlags(flags);
  for (const field of flags.clear ?? []) {
    if (!(PROFILE_FIELDS as readonly string[]).includes(field)) {
      // Not one of ours, so not echoed: a value given to a flag may be anything.
      throw new UsageError(`--clear: not a profile field (one of ${PROFILE_FIELDS.join(', ')}).`);
    }
    if (patch[field] !== undefined && patch[field] !== null) {
      throw new UsageError(`--clear ${field}: the same command also sets it.`);
    }
    patch[field] = null;
  }
  if (Object.keys(patch).length === 0)
    throw new UsageError('nothing to update: give at least one profile flag.');
  return patch;
}

/**
 * Which neutral fields Teal stores, and Teal's own rules checked before any request, reported
 * under neutral field names (docs/architecture.md).
 */
import { type AdapterContext, enforceUnsupportedPolicy, requireFields } from '../../src/adapter.js';
import { type FieldErrors, InvalidInputError } from '../../src/errors.js';
import type { UnsupportedFieldsPolicy } from '../../src/provider/definition.js';
import type { ValidCreateUserInput, ValidUpdateUserInput } from '../../src/user.js';
import type { TealCreateInput } from './mappers.js';
import type { TealProviderOptions } from './options.js';

/** Top-level neutral fields Teal stores whole (Teal's `User`, https://docs.goteal.co). */
const STORED_WHOLE = new Set(['firstName', 'lastName', 'birthDate', 'previousPostalCodes', 'externalId']);

/** The neutral path of the payroll period, as reported when it is missing. */
export const PAYROLL_PERIOD_PATH = 'providerOptions.teal.payrollPeriodMonths';

/**
 * Neutral paths Teal cannot store: email, phone, metadata, an SSN (Teal's `User` has no such
 * fields) and every address part but the post code. `undefined` means "not given"; `null` on an
 * unsupported field is reported too (there is nothing at Teal to clear).
 */
export function unsupportedPaths(input: ValidCreateUserInput | ValidUpdateUserInput): string[] {
  const ignored: string[] = [];
  for (const [key, value] of Object.entries(input)) {
    if (value === undefined || key === 'providerOptions' || STORED_WHOLE.has(key)) continue;
    if (key === 'nationalId') {
      if (value !== null && (value as { type: string }).type !== 'ni_number') ignored.push(key);
      continue;
    }
    if (key === 'address') {
      if (value === null) continue;
      for (const [sub, subValue] of Object.entries(value as Record<string, unknown>)) {
        if (subValue !== undefined && sub !== 'postalCode') ignored.push(`address.${sub}`);
      }
      continue;
    }
    ignored.push(key);
  }
  return ignored;
}

/** The `unsupportedFields` policy: the ignored paths under `drop`, an `invalid_input` under `reject`. */
export function applyUnsupportedPolicy(
  input: ValidCreateUserInput | ValidUpdateUserInput,
  policy: UnsupportedFieldsPolicy,
  context: AdapterContext,
): string[] {
  const ignored = unsupportedPaths(input);
  enforceUnsupportedPolicy(ignored, policy, context);
  return ignored;
}

/** Teal's required fields on create (https://docs.goteal.co), by neutral name; throws before any request. */
export function requireTealCreateFields(
  input: ValidCreateUserInput,
  options: TealProviderOptions,
  context: AdapterContext,
): asserts input is TealCreateInput {
  const missing: string[] = [];
  if (input.firstName === undefined) missing.push('firstName');
  if (input.lastName === undefined) missing.push('lastName');
  if (input.birthDate === undefined) missing.push('birthDate');
  // `post_codes` needs one code; the current one or a previous one will do.
  if (input.address?.postalCode === undefined && (input.previousPostalCodes?.length ?? 0) === 0) {
    missing.push('address.postalCode');
  }
  if (options.payrollPeriodMonths === undefined) missing.push(PAYROLL_PERIOD_PATH);
  requireFields(missing, context);
}

/**
 * Update rules: a field Teal requires cannot be cleared (Teal would hold a user it refuses to
 * create), and `post_codes` is one list, so the current post code and the previous ones are given
 * together (`previousPostalCodes: null` or `[]` for none) rather than guessed from a stale read.
 */
export function checkTealUpdate(patch: ValidUpdateUserInput, context: AdapterContext): void {
  const fieldErrors: FieldErrors = {};
  const refuse = (path: string, message: string) => {
    fieldErrors[path] = [...(fieldErrors[path] ?? []), message];
  };
  for (const key of ['firstName', 'lastName', 'birthDate'] as const) {
    if (patch[key] === null) refuse(key, `Required by ${context.provider}; it cannot be cleared`);
  }
  if (patch.address === null) {
    refuse('address', `${context.provider} requires at least one post code; the address cannot be cleared`);
  }
  const current = patch.address?.postalCode;
  if (patch.previousPostalCodes !== undefined && current === undefined && patch.address !== null) {
    refuse(
      'address.postalCode',
      `${context.provider} stores post codes as one list: give address.postalCode with previousPostalCodes`,
    );
  }
  if (current !== undefined && patch.previousPostalCodes === undefined) {
    refuse(
      'previousPostalCodes',
      `${context.provider} stores post codes as one list: give previousPostalCodes (or null for none) with address.postalCode`,
    );
  }
  const paths = Object.keys(fieldErrors);
  if (paths.length > 0) {
    throw new InvalidInputError(
      `${context.provider} ${context.operation}: the update breaks ${context.provider}'s rules (${paths.join(', ')})`,
      fieldErrors,
      context,
    );
  }
}

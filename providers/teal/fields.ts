/**
 * Teal's own rules checked before any request, reported under neutral field names.
 */
import {
  type FieldErrors,
  InvalidInputError,
  type OperationContext,
  type ValidUpdateUserInput,
} from '../../src/provider/index.js';

/** The neutral path of the payroll period, as reported when it is missing. */
export const PAYROLL_PERIOD_PATH = 'providerOptions.teal.payrollPeriodMonths';

/**
 * Update rules: a field Teal requires cannot be cleared (Teal would hold a user it refuses to
 * create), and `post_codes` is one list, so the current post code and the previous ones are given
 * together (`previousPostalCodes: null` or `[]` for none) rather than guessed from a stale read.
 */
export function checkTealUpdate(patch: ValidUpdateUserInput, context: OperationContext): void {
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
      { ...context, fieldErrors },
    );
  }
}

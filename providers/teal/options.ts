/**
 * Teal's provider-specific settings, in neutral camelCase: `providerOptions.teal` on a call and the
 * tenant's `defaults` share this shape. Each maps to one field of Teal's `User` (https://docs.goteal.co).
 */
import { z } from 'zod';
import { CalendarDateSchema } from '../../src/provider/index.js';

/**
 * The docs disagree on the allowed frequencies (WEEKLY/DAILY, +HOURLY in sandbox, vs
 * WEEKLY/MONTHLY/HOURLY), so Teal validates the value; we only check its form.
 */
const FrequencySchema = z
  .string()
  .regex(/^[A-Z]+(?:_[A-Z]+)*$/, 'Must be an upper-case word such as WEEKLY (Teal validates the value)');

/** `payroll_period_months` is an int32 lookback in months; zero or less means nothing. */
const PayrollPeriodSchema = z
  .number('Must be a number of months')
  .int('Must be a whole number of months')
  .positive('Must be at least 1')
  .max(2147483647, 'Must fit in a 32-bit integer');

export const TealRecurringChecksSchema = z.strictObject({
  enabled: z.boolean().optional(),
  frequency: FrequencySchema.optional(),
  /** `YYYY-MM-DD`; sent as UTC midnight. */
  endDate: CalendarDateSchema.optional(),
});

/** `providerOptions.teal` on create, and the tenant's `defaults`. */
export const TealProviderOptionsSchema = z.strictObject({
  payrollPeriodMonths: PayrollPeriodSchema.optional(),
  recurringChecks: TealRecurringChecksSchema.optional(),
  payslipUploadEnabled: z.boolean().optional(),
  payrollConnectionsEnabled: z.boolean().optional(),
});
export type TealProviderOptions = z.output<typeof TealProviderOptionsSchema>;

/**
 * `providerOptions.teal` on update: `null` unsets a per-user setting so that Teal's client-level
 * configuration applies again. The payroll period cannot be unset: Teal requires it.
 */
export const TealProviderOptionsPatchSchema = z.strictObject({
  payrollPeriodMonths: PayrollPeriodSchema.optional(),
  recurringChecks: z
    .strictObject({
      enabled: z.boolean().nullable().optional(),
      frequency: FrequencySchema.nullable().optional(),
      endDate: CalendarDateSchema.nullable().optional(),
    })
    .optional(),
  payslipUploadEnabled: z.boolean().nullable().optional(),
  payrollConnectionsEnabled: z.boolean().nullable().optional(),
});
export type TealProviderOptionsPatch = z.output<typeof TealProviderOptionsPatchSchema>;

/** Per-call options over the tenant's defaults, field by field (recurring checks included). */
export function mergeTealOptions(
  defaults: TealProviderOptions | undefined,
  call: TealProviderOptions | undefined,
): TealProviderOptions {
  const merged: TealProviderOptions = { ...defaults, ...call };
  if (defaults?.recurringChecks || call?.recurringChecks) {
    merged.recurringChecks = { ...defaults?.recurringChecks, ...call?.recurringChecks };
  }
  return merged;
}

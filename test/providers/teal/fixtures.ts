/**
 * Teal test fixtures: obviously fake people (NI QQ123456C, example.com, +447700900123) and the
 * wire shapes Teal's reference defines (https://docs.goteal.co, test/openapi/teal-openapi.yml).
 */

import { tealProvider } from '../../../providers/teal/index.js';
import { createPayrollIdentityWith, type PayrollIdentity } from '../../../src/container/identity.js';
import type { CreateUserInput } from '../../../src/user.js';
import type { UserService } from '../../../src/user-service.js';

export const ORIGIN = 'https://teal.contract.test';
export const API_KEY = 'teal-test-api-key-not-real-0001';
export const BEARER_TOKEN = 'teal-test-member-jwt-not-real-0002';
export const USER_ID = '5f0c7a2e-8f3b-4c1d-9a6e-2b7d4e1f0a11';

export const createInput: CreateUserInput = {
  firstName: 'Johnathan',
  lastName: 'Smithson',
  birthDate: '1990-05-17',
  email: 'john.smithson@example.com',
  phone: '+447700900123',
  address: { line1: '10 Downing Street', city: 'London', postalCode: 'SW1A 2AA', country: 'GB' },
  previousPostalCodes: ['SW1A 1AA'],
  nationalId: { type: 'ni_number', value: 'QQ123456C' },
  externalId: 'applicant-8841',
  metadata: { loanStage: 2 },
  providerOptions: { teal: { recurringChecks: { enabled: true, frequency: 'WEEKLY' } } },
};

/** A `CreatedUser` as Teal returns it for {@link createInput} (Teal's reference). */
export function wireUser(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    user_id: USER_ID,
    created_at: '2024-03-01T10:00:00.000Z',
    forename: 'Johnathan',
    surname: 'Smithson',
    ni_number: 'QQ123456C',
    date_of_birth: '1990-05-17T00:00:00.000Z',
    post_codes: ['SW1A 2AA', 'SW1A 1AA'],
    ext_id: 'applicant-8841',
    recurring_checks_enabled: true,
    recurring_check_frequency: 'WEEKLY',
    payroll_period_months: 12,
    ...overrides,
  };
}

/** The keys Teal's reference documents for `User`: the only ones a request body may carry. */
export const USER_KEYS = [
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
export const REQUIRED_KEYS = [
  'forename',
  'surname',
  'date_of_birth',
  'post_codes',
  'payroll_period_months',
] as const;

const identities: PayrollIdentity[] = [];

/** A Teal tenant `t` pointed at {@link ORIGIN} (unless `baseUrl` is overridden to `undefined`). */
export function tealService(tenant: Record<string, unknown> = {}): UserService {
  const identity = createPayrollIdentityWith(
    {
      tenants: {
        t: {
          provider: 'teal',
          environment: 'sandbox',
          baseUrl: ORIGIN,
          credentials: { apiKey: API_KEY },
          defaults: { payrollPeriodMonths: 12 },
          ...tenant,
        },
      },
    },
    [tealProvider],
  );
  identities.push(identity);
  return identity.forTenant('t');
}

export async function closeTealServices(): Promise<void> {
  await Promise.all(identities.splice(0).map((i) => i.close()));
}

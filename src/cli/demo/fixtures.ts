/**
 * The demo's applicants: obviously fake people (HMRC's example NI number QQ123456C, the SSN
 * 123-45-6789 that was never issued, example.com emails, Ofcom/NANP drama numbers), so the report may
 * show them in full. Each has the full neutral profile, so that what a provider cannot store shows
 * up in `ignoredFields`.
 */
import type { CreateUserInput } from '../../user.js';

export interface TenantPlan {
  tenant: string;
  provider: string;
  applicant: CreateUserInput;
  /** The applicant as the report shows them: fake data only. */
  applicantSummary: string;
  update: CreateUserInput & { lastName: string };
  /**
   * Whether sending the same person again must fail with `conflict`. Only Teal documents that
   * (409 "This user already exists"); Argyle accepts any number of users with the same details.
   */
  duplicateConflict: boolean;
}

export const DEMO_TENANTS = {
  argyle: 'demo-argyle',
  teal: 'demo-teal',
} as const;

export const ARGYLE_PLAN: TenantPlan = {
  tenant: DEMO_TENANTS.argyle,
  provider: 'argyle',
  applicant: {
    firstName: 'Jane',
    lastName: 'Doe',
    email: 'jane.doe@example.com',
    phone: '+14155550123',
    birthDate: '1990-05-17',
    address: {
      line1: '123 Example Street',
      city: 'San Francisco',
      state: 'CA',
      postalCode: '94105',
      country: 'US',
    },
    previousPostalCodes: ['94107'],
    nationalId: { type: 'ssn', value: '123-45-6789' },
    externalId: 'demo-applicant-us-0001',
    metadata: { loanStage: 2, source: 'payroll-identity demo' },
  },
  applicantSummary: 'Jane Doe, born 1990-05-17, SSN 123-45-6789, jane.doe@example.com, +14155550123 (fake)',
  update: { lastName: 'Doe-Example', email: 'jane.doe-example@example.com' },
  duplicateConflict: false,
};

export const TEAL_PLAN: TenantPlan = {
  tenant: DEMO_TENANTS.teal,
  provider: 'teal',
  applicant: {
    firstName: 'John',
    lastName: 'Smith',
    email: 'john.smith@example.com',
    phone: '+447700900123',
    birthDate: '1985-11-02',
    address: { line1: '10 Example Road', city: 'London', postalCode: 'SW1A 2AA', country: 'GB' },
    previousPostalCodes: ['SW1A 1AA'],
    nationalId: { type: 'ni_number', value: 'QQ123456C' },
    externalId: 'demo-applicant-uk-0001',
    metadata: { loanStage: 2 },
    providerOptions: { teal: { payrollPeriodMonths: 12 } },
  },
  applicantSummary:
    'John Smith, born 1985-11-02, NI QQ123456C, postcode SW1A 2AA, john.smith@example.com (fake)',
  update: { lastName: 'Smith-Example', email: 'john.smith-example@example.com' },
  duplicateConflict: true,
};

export const DEMO_PLANS: readonly TenantPlan[] = [ARGYLE_PLAN, TEAL_PLAN];

/**
 * `payroll-identity demo` for Teal: an obviously fake applicant (HMRC's example NI number QQ123456C,
 * an example.com email, an Ofcom drama number), so the report may show them in full. The full
 * neutral profile is sent, so that what Teal cannot store shows up in `ignoredFields`.
 */
import type { SandboxDemoPlan } from '../../../src/sandbox/index.js';

export const demo: SandboxDemoPlan = {
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
  },
  applicantSummary:
    'John Smith, born 1985-11-02, NI QQ123456C, postcode SW1A 2AA, john.smith@example.com (fake)',
  update: { lastName: 'Smith-Example', email: 'john.smith-example@example.com' },
  // Teal documents a 409 "This user already exists" but not what makes a user the same: the demo
  // starts the emulator with a duplicate rule (an emulator option, off by default) to show how a
  // conflict comes back through the neutral service.
  duplicateConflict: true,
  emulatorOptions: { duplicateRule: 'name-and-birth-date' },
  // Teal requires the months of payroll history to request on every create.
  providerOptions: { teal: { payrollPeriodMonths: 12 } },
  // The applicant submitting their payroll: user-payroll-submitted, signed and AES-256-GCM encrypted.
  webhooks: { simulation: 'user-payroll-submitted', encrypted: true },
};

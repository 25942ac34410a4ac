/**
 * `payroll-identity demo` for Argyle: an obviously fake applicant (the SSN 123-45-6789 that was never
 * issued, an example.com email, a NANP drama number), so the report may show them in full. The full
 * neutral profile is sent, so that what Argyle cannot store shows up in `ignoredFields`.
 */
import type { SandboxDemoPlan } from '../../../src/sandbox/index.js';

export const demo: SandboxDemoPlan = {
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
  // Argyle accepts any number of users with the same details.
  duplicateConflict: false,
  // Connecting a payroll account: accounts.added, accounts.connected, users.fully_synced (signed, never encrypted).
  webhooks: { simulation: 'connection' },
};

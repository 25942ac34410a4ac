/**
 * `payroll-identity demo --provider-module …` for Acme Pay: an obviously fake applicant (the SSN
 * 123-45-6789 that was never issued, an example.com email, a NANP drama number). The full neutral
 * profile is sent, so that what Acme Pay cannot store shows up in `ignoredFields`.
 */
import type { SandboxDemoPlan } from 'payroll-identity/sandbox';

export const acmePayDemo: SandboxDemoPlan = {
  applicant: {
    firstName: 'Jane',
    lastName: 'Doe',
    email: 'jane.doe@example.com',
    phone: '+14155550123',
    birthDate: '1990-05-17',
    address: { line1: '1 Example Way', city: 'Springfield', postalCode: '00000', country: 'US' },
    previousPostalCodes: ['00001'],
    nationalId: { type: 'ssn', value: '123-45-6789' },
    externalId: 'demo-applicant-acme-0001',
    metadata: { loanStage: 2 },
  },
  applicantSummary: 'Jane Doe, born 1990-05-17, SSN 123-45-6789, jane.doe@example.com (fake)',
  update: { lastName: 'Doe-Example', email: 'jane.doe-example@example.com' },
  // The document names no uniqueness rule: the same person may be created twice.
  duplicateConflict: false,
};

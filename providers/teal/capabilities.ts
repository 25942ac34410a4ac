/** What a Teal tenant can do (see docs/providers/teal.md). */
import type { Capabilities } from '../../src/user-service.js';
import type { TealTenantConfig } from './config.js';
import { PAYROLL_PERIOD_PATH } from './fields.js';

/** `GET /users` serves at most 100 users a page (reference). */
export const TEAL_MAX_PAGE_SIZE = 100;

const STORED = [
  'firstName',
  'lastName',
  'birthDate',
  'address',
  'previousPostalCodes',
  'nationalId',
  'externalId',
] as const;

export function tealCapabilities(config: TealTenantConfig): Capabilities {
  const required = ['firstName', 'lastName', 'birthDate', 'address.postalCode'];
  // The payroll period is required by Teal; a tenant default satisfies it.
  if (config.defaults?.payrollPeriodMonths === undefined) required.push(PAYROLL_PERIOD_PATH);
  return {
    operations: {
      createUser: true,
      getUser: true,
      updateUser: true,
      deleteUser: true,
      listUsers: true,
      createLinkToken: true,
    },
    createFields: STORED,
    updateFields: STORED,
    requiredOnCreate: required,
    clearOnUpdate: true,
    linkTokenOnCreate: false,
    // Teal's list has no filter: externalId is matched client-side over every page.
    listFilters: ['externalId'],
    maxPageSize: TEAL_MAX_PAGE_SIZE,
  };
}

/** What an Acme Pay tenant can do. */
import type { Capabilities, ProfileField } from 'payroll-identity';

export const STORED_FIELDS: readonly ProfileField[] = ['firstName', 'lastName', 'email', 'externalId'];
/** "`page_size` 1–50". */
export const MAX_PAGE_SIZE = 50;

export function acmePayCapabilities(): Capabilities {
  return {
    operations: {
      createUser: true,
      getUser: true,
      updateUser: true,
      deleteUser: true,
      listUsers: true,
      createLinkToken: true,
    },
    createFields: STORED_FIELDS,
    updateFields: STORED_FIELDS,
    requiredOnCreate: ['firstName', 'lastName'],
    clearOnUpdate: false,
    linkTokenOnCreate: false,
    listFilters: ['externalId'],
    maxPageSize: MAX_PAGE_SIZE,
  };
}

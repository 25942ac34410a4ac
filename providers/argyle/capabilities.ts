/**
 * What an Argyle tenant can do, per API version. v2 stores the whole neutral profile except
 * previous postal codes (and holds a national id only as an SSN); legacy v1 stores only metadata.
 * Neither documents a way to clear a field.
 */
import type { Capabilities } from '../../src/user-service.js';
import type { ArgyleApiVersion } from './config.js';
import { V1_FIELDS, V2_FIELDS } from './fields.js';
import { MAX_PAGE_SIZE } from './pagination.js';

const ALL_OPERATIONS = {
  createUser: true,
  getUser: true,
  updateUser: true,
  deleteUser: true,
  listUsers: true,
  createLinkToken: true,
} as const;

export function argyleCapabilities(apiVersion: ArgyleApiVersion): Capabilities {
  const fields = apiVersion === 'v2' ? V2_FIELDS : V1_FIELDS;
  return {
    operations: ALL_OPERATIONS,
    createFields: fields,
    updateFields: fields,
    requiredOnCreate: [],
    clearOnUpdate: false,
    linkTokenOnCreate: true,
    listFilters: apiVersion === 'v2' ? ['externalId'] : [],
    maxPageSize: MAX_PAGE_SIZE,
  };
}

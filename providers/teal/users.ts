/**
 * Teal's users API (https://docs.goteal.co), declared for the core: which neutral fields Teal
 * stores, `providerOptions.teal`, and per operation the endpoint, its schemas and mappers. The core
 * runs the flow (parsing, field policy, ids, paging, errors); what is Teal's own is here.
 */
import {
  checkAnsweredId,
  type OperationContext,
  type RequiredField,
  type UsersDeclaration,
  type ValidCreateUserInput,
  type ValidUpdateUserInput,
} from '../../src/provider/index.js';
import type { TealTenantConfig } from './config.js';
import { checkTealUpdate, PAYROLL_PERIOD_PATH } from './fields.js';
import {
  fromTealUser,
  fromTealUserToken,
  type TealCreateInput,
  toTealCreateBody,
  toTealPatchBody,
} from './mappers.js';
import {
  mergeTealOptions,
  type TealProviderOptions,
  type TealProviderOptionsPatch,
  TealProviderOptionsPatchSchema,
  TealProviderOptionsSchema,
} from './options.js';
import {
  type TealUser,
  type TealUserList,
  TealUserListSchema,
  TealUserSchema,
  type TealUserToken,
  TealUserTokenSchema,
} from './wire.js';

/** `GET /users` serves at most 100 users a page (reference: `limit` 1–100). */
export const TEAL_MAX_PAGE_SIZE = 100;

const userPath = (id: string) => `/users/${id}`;

/** What every create needs; the payroll period too when the tenant has no default for it. */
const REQUIRED: readonly RequiredField[] = Object.freeze([
  'firstName',
  'lastName',
  'birthDate',
  // `post_codes` needs one code; the current one or a previous one will do.
  ['address.postalCode', 'previousPostalCodes'],
]);
const REQUIRED_WITH_PERIOD: readonly RequiredField[] = Object.freeze([...REQUIRED, PAYROLL_PERIOD_PATH]);

/**
 * A tenant's users API: what depends on the tenant (its defaults, and so whether a call must give
 * the payroll period) added to what is the same for every tenant. Object.assign, not a spread then
 * more keys: built for every tenant at load, and that is a slow path in Node 20's V8
 * (docs/performance.md).
 */
export function tealUsers(config: TealTenantConfig): UsersDeclaration {
  return Object.assign(
    {
      // The payroll period is required by Teal; a tenant default satisfies it.
      required: config.defaults?.payrollPeriodMonths === undefined ? REQUIRED_WITH_PERIOD : REQUIRED,
      options: {
        create: TealProviderOptionsSchema,
        update: TealProviderOptionsPatchSchema,
        defaults: config.defaults,
        merge: mergeTealOptions,
      },
    },
    TEAL_USERS,
  );
}

const TEAL_USERS: Omit<UsersDeclaration, 'required' | 'options'> = {
  // Teal's `User`: names, birth date, post codes (the current one first), an NI number, ext_id.
  // No email, phone, metadata, SSN or address lines.
  stored: {
    firstName: true,
    lastName: true,
    birthDate: true,
    address: ['postalCode'],
    previousPostalCodes: true,
    nationalId: (id) => id.type === 'ni_number',
    externalId: true,
  },
  // PATCH /users/{user_id}: "null" unsets a field.
  clearable: true,
  check(operation, input, context) {
    if (operation === 'updateUser') checkTealUpdate(input as ValidUpdateUserInput, context);
  },
  user: {
    schema: TealUserSchema,
    id: (user: TealUser) => user.user_id,
    toUser: (user: TealUser) => fromTealUser(user),
  },
  // POST /users → 201 CreatedUser; 400, 401, 409 {errors}. A 409 is Teal's only duplicate guard.
  // A 200 with a valid CreatedUser is accepted too: a user was created either way, and refusing it
  // would invite a second create. Never replayed; Teal has no lookup by ext_id to reconcile with
  // (its list has no filter and ext_id is not documented as unique): `outcome_unknown`.
  createUser: {
    method: 'POST',
    path: '/users',
    expectStatus: [200, 201],
    response: TealUserSchema,
    body: (fields: Partial<ValidCreateUserInput>, options: TealProviderOptions) =>
      // The lookback is there: from the tenant's defaults or, without one, required of the
      // call (`required` is checked before the body is built).
      toTealCreateBody(
        fields as TealCreateInput,
        options as TealProviderOptions & { payrollPeriodMonths: number },
      ),
    result: (answer: TealUser) => ({ user: fromTealUser(answer) }),
  },
  // GET /users/{user_id} → 200 CreatedUser; 400, 401, 404.
  getUser: { method: 'GET', path: userPath },
  // PATCH /users/{user_id} (partial; null unsets) → 200 CreatedUser; 400, 401, 404. Tenant defaults
  // apply on create only: on update they would overwrite this user's own settings. An empty PATCH
  // is undocumented, so nothing to change reads the user instead.
  updateUser: {
    method: 'PATCH',
    path: userPath,
    body: (fields: Partial<ValidUpdateUserInput>, options: TealProviderOptionsPatch) =>
      toTealPatchBody(fields, options),
    whenEmpty: 'read',
  },
  // DELETE /users/{user_id} → 204 (may carry {"message": ...}, not read); 401, 404. Any 2xx is
  // success: the user is gone, and failing here would invite a second delete.
  deleteUser: { method: 'DELETE', path: userPath },
  // GET /users?offset=&limit= → 200 {pagination: {offset, limit, count, total_count}, users}.
  // `offset` counts users, zero-based ("default 0"), yet the parameter says "minimum 1": the first
  // request leaves it out (the default is the first page). Teal documents no filter.
  listUsers: {
    method: 'GET',
    path: '/users',
    response: TealUserListSchema,
    maxPageSize: TEAL_MAX_PAGE_SIZE,
    externalIdFilter: 'client',
    paging: {
      kind: 'offset',
      query: (offset, limit) => (offset === 0 ? { limit } : { offset, limit }),
      read: (page: TealUserList) => ({
        users: page.users,
        // Without a total, the walk goes on until a page comes back empty (one request more).
        total: page.pagination.total_count ?? (page.users.length === 0 ? 0 : Number.MAX_SAFE_INTEGER),
        ...(page.pagination.offset !== undefined ? { offset: page.pagination.offset } : {}),
      }),
    },
  },
  // POST /user-tokens {user_id} → 201 {token, webapp_link, created_at}; 401.
  createLinkToken: {
    method: 'POST',
    path: () => '/user-tokens',
    body: (id) => ({ user_id: id }),
    response: TealUserTokenSchema,
    expectStatus: [201],
    result(answer: TealUserToken, id: string, context: OperationContext) {
      // The reference's answer names no user; one that does must name this one (a token for
      // another user would open their session under this applicant).
      const owner = (answer as { user_id?: unknown }).user_id;
      if (typeof owner === 'string') checkAnsweredId(id, owner, context);
      return fromTealUserToken(answer);
    },
  },
};

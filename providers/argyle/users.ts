/**
 * Argyle's users API declared for the core: v2 (https://docs.argyle.com/api-reference/users) and
 * the legacy v1 (https://docs.argyle.com/legacy/api-reference/users), one declaration each over the
 * same shape. The core runs the flow (parsing, field policy, ids, paging, errors, reconciliation);
 * what is Argyle's own is here. Mapping and choices: docs/providers/argyle.md.
 */
import {
  fastSchema,
  InvalidConfigurationError,
  type OperationContext,
  type UsersDeclaration,
  type ValidCreateUserInput,
  type ValidUpdateUserInput,
} from '../../src/provider/index.js';
import type { ArgyleProviderOptions, ArgyleTenantConfig } from './config.js';
import { ArgyleProviderOptionsSchema } from './config.js';
import { refuseReservedMetadata, withCreateNonce } from './create-marker.js';
import { linkToken, tokenForCreated } from './link-token.js';
import { fromV1User, toV1Request, type V1Fields } from './mappers/v1.js';
import { fromV2User, toV2Request, userWithId, type V2Fields } from './mappers/v2.js';
import { cursorPage, MAX_PAGE_SIZE } from './pagination.js';
import { matchesCreate } from './reconcile.js';
import {
  V1CreateUserResponse,
  V1User,
  V1UserFieldsRequest,
  V1UserList,
  V1UserTokenResponse,
} from './wire/v1.js';
import {
  V2CreateUserResponse,
  V2User,
  V2UserFieldsRequest,
  V2UserList,
  V2UserTokenResponse,
} from './wire/v2.js';

const PROVIDER = 'argyle';

/** Where the v1 API has no room for the open-banking options. */
export const OPEN_BANKING_PATH = 'providerOptions.argyle.openBanking';

/**
 * What both versions share: the user endpoints' shape, the reserved metadata key, link tokens. None
 * of it depends on the tenant: it is built once per version, and a tenant's declaration adds only
 * its options (its defaults).
 */
function common(version: 'v1' | 'v2') {
  const userPath = (id: string) => `/${version}/users/${id}`;
  return {
    // Neither version documents a way to clear a field (PATCH takes strings and objects, never null).
    clearable: false,
    check(_operation: string, input: Record<string, unknown>, context: OperationContext) {
      refuseReservedMetadata(input.metadata, context);
    },
    // Create a user token — POST /{version}/user-tokens {"user": id} (https://docs.argyle.com/link/user-tokens).
    // A second token creates nothing new (a fresh one is meant for every Link start).
    tokenEndpoint: {
      method: 'POST',
      path: () => `/${version}/user-tokens`,
      body: (id: string) => ({ user: id }),
      expectStatus: [200],
    } as const,
    getUser: { method: 'GET', path: userPath } as const,
    updateUser: { method: 'PATCH', path: userPath } as const,
    deleteUser: { method: 'DELETE', path: userPath, expectStatus: [204] } as const,
    linkTokenOnCreate: true,
    describe: { apiVersion: version },
  };
}

/** A tenant's options: the provider's namespace and, on create only, the tenant's defaults. */
function tenantOptions(config: ArgyleTenantConfig) {
  // Tenant defaults apply on create only: an update sends only what the caller changes.
  return { create: ArgyleProviderOptionsSchema, defaults: config.defaults };
}

/** API v2: the whole neutral profile but previous postal codes; a national id only as an SSN. */
const V2_USERS: Omit<UsersDeclaration, 'options'> = (() => {
  const { tokenEndpoint, ...shared } = common('v2');
  return {
    ...shared,
    stored: {
      firstName: true,
      lastName: true,
      email: true,
      phone: true,
      birthDate: true,
      address: true,
      nationalId: (id) => id.type === 'ssn',
      externalId: true,
      metadata: true,
    },
    user: {
      schema: V2User,
      id: (user: V2User) => user.id,
      toUser: (user: V2User) => fromV2User(user, PROVIDER),
    },
    // POST /v2/users → 200 {user_token, id}. Any 2xx with an id is a created user, with or without
    // a token: refusing one would invite a second create.
    createUser: {
      method: 'POST',
      path: '/v2/users',
      response: V2CreateUserResponse,
      body: (fields: Partial<ValidCreateUserInput>, options: ArgyleProviderOptions) =>
        fastSchema(V2UserFieldsRequest).parse(toV2Request(fields as V2Fields, options.openBanking)),
      result(answer: V2CreateUserResponse, sent: V2UserFieldsRequest, context: OperationContext) {
        // The 200 holds only `{user_token, id}`: the user is what was sent (reading it back could
        // fail after the create succeeded and tempt a caller into creating it twice). The mapper
        // strips the create marker from its metadata.
        // Mapped from the body with the answer's id (the mapper reads only a user's fields, never
        // `open_banking`, which is about the lender, not the user).
        const user = userWithId(answer.id, sent, PROVIDER);
        const token = answer.user_token ? tokenForCreated(answer.user_token, answer.id, context) : undefined;
        return token ? { user, linkToken: token } : { user };
      },
      // external_id is not unique at Argyle: only the user holding this call's nonce is this call's.
      reconcile: {
        // Object.assign, not `{ ...body, external_metadata }`: a spread followed by a property is a
        // slow path in Node 20's V8 (docs/performance.md). The body's keys are the request schema's.
        mark: (body: V2UserFieldsRequest, nonce: string) =>
          Object.assign({}, body, {
            external_metadata: withCreateNonce(
              body.external_metadata as Record<string, never> | undefined,
              nonce,
            ),
          }),
        matches: matchesCreate,
      },
    },
    updateUser: {
      ...shared.updateUser,
      body: (fields: Partial<ValidUpdateUserInput>, options: ArgyleProviderOptions) =>
        fastSchema(V2UserFieldsRequest).parse(toV2Request(fields as V2Fields, options.openBanking)),
    },
    // GET /v2/users?limit=&external_id=&cursor= — "Maximum: 200". The filter goes with every page,
    // so a cursor that does not carry it can never widen the listing.
    listUsers: {
      method: 'GET',
      path: '/v2/users',
      response: V2UserList,
      maxPageSize: MAX_PAGE_SIZE,
      externalIdFilter: 'server',
      paging: {
        kind: 'cursor',
        query: (cursor, limit, filter) => ({ limit, external_id: filter.externalId, cursor }),
        read: (page: V2UserList, context: OperationContext, limit: number) =>
          cursorPage(page, context, limit),
      },
    },
    createLinkToken: {
      ...tokenEndpoint,
      response: V2UserTokenResponse,
      result: (answer: V2UserTokenResponse, id: string, context: OperationContext) =>
        linkToken(answer.user_token, id, context),
    },
  };
})();

function v2Users(config: ArgyleTenantConfig): UsersDeclaration {
  // Object.assign, not a spread then `options`: built for every tenant at load, and a spread
  // followed by more properties is a slow path in Node 20's V8 (docs/performance.md).
  return Object.assign({ options: tenantOptions(config) }, V2_USERS);
}

/**
 * The legacy v1 API: a user holds only `external_metadata`. An ambiguous create is never
 * reconciled: v1 has no `external_id` and its list has no filter (`outcome_unknown`).
 */
function v1Users(config: ArgyleTenantConfig): UsersDeclaration {
  // Tenant defaults that v1 can never send would be dropped (or refused) on every call: say so once.
  if (config.defaults?.openBanking !== undefined) {
    throw InvalidConfigurationError.of([
      {
        tenant: config.tenant,
        field: 'defaults.openBanking',
        reason: 'the legacy v1 API has no open banking fields (use apiVersion "v2")',
      },
    ]);
  }
  return Object.assign(
    {
      options: Object.assign(tenantOptions(config), { unsupported: v1Unsupported }),
    },
    V1_USERS,
  );
}

/** The open-banking options are one more thing v1 cannot hold. */
const v1Unsupported = (options: ArgyleProviderOptions) =>
  options.openBanking !== undefined ? [OPEN_BANKING_PATH] : [];

/** The legacy v1 API's users, the same for every tenant. */
const V1_USERS: Omit<UsersDeclaration, 'options'> = (() => {
  const { tokenEndpoint, ...shared } = common('v1');
  const v1Body = (fields: Partial<ValidCreateUserInput>) =>
    fastSchema(V1UserFieldsRequest).parse(toV1Request(fields as V1Fields));
  return {
    ...shared,
    stored: { metadata: true },
    user: {
      schema: V1User,
      id: (user: V1User) => user.id,
      toUser: (user: V1User) => fromV1User(user, PROVIDER),
    },
    // POST /v1/users → {token, id}. "No payload is required": without metadata the body is `{}`, a
    // JSON body like the document's examples (an absent body would go out with a form content type).
    createUser: {
      method: 'POST',
      path: '/v1/users',
      response: V1CreateUserResponse,
      body: v1Body,
      // "the API saves that information, but only returns the `id` and `token` fields".
      result(answer: V1CreateUserResponse, sent: V1UserFieldsRequest, context: OperationContext) {
        const user = fromV1User(V1User.parse({ ...sent, id: answer.id }), PROVIDER);
        const token = tokenForCreated(answer.token, answer.id, context);
        return token ? { user, linkToken: token } : { user };
      },
    },
    updateUser: { ...shared.updateUser, body: v1Body },
    // GET /v1/users?limit= — no filter; paging as v2, or a bare array (the reference's example).
    listUsers: {
      method: 'GET',
      path: '/v1/users',
      response: V1UserList,
      maxPageSize: MAX_PAGE_SIZE,
      externalIdFilter: 'none',
      paging: {
        kind: 'cursor',
        query: (cursor, limit) => ({ limit, cursor }),
        read: (page: V1UserList, context: OperationContext, limit: number) =>
          cursorPage(page, context, limit),
      },
    },
    // POST /v1/user-tokens → {access, refresh}; "Only the access token is passed" to Link.
    createLinkToken: {
      ...tokenEndpoint,
      response: V1UserTokenResponse,
      result: (answer: V1UserTokenResponse, id: string, context: OperationContext) =>
        linkToken(answer.access, id, context),
    },
  };
})();

/** The tenant's users API, by its `apiVersion`. */
export function argyleUsers(config: ArgyleTenantConfig): UsersDeclaration {
  return config.apiVersion === 'v1' ? v1Users(config) : v2Users(config);
}

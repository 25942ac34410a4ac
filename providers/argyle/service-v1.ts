/**
 * The Argyle legacy v1 adapter (tenant `apiVersion: 'v1'`), from seed 002: a v1 user holds only
 * `external_metadata`, so every other neutral field is dropped (named in `ignoredFields`) or, under
 * `unsupportedFields: 'reject'`, refused.
 */
import { adapterContext, checkUserId, sensitiveValues } from '../../src/adapter.js';
import {
  InvalidConfigurationError,
  InvalidInputError,
  type Operation,
  UnexpectedResponseError,
} from '../../src/errors.js';
import type { ProviderContext } from '../../src/provider.js';
import {
  CreateUserInputSchema,
  type ListUsersFilter,
  ListUsersFilterSchema,
  UpdateUserInputSchema,
  type User,
} from '../../src/user.js';
import type { CallOptions, UserService } from '../../src/user-service.js';
import { parseInput } from '../../src/validation.js';
import { argyleCapabilities } from './capabilities.js';
import type { ArgyleTenantConfig } from './config.js';
import { argyleOptions, OPEN_BANKING_PATH, refuseClears, selectArgyleFields, V1_FIELDS } from './fields.js';
import { linkToken } from './link-token.js';
import { fromV1User, toV1Request, type V1Fields } from './mappers/v1.js';
import { nextCursor, pageSizeOf } from './pagination.js';
import {
  V1CreateUserResponse,
  V1User,
  V1UserFieldsRequest,
  V1UserList,
  V1UserTokenRequest,
  V1UserTokenResponse,
} from './wire/v1.js';

const PROVIDER = 'argyle';

export function createArgyleV1Service({
  tenant,
  config,
  http,
}: ProviderContext<ArgyleTenantConfig>): UserService {
  // Tenant defaults that v1 can never send would be dropped (or refused) on every call: say so once.
  if (config.defaults?.openBanking !== undefined) {
    throw new InvalidConfigurationError([
      {
        tenant,
        field: 'defaults.openBanking',
        reason: 'the legacy v1 API has no open banking fields (use apiVersion "v2")',
      },
    ]);
  }
  const ctx = (operation: Operation) => adapterContext(PROVIDER, tenant, operation);
  const userPath = (id: string) => `/v1/users/${encodeURIComponent(id)}`;
  /** The open-banking options, if given, are one more thing v1 cannot hold. */
  const openBankingGiven = (
    providerOptions: Record<string, Record<string, unknown>> | undefined,
    operation: Operation,
  ) =>
    argyleOptions(providerOptions, undefined, ctx(operation)).openBanking !== undefined
      ? [OPEN_BANKING_PATH]
      : [];

  return {
    provider: PROVIDER,
    tenant,
    capabilities: argyleCapabilities('v1'),

    async createUser(input, options?: CallOptions) {
      const context = ctx('createUser');
      const valid = parseInput(CreateUserInputSchema, input, context);
      const extra = openBankingGiven(valid.providerOptions, 'createUser');
      const { fields, ignored } = selectArgyleFields(
        valid,
        V1_FIELDS,
        config.unsupportedFields,
        context,
        extra,
      );
      const body = V1UserFieldsRequest.parse(toV1Request(fields as V1Fields));
      // Create a user — POST /v1/users → {token, id} (seed 002; https://docs.argyle.com/legacy/api-reference/users#create).
      // "No payload is required": without metadata the body is `{}`, a JSON body like the seed's
      // examples declare (an absent body would go out with a form content type).
      const { data } = await http.request({
        operation: 'createUser',
        method: 'POST',
        path: '/v1/users',
        body,
        response: V1CreateUserResponse,
        sensitive: sensitiveValues(valid),
        options,
      });
      // "the API saves that information, but only returns the `id` and `token` fields".
      const user = fromV1User(V1User.parse({ ...body, id: data.id }), PROVIDER);
      return { user, linkToken: linkToken(data.token), ignoredFields: ignored };
    },

    async getUser(userId, options?: CallOptions) {
      const context = ctx('getUser');
      const id = checkUserId(userId, context);
      // Retrieve a user — GET /v1/users/{id} (seed 002; https://docs.argyle.com/legacy/api-reference/users#retrieve).
      const { data } = await http.request({
        operation: 'getUser',
        method: 'GET',
        path: userPath(id),
        response: V1User,
        expectStatus: [200],
        options,
      });
      return fromV1User(data, PROVIDER);
    },

    async updateUser(userId, patch, options?: CallOptions) {
      const context = ctx('updateUser');
      const id = checkUserId(userId, context);
      const valid = parseInput(UpdateUserInputSchema, patch, context);
      refuseClears(valid, V1_FIELDS, context);
      const extra = openBankingGiven(valid.providerOptions, 'updateUser');
      const { fields, ignored } = selectArgyleFields(
        valid,
        V1_FIELDS,
        config.unsupportedFields,
        context,
        extra,
      );
      const body = V1UserFieldsRequest.parse(toV1Request(fields as V1Fields));
      // Update a user's metadata — PATCH /v1/users/{id} (seed 002;
      // https://docs.argyle.com/legacy/api-reference/users#update).
      const { data } = await http.request({
        operation: 'updateUser',
        method: 'PATCH',
        path: userPath(id),
        body,
        response: V1User,
        expectStatus: [200],
        sensitive: sensitiveValues(valid),
        options,
      });
      return { user: fromV1User(data, PROVIDER), ignoredFields: ignored };
    },

    async deleteUser(userId, options?: CallOptions) {
      const context = ctx('deleteUser');
      const id = checkUserId(userId, context);
      // Delete a user — DELETE /v1/users/{id} → 204 (seed 002; https://docs.argyle.com/legacy/api-reference/users#delete).
      await http.request({
        operation: 'deleteUser',
        method: 'DELETE',
        path: userPath(id),
        expectStatus: [204],
        options,
      });
    },

    async *listUsers(filter?: ListUsersFilter, options?: CallOptions): AsyncGenerator<User> {
      const context = ctx('listUsers');
      const valid = parseInput(ListUsersFilterSchema, filter ?? {}, { ...context, what: 'filter' });
      if (valid.externalId !== undefined) {
        // Ignoring the filter would list every user as if they matched.
        throw new InvalidInputError(
          `${PROVIDER} listUsers: the legacy v1 API cannot filter users by externalId`,
          { externalId: ['Not supported by the Argyle v1 API'] },
          context,
        );
      }
      const limit = pageSizeOf(valid.pageSize);
      const seen = new Set<string>();
      let cursor: string | undefined;
      do {
        // List users — GET /v1/users?limit= (seed 002; https://docs.argyle.com/legacy/api-reference/users#list).
        const { data } = await http.request({
          operation: 'listUsers',
          method: 'GET',
          path: '/v1/users',
          query: { limit, cursor },
          response: V1UserList,
          expectStatus: [200],
          options,
        });
        if (Array.isArray(data)) {
          for (const wire of data) yield fromV1User(wire, PROVIDER);
          // A bare array has no way to the next page. A short page is the last one; a full page
          // may hide more users, and a silently truncated listing is worse than an error.
          if (data.length >= limit) {
            throw new UnexpectedResponseError(
              `${PROVIDER} listUsers: the v1 API returned a full page (${limit}) with no link to the next one; the listing may be incomplete`,
              ['(body): no_next_page'],
              context,
            );
          }
          return;
        }
        for (const wire of data.results) yield fromV1User(wire, PROVIDER);
        cursor = nextCursor(data, seen, context);
      } while (cursor !== undefined);
    },

    async createLinkToken(userId, options?: CallOptions) {
      const context = ctx('createLinkToken');
      const id = checkUserId(userId, context);
      // Create a user token — POST /v1/user-tokens {"user": id} → {access, refresh}; "Only the access
      // token is passed" to Link (seed 002; https://docs.argyle.com/legacy/api-reference/users).
      const { data } = await http.request({
        operation: 'createLinkToken',
        method: 'POST',
        path: '/v1/user-tokens',
        body: V1UserTokenRequest.parse({ user: id }),
        response: V1UserTokenResponse,
        // A second token creates nothing new (a fresh one is meant for every Link start), so a
        // failed attempt may be sent again.
        idempotent: true,
        expectStatus: [200],
        options,
      });
      return linkToken(data.access);
    },
  };
}

/**
 * The Argyle API v2 adapter: a `UserService` over `/v2/users` and `/v2/user-tokens`.
 */
import { adapterContext, checkUserId, sensitiveValues } from '../../src/adapter.js';
import type { Operation } from '../../src/errors.js';
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
import { argyleOptions, refuseClears, selectArgyleFields, V2_FIELDS } from './fields.js';
import { linkToken } from './link-token.js';
import { fromV2User, toV2Request, type V2Fields } from './mappers/v2.js';
import { nextCursor, pageSizeOf } from './pagination.js';
import { findCreatedUser } from './reconcile.js';
import {
  V2CreateUserResponse,
  V2User,
  V2UserFieldsRequest,
  V2UserList,
  V2UserTokenRequest,
  V2UserTokenResponse,
} from './wire/v2.js';

const PROVIDER = 'argyle';

/** What a create yields: the documented 200, or (reconciled) the user found by its external id. */
interface CreateOutcome {
  id: string;
  user_token?: string | null;
  found?: V2User;
}

export function createArgyleV2Service({
  tenant,
  config,
  http,
}: ProviderContext<ArgyleTenantConfig>): UserService {
  const ctx = (operation: Operation) => adapterContext(PROVIDER, tenant, operation);
  const userPath = (id: string) => `/v2/users/${encodeURIComponent(id)}`;

  return {
    provider: PROVIDER,
    tenant,
    capabilities: argyleCapabilities('v2'),

    async createUser(input, options?: CallOptions) {
      const context = ctx('createUser');
      const valid = parseInput(CreateUserInputSchema, input, context);
      const { fields, ignored } = selectArgyleFields(valid, V2_FIELDS, config.unsupportedFields, context);
      const { openBanking } = argyleOptions(valid.providerOptions, config.defaults, context);
      const body = V2UserFieldsRequest.parse(toV2Request(fields as V2Fields, openBanking));
      const externalId = body.external_id;
      // With an externalId, an ambiguous create (sent, no usable answer) is looked up instead of
      // ending in outcome_unknown straight away (./reconcile.ts; docs/providers/argyle.md).
      const lookup =
        externalId !== undefined
          ? { http, context, body: { ...body, external_id: externalId }, startedAt: Date.now() }
          : undefined;
      // Create a user — POST /v2/users (seed 000; https://docs.argyle.com/api-reference/users#create).
      // Any 2xx with an id is a created user, with or without a user token: refusing one would invite a
      // second create. A 2xx we cannot read is reconciled like any ambiguous create (src/http/client.ts).
      const { data } = await http.request<CreateOutcome>({
        operation: 'createUser',
        method: 'POST',
        path: '/v2/users',
        body,
        response: V2CreateUserResponse,
        sensitive: sensitiveValues(valid),
        ...(lookup
          ? {
              reconcile: async (signal: AbortSignal | undefined) => {
                const found = await findCreatedUser(lookup, signal);
                return found ? { id: found.id, found } : undefined;
              },
              reconcileHint: { externalId },
            }
          : {}),
        options,
      });
      if (data.found) {
        // Reconciled: the lookup returns no user token, so none is invented; the caller gets one
        // with createLinkToken (docs/providers/argyle.md).
        return { user: fromV2User(data.found, PROVIDER), ignoredFields: ignored };
      }
      // The 200 holds only `{user_token, id}`: the user is what was sent (a second request to read it
      // back could fail after the create succeeded and tempt a caller into creating it twice).
      const { open_banking: _lender, ...stored } = body;
      // The body was built and checked by our own strict request schema: it is read as the wire user
      // it will become without parsing it a second time (this is on every create's hot path).
      const user = fromV2User({ ...stored, id: data.id }, PROVIDER);
      return {
        user,
        // No token in the answer (seed 000 does not require one): none is invented.
        ...(data.user_token ? { linkToken: linkToken(data.user_token) } : {}),
        ignoredFields: ignored,
      };
    },

    async getUser(userId, options?: CallOptions) {
      const context = ctx('getUser');
      const id = checkUserId(userId, context);
      // Retrieve a user — GET /v2/users/{id} (seed 001; https://docs.argyle.com/api-reference/users#retrieve).
      const { data } = await http.request({
        operation: 'getUser',
        method: 'GET',
        path: userPath(id),
        response: V2User,
        expectStatus: [200],
        options,
      });
      return fromV2User(data, PROVIDER);
    },

    async updateUser(userId, patch, options?: CallOptions) {
      const context = ctx('updateUser');
      const id = checkUserId(userId, context);
      const valid = parseInput(UpdateUserInputSchema, patch, context);
      refuseClears(valid, V2_FIELDS, context);
      const { fields, ignored } = selectArgyleFields(valid, V2_FIELDS, config.unsupportedFields, context);
      const { openBanking } = argyleOptions(valid.providerOptions, undefined, context);
      const body = V2UserFieldsRequest.parse(toV2Request(fields as V2Fields, openBanking));
      // Update a user — PATCH /v2/users/{id} (seed 003; https://docs.argyle.com/api-reference/users#update).
      const { data } = await http.request({
        operation: 'updateUser',
        method: 'PATCH',
        path: userPath(id),
        body,
        response: V2User,
        expectStatus: [200],
        sensitive: sensitiveValues(valid),
        options,
      });
      return { user: fromV2User(data, PROVIDER), ignoredFields: ignored };
    },

    async deleteUser(userId, options?: CallOptions) {
      const context = ctx('deleteUser');
      const id = checkUserId(userId, context);
      // Delete a user — DELETE /v2/users/{id} → 204 (seed 001; https://docs.argyle.com/api-reference/users#delete).
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
      const limit = pageSizeOf(valid.pageSize);
      const seen = new Set<string>();
      let cursor: string | undefined;
      do {
        // List all users — GET /v2/users?limit=&external_id=&cursor= (seed 001;
        // https://docs.argyle.com/api-reference/users#list). The filter is sent with every page so a
        // cursor that does not carry it can never widen the listing.
        const { data } = await http.request({
          operation: 'listUsers',
          method: 'GET',
          path: '/v2/users',
          query: { limit, external_id: valid.externalId, cursor },
          response: V2UserList,
          expectStatus: [200],
          options,
        });
        for (const wire of data.results) yield fromV2User(wire, PROVIDER);
        cursor = nextCursor(data, seen, context);
      } while (cursor !== undefined);
    },

    async createLinkToken(userId, options?: CallOptions) {
      const context = ctx('createLinkToken');
      const id = checkUserId(userId, context);
      // Create a user token — POST /v2/user-tokens {"user": id} → {user_token} (reference;
      // https://docs.argyle.com/api-reference/user-tokens#create).
      const { data } = await http.request({
        operation: 'createLinkToken',
        method: 'POST',
        path: '/v2/user-tokens',
        body: V2UserTokenRequest.parse({ user: id }),
        response: V2UserTokenResponse,
        // A second token creates nothing new (a fresh one is meant for every Link start), so a
        // failed attempt may be sent again.
        idempotent: true,
        expectStatus: [200],
        options,
      });
      return linkToken(data.user_token);
    },
  };
}

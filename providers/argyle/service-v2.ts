/**
 * The Argyle API v2 adapter: a `UserService` over `/v2/users` and `/v2/user-tokens`.
 *
 * The tenant's configuration (which holds its credentials) and its HTTP client live in `#private`
 * fields: no `util.inspect` (even with `showHidden`), `JSON.stringify` or `structuredClone` of the
 * service reaches them, and it prints as `{ tenant, provider, apiVersion }` only.
 */
import { inspect } from 'node:util';
import { adapterContext, checkUserId, sensitiveValues } from '../../src/adapter.js';
import { checkAnsweredId } from '../../src/answered-id.js';
import type { Operation } from '../../src/errors.js';
import { checkCallOptions } from '../../src/http/call-options.js';
import type { HttpClient } from '../../src/http/client.js';
import { ListingGuard } from '../../src/listing-guard.js';
import type { ProviderContext } from '../../src/provider/definition.js';
import {
  type CreatedUser,
  type CreateUserInput,
  CreateUserInputSchema,
  type LinkToken,
  type ListUsersFilter,
  ListUsersFilterSchema,
  type UpdatedUser,
  type UpdateUserInput,
  UpdateUserInputSchema,
  type User,
} from '../../src/user.js';
import type { CallOptions, Capabilities, UserService } from '../../src/user-service.js';
import { parseInput } from '../../src/validation.js';
import { argyleCapabilities } from './capabilities.js';
import type { ArgyleTenantConfig } from './config.js';
import { newCreateNonce, refuseReservedMetadata, withCreateNonce } from './create-marker.js';
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

const userPath = (id: string) => `/v2/users/${encodeURIComponent(id)}`;

export class ArgyleV2UserService implements UserService {
  readonly provider = PROVIDER;
  readonly tenant: string;
  readonly capabilities: Capabilities = argyleCapabilities('v2');
  readonly #config: ArgyleTenantConfig;
  readonly #http: HttpClient;

  constructor({ tenant, config, http }: ProviderContext<ArgyleTenantConfig>) {
    this.tenant = tenant;
    this.#config = config;
    this.#http = http;
  }

  /** What the service shows when serialised: never its configuration or client. */
  toJSON(): { tenant: string; provider: string; apiVersion: 'v2' } {
    return { tenant: this.tenant, provider: this.provider, apiVersion: 'v2' };
  }

  [inspect.custom](): string {
    return `ArgyleV2UserService ${inspect(this.toJSON())}`;
  }

  #ctx(operation: Operation) {
    return adapterContext(PROVIDER, this.tenant, operation);
  }

  async createUser(input: CreateUserInput, options?: CallOptions): Promise<CreatedUser> {
    const http = this.#http;
    const context = this.#ctx('createUser');
    const valid = parseInput(CreateUserInputSchema, input, context);
    refuseReservedMetadata(valid.metadata, context);
    const { fields, ignored } = selectArgyleFields(valid, V2_FIELDS, this.#config.unsupportedFields, context);
    const { openBanking } = argyleOptions(valid.providerOptions, this.#config.defaults, context);
    const wireFields = fields as V2Fields;
    // A create that may be reconciled (it has an externalId to look up by) carries a fresh nonce in
    // its metadata: only the user holding it can be this call's (./create-marker.ts). Read-backs strip it.
    const nonce = wireFields.externalId !== undefined ? newCreateNonce() : undefined;
    const marked =
      nonce !== undefined
        ? { ...wireFields, metadata: withCreateNonce(wireFields.metadata, nonce) }
        : wireFields;
    const body = V2UserFieldsRequest.parse(toV2Request(marked, openBanking));
    const externalId = body.external_id;
    // With an externalId, an ambiguous create (sent, no usable answer) is looked up instead of
    // ending in outcome_unknown straight away (./reconcile.ts; docs/providers/argyle.md).
    const lookup =
      externalId !== undefined && nonce !== undefined
        ? { http, context, body: { ...body, external_id: externalId }, nonce, startedAt: Date.now() }
        : undefined;
    // Create a user — POST /v2/users (https://docs.argyle.com/api-reference/users#create).
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
    // it will become without parsing it a second time (this is on every create's hot path). The
    // mapper strips the create marker from its metadata.
    const user = fromV2User({ ...stored, id: data.id }, PROVIDER);
    return {
      user,
      // No token in the answer (the create's document does not require one): none is invented.
      ...(data.user_token ? { linkToken: linkToken(data.user_token, data.id, context) } : {}),
      ignoredFields: ignored,
    };
  }

  async getUser(userId: string, options?: CallOptions): Promise<User> {
    const context = this.#ctx('getUser');
    const id = checkUserId(userId, context);
    // Retrieve a user — GET /v2/users/{id} (https://docs.argyle.com/api-reference/users#retrieve).
    const { data } = await this.#http.request({
      operation: 'getUser',
      method: 'GET',
      path: userPath(id),
      response: V2User,
      expectStatus: [200],
      options,
    });
    checkAnsweredId(id, data.id, context);
    return fromV2User(data, PROVIDER);
  }

  async updateUser(userId: string, patch: UpdateUserInput, options?: CallOptions): Promise<UpdatedUser> {
    const context = this.#ctx('updateUser');
    const id = checkUserId(userId, context);
    const valid = parseInput(UpdateUserInputSchema, patch, context);
    refuseReservedMetadata(valid.metadata, context);
    refuseClears(valid, V2_FIELDS, context);
    const { fields, ignored } = selectArgyleFields(valid, V2_FIELDS, this.#config.unsupportedFields, context);
    const { openBanking } = argyleOptions(valid.providerOptions, undefined, context);
    const body = V2UserFieldsRequest.parse(toV2Request(fields as V2Fields, openBanking));
    // Update a user — PATCH /v2/users/{id} (https://docs.argyle.com/api-reference/users#update).
    const { data } = await this.#http.request({
      operation: 'updateUser',
      method: 'PATCH',
      path: userPath(id),
      body,
      response: V2User,
      expectStatus: [200],
      sensitive: sensitiveValues(valid),
      options,
    });
    checkAnsweredId(id, data.id, context);
    return { user: fromV2User(data, PROVIDER), ignoredFields: ignored };
  }

  async deleteUser(userId: string, options?: CallOptions): Promise<void> {
    const context = this.#ctx('deleteUser');
    const id = checkUserId(userId, context);
    // Delete a user — DELETE /v2/users/{id} → 204 (https://docs.argyle.com/api-reference/users#delete).
    await this.#http.request({
      operation: 'deleteUser',
      method: 'DELETE',
      path: userPath(id),
      expectStatus: [204],
      options,
    });
  }

  async *listUsers(filter?: ListUsersFilter, options?: CallOptions): AsyncGenerator<User> {
    const context = this.#ctx('listUsers');
    const valid = parseInput(ListUsersFilterSchema, filter ?? {}, { ...context, what: 'filter' });
    const limit = pageSizeOf(valid.pageSize);
    const guard = new ListingGuard(context, checkCallOptions(options, context).signal);
    const seen = new Set<string>();
    let cursor: string | undefined;
    do {
      // List all users — GET /v2/users?limit=&external_id=&cursor=
      // (https://docs.argyle.com/api-reference/users#list). The filter is sent with every page so a
      // cursor that does not carry it can never widen the listing.
      const { data } = await this.#http.request({
        operation: 'listUsers',
        method: 'GET',
        path: '/v2/users',
        query: { limit, external_id: valid.externalId, cursor },
        response: V2UserList,
        expectStatus: [200],
        options,
      });
      for (const wire of guard.unseen(data.results, (u) => u.id)) {
        // Checked before each user: an abort stops the listing even mid-page.
        guard.checkSignal();
        yield fromV2User(wire, PROVIDER);
      }
      guard.checkSignal();
      cursor = nextCursor(data, seen, context);
    } while (cursor !== undefined);
  }

  async createLinkToken(userId: string, options?: CallOptions): Promise<LinkToken> {
    const context = this.#ctx('createLinkToken');
    const id = checkUserId(userId, context);
    // Create a user token — POST /v2/user-tokens {"user": id} → {user_token}
    // (https://docs.argyle.com/api-reference/user-tokens#create).
    const { data } = await this.#http.request({
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
    return linkToken(data.user_token, id, context);
  }
}

export function createArgyleV2Service(context: ProviderContext<ArgyleTenantConfig>): UserService {
  return new ArgyleV2UserService(context);
}

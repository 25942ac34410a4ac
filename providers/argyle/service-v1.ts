/**
 * The Argyle legacy v1 adapter (tenant `apiVersion: 'v1'`): a v1 user holds only
 * `external_metadata`, so every other neutral field is dropped (named in `ignoredFields`) or, under
 * `unsupportedFields: 'reject'`, refused.
 *
 * An ambiguous v1 create is never reconciled: v1 has no `external_id` and its list has no filter,
 * so finding a marked user would mean reading every user of the tenant (docs/providers/argyle.md).
 * It ends in `outcome_unknown`. Configuration and client live in `#private` fields (see ./service-v2.ts).
 */
import { inspect } from 'node:util';
import { adapterContext, checkUserId, sensitiveValues } from '../../src/adapter.js';
import { checkAnsweredId } from '../../src/answered-id.js';
import {
  InvalidConfigurationError,
  InvalidInputError,
  type Operation,
  UnexpectedResponseError,
} from '../../src/errors.js';
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
import { refuseReservedMetadata } from './create-marker.js';
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

const userPath = (id: string) => `/v1/users/${encodeURIComponent(id)}`;

export class ArgyleV1UserService implements UserService {
  readonly provider = PROVIDER;
  readonly tenant: string;
  readonly capabilities: Capabilities = argyleCapabilities('v1');
  readonly #config: ArgyleTenantConfig;
  readonly #http: HttpClient;

  constructor({ tenant, config, http }: ProviderContext<ArgyleTenantConfig>) {
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
    this.tenant = tenant;
    this.#config = config;
    this.#http = http;
  }

  /** What the service shows when serialised: never its configuration or client. */
  toJSON(): { tenant: string; provider: string; apiVersion: 'v1' } {
    return { tenant: this.tenant, provider: this.provider, apiVersion: 'v1' };
  }

  [inspect.custom](): string {
    return `ArgyleV1UserService ${inspect(this.toJSON())}`;
  }

  #ctx(operation: Operation) {
    return adapterContext(PROVIDER, this.tenant, operation);
  }

  /** The open-banking options, if given, are one more thing v1 cannot hold. */
  #openBankingGiven(
    providerOptions: Record<string, Record<string, unknown>> | undefined,
    operation: Operation,
  ): string[] {
    return argyleOptions(providerOptions, undefined, this.#ctx(operation)).openBanking !== undefined
      ? [OPEN_BANKING_PATH]
      : [];
  }

  async createUser(input: CreateUserInput, options?: CallOptions): Promise<CreatedUser> {
    const context = this.#ctx('createUser');
    const valid = parseInput(CreateUserInputSchema, input, context);
    refuseReservedMetadata(valid.metadata, context);
    const extra = this.#openBankingGiven(valid.providerOptions, 'createUser');
    const { fields, ignored } = selectArgyleFields(
      valid,
      V1_FIELDS,
      this.#config.unsupportedFields,
      context,
      extra,
    );
    const body = V1UserFieldsRequest.parse(toV1Request(fields as V1Fields));
    // Create a user — POST /v1/users → {token, id} (https://docs.argyle.com/legacy/api-reference/users#create).
    // "No payload is required": without metadata the body is `{}`, a JSON body like the document's
    // examples declare (an absent body would go out with a form content type).
    const { data } = await this.#http.request({
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
    return { user, linkToken: linkToken(data.token, data.id, context), ignoredFields: ignored };
  }

  async getUser(userId: string, options?: CallOptions): Promise<User> {
    const context = this.#ctx('getUser');
    const id = checkUserId(userId, context);
    // Retrieve a user — GET /v1/users/{id} (https://docs.argyle.com/legacy/api-reference/users#retrieve).
    const { data } = await this.#http.request({
      operation: 'getUser',
      method: 'GET',
      path: userPath(id),
      response: V1User,
      expectStatus: [200],
      options,
    });
    checkAnsweredId(id, data.id, context);
    return fromV1User(data, PROVIDER);
  }

  async updateUser(userId: string, patch: UpdateUserInput, options?: CallOptions): Promise<UpdatedUser> {
    const context = this.#ctx('updateUser');
    const id = checkUserId(userId, context);
    const valid = parseInput(UpdateUserInputSchema, patch, context);
    refuseReservedMetadata(valid.metadata, context);
    refuseClears(valid, V1_FIELDS, context);
    const extra = this.#openBankingGiven(valid.providerOptions, 'updateUser');
    const { fields, ignored } = selectArgyleFields(
      valid,
      V1_FIELDS,
      this.#config.unsupportedFields,
      context,
      extra,
    );
    const body = V1UserFieldsRequest.parse(toV1Request(fields as V1Fields));
    // Update a user's metadata — PATCH /v1/users/{id}
    // (https://docs.argyle.com/legacy/api-reference/users#update).
    const { data } = await this.#http.request({
      operation: 'updateUser',
      method: 'PATCH',
      path: userPath(id),
      body,
      response: V1User,
      expectStatus: [200],
      sensitive: sensitiveValues(valid),
      options,
    });
    checkAnsweredId(id, data.id, context);
    return { user: fromV1User(data, PROVIDER), ignoredFields: ignored };
  }

  async deleteUser(userId: string, options?: CallOptions): Promise<void> {
    const context = this.#ctx('deleteUser');
    const id = checkUserId(userId, context);
    // Delete a user — DELETE /v1/users/{id} → 204 (https://docs.argyle.com/legacy/api-reference/users#delete).
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
    if (valid.externalId !== undefined) {
      // Ignoring the filter would list every user as if they matched.
      throw new InvalidInputError(
        `${PROVIDER} listUsers: the legacy v1 API cannot filter users by externalId`,
        { externalId: ['Not supported by the Argyle v1 API'] },
        context,
      );
    }
    const limit = pageSizeOf(valid.pageSize);
    const guard = new ListingGuard(context, checkCallOptions(options, context).signal);
    const seen = new Set<string>();
    let cursor: string | undefined;
    do {
      // List users — GET /v1/users?limit= (https://docs.argyle.com/legacy/api-reference/users#list).
      const { data } = await this.#http.request({
        operation: 'listUsers',
        method: 'GET',
        path: '/v1/users',
        query: { limit, cursor },
        response: V1UserList,
        expectStatus: [200],
        options,
      });
      const results = Array.isArray(data) ? data : data.results;
      for (const wire of guard.unseen(results, (u) => u.id)) {
        // Checked before each user: an abort stops the listing even mid-page.
        guard.checkSignal();
        yield fromV1User(wire, PROVIDER);
      }
      guard.checkSignal();
      if (Array.isArray(data)) {
        endOfBareArray(data.length, limit, context);
        return;
      }
      cursor = nextCursor(data, seen, context);
    } while (cursor !== undefined);
  }

  async createLinkToken(userId: string, options?: CallOptions): Promise<LinkToken> {
    const context = this.#ctx('createLinkToken');
    const id = checkUserId(userId, context);
    // Create a user token — POST /v1/user-tokens {"user": id} → {access, refresh}; "Only the access
    // token is passed" to Link (https://docs.argyle.com/legacy/api-reference/users).
    const { data } = await this.#http.request({
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
    return linkToken(data.access, id, context);
  }
}

/**
 * The end of a listing answered with a bare array (the legacy reference's example shape, with no `next`): there is
 * no way to a second page. Only an empty array is known to be the whole list. A full one may hide
 * more users; a shorter one may too, since a server that caps pages below the `limit` asked for
 * (v1 documents no maximum) answers exactly such a page, and nothing in a bare array tells the two
 * apart. The users are yielded first; then the listing ends in `unexpected_response` rather than
 * passing for complete (docs/providers/argyle.md, "v1 list shape").
 */
function endOfBareArray(count: number, limit: number, context: ReturnType<typeof adapterContext>): void {
  if (count === 0) return;
  if (count >= limit) {
    throw new UnexpectedResponseError(
      `${PROVIDER} listUsers: the v1 API returned a full page (${limit}) with no link to the next one; the listing may be incomplete`,
      ['(body): no_next_page'],
      context,
    );
  }
  throw new UnexpectedResponseError(
    `${PROVIDER} listUsers: the v1 API returned a list without paging (${count} of ${limit} asked); a server that caps pages would answer the same, so the listing may be incomplete`,
    ['(body): unpaged_list'],
    context,
  );
}

export function createArgyleV1Service(context: ProviderContext<ArgyleTenantConfig>): UserService {
  return new ArgyleV1UserService(context);
}

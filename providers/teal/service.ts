/**
 * The Teal adapter: the neutral `UserService` over Teal's Payroll API user endpoints.
 * Every request goes through the tenant's `HttpClient`, every response is parsed with a wire schema.
 *
 * The tenant's configuration (which holds its API key or bearer token) and its HTTP client live in
 * `#private` fields: no `util.inspect` (even with `showHidden`), `JSON.stringify` or
 * `structuredClone` of the service reaches them, and it prints as `{ tenant, provider }` only.
 */
import { inspect } from 'node:util';
import { adapterContext, checkUserId, sensitiveValues } from '../../src/adapter.js';
import { checkAnsweredId } from '../../src/answered-id.js';
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
import { TEAL_MAX_PAGE_SIZE, tealCapabilities } from './capabilities.js';
import type { TealTenantConfig } from './config.js';
import { applyUnsupportedPolicy, checkTealUpdate, requireTealCreateFields } from './fields.js';
import { parseWithTealOptions } from './input.js';
import { fromTealUser, fromTealUserToken, TEAL, toTealCreateBody, toTealPatchBody } from './mappers.js';
import { mergeTealOptions, TealProviderOptionsPatchSchema, TealProviderOptionsSchema } from './options.js';
import { checkPage } from './pagination.js';
import { TealUserListSchema, TealUserSchema, type TealUserTokenBody, TealUserTokenSchema } from './wire.js';

type Ctx = ReturnType<typeof adapterContext>;

export class TealUserService implements UserService {
  readonly provider = TEAL;
  readonly tenant: string;
  readonly capabilities: Capabilities;
  readonly #config: TealTenantConfig;
  readonly #http: HttpClient;

  constructor(context: ProviderContext<TealTenantConfig>) {
    this.tenant = context.tenant;
    this.#config = context.config;
    this.#http = context.http;
    this.capabilities = tealCapabilities(context.config);
  }

  /** What the service shows when serialised: never its configuration or client. */
  toJSON(): { tenant: string; provider: string } {
    return { tenant: this.tenant, provider: this.provider };
  }

  [inspect.custom](): string {
    return `TealUserService ${inspect(this.toJSON())}`;
  }

  #ctx(operation: Ctx['operation']): Ctx {
    return adapterContext(TEAL, this.tenant, operation);
  }

  async createUser(raw: CreateUserInput, options?: CallOptions): Promise<CreatedUser> {
    const ctx = this.#ctx('createUser');
    const { input, options: callOptions } = parseWithTealOptions(
      raw,
      CreateUserInputSchema,
      TealProviderOptionsSchema,
      ctx,
    );
    const ignoredFields = applyUnsupportedPolicy(input, this.#config.unsupportedFields, ctx);
    const settings = mergeTealOptions(this.#config.defaults, callOptions);
    requireTealCreateFields(input, settings, ctx);
    const body = toTealCreateBody(input, { ...settings, payrollPeriodMonths: settings.payrollPeriodMonths! });
    // Create a user (https://docs.goteal.co): POST /users → 201 CreatedUser; 400, 401, 409 {errors}.
    // A 409 is Teal's only duplicate guard.
    // A 200 with a valid CreatedUser is accepted too: a user was created either way, and refusing it
    // would invite a second create. Any other 2xx, or one we cannot read, ends `outcome_unknown`.
    const { data } = await this.#http.request({
      operation: 'createUser',
      method: 'POST',
      path: '/users',
      body,
      response: TealUserSchema,
      expectStatus: [200, 201],
      sensitive: [...sensitiveValues(input), ...sensitiveValues(body)],
      // Never replayed; Teal has no lookup by ext_id to reconcile with (its list has no filter and
      // ext_id is not documented as unique), so an ambiguous create is `outcome_unknown` with this hint.
      ...(input.externalId !== undefined ? { reconcileHint: { externalId: input.externalId } } : {}),
      options,
    });
    return { user: fromTealUser(data), ignoredFields };
  }

  async getUser(userId: string, options?: CallOptions): Promise<User> {
    const ctx = this.#ctx('getUser');
    const id = checkUserId(userId, ctx);
    // Reference: GET /users/{user_id} → 200 CreatedUser; 400, 401, 404.
    const { data } = await this.#http.request({
      operation: 'getUser',
      method: 'GET',
      path: `/users/${id}`,
      response: TealUserSchema,
      expectStatus: [200],
      options,
    });
    checkAnsweredId(id, data.user_id, ctx);
    return fromTealUser(data);
  }

  async updateUser(userId: string, raw: UpdateUserInput, options?: CallOptions): Promise<UpdatedUser> {
    const ctx = this.#ctx('updateUser');
    const id = checkUserId(userId, ctx);
    const { input, options: settings } = parseWithTealOptions(
      raw,
      UpdateUserInputSchema,
      TealProviderOptionsPatchSchema,
      ctx,
    );
    const ignoredFields = applyUnsupportedPolicy(input, this.#config.unsupportedFields, ctx);
    checkTealUpdate(input, ctx);
    // Tenant defaults apply on create only: on update they would overwrite this user's own settings.
    const body = toTealPatchBody(input, settings ?? {});
    if (Object.keys(body).length === 0) {
      // Nothing Teal stores changed; an empty PATCH is undocumented, so read the user instead.
      return { user: await this.getUser(id, options), ignoredFields };
    }
    // Reference: PATCH /users/{user_id} (partial; null unsets) → 200 CreatedUser; 400, 401, 404.
    const { data } = await this.#http.request({
      operation: 'updateUser',
      method: 'PATCH',
      path: `/users/${id}`,
      body,
      response: TealUserSchema,
      expectStatus: [200],
      sensitive: [...sensitiveValues(input), ...sensitiveValues(body)],
      options,
    });
    checkAnsweredId(id, data.user_id, ctx);
    return { user: fromTealUser(data), ignoredFields };
  }

  async deleteUser(userId: string, options?: CallOptions): Promise<void> {
    const id = checkUserId(userId, this.#ctx('deleteUser'));
    // Reference: DELETE /users/{user_id} → 204 (may carry {"message": ...}, not read); 401, 404.
    // Any 2xx is success: the user is gone, and failing here would invite a second delete.
    await this.#http.request({ operation: 'deleteUser', method: 'DELETE', path: `/users/${id}`, options });
  }

  async *listUsers(filter: ListUsersFilter = {}, options?: CallOptions): AsyncIterable<User> {
    const ctx = this.#ctx('listUsers');
    const { externalId, pageSize } = parseInput(ListUsersFilterSchema, filter, {
      ...ctx,
      what: 'list filter',
    });
    const limit = Math.min(pageSize ?? TEAL_MAX_PAGE_SIZE, TEAL_MAX_PAGE_SIZE);
    const guard = new ListingGuard(ctx, checkCallOptions(options, ctx).signal);
    let offset = 0;
    let previousFirstId: string | undefined;
    for (;;) {
      // Reference: GET /users?offset=&limit= (limit 1–100) →
      // 200 {pagination: {offset, limit, count, total_count}, users: [CreatedUser]}; 400, 401.
      // `offset` counts users, zero-based ("default 0"), yet the parameter says "minimum 1": the
      // first request leaves it out (the default is the first page) and every later offset, the
      // number of users already read, is at least 1 (docs/providers/teal.md).
      const { data } = await this.#http.request({
        operation: 'listUsers',
        method: 'GET',
        path: '/users',
        query: offset === 0 ? { limit } : { offset, limit },
        response: TealUserListSchema,
        expectStatus: [200],
        options,
      });
      checkPage(data, offset, previousFirstId, ctx);
      previousFirstId = data.users[0]?.user_id;
      // A page of users already listed (a provider whose pages never move) ends the walk.
      for (const wire of guard.unseen(data.users, (u) => u.user_id)) {
        // Teal documents no filter on the list: externalId is matched here.
        if (externalId !== undefined && wire.ext_id !== externalId) continue;
        // Checked before each user: an abort stops the listing even mid-page.
        guard.checkSignal();
        yield fromTealUser(wire);
      }
      guard.checkSignal();
      offset += data.users.length;
      // An empty page ends the walk even if total_count says otherwise (no endless loop).
      if (data.users.length === 0 || offset >= data.pagination.total_count) return;
    }
  }

  async createLinkToken(userId: string, options?: CallOptions): Promise<LinkToken> {
    const context = this.#ctx('createLinkToken');
    const id = checkUserId(userId, context);
    const body: TealUserTokenBody = { user_id: id };
    // Reference: POST /user-tokens {user_id} → 201 {token, webapp_link, created_at}; 401.
    const { data } = await this.#http.request({
      operation: 'createLinkToken',
      method: 'POST',
      path: '/user-tokens',
      body,
      response: TealUserTokenSchema,
      expectStatus: [201],
      // A second token request creates no second user: safe to retry like a read.
      idempotent: true,
      options,
    });
    // The reference's answer names no user; one that does must name this one (a token for another
    // user would open their session under this applicant).
    const owner = (data as { user_id?: unknown }).user_id;
    if (typeof owner === 'string') checkAnsweredId(id, owner, context);
    return fromTealUserToken(data);
  }
}

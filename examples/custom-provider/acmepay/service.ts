/** The Acme Pay `UserService`: neutral calls in, Acme Pay requests through the tenant's HttpClient. */
import {
  adapterContext,
  type CallOptions,
  type Capabilities,
  type CreatedUser,
  type CreateUserInput,
  CreateUserInputSchema,
  checkUserId,
  type FieldErrors,
  type HttpClient,
  InvalidInputError,
  type LinkToken,
  type ListUsersFilter,
  ListUsersFilterSchema,
  type Operation,
  type ProviderContext,
  parseInput,
  requireFields,
  selectFields,
  sensitiveValues,
  type UpdatedUser,
  type UpdateUserInput,
  UpdateUserInputSchema,
  type User,
  type UserService,
} from 'payroll-identity';
import { acmePayCapabilities, MAX_PAGE_SIZE, STORED_FIELDS } from './capabilities.js';
import type { AcmePayTenantConfig } from './config.js';
import { ACME_PAY, type AcmePayFields, fromWire, toWire } from './mappers.js';
import { AcmePaySession, AcmePayUser, AcmePayUserPage } from './wire.js';

const isStored = (path: string) => (STORED_FIELDS as readonly string[]).includes(path);

export class AcmePayUserService implements UserService {
  readonly provider = ACME_PAY;
  readonly tenant: string;
  readonly capabilities: Capabilities = acmePayCapabilities();
  private readonly http: HttpClient;
  private readonly config: AcmePayTenantConfig;

  constructor(context: ProviderContext<AcmePayTenantConfig>) {
    this.tenant = context.tenant;
    this.http = context.http;
    this.config = context.config;
  }

  private ctx(operation: Operation) {
    return adapterContext(this.provider, this.tenant, operation);
  }

  async createUser(input: CreateUserInput, options?: CallOptions): Promise<CreatedUser> {
    const ctx = this.ctx('createUser');
    const valid = parseInput(CreateUserInputSchema, input, ctx);
    const { fields, ignored } = selectFields(valid, isStored, this.config.unsupportedFields, ctx);
    const kept = fields as AcmePayFields;
    requireFields(
      (['firstName', 'lastName'] as const).filter((f) => kept[f] === undefined),
      ctx,
    );
    // Acme Pay API document: POST /users → 201 user
    const { data } = await this.http.request({
      operation: 'createUser',
      method: 'POST',
      path: '/users',
      body: toWire(kept),
      response: AcmePayUser,
      expectStatus: [201],
      sensitive: sensitiveValues(valid),
      reconcileHint: { externalId: valid.externalId },
      options,
    });
    return { user: fromWire(data), ignoredFields: ignored };
  }

  async getUser(userId: string, options?: CallOptions): Promise<User> {
    const id = checkUserId(userId, this.ctx('getUser'));
    // Acme Pay API document: GET /users/{id} → 200 user
    const { data } = await this.http.request({
      operation: 'getUser',
      method: 'GET',
      path: `/users/${id}`,
      response: AcmePayUser,
      expectStatus: [200],
      options,
    });
    return fromWire(data);
  }

  async updateUser(userId: string, patch: UpdateUserInput, options?: CallOptions): Promise<UpdatedUser> {
    const ctx = this.ctx('updateUser');
    const id = checkUserId(userId, ctx);
    const valid = parseInput(UpdateUserInputSchema, patch, ctx);
    // The document has no way to clear a field: refuse `null` rather than guess.
    const clears: FieldErrors = {};
    for (const [key, value] of Object.entries(valid)) {
      if (value === null && isStored(key)) clears[key] = ['Acme Pay cannot clear a field'];
    }
    if (Object.keys(clears).length > 0) {
      throw new InvalidInputError(`${ACME_PAY} updateUser: fields cannot be cleared`, clears, ctx);
    }
    const { fields, ignored } = selectFields(valid, isStored, this.config.unsupportedFields, ctx);
    // Acme Pay API document: PATCH /users/{id} → 200 user
    const { data } = await this.http.request({
      operation: 'updateUser',
      method: 'PATCH',
      path: `/users/${id}`,
      body: toWire(fields as AcmePayFields),
      response: AcmePayUser,
      expectStatus: [200],
      sensitive: sensitiveValues(valid),
      options,
    });
    return { user: fromWire(data), ignoredFields: ignored };
  }

  async deleteUser(userId: string, options?: CallOptions): Promise<void> {
    const id = checkUserId(userId, this.ctx('deleteUser'));
    // Acme Pay API document: DELETE /users/{id} → 204
    await this.http.request({
      operation: 'deleteUser',
      method: 'DELETE',
      path: `/users/${id}`,
      expectStatus: [204],
      options,
    });
  }

  async *listUsers(filter: ListUsersFilter = {}, options?: CallOptions): AsyncIterable<User> {
    const valid = parseInput(ListUsersFilterSchema, filter, this.ctx('listUsers'));
    const pageSize = Math.min(valid.pageSize ?? MAX_PAGE_SIZE, MAX_PAGE_SIZE);
    const seen = new Set<string>();
    let pageToken: string | undefined;
    do {
      // Acme Pay API document: GET /users?page_size&page_token&external_ref → {users, next_page_token}
      const { data } = await this.http.request({
        operation: 'listUsers',
        method: 'GET',
        path: '/users',
        query: { page_size: pageSize, page_token: pageToken, external_ref: valid.externalId },
        response: AcmePayUserPage,
        expectStatus: [200],
        options,
      });
      for (const user of data.users) yield fromWire(user);
      pageToken = data.next_page_token ?? undefined;
      // A token seen twice would loop forever: stop rather than trust it.
      if (pageToken !== undefined) {
        if (seen.has(pageToken)) return;
        seen.add(pageToken);
      }
    } while (pageToken !== undefined);
  }

  async createLinkToken(userId: string, options?: CallOptions): Promise<LinkToken> {
    const id = checkUserId(userId, this.ctx('createLinkToken'));
    // Acme Pay API document: POST /users/{id}/sessions → 201 {session_token, expires_at}
    const { data } = await this.http.request({
      operation: 'createLinkToken',
      method: 'POST',
      path: `/users/${id}/sessions`,
      response: AcmePaySession,
      expectStatus: [201],
      // A second session creates no second user: safe to retry.
      idempotent: true,
      options,
    });
    const token: LinkToken = { token: data.session_token };
    if (data.expires_at) token.expiresAt = data.expires_at;
    return token;
  }
}

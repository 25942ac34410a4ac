/**
 * The `UserService` of every provider: the core's flow around a provider's {@link UsersDeclaration}.
 *
 * Per call: the input parsed with the provider's options namespace, the provider's own checks, the
 * `unsupportedFields` policy over its declared fields, required fields, ids checked before they go
 * in a path, the request through the tenant's `HttpClient` (retries, deadlines, redaction, error
 * mapping), the answer parsed with the declared schema and checked to be about the user asked for,
 * and the mappers back to neutral terms. Listings page with loop guards and resumable cursors;
 * ambiguous creates are reconciled when the provider declares how.
 *
 * The tenant's configuration and HTTP client live in `#private` fields: no `util.inspect` (even with
 * `showHidden`), `JSON.stringify` or `structuredClone` of the service reaches them, and it prints as
 * `{ tenant, provider }` (plus the declaration's plain `describe` fields) only.
 */
import { randomUUID } from 'node:crypto';
import { inspect } from 'node:util';
import { checkAnsweredId } from '../answered-id.js';
import { InvalidInputError, type Operation, UnsupportedOperationError } from '../errors.js';
import { checkCallOptions } from '../http/call-options.js';
import type { HttpClient } from '../http/client.js';
import { stringLeaves } from '../redact.js';
import {
  type CreatedUser,
  type CreateUserInput,
  CreateUserInputSchema,
  type LinkToken,
  type ListUsersFilter,
  ListUsersFilterSchema,
  type ProfileField,
  type UpdatedUser,
  type UpdateUserInput,
  UpdateUserInputSchema,
  type User,
  UserIdSchema,
} from '../user.js';
import { ALL_OPERATIONS, type CallOptions, type Capabilities, type UserService } from '../user-service.js';
import { parseInput } from '../validation.js';
import type { CreateResult, OperationContext, UsersDeclaration, UserWireDeclaration } from './declaration.js';
import type { BaseTenantConfig } from './definition.js';
import {
  checkRequired,
  enforceUnsupportedPolicy,
  parseWithOptions,
  refuseClears,
  requiredPaths,
  selectStored,
} from './fields.js';
import { beforeSending, checkedReader, readingAnswer, readingCreated } from './guard.js';
import { DeclaredListing, type UserListing, walkWireUsers } from './listing.js';

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The string values an input carries, for redacting any provider text that might echo them. A
 * national id's `type` (`ssn`, `ni_number`) is a tag, not a value: redacting it would blank the
 * word "ssn" in every message about the field.
 */
export function sensitiveValues(input: unknown, out: string[] = []): string[] {
  if (!isPlainObject(input)) return stringLeaves(input, out);
  for (const [key, value] of Object.entries(input)) {
    stringLeaves(key === 'nationalId' && isPlainObject(value) ? value.value : value, out);
  }
  return out;
}

/**
 * The {@link sensitiveValues} of what a call sent and of its input, gathered on first use (only a
 * failure's message, or a request id someone reads, is checked against them), but for the caller's
 * own objects, taken when the call starts.
 */
class CallValues implements Iterable<string> {
  #values: string[] | undefined;
  /** The values of the caller's own objects in the input, as they were when the call started. */
  readonly #atStart: string[] | undefined;

  constructor(
    private readonly sent: unknown,
    private readonly input: unknown,
  ) {
    // Metadata and provider options are passed through as the caller gave them, not copied: the
    // caller may change them once the call has started (the request already written with what
    // they held then), so their values are taken now. Everything else is the library's own copy.
    const given = input as { metadata?: unknown; providerOptions?: unknown } | undefined;
    this.#atStart =
      given !== undefined && (given.metadata !== undefined || given.providerOptions !== undefined)
        ? sensitiveValues(given.metadata, sensitiveValues(given.providerOptions))
        : undefined;
  }

  [Symbol.iterator](): Iterator<string> {
    this.#values ??= sensitiveValues(this.sent, sensitiveValues(this.input, this.#atStart?.slice()));
    return this.#values[Symbol.iterator]();
  }
}

/** What a tenant of this declaration can do, derived from it (never restated by hand). */
export function capabilitiesOf(users: UsersDeclaration): Capabilities {
  const operations = {} as Record<Operation, boolean>;
  for (const operation of ALL_OPERATIONS) operations[operation] = users[operation] !== undefined;
  const fields = Object.keys(users.stored) as ProfileField[];
  const list = users.listUsers;
  return {
    operations,
    createFields: fields,
    updateFields: users.updateUser ? fields : [],
    requiredOnCreate: requiredPaths(users.required),
    clearOnUpdate: users.clearable,
    linkTokenOnCreate: users.linkTokenOnCreate ?? false,
    listFilters: list && list.externalIdFilter !== 'none' ? ['externalId'] : [],
    maxPageSize: list?.maxPageSize ?? 0,
  };
}

/** A user id checked before it goes in a path. */
function checkUserId(userId: unknown, context: OperationContext): string {
  // Not `{ ...context, what }`: a spread followed by a property is a slow path in Node 20's V8.
  const { provider, tenant, operation } = context;
  return parseInput(UserIdSchema, userId, { provider, tenant, operation, what: 'user id' });
}

/**
 * What a reconciled create answers: the user found by its external id (a create's own answer is the
 * provider's parsed body). A class, not a zod `transform` tagging every answer: a transform on the
 * hot path makes each create's objects outlive young-generation collections.
 */
class Reconciled {
  constructor(readonly found: unknown) {}
}

/** The neutral `UserService` over a provider's declaration, for one tenant. */
export class DeclaredUserService implements UserService {
  readonly provider: string;
  readonly tenant: string;
  readonly capabilities: Capabilities;
  readonly #users: UsersDeclaration;
  readonly #config: BaseTenantConfig;
  readonly #http: HttpClient;
  /** The provider's user reader, its results checked (./guard.ts). */
  readonly #user: UserWireDeclaration;

  constructor(provider: string, users: UsersDeclaration, config: BaseTenantConfig, http: HttpClient) {
    this.provider = provider;
    this.tenant = config.tenant;
    this.#users = users;
    this.#config = config;
    this.#http = http;
    this.capabilities = capabilitiesOf(users);
    this.#user = checkedReader(users.user, provider);
    const reconcile = users.createUser?.reconcile;
    if (reconcile && users.listUsers?.externalIdFilter !== 'server') {
      throw new TypeError(`${provider}: reconciling creates needs a list endpoint filtered by externalId`);
    }
  }

  /** What the service shows when serialised: never its configuration or client. */
  toJSON(): Record<string, string> {
    return { tenant: this.tenant, provider: this.provider, ...this.#users.describe };
  }

  [inspect.custom](): string {
    return `UserService ${inspect(this.toJSON())}`;
  }

  #context(operation: Operation): OperationContext {
    return { provider: this.provider, tenant: this.tenant, operation };
  }

  /** The operation's declaration, or `unsupported_operation` (before anything is sent). */
  #declared<K extends Operation>(operation: K, context: OperationContext): NonNullable<UsersDeclaration[K]> {
    const declared = this.#users[operation];
    if (declared !== undefined) return declared as NonNullable<UsersDeclaration[K]>;
    const why = this.#users.unsupported?.[operation] ?? 'the provider has no such endpoint';
    throw new UnsupportedOperationError(`${this.provider} ${operation} is not supported: ${why}`, context);
  }

  /** Parses, checks and selects the fields of a create or an update. */
  #prepare<I extends Record<string, unknown>>(
    raw: unknown,
    schema: typeof CreateUserInputSchema | typeof UpdateUserInputSchema,
    context: OperationContext,
  ): { input: I; fields: Record<string, unknown>; options: unknown; ignored: string[] } {
    const users = this.#users;
    const creating = context.operation === 'createUser';
    const optionsSchema = creating ? users.options?.create : (users.options?.update ?? users.options?.create);
    const parsed = parseWithOptions(raw, schema, optionsSchema, context);
    const input = parsed.input as I;
    beforeSending(context, 'check', () =>
      users.check?.(creating ? 'createUser' : 'updateUser', input, context),
    );
    if (!creating && !users.clearable) refuseClears(input, users.stored, context);
    const { fields, ignored } = selectStored(input, users.stored);
    if (parsed.options !== undefined && users.options?.unsupported) {
      const unsupported = users.options.unsupported;
      ignored.push(...beforeSending(context, 'options check', () => unsupported(parsed.options)));
    }
    enforceUnsupportedPolicy(ignored, this.#config.unsupportedFields, context);
    let options = parsed.options;
    if (creating && users.options?.defaults !== undefined) {
      const defaults = users.options.defaults;
      options =
        options === undefined
          ? defaults
          : users.options.merge
            ? beforeSending(context, 'options merge', () => users.options?.merge?.(defaults, options))
            : Object.assign({}, defaults, stripUndefined(options));
    }
    return { input, fields, options, ignored };
  }

  async createUser(raw: CreateUserInput, options?: CallOptions): Promise<CreatedUser> {
    const context = this.#context('createUser');
    const create = this.#declared('createUser', context);
    const { input, fields, options: settings, ignored } = this.#prepare(raw, CreateUserInputSchema, context);
    checkRequired(this.#users.required ?? [], input, settings ?? {}, context);
    const body = beforeSending(context, 'request body', () => create.body(fields, settings ?? {}, context));
    const externalId = typeof fields.externalId === 'string' ? fields.externalId : undefined;
    const reconcile = externalId !== undefined ? create.reconcile : undefined;
    // A create that may be reconciled carries a fresh nonce: only the user holding it can be this call's.
    const nonce = reconcile ? randomUUID() : undefined;
    const sent =
      reconcile && nonce ? beforeSending(context, 'create marker', () => reconcile.mark(body, nonce)) : body;
    const startedAt = Date.now();
    const list = this.#users.listUsers;
    const { data } = await this.#http.request<unknown>({
      operation: 'createUser',
      method: create.method,
      path: create.path,
      body: sent,
      response: create.response,
      // Every key written out, absent ones `undefined`: a spread inside an object literal is a slow
      // path in V8, and this runs on every create.
      expectStatus: create.expectStatus,
      idempotent: create.idempotent,
      sensitive: new CallValues(sent, input),
      // Never replayed blindly: an ambiguous create is looked up by its external id.
      reconcile:
        reconcile && nonce && list
          ? async (signal: AbortSignal | undefined) => {
              let match: unknown;
              for await (const user of walkWireUsers({
                context,
                http: this.#http,
                list,
                user: this.#user,
                filter: { externalId },
                pageSize: list.maxPageSize,
                options: signal ? { signal } : undefined,
                signal: undefined,
              })) {
                if (
                  !readingAnswer(context, 'reconcile match', () =>
                    reconcile.matches(user, sent, nonce, startedAt),
                  )
                )
                  continue;
                // Two users hold the nonce: which one to hand out cannot be decided.
                if (match !== undefined && this.#user.id(match) !== this.#user.id(user)) {
                  return undefined;
                }
                match = user;
              }
              return match !== undefined ? new Reconciled(match) : undefined;
            }
          : undefined,
      reconcileHint: externalId !== undefined ? { externalId } : undefined,
      options,
    });
    // Reconciled: the lookup returns no link token, so none is invented.
    const result: CreateResult = readingCreated(
      context,
      externalId !== undefined ? { externalId } : {},
      () =>
        data instanceof Reconciled
          ? { user: this.#user.toUser(data.found) }
          : checkedResult(create.result(data, sent, context), this.provider),
    );
    return Object.assign({}, result, { ignoredFields: ignored });
  }

  async getUser(userId: string, options?: CallOptions): Promise<User> {
    const context = this.#context('getUser');
    const get = this.#declared('getUser', context);
    const id = checkUserId(userId, context);
    const user = this.#user;
    const { data } = await this.#http.request({
      operation: 'getUser',
      method: get.method,
      path: beforeSending(context, 'path', () => get.path(encodeURIComponent(id))),
      response: user.schema,
      expectStatus: get.expectStatus ?? [200],
      options,
    });
    checkAnsweredId(
      id,
      readingAnswer(context, 'user id', () => user.id(data)),
      context,
    );
    return readingAnswer(context, 'user mapper', () => user.toUser(data));
  }

  async updateUser(userId: string, raw: UpdateUserInput, options?: CallOptions): Promise<UpdatedUser> {
    const context = this.#context('updateUser');
    const update = this.#declared('updateUser', context);
    const id = checkUserId(userId, context);
    const { input, fields, options: settings, ignored } = this.#prepare(raw, UpdateUserInputSchema, context);
    const body = beforeSending(context, 'request body', () => update.body(fields, settings ?? {}, context));
    if (update.whenEmpty === 'read' && isPlainObject(body) && Object.keys(body).length === 0) {
      // Nothing the provider stores changes: read the user instead of sending an empty request.
      return { user: await this.getUser(id, options), ignoredFields: ignored };
    }
    const user = this.#user;
    const { data } = await this.#http.request({
      operation: 'updateUser',
      method: update.method,
      path: beforeSending(context, 'path', () => update.path(encodeURIComponent(id))),
      body,
      response: user.schema,
      expectStatus: update.expectStatus ?? [200],
      sensitive: new CallValues(body, input),
      options,
    });
    checkAnsweredId(
      id,
      readingAnswer(context, 'user id', () => user.id(data)),
      context,
    );
    return { user: readingAnswer(context, 'user mapper', () => user.toUser(data)), ignoredFields: ignored };
  }

  async deleteUser(userId: string, options?: CallOptions): Promise<void> {
    const context = this.#context('deleteUser');
    const remove = this.#declared('deleteUser', context);
    const id = checkUserId(userId, context);
    await this.#http.request({
      operation: 'deleteUser',
      method: remove.method,
      path: beforeSending(context, 'path', () => remove.path(encodeURIComponent(id))),
      ...(remove.expectStatus ? { expectStatus: remove.expectStatus } : {}),
      options,
    });
  }

  listUsers(filter?: ListUsersFilter, options?: CallOptions): UserListing {
    // Everything is checked when the iteration starts: listing is lazy.
    return new DeclaredListing(() => {
      const context = this.#context('listUsers');
      const list = this.#declared('listUsers', context);
      const valid = parseInput(ListUsersFilterSchema, filter ?? {}, { ...context, what: 'filter' });
      if (valid.externalId !== undefined && list.externalIdFilter === 'none') {
        // Ignoring the filter would list every user as if they matched.
        throw new InvalidInputError(
          `${this.provider} listUsers: this provider cannot filter users by externalId`,
          {
            ...context,
            fieldErrors: { externalId: [`Not supported by ${this.provider}${this.#describeSuffix()}`] },
          },
        );
      }
      return {
        context,
        http: this.#http,
        list,
        user: this.#user,
        filter: valid.externalId !== undefined ? { externalId: valid.externalId } : {},
        pageSize: valid.pageSize,
        cursor: valid.cursor,
        options,
        signal: checkCallOptions(options, context).signal,
      };
    });
  }

  #describeSuffix(): string {
    const describe = this.#users.describe;
    if (!describe) return '';
    return ` (${Object.entries(describe)
      .map(([key, value]) => `${key} ${value}`)
      .join(', ')})`;
  }

  async createLinkToken(userId: string, options?: CallOptions): Promise<LinkToken> {
    const context = this.#context('createLinkToken');
    const token = this.#declared('createLinkToken', context);
    const id = checkUserId(userId, context);
    const { data } = await this.#http.request({
      operation: 'createLinkToken',
      method: token.method,
      path: beforeSending(context, 'path', () => token.path(encodeURIComponent(id))),
      ...(token.body ? { body: beforeSending(context, 'request body', () => token.body?.(id)) } : {}),
      response: token.response,
      ...(token.expectStatus ? { expectStatus: token.expectStatus } : {}),
      // A second token creates no second user: safe to retry like a read.
      idempotent: token.idempotent ?? true,
      options,
    });
    return readingAnswer(context, 'link token mapper', () => token.result(data, id, context));
  }
}

function stripUndefined(value: unknown): Record<string, unknown> {
  if (!isPlainObject(value)) return {};
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined));
}

/** A create's result, its user checked like every mapped user (./guard.ts). */
function checkedResult(result: CreateResult, provider: string): CreateResult {
  const user = result?.user as unknown as Record<string, unknown> | undefined;
  if (!user || typeof user.id !== 'string' || user.id === '')
    throw new TypeError('createUser result has no user');
  if (user.provider !== provider) throw new TypeError('createUser result names another provider');
  return result;
}

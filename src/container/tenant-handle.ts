/**
 * What `forTenant` hands out: a `UserService` that follows the tenant's configuration. Each call
 * takes the tenant's current {@link Generation} when it starts and runs on it to the end, so no call
 * ever mixes two configurations; a call that starts after `reconfigure` resolves uses the new one.
 *
 * A generation holds the services of the tenant's current provider and of its retained providers
 * (built on first use). A user reference (`{ provider, id }`, a `User`) picks the provider; a bare id
 * means the current one. When a generation is replaced or removed it is retired: calls in flight
 * finish on it, then its connections close.
 */
import { inspect } from 'node:util';
import { InvalidInputError, type Operation, UnknownTenantError } from '../errors.js';
import type { BaseTenantConfig } from '../provider/definition.js';
import type { UserListing, UserPage } from '../provider/listing.js';
import { showUntrusted } from '../untrusted-text.js';
import type {
  CreatedUser,
  CreateUserInput,
  LinkToken,
  ListUsersFilter,
  UpdatedUser,
  UpdateUserInput,
  User,
} from '../user.js';
import type { CallOptions, Capabilities, UserService } from '../user-service.js';
import { readingInput } from '../validation.js';
import type { DeclaredWebhookSubscriptions } from '../webhooks/subscriptions.js';
import type {
  SubscribeWebhookInput,
  TenantWebhooks,
  WebhookEventType,
  WebhookSubscription,
} from '../webhooks/types.js';

/** A user at a given provider: `{ provider, id }` (a `User` is one). */
export interface UserRef {
  /** The provider holding the user: the tenant's current provider or one of its retained ones. */
  provider: string;
  /** The user's id at that provider. */
  id: string;
}

/** A user id at the tenant's current provider, or a reference to a user at a given provider. */
export type UserIdOrRef = string | UserRef;

/** `listUsers`' filter on a tenant: which provider's users (default: the current provider's). */
export interface TenantListFilter extends ListUsersFilter {
  /** A retained provider's name (or the current one's). */
  provider?: string;
}

/** A tenant's configuration with its retained providers, as validated. */
export interface TenantConfig extends BaseTenantConfig {
  /** Providers the tenant used before, whose users stay reachable. */
  retainedProviders?: readonly BaseTenantConfig[];
}

/** One provider's service of a generation, with what closes it. */
export interface BuiltService {
  service: UserService;
  /** The provider's webhook subscriptions, on the same HTTP client. */
  webhooks: DeclaredWebhookSubscriptions;
  close(): Promise<void>;
}

/** One configuration of one tenant, and the calls running on it. */
export class Generation {
  readonly config: TenantConfig;
  /** Current provider first, then the retained ones, by name. */
  readonly #configs: ReadonlyMap<string, BaseTenantConfig>;
  readonly #build: (config: BaseTenantConfig) => BuiltService;
  readonly #built = new Map<string, BuiltService>();
  #inflight = 0;
  #retired = false;
  #drained: (() => void) | undefined;
  #closed: Promise<void> | undefined;
  #closedResolve!: () => void;

  constructor(config: TenantConfig, build: (config: BaseTenantConfig) => BuiltService) {
    this.config = config;
    this.#build = build;
    const configs = new Map<string, BaseTenantConfig>([[config.provider, config]]);
    for (const retained of config.retainedProviders ?? []) configs.set(retained.provider, retained);
    this.#configs = configs;
  }

  /** The provider names this generation reaches: the current one first. */
  get providers(): readonly string[] {
    return [...this.#configs.keys()];
  }

  /** Whether `provider` is the current or a retained provider. */
  has(provider: string): boolean {
    return this.#configs.has(provider);
  }

  /** The service of `provider` (built on first use); `provider` must be one {@link has} knows. */
  service(provider: string = this.config.provider): UserService {
    return this.#builtFor(provider).service;
  }

  /** The webhook subscriptions of `provider` (built on first use, with its service). */
  webhooks(provider: string = this.config.provider): DeclaredWebhookSubscriptions {
    return this.#builtFor(provider).webhooks;
  }

  #builtFor(provider: string): BuiltService {
    const built = this.#built.get(provider);
    if (built) return built;
    const config = this.#configs.get(provider);
    if (!config) throw new Error(`no provider ${provider} in this tenant's configuration`);
    const fresh = this.#build(config);
    this.#built.set(provider, fresh);
    return fresh;
  }

  /** The service of `provider` if a call already built it (printing never builds one). */
  builtService(provider: string = this.config.provider): UserService | undefined {
    return this.#built.get(provider)?.service;
  }

  /** A call starts on this generation. */
  enter(): void {
    this.#inflight++;
  }

  /** A call on this generation ended. */
  leave(): void {
    this.#inflight--;
    if (this.#inflight === 0 && this.#retired) this.#drained?.();
  }

  /** Resolves once this generation's connections are closed (after {@link retire}). */
  get closed(): Promise<void> {
    this.#closed ??= new Promise<void>((resolve) => {
      this.#closedResolve = resolve;
    });
    return this.#closed;
  }

  /**
   * No new call starts here any more: waits for the calls in flight (at most `drainMs`), then
   * closes every connection (a call still running then ends `aborted`). Retiring again with a
   * shorter wait (`close()`'s 0) cuts a wait in progress short.
   */
  async retire(drainMs: number): Promise<void> {
    const closed = this.closed;
    if (this.#retired) {
      if (drainMs === 0) this.#drained?.();
      return closed;
    }
    this.#retired = true;
    if (this.#inflight > 0 && drainMs > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, drainMs);
        // A drain never keeps the process alive on its own.
        timer.unref();
        this.#drained = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    const built = [...this.#built.values()];
    await Promise.all(built.map((b) => b.close()));
    this.#closedResolve();
    return closed;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** What a user reference points at, or `invalid_input` (field `userId`) before anything is sent. */
function route(
  generation: Generation,
  ref: unknown,
  context: { provider: string; tenant: string; operation: Operation },
): { service: UserService; id: unknown } {
  // A bare id (or anything else, which the service then refuses as an id) is the current provider's.
  if (!isObject(ref)) return { service: generation.service(), id: ref };
  // Own properties only, read once (a getter or proxy that throws is invalid_input, never thrown on).
  const { provider, id } = readingInput(ref, { ...context, what: 'user reference' }, () => ({
    provider: Object.hasOwn(ref, 'provider') ? ref.provider : undefined,
    id: Object.hasOwn(ref, 'id') ? ref.id : undefined,
  }));
  if (typeof provider !== 'string' || !generation.has(provider)) {
    throw new InvalidInputError(
      `${context.tenant} ${context.operation}: the user reference names a provider this tenant neither uses nor retains (it uses ${generation.providers.join(', ')})`,
      {
        ...context,
        fieldErrors: { userId: ['Must name the tenant’s current provider or one of its retained providers'] },
      },
    );
  }
  return { service: generation.service(provider), id };
}

/** The `UserService` of one tenant id, following its configuration (see the module comment). */
export class TenantUserService implements UserService {
  readonly tenant: string;
  readonly #current: () => Generation;
  /** A getter's, not an own field: a clone or a spread of the handle stays `{ tenant }`. */
  readonly #webhooks: TenantWebhooks;

  /** `current` returns the tenant's generation now, or throws (`unknown_tenant` once removed). */
  constructor(tenant: string, current: () => Generation) {
    this.tenant = tenant;
    this.#current = current;
    this.#webhooks = Object.freeze(new HandleWebhooks(current));
  }

  /**
   * The tenant's webhook subscriptions at its current provider (`subscribe`, `list`, `unsubscribe`),
   * following its configuration like every call here (docs/webhooks.md).
   */
  get webhooks(): TenantWebhooks {
    return this.#webhooks;
  }

  /** The tenant's current provider. */
  get provider(): string {
    return this.#current().config.provider;
  }

  /** What the tenant's current provider supports. */
  get capabilities(): Capabilities {
    return this.#current().service().capabilities;
  }

  /** The providers this tenant reaches: the current one first, then the retained ones. */
  get providers(): readonly string[] {
    return this.#current().providers;
  }

  /** What `provider` (current or retained) supports; `invalid_input` for another provider. */
  capabilitiesOf(provider: string): Capabilities {
    const generation = this.#current();
    if (!generation.has(provider)) {
      throw new InvalidInputError(
        `${this.tenant}: no provider ${typeof provider === 'string' ? showUntrusted(provider, 64) : typeof provider} in this tenant's configuration`,
        {
          tenant: this.tenant,
          fieldErrors: {
            provider: ['Must be the tenant’s current provider or one of its retained providers'],
          },
        },
      );
    }
    return generation.service(provider).capabilities;
  }

  /** Runs one call on the generation current when it starts. */
  async #run<T>(
    operation: Operation,
    ref: unknown,
    call: (service: UserService, id: unknown) => Promise<T>,
  ): Promise<T> {
    const generation = this.#current();
    generation.enter();
    try {
      const context = { provider: generation.config.provider, tenant: this.tenant, operation };
      const { service, id } = route(generation, ref, context);
      return await call(service, id);
    } finally {
      generation.leave();
    }
  }

  createUser(input: CreateUserInput, options?: CallOptions): Promise<CreatedUser> {
    // New users are always created at the tenant's current provider.
    return this.#run('createUser', undefined, (service) => service.createUser(input, options));
  }

  getUser(user: UserIdOrRef, options?: CallOptions): Promise<User> {
    return this.#run('getUser', user, (service, id) => service.getUser(id as string, options));
  }

  updateUser(user: UserIdOrRef, patch: UpdateUserInput, options?: CallOptions): Promise<UpdatedUser> {
    return this.#run('updateUser', user, (service, id) => service.updateUser(id as string, patch, options));
  }

  deleteUser(user: UserIdOrRef, options?: CallOptions): Promise<void> {
    return this.#run('deleteUser', user, (service, id) => service.deleteUser(id as string, options));
  }

  createLinkToken(user: UserIdOrRef, options?: CallOptions): Promise<LinkToken> {
    return this.#run('createLinkToken', user, (service, id) =>
      service.createLinkToken(id as string, options),
    );
  }

  listUsers(filter?: TenantListFilter, options?: CallOptions): UserListing {
    // Which generation, and which provider, is decided when an iteration starts.
    const start = <T>(walk: (listing: UserListing) => AsyncIterable<T>): AsyncIterator<T> =>
      this.#iterate(filter, options, walk);
    return {
      [Symbol.asyncIterator]: () => start((listing) => listing),
      pages: () => ({ [Symbol.asyncIterator]: () => start<UserPage>((listing) => listing.pages()) }),
    };
  }

  async *#iterate<T>(
    filter: TenantListFilter | undefined,
    options: CallOptions | undefined,
    walk: (listing: UserListing) => AsyncIterable<T>,
  ): AsyncGenerator<T> {
    const generation = this.#current();
    generation.enter();
    try {
      const context = {
        provider: generation.config.provider,
        tenant: this.tenant,
        operation: 'listUsers' as const,
      };
      let rest: unknown = filter;
      let provider = generation.config.provider;
      // Read once, inside readingInput: a proxy or getter that throws is invalid_input.
      const read = isObject(filter)
        ? readingInput(filter, { ...context, what: 'filter' }, () =>
            Object.hasOwn(filter, 'provider') ? { ...filter } : undefined,
          )
        : undefined;
      if (read !== undefined) {
        const { provider: _named, ...others } = read;
        rest = others;
      }
      const wanted = read?.provider;
      if (wanted !== undefined) {
        if (typeof wanted !== 'string' || !generation.has(wanted)) {
          throw new InvalidInputError(
            `${this.tenant} listUsers: the filter names a provider this tenant neither uses nor retains (it uses ${generation.providers.join(', ')})`,
            {
              ...context,
              fieldErrors: {
                provider: ['Must be the tenant’s current provider or one of its retained providers'],
              },
            },
          );
        }
        provider = wanted;
      }
      yield* walk(generation.service(provider).listUsers(rest as ListUsersFilter, options));
    } finally {
      generation.leave();
    }
  }

  /**
   * What the service shows when serialised: its tenant and current provider (as that provider's
   * service shows itself, e.g. with its API version), never configuration.
   */
  toJSON(): Record<string, unknown> {
    try {
      const built = this.#current().builtService() as { toJSON?: () => unknown } | undefined;
      const shown = built?.toJSON?.();
      if (typeof shown === 'object' && shown !== null) return { ...(shown as Record<string, unknown>) };
      return { tenant: this.tenant, provider: this.provider };
    } catch {
      // A removed tenant, or a closed identity, still prints.
      return { tenant: this.tenant };
    }
  }

  /** What `util.inspect` / `console.log` show: `UserService` and {@link TenantUserService.toJSON}. */
  [inspect.custom](): string {
    return `UserService ${inspect(this.toJSON())}`;
  }
}

/** `users.webhooks`: each call on the generation current when it starts, at its current provider. */
class HandleWebhooks implements TenantWebhooks {
  readonly #current: () => Generation;

  constructor(current: () => Generation) {
    this.#current = current;
  }

  get events(): readonly WebhookEventType[] {
    return this.#current().webhooks().events;
  }

  async #run<T>(call: (webhooks: DeclaredWebhookSubscriptions) => Promise<T>): Promise<T> {
    const generation = this.#current();
    generation.enter();
    try {
      return await call(generation.webhooks());
    } finally {
      generation.leave();
    }
  }

  subscribe(input: SubscribeWebhookInput, options?: CallOptions): Promise<WebhookSubscription> {
    return this.#run((webhooks) => webhooks.subscribe(input, options));
  }

  list(options?: CallOptions): Promise<WebhookSubscription[]> {
    return this.#run((webhooks) => webhooks.list(options));
  }

  unsubscribe(id: string, options?: CallOptions): Promise<void> {
    return this.#run((webhooks) => webhooks.unsubscribe(id, options));
  }
}

/** The resolver a handle uses: the tenant's generation, or `unknown_tenant` once it is removed. */
export function currentGeneration(
  slots: ReadonlyMap<string, Generation>,
  tenant: string,
  configured: () => readonly string[],
): Generation {
  const generation = slots.get(tenant);
  if (!generation) throw UnknownTenantError.of(tenant, configured());
  return generation;
}

/**
 * `createPayrollIdentity`: the library's root container (a child of tsyringe's global container,
 * which is never touched), one child container per tenant created on first use, and the cache
 * that makes `forTenant` cheap.
 */
import './reflect-metadata.cjs';
import { createHash } from 'node:crypto';
import { inspect } from 'node:util';
import {
  type DependencyContainer,
  container as globalContainer,
  instancePerContainerCachingFactory,
} from 'tsyringe';
import { checkTenants } from '../config/schema.js';
import { REPORT_CONFIGURATION_PROBLEM } from '../config/watch.js';
import {
  AbortedError,
  ClosedIdentityError,
  type ConfigurationProblem,
  InvalidConfigurationError,
  isPayrollIdentityError,
  UnknownTenantError,
} from '../errors.js';
import type { CircuitBreakerOptions } from '../http/circuit.js';
import { HttpClient } from '../http/client.js';
import type { RetryOptions } from '../http/retry-policy.js';
import { Secret } from '../http/secret.js';
import type { Transport } from '../http/transport.js';
import type { ConfigurationChangeEvent, RequestHooks } from '../observe/events.js';
import type { Logger } from '../observe/logger.js';
import { TracedUserService } from '../observe/traced-service.js';
import { buildDeclarations, buildWebhookDeclarations, definitionProblems } from '../provider/check.js';
import type { UsersDeclaration } from '../provider/declaration.js';
import {
  type BaseTenantConfig,
  checkBaseUrls,
  type Environment,
  type ProviderDefinition,
  resolveBaseUrl,
  type TenantWebhooksConfig,
} from '../provider/definition.js';
import { beforeSending } from '../provider/guard.js';
import { DeclaredUserService } from '../provider/service.js';
import type { WebhooksDeclaration } from '../provider/webhooks.js';
import { type DeliveryCandidate, parseDelivery } from '../webhooks/deliveries.js';
import { DeclaredWebhookSubscriptions } from '../webhooks/subscriptions.js';
import type { ParseWebhookInput, WebhookEvent } from '../webhooks/types.js';
import { type BuiltService, Generation, type TenantConfig, TenantUserService } from './tenant-handle.js';
import { TOKENS } from './tokens.js';

/** One tenant's configuration as written (before defaults). Each provider adds its own fields. */
export interface TenantConfigInput {
  /** The provider's name: `'argyle'`, `'teal'`, or a registered provider's. */
  provider: string;
  /** Which of the provider's base URLs to use. */
  environment: Environment;
  /** The provider's credentials (Argyle `{ apiKeyId, apiKeySecret }`, Teal `{ apiKey }` or `{ bearerToken }`). */
  credentials: Record<string, unknown>;
  /** Overrides the provider's base URL: https, or http on loopback (the sandbox). */
  baseUrl?: string;
  /** A field the provider cannot store: `'drop'` (default, named in `ignoredFields`) or `'reject'`. */
  unsupportedFields?: 'drop' | 'reject';
  /** Deadline of one call, retries included, in ms (default 30 000). */
  timeoutMs?: number;
  /** Largest response body accepted, in bytes (default 10 MiB). */
  maxResponseBytes?: number;
  /** Retry policy; each field defaults (docs/reliability.md). */
  retry?: Partial<RetryOptions>;
  /** Per-tenant circuit breaker; each field defaults (docs/reliability.md). */
  circuitBreaker?: Partial<CircuitBreakerOptions>;
  /**
   * The provider's webhooks (docs/webhooks.md): `secret`, the signing secret (a list of at most 5
   * during a rotation, each tried; the first is given to new subscriptions), and `encryptionKey`, the
   * base64 of 32 bytes, for a provider that encrypts deliveries (Teal).
   */
  webhooks?: {
    /** The signing secret, or a list of at most 5 during a rotation (the first is given to new subscriptions). */
    secret: string | readonly string[];
    /** The base64 of 32 bytes, for a provider that encrypts deliveries (Teal). */
    encryptionKey?: string;
  };
  [providerSpecific: string]: unknown;
}

/** What `createPayrollIdentity` takes (docs/configuration.md lists every field). */
export interface PayrollIdentityConfig {
  /** One entry per tenant, keyed by tenant id. */
  tenants: Record<string, TenantConfigInput>;
  /** Providers beyond the built-in ones (a definition with a built-in's name replaces it). */
  providers?: readonly ProviderDefinition[];
  /**
   * pino-compatible logger (`debug/info/warn/error(obj, msg)`, optional `child`). Silent when unset.
   * It receives only the request events' safe fields, never credentials or personal data.
   */
  logger?: Logger;
  /** Request event hooks (start/end/retry, circuit changes, ambiguous outcomes). A hook that throws is ignored. */
  hooks?: RequestHooks;
  /**
   * What sends every tenant's requests: an axios adapter, `(config) => Promise<AxiosResponse>`,
   * receiving axios's request config (URL parts, headers with credentials, JSON `data`, `signal`,
   * `maxContentLength`) and returning the response with its body as text. Default: the library's
   * lean `node:http`/`node:https` transport over each tenant's keep-alive agents. Use it to answer
   * in-process (tests, benchmarks) or to route requests your own way; a custom transport must
   * honour `signal`, the size cap and never follow a redirect.
   */
  transport?: Transport;
}

/**
 * What `createPayrollIdentity` returns: each tenant's `UserService`, and the lifecycle of their
 * connections. Create one per process and close it on shutdown.
 *
 * @example
 * ```ts
 * const identity = createPayrollIdentity(loadConfigFile('tenants.yaml'));
 * const users = identity.forTenant('acme-us');   // cached: call it per request
 * // …
 * await identity.close();
 * ```
 */
export interface PayrollIdentity {
  /**
   * The tenant's `UserService`, created on first use and cached. It follows the tenant's
   * configuration: a call that starts after `reconfigure`/`setTenant` resolves uses the new one.
   * Throws `unknown_tenant`.
   */
  forTenant(tenant: string): TenantUserService;
  /** The configured tenant ids (as of now: `reconfigure`, `setTenant` and `removeTenant` change them). */
  readonly tenants: readonly string[];
  /**
   * Verifies and reads one webhook delivery for `tenant` (docs/webhooks.md): `body` exactly as
   * received (bytes, or the same bytes as a string), `headers` as a record or a `Headers` object. The
   * provider is the one of the tenant's (current or retained) whose signature header the delivery
   * carries, with `webhooks` configured; the signature is checked in constant time against each of
   * its secrets, the body decrypted when its configuration has an `encryptionKey`, the JSON validated.
   * Resolves to the neutral event; rejects with `invalid_webhook` (`reason`: `'signature'`,
   * `'decryption'` or `'payload'`), `unknown_tenant`, or `invalid_input` for a body or headers of
   * the wrong kind. Nothing is sent anywhere.
   */
  parseWebhook(input: ParseWebhookInput): Promise<WebhookEvent>;
  /**
   * Replaces the whole tenants configuration (the same shape `createPayrollIdentity` takes; its
   * `providers`, `logger`, `hooks` and `transport` are fixed at creation and must be left out or be
   * the same objects). The new configuration is validated first, every problem reported at once:
   * on any problem it rejects with `invalid_configuration` and nothing changes. Otherwise the
   * difference applies at once: tenants added, changed (new credentials, provider, settings) and
   * removed. Calls already running on a changed or removed tenant finish on the configuration they
   * started with; it resolves once they have (or, past their deadline, were stopped) and their
   * connections are closed, so that after it resolves no request carries a replaced credential.
   */
  reconfigure(config: Pick<PayrollIdentityConfig, 'tenants'> & Partial<PayrollIdentityConfig>): Promise<void>;
  /** Adds or replaces one tenant (validated alone: the other tenants are not checked again). See `reconfigure`. */
  setTenant(tenant: string, config: TenantConfigInput): Promise<void>;
  /** Removes one tenant: `forTenant` then throws `unknown_tenant`, and its handles reject it unsent. See `reconfigure`. */
  removeTenant(tenant: string): Promise<void>;
  /** The library's root container (a child of tsyringe's global one), for hosts using tsyringe. */
  readonly container: DependencyContainer;
  /**
   * Closes every tenant's connections and containers; `forTenant` throws afterwards. Services handed
   * out before stop too: calls in flight end `aborted` (a create that was sent says
   * `mayHaveTakenEffect`), later calls reject `aborted` without sending anything.
   */
  close(): Promise<void>;
  /**
   * What printing the identity shows (`JSON.stringify`, and `util.inspect` / `console.log` alike):
   * each tenant's provider and whether it is closed, never a credential.
   */
  toJSON(): {
    /** Each tenant's provider name, by tenant id. */
    tenants: Record<string, string>;
    /** Whether {@link PayrollIdentity.close} was called. */
    closed: boolean;
  };
}

function registry(definitions: readonly ProviderDefinition[]): Map<string, ProviderDefinition> {
  const problems = definitionProblems(definitions);
  if (problems.length > 0) throw InvalidConfigurationError.of(problems);
  const map = new Map<string, ProviderDefinition>();
  for (const d of definitions) map.set(d.name, d);
  return map;
}

/** A tenant's configurations: its current provider's, then its retained providers'. */
function configsOf(config: TenantConfig): BaseTenantConfig[] {
  return [config, ...(config.retainedProviders ?? [])];
}

/** The longest a call on `config` may run: what retiring it waits for at most. */
function drainMsOf(config: TenantConfig): number {
  return Math.max(...configsOf(config).map((c) => c.timeoutMs)) + 1_000;
}

/**
 * What tells two configurations of a tenant apart, credentials included (as hashes: the values
 * are never kept here). An unchanged tenant keeps its connections across `reconfigure`.
 */
function fingerprintOf(config: TenantConfig): string {
  // Secrets first (JSON.stringify would call their toJSON, which hides the value).
  const plain = (value: unknown): unknown => {
    if (value instanceof Secret) return `secret:${createHash('sha256').update(value.reveal()).digest('hex')}`;
    if (Array.isArray(value)) return value.map(plain);
    if (typeof value === 'object' && value !== null) {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
    }
    return value;
  };
  return createHash('sha256')
    .update(JSON.stringify(plain(config)))
    .digest('hex');
}

interface Validated {
  configs: Map<string, TenantConfig>;
  declarations: WeakMap<BaseTenantConfig, UsersDeclaration>;
  webhooks: WeakMap<BaseTenantConfig, WebhooksDeclaration>;
}

/** Validates tenants, their base URLs and their providers' declarations: every problem at once. */
function validate(tenants: unknown, providers: ReadonlyMap<string, ProviderDefinition>): Validated {
  const checked = checkTenants({ tenants }, [...providers.values()]);
  const configs = checked.tenants as Map<string, TenantConfig>;
  const problems = [...checked.problems];
  // The tenants that passed the schema are checked further, so one report lists everything.
  for (const config of configs.values()) problems.push(...baseUrlProblems(providers, config));
  const all = [...configs.values()].flatMap(configsOf);
  const built = buildDeclarations(providers, all);
  problems.push(...built.problems);
  const { webhooks, problems: webhookProblems } = buildWebhookDeclarations(providers, configs.values());
  problems.push(...webhookProblems);
  if (problems.length > 0) throw InvalidConfigurationError.of(problems);
  return { configs, declarations: built.declarations, webhooks };
}

/** The `baseUrl` problems of a tenant and its retained providers, each named where it is. */
function baseUrlProblems(
  providers: ReadonlyMap<string, ProviderDefinition>,
  config: TenantConfig,
): ConfigurationProblem[] {
  const found: ConfigurationProblem[] = [];
  configsOf(config).forEach((c, index) => {
    try {
      checkBaseUrls(providers, new Map([['0', c]]));
    } catch (error) {
      if (!isPayrollIdentityError(error, 'invalid_configuration')) throw error;
      for (const problem of error.problems) {
        found.push(
          index === 0 ? problem : { ...problem, field: `retainedProviders.${index - 1}.${problem.field}` },
        );
      }
    }
  });
  return found;
}

/** A declaration built outside validation (never expected): checked like at load. */
function checkedUsers(definition: ProviderDefinition, config: BaseTenantConfig): UsersDeclaration {
  const { declarations, problems } = buildDeclarations(new Map([[definition.name, definition]]), [config]);
  const users = declarations.get(config);
  if (!users || problems.length > 0) throw InvalidConfigurationError.of(problems);
  return users;
}

/** Builds the identity from configuration and the given provider definitions. */
export function createPayrollIdentityWith(
  config: PayrollIdentityConfig,
  builtIns: readonly ProviderDefinition[],
): PayrollIdentity {
  if (typeof config !== 'object' || config === null) {
    throw InvalidConfigurationError.of([
      { field: '(root)', reason: 'configuration must be an object with "tenants"' },
    ]);
  }
  const providers = registry([...builtIns, ...(config.providers ?? [])]);
  const initial = validate(config.tenants, providers);
  // Checked declarations by configuration object: kept for as long as the configuration is.
  const declarations = initial.declarations;
  const webhookDeclarations = initial.webhooks;
  /** Generations retired and still draining (of any tenant): a change resolves only once none is. */
  const draining = new Set<Generation>();

  const root = globalContainer.createChildContainer();
  root.register(TOKENS.ProviderRegistry, { useValue: providers });
  root.register(TOKENS.TenantConfigs, { useValue: initial.configs });
  if (config.logger) root.register(TOKENS.Logger, { useValue: config.logger });
  root.register(TOKENS.RequestHooks, { useValue: config.hooks ?? {} });

  // Read once: the closures below must not keep the host's whole configuration object alive.
  const { transport, logger } = config;
  const hooks = config.hooks ?? {};
  const fixed = { providers: config.providers, logger: config.logger, hooks: config.hooks, transport };
  /** Tenant id → its current generation. */
  const generations = new Map<string, Generation>();
  /** Tenant id → its current configuration's fingerprint, once computed. */
  const fingerprints = new Map<string, string>();
  const fingerprintOfTenant = (tenant: string, config: TenantConfig): string => {
    let known = fingerprints.get(tenant);
    if (known === undefined) {
      known = fingerprintOf(config);
      fingerprints.set(tenant, known);
    }
    return known;
  };
  /** Tenant id → the handle `forTenant` hands out (kept across changes: handles follow them). */
  const handles = new Map<string, TenantUserService>();
  let tenantIds: readonly string[] = Object.freeze([]);
  let closed = false;

  /** One provider's service of one tenant configuration: its own child container and client. */
  function buildService(tenantConfig: BaseTenantConfig): BuiltService {
    const definition = providers.get(tenantConfig.provider)!;
    const tenant = tenantConfig.tenant;
    const child = root.createChildContainer();
    child.register(TOKENS.TenantConfig, { useValue: tenantConfig });
    child.register(TOKENS.Provider, { useValue: definition });
    child.register(TOKENS.HttpClient, {
      useFactory: instancePerContainerCachingFactory(
        (c) =>
          new HttpClient({
            tenant,
            provider: definition.name,
            baseUrl: resolveBaseUrl(definition, tenantConfig),
            auth: beforeSending({ provider: definition.name, tenant, operation: 'createUser' }, 'auth', () =>
              definition.auth(c.resolve(TOKENS.TenantConfig)),
            ),
            describeError: definition.describeError,
            timeoutMs: tenantConfig.timeoutMs,
            maxResponseBytes: tenantConfig.maxResponseBytes,
            retry: tenantConfig.retry,
            circuitBreaker: tenantConfig.circuitBreaker,
            logger: c.isRegistered(TOKENS.Logger, true) ? c.resolve(TOKENS.Logger) : undefined,
            hooks: c.resolve(TOKENS.RequestHooks),
            transport,
          }),
      ),
    });
    child.register(TOKENS.UserService, {
      // Wrapped for OpenTelemetry: a span and a duration per call when the host listens, a direct
      // call otherwise (docs/observability.md).
      useFactory: instancePerContainerCachingFactory((c) => {
        const http = c.resolve(TOKENS.HttpClient);
        const config = c.resolve(TOKENS.TenantConfig);
        const users = declarations.get(config) ?? checkedUsers(definition, config);
        const service = new DeclaredUserService(definition.name, users, config, http);
        return new TracedUserService(service, http.baseUrl);
      }),
    });
    const service = child.resolve(TOKENS.UserService);
    const webhooks = new DeclaredWebhookSubscriptions(
      definition.name,
      webhookDeclarations.get(tenantConfig)?.subscriptions,
      tenantConfig,
      child.resolve(TOKENS.HttpClient),
    );
    return {
      service,
      webhooks,
      async close() {
        if (child.isRegistered(TOKENS.HttpClient)) child.resolve(TOKENS.HttpClient).close();
        await child.dispose();
      },
    };
  }

  /** Applies validated tenants: `replaceAll` removes the tenants it does not name. */
  async function apply(next: Validated, replaceAll: boolean): Promise<void> {
    const retiring: Generation[] = [];
    const added: string[] = [];
    const changed: string[] = [];
    const removed: string[] = [];
    // Synchronous from here to the swap: no call can start in between, so none sees half of it.
    for (const [tenant, tenantConfig] of next.configs) {
      const old = generations.get(tenant);
      // Fingerprints are computed only when there is something to compare with (not at creation:
      // 10,000 tenants would hash 10,000 configurations for nothing).
      if (old && fingerprintOfTenant(tenant, old.config) === fingerprintOf(tenantConfig)) continue;
      if (old) {
        retiring.push(old);
        changed.push(tenant);
      } else added.push(tenant);
      generations.set(tenant, new Generation(tenantConfig, buildService));
      fingerprints.delete(tenant);
    }
    if (replaceAll) {
      for (const [tenant, old] of generations) {
        if (next.configs.has(tenant)) continue;
        generations.delete(tenant);
        fingerprints.delete(tenant);
        handles.delete(tenant);
        retiring.push(old);
        removed.push(tenant);
      }
    }
    // The new generations' checked declarations (a kept tenant keeps its own); only the tenants
    // named, so one setTenant among 10,000 tenants costs one tenant's work.
    for (const tenantConfig of next.configs.values()) {
      for (const c of configsOf(tenantConfig)) {
        const users = next.declarations.get(c);
        if (users) declarations.set(c, users);
        const webhooks = next.webhooks.get(c);
        if (webhooks) webhookDeclarations.set(c, webhooks);
      }
    }
    if (added.length + removed.length > 0) tenantIds = Object.freeze([...generations.keys()]);
    if (added.length + changed.length + removed.length > 0) {
      notify({ outcome: 'applied', added, changed, removed });
    }
    await retire(retiring);
  }

  /**
   * Retires generations and resolves once they, and every generation retired before (by an earlier
   * change still draining), are closed: after that no replaced configuration sends anything.
   */
  async function retire(retiring: readonly Generation[]): Promise<void> {
    for (const generation of retiring) {
      draining.add(generation);
      void generation.retire(drainMsOf(generation.config)).finally(() => draining.delete(generation));
    }
    await Promise.all([...draining].map((g) => g.closed));
  }

  function notify(event: ConfigurationChangeEvent): void {
    try {
      const result: unknown = hooks.onConfigurationChange?.(event);
      // A hook that throws or rejects is ignored, like every hook.
      if (result instanceof Promise) result.catch(() => {});
    } catch {
      // ignored, as above
    }
    try {
      log(event);
    } catch {
      // A logger that throws must not turn a change into a failure (it was applied) or hide why a
      // change was refused.
    }
  }

  function log(event: ConfigurationChangeEvent): void {
    if (!logger) return;
    if (event.outcome === 'applied') {
      logger.info(
        {
          event: 'configuration_applied',
          added: event.added,
          changed: event.changed,
          removed: event.removed,
        },
        'payroll-identity configuration applied',
      );
    } else {
      logger.warn(
        { event: 'configuration_rejected', problems: event.problems },
        'payroll-identity configuration rejected; the last good configuration stays',
      );
    }
  }

  /** Validates, reporting a rejection to the logger and hooks (problems by field, never values). */
  function validated<T>(run: () => T): T {
    try {
      return run();
    } catch (error) {
      reportRejection(error);
      if (isPayrollIdentityError(error)) throw error;
      // A getter or proxy of the host's that throws: its text may hold a value, so it is not passed on.
      throw InvalidConfigurationError.of(
        [{ field: '(configuration)', reason: 'could not be read (a getter or proxy threw)' }],
        { cause: error },
      );
    }
  }

  function reportRejection(error: unknown): void {
    const problems = isPayrollIdentityError(error, 'invalid_configuration')
      ? error.problems.map((p) => ({ ...p }))
      : [{ field: '(configuration)', reason: 'could not be read' }];
    notify({ outcome: 'rejected', added: [], changed: [], removed: [], problems });
  }

  function current(tenant: string): Generation {
    if (closed) {
      throw new AbortedError(`${tenant}: the payroll identity was closed; nothing was sent`, { tenant });
    }
    const generation = generations.get(tenant);
    if (!generation) throw UnknownTenantError.of(tenant, tenantIds);
    return generation;
  }

  /** The tenant's configurations a delivery may come from: those with `webhooks`, current provider first. */
  function deliveryCandidates(generation: Generation): DeliveryCandidate[] {
    const candidates: DeliveryCandidate[] = [];
    for (const c of configsOf(generation.config)) {
      const declaration = webhookDeclarations.get(c);
      if (declaration && c.webhooks) {
        candidates.push({ config: c as BaseTenantConfig & { webhooks: TenantWebhooksConfig }, declaration });
      }
    }
    return candidates;
  }

  function refuseIfClosed(what: string): void {
    if (closed) throw ClosedIdentityError.of({ operation: undefined, tenant: what });
  }

  void apply(initial, true);

  // Tenant id → provider name: all that printing the identity shows.
  const summary = (): Record<string, string> => {
    const out: Record<string, string> = {};
    for (const [tenant, generation] of generations) out[tenant] = generation.config.provider;
    return out;
  };

  const identity: PayrollIdentity & {
    [inspect.custom]: (depth: number, options: object) => string;
    [REPORT_CONFIGURATION_PROBLEM]: (error: unknown) => void;
  } = {
    get tenants() {
      return tenantIds;
    },
    container: root,
    forTenant(tenant: string): TenantUserService {
      if (closed) throw ClosedIdentityError.of({ tenant });
      const cached = handles.get(tenant);
      if (cached && generations.has(tenant)) return cached;
      if (!generations.has(tenant)) throw UnknownTenantError.of(tenant, tenantIds);
      const handle = cached ?? new TenantUserService(tenant, () => current(tenant));
      handles.set(tenant, handle);
      return handle;
    },
    async parseWebhook(input) {
      if (closed) throw ClosedIdentityError.of({ operation: 'parseWebhook' });
      let tenant: unknown;
      try {
        tenant = (input as { tenant?: unknown } | null | undefined)?.tenant;
      } catch {
        tenant = undefined;
      }
      const generation = typeof tenant === 'string' ? generations.get(tenant) : undefined;
      if (!generation) throw UnknownTenantError.of(tenant, tenantIds);
      return parseDelivery(generation.config.tenant, deliveryCandidates(generation), input);
    },
    async reconfigure(next) {
      refuseIfClosed('(reconfigure)');
      const validatedNext = validated(() => {
        if (typeof next !== 'object' || next === null) {
          throw InvalidConfigurationError.of([
            { field: '(root)', reason: 'configuration must be an object with "tenants"' },
          ]);
        }
        const moved = (['providers', 'logger', 'hooks', 'transport'] as const).filter(
          (key) => next[key] !== undefined && next[key] !== fixed[key],
        );
        if (moved.length > 0) {
          throw InvalidConfigurationError.of(
            moved.map((key) => ({
              field: key,
              reason: 'is fixed when the identity is created; leave it out',
            })),
          );
        }
        return validate(next.tenants, providers);
      });
      await apply(validatedNext, true);
    },
    async setTenant(tenant, tenantConfig) {
      refuseIfClosed('(setTenant)');
      const validatedNext = validated(() => validate({ [tenant]: tenantConfig }, providers));
      await apply(validatedNext, false);
    },
    async removeTenant(tenant) {
      refuseIfClosed('(removeTenant)');
      const old = generations.get(tenant);
      if (!old) throw UnknownTenantError.of(tenant, tenantIds);
      generations.delete(tenant);
      fingerprints.delete(tenant);
      // Handles already handed out keep working (they reject unknown_tenant); the map forgets them.
      handles.delete(tenant);
      tenantIds = Object.freeze([...generations.keys()]);
      notify({ outcome: 'applied', added: [], changed: [], removed: [tenant] });
      await retire([old]);
    },
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      // Calls in flight end `aborted`: nothing waits for them, not even those still draining from
      // an earlier change.
      await Promise.all([...generations.values(), ...draining].map((g) => g.retire(0)));
      await root.dispose();
    },
    toJSON() {
      return { tenants: summary(), closed };
    },
    [inspect.custom](_depth: number, options: object) {
      return `PayrollIdentity ${inspect(identity.toJSON(), { ...options, depth: 2 })}`;
    },
    [REPORT_CONFIGURATION_PROBLEM]: reportRejection,
  };
  Object.defineProperty(identity, REPORT_CONFIGURATION_PROBLEM, { enumerable: false });
  root.register(TOKENS.PayrollIdentity, { useValue: identity });
  return identity;
}

/** Registers an identity in a host's own tsyringe container under `TOKENS.PayrollIdentity`. */
export function registerPayrollIdentity(host: DependencyContainer, identity: PayrollIdentity): void {
  host.register(TOKENS.PayrollIdentity, { useValue: identity });
}

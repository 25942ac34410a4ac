/**
 * `createPayrollIdentity`: the library's root container (a child of tsyringe's global container,
 * which is never touched), one child container per tenant created on first use, and the cache
 * that makes `forTenant` cheap.
 */
import 'reflect-metadata';
import { inspect } from 'node:util';
import {
  type DependencyContainer,
  container as globalContainer,
  instancePerContainerCachingFactory,
} from 'tsyringe';
import { validateTenants } from '../config/schema.js';
import { ClosedIdentityError, InvalidConfigurationError, UnknownTenantError } from '../errors.js';
import type { CircuitBreakerOptions } from '../http/circuit.js';
import { HttpClient } from '../http/client.js';
import type { RetryOptions } from '../http/retry-policy.js';
import type { Transport } from '../http/transport.js';
import type { RequestHooks } from '../observe/events.js';
import type { Logger } from '../observe/logger.js';
import { TracedUserService } from '../observe/traced-service.js';
import {
  type BaseTenantConfig,
  checkBaseUrls,
  type Environment,
  type ProviderDefinition,
  resolveBaseUrl,
} from '../provider/definition.js';
import { DeclaredUserService } from '../provider/service.js';
import type { UserService } from '../user-service.js';
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
  /** The tenant's `UserService`, created on first use and cached. Throws `unknown_tenant`. */
  forTenant(tenant: string): UserService;
  /** The configured tenant ids. */
  readonly tenants: readonly string[];
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
  toJSON(): { tenants: Record<string, string>; closed: boolean };
}

function registry(definitions: readonly ProviderDefinition[]): Map<string, ProviderDefinition> {
  const map = new Map<string, ProviderDefinition>();
  for (const d of definitions) map.set(d.name, d);
  return map;
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
  const tenantConfigs = validateTenants({ tenants: config.tenants }, [...providers.values()]);
  checkBaseUrls(providers, tenantConfigs);

  const root = globalContainer.createChildContainer();
  root.register(TOKENS.ProviderRegistry, { useValue: providers });
  root.register(TOKENS.TenantConfigs, { useValue: tenantConfigs });
  if (config.logger) root.register(TOKENS.Logger, { useValue: config.logger });
  root.register(TOKENS.RequestHooks, { useValue: config.hooks ?? {} });

  // Read once: the closures below must not keep the host's whole configuration object alive.
  const transport = config.transport;
  const tenantContainers = new Map<string, DependencyContainer>();
  const services = new Map<string, UserService>();
  const tenantIds = Object.freeze([...tenantConfigs.keys()]);
  let closed = false;

  function buildTenant(tenant: string, tenantConfig: BaseTenantConfig): DependencyContainer {
    const definition = providers.get(tenantConfig.provider)!;
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
            auth: definition.auth(c.resolve(TOKENS.TenantConfig)),
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
        const service = new DeclaredUserService(definition.name, definition.users(config), config, http);
        return new TracedUserService(service, http.baseUrl);
      }),
    });
    return child;
  }

  // Tenant id → provider name: all that printing the identity shows.
  const summary: Record<string, string> = {};
  for (const [tenant, tenantConfig] of tenantConfigs) summary[tenant] = tenantConfig.provider;
  Object.freeze(summary);

  const identity: PayrollIdentity & { [inspect.custom]: (depth: number, options: object) => string } = {
    tenants: tenantIds,
    container: root,
    forTenant(tenant: string): UserService {
      const cached = services.get(tenant);
      if (cached) return cached;
      if (closed) throw ClosedIdentityError.of({ tenant });
      const tenantConfig = tenantConfigs.get(tenant);
      if (!tenantConfig) throw UnknownTenantError.of(tenant, tenantIds);
      const child = buildTenant(tenant, tenantConfig);
      const service = child.resolve(TOKENS.UserService);
      tenantContainers.set(tenant, child);
      services.set(tenant, service);
      return service;
    },
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      services.clear();
      for (const child of tenantContainers.values()) {
        if (child.isRegistered(TOKENS.HttpClient)) child.resolve(TOKENS.HttpClient).close();
        await child.dispose();
      }
      tenantContainers.clear();
      await root.dispose();
    },
    toJSON() {
      return { tenants: { ...summary }, closed };
    },
    [inspect.custom](_depth: number, options: object) {
      return `PayrollIdentity ${inspect(identity.toJSON(), { ...options, depth: 2 })}`;
    },
  };
  root.register(TOKENS.PayrollIdentity, { useValue: identity });
  return identity;
}

/** Registers an identity in a host's own tsyringe container under `TOKENS.PayrollIdentity`. */
export function registerPayrollIdentity(host: DependencyContainer, identity: PayrollIdentity): void {
  host.register(TOKENS.PayrollIdentity, { useValue: identity });
}

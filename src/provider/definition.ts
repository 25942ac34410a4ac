/**
 * What a provider folder hands to the core: a {@link ProviderDefinition}, made with
 * {@link defineProvider}. Adding a built-in provider is one folder under `providers/` that exports
 * one, plus one line in the library's provider list.
 */
import type { z } from 'zod';
import { type ConfigurationProblem, InvalidConfigurationError } from '../errors.js';
import type { CircuitBreakerOptions } from '../http/circuit.js';
import type { AuthStrategy } from '../http/client.js';
import type { DescribeError } from '../http/errors.js';
import type { RetryOptions } from '../http/retry-policy.js';
import type { Secret } from '../http/secret.js';
import type { SandboxEmulator } from '../sandbox/types.js';
import type { UsersDeclaration } from './declaration.js';
import type { WebhooksDeclaration } from './webhooks.js';

/** Which of the provider's base URLs a tenant uses. */
export type Environment = 'sandbox' | 'production';
/** What happens to a field the provider cannot store: dropped and named in `ignoredFields`, or `invalid_input`. */
export type UnsupportedFieldsPolicy = 'drop' | 'reject';

/** A tenant's `webhooks` settings, after validation: every value held as a `Secret`. */
export interface TenantWebhooksConfig {
  /**
   * The secrets a delivery's signature is checked against, in order (several during a rotation, at
   * most 5); the first is the one a new subscription is given.
   */
  readonly secret: readonly Secret[];
  /** The key encrypted deliveries are decrypted with (base64 of 32 bytes), when the tenant uses encryption. */
  readonly encryptionKey?: Secret;
}

/** Tenant settings every provider shares, after validation and defaults. */
export interface BaseTenantConfig {
  /** The tenant's id (its key under `tenants`). */
  tenant: string;
  /** The provider's name (`'argyle'`, `'teal'`). */
  provider: string;
  /** Which of the provider's base URLs to use. */
  environment: Environment;
  /** Overrides the provider's base URL for the environment (https, or http on loopback). */
  baseUrl?: string;
  /** What happens to a field the provider cannot store. */
  unsupportedFields: UnsupportedFieldsPolicy;
  /** Deadline of one call, in milliseconds. */
  timeoutMs: number;
  /** Largest response body accepted, in bytes. */
  maxResponseBytes: number;
  /** Retry policy (defaults applied by the configuration schema). */
  retry?: RetryOptions;
  /** Circuit breaker (defaults applied by the configuration schema). */
  circuitBreaker?: CircuitBreakerOptions;
  /** Webhook secrets and encryption key, when the tenant receives the provider's webhooks. */
  webhooks?: TenantWebhooksConfig;
  /**
   * The provider's credentials, validated by its `tenantShape` (each provider narrows the type). The
   * built-in providers hold each value as a `Secret` (printed `[REDACTED]`), which only their auth
   * strategy reveals.
   */
  credentials: unknown;
}

/**
 * The tenant configuration a provider's `tenantShape` describes: the shared settings, with the
 * provider's own fields (its `credentials` included) as the shape validates them. Inferred, so the
 * type can never drift from the schema.
 */
export type TenantConfigOf<S extends z.ZodRawShape> = BaseTenantConfig & z.output<z.ZodObject<S>>;

/**
 * Everything the core needs from a provider; a provider folder exports one, made with
 * {@link defineProvider}. Register it in the library's provider list, or pass it in
 * `PayrollIdentityConfig.providers`.
 */
export interface ProviderDefinition<TConfig extends BaseTenantConfig = BaseTenantConfig> {
  /** The value of `provider` in a tenant's configuration. */
  readonly name: string;
  /** Documentation link shown in configuration errors. */
  readonly docsUrl?: string;
  /**
   * The provider's own tenant fields, `credentials` included, as a zod shape; merged with the
   * shared fields into the tenant schema (a discriminated union on `provider`).
   */
  readonly tenantShape: z.core.$ZodLooseShape;
  /** The provider's base URL per environment (host only, or with a path prefix the paths expect). */
  readonly baseUrls: Readonly<Record<Environment, string>>;
  /**
   * Optional: what a tenant's `baseUrl` override stands for, when the provider's documents write
   * base URLs in a form its paths do not expect (a base URL ending in `/v2` while every path already
   * starts with `/v2/`). Returns the base URL to use, or a problem (without the value) that makes
   * the configuration invalid. Never called for the provider's own `baseUrls`.
   */
  baseUrlOverride?(
    baseUrl: string,
    config: TConfig,
  ):
    | {
        /** The base URL to use. */
        baseUrl: string;
      }
    | {
        /** Why the override is not valid, without the value. */
        problem: string;
      };
  /** Reads the provider's error bodies: messages, and field errors under neutral names. */
  readonly describeError: DescribeError;
  /**
   * The tenant's auth strategy: headers for each request, secrets to redact. The only reader of the
   * credentials; keep the values in its closure so that printing it shows none.
   */
  auth(config: TConfig): AuthStrategy;
  /**
   * The tenant's users API: stored fields, options, and per operation the endpoint, its schemas and
   * mappers (once per tenant). The core builds the `UserService` from it; its `capabilities` are
   * derived from it. May throw `InvalidConfigurationError` for settings the API cannot honour.
   */
  users(config: TConfig): UsersDeclaration;
  /**
   * Optional: the tenant's webhooks (signature, encryption, payload, neutral reading, subscription
   * API), once per tenant. Without it, a tenant of this provider cannot configure `webhooks`.
   */
  webhooks?(config: TConfig): WebhooksDeclaration;
  /**
   * The provider's local emulator for `startSandbox` (`payroll-identity/sandbox`). Loaded lazily so
   * importing the library never loads the HTTP server.
   */
  readonly sandbox?: () => Promise<SandboxEmulator>;
}

/** What {@link defineProvider} takes: a definition whose configuration type is its `tenantShape`'s. */
export type ProviderDeclaration<S extends z.ZodRawShape> = Omit<
  ProviderDefinition<TenantConfigOf<S>>,
  'tenantShape'
> & {
  /** The provider's own tenant fields, `credentials` included, as a zod shape (see `ProviderDefinition.tenantShape`). */
  readonly tenantShape: S;
};

/**
 * Declares a provider: returns `definition` as is, typed with the tenant configuration its
 * `tenantShape` describes.
 *
 * @example
 * ```ts
 * export const acmePayProvider = defineProvider({
 *   name: 'acmepay',
 *   tenantShape: { credentials: z.strictObject({ apiKey: secretField('apiKey') }) },
 *   baseUrls: { sandbox: 'https://sandbox.acmepay.example', production: 'https://api.acmepay.example' },
 *   describeError: describeAcmePayError,
 *   auth: (config) => acmePayAuth(config.credentials),
 *   users: () => acmePayUsers,
 * });
 * ```
 */
export function defineProvider<S extends z.ZodRawShape>(
  definition: ProviderDeclaration<S>,
): ProviderDefinition<TenantConfigOf<S>> {
  return definition;
}

/** The base URL a tenant's override stands for (see `ProviderDefinition.baseUrlOverride`), or a problem. */
function overriddenBaseUrl(
  definition: ProviderDefinition,
  config: BaseTenantConfig & { baseUrl: string },
): { baseUrl: string } | { problem: string } {
  return definition.baseUrlOverride?.(config.baseUrl, config) ?? { baseUrl: config.baseUrl };
}

/**
 * The base URL a tenant talks to: its override (as the provider reads it), or the provider's for its
 * environment. An override the provider refuses is `invalid_configuration` (normally caught earlier,
 * by {@link checkBaseUrls}).
 */
export function resolveBaseUrl(definition: ProviderDefinition, config: BaseTenantConfig): string {
  if (config.baseUrl === undefined) return definition.baseUrls[config.environment];
  const resolved = overriddenBaseUrl(definition, { ...config, baseUrl: config.baseUrl });
  if ('problem' in resolved) {
    throw InvalidConfigurationError.of([
      { tenant: config.tenant, field: 'baseUrl', reason: resolved.problem },
    ]);
  }
  return resolved.baseUrl;
}

/**
 * Every tenant's `baseUrl` override checked by its provider at once, so that a refused one fails
 * when the configuration is loaded (one error listing every tenant's problem), not at first use.
 */
export function checkBaseUrls(
  definitions: ReadonlyMap<string, ProviderDefinition>,
  tenants: ReadonlyMap<string, BaseTenantConfig>,
): void {
  const problems: ConfigurationProblem[] = [];
  for (const config of tenants.values()) {
    const definition = definitions.get(config.provider);
    if (definition === undefined || config.baseUrl === undefined) continue;
    const resolved = overriddenBaseUrl(definition, { ...config, baseUrl: config.baseUrl });
    if ('problem' in resolved)
      problems.push({ tenant: config.tenant, field: 'baseUrl', reason: resolved.problem });
  }
  if (problems.length > 0) throw InvalidConfigurationError.of(problems);
}

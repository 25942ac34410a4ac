/**
 * What a provider folder hands to the core: a {@link ProviderDefinition}. Adding a provider is one
 * folder under `providers/` that exports one of these, plus one line in `src/providers.ts`.
 */
import type { z } from 'zod';
import type { CircuitBreakerOptions } from './http/circuit.js';
import type { AuthStrategy, HttpClient } from './http/client.js';
import type { DescribeError } from './http/errors.js';
import type { RetryOptions } from './http/retry-policy.js';
import type { SandboxEmulator } from './sandbox/types.js';
import type { Capabilities, UserService } from './user-service.js';

export type Environment = 'sandbox' | 'production';
export type UnsupportedFieldsPolicy = 'drop' | 'reject';

/** Tenant settings every provider shares, after validation and defaults. */
export interface BaseTenantConfig {
  /** The tenant's id (its key under `tenants`). */
  tenant: string;
  provider: string;
  environment: Environment;
  /** Overrides the provider's base URL for the environment (https, or http on loopback). */
  baseUrl?: string;
  unsupportedFields: UnsupportedFieldsPolicy;
  /** Deadline of one call, in milliseconds. */
  timeoutMs: number;
  /** Largest response body accepted, in bytes. */
  maxResponseBytes: number;
  /** Retry policy (defaults applied by the configuration schema). */
  retry?: RetryOptions;
  /** Circuit breaker (defaults applied by the configuration schema). */
  circuitBreaker?: CircuitBreakerOptions;
  credentials: unknown;
}

/** Everything an adapter is built from, resolved from the tenant's child container. */
export interface ProviderContext<TConfig extends BaseTenantConfig = BaseTenantConfig> {
  tenant: string;
  config: TConfig;
  http: HttpClient;
}

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
  readonly baseUrls: Readonly<Record<Environment, string>>;
  readonly describeError: DescribeError;
  capabilities(config: TConfig): Capabilities;
  auth(config: TConfig): AuthStrategy;
  createService(context: ProviderContext<TConfig>): UserService;
  /**
   * The provider's local emulator for `startSandbox` (`payroll-identity/sandbox`). Loaded lazily so
   * importing the library never loads the HTTP server.
   */
  readonly sandbox?: () => Promise<SandboxEmulator>;
}

/** Identity helper that keeps the tenant config type of a definition. */
export function defineProvider<TConfig extends BaseTenantConfig>(
  definition: ProviderDefinition<TConfig>,
): ProviderDefinition<TConfig> {
  return definition;
}

/** The base URL a tenant talks to: its override, or the provider's for its environment. */
export function resolveBaseUrl(definition: ProviderDefinition, config: BaseTenantConfig): string {
  return config.baseUrl ?? definition.baseUrls[config.environment];
}

/**
 * Injection tokens (Symbols, no decorators). A host that uses tsyringe can resolve
 * these from the containers the library creates, or register the whole identity with
 * `registerPayrollIdentity`.
 */
import type { InjectionToken } from 'tsyringe';
import type { HttpClient } from '../http/client.js';
import type { RequestHooks } from '../observe/events.js';
import type { Logger } from '../observe/logger.js';
import type { BaseTenantConfig, ProviderDefinition } from '../provider/definition.js';
import type { UserService } from '../user-service.js';
import type { PayrollIdentity } from './identity.js';

/**
 * The library's tsyringe injection tokens (Symbols).
 *
 * @example
 * ```ts
 * const identity = createPayrollIdentity(config);
 * const same = identity.container.resolve(TOKENS.PayrollIdentity); // === identity
 * registerPayrollIdentity(myContainer, identity);                   // then: myContainer.resolve(TOKENS.PayrollIdentity)
 * ```
 */
export const TOKENS = {
  /** The provider registry (root container). */
  ProviderRegistry: Symbol('payroll-identity.ProviderRegistry') as InjectionToken<
    ReadonlyMap<string, ProviderDefinition>
  >,
  /** Every validated tenant configuration (root container). */
  TenantConfigs: Symbol('payroll-identity.TenantConfigs') as InjectionToken<
    ReadonlyMap<string, BaseTenantConfig>
  >,
  /** The host's logger, when it gave one (root container). */
  Logger: Symbol('payroll-identity.Logger') as InjectionToken<Logger>,
  /** The host's request event hooks (root container; `{}` when none). */
  RequestHooks: Symbol('payroll-identity.RequestHooks') as InjectionToken<RequestHooks>,
  /** This tenant's validated configuration (tenant container). */
  TenantConfig: Symbol('payroll-identity.TenantConfig') as InjectionToken<BaseTenantConfig>,
  /** This tenant's provider definition (tenant container). */
  Provider: Symbol('payroll-identity.Provider') as InjectionToken<ProviderDefinition>,
  /** This tenant's HTTP client (tenant container, one per tenant). */
  HttpClient: Symbol('payroll-identity.HttpClient') as InjectionToken<HttpClient>,
  /** This tenant's adapter (tenant container, one per tenant). */
  UserService: Symbol('payroll-identity.UserService') as InjectionToken<UserService>,
  /** The identity itself, for hosts that register it in their own container. */
  PayrollIdentity: Symbol('payroll-identity.PayrollIdentity') as InjectionToken<PayrollIdentity>,
} as const;

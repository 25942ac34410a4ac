/**
 * payroll-identity: one provider-neutral `UserService` per tenant, whichever payroll-connectivity
 * provider (Argyle, Teal) the tenant's configuration names.
 *
 * This module is the composition root: the only part of `src/` that knows the built-in providers.
 */
import {
  createPayrollIdentityWith,
  type PayrollIdentity,
  type PayrollIdentityConfig,
} from './container/identity.js';
import { BUILT_IN_PROVIDERS } from './providers.js';

/**
 * Validates the configuration (every problem reported at once) and returns the identity whose
 * `forTenant(id)` hands out each tenant's `UserService`.
 *
 * @example
 * ```ts
 * const identity = createPayrollIdentity(loadConfigFile('tenants.yaml'));
 * const users = identity.forTenant('acme-us');
 * const { user, linkToken } = await users.createUser({ firstName: 'Jane', lastName: 'Doe' });
 * ```
 */
export function createPayrollIdentity(config: PayrollIdentityConfig): PayrollIdentity {
  return createPayrollIdentityWith(config, BUILT_IN_PROVIDERS);
}

export {
  type AdapterContext,
  adapterContext,
  checkUserId,
  enforceUnsupportedPolicy,
  type FieldSelection,
  requireFields,
  selectFields,
  sensitiveValues,
  unsupportedOperation,
} from './adapter.js';
export { type LoadConfigOptions, loadConfigFile } from './config/load.js';
export {
  DEFAULT_MAX_RESPONSE_BYTES,
  DEFAULT_TIMEOUT_MS,
  secretString,
  sharedTenantShape,
} from './config/schema.js';
export {
  type PayrollIdentity,
  type PayrollIdentityConfig,
  registerPayrollIdentity,
  type TenantConfigInput,
} from './container/identity.js';
export { TOKENS } from './container/tokens.js';
export * from './errors.js';
export { type CircuitBreakerOptions, DEFAULT_CIRCUIT_BREAKER } from './http/circuit.js';
export {
  type AuthStrategy,
  HttpClient,
  type HttpClientOptions,
  type HttpMethod,
  type HttpResult,
  type RequestSpec,
} from './http/client.js';
export type { DescribeError, ErrorDescription } from './http/errors.js';
export { parseRetryAfter } from './http/retry-after.js';
export { DEFAULT_RETRY, type RetryOptions } from './http/retry-policy.js';
export type { Transport } from './http/transport.js';
export type {
  CircuitEvent,
  CircuitState,
  OutcomeEvent,
  RequestEndEvent,
  RequestEventBase,
  RequestHooks,
  RequestStartEvent,
  RetryEvent,
} from './observe/events.js';
export { type LogFn, type Logger, silentLogger } from './observe/logger.js';
export {
  type BaseTenantConfig,
  defineProvider,
  type Environment,
  type ProviderContext,
  type ProviderDefinition,
  type UnsupportedFieldsPolicy,
} from './provider/definition.js';
export { BUILT_IN_PROVIDERS } from './providers.js';
export { REDACTED, Redactor, redactPatterns } from './redact.js';
export * from './user.js';
export { ALL_OPERATIONS, type CallOptions, type Capabilities, type UserService } from './user-service.js';
export { parseInput } from './validation.js';

/**
 * payroll-identity: one provider-neutral `UserService` per tenant, whichever payroll-connectivity
 * provider (Argyle, Teal) the tenant's configuration names.
 *
 * This entry is the consumer's API: building the identity, loading configuration, the errors and
 * the types of what the services take and return. Writing a provider is `payroll-identity/provider`;
 * the emulators are `payroll-identity/sandbox`; the contract suite is `payroll-identity/testing`.
 *
 * This module is also the composition root: the only part of `src/` that knows the built-in providers.
 *
 * @module
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

export type { LoadConfigOptions } from './config/load.js';
export { loadConfigFile } from './config/load.js';
export { type ConfigWatcher, type WatchConfigOptions, watchConfigFile } from './config/watch.js';
export {
  type PayrollIdentity,
  type PayrollIdentityConfig,
  registerPayrollIdentity,
  type TenantConfigInput,
} from './container/identity.js';
export type {
  TenantListFilter,
  TenantUserService,
  UserIdOrRef,
  UserRef,
} from './container/tenant-handle.js';
export { TOKENS } from './container/tokens.js';
export {
  AbortedError,
  AuthenticationFailedError,
  type CallOperation,
  ClosedIdentityError,
  type ConfigurationProblem,
  ConflictError,
  type ErrorClassByCode,
  type ErrorCode,
  type ErrorContext,
  type FieldErrors,
  InvalidConfigurationError,
  InvalidInputError,
  InvalidWebhookError,
  isPayrollIdentityError,
  MAX_RETRY_AFTER_MS,
  NetworkError,
  NotFoundError,
  type Operation,
  OutcomeUnknownError,
  PayrollIdentityError,
  type PayrollIdentityErrorConstructor,
  ProviderUnavailableError,
  RateLimitedError,
  type ReconciliationHint,
  SanitizedCause,
  TimeoutError,
  UnexpectedResponseError,
  UnknownTenantError,
  UnsupportedOperationError,
  type WebhookFailureReason,
  type WebhookOperation,
} from './errors.js';
export type { CircuitBreakerOptions } from './http/circuit.js';
export type { RetryOptions } from './http/retry-policy.js';
export type { Transport } from './http/transport.js';
export type {
  CircuitEvent,
  CircuitState,
  ConfigurationChangeEvent,
  OutcomeEvent,
  RequestEndEvent,
  RequestEventBase,
  RequestHooks,
  RequestStartEvent,
  RetryEvent,
} from './observe/events.js';
export { type LogFn, type Logger, silentLogger } from './observe/logger.js';
export type { Environment, UnsupportedFieldsPolicy } from './provider/definition.js';
export type {
  Address,
  CreatedUser,
  CreateUserInput,
  JsonValue,
  LinkToken,
  ListUsersFilter,
  NationalId,
  ProfileField,
  ProviderOptions,
  UpdatedUser,
  UpdateUserInput,
  User,
  UserConnections,
  ValidCreateUserInput,
  ValidUpdateUserInput,
} from './user.js';
export type { CallOptions, Capabilities, UserService } from './user-service.js';
export type {
  ParseWebhookInput,
  SubscribeWebhookInput,
  TenantWebhooks,
  WebhookEvent,
  WebhookEventKind,
  WebhookEventType,
  WebhookHeaders,
  WebhookSubscription,
} from './webhooks/types.js';

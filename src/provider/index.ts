/**
 * `payroll-identity/provider`: everything a provider author needs to declare a provider, and the only
 * part of the library a provider folder imports (the built-in providers included: a test fails when
 * one of them imports anything else).
 *
 * @module
 */
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
} from '../adapter.js';
export { checkAnsweredId, sameUserId } from '../answered-id.js';
export {
  DEFAULT_MAX_RESPONSE_BYTES,
  DEFAULT_TIMEOUT_MS,
  secretString,
  sharedTenantShape,
} from '../config/schema.js';
export * from '../errors.js';
export { type CircuitBreakerOptions, DEFAULT_CIRCUIT_BREAKER } from '../http/circuit.js';
export type {
  AuthStrategy,
  HttpClient,
  HttpClientOptions,
  HttpMethod,
  HttpResult,
  RequestSpec,
} from '../http/client.js';
export type { DescribeError, ErrorDescription } from '../http/errors.js';
export { parseRetryAfter } from '../http/retry-after.js';
export { DEFAULT_RETRY, type RetryOptions } from '../http/retry-policy.js';
export { Secret, secretField } from '../http/secret.js';
export type { Transport } from '../http/transport.js';
export { ListingGuard } from '../listing-guard.js';
export { REDACTED, Redactor, redactPatterns } from '../redact.js';
export * from '../user.js';
export { ALL_OPERATIONS, type CallOptions, type Capabilities, type UserService } from '../user-service.js';
export { fieldErrorsFrom, parseInput, pathList, readingInput } from '../validation.js';
export {
  type BaseTenantConfig,
  defineProvider,
  type Environment,
  type ProviderContext,
  type ProviderDefinition,
  type UnsupportedFieldsPolicy,
} from './definition.js';

/**
 * `payroll-identity/provider`: everything a provider author needs to declare a provider, and the only
 * part of the library a provider folder imports (the built-in providers included: a test fails when
 * one of them imports anything else).
 *
 * A provider is a {@link defineProvider} call: its tenant shape (the configuration type is inferred
 * from it), auth, base URLs, error reader and, per tenant, a {@link UsersDeclaration} of its users
 * API. The core builds the `UserService` from that declaration.
 *
 * @module
 */
export { checkAnsweredId, sameUserId } from '../answered-id.js';
export { secretString } from '../config/schema.js';
export { COUNTRY_CODES } from '../countries.js';
export * from '../errors.js';
export type {
  AuthStrategy,
  HttpClient,
  HttpMethod,
  HttpResult,
  RequestSpec,
} from '../http/client.js';
export { type DescribeError, type ErrorDescription, MAX_RAW_MESSAGE_LENGTH } from '../http/errors.js';
export { Secret, secretField } from '../http/secret.js';
export { FORBIDDEN_KEYS, type JsonLimits, jsonProblem, MAX_LENGTH } from '../input-limits.js';
export * from '../user.js';
export type { CallOptions, Capabilities, UserListing, UserPage, UserService } from '../user-service.js';
export { fastSchema, fieldErrorsFrom, parseInput, pathList, safeKey } from '../validation.js';
export type * from './declaration.js';
export {
  type BaseTenantConfig,
  defineProvider,
  type Environment,
  type ProviderDeclaration,
  type ProviderDefinition,
  type TenantConfigOf,
  type TenantWebhooksConfig,
  type UnsupportedFieldsPolicy,
} from './definition.js';
export {
  checkRequired,
  enforceUnsupportedPolicy,
  type FieldSelection,
  parseWithOptions,
  refuseClears,
  requireFields,
  selectStored,
} from './fields.js';
export { capabilitiesOf, sensitiveValues } from './service.js';
export {
  type ProviderWebhookEvent,
  type ProviderWebhookSubscription,
  WEBHOOK_EVENT_TYPES,
  type WebhookContext,
  type WebhookEncryptionDeclaration,
  type WebhookEventKind,
  type WebhookEventType,
  type WebhookSignatureDeclaration,
  type WebhookSubscriptionPage,
  type WebhookSubscriptionRequest,
  type WebhookSubscriptionsDeclaration,
  type WebhooksDeclaration,
} from './webhooks.js';

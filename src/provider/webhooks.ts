/**
 * What a provider declares about its webhooks: how a delivery is signed (and, optionally,
 * encrypted), the shape of its JSON, how it reads as a neutral event, and the provider's
 * subscription API. The core (`src/webhooks/`) owns everything else: finding the provider from the
 * signature header, bounding the body, constant-time verification against each configured secret,
 * AES-256-GCM decryption, JSON parsing, the event's id, the subscription calls through the tenant's
 * HTTP client, and every error (`invalid_webhook`, never quoting the delivery).
 *
 * Like the users declaration, a provider's functions here take `unknown` where the value is its own
 * wire data, already validated with the schema the same declaration names.
 */
import type { z } from 'zod';
import type { WebhookOperation } from '../errors.js';
import type { EndpointDeclaration, Query } from './declaration.js';

/** The neutral webhook event types, in a fixed order. */
export const WEBHOOK_EVENT_TYPES = [
  'user.account_added',
  'user.account_connected',
  'user.account_failed',
  'user.fully_synced',
  'user.payroll_submitted',
] as const;

/**
 * A neutral webhook event type: the applicant started connecting an account
 * (`user.account_added`), the connection succeeded (`user.account_connected`) or failed
 * (`user.account_failed`), all of the user's data was retrieved (`user.fully_synced`), new payroll
 * data was submitted (`user.payroll_submitted`).
 */
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** An event's `type`: a neutral type, or `'provider_event'` for any event the library does not map. */
export type WebhookEventKind = WebhookEventType | 'provider_event';

/** Who is handling which webhook call: what a provider's webhook functions are given. */
export interface WebhookContext {
  /** The provider's name. */
  provider: string;
  /** The tenant id. */
  tenant: string;
  /** The webhook operation. */
  operation: WebhookOperation;
}

/** How a delivery is signed: an HMAC of the raw body (as received) with the subscription's secret. */
export interface WebhookSignatureDeclaration {
  /** The header carrying the signature (`X-Argyle-Signature`); read case-insensitively. */
  readonly header: string;
  /** The HMAC's hash function. */
  readonly algorithm: 'sha256' | 'sha512';
  /** How the header writes the HMAC (hex is read in either case). */
  readonly encoding: 'hex' | 'base64';
}

/**
 * How an encrypted delivery is carried (used when the tenant configures `webhooks.encryptionKey`):
 * the body is the base64 of the AES-256-GCM ciphertext followed by its tag, the IV (base64) is in a
 * header, and the signature covers the encrypted body as received.
 */
export interface WebhookEncryptionDeclaration {
  /** The cipher (the only one supported). */
  readonly algorithm: 'aes-256-gcm';
  /** The header carrying the IV, base64 (`X-Teal-Encryption-IV`); read case-insensitively. */
  readonly ivHeader: string;
}

/** What a provider reads from one validated delivery. */
export interface ProviderWebhookEvent {
  /** The neutral type, or `'provider_event'` when the provider's event has none. */
  readonly type: WebhookEventKind;
  /** The provider's own event name (`accounts.connected`, `user-payroll-submitted`). */
  readonly providerEvent: string;
  /** The provider's id of the user the event is about. */
  readonly userId?: string;
  /** The provider's id of the payroll account the event is about. */
  readonly accountId?: string;
  /** When the event happened, as the provider wrote it (ISO 8601), when the delivery says. */
  readonly occurredAt?: string;
}

/** What a subscription request carries, in the provider's event names. */
export interface WebhookSubscriptionRequest {
  /** Where the provider delivers (already checked: https, or http on loopback). */
  readonly url: string;
  /** The provider's event names to subscribe to (already mapped from the neutral types). */
  readonly events: readonly string[];
  /** The subscription's name. */
  readonly name: string;
  /** The secret the provider signs deliveries with: the tenant's first `webhooks.secret`. */
  readonly secret: string;
  /** The tenant's `webhooks.encryptionKey` (base64 of 32 bytes), for a provider that encrypts. */
  readonly encryptionKey?: string;
}

/** One subscription as the provider's answer describes it (never its secret). */
export interface ProviderWebhookSubscription {
  /** The provider's id of the subscription. */
  readonly id: string;
  /** Where it delivers. */
  readonly url: string;
  /** The provider's event names it covers. */
  readonly events: readonly string[];
  /** Its name, when the answer gives one. */
  readonly name?: string;
}

/** One page of the provider's list of subscriptions. */
export interface WebhookSubscriptionPage {
  /** The page's subscriptions. */
  readonly subscriptions: readonly ProviderWebhookSubscription[];
  /** What the next page's query is built from (a cursor, an offset); absent on the last page. */
  readonly next?: string;
}

/** The provider's subscription API. */
export interface WebhookSubscriptionsDeclaration {
  /** The provider's event name for each neutral type it supports (the others are refused). */
  readonly events: Readonly<Partial<Record<WebhookEventType, string>>>;
  /** A provider event name that stands for every event in a listed subscription (Argyle's `*`). */
  readonly wildcard?: string;
  /** Creating a subscription. */
  readonly create: EndpointDeclaration & {
    /** Path below the base URL. */
    readonly path: string;
    /** Schema of the success answer (leave the secret out: it is never read). */
    readonly response: z.ZodType;
    /** The request body. */
    body(request: WebhookSubscriptionRequest, context: WebhookContext): unknown;
    /** The subscription the answer describes. */
    result(
      answer: unknown,
      request: WebhookSubscriptionRequest,
      context: WebhookContext,
    ): ProviderWebhookSubscription;
  };
  /** Listing the subscriptions, page by page. */
  readonly list: EndpointDeclaration & {
    /** Path below the base URL. */
    readonly path: string;
    /** Schema of one page's answer. */
    readonly response: z.ZodType;
    /** The query of one page: `next` is absent on the first, then the previous page's `next`. */
    query(next: string | undefined): Query;
    /** The page's subscriptions and what leads to the next page (`next`: what this page was asked with). */
    read(answer: unknown, context: WebhookContext, next: string | undefined): WebhookSubscriptionPage;
  };
  /** Deleting one subscription. */
  readonly delete: EndpointDeclaration & {
    /** Path of one subscription; `id` is already checked and percent-encoded. */
    path(id: string): string;
  };
}

/** A provider's webhooks: verification, reading, and (optionally) its subscription API. */
export interface WebhooksDeclaration {
  /** How deliveries are signed. */
  readonly signature: WebhookSignatureDeclaration;
  /** How deliveries are encrypted, when the provider can encrypt them. */
  readonly encryption?: WebhookEncryptionDeclaration;
  /** Schema of a delivery's JSON (unknown event names must pass: they become `provider_event`). */
  readonly payload: z.ZodType;
  /** The neutral reading of a validated delivery. */
  toEvent(payload: unknown): ProviderWebhookEvent;
  /** The provider's subscription API, when it has one. */
  readonly subscriptions?: WebhookSubscriptionsDeclaration;
}

/**
 * The webhook types a consumer names: what `identity.parseWebhook` takes and returns, and the
 * subscriptions a tenant's `users.webhooks` manages. docs/webhooks.md explains each.
 */
import type { WebhookEventKind, WebhookEventType } from '../provider/webhooks.js';
import type { CallOptions } from '../user-service.js';

export type { WebhookEventKind, WebhookEventType };

/** The largest delivery body `parseWebhook` reads (1 MiB): a longer one is refused before anything else. */
export const MAX_WEBHOOK_BODY_BYTES = 1024 * 1024;

/**
 * A delivery's headers: Node's `IncomingHttpHeaders` (or any record of a name to a value, a list of
 * values or `undefined`), or a fetch `Headers` object. Names are read case-insensitively.
 */
export type WebhookHeaders = Headers | Readonly<Record<string, string | readonly string[] | undefined>>;

/** What `parseWebhook` takes. */
export interface ParseWebhookInput {
  /** The tenant the delivery was sent for (your route decides: one URL per tenant, a path segment…). */
  tenant: string;
  /** The delivery's headers (its signature, and the IV of an encrypted one). */
  headers: WebhookHeaders;
  /**
   * The body exactly as received: the raw bytes (a `Buffer`, a `Uint8Array`, an `ArrayBuffer`) or
   * the same bytes as a UTF-8 string. Never a parsed JSON object: the signature covers the bytes.
   */
  body: string | Uint8Array | ArrayBuffer;
}

/**
 * A verified delivery, in neutral terms. `payload` is the provider's delivery as it sent it (with
 * personal data when the subscription includes resources): it is not enumerable, so printing the
 * event, `JSON.stringify` or a spread leaves it out; read it as `event.payload`.
 */
export interface WebhookEvent {
  /**
   * The same for the same delivery (a hash of the provider's name and the delivery's body,
   * decrypted when it was encrypted): providers deliver at least once, so de-duplicate by it.
   */
  readonly id: string;
  /** The neutral type, or `'provider_event'` for an event the library does not map (never an error). */
  readonly type: WebhookEventKind;
  /** The provider that sent it (the tenant's current provider or a retained one). */
  readonly provider: string;
  /** The tenant id it was parsed for. */
  readonly tenant: string;
  /** The provider's id of the user it is about, when it says. */
  readonly userId?: string;
  /** The provider's id of the payroll account it is about, when it says. */
  readonly accountId?: string;
  /** When it happened, as the provider wrote it (ISO 8601), when the delivery says. */
  readonly occurredAt?: string;
  /** The provider's own event name (`accounts.connected`, `user-payroll-submitted`). */
  readonly providerEvent: string;
  /** The delivery's JSON as the provider sent it (not enumerable: see above). */
  readonly payload: Readonly<Record<string, unknown>>;
}

/** What `users.webhooks.subscribe` takes. */
export interface SubscribeWebhookInput {
  /** Where the provider delivers: https (http only on loopback, for the sandbox). */
  url: string;
  /** The neutral event types to receive; default: every type the provider supports. */
  events?: readonly WebhookEventType[];
  /** The subscription's name at the provider; default `payroll-identity-<tenant>`. */
  name?: string;
}

/** One of the provider's webhook subscriptions, in neutral terms (never its secret). */
export interface WebhookSubscription {
  /** The provider's id of the subscription (what `unsubscribe` takes). */
  readonly id: string;
  /** The provider holding it. */
  readonly provider: string;
  /** Where it delivers. */
  readonly url: string;
  /** The neutral types it covers (of the provider's events that have one). */
  readonly events: readonly WebhookEventType[];
  /** The provider's event names it covers, as the provider lists them. */
  readonly providerEvents: readonly string[];
  /** Its name, when the provider gives one. */
  readonly name?: string;
}

/**
 * A tenant's webhook subscriptions at its current provider: `users.webhooks`. Each call goes
 * through the tenant's HTTP client (its credentials, deadline, retries and circuit breaker) and
 * rejects with a `PayrollIdentityError`.
 */
export interface TenantWebhooks {
  /** The neutral event types the tenant's current provider delivers (and `subscribe` accepts). */
  readonly events: readonly WebhookEventType[];
  /**
   * Subscribes `url` to `events` (default: all the provider supports), giving the provider the
   * tenant's first `webhooks.secret` (and, for a provider that encrypts, its `encryptionKey`).
   * `invalid_configuration` when the tenant has no `webhooks.secret`; `invalid_input` for a URL that
   * is not https (or http on loopback), or an event type the provider does not deliver.
   */
  subscribe(input: SubscribeWebhookInput, options?: CallOptions): Promise<WebhookSubscription>;
  /** Every subscription the provider lists for the tenant's credentials. */
  list(options?: CallOptions): Promise<WebhookSubscription[]>;
  /** Deletes a subscription by its id. */
  unsubscribe(id: string, options?: CallOptions): Promise<void>;
}

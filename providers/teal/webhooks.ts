/**
 * Teal's webhooks, declared for the core (https://docs.goteal.co/api-reference/webhooks):
 * - each delivery is signed in `X-Teal-Signature`: the lower-case hex HMAC-SHA512 of the raw body
 *   with the subscription's `signing_secret`;
 * - with an `encryption_key` (the base64 of 32 bytes), the body is AES-256-GCM encrypted ("first
 *   encrypted and then signed": the signature covers the encrypted body): the body is the base64 of
 *   the ciphertext followed by the 16-byte tag, the IV (base64) is in `X-Teal-Encryption-IV`;
 * - a delivery is `{"event": "user-payroll-submitted", "user_id": …, "timestamp": …}`, plus
 *   `entry_id`, `account_id` (null for an uploaded payslip) and `payload` when the subscription
 *   sets `include_payload`. `user-payroll-submitted` is the only event Teal delivers; any other
 *   name reads as `provider_event`;
 * - subscriptions: `POST /webhooks {events, name, url, signing_secret, encryption_key?}` → 201
 *   `CreatedWebhook {webhook_id, …}`, `GET /webhooks?offset=&limit=` → `{pagination, webhooks}`,
 *   `DELETE /webhooks/{webhook_id}` → 204 (Teal's OpenAPI, `Webhook` and `CreatedWebhook`). The
 *   library subscribes without `config.include_payload`: deliveries carry ids, not payroll data.
 */
import { z } from 'zod';
import type {
  ProviderWebhookEvent,
  ProviderWebhookSubscription,
  WebhookEventType,
  WebhookSubscriptionPage,
  WebhookSubscriptionRequest,
  WebhooksDeclaration,
} from '../../src/provider/index.js';

/** Teal's event name for each neutral type it delivers. */
export const TEAL_WEBHOOK_EVENTS = {
  'user.payroll_submitted': 'user-payroll-submitted',
} as const satisfies Partial<Record<WebhookEventType, string>>;

/** `GET /webhooks` serves at most 100 a page (`limit` 1–100). */
const TEAL_WEBHOOK_PAGE_SIZE = 100;

const id = z.string().min(1).max(256);

/** One delivery (decrypted, when it was encrypted). `user-payroll-submitted` must name its user. */
export const TealDeliverySchema = z
  .looseObject({
    event: z.string().min(1).max(256),
    user_id: id.nullish(),
    timestamp: z.string().max(64).nullish(),
    entry_id: id.nullish(),
    account_id: id.nullish(),
    payload: z.unknown().optional(),
  })
  .superRefine((delivery, ctx) => {
    if (
      delivery.event === TEAL_WEBHOOK_EVENTS['user.payroll_submitted'] &&
      typeof delivery.user_id !== 'string'
    ) {
      ctx.addIssue({ code: 'custom', path: ['user_id'], message: 'Required for this event' });
    }
  });
export type TealDelivery = z.output<typeof TealDeliverySchema>;

/** `CreatedWebhook`: `webhook_id` and the `Webhook` fields; the write-only secrets are never read. */
const TealWebhookSchema = z.object({
  webhook_id: id,
  name: z.string().nullish(),
  events: z.array(z.string()),
  url: z.string(),
});
type TealWebhook = z.output<typeof TealWebhookSchema>;

const TealWebhookListSchema = z.looseObject({
  pagination: z
    .looseObject({
      offset: z.number().int().min(0).optional(),
      limit: z.number().int().min(0).optional(),
      count: z.number().int().min(0).optional(),
      total_count: z.number().int().min(0).optional(),
    })
    .optional(),
  webhooks: z.array(TealWebhookSchema),
});
type TealWebhookList = z.output<typeof TealWebhookListSchema>;

function fromTealWebhook(webhook: TealWebhook): ProviderWebhookSubscription {
  return {
    id: webhook.webhook_id,
    url: webhook.url,
    events: webhook.events,
    ...(webhook.name ? { name: webhook.name } : {}),
  };
}

function readEvent(delivery: TealDelivery): ProviderWebhookEvent {
  const known = delivery.event === TEAL_WEBHOOK_EVENTS['user.payroll_submitted'];
  return {
    type: known ? 'user.payroll_submitted' : 'provider_event',
    providerEvent: delivery.event,
    ...(typeof delivery.user_id === 'string' ? { userId: delivery.user_id } : {}),
    ...(typeof delivery.account_id === 'string' ? { accountId: delivery.account_id } : {}),
    ...(typeof delivery.timestamp === 'string' && delivery.timestamp !== ''
      ? { occurredAt: delivery.timestamp }
      : {}),
  };
}

/**
 * The offset of the page after `page`, read at `offset`: the total says when the list ends; without
 * one, a full page may be followed by more, a shorter one is the last.
 */
function nextOffset(page: TealWebhookList, offset: number): string | undefined {
  const after = offset + page.webhooks.length;
  if (page.webhooks.length === 0) return undefined;
  const total = page.pagination?.total_count;
  if (total !== undefined) return after < total ? String(after) : undefined;
  return page.webhooks.length >= TEAL_WEBHOOK_PAGE_SIZE ? String(after) : undefined;
}

/** Teal's webhooks (the same for every tenant). */
export const tealWebhooks: WebhooksDeclaration = {
  signature: { header: 'X-Teal-Signature', algorithm: 'sha512', encoding: 'hex' },
  encryption: { algorithm: 'aes-256-gcm', ivHeader: 'X-Teal-Encryption-IV' },
  payload: TealDeliverySchema,
  toEvent: (payload) => readEvent(payload as TealDelivery),
  subscriptions: {
    events: TEAL_WEBHOOK_EVENTS,
    create: {
      method: 'POST',
      path: '/webhooks',
      response: TealWebhookSchema,
      expectStatus: [200, 201],
      body: (request: WebhookSubscriptionRequest) => ({
        events: request.events,
        name: request.name,
        url: request.url,
        signing_secret: request.secret,
        ...(request.encryptionKey !== undefined ? { encryption_key: request.encryptionKey } : {}),
      }),
      result: (answer) => fromTealWebhook(answer as TealWebhook),
    },
    list: {
      method: 'GET',
      path: '/webhooks',
      response: TealWebhookListSchema,
      // `offset` is zero-based ("default 0") yet documented "minimum 1": the first request leaves it out.
      query: (next) =>
        next === undefined
          ? { limit: TEAL_WEBHOOK_PAGE_SIZE }
          : { offset: next, limit: TEAL_WEBHOOK_PAGE_SIZE },
      read(answer, _context, asked): WebhookSubscriptionPage {
        const page = answer as TealWebhookList;
        // The offset this page was asked for (what Teal says it answered may be absent).
        const offset = asked === undefined ? 0 : Number(asked);
        const next = nextOffset(page, offset);
        const subscriptions = page.webhooks.map(fromTealWebhook);
        return next !== undefined ? { subscriptions, next } : { subscriptions };
      },
    },
    delete: { method: 'DELETE', path: (webhookId) => `/webhooks/${webhookId}` },
  },
};

/**
 * Argyle's webhooks, declared for the core (https://docs.argyle.com/api-guide/webhooks):
 * - each delivery is signed in `X-Argyle-Signature`: the hex HMAC-SHA512 of the raw body with the
 *   subscription's `secret` (https://docs.argyle.com/legacy/api-reference/webhooks, "The key that
 *   will be used to generate HMAC-SHA512 hex digest value in the X-Argyle-Signature header");
 * - a delivery is `{event, name, data: {user, account?, resource?}}`: `accounts.added`,
 *   `accounts.connected`, `accounts.failed` carry `data.account` and `data.user`
 *   (https://docs.argyle.com/api-reference/accounts-webhooks), `users.fully_synced` carries
 *   `data.user` (https://docs.argyle.com/api-reference/users-webhooks); every other event reads as
 *   `provider_event`. Argyle never encrypts deliveries, and they carry no timestamp;
 * - subscriptions: `POST /{v}/webhooks {events, name, url, secret}`, `GET /{v}/webhooks`,
 *   `DELETE /{v}/webhooks/{id}`, on the tenant's API version. The library subscribes without
 *   `config.include_resource`: deliveries carry ids, not the account or user objects.
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
import type { ArgyleTenantConfig } from './config.js';
import { cursorFromNext } from './pagination.js';

/** Argyle's event name for each neutral type it delivers. */
export const ARGYLE_WEBHOOK_EVENTS = {
  'user.account_added': 'accounts.added',
  'user.account_connected': 'accounts.connected',
  'user.account_failed': 'accounts.failed',
  'user.fully_synced': 'users.fully_synced',
} as const satisfies Partial<Record<WebhookEventType, string>>;

const NEUTRAL = new Map<string, WebhookEventType>(
  Object.entries(ARGYLE_WEBHOOK_EVENTS).map(([type, name]) => [name, type as WebhookEventType]),
);

const id = z.string().min(1).max(256);

/**
 * One delivery. The events the library maps must name their user (and the account events their
 * account); any other event passes with whatever `data` it has (an object, when it has one).
 */
export const ArgyleDeliverySchema = z
  .looseObject({
    event: z.string().min(1).max(256),
    name: z.string().max(1024).nullish(),
    // Every documented delivery has `data`; an event the library does not map passes without one.
    data: z
      .looseObject({
        user: id.nullish(),
        account: id.nullish(),
        resource: z.unknown().optional(),
      })
      .optional(),
  })
  .superRefine((delivery, ctx) => {
    const type = NEUTRAL.get(delivery.event);
    if (type === undefined) return;
    if (typeof delivery.data?.user !== 'string') {
      ctx.addIssue({ code: 'custom', path: ['data', 'user'], message: 'Required for this event' });
    }
    if (type !== 'user.fully_synced' && typeof delivery.data?.account !== 'string') {
      ctx.addIssue({ code: 'custom', path: ['data', 'account'], message: 'Required for this event' });
    }
  });
export type ArgyleDelivery = z.output<typeof ArgyleDeliverySchema>;

/** The webhook object (legacy reference: `{id, events, name, url, config, secret, created_at…}`); the secret is never read. */
const ArgyleWebhookSchema = z.object({
  id,
  events: z.array(z.string()),
  name: z.string().nullish(),
  url: z.string(),
});
type ArgyleWebhook = z.output<typeof ArgyleWebhookSchema>;

/** `GET /{v}/webhooks`: `{results, next}` (a cursor page), or a bare array. */
const ArgyleWebhookListSchema = z.union([
  z.looseObject({ results: z.array(ArgyleWebhookSchema), next: z.string().nullish() }),
  z.array(ArgyleWebhookSchema),
]);
type ArgyleWebhookList = z.output<typeof ArgyleWebhookListSchema>;

function fromArgyleWebhook(webhook: ArgyleWebhook): ProviderWebhookSubscription {
  return {
    id: webhook.id,
    url: webhook.url,
    events: webhook.events,
    ...(webhook.name ? { name: webhook.name } : {}),
  };
}

function readEvent(delivery: ArgyleDelivery): ProviderWebhookEvent {
  const { user, account } = delivery.data ?? {};
  return {
    type: NEUTRAL.get(delivery.event) ?? 'provider_event',
    providerEvent: delivery.event,
    ...(typeof user === 'string' ? { userId: user } : {}),
    ...(typeof account === 'string' ? { accountId: account } : {}),
  };
}

/** The tenant's webhooks, on its API version's paths. */
export function argyleWebhooks(config: ArgyleTenantConfig): WebhooksDeclaration {
  return WEBHOOKS[config.apiVersion];
}

/** The webhooks API of an API version: the same for every tenant on it, so built once each. */
function webhooksOf(version: ArgyleTenantConfig['apiVersion']): WebhooksDeclaration {
  const base = `/${version}/webhooks`;
  return {
    signature: { header: 'X-Argyle-Signature', algorithm: 'sha512', encoding: 'hex' },
    payload: ArgyleDeliverySchema,
    toEvent: (payload) => readEvent(payload as ArgyleDelivery),
    subscriptions: {
      events: ARGYLE_WEBHOOK_EVENTS,
      // "To subscribe to all webhooks at once, use "*"" (https://docs.argyle.com/api-guide/webhooks).
      wildcard: '*',
      create: {
        method: 'POST',
        path: base,
        response: ArgyleWebhookSchema,
        body: (request: WebhookSubscriptionRequest) => ({
          events: request.events,
          name: request.name,
          url: request.url,
          secret: request.secret,
        }),
        result: (answer) => fromArgyleWebhook(answer as ArgyleWebhook),
      },
      list: {
        method: 'GET',
        path: base,
        response: ArgyleWebhookListSchema,
        query: (next) => (next === undefined ? {} : { cursor: next }),
        read(answer, context): WebhookSubscriptionPage {
          const page = answer as ArgyleWebhookList;
          if (Array.isArray(page)) return { subscriptions: page.map(fromArgyleWebhook) };
          const subscriptions = page.results.map(fromArgyleWebhook);
          // Only the `next` link's cursor is read, as for users: the link itself is never requested.
          return page.next ? { subscriptions, next: cursorFromNext(page.next, context) } : { subscriptions };
        },
      },
      delete: { method: 'DELETE', path: (webhookId) => `${base}/${webhookId}` },
    },
  };
}

const WEBHOOKS: Record<ArgyleTenantConfig['apiVersion'], WebhooksDeclaration> = {
  v1: webhooksOf('v1'),
  v2: webhooksOf('v2'),
};

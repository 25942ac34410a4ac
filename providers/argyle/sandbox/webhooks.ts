/**
 * Argyle webhooks (https://docs.argyle.com/api-guide/webhooks): subscriptions at
 * `POST/GET/DELETE /v2/webhooks` (and legacy `/v1/webhooks`, the same account's subscriptions), and
 * the deliveries a simulated connection sends to them — JSON
 * `{event, name, data: {user, account?}}`, signed with the subscription's `secret` in
 * `X-Argyle-Signature` (hex HMAC-SHA512 of the raw body; unsigned without a secret).
 */
import { createHmac, randomUUID } from 'node:crypto';
import { z } from 'zod';
import type {
  EmulatorWebhooks,
  OutgoingWebhook,
  SandboxRouter,
  WebhookPlan,
} from '../../../src/sandbox/index.js';
import { detail, parseBody, pathId, reply } from './http.js';
import { listPage } from './list.js';
import { objectOf, type UnknownFields, UUID_RE } from './schemas.js';
import type { ArgyleUserStore } from './store.js';

/** The events the emulator knows, and can send. */
export const ARGYLE_EVENTS = [
  'accounts.added',
  'accounts.connected',
  'accounts.failed',
  'users.fully_synced',
] as const;
type ArgyleEvent = (typeof ARGYLE_EVENTS)[number];

/** "To subscribe to all webhooks at once, use `*`" (Argyle's webhooks guide). */
const EVERY_EVENT = '*';

/** An applicant connecting a payroll account, as Argyle reports it: added, connected, then synced. */
const CONNECTION: readonly ArgyleEvent[] = ['accounts.added', 'accounts.connected', 'users.fully_synced'];

/** `simulate` names: the connection flow, then each event alone. */
export const ARGYLE_SIMULATIONS: readonly string[] = ['connection', ...ARGYLE_EVENTS];

const MAX_URL_LENGTH = 2_048;
const MAX_EVENTS = 50;

/** DRF's URLField, restricted to what can be delivered to: http(s), a host, no spaces. */
function isHttpUrl(value: string): boolean {
  if (/\s/.test(value)) return false;
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}

const text = (max: number) =>
  z
    .string()
    .min(1, 'This field may not be blank.')
    .max(max, `Ensure this field has no more than ${max} characters.`);

/**
 * Body of `POST /v2/webhooks`: `events`, `name` and `url` required; `secret` and `config` optional.
 * Other fields are dropped, or refused under `unknownFields: 'reject'`, as for users.
 */
export function webhookBodySchema(unknown: UnknownFields) {
  return objectOf(
    {
      events: z
        .array(
          z.enum(
            [...ARGYLE_EVENTS, EVERY_EVENT],
            `Not a valid choice. Valid events: ${ARGYLE_EVENTS.join(', ')}, or ${EVERY_EVENT} for all.`,
          ),
        )
        .min(1, 'This list may not be empty.')
        .max(MAX_EVENTS, `Ensure this field has no more than ${MAX_EVENTS} elements.`),
      name: text(255),
      url: text(MAX_URL_LENGTH).refine(isHttpUrl, 'Enter a valid URL.'),
      secret: text(1_024).optional(),
      config: z.record(z.string(), z.unknown()).optional(),
    },
    unknown,
  );
}
type WebhookBody = z.output<ReturnType<typeof webhookBodySchema>>;

export interface StoredWebhook {
  readonly id: string;
  readonly seq: number;
  readonly createdAt: string;
  /** As subscribed: event names, or `*` for every event. */
  readonly events: readonly (ArgyleEvent | typeof EVERY_EVENT)[];
  readonly name: string;
  readonly url: string;
  /** Signs deliveries; never rendered. */
  readonly secret?: string;
  readonly config: Record<string, unknown>;
}

export class ArgyleWebhookStore {
  private webhooks = new Map<string, StoredWebhook>();
  private seq = 0;

  create(body: WebhookBody): StoredWebhook {
    this.seq += 1;
    const webhook: StoredWebhook = {
      id: randomUUID(),
      seq: this.seq,
      createdAt: new Date().toISOString(),
      // The same event twice is one subscription to it.
      events: [...new Set(body.events)],
      name: body.name,
      url: body.url,
      ...(body.secret !== undefined ? { secret: body.secret } : {}),
      config: body.config ?? {},
    };
    this.webhooks.set(webhook.id, webhook);
    return webhook;
  }

  get(id: string): StoredWebhook | undefined {
    return this.webhooks.get(id.toLowerCase());
  }

  delete(id: string): boolean {
    return this.webhooks.delete(id.toLowerCase());
  }

  /** In creation order. */
  list(): StoredWebhook[] {
    return [...this.webhooks.values()];
  }

  count(): number {
    return this.webhooks.size;
  }

  clear(): void {
    this.webhooks.clear();
  }
}

/** The webhook object: everything but the secret, which is write-only. */
export function renderWebhook(webhook: StoredWebhook): Record<string, unknown> {
  return {
    id: webhook.id,
    events: [...webhook.events],
    name: webhook.name,
    url: webhook.url,
    config: webhook.config,
    created_at: webhook.createdAt,
  };
}

const NOT_FOUND = detail('Not found.');

export interface ArgyleWebhookDeps {
  webhooks: ArgyleWebhookStore;
  origin(): string;
  unknown: UnknownFields;
}

/** Whether `webhook` asked for `event` (by name, or with `*`). */
function wants(webhook: StoredWebhook, event: ArgyleEvent): boolean {
  return webhook.events.includes(event) || webhook.events.includes(EVERY_EVENT);
}

/** The routes, under `/v2/webhooks` and legacy `/v1/webhooks` (one account: one set of subscriptions). */
export function registerWebhookRoutes(router: SandboxRouter, deps: ArgyleWebhookDeps): void {
  for (const version of ['v2', 'v1'] as const) registerAt(router, `/${version}/webhooks`, deps);
}

function registerAt(
  router: SandboxRouter,
  base: string,
  { webhooks, origin, unknown }: ArgyleWebhookDeps,
): void {
  const WebhookBodySchema = webhookBodySchema(unknown);
  // POST {events, name, url, secret?, config?} → 201 webhook object; 400 field map.
  router.route('POST', base, (request) => {
    const body = parseBody(WebhookBodySchema, request.body);
    if (!body.ok) return reply(400, body.errors);
    return reply(201, renderWebhook(webhooks.create(body.data)));
  });

  // GET ?limit=&cursor= → {next, previous, results}, paged like the users.
  router.route('GET', base, (request) =>
    listPage(request, {
      path: base,
      allowed: ['limit', 'cursor'],
      unknown,
      origin: origin(),
      items: () => webhooks.list(),
      render: renderWebhook,
    }),
  );

  // GET {base}/{id} → the webhook object.
  router.route('GET', `${base}/:id`, (request) => {
    const id = pathId(request);
    const webhook = id ? webhooks.get(id) : undefined;
    return webhook ? reply(200, renderWebhook(webhook)) : reply(404, NOT_FOUND);
  });

  // DELETE {base}/{id} → 204, no content: no further deliveries.
  router.route('DELETE', `${base}/:id`, (request) => {
    const id = pathId(request);
    return id && webhooks.delete(id) ? reply(204) : reply(404, NOT_FOUND);
  });
}

/** What the core calls to simulate: the deliveries of an event or of the connection flow. */
export function argyleWebhooks(users: ArgyleUserStore, webhooks: ArgyleWebhookStore): EmulatorWebhooks {
  return {
    simulations: ARGYLE_SIMULATIONS,
    subscriptionCount: () => webhooks.count(),
    plan(simulation: string, userId: string): WebhookPlan {
      const events: readonly ArgyleEvent[] | undefined =
        simulation === 'connection'
          ? CONNECTION
          : ARGYLE_EVENTS.find((event) => event === simulation) && [simulation as ArgyleEvent];
      if (!events) return { ok: false, reason: 'unknown-simulation' };
      const user = UUID_RE.test(userId) ? users.get(userId) : undefined;
      if (!user) return { ok: false, reason: 'unknown-user' };
      // One (fake) payroll account for the whole flow, as one connection is one account.
      const account = randomUUID();
      const deliveries: OutgoingWebhook[] = [];
      for (const event of events) {
        for (const webhook of webhooks.list()) {
          if (!wants(webhook, event)) continue;
          const data = event.startsWith('accounts.') ? { account, user: user.id } : { user: user.id };
          const body = JSON.stringify({ event, name: webhook.name, data });
          const headers: Record<string, string> = { 'Content-Type': 'application/json' };
          if (webhook.secret !== undefined) {
            headers['X-Argyle-Signature'] = createHmac('sha512', webhook.secret).update(body).digest('hex');
          }
          deliveries.push({ subscription: webhook.id, event, url: webhook.url, body, headers });
        }
      }
      return { ok: true, deliveries };
    },
  };
}

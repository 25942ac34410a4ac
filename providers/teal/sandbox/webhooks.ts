/**
 * Teal webhooks (Teal's API reference, https://docs.goteal.co: `/webhooks`, the `Webhook` and
 * `CreatedWebhook` schemas, and its webhooks guide): subscriptions at `POST/GET /webhooks` and
 * `GET/DELETE /webhooks/{webhook_id}`, and the `user-payroll-submitted` deliveries a simulated
 * submission sends to them.
 *
 * A delivery is `{"event", "user_id", "timestamp"}`. With an `encryption_key` (base64, 32 bytes) the
 * body is AES-256-GCM encrypted: base64 of the ciphertext followed by the 16-byte tag, the random
 * 12-byte IV base64 in `X-Teal-Encryption-IV`. With a `signing_secret`, `X-Teal-Signature` is the
 * lower-case hex HMAC-SHA512 of the body as sent (encrypted, when it is).
 */
import { createCipheriv, createHmac, randomBytes, randomUUID } from 'node:crypto';
import { z } from 'zod';
import type {
  EmulatorWebhooks,
  OutgoingWebhook,
  SandboxRequestHead,
  SandboxRouter,
  WebhookPlan,
} from '../../../src/sandbox/index.js';
import { errors, notFound, parse, parsePaging, reply } from './routes.js';
import { objectOf, type UnknownFields, UUID_RE } from './schemas.js';
import type { TealUserStore } from './store.js';

/** The events the reference's `Webhook` example subscribes to. */
export const TEAL_EVENTS = [
  'user-payroll-submitted',
  'user-hmrc-data-submitted',
  'user-bank-statement-submitted',
] as const;
type TealEvent = (typeof TEAL_EVENTS)[number];

/** What `simulate` can send: the one event whose delivery the documents describe. */
export const TEAL_SIMULATIONS: readonly TealEvent[] = ['user-payroll-submitted'];

const MAX_URL_LENGTH = 2_048;
const MAX_EVENTS = 50;
/** Standard base64 of exactly 32 bytes: 43 characters and one `=`. */
const KEY_RE = /^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$/;

const f = (name: string) => `The field \`${name}\``;

function isHttpUrl(value: string): boolean {
  if (value.length > MAX_URL_LENGTH || /\s/.test(value)) return false;
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}

const nonEmpty = (name: string, max: number) =>
  z
    .string()
    .trim()
    .min(1, `${f(name)} must not be empty`)
    .max(max, `${f(name)} must be at most ${max} characters`);

/**
 * `POST /webhooks`: the `Webhook` schema (`name`, `events`, `url` required). Properties it does not
 * list are dropped, or refused under `unknownFields: 'reject'`, as for users.
 */
export function webhookSchema(unknown: UnknownFields) {
  return objectOf(
    {
      name: nonEmpty('name', 255),
      events: z
        .array(z.enum(TEAL_EVENTS, `${f('events')} may hold only ${TEAL_EVENTS.join(', ')}`))
        .min(1, `${f('events')} must hold at least one event`)
        .max(MAX_EVENTS, `${f('events')} must hold at most ${MAX_EVENTS} events`),
      url: z.string().refine(isHttpUrl, `${f('url')} must be an http or https URL`),
      signing_secret: nonEmpty('signing_secret', 1_024).optional(),
      encryption_key: z
        .string()
        .regex(KEY_RE, `${f('encryption_key')} must be a randomly generated 32-byte key, encoded in base64`)
        .optional(),
      config: objectOf({ include_payload: z.boolean().optional() }, unknown).optional(),
    },
    unknown,
  );
}
type WebhookBody = z.output<ReturnType<typeof webhookSchema>>;

export interface StoredWebhook {
  readonly webhook_id: string;
  readonly created_at: string;
  readonly name: string;
  readonly events: readonly TealEvent[];
  readonly url: string;
  /** Write-only (`writeOnly` in the schema): never rendered. */
  readonly signingSecret?: string;
  readonly encryptionKey?: Buffer;
  readonly includePayload: boolean;
}

export class TealWebhookStore {
  private webhooks = new Map<string, StoredWebhook>();

  findByName(name: string): StoredWebhook | undefined {
    return [...this.webhooks.values()].find((w) => w.name === name);
  }

  create(body: WebhookBody): StoredWebhook {
    const webhook: StoredWebhook = {
      webhook_id: randomUUID(),
      created_at: new Date().toISOString(),
      name: body.name,
      events: [...new Set(body.events)],
      url: body.url,
      ...(body.signing_secret !== undefined ? { signingSecret: body.signing_secret } : {}),
      ...(body.encryption_key !== undefined
        ? { encryptionKey: Buffer.from(body.encryption_key, 'base64') }
        : {}),
      includePayload: body.config?.include_payload ?? false,
    };
    this.webhooks.set(webhook.webhook_id, webhook);
    return webhook;
  }

  get(id: string): StoredWebhook | undefined {
    return this.webhooks.get(id.toLowerCase());
  }

  delete(id: string): boolean {
    return this.webhooks.delete(id.toLowerCase());
  }

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

/** CreatedWebhook: `webhook_id`, `created_at`, and the Webhook's readable fields (secrets, key and `config` are write-only). */
export function renderWebhook(webhook: StoredWebhook): Record<string, unknown> {
  return {
    webhook_id: webhook.webhook_id,
    name: webhook.name,
    events: [...webhook.events],
    url: webhook.url,
    created_at: webhook.created_at,
  };
}

function findWebhook(webhooks: TealWebhookStore, request: SandboxRequestHead) {
  const id = request.params.webhook_id;
  return { id, webhook: id && UUID_RE.test(id) ? webhooks.get(id) : undefined };
}

export function registerWebhookRoutes(
  router: SandboxRouter,
  webhooks: TealWebhookStore,
  unknown: UnknownFields,
): void {
  const WebhookSchema = webhookSchema(unknown);
  // Reference: POST /webhooks Webhook → 201 CreatedWebhook; 400 missing or invalid fields. The name is
  // documented as unique: a second webhook of the same name is refused.
  router.route('POST', '/webhooks', (request) => {
    const body = parse(WebhookSchema, request.body, 'create');
    if (!body.ok) return reply(400, errors(...body.messages));
    if (webhooks.findByName(body.data.name)) {
      return reply(400, errors(`${f('name')} must be unique: a webhook with this name already exists`));
    }
    return reply(201, renderWebhook(webhooks.create(body.data)));
  });

  // Reference: GET /webhooks?offset=&limit= → {pagination, webhooks}, paged like the users.
  router.route('GET', '/webhooks', (request) => {
    const paging = parsePaging(request.query, unknown);
    if (!paging.ok) return reply(400, errors(...paging.problems));
    const { offset, limit } = paging;
    const all = webhooks.list();
    const page = all.slice(offset, offset + limit).map(renderWebhook);
    return reply(200, {
      pagination: { offset, limit, count: page.length, total_count: all.length },
      webhooks: page,
    });
  });

  // Reference: GET /webhooks/{webhook_id} → 200 CreatedWebhook; 404 when unknown, as for users.
  router.route('GET', '/webhooks/:webhook_id', (request) => {
    const { id, webhook } = findWebhook(webhooks, request);
    return webhook ? reply(200, renderWebhook(webhook)) : reply(404, notFound(id));
  });

  // Reference: DELETE /webhooks/{webhook_id} → 204 (its "Webhook deleted successfully." message cannot
  // ride on a 204: none is sent, as for users); 404 when unknown.
  router.route('DELETE', '/webhooks/:webhook_id', (request) => {
    const { id, webhook } = findWebhook(webhooks, request);
    return webhook && webhooks.delete(webhook.webhook_id) ? reply(204) : reply(404, notFound(id));
  });
}

/** The body and headers of one delivery to `webhook`: encrypted when it has a key, signed when it has a secret. */
function delivery(webhook: StoredWebhook, payload: string): Pick<OutgoingWebhook, 'body' | 'headers'> {
  const headers: Record<string, string> = {};
  let body = payload;
  if (webhook.encryptionKey) {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', webhook.encryptionKey, iv);
    const sealed = Buffer.concat([cipher.update(payload, 'utf8'), cipher.final(), cipher.getAuthTag()]);
    body = sealed.toString('base64');
    headers['Content-Type'] = 'text/plain; charset=utf-8';
    headers['X-Teal-Encryption-IV'] = iv.toString('base64');
  } else {
    headers['Content-Type'] = 'application/json';
  }
  if (webhook.signingSecret !== undefined) {
    headers['X-Teal-Signature'] = createHmac('sha512', webhook.signingSecret).update(body).digest('hex');
  }
  return { body, headers };
}

/** What the core calls to simulate: `user-payroll-submitted` for one user. */
export function tealWebhooks(users: TealUserStore, webhooks: TealWebhookStore): EmulatorWebhooks {
  return {
    simulations: TEAL_SIMULATIONS,
    subscriptionCount: () => webhooks.count(),
    plan(simulation: string, userId: string): WebhookPlan {
      const event = TEAL_SIMULATIONS.find((e) => e === simulation);
      if (!event) return { ok: false, reason: 'unknown-simulation' };
      const user = UUID_RE.test(userId) ? users.get(userId) : undefined;
      if (!user) return { ok: false, reason: 'unknown-user' };
      // One event, one timestamp: every subscription is told about the same submission.
      const payload = JSON.stringify({ event, user_id: user.user_id, timestamp: new Date().toISOString() });
      const deliveries = webhooks
        .list()
        .filter((webhook) => webhook.events.includes(event))
        .map((webhook) => ({
          subscription: webhook.webhook_id,
          event,
          url: webhook.url,
          ...delivery(webhook, payload),
        }));
      return { ok: true, deliveries };
    },
  };
}

/**
 * A tenant's webhook subscriptions at one provider: the core's flow around the provider's
 * {@link WebhookSubscriptionsDeclaration}, through the tenant's `HttpClient` (its credentials,
 * deadline, retries, circuit breaker, redaction, error mapping) like every other call.
 *
 * Per call: the input checked before anything is sent (an https URL, or http on loopback; neutral
 * event types the provider delivers, mapped to its names), the tenant's first webhook secret (and
 * encryption key) handed to the provider's body builder and registered as sensitive (any provider
 * text echoing it is scrubbed), the answer read by the provider and checked, and the subscription
 * returned in neutral terms without any secret. An ambiguous create is never sent twice: it is
 * looked up among the listed subscriptions (same URL and name), like an ambiguous user create.
 */
import { inspect } from 'node:util';
import { z } from 'zod';
import {
  InvalidConfigurationError,
  InvalidInputError,
  UnexpectedResponseError,
  UnsupportedOperationError,
  type WebhookOperation,
} from '../errors.js';
import type { HttpClient } from '../http/client.js';
import { isLoopbackHost } from '../http/url.js';
import type { BaseTenantConfig } from '../provider/definition.js';
import { beforeSending, readingAnswer } from '../provider/guard.js';
import {
  type ProviderWebhookSubscription,
  WEBHOOK_EVENT_TYPES,
  type WebhookContext,
  type WebhookEventType,
  type WebhookSubscriptionRequest,
  type WebhookSubscriptionsDeclaration,
} from '../provider/webhooks.js';
import type { CallOptions } from '../user-service.js';
import { parseInput } from '../validation.js';
import type { SubscribeWebhookInput, WebhookSubscription } from './types.js';

/** Longest webhook URL accepted (what browsers and providers reliably carry). */
const MAX_URL_LENGTH = 2048;
/** Most pages read when listing (a provider's loop must not run forever). */
const MAX_LIST_PAGES = 50;
/** Longest id, name or event name a subscription may carry. */
const MAX_TEXT = 256;

/**
 * Why a webhook URL is refused, or `undefined`: absolute, https (plain http only on loopback, for the
 * sandbox), no credentials in it, no fragment. Never echoes the URL.
 */
export function webhookUrlProblem(value: string): string | undefined {
  // What is checked is what is sent: text the URL parser would repair (spaces, control characters,
  // backslashes, a missing `//`, an IP written in hex) is refused rather than repaired.
  if (!/^[\x21-\x7e]+$/.test(value) || value.includes('\\'))
    return 'must be a plain URL (no spaces or control characters)';
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'must be an absolute URL';
  }
  if (url.href !== value && url.href !== `${value}/`)
    return 'must be written as it would be sent (e.g. https://host/path)';
  if (url.username || url.password) return 'must not contain credentials';
  if (url.hash) return 'must not contain a fragment';
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:') {
    return isLoopbackHost(url.hostname)
      ? undefined
      : 'must use https (plain http is allowed only on loopback)';
  }
  return 'must use https';
}

const SubscribeSchema = z.strictObject({
  url: z
    .string('Must be a string')
    .max(MAX_URL_LENGTH, `Must be at most ${MAX_URL_LENGTH} characters`)
    .superRefine((value, ctx) => {
      const problem = webhookUrlProblem(value);
      if (problem) ctx.addIssue({ code: 'custom', message: `Webhook URL ${problem}` });
    }),
  events: z
    .array(z.enum(WEBHOOK_EVENT_TYPES, `Must be one of ${WEBHOOK_EVENT_TYPES.join(', ')}`), 'Must be a list')
    .min(1, 'Must list at least one event type (or leave events out for all)')
    .max(WEBHOOK_EVENT_TYPES.length * 2, 'Lists too many event types')
    .optional(),
  name: z
    .string('Must be a string')
    .trim()
    .min(1, 'Must not be empty')
    .max(128, 'Must be at most 128 characters')
    .regex(/^[\x20-\x7e]+$/, 'Must be printable ASCII')
    .optional(),
});

/** A subscription id checked before it goes in a path (no `.` or `/`: `..` would climb the path). */
const SubscriptionIdSchema = z
  .string('Must be a string')
  .min(1, 'Must not be empty')
  .max(128, 'Must be at most 128 characters')
  .regex(/^[A-Za-z0-9_-]+$/, 'Must contain only letters, digits, "-" and "_"');

/** A bounded text of a provider's answer, or a `TypeError` (read as an unreadable answer). */
function text(value: unknown, what: string, max = MAX_TEXT): string {
  if (typeof value !== 'string' || value === '' || value.length > max) {
    throw new TypeError(`${what} is not a readable string`);
  }
  return value;
}

/** A create's answer, or (reconciled) the listed subscription it made. */
type CreateOutcome = { answer: unknown } | { found: ProviderWebhookSubscription };

/** The neutral subscriptions of one tenant at one provider (see the module comment). */
export class DeclaredWebhookSubscriptions {
  readonly provider: string;
  readonly tenant: string;
  readonly #declaration: WebhookSubscriptionsDeclaration | undefined;
  readonly #config: BaseTenantConfig;
  readonly #http: HttpClient;
  /** Provider event name → neutral type. */
  readonly #neutral: ReadonlyMap<string, WebhookEventType>;
  readonly #createAnswer: z.ZodType<CreateOutcome> | undefined;

  constructor(
    provider: string,
    declaration: WebhookSubscriptionsDeclaration | undefined,
    config: BaseTenantConfig,
    http: HttpClient,
  ) {
    this.provider = provider;
    this.tenant = config.tenant;
    this.#declaration = declaration;
    this.#config = config;
    this.#http = http;
    const neutral = new Map<string, WebhookEventType>();
    for (const type of WEBHOOK_EVENT_TYPES) {
      const name = declaration?.events[type];
      if (name !== undefined) neutral.set(name, type);
    }
    this.#neutral = neutral;
    this.#createAnswer = declaration?.create.response.transform((answer): CreateOutcome => ({ answer }));
  }

  /** The neutral event types the provider delivers. */
  get events(): readonly WebhookEventType[] {
    return [...this.#neutral.values()];
  }

  toJSON(): Record<string, string> {
    return { tenant: this.tenant, provider: this.provider };
  }

  [inspect.custom](): string {
    return `WebhookSubscriptions ${inspect(this.toJSON())}`;
  }

  #context(operation: WebhookOperation): WebhookContext {
    return { provider: this.provider, tenant: this.tenant, operation };
  }

  #declared(context: WebhookContext): WebhookSubscriptionsDeclaration {
    if (this.#declaration) return this.#declaration;
    throw new UnsupportedOperationError(
      `${this.provider} ${context.operation} is not supported: the provider declares no webhook subscription API`,
      context,
    );
  }

  /** The provider's event names for `events` (default: all), or `invalid_input` naming what it lacks. */
  #providerEvents(events: readonly WebhookEventType[] | undefined, context: WebhookContext): string[] {
    const declaration = this.#declared(context);
    const wanted = events ?? this.events;
    const lacking = wanted.filter((type) => declaration.events[type] === undefined);
    if (lacking.length > 0 || wanted.length === 0) {
      const delivers = this.events.length > 0 ? this.events.join(', ') : 'no event type the library maps';
      throw new InvalidInputError(
        `${this.provider} ${context.operation}: the provider does not deliver ${lacking.join(', ') || 'any event'} (it delivers ${delivers})`,
        { ...context, fieldErrors: { events: [`${this.provider} delivers only: ${delivers}`] } },
      );
    }
    return [...new Set(wanted.map((type) => declaration.events[type] as string))];
  }

  /** A provider's subscription in neutral terms, its fields checked (never its secret). */
  #toNeutral(subscription: ProviderWebhookSubscription): WebhookSubscription {
    const shown = (typeof subscription === 'object' && subscription !== null ? subscription : {}) as Record<
      string,
      unknown
    >;
    const id = text(shown.id, 'subscription id');
    const url = text(shown.url, 'subscription url', MAX_URL_LENGTH);
    const listed = shown.events;
    if (!Array.isArray(listed) || listed.length > 1_000)
      throw new TypeError('subscription events is not a list');
    const providerEvents = listed.map((name) => text(name, 'subscription event'));
    const events = new Set<WebhookEventType>();
    for (const name of providerEvents) {
      if (name === this.#declaration?.wildcard) for (const type of this.events) events.add(type);
      const type = this.#neutral.get(name);
      if (type) events.add(type);
    }
    return {
      id,
      provider: this.provider,
      url,
      events: WEBHOOK_EVENT_TYPES.filter((type) => events.has(type)),
      providerEvents,
      ...(shown.name !== undefined && shown.name !== null
        ? { name: text(shown.name, 'subscription name') }
        : {}),
    };
  }

  async subscribe(input: SubscribeWebhookInput, options?: CallOptions): Promise<WebhookSubscription> {
    const context = this.#context('createWebhookSubscription');
    const declaration = this.#declared(context);
    const valid = parseInput(SubscribeSchema, input, { ...context, what: 'webhook subscription' });
    const events = this.#providerEvents(valid.events, context);
    const webhooks = this.#config.webhooks;
    const secret = webhooks?.secret[0];
    if (!webhooks || !secret) {
      throw InvalidConfigurationError.of(
        [
          {
            tenant: this.tenant,
            field: 'webhooks.secret',
            reason: 'is required to subscribe to webhooks (the provider signs each delivery with it)',
          },
        ],
        context,
      );
    }
    const encryptionKey = webhooks.encryptionKey?.reveal();
    const request: WebhookSubscriptionRequest = {
      url: valid.url,
      events,
      name: valid.name ?? `payroll-identity-${this.tenant}`.slice(0, 128),
      secret: secret.reveal(),
      ...(encryptionKey !== undefined ? { encryptionKey } : {}),
    };
    const create = declaration.create;
    const body = beforeSending(context, 'webhook subscription body', () => create.body(request, context));
    const { data } = await this.#http.request<CreateOutcome>({
      operation: context.operation,
      method: create.method,
      path: create.path,
      body,
      response: this.#createAnswer,
      ...(create.expectStatus ? { expectStatus: create.expectStatus } : {}),
      ...(create.idempotent !== undefined ? { idempotent: create.idempotent } : {}),
      sensitive: [request.secret, request.encryptionKey],
      // Never sent twice blindly: after an ambiguous failure, the subscription is looked up.
      reconcile: async (signal) => {
        let found: ProviderWebhookSubscription | undefined;
        for (const subscription of await this.#listAll(signal ? { signal } : undefined)) {
          if (subscription.url !== request.url || subscription.name !== request.name) continue;
          // Two candidates: which one this call made cannot be told.
          if (found !== undefined) return undefined;
          found = subscription;
        }
        return found !== undefined ? { found } : undefined;
      },
      options,
    });
    return readingAnswer(context, 'webhook subscription reader', () =>
      this.#toNeutral('found' in data ? data.found : create.result(data.answer, request, context)),
    );
  }

  async list(options?: CallOptions): Promise<WebhookSubscription[]> {
    const context = this.#context('listWebhookSubscriptions');
    this.#declared(context);
    const subscriptions = await this.#listAll(options);
    return readingAnswer(context, 'webhook subscription reader', () =>
      subscriptions.map((s) => this.#toNeutral(s)),
    );
  }

  /** Every page of the provider's list, its walk guarded (no page twice, a bounded number of pages). */
  async #listAll(options: CallOptions | undefined): Promise<ProviderWebhookSubscription[]> {
    const context = this.#context('listWebhookSubscriptions');
    const list = this.#declared(context).list;
    const all: ProviderWebhookSubscription[] = [];
    const seen = new Set<string>();
    let next: string | undefined;
    for (let page = 1; ; page++) {
      const query = beforeSending(context, 'webhook list query', () => list.query(next));
      const { data } = await this.#http.request({
        operation: context.operation,
        method: list.method,
        path: list.path,
        query,
        response: list.response,
        expectStatus: list.expectStatus ?? [200],
        options,
      });
      const read = readingAnswer(context, 'webhook list reader', () => {
        const result = list.read(data, context, next);
        if (!Array.isArray(result?.subscriptions))
          throw new TypeError('webhook list reader returned no list');
        return result;
      });
      all.push(...read.subscriptions);
      if (read.next === undefined || read.next === '') return all;
      if (seen.has(read.next) || page >= MAX_LIST_PAGES) {
        throw new UnexpectedResponseError(
          `${this.provider} ${context.operation}: the provider's pages ${seen.has(read.next) ? 'lead back to a page already read' : `go on past ${MAX_LIST_PAGES} pages`}; the list may be incomplete`,
          { ...context, issues: ['next: loop'] },
        );
      }
      seen.add(read.next);
      next = read.next;
    }
  }

  async unsubscribe(id: string, options?: CallOptions): Promise<void> {
    const context = this.#context('deleteWebhookSubscription');
    const remove = this.#declared(context).delete;
    const valid = parseInput(SubscriptionIdSchema, id, { ...context, what: 'webhook subscription id' });
    await this.#http.request({
      operation: context.operation,
      method: remove.method,
      path: beforeSending(context, 'webhook subscription path', () => remove.path(encodeURIComponent(valid))),
      ...(remove.expectStatus ? { expectStatus: remove.expectStatus } : {}),
      options,
    });
  }
}

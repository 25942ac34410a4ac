/**
 * The emulators' webhook deliveries: one POST of exact bytes to a subscriber, retried with a short
 * backoff on a connection error, a timeout or a non-2xx answer, each attempt reported (status and
 * attempt number, never the body). Only loopback subscribers unless allowed otherwise: an emulator
 * must never become an open relay.
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { type ClientRequest, request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIPv4, type LookupFunction } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import type {
  DeliveryAttempt,
  DeliveryError,
  DeliveryOutcome,
  WebhookDeliveryOptions,
  WebhookRequest,
} from './types.js';

/** Options of {@link deliverWebhook}: the delivery settings, plus cancellation and a per-attempt hook. */
export interface DeliverWebhookOptions extends WebhookDeliveryOptions {
  /** Abandons the delivery: the attempt under way is dropped, no further attempt is made. */
  signal?: AbortSignal;
  /** Called after each attempt, before any backoff. */
  onAttempt?: (attempt: DeliveryAttempt) => void;
}

/** The settings with their defaults. */
export interface DeliverySettings {
  attempts: number;
  backoffMs: readonly number[];
  timeoutMs: number;
  allowNonLoopback: boolean;
}

const DEFAULTS: DeliverySettings = {
  attempts: 3,
  backoffMs: [50, 200],
  timeoutMs: 5_000,
  allowNonLoopback: false,
};

/** The longest URL a delivery goes to. */
const MAX_URL_LENGTH = 2_048;
/** Bytes of a subscriber's answer read (and thrown away) before the connection is dropped. */
const MAX_ANSWER_BYTES = 64 * 1024;
const USER_AGENT = 'payroll-identity-sandbox';

const SettingsSchema = z.strictObject({
  attempts: z.number().int().min(1).max(10).optional(),
  backoffMs: z.array(z.number().int().min(0).max(60_000)).min(1).max(10).optional(),
  timeoutMs: z.number().int().min(1).max(60_000).optional(),
  allowNonLoopback: z.boolean().optional(),
});

/** The delivery settings, checked (a typo or a 10-minute backoff is a mistake worth failing on). */
export function deliverySettings(options: WebhookDeliveryOptions = {}): DeliverySettings {
  const { attempts, backoffMs, timeoutMs, allowNonLoopback } = options;
  const parsed = SettingsSchema.safeParse({ attempts, backoffMs, timeoutMs, allowNonLoopback });
  if (!parsed.success) {
    const where = parsed.error.issues.map((i) => i.path.join('.') || 'options').join(', ');
    throw new TypeError(`sandbox: invalid webhook delivery options (${where})`);
  }
  return {
    attempts: parsed.data.attempts ?? DEFAULTS.attempts,
    backoffMs: parsed.data.backoffMs ?? DEFAULTS.backoffMs,
    timeoutMs: parsed.data.timeoutMs ?? DEFAULTS.timeoutMs,
    allowNonLoopback: parsed.data.allowNonLoopback ?? DEFAULTS.allowNonLoopback,
  };
}

/** An `http:`/`https:` URL of at most 2048 characters without spaces; `undefined` otherwise. */
export function httpUrl(value: string): URL | undefined {
  if (value.length > MAX_URL_LENGTH || /\s/.test(value)) return undefined;
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '' ? url : undefined;
  } catch {
    return undefined;
  }
}

/** The origin and path of a URL, as logs and reports show it: no user info, query or fragment. */
export function shownUrl(value: string): string {
  const url = httpUrl(value);
  return url ? `${url.protocol}//${url.host}${url.pathname}` : '(invalid URL)';
}

/** A loopback address: 127.0.0.0/8, ::1, or IPv4-mapped 127.x. */
function isLoopbackAddress(address: string): boolean {
  const a = address.toLowerCase();
  return (isIPv4(a) && a.startsWith('127.')) || a === '::1' || a.startsWith('::ffff:127.');
}

/** `ip`: a loopback IP literal; `name`: `localhost` or a `.localhost` name (resolved, and checked again). */
function loopbackHost(url: URL): 'ip' | 'name' | undefined {
  const host = url.hostname.toLowerCase();
  if (host === '[::1]' || (isIPv4(host) && host.startsWith('127.'))) return 'ip';
  if (host === 'localhost' || host.endsWith('.localhost')) return 'name';
  return undefined;
}

/** A DNS lookup that only ever yields loopback addresses (a `localhost` that resolves elsewhere fails). */
const loopbackLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { family: options.family, hints: options.hints, all: true }, (error, found) => {
    const addresses = (found ?? []) as LookupAddress[];
    const loopback = addresses.filter((a) => isLoopbackAddress(a.address));
    if (error || loopback.length === 0) {
      const refused = Object.assign(new Error('the host does not resolve to a loopback address'), {
        code: 'ENOTFOUND',
      });
      // The callback's overloads (one address, or all of them) are one function at run time.
      return (callback as (e: NodeJS.ErrnoException | null) => void)(error ?? refused);
    }
    if (options.all) return (callback as (e: null, a: LookupAddress[]) => void)(null, loopback);
    const first = loopback[0] as LookupAddress;
    (callback as (e: null, a: string, f: number) => void)(null, first.address, first.family);
  });
};

/** Why a URL may not be delivered to, or `undefined` when it may. */
function refusal(url: URL | undefined, settings: DeliverySettings): DeliveryError | undefined {
  if (!url) return 'invalid-url';
  if (!settings.allowNonLoopback && !loopbackHost(url)) return 'host-not-allowed';
  return undefined;
}

/**
 * POSTs `request.body` to `request.url`, retrying a connection error, a timeout or a non-2xx answer
 * up to `attempts` times in all, waiting `backoffMs` between attempts. Resolves (never rejects) once
 * the delivery is accepted, given up, or abandoned through `signal`. Redirects are not followed (a
 * 3xx is a failed attempt). Only loopback hosts unless `allowNonLoopback`: a refused URL is one
 * failed attempt (`host-not-allowed` or `invalid-url`) and is not retried.
 *
 * @example
 * ```ts
 * const outcome = await deliverWebhook(
 *   { url: 'http://127.0.0.1:8080/hooks', body: '{"event":"ping"}', headers: { 'content-type': 'application/json' } },
 *   { attempts: 3, backoffMs: [50, 200] },
 * );
 * outcome.delivered; // true once an attempt got a 2xx
 * ```
 */
export async function deliverWebhook(
  request: WebhookRequest,
  options: DeliverWebhookOptions = {},
): Promise<DeliveryOutcome> {
  const settings = deliverySettings(options);
  const { signal, onAttempt } = options;
  const attempts: DeliveryAttempt[] = [];
  const record = (attempt: DeliveryAttempt) => {
    attempts.push(attempt);
    onAttempt?.(attempt);
  };
  const url = typeof request.url === 'string' ? httpUrl(request.url) : undefined;
  const refused = refusal(url, settings);
  if (refused || !url) {
    record({ attempt: 1, error: refused ?? 'invalid-url', ok: false });
    return { delivered: false, attempts };
  }
  const body = Buffer.from(request.body);
  const headers = requestHeaders(request.headers ?? {}, body.length);

  for (let attempt = 1; attempt <= settings.attempts; attempt++) {
    if (signal?.aborted) break;
    const result = await attemptOnce(url, body, headers, settings, signal);
    record({ attempt, ...result });
    if (result.ok) return { delivered: true, attempts };
    if (result.error === 'aborted' || attempt === settings.attempts) break;
    const index = Math.min(attempt - 1, settings.backoffMs.length - 1);
    const delay = settings.backoffMs[index] ?? 0;
    if (delay > 0) await sleep(delay, undefined, { signal }).catch(() => {});
  }
  return { delivered: false, attempts };
}

/** The caller's headers (a `content-length` of theirs dropped), plus the body's length and a user agent. */
function requestHeaders(given: Readonly<Record<string, string>>, length: number): Record<string, string> {
  const headers: Record<string, string> = {};
  const names = new Set<string>();
  for (const [name, value] of Object.entries(given)) {
    const lower = name.toLowerCase();
    if (lower === 'content-length' || lower === 'host' || lower === 'connection') continue;
    headers[name] = value;
    names.add(lower);
  }
  if (!names.has('user-agent')) headers['user-agent'] = USER_AGENT;
  headers['content-length'] = String(length);
  return headers;
}

type AttemptResult = Omit<DeliveryAttempt, 'attempt'>;

/** One POST; resolves with the answer's status or why there was none. */
function attemptOnce(
  url: URL,
  body: Buffer,
  headers: Record<string, string>,
  settings: DeliverySettings,
  signal: AbortSignal | undefined,
): Promise<AttemptResult> {
  return new Promise((resolve) => {
    let settled = false;
    let timedOut = false;
    const finish = (result: AttemptResult) => {
      if (settled) return;
      settled = true;
      resolve(result);
    };
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    let request: ClientRequest;
    try {
      request = send(url, {
        method: 'POST',
        headers,
        // A fresh connection per attempt, closed after it: nothing lingers after the emulator closes.
        agent: false,
        ...(settings.allowNonLoopback || loopbackHost(url) === 'ip' ? {} : { lookup: loopbackLookup }),
      });
    } catch {
      // Headers Node refuses (control characters): nothing can be sent.
      return resolve({ error: 'connection', ok: false });
    }
    const onAbort = () => {
      request.destroy();
      finish({ error: 'aborted', ok: false });
    };
    // The whole exchange, the answer's body included, within `timeoutMs`; the status decides the
    // attempt as soon as it comes, the rest of the answer is read (or dropped) afterwards.
    const timer = setTimeout(() => {
      timedOut = true;
      request.destroy();
      finish({ error: 'timeout', ok: false });
    }, settings.timeoutMs);
    request.on('close', () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    });
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });

    request.on('response', (response: IncomingMessage) => {
      const status = response.statusCode ?? 0;
      // The answer is read and thrown away (capped), so the connection can close cleanly.
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_ANSWER_BYTES) request.destroy();
      });
      response.on('error', () => {});
      finish({ status, ok: status >= 200 && status < 300 });
    });
    request.on('error', () => {
      finish({ error: timedOut ? 'timeout' : signal?.aborted ? 'aborted' : 'connection', ok: false });
    });
    request.end(body);
  });
}

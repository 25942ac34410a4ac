/**
 * Request events for the host's hooks and logger. Every event is built here from an allow-list of
 * fields that can hold no credential or personal datum: tenant and provider ids, the operation, the
 * method, a path *template* (`/v2/users/{id}`, never the query), the attempt, the status, the
 * duration, the provider's request id and an error code.
 */
import type { CallOperation, ErrorCode } from '../errors.js';
import { looksPersonal } from '../redact.js';
import { currentCall } from './call-telemetry.js';
import { type Logger, safeLog } from './logger.js';

/** The fields every request event carries. */
export interface RequestEventBase {
  /** The tenant id. */
  tenant: string;
  /** The provider's name. */
  provider: string;
  /** The `UserService` operation the request belongs to. */
  operation: CallOperation;
  /** The HTTP method. */
  method: string;
  /** The path with ids replaced by `{id}`; no query string. */
  path: string;
  /** 1 for the first try, 2 for the first retry, … */
  attempt: number;
}

/** An attempt is about to be sent (`onRequestStart`). */
export type RequestStartEvent = RequestEventBase;

/** An attempt ended, answered or not (`onRequestEnd`). */
export interface RequestEndEvent extends RequestEventBase {
  /** How long the attempt took, in milliseconds. */
  durationMs: number;
  /** The HTTP status, when the provider answered. */
  status?: number;
  /** The provider's request id, when it sent one that looks like an id. */
  requestId?: string;
  /** Set when the attempt failed. */
  errorCode?: ErrorCode;
}

/** An attempt failed and will be retried after `delayMs` (`onRetry`). */
export interface RetryEvent extends RequestEventBase {
  /** Why the attempt that just ended is retried. */
  errorCode: ErrorCode;
  /** The failed attempt's HTTP status, when the provider answered. */
  status?: number;
  /** How long the client waits before the next attempt. */
  delayMs: number;
}

/** A tenant's circuit: `closed` (normal), `open` (failing fast, no requests), `half_open` (one probe). */
export type CircuitState = 'closed' | 'open' | 'half_open';

/** A tenant's circuit breaker changed state (`onCircuitStateChange`). */
export interface CircuitEvent {
  /** The tenant id. */
  tenant: string;
  /** The provider's name. */
  provider: string;
  /** The new state. */
  state: CircuitState;
}

/** What became of an ambiguous create (`onAmbiguousOutcome`). */
export interface OutcomeEvent {
  /** The tenant id. */
  tenant: string;
  /** The provider's name. */
  provider: string;
  /** The operation whose outcome was ambiguous. */
  operation: CallOperation;
  /** `reconciled`: an ambiguous create was found by the adapter's lookup; `unknown`: it was not. */
  outcome: 'reconciled' | 'unknown';
  /** The failure that made the outcome ambiguous. */
  errorCode: ErrorCode;
  /** Its HTTP status, when the provider answered (a 5xx). */
  status?: number;
}

/** Callbacks a host may register. A hook that throws (or rejects) is ignored; the call goes on. */
export interface RequestHooks {
  /** An attempt is about to be sent. */
  onRequestStart?(event: RequestStartEvent): void;
  /** An attempt ended (with `status`, or `errorCode` when it failed). */
  onRequestEnd?(event: RequestEndEvent): void;
  /** A failed attempt will be retried. */
  onRetry?(event: RetryEvent): void;
  /** A tenant's circuit breaker changed state. */
  onCircuitStateChange?(event: CircuitEvent): void;
  /** An ambiguous non-idempotent call (sent, no usable answer) and what became of it. */
  onAmbiguousOutcome?(event: OutcomeEvent): void;
  /** A configuration change was applied (`reconfigure`, `setTenant`, `removeTenant`, a watched file) or rejected. */
  onConfigurationChange?(event: ConfigurationChangeEvent): void;
}

/**
 * A configuration change and its outcome. Tenant ids and, for a rejected change, each problem's
 * tenant, field and reason: never a value from the configuration.
 */
export interface ConfigurationChangeEvent {
  /** `applied`, or `rejected` (nothing changed; the last good configuration stays). */
  outcome: 'applied' | 'rejected';
  /** Tenants added. */
  added: string[];
  /** Tenants whose configuration changed (their new calls use the new one). */
  changed: string[];
  /** Tenants removed. */
  removed: string[];
  /** Why a change was rejected, by field. */
  problems?: {
    /** The tenant id, when the problem is in a tenant. */
    tenant?: string;
    /** The field's dotted path within the tenant (`credentials.apiKey`), or `(root)` / `(file)`. */
    field: string;
    /** What is wrong, without the value. */
    reason: string;
  }[];
}

const ID_FREE_SEGMENT = /^(?:v\d{1,3}|[a-z][a-z_-]{0,40}|\{[A-Za-z]+\})$/;

/** `/v2/users/0187c6…` → `/v2/users/{id}`: segments that are not plain lowercase words become `{id}`. */
export function pathTemplate(path: string): string {
  const q = path.indexOf('?');
  const bare = q === -1 ? path : path.slice(0, q);
  return bare
    .split('/')
    .map((s) => (s === '' || ID_FREE_SEGMENT.test(s) ? s : '{id}'))
    .join('/');
}

/** A UUID (any version). */
const UUID = /^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$/;
/** A hex digest or counter, at least 8 digits. */
const HEX = /^[0-9A-Fa-f]{8,128}$/;
/** base64url (`req-42`, `01HV3K…`), optionally padded. */
const BASE64URL = /^[A-Za-z0-9_-]{1,126}={0,2}$/;
const DIGIT = /\d/;
/** Longest request id kept: ids are short; a longer header is not one. */
const MAX_REQUEST_ID_LENGTH = 128;

/** Longest prefix before a base64 payload that decoding looks past. */
const MAX_PREFIX = 8;
/** A character that reads as text once decoded (U+FFFD, what a broken UTF-8 sequence gives, does not). */
const TEXT_CHAR = /^[\p{L}\p{N}\p{P}\p{S} ]$/u;

/**
 * `bytes` as text when at least 4/5 of its bytes decode to readable characters (random id bytes
 * almost never do: about a third of byte values are printable ASCII), else `undefined`.
 */
function asText(bytes: Buffer): string | undefined {
  if (bytes.length < 4) return undefined;
  const text = bytes.toString('utf8');
  let readable = 0;
  for (const c of text) {
    if (c !== '\uFFFD' && TEXT_CHAR.test(c)) readable += Buffer.byteLength(c);
  }
  return readable * 5 >= bytes.length * 4 ? text : undefined;
}

/**
 * The text a request id may carry encoded: its hex and base64 / base64url decodings that read as
 * text, base64 from each of the first offsets too (a prefix such as `req_` or `request-` must not
 * hide what follows). `MTIzLTQ1LTY3ODk` is `123-45-6789`. A UUID is not decoded.
 */
function decodings(value: string): string[] {
  if (UUID.test(value)) return [];
  const out: string[] = [];
  const add = (bytes: Buffer) => {
    const text = asText(bytes);
    if (text !== undefined) out.push(text);
  };
  if (HEX.test(value) && value.length % 2 === 0) add(Buffer.from(value, 'hex'));
  // Node's base64 decoder reads the base64url alphabet too.
  if (BASE64URL.test(value)) {
    for (let skip = 0; skip <= MAX_PREFIX; skip++) add(Buffer.from(value.slice(skip), 'base64'));
  }
  return out;
}

/**
 * A provider request id, kept only when it has the shape of an id: a UUID, hex, or base64url holding
 * a digit (a word or a name has none: "sarah-longfield" is dropped), at most 128 characters, and
 * no personal-data shape (a run of 9 digits, even inside a UUID, could be an SSN or a phone), as it
 * is or once decoded from hex or base64 (an id that is the base64 of an SSN is dropped). With a
 * redactor (the tenant's, or the call's), one holding any credential or value it knows, as it is or
 * decoded, is dropped too. It is a header the provider (or anything between) controls, and it
 * lands in errors, logs and events.
 */
export function safeRequestId(
  value: string | undefined,
  redactor?: { finds(text: string): boolean; findsInText(text: string): boolean },
): string | undefined {
  if (value === undefined || value.length === 0 || value.length > MAX_REQUEST_ID_LENGTH) return undefined;
  const shaped = UUID.test(value) || HEX.test(value) || (BASE64URL.test(value) && DIGIT.test(value));
  if (!shaped || looksPersonal(value) || redactor?.finds(value)) return undefined;
  for (const text of decodings(value)) {
    // Decoded, it is text: a value's words count too (a birth date's parts, an SSN's last four).
    if (looksPersonal(text) || redactor?.findsInText(text)) return undefined;
  }
  return value;
}

function callHook<E>(hook: ((event: E) => unknown) | undefined, event: E, logger: Logger): void {
  if (!hook) return;
  try {
    const result = hook(event) as unknown;
    // An async hook's rejection must not become an unhandled rejection either.
    if (typeof (result as PromiseLike<unknown> | undefined)?.then === 'function') {
      (result as PromiseLike<unknown>).then(undefined, () => hookFailed(logger));
    }
  } catch {
    hookFailed(logger);
  }
}

function hookFailed(logger: Logger): void {
  // The hook's error is not logged: the host's own code may have put anything in it.
  safeLog(logger, 'warn', { event: 'hook_failed' }, 'payroll-identity: an event hook threw; ignored');
}

/**
 * The events of one tenant's client, for the host's logger and hooks and for the OpenTelemetry
 * span of the call they belong to (call-telemetry.ts). `active` is false when neither a logger nor
 * a hook was given and the call is not traced, so that the hot path builds no event object at all.
 */
export class RequestObserver {
  /** A logger or a hook was given. */
  readonly #listening: boolean;

  constructor(
    private readonly logger: Logger,
    private readonly hooks: RequestHooks,
    hasLogger: boolean,
  ) {
    this.#listening =
      hasLogger ||
      Boolean(
        hooks.onRequestStart ||
          hooks.onRequestEnd ||
          hooks.onRetry ||
          hooks.onCircuitStateChange ||
          hooks.onAmbiguousOutcome,
      );
  }

  /** Whether anything takes events now: a logger, a hook, or the traced call running. */
  get active(): boolean {
    return this.#listening || currentCall() !== undefined;
  }

  /** `lookup`: the attempt is a reconciliation lookup of an ambiguous create, not the call's own request. */
  start(event: RequestStartEvent, lookup = false): void {
    currentCall()?.requestStart(event, lookup);
    if (!this.#listening) return;
    safeLog(this.logger, 'debug', { event: 'request_start', ...event }, 'payroll-identity request start');
    callHook(this.hooks.onRequestStart, event, this.logger);
  }

  end(event: RequestEndEvent, lookup = false): void {
    currentCall()?.requestEnd(event, lookup);
    if (!this.#listening) return;
    safeLog(
      this.logger,
      event.errorCode ? 'warn' : 'debug',
      { event: 'request_end', ...event },
      'payroll-identity request end',
    );
    callHook(this.hooks.onRequestEnd, event, this.logger);
  }

  retry(event: RetryEvent, lookup = false): void {
    currentCall()?.retry(event, lookup);
    if (!this.#listening) return;
    safeLog(this.logger, 'info', { event: 'request_retry', ...event }, 'payroll-identity retrying');
    callHook(this.hooks.onRetry, event, this.logger);
  }

  circuit(event: CircuitEvent): void {
    currentCall()?.circuit(event);
    if (!this.#listening) return;
    safeLog(
      this.logger,
      event.state === 'open' ? 'warn' : 'info',
      { event: 'circuit_state', ...event },
      `payroll-identity circuit ${event.state}`,
    );
    callHook(this.hooks.onCircuitStateChange, event, this.logger);
  }

  ambiguous(event: OutcomeEvent): void {
    currentCall()?.ambiguous(event);
    if (!this.#listening) return;
    safeLog(
      this.logger,
      event.outcome === 'unknown' ? 'error' : 'warn',
      { event: 'ambiguous_outcome', ...event },
      `payroll-identity ambiguous call ${event.outcome}`,
    );
    callHook(this.hooks.onAmbiguousOutcome, event, this.logger);
  }
}

/**
 * The error hierarchy: one base class, and one class per code, each made from its entry in
 * {@link ERROR_CODES} (its name, its `retryable` default, the details it keeps). Every class is built
 * the same way: `new XError(message, context)`, `context` being the shared {@link ErrorContext} and
 * the class's own details (`new InvalidInputError(message, { ...context, fieldErrors })`).
 *
 * Safety rules, enforced here rather than at every throw site:
 * - every message, provider message and field message goes through pattern redaction;
 * - provider messages and field errors (keys and messages) are then bounded and shown escaped
 *   ({@link showUntrusted}): a provider's `\n`, `\r`, ANSI or OSC-8 sequence cannot forge a log line
 *   or rewrite a terminal that prints them;
 * - a `cause` is never kept as it was thrown (an AxiosError holds the request config, headers and
 *   credentials): it is replaced by a {@link SanitizedCause} with a name, a code and a redacted message;
 * - `toJSON()` and `util.inspect` show a fixed allow-list of properties and nothing else.
 */
import { inspect } from 'node:util';
import { redactPatterns } from './redact.js';
import { showUntrusted } from './untrusted-text.js';

/** The operations of a `UserService`, as errors and events name them. */
export type Operation =
  | 'createUser'
  | 'getUser'
  | 'updateUser'
  | 'deleteUser'
  | 'listUsers'
  | 'createLinkToken';

/**
 * The webhook operations, as errors and request events name them: `parseWebhook` (verifying a
 * delivery, no request) and the three subscription calls of `users.webhooks`.
 */
export type WebhookOperation =
  | 'parseWebhook'
  | 'createWebhookSubscription'
  | 'listWebhookSubscriptions'
  | 'deleteWebhookSubscription';

/** Any operation an error may name: a `UserService` operation or a webhook one. */
export type CallOperation = Operation | WebhookOperation;

/** Why a webhook delivery was refused (`InvalidWebhookError.reason`). */
export type WebhookFailureReason = 'signature' | 'decryption' | 'payload';

const WEBHOOK_FAILURE_REASONS: readonly WebhookFailureReason[] = ['signature', 'decryption', 'payload'];

/**
 * What every error is built with (adapters and the HTTP client pass it; everything is optional). A
 * class with details of its own takes them in the same object: see {@link ErrorContextFor}.
 */
export interface ErrorContext {
  /** The provider's name (`'argyle'`, `'teal'`). */
  provider?: string;
  /** The tenant id. */
  tenant?: string;
  /** The operation that failed (a `UserService` one, or a webhook one). */
  operation?: CallOperation;
  /** The provider's HTTP status, when it answered. */
  status?: number;
  /** The provider's request id, when it sent one. */
  requestId?: string;
  /** Overrides the code's default (except for `aborted` and `outcome_unknown`: never retryable). */
  retryable?: boolean;
  /** What was thrown underneath; kept only as a {@link SanitizedCause}. */
  cause?: unknown;
  /**
   * The provider's own messages, already redacted against the call's data (pattern redaction is
   * applied again here). Only calls that carried the person's data pass them: see `providerMessages`.
   */
  providerMessages?: readonly string[];
}

/**
 * A thrown value reduced to what is safe to keep: its name and its code. Its message is dropped:
 * a transport error's message can quote a URL, a header or a body, and no pattern can recognise
 * every secret (an API key is just a string).
 */
export class SanitizedCause extends Error {
  /** The original error's code (`ECONNRESET`, `ERR_CANCELED`…), when it had a safe-looking one. */
  readonly code: string | undefined;

  constructor(original: unknown) {
    const o = (typeof original === 'object' && original !== null ? original : {}) as {
      name?: unknown;
      code?: unknown;
    };
    const name = typeof o.name === 'string' && /^[A-Za-z]{1,40}$/.test(o.name) ? o.name : 'Error';
    const code = typeof o.code === 'string' && /^[A-Z0-9_]{1,40}$/.test(o.code) ? o.code : undefined;
    super(code ? `${name} (${code})` : name);
    this.name = name;
    this.code = code;
    // The original stack starts with the original message; ours holds only the safe summary.
    this.stack = `${this.name}: ${this.message}`;
  }

  /** `{ name, code, message }`: all there is. */
  toJSON(): Record<string, unknown> {
    return { name: this.name, code: this.code, message: this.message };
  }

  /** How `util.inspect` (and so `console.log`) shows it. */
  [inspect.custom](): string {
    return `[${this.name}${this.code ? ` ${this.code}` : ''}: ${this.message}]`;
  }
}

function sanitizeCause(cause: unknown): Error | undefined {
  if (cause === undefined) return undefined;
  if (cause instanceof PayrollIdentityErrorBase || cause instanceof SanitizedCause) return cause as Error;
  return new SanitizedCause(cause);
}

/**
 * The mark every error of this library carries, under a registry symbol: a host that loads both the
 * ESM and the CommonJS build (one dependency `require`s the library, another `import`s it) has two
 * copies of every class, and `instanceof` on classes alone would miss the other copy's errors. Its
 * value is the class's name, so `instanceof NotFoundError` works across copies too.
 */
const BRAND: unique symbol = Symbol.for('payroll-identity.error') as never;

/** The prototypes of the classes {@link errorClass} makes (each carries its code's brand). */
const MADE_BY_ERROR_CLASS = new WeakSet<object>();

/** The brand of `value` (its class's name), or `undefined` when it is not one of our errors. */
function brandOf(value: unknown): string | undefined {
  if ((typeof value !== 'object' && typeof value !== 'function') || value === null) return undefined;
  try {
    const brand = (value as { [BRAND]?: unknown })[BRAND];
    return typeof brand === 'string' ? brand : undefined;
  } catch {
    // A revoked proxy or a throwing getter is not one of ours.
    return undefined;
  }
}

/**
 * The brand of one of our classes: the base's and a made class's own, or, for a class declared as
 * `extends errorClass(…)` (every public error class), its made parent's. A host's subclass has none.
 */
function classBrand(cls: { prototype: object }): string | undefined {
  const own = cls.prototype as { [BRAND]?: unknown };
  if (Object.hasOwn(own, BRAND)) return own[BRAND] as string;
  const parent = Object.getPrototypeOf(own) as { [BRAND]?: unknown } | null;
  return parent !== null && MADE_BY_ERROR_CLASS.has(parent) ? (parent[BRAND] as string) : undefined;
}

/**
 * `value instanceof cls` for one of our classes: by the class chain, or by the brand when `value`
 * comes from another copy of the library. A class without a brand of its own (a host's subclass)
 * gets the ordinary check only.
 */
function isInstance(cls: { prototype: object }, value: unknown): boolean {
  if (Function.prototype[Symbol.hasInstance].call(cls, value)) return true;
  const expected = classBrand(cls);
  if (expected === undefined) return false;
  const kind = brandOf(value);
  if (kind === undefined) return false;
  return cls === PayrollIdentityErrorBase || kind === expected;
}

/** Marks `cls`'s instances (the brand is on the prototype: not enumerable, never serialised). */
function brand(cls: { prototype: object }, name: string): void {
  Object.defineProperty(cls.prototype, BRAND, { value: name, enumerable: false, writable: false });
}

/** Most provider messages an error keeps (the HTTP layer keeps far fewer; this is the safety net). */
const MAX_PROVIDER_MESSAGES = 50;
/** Most fields, and messages per field, an error keeps. */
const MAX_FIELDS = 100;
const MAX_FIELD_MESSAGES = 50;
/** Longest provider message or field message shown, in code points (the HTTP layer cuts at 500). */
const MAX_SHOWN_MESSAGE = 1_000;
/** Longest field path shown (8 keys of at most 64 characters, and the dots). */
const MAX_SHOWN_PATH = 520;

/**
 * Text someone else wrote (a provider's message, a field path) as an error keeps it: redacted first
 * (so that a cut cannot split a value), then cut and escaped. Escaping leaves `\` and `"` alone, so
 * that text already shown passes unchanged; a value that is not a string is shown as its type.
 */
function shownText(text: unknown, max = MAX_SHOWN_MESSAGE): string {
  if (typeof text !== 'string') return showUntrusted(text);
  return showUntrusted(redactPatterns(text), max, { escapeQuotes: false });
}

/** Field errors keyed by neutral field path (`address.postalCode`), each a list of safe messages. */
export type FieldErrors = Record<string, string[]>;

/**
 * Field errors as an error keeps them: paths and messages redacted, cut and escaped, their number
 * bounded. Built with `Object.fromEntries`, so that a path such as `__proto__` is an own key and
 * never the object's prototype.
 */
function shownFieldErrors(fields: FieldErrors): FieldErrors {
  const entries: [string, string[]][] = [];
  for (const path in fields) {
    if (!Object.hasOwn(fields, path)) continue;
    if (entries.length >= MAX_FIELDS) break;
    const messages = fields[path];
    const list = Array.isArray(messages) ? messages.slice(0, MAX_FIELD_MESSAGES) : [];
    entries.push([shownText(path, MAX_SHOWN_PATH), list.map((m) => shownText(m))]);
  }
  return Object.fromEntries(entries);
}

/**
 * The longest `retryAfterMs` an error carries: one day. A provider asking for longer (`Retry-After:
 * 3000000`, a date next month) is reported as one day, so that the value is always safe to pass to
 * `setTimeout` (Node turns any delay past 2^31 - 1 ms into 1 ms, with a `TimeoutOverflowWarning`).
 */
export const MAX_RETRY_AFTER_MS = 86_400_000;

/** A `retryAfterMs` as an error carries it: a whole number of ms from 0 to {@link MAX_RETRY_AFTER_MS}, or `undefined`. */
function boundedRetryAfter(ms: unknown): number | undefined {
  if (typeof ms !== 'number' || Number.isNaN(ms)) return undefined;
  return Math.min(Math.max(0, Math.ceil(ms)), MAX_RETRY_AFTER_MS);
}

/** What a caller needs to find out whether an ambiguous create took effect. No personal data. */
export interface ReconciliationHint {
  /** The tenant the call was for. */
  tenant: string | undefined;
  /** The tenant's provider. */
  provider: string | undefined;
  /** The operation whose outcome is unknown (a create). */
  operation: CallOperation;
  /** The `externalId` the create carried: look the user up by it (`listUsers({ externalId })`). */
  externalId?: string;
}

/** One problem in a configuration: where it is and why, never the offending value. */
export interface ConfigurationProblem {
  /** The tenant id, when the problem is in a tenant. */
  tenant?: string;
  /** The field's dotted path within the tenant (`credentials.apiKey`), or `(root)` / `(file)`. */
  field: string;
  /** What is wrong, without the value. */
  reason: string;
}

/** Most problems one `InvalidConfigurationError` lists (100,000 unknown keys are one mistake). */
const MAX_CONFIGURATION_PROBLEMS = 50;

/**
 * A problem with its tenant and field bounded (a safety net: the library's own checks already show
 * keys escaped and cut, but a custom provider's may not). Already-shown text passes unchanged.
 */
function boundedProblem(problem: ConfigurationProblem): ConfigurationProblem {
  const shown: ConfigurationProblem = {
    field: showUntrusted(problem.field, 512, { escapeQuotes: false }),
    reason: showUntrusted(problem.reason, 512, { escapeQuotes: false }),
  };
  if (problem.tenant !== undefined)
    shown.tenant = showUntrusted(problem.tenant, 128, { escapeQuotes: false });
  return {
    ...(shown.tenant !== undefined && { tenant: shown.tenant }),
    field: shown.field,
    reason: shown.reason,
  };
}

/** The problems an error lists: at most {@link MAX_CONFIGURATION_PROBLEMS}, then one saying how many more. */
function listedProblems(problems: readonly ConfigurationProblem[]): ConfigurationProblem[] {
  const all = Array.isArray(problems) ? problems : [];
  const listed = all.slice(0, MAX_CONFIGURATION_PROBLEMS).map(boundedProblem);
  if (all.length > listed.length) {
    listed.push({ field: '(more)', reason: `${all.length - listed.length} more problems not listed` });
  }
  return listed;
}

/**
 * How an error class keeps one of its details (`fieldErrors`, `retryAfterMs`…), as
 * {@link ERROR_CODES} lists it. `Given` is what the constructor's context may carry for it (optional
 * when it includes `undefined`), `Kept` what the error holds.
 */
export interface ErrorDetailSpec<Given, Kept> {
  /** What the error holds for what its context gave: bounded, redacted, escaped or copied. */
  keep(given: Given): Kept;
  /** How `toJSON()` shows what the error holds, when not as it is (`undefined` leaves it out). */
  shown?(kept: Kept): unknown;
}

/** What {@link ERROR_CODES} says of one code. */
export interface ErrorSpec<Details extends Readonly<Record<string, ErrorDetailSpec<never, unknown>>>> {
  /** The name of the code's class (and of its errors). */
  readonly name: string;
  /** The code's `retryable` default, which a context may override; `'never'`: always false. */
  readonly retryable: boolean | 'never';
  /** The details the class keeps beside every error's properties, in the order `toJSON()` shows them. */
  readonly details: Details;
}

/** One detail of {@link ERROR_CODES} (keeps `Given` as `Kept`, shown as kept unless `shown` says). */
function detail<Given, Kept>(
  keep: (given: Given) => Kept,
  shown?: (kept: Kept) => unknown,
): ErrorDetailSpec<Given, Kept> {
  return Object.freeze(shown ? { keep, shown } : { keep });
}

/** One entry of {@link ERROR_CODES}, frozen (a provider cannot make `outcome_unknown` retryable). */
function spec<
  Details extends Readonly<Record<string, ErrorDetailSpec<never, unknown>>> = Record<never, never>,
>(name: string, retryable: boolean | 'never', details: Details = {} as Details): ErrorSpec<Details> {
  return Object.freeze({ name, retryable, details: Object.freeze(details) });
}

/**
 * Every error code, with its class's name, its `retryable` default (`'never'`: not even a context
 * can make it retryable) and the details its class keeps beside every error's properties: each
 * detail's `keep` takes what the constructor's `context` gave and returns what the error holds,
 * bounded and redacted. {@link ErrorCode}, {@link ErrorContextFor}, {@link ErrorDetails},
 * {@link ErrorClassByCode} and each class are read from this table; docs/errors.md gives the
 * provider answers behind each code.
 */
export const ERROR_CODES = Object.freeze({
  /** Our own validation (before any request), or the provider's 400/422. */
  invalid_input: spec('InvalidInputError', false, {
    /** Messages by neutral field path (`address.postalCode`), redacted; paths and messages escaped. */
    fieldErrors: detail((given?: FieldErrors): FieldErrors => shownFieldErrors(given ?? {})),
  }),
  /** The provider refused the tenant's credentials (401/403). */
  authentication_failed: spec('AuthenticationFailedError', false),
  /** The provider has no such user (404). */
  not_found: spec('NotFoundError', false),
  /** The provider reports a conflict (409). */
  conflict: spec('ConflictError', false),
  /** The provider answered 429. */
  rate_limited: spec('RateLimitedError', true, {
    /**
     * How long the provider asked us to wait (`Retry-After`), when it said: a whole number of ms, at
     * most {@link MAX_RETRY_AFTER_MS} (one day), so always safe for `setTimeout`. It is the provider's
     * ask, not capped at the call's `timeoutMs` (which bounds this call, not when to come back).
     */
    retryAfterMs: detail((given?: number): number | undefined => boundedRetryAfter(given)),
  }),
  /** A 5xx after the retries the policy allows, or the tenant's circuit breaker is open. */
  provider_unavailable: spec('ProviderUnavailableError', true),
  /** The connection failed (refused, DNS, reset, hang-up). */
  network_error: spec('NetworkError', true, {
    /**
     * True when the failure provably happened before the request reached the provider (connection
     * refused, DNS failure): such a call may be sent again even if it is a create.
     */
    beforeRequestSent: detail((given: boolean): boolean => given === true),
  }),
  /** The call's or an attempt's deadline passed. */
  timeout: spec('TimeoutError', true),
  /** The caller's `AbortSignal` fired, or the payroll identity was closed. */
  aborted: spec('AbortedError', 'never', {
    /** Whether a create (a non-idempotent call) may have been carried out before it was cancelled. */
    mayHaveTakenEffect: detail((given?: boolean): boolean => given === true),
    /** With `mayHaveTakenEffect`: tenant, provider, operation and externalId to reconcile with. */
    reconciliation: detail((given?: ReconciliationHint): ReconciliationHint | undefined =>
      given ? { ...given } : undefined,
    ),
  }),
  /** A create was sent and whether it took effect is unknown. */
  outcome_unknown: spec('OutcomeUnknownError', 'never', {
    /** What to look the user up by. */
    reconciliation: detail((given: ReconciliationHint): ReconciliationHint => ({ ...given })),
  }),
  /** The provider answered something undocumented. */
  unexpected_response: spec('UnexpectedResponseError', false, {
    /** Paths in the response body that did not match the documented shape (no values). */
    issues: detail(
      (given?: readonly string[]): string[] => (given ?? []).map(redactPatterns),
      (kept) => (kept.length > 0 ? kept : undefined),
    ),
  }),
  /** The tenant's provider has no such operation. */
  unsupported_operation: spec('UnsupportedOperationError', false),
  /** The configuration (or its file) is invalid. */
  invalid_configuration: spec('InvalidConfigurationError', false, {
    /**
     * Every problem found (at most 50, then one saying how many more), by tenant and field, never
     * with a value; reasons redacted.
     */
    problems: detail((given: readonly ConfigurationProblem[]): ConfigurationProblem[] =>
      listedProblems(given).map((p) => ({ ...p, reason: redactPatterns(p.reason) })),
    ),
  }),
  /** `forTenant(id)` with an id the configuration does not name. */
  unknown_tenant: spec('UnknownTenantError', false),
  /** A webhook delivery that failed verification, decryption or parsing (`parseWebhook`). */
  invalid_webhook: spec('InvalidWebhookError', false, {
    /**
     * Which step refused it: `'signature'` (missing, malformed or wrong, or no provider of the tenant
     * signs with that header), `'decryption'` (an encrypted delivery that does not decrypt, or a plain
     * one where the tenant expects encryption), `'payload'` (too large, not JSON, not the provider's
     * documented shape). Anything else given is kept as `'payload'`.
     */
    reason: detail(
      (given: WebhookFailureReason): WebhookFailureReason =>
        WEBHOOK_FAILURE_REASONS.includes(given) ? given : 'payload',
    ),
  }),
});

/** Every error code; see docs/errors.md for the provider answers behind each. */
export type ErrorCode = keyof typeof ERROR_CODES;

/**
 * The properties the class of code `C` adds to every error's (`fieldErrors` for `invalid_input`,
 * `retryAfterMs` for `rate_limited`…), as its instances hold them. Read from {@link ERROR_CODES}.
 */
export type ErrorDetails<C extends ErrorCode> = {
  readonly [K in keyof (typeof ERROR_CODES)[C]['details']]: (typeof ERROR_CODES)[C]['details'][K] extends ErrorDetailSpec<
    never,
    infer Kept
  >
    ? Kept
    : never;
};

/**
 * What the class of code `C` is constructed with, `new XError(message, context)`: the shared
 * {@link ErrorContext} and the class's own details (`{ ...context, fieldErrors }` for an
 * `InvalidInputError`; `reconciliation` is required by `OutcomeUnknownError`, `beforeRequestSent` by
 * `NetworkError`, `problems` by `InvalidConfigurationError`). Read from {@link ERROR_CODES}.
 */
export type ErrorContextFor<C extends ErrorCode> = ErrorContext & {
  -readonly [K in keyof (typeof ERROR_CODES)[C]['details'] as (typeof ERROR_CODES)[C]['details'][K] extends ErrorDetailSpec<
    infer Given,
    unknown
  >
    ? undefined extends Given
      ? never
      : K
    : never]: (typeof ERROR_CODES)[C]['details'][K] extends ErrorDetailSpec<infer Given, unknown>
    ? Given
    : never;
} & {
  -readonly [K in keyof (typeof ERROR_CODES)[C]['details'] as (typeof ERROR_CODES)[C]['details'][K] extends ErrorDetailSpec<
    infer Given,
    unknown
  >
    ? undefined extends Given
      ? K
      : never
    : never]?: (typeof ERROR_CODES)[C]['details'][K] extends ErrorDetailSpec<infer Given, unknown>
    ? Exclude<Given, undefined>
    : never;
} extends infer Context
  ? // One object type, not an intersection: an array or a string given by mistake is refused.
    { [K in keyof Context]: Context[K] }
  : never;

/**
 * The class behind code `C`, which that code's public class extends (`class NotFoundError extends
 * …`): built with `(message, context)`, its `context` optional when none of its details is required.
 * `Context` is {@link ErrorContextFor}`<C>`, or what a dedicated class takes instead.
 */
export interface ErrorClass<C extends ErrorCode, Context = ErrorContextFor<C>> {
  /** An error of code `C` whose message is `message` (redacted) and whose details are read from `context`. */
  new (
    message: string,
    ...context: Partial<Context> extends Context ? [context?: Context] : [context: Context]
  ): PayrollIdentityErrorBase<C> & ErrorDetails<C>;
}

/**
 * The class every error of the library extends. Use it through {@link PayrollIdentityError} (the
 * same class, typed so that `instanceof` gives the union of the error classes, which `code` then
 * narrows); it is exported for a custom provider that defines its own subclass, built with
 * `(code, message, context)` (the library's own classes know their code: `(message, context)`).
 */
export class PayrollIdentityErrorBase<C extends ErrorCode = ErrorCode> extends Error {
  /** What went wrong, as one of a fixed set of codes; branch on this. */
  readonly code: C;
  /** The provider's name, when the error concerns one. */
  readonly provider: string | undefined;
  /** The tenant id, when the error concerns one. */
  readonly tenant: string | undefined;
  /** The operation that failed (a `UserService` one, or a webhook one). */
  readonly operation: CallOperation | undefined;
  /** The provider's HTTP status, when it answered. */
  readonly status: number | undefined;
  /** The provider's request id, when it sent one that looks like an id. */
  readonly requestId: string | undefined;
  /** Whether the same call may succeed if sent again later (the code's default unless overridden). */
  readonly retryable: boolean;
  /**
   * The provider's own messages (e.g. Teal's "This user already exists…"), redacted. Kept only for
   * calls that carried the person's data (create, update), so that every value the provider could
   * echo is known and scrubbed; empty otherwise. The `message` itself never quotes the provider.
   */
  readonly providerMessages: string[];

  constructor(code: C, message: string, context: ErrorContext = {}) {
    const cause = sanitizeCause(context.cause);
    super(redactPatterns(message), cause ? { cause } : undefined);
    this.name = 'PayrollIdentityError';
    this.code = code;
    this.provider = context.provider;
    // Configured ids pass unchanged (at most 128 printable characters); any other id a caller passed
    // (a closed identity's `forTenant(id)`) is escaped and cut, never kept whole.
    this.tenant =
      context.tenant === undefined ? undefined : showUntrusted(context.tenant, 128, { escapeQuotes: false });
    this.operation = context.operation;
    this.status = context.status;
    this.requestId = context.requestId;
    const retryable = Object.hasOwn(ERROR_CODES, code) ? ERROR_CODES[code].retryable : false;
    this.retryable = retryable === 'never' ? false : (context.retryable ?? retryable);
    this.providerMessages = (context.providerMessages ?? [])
      .slice(0, MAX_PROVIDER_MESSAGES)
      .map((m) => shownText(m));
  }

  /**
   * `instanceof` by the class chain, or by the brand for an error of another copy of the library
   * (its other build); a host's own subclass keeps the ordinary check.
   */
  static override [Symbol.hasInstance](value: unknown): boolean {
    // biome-ignore lint/complexity/noThisInStatic: `this` is the class right of instanceof (a subclass too).
    return isInstance(this, value);
  }

  /** Properties a subclass adds to the serialised form (already safe). */
  protected details(): Record<string, unknown> {
    return {};
  }

  /**
   * The safe, serialisable form: the properties above (undefined ones and empty `providerMessages`
   * left out) and the sanitised cause.
   */
  toJSON(): Record<string, unknown> {
    const json: Record<string, unknown> = {
      name: this.name,
      code: this.code,
      message: this.message,
      provider: this.provider,
      tenant: this.tenant,
      operation: this.operation,
      status: this.status,
      requestId: this.requestId,
      retryable: this.retryable,
      providerMessages: this.providerMessages.length > 0 ? [...this.providerMessages] : undefined,
      ...this.details(),
    };
    if (this.cause instanceof Error) {
      json.cause = (this.cause as Error & { toJSON?: () => unknown }).toJSON?.() ?? {
        name: this.cause.name,
      };
    }
    for (const key of Object.keys(json)) if (json[key] === undefined) delete json[key];
    return json;
  }

  /** How `util.inspect` (and so `console.log`) shows the error: the same properties as `toJSON()`. */
  [inspect.custom](
    _depth: number,
    options: { stylize?: unknown },
    inspectFn: typeof inspect = inspect,
  ): string {
    const { name: _n, message: _m, ...rest } = this.toJSON();
    return `${this.name} [${this.code}]: ${this.message} ${inspectFn(rest, { ...(options as object), depth: 4 })}`;
  }
}
brand(PayrollIdentityErrorBase, 'PayrollIdentityError');

/**
 * The class behind `code`, as its entry in {@link ERROR_CODES} (or a dedicated class's `spec`)
 * says: named, branded, with its details kept from the context and shown by `toJSON()` in the
 * entry's order. Each public class extends it in one line.
 */
function errorClass<C extends ErrorCode, Context = ErrorContextFor<C>>(
  code: C,
  spec: ErrorSpec<Readonly<Record<string, ErrorDetailSpec<never, unknown>>>> = ERROR_CODES[code],
): ErrorClass<C, Context> {
  const detailSpecs = Object.entries(spec.details);
  class CodeError extends PayrollIdentityErrorBase {
    constructor(message: string, context: ErrorContext = {}) {
      super(code, message, context);
      this.name = spec.name;
      const given = context as Record<string, unknown>;
      const self = this as unknown as Record<string, unknown>;
      for (const [key, detail] of detailSpecs) self[key] = detail.keep(given[key] as never);
    }
    protected override details(): Record<string, unknown> {
      const self = this as unknown as Record<string, unknown>;
      return Object.fromEntries(
        detailSpecs.map(([key, detail]) => [key, detail.shown ? detail.shown(self[key]) : self[key]]),
      );
    }
  }
  brand(CodeError, spec.name);
  MADE_BY_ERROR_CLASS.add(CodeError.prototype);
  return CodeError as unknown as ErrorClass<C, Context>;
}

/**
 * `invalid_input`: our own validation (before any request), or the provider's 400/422. Field errors
 * (`context.fieldErrors`) are keyed by neutral field path, whichever provider the tenant uses.
 */
export class InvalidInputError extends errorClass('invalid_input') {}

/** `authentication_failed`: the provider refused the tenant's credentials (401/403). */
export class AuthenticationFailedError extends errorClass('authentication_failed') {}

/** `not_found`: the provider has no such user (404). */
export class NotFoundError extends errorClass('not_found') {}

/**
 * `conflict`: the provider reports a conflict (409), e.g. Teal's "user already exists". Never
 * retried. The provider's own words go in `context.providerMessages` (see
 * {@link PayrollIdentityErrorBase.providerMessages}).
 */
export class ConflictError extends errorClass('conflict') {}

/** `rate_limited`: the provider answered 429; `retryAfterMs` says how long it asked us to wait. */
export class RateLimitedError extends errorClass('rate_limited') {}

/**
 * `provider_unavailable`: a 5xx after the retries the policy allows, or the tenant's circuit breaker
 * is open (no request was sent; `status` is then absent).
 */
export class ProviderUnavailableError extends errorClass('provider_unavailable') {}

/** `network_error`: the connection failed (refused, DNS, reset, hang-up); `beforeRequestSent` says when. */
export class NetworkError extends errorClass('network_error') {}

/** `timeout`: the call's deadline (`timeoutMs`) or an attempt's (`retry.attemptTimeoutMs`) passed. */
export class TimeoutError extends errorClass('timeout') {}

/**
 * `aborted`: the caller's `AbortSignal` fired, or the payroll identity was closed. Never retryable.
 * Cancelling a create does not undo it: when its request may already have reached the provider,
 * `mayHaveTakenEffect` is true and `reconciliation` says what to look the user up by (both from the
 * context; by default nothing took effect).
 */
export class AbortedError extends errorClass('aborted') {}

/**
 * `outcome_unknown`: a create was sent, no usable answer came back, and the library could not find
 * out whether the user exists. It is never replayed blindly (never retryable): look the user up by
 * `reconciliation.externalId`, then create again only if it is not there.
 */
export class OutcomeUnknownError extends errorClass('outcome_unknown') {}

/**
 * `unexpected_response`: the provider answered something undocumented: a 2xx of the wrong shape, not
 * JSON or over the size cap, an undocumented status, a redirect. Never retried.
 */
export class UnexpectedResponseError extends errorClass('unexpected_response') {}

/** `unsupported_operation`: the tenant's provider has no such operation (see `capabilities.operations`). */
export class UnsupportedOperationError extends errorClass('unsupported_operation') {}

/**
 * `invalid_webhook`: `parseWebhook` refused a delivery; `reason` says at which step (`'signature'`,
 * `'decryption'`, `'payload'`). Never retryable: the same bytes fail the same way. Its message never
 * quotes the body, a header, a secret or anything read from the delivery.
 */
export class InvalidWebhookError extends errorClass('invalid_webhook') {}

/**
 * `invalid_configuration`: the configuration (or its file) is invalid; `problems` lists every
 * problem at once, by tenant and field, never with a value. {@link InvalidConfigurationError.of}
 * builds the message that lists them.
 */
export class InvalidConfigurationError extends errorClass('invalid_configuration') {
  /** The error for `problems`, its message listing each (at most 50) by tenant and field. */
  static of(
    problems: readonly ConfigurationProblem[],
    context: ErrorContext = {},
  ): InvalidConfigurationError {
    const count = Array.isArray(problems) ? problems.length : 0;
    const lines = listedProblems(problems).map(
      (p) =>
        `  - ${p.tenant !== undefined ? `tenant "${p.tenant}": ` : ''}${p.field ? `${p.field}: ` : ''}${p.reason}`,
    );
    return new InvalidConfigurationError(
      `Invalid payroll-identity configuration (${count} problem${count === 1 ? '' : 's'}):\n${lines.join('\n')}`,
      { ...context, problems },
    );
  }
}

/**
 * `unknown_tenant`: `forTenant(id)` with an id the configuration does not name.
 * {@link UnknownTenantError.of} builds its message, which shows the requested id escaped and cut to
 * 64 characters, and how many tenants are configured: never their ids (one tenant's caller must not
 * learn which other lenders share the process).
 */
export class UnknownTenantError extends errorClass('unknown_tenant') {
  /** The error for `forTenant(tenant)`. `configured`: the configured tenant ids, or their number; only the number is used. */
  static of(tenant: unknown, configured: readonly string[] | number = 0): UnknownTenantError {
    // Cut before anything else reads it: a 1 MiB id costs what a 64-character one does.
    const shown = showUntrusted(tenant);
    const count = typeof configured === 'number' ? configured : configured.length;
    return new UnknownTenantError(
      `No tenant "${shown}" is configured (the configuration has ${count} tenant${count === 1 ? '' : 's'}).`,
      { tenant: redactPatterns(shown) },
    );
  }
}

/** The entry of a {@link ClosedIdentityError}: code `invalid_configuration`, `problems` always empty. */
const CLOSED_IDENTITY = spec('ClosedIdentityError', false, {
  /** Always empty: nothing is wrong with the configuration, the identity was closed. */
  problems: detail((_given?: unknown): ConfigurationProblem[] => []),
});

/**
 * What `forTenant` on a closed identity throws: code `invalid_configuration`, with an empty
 * `problems` (the configuration itself was valid), so that narrowing by `code` alone gives `problems`
 * whichever of the two classes was thrown. {@link ClosedIdentityError.of} gives it its message.
 */
export class ClosedIdentityError extends errorClass<'invalid_configuration', ErrorContext>(
  'invalid_configuration',
  CLOSED_IDENTITY,
) {
  /** The error for `forTenant` on a closed identity (`context.tenant`: the id asked for). */
  static of(context: ErrorContext = {}): ClosedIdentityError {
    return new ClosedIdentityError('This payroll identity is closed', context);
  }
}

/**
 * The error class behind each code (from {@link ERROR_CODES}), so that {@link isPayrollIdentityError}
 * narrows to it. (`invalid_configuration` is also thrown by a closed identity, as a
 * {@link ClosedIdentityError}; both have `problems`.)
 */
export type ErrorClassByCode = {
  [C in ErrorCode]: InstanceType<ErrorClass<C>> | Extract<ClosedIdentityError, PayrollIdentityErrorBase<C>>;
};

/**
 * Every error the library throws, as a union discriminated by `code`: checking `code` narrows to the
 * code's class, so its own properties (`fieldErrors`, `retryAfterMs`, `reconciliation`…) are typed.
 */
export type PayrollIdentityError = ErrorClassByCode[ErrorCode];

/** The type of the {@link PayrollIdentityError} value: the base class, typed for narrowing. */
export interface PayrollIdentityErrorConstructor {
  /**
   * Builds an error of the base class (the library throws each code's subclass instead); a host's
   * subclass may still `extends PayrollIdentityError`.
   */
  new (code: ErrorCode, message: string, context?: ErrorContext): PayrollIdentityErrorBase;
  /** `error instanceof PayrollIdentityError` narrows to the union, which `code` narrows further. */
  [Symbol.hasInstance](value: unknown): value is PayrollIdentityError;
}

/**
 * The base of every error the library throws (the class {@link PayrollIdentityErrorBase}). Its
 * message never contains a credential or personal data, and `toJSON()` / `util.inspect` show only
 * its properties (and a subclass's own). `instanceof` also recognises an error of the library's
 * other build (ESM or CommonJS) loaded in the same process.
 *
 * @example
 * ```ts
 * try {
 *   await users.createUser(input);
 * } catch (error) {
 *   if (error instanceof PayrollIdentityError && error.code === 'invalid_input') return error.fieldErrors;
 *   throw error;
 * }
 * ```
 */
export const PayrollIdentityError = PayrollIdentityErrorBase as unknown as PayrollIdentityErrorConstructor;

/**
 * Whether `value` is a `PayrollIdentityError`, of `code` when given; with a code it narrows to that
 * code's class, so its own properties (`fieldErrors`, `retryAfterMs`, `reconciliation`…) are typed.
 * Errors of the library's other build (ESM or CommonJS) loaded in the same process count too.
 *
 * @example
 * ```ts
 * catch (error) {
 *   if (isPayrollIdentityError(error, 'conflict')) return findExisting(input.externalId);
 *   if (isPayrollIdentityError(error, 'invalid_input')) return { fields: error.fieldErrors };
 *   throw error;
 * }
 * ```
 */
export function isPayrollIdentityError(value: unknown): value is PayrollIdentityError;
export function isPayrollIdentityError<C extends ErrorCode>(
  value: unknown,
  code: C,
): value is ErrorClassByCode[C];
export function isPayrollIdentityError(value: unknown, code?: ErrorCode): boolean {
  if (brandOf(value) === undefined) return false;
  return code === undefined || (value as { code?: unknown }).code === code;
}

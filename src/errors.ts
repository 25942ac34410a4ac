/**
 * The error hierarchy: one base class, one subclass per code.
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

/** Every error code; see docs/errors.md for the provider answers behind each. */
export type ErrorCode =
  | 'invalid_input'
  | 'authentication_failed'
  | 'not_found'
  | 'conflict'
  | 'rate_limited'
  | 'provider_unavailable'
  | 'network_error'
  | 'timeout'
  | 'aborted'
  | 'outcome_unknown'
  | 'unexpected_response'
  | 'unsupported_operation'
  | 'invalid_configuration'
  | 'unknown_tenant';

/** The operations of a `UserService`, as errors and events name them. */
export type Operation =
  | 'createUser'
  | 'getUser'
  | 'updateUser'
  | 'deleteUser'
  | 'listUsers'
  | 'createLinkToken';

/** What an error is built with (adapters and the HTTP client pass it; everything is optional). */
export interface ErrorContext {
  /** The provider's name (`'argyle'`, `'teal'`). */
  provider?: string;
  /** The tenant id. */
  tenant?: string;
  /** The `UserService` operation that failed. */
  operation?: Operation;
  /** The provider's HTTP status, when it answered. */
  status?: number;
  /** The provider's request id, when it sent one. */
  requestId?: string;
  /** Overrides the code's default. */
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
 * `value instanceof cls` for one of our classes: by the class chain, or by the brand when `value`
 * comes from another copy of the library. A class without a brand of its own (a host's subclass)
 * gets the ordinary check only.
 */
function isInstance(cls: { prototype: object }, value: unknown): boolean {
  if (Function.prototype[Symbol.hasInstance].call(cls, value)) return true;
  if (!Object.hasOwn(cls.prototype, BRAND)) return false;
  const kind = brandOf(value);
  if (kind === undefined) return false;
  return cls === PayrollIdentityErrorBase || kind === (cls.prototype as { [BRAND]?: unknown })[BRAND];
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

const RETRYABLE_BY_DEFAULT: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'rate_limited',
  'provider_unavailable',
  'network_error',
  'timeout',
]);

/**
 * The class every error of the library extends. Use it through {@link PayrollIdentityError} (the
 * same class, typed so that `instanceof` gives the union of the error classes, which `code` then
 * narrows); it is exported for a custom provider that defines its own subclass.
 */
export class PayrollIdentityErrorBase extends Error {
  /** What went wrong, as one of a fixed set of codes; branch on this. */
  readonly code: ErrorCode;
  /** The provider's name, when the error concerns one. */
  readonly provider: string | undefined;
  /** The tenant id, when the error concerns one. */
  readonly tenant: string | undefined;
  /** The `UserService` operation that failed. */
  readonly operation: Operation | undefined;
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

  constructor(code: ErrorCode, message: string, context: ErrorContext = {}) {
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
    this.retryable = context.retryable ?? RETRYABLE_BY_DEFAULT.has(code);
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
 * `invalid_input`: our own validation (before any request), or the provider's 400/422. Field errors
 * are keyed by neutral field path, whichever provider the tenant uses.
 */
export class InvalidInputError extends PayrollIdentityErrorBase {
  declare readonly code: 'invalid_input';
  /** Messages by neutral field path (`address.postalCode`), redacted. */
  readonly fieldErrors: FieldErrors;
  constructor(message: string, fieldErrors: FieldErrors = {}, context: ErrorContext = {}) {
    super('invalid_input', message, context);
    this.name = 'InvalidInputError';
    this.fieldErrors = shownFieldErrors(fieldErrors);
  }
  protected override details(): Record<string, unknown> {
    return { fieldErrors: this.fieldErrors };
  }
}
brand(InvalidInputError, 'InvalidInputError');

/** `authentication_failed`: the provider refused the tenant's credentials (401/403). */
export class AuthenticationFailedError extends PayrollIdentityErrorBase {
  declare readonly code: 'authentication_failed';
  constructor(message: string, context: ErrorContext = {}) {
    super('authentication_failed', message, context);
    this.name = 'AuthenticationFailedError';
  }
}
brand(AuthenticationFailedError, 'AuthenticationFailedError');

/** `not_found`: the provider has no such user (404). */
export class NotFoundError extends PayrollIdentityErrorBase {
  declare readonly code: 'not_found';
  constructor(message: string, context: ErrorContext = {}) {
    super('not_found', message, context);
    this.name = 'NotFoundError';
  }
}
brand(NotFoundError, 'NotFoundError');

/** `conflict`: the provider reports a conflict (409), e.g. Teal's "user already exists". Never retried. */
export class ConflictError extends PayrollIdentityErrorBase {
  declare readonly code: 'conflict';
  /** `providerMessages`: the provider's own messages (see {@link PayrollIdentityErrorBase.providerMessages}). */
  constructor(message: string, providerMessages: readonly string[] = [], context: ErrorContext = {}) {
    super('conflict', message, {
      ...context,
      providerMessages: [...(context.providerMessages ?? []), ...providerMessages],
    });
    this.name = 'ConflictError';
  }
}
brand(ConflictError, 'ConflictError');

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

/** `rate_limited`: the provider answered 429; `retryAfterMs` says how long it asked us to wait. */
export class RateLimitedError extends PayrollIdentityErrorBase {
  declare readonly code: 'rate_limited';
  /**
   * How long the provider asked us to wait (`Retry-After`), when it said: a whole number of ms, at
   * most {@link MAX_RETRY_AFTER_MS} (one day), so always safe for `setTimeout`. It is the provider's
   * ask, not capped at the call's `timeoutMs` (which bounds this call, not when to come back).
   */
  readonly retryAfterMs: number | undefined;
  constructor(message: string, retryAfterMs: number | undefined, context: ErrorContext = {}) {
    super('rate_limited', message, context);
    this.name = 'RateLimitedError';
    this.retryAfterMs = boundedRetryAfter(retryAfterMs);
  }
  protected override details(): Record<string, unknown> {
    return { retryAfterMs: this.retryAfterMs };
  }
}
brand(RateLimitedError, 'RateLimitedError');

/**
 * `provider_unavailable`: a 5xx after the retries the policy allows, or the tenant's circuit breaker
 * is open (no request was sent; `status` is then absent).
 */
export class ProviderUnavailableError extends PayrollIdentityErrorBase {
  declare readonly code: 'provider_unavailable';
  constructor(message: string, context: ErrorContext = {}) {
    super('provider_unavailable', message, context);
    this.name = 'ProviderUnavailableError';
  }
}
brand(ProviderUnavailableError, 'ProviderUnavailableError');

/** `network_error`: the connection failed (refused, DNS, reset, hang-up). */
export class NetworkError extends PayrollIdentityErrorBase {
  declare readonly code: 'network_error';
  /**
   * True when the failure provably happened before the request reached the provider (connection
   * refused, DNS failure): such a call may be sent again even if it is a create.
   */
  readonly beforeRequestSent: boolean;
  constructor(message: string, beforeRequestSent: boolean, context: ErrorContext = {}) {
    super('network_error', message, context);
    this.name = 'NetworkError';
    this.beforeRequestSent = beforeRequestSent;
  }
  protected override details(): Record<string, unknown> {
    return { beforeRequestSent: this.beforeRequestSent };
  }
}
brand(NetworkError, 'NetworkError');

/** `timeout`: the call's deadline (`timeoutMs`) or an attempt's (`retry.attemptTimeoutMs`) passed. */
export class TimeoutError extends PayrollIdentityErrorBase {
  declare readonly code: 'timeout';
  constructor(message: string, context: ErrorContext = {}) {
    super('timeout', message, context);
    this.name = 'TimeoutError';
  }
}
brand(TimeoutError, 'TimeoutError');

/**
 * `aborted`: the caller's `AbortSignal` fired, or the payroll identity was closed. Never retryable.
 * Cancelling a create does not undo it: when its request may already have reached the provider,
 * `mayHaveTakenEffect` is true and `reconciliation` says what to look the user up by.
 */
export class AbortedError extends PayrollIdentityErrorBase {
  declare readonly code: 'aborted';
  /** Whether a create (a non-idempotent call) may have been carried out before it was cancelled. */
  readonly mayHaveTakenEffect: boolean;
  /** With `mayHaveTakenEffect`: tenant, provider, operation and externalId to reconcile with. */
  readonly reconciliation: ReconciliationHint | undefined;
  /**
   * `effect`: whether a create (a non-idempotent call) was cancelled after its request may have left,
   * and then what to look the user up by, as on `outcome_unknown`. Default: nothing taken effect.
   */
  constructor(
    message: string,
    context: ErrorContext = {},
    effect?: { mayHaveTakenEffect: boolean; reconciliation?: ReconciliationHint },
  ) {
    super('aborted', message, { ...context, retryable: false });
    this.name = 'AbortedError';
    this.mayHaveTakenEffect = effect?.mayHaveTakenEffect ?? false;
    this.reconciliation = effect?.reconciliation ? { ...effect.reconciliation } : undefined;
  }
  protected override details(): Record<string, unknown> {
    return { mayHaveTakenEffect: this.mayHaveTakenEffect, reconciliation: this.reconciliation };
  }
}
brand(AbortedError, 'AbortedError');

/** What a caller needs to find out whether an ambiguous create took effect. No personal data. */
export interface ReconciliationHint {
  /** The tenant the call was for. */
  tenant: string | undefined;
  /** The tenant's provider. */
  provider: string | undefined;
  /** The operation whose outcome is unknown (a create). */
  operation: Operation;
  /** The `externalId` the create carried: look the user up by it (`listUsers({ externalId })`). */
  externalId?: string;
}

/**
 * `outcome_unknown`: a create was sent, no usable answer came back, and the library could not find
 * out whether the user exists. It is never replayed blindly: look the user up by
 * `reconciliation.externalId`, then create again only if it is not there.
 */
export class OutcomeUnknownError extends PayrollIdentityErrorBase {
  declare readonly code: 'outcome_unknown';
  /** What to look the user up by. */
  readonly reconciliation: ReconciliationHint;
  constructor(message: string, reconciliation: ReconciliationHint, context: ErrorContext = {}) {
    super('outcome_unknown', message, { ...context, retryable: false });
    this.name = 'OutcomeUnknownError';
    this.reconciliation = { ...reconciliation };
  }
  protected override details(): Record<string, unknown> {
    return { reconciliation: this.reconciliation };
  }
}
brand(OutcomeUnknownError, 'OutcomeUnknownError');

/**
 * `unexpected_response`: the provider answered something undocumented: a 2xx of the wrong shape, not
 * JSON or over the size cap, an undocumented status, a redirect. Never retried.
 */
export class UnexpectedResponseError extends PayrollIdentityErrorBase {
  declare readonly code: 'unexpected_response';
  /** Paths in the response body that did not match the documented shape (no values). */
  readonly issues: string[];
  constructor(message: string, issues: string[] = [], context: ErrorContext = {}) {
    super('unexpected_response', message, context);
    this.name = 'UnexpectedResponseError';
    this.issues = issues.map(redactPatterns);
  }
  protected override details(): Record<string, unknown> {
    return this.issues.length > 0 ? { issues: this.issues } : {};
  }
}
brand(UnexpectedResponseError, 'UnexpectedResponseError');

/** `unsupported_operation`: the tenant's provider has no such operation (see `capabilities.operations`). */
export class UnsupportedOperationError extends PayrollIdentityErrorBase {
  declare readonly code: 'unsupported_operation';
  constructor(message: string, context: ErrorContext = {}) {
    super('unsupported_operation', message, context);
    this.name = 'UnsupportedOperationError';
  }
}
brand(UnsupportedOperationError, 'UnsupportedOperationError');

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

/**
 * `invalid_configuration`: the configuration (or its file) is invalid; `problems` lists every
 * problem at once, by tenant and field, never with a value.
 */
export class InvalidConfigurationError extends PayrollIdentityErrorBase {
  declare readonly code: 'invalid_configuration';
  /** Every problem found (at most {@link MAX_CONFIGURATION_PROBLEMS}, then one saying how many more). */
  readonly problems: ConfigurationProblem[];
  constructor(problems: ConfigurationProblem[], context: ErrorContext = {}) {
    const listed = problems.slice(0, MAX_CONFIGURATION_PROBLEMS).map(boundedProblem);
    if (problems.length > listed.length) {
      listed.push({ field: '(more)', reason: `${problems.length - listed.length} more problems not listed` });
    }
    const lines = listed.map(
      (p) =>
        `  - ${p.tenant !== undefined ? `tenant "${p.tenant}": ` : ''}${p.field ? `${p.field}: ` : ''}${p.reason}`,
    );
    super(
      'invalid_configuration',
      `Invalid payroll-identity configuration (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n${lines.join('\n')}`,
      context,
    );
    this.name = 'InvalidConfigurationError';
    this.problems = listed.map((p) => ({ ...p, reason: redactPatterns(p.reason) }));
  }
  protected override details(): Record<string, unknown> {
    return { problems: this.problems };
  }
}
brand(InvalidConfigurationError, 'InvalidConfigurationError');

/**
 * `unknown_tenant`: `forTenant(id)` with an id the configuration does not name. The message shows
 * the requested id escaped and cut to 64 characters, and how many tenants are configured: never
 * their ids (one tenant's caller must not learn which other lenders share the process).
 */
export class UnknownTenantError extends PayrollIdentityErrorBase {
  declare readonly code: 'unknown_tenant';
  /**
   * `configured`: the configured tenant ids, or their number; only the number is used.
   */
  constructor(tenant: unknown, configured: readonly string[] | number = 0) {
    // Cut before anything else reads it: a 1 MiB id costs what a 64-character one does.
    const shown = showUntrusted(tenant);
    const count = typeof configured === 'number' ? configured : configured.length;
    super(
      'unknown_tenant',
      `No tenant "${shown}" is configured (the configuration has ${count} tenant${count === 1 ? '' : 's'}).`,
      { tenant: redactPatterns(shown) },
    );
    this.name = 'UnknownTenantError';
  }
}
brand(UnknownTenantError, 'UnknownTenantError');

/**
 * What `forTenant` on a closed identity throws: code `invalid_configuration`, with an empty
 * `problems` (the configuration itself was valid), so that narrowing by `code` alone gives `problems`
 * whichever of the two classes was thrown.
 */
export class ClosedIdentityError extends PayrollIdentityErrorBase {
  declare readonly code: 'invalid_configuration';
  /** Always empty: nothing is wrong with the configuration, the identity was closed. */
  readonly problems: ConfigurationProblem[] = [];
  constructor(context: ErrorContext = {}) {
    super('invalid_configuration', 'This payroll identity is closed', context);
    this.name = 'ClosedIdentityError';
  }
  protected override details(): Record<string, unknown> {
    return { problems: [] };
  }
}
brand(ClosedIdentityError, 'ClosedIdentityError');

/**
 * The error class behind each code, so that {@link isPayrollIdentityError} narrows to it.
 * (`invalid_configuration` is also thrown by a closed identity, as a {@link ClosedIdentityError};
 * both have `problems`.)
 */
export interface ErrorClassByCode {
  /** The class behind `invalid_input`. */
  invalid_input: InvalidInputError;
  /** The class behind `authentication_failed`. */
  authentication_failed: AuthenticationFailedError;
  /** The class behind `not_found`. */
  not_found: NotFoundError;
  /** The class behind `conflict`. */
  conflict: ConflictError;
  /** The class behind `rate_limited`. */
  rate_limited: RateLimitedError;
  /** The class behind `provider_unavailable`. */
  provider_unavailable: ProviderUnavailableError;
  /** The class behind `network_error`. */
  network_error: NetworkError;
  /** The class behind `timeout`. */
  timeout: TimeoutError;
  /** The class behind `aborted`. */
  aborted: AbortedError;
  /** The class behind `outcome_unknown`. */
  outcome_unknown: OutcomeUnknownError;
  /** The class behind `unexpected_response`. */
  unexpected_response: UnexpectedResponseError;
  /** The class behind `unsupported_operation`. */
  unsupported_operation: UnsupportedOperationError;
  /** The classes behind `invalid_configuration` (a {@link ClosedIdentityError} when a closed identity is used). */
  invalid_configuration: InvalidConfigurationError | ClosedIdentityError;
  /** The class behind `unknown_tenant`. */
  unknown_tenant: UnknownTenantError;
}

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

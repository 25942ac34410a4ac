/**
 * The error hierarchy: one base class, one subclass per code (DESIGN.md §2).
 *
 * Safety rules, enforced here rather than at every throw site:
 * - every message, provider message and field message goes through pattern redaction;
 * - a `cause` is never kept as it was thrown (an AxiosError holds the request config, headers and
 *   credentials): it is replaced by a {@link SanitizedCause} with a name, a code and a redacted message;
 * - `toJSON()` and `util.inspect` show a fixed allow-list of properties and nothing else.
 */
import { inspect } from 'node:util';
import { redactPatterns } from './redact.js';

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
  if (cause instanceof PayrollIdentityError || cause instanceof SanitizedCause) return cause;
  return new SanitizedCause(cause);
}

const RETRYABLE_BY_DEFAULT: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'rate_limited',
  'provider_unavailable',
  'network_error',
  'timeout',
]);

/**
 * The base of every error the library throws. Its message never contains a credential or personal
 * data, and `toJSON()` / `util.inspect` show only the properties below (and a subclass's own).
 *
 * @example
 * ```ts
 * try {
 *   await users.getUser(id);
 * } catch (error) {
 *   if (error instanceof PayrollIdentityError && error.code === 'not_found') return undefined;
 *   throw error;
 * }
 * ```
 */
export class PayrollIdentityError extends Error {
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
    this.tenant = context.tenant;
    this.operation = context.operation;
    this.status = context.status;
    this.requestId = context.requestId;
    this.retryable = context.retryable ?? RETRYABLE_BY_DEFAULT.has(code);
    this.providerMessages = (context.providerMessages ?? []).map(redactPatterns);
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

/** Field errors keyed by neutral field path (`address.postalCode`), each a list of safe messages. */
export type FieldErrors = Record<string, string[]>;

function redactFieldErrors(fields: FieldErrors): FieldErrors {
  const out: FieldErrors = {};
  for (const [path, messages] of Object.entries(fields)) out[path] = messages.map(redactPatterns);
  return out;
}

/**
 * `invalid_input`: our own validation (before any request), or the provider's 400/422. Field errors
 * are keyed by neutral field path, whichever provider the tenant uses.
 */
export class InvalidInputError extends PayrollIdentityError {
  /** Messages by neutral field path (`address.postalCode`), redacted. */
  readonly fieldErrors: FieldErrors;
  constructor(message: string, fieldErrors: FieldErrors = {}, context: ErrorContext = {}) {
    super('invalid_input', message, context);
    this.name = 'InvalidInputError';
    this.fieldErrors = redactFieldErrors(fieldErrors);
  }
  protected override details(): Record<string, unknown> {
    return { fieldErrors: this.fieldErrors };
  }
}

/** `authentication_failed`: the provider refused the tenant's credentials (401/403). */
export class AuthenticationFailedError extends PayrollIdentityError {
  constructor(message: string, context: ErrorContext = {}) {
    super('authentication_failed', message, context);
    this.name = 'AuthenticationFailedError';
  }
}

/** `not_found`: the provider has no such user (404). */
export class NotFoundError extends PayrollIdentityError {
  constructor(message: string, context: ErrorContext = {}) {
    super('not_found', message, context);
    this.name = 'NotFoundError';
  }
}

/** `conflict`: the provider reports a conflict (409), e.g. Teal's "user already exists". Never retried. */
export class ConflictError extends PayrollIdentityError {
  /** `providerMessages`: the provider's own messages (see {@link PayrollIdentityError.providerMessages}). */
  constructor(message: string, providerMessages: readonly string[] = [], context: ErrorContext = {}) {
    super('conflict', message, {
      ...context,
      providerMessages: [...(context.providerMessages ?? []), ...providerMessages],
    });
    this.name = 'ConflictError';
  }
}

/** `rate_limited`: the provider answered 429; `retryAfterMs` says how long it asked us to wait. */
export class RateLimitedError extends PayrollIdentityError {
  /** How long the provider asked us to wait (`Retry-After`), when it said. */
  readonly retryAfterMs: number | undefined;
  constructor(message: string, retryAfterMs: number | undefined, context: ErrorContext = {}) {
    super('rate_limited', message, context);
    this.name = 'RateLimitedError';
    this.retryAfterMs = retryAfterMs;
  }
  protected override details(): Record<string, unknown> {
    return { retryAfterMs: this.retryAfterMs };
  }
}

/**
 * `provider_unavailable`: a 5xx after the retries the policy allows, or the tenant's circuit breaker
 * is open (no request was sent; `status` is then absent).
 */
export class ProviderUnavailableError extends PayrollIdentityError {
  constructor(message: string, context: ErrorContext = {}) {
    super('provider_unavailable', message, context);
    this.name = 'ProviderUnavailableError';
  }
}

/** `network_error`: the connection failed (refused, DNS, reset, hang-up). */
export class NetworkError extends PayrollIdentityError {
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

/** `timeout`: the call's deadline (`timeoutMs`) or an attempt's (`retry.attemptTimeoutMs`) passed. */
export class TimeoutError extends PayrollIdentityError {
  constructor(message: string, context: ErrorContext = {}) {
    super('timeout', message, context);
    this.name = 'TimeoutError';
  }
}

/**
 * `aborted`: the caller's `AbortSignal` fired, or the payroll identity was closed. Never retryable.
 * Cancelling a create does not undo it: when its request may already have reached the provider,
 * `mayHaveTakenEffect` is true and `reconciliation` says what to look the user up by.
 */
export class AbortedError extends PayrollIdentityError {
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
export class OutcomeUnknownError extends PayrollIdentityError {
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

/**
 * `unexpected_response`: the provider answered something undocumented: a 2xx of the wrong shape, not
 * JSON or over the size cap, an undocumented status, a redirect. Never retried.
 */
export class UnexpectedResponseError extends PayrollIdentityError {
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

/** `unsupported_operation`: the tenant's provider has no such operation (see `capabilities.operations`). */
export class UnsupportedOperationError extends PayrollIdentityError {
  constructor(message: string, context: ErrorContext = {}) {
    super('unsupported_operation', message, context);
    this.name = 'UnsupportedOperationError';
  }
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

/**
 * `invalid_configuration`: the configuration (or its file) is invalid; `problems` lists every
 * problem at once, by tenant and field, never with a value.
 */
export class InvalidConfigurationError extends PayrollIdentityError {
  /** Every problem found. */
  readonly problems: ConfigurationProblem[];
  constructor(problems: ConfigurationProblem[], context: ErrorContext = {}) {
    const lines = problems.map(
      (p) =>
        `  - ${p.tenant !== undefined ? `tenant "${p.tenant}": ` : ''}${p.field ? `${p.field}: ` : ''}${p.reason}`,
    );
    super(
      'invalid_configuration',
      `Invalid payroll-identity configuration (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n${lines.join('\n')}`,
      context,
    );
    this.name = 'InvalidConfigurationError';
    this.problems = problems.map((p) => ({ ...p, reason: redactPatterns(p.reason) }));
  }
  protected override details(): Record<string, unknown> {
    return { problems: this.problems };
  }
}

/** `unknown_tenant`: `forTenant(id)` with an id the configuration does not name. */
export class UnknownTenantError extends PayrollIdentityError {
  constructor(tenant: string, known: readonly string[]) {
    const hint =
      known.length > 0
        ? ` Configured tenants: ${known.slice(0, 20).join(', ')}${known.length > 20 ? ', …' : ''}.`
        : '';
    super('unknown_tenant', `No tenant "${tenant}" is configured.${hint}`, { tenant });
    this.name = 'UnknownTenantError';
  }
}

/** What `forTenant` on a closed identity throws: the base class with code `invalid_configuration`. */
export type ClosedIdentityError = PayrollIdentityError & {
  /** Always `invalid_configuration`. */
  code: 'invalid_configuration';
};

/**
 * The error class behind each code, so that {@link isPayrollIdentityError} narrows to it.
 * (`invalid_configuration` thrown by a closed identity is the base class, hence the union.)
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
  /** The class behind `invalid_configuration` (the base class when a closed identity is used). */
  invalid_configuration: InvalidConfigurationError | ClosedIdentityError;
  /** The class behind `unknown_tenant`. */
  unknown_tenant: UnknownTenantError;
}

/**
 * Whether `value` is a `PayrollIdentityError`, of `code` when given; with a code it narrows to that
 * code's class, so its own properties (`fieldErrors`, `retryAfterMs`, `reconciliation`…) are typed.
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
  return value instanceof PayrollIdentityError && (code === undefined || value.code === code);
}

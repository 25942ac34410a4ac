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

export interface ErrorContext {
  provider?: string;
  tenant?: string;
  operation?: Operation;
  status?: number;
  requestId?: string;
  /** Overrides the code's default. */
  retryable?: boolean;
  cause?: unknown;
}

/**
 * A thrown value reduced to what is safe to keep: its name and its code. Its message is dropped:
 * a transport error's message can quote a URL, a header or a body, and no pattern can recognise
 * every secret (an API key is just a string).
 */
export class SanitizedCause extends Error {
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

  toJSON(): Record<string, unknown> {
    return { name: this.name, code: this.code, message: this.message };
  }

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

export class PayrollIdentityError extends Error {
  readonly code: ErrorCode;
  readonly provider: string | undefined;
  readonly tenant: string | undefined;
  readonly operation: Operation | undefined;
  readonly status: number | undefined;
  readonly requestId: string | undefined;
  readonly retryable: boolean;

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
  }

  /** Properties a subclass adds to the serialised form (already safe). */
  protected details(): Record<string, unknown> {
    return {};
  }

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

export class InvalidInputError extends PayrollIdentityError {
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

export class AuthenticationFailedError extends PayrollIdentityError {
  constructor(message: string, context: ErrorContext = {}) {
    super('authentication_failed', message, context);
    this.name = 'AuthenticationFailedError';
  }
}

export class NotFoundError extends PayrollIdentityError {
  constructor(message: string, context: ErrorContext = {}) {
    super('not_found', message, context);
    this.name = 'NotFoundError';
  }
}

export class ConflictError extends PayrollIdentityError {
  /** The provider's own messages (e.g. Teal's "This user already exists…"), redacted. */
  readonly providerMessages: string[];
  constructor(message: string, providerMessages: string[] = [], context: ErrorContext = {}) {
    super('conflict', message, context);
    this.name = 'ConflictError';
    this.providerMessages = providerMessages.map(redactPatterns);
  }
  protected override details(): Record<string, unknown> {
    return { providerMessages: this.providerMessages };
  }
}

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

export class ProviderUnavailableError extends PayrollIdentityError {
  constructor(message: string, context: ErrorContext = {}) {
    super('provider_unavailable', message, context);
    this.name = 'ProviderUnavailableError';
  }
}

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

export class TimeoutError extends PayrollIdentityError {
  constructor(message: string, context: ErrorContext = {}) {
    super('timeout', message, context);
    this.name = 'TimeoutError';
  }
}

export class AbortedError extends PayrollIdentityError {
  constructor(message: string, context: ErrorContext = {}) {
    super('aborted', message, { ...context, retryable: false });
    this.name = 'AbortedError';
  }
}

/** What a caller needs to find out whether an ambiguous create took effect. No personal data. */
export interface ReconciliationHint {
  tenant: string | undefined;
  provider: string | undefined;
  operation: Operation;
  externalId?: string;
}

export class OutcomeUnknownError extends PayrollIdentityError {
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

export class UnsupportedOperationError extends PayrollIdentityError {
  constructor(message: string, context: ErrorContext = {}) {
    super('unsupported_operation', message, context);
    this.name = 'UnsupportedOperationError';
  }
}

/** One problem in a configuration: where it is and why, never the offending value. */
export interface ConfigurationProblem {
  tenant?: string;
  field: string;
  reason: string;
}

export class InvalidConfigurationError extends PayrollIdentityError {
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

/** Narrowing helper: `isPayrollIdentityError(e, 'conflict')`. */
export function isPayrollIdentityError<C extends ErrorCode>(
  value: unknown,
  code?: C,
): value is PayrollIdentityError & { code: C } {
  return value instanceof PayrollIdentityError && (code === undefined || value.code === code);
}

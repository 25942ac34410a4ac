/**
 * The one place that turns an HTTP status or a transport failure into a `PayrollIdentityError`.
 * Nothing from the request (headers, URL, body) is copied into the error. From the response, the
 * `message` takes only the status and neutral field names; the provider's own text is kept (as
 * `providerMessages` and field-error texts, redacted) only for calls that carried the person's data.
 */
import {
  AbortedError,
  AuthenticationFailedError,
  ConflictError,
  type ErrorContext,
  type FieldErrors,
  InvalidInputError,
  NetworkError,
  NotFoundError,
  type PayrollIdentityError,
  ProviderUnavailableError,
  RateLimitedError,
  TimeoutError,
  UnexpectedResponseError,
} from '../errors.js';
import { REDACTED, type Redactor } from '../redact.js';
import { parseRetryAfter } from './retry-after.js';

/** What a provider makes of an error body: its messages, and field errors under neutral names. */
export interface ErrorDescription {
  /** The provider's messages about the request as a whole (the core redacts them, or drops them). */
  messages: string[];
  /** Messages by NEUTRAL field path (`address.postalCode`), for a 400. */
  fieldErrors?: FieldErrors;
}

/** A provider's reader of error bodies. `body` is the parsed JSON, or `undefined` when it was not JSON. */
export type DescribeError = (status: number, body: unknown) => ErrorDescription;

/** What a field error says when the provider's own text cannot be kept. */
export const GENERIC_FIELD_MESSAGE = 'Rejected by the provider';

/** A hostile or broken body must not flood an error: a few bounded messages are plenty. */
const MAX_MESSAGES = 20;
/** Texts redacted per error, messages and field errors together: each is linear, but 40 are plenty. */
const MAX_TEXTS = 40;
/** Fields an error reports: a body naming hundreds is not about our input. */
const MAX_FIELDS = 50;
/** Longest provider message shown, cut AFTER redaction (a cut first could split a value and let half of it through). */
const MAX_MESSAGE_LENGTH = 500;
/**
 * Longest provider message redacted at all: a longer one is dropped whole. It bounds the regex work
 * on a hostile body, and dropping (rather than cutting) is what keeps a value straddling a cut from
 * escaping redaction in part.
 */
export const MAX_RAW_MESSAGE_LENGTH = 1_000;
const TOO_LONG = '(a provider message too long to show)';
/** A neutral field path (`address.postalCode`); any other key a describer returns is not shown. */
const FIELD_PATH = /^[A-Za-z][A-Za-z0-9_]{0,63}(?:\.[A-Za-z][A-Za-z0-9_]{0,63}){0,7}$/;
const MAX_FIELDS_NAMED = 10;

/** A run of digits (any script's). */
const NUMBER = /\p{Nd}+/gu;

/**
 * One provider message made safe to keep: redacted first, then cut. `numbersToo`: every number is
 * redacted as well (a message about a birth date: Argyle takes the date in parts, and a message on
 * its own part can be the bare day or month, `"3"` or `"9 is bad"`, which nothing else identifies).
 */
function keepable(text: string, redactor: Redactor, numbersToo = false): string {
  if (text.length > MAX_RAW_MESSAGE_LENGTH) return TOO_LONG;
  // The numbers after the values: redaction needs the whole text to recognise a value's forms.
  const valuesGone = redactor.redact(text);
  const redacted = numbersToo ? valuesGone.replace(NUMBER, REDACTED) : valuesGone;
  if (redacted.length <= MAX_MESSAGE_LENGTH) return redacted;
  let cut = redacted.slice(0, MAX_MESSAGE_LENGTH);
  // Not half a marker: "[REDA…" reads like a value.
  const open = cut.lastIndexOf('[');
  const tail = cut.slice(open);
  if (open >= 0 && tail.length < REDACTED.length && REDACTED.startsWith(tail)) cut = cut.slice(0, open);
  return `${cut}…`;
}

/**
 * The provider's text, made safe: with `redactor` (the call carried the person's data, so every
 * value the provider could echo is known) messages are redacted and bounded; without it they are
 * dropped, and field errors keep their (neutral) keys with a generic message. A provider's free text
 * about a get, a list or a delete can name the person ("No user Sarah Longfield at 1 Main Street")
 * and there is nothing exact to redact it against.
 */
function providerText(
  description: ErrorDescription,
  redactor: Redactor | undefined,
): { messages: string[]; fieldErrors: FieldErrors } {
  let budget = MAX_TEXTS;
  const keep = (list: readonly string[], numbersToo = false): string[] => {
    if (!redactor) return [];
    const kept = list
      .slice(0, Math.min(MAX_MESSAGES, Math.max(budget, 0)))
      .map((m) => (typeof m === 'string' ? keepable(m, redactor, numbersToo) : GENERIC_FIELD_MESSAGE));
    budget -= kept.length;
    return kept;
  };
  const messages = keep(description.messages);
  const fieldErrors: FieldErrors = {};
  let fields = 0;
  for (const field in description.fieldErrors ?? {}) {
    // Keys are the describer's (neutral names), but bounded anyway: a path is at most 8 × 64 characters.
    if (field.length > 520 || !FIELD_PATH.test(field)) continue;
    const list = (description.fieldErrors as FieldErrors)[field];
    if (!Array.isArray(list)) continue;
    const kept = keep(list, field === 'birthDate' || field.startsWith('birthDate.'));
    fieldErrors[field] = kept.length > 0 ? kept : [GENERIC_FIELD_MESSAGE];
    if (++fields >= MAX_FIELDS) break;
  }
  return { messages, fieldErrors };
}

function fieldList(fields: readonly string[]): string {
  if (fields.length === 0) return '';
  const named = fields.slice(0, MAX_FIELDS_NAMED).join(', ');
  return `; fields: ${named}${fields.length > MAX_FIELDS_NAMED ? ', …' : ''}`;
}

/**
 * Maps a non-2xx response to the error its status means. The `message` names the operation, the
 * status and (for `invalid_input`) the neutral field names, never the provider's words.
 *
 * @param redactor the call's redactor (tenant secrets and the person's data) when the request carried
 *   the person's data (`sensitive`: create, update); `undefined` otherwise, and the provider's text is
 *   then dropped.
 */
export function errorFromStatus(
  status: number,
  headers: Record<string, string | undefined>,
  description: ErrorDescription,
  redactor: Redactor | undefined,
  context: ErrorContext & { provider: string; operation: NonNullable<ErrorContext['operation']> },
): PayrollIdentityError {
  const { messages, fieldErrors } = providerText(description, redactor);
  const ctx: ErrorContext = { ...context, status };
  const withText: ErrorContext = { ...ctx, providerMessages: messages };
  const what = `${context.provider} ${context.operation}`;

  if (status === 400 || status === 422) {
    return new InvalidInputError(
      `${what} rejected the input (HTTP ${status}${fieldList(Object.keys(fieldErrors))})`,
      { ...withText, fieldErrors },
    );
  }
  if (status === 401 || status === 403) {
    return new AuthenticationFailedError(
      `${what}: the provider rejected the tenant's credentials (HTTP ${status})`,
      withText,
    );
  }
  if (status === 404) return new NotFoundError(`${what}: not found (HTTP 404)`, withText);
  if (status === 409) {
    return new ConflictError(`${what}: the provider reports a conflict (HTTP 409)`, withText);
  }
  if (status === 429) {
    const retryAfterMs = parseRetryAfter(headers['retry-after']);
    return new RateLimitedError(
      `${what}: rate limited by the provider (HTTP 429)${retryAfterMs !== undefined ? ` (retry after ${retryAfterMs} ms)` : ''}`,
      { ...ctx, retryAfterMs },
    );
  }
  if (status >= 500) {
    return new ProviderUnavailableError(`${what}: the provider answered HTTP ${status}`, ctx);
  }
  if (status >= 300 && status < 400) {
    return new UnexpectedResponseError(
      `${what}: the provider answered a redirect (HTTP ${status}); redirects are never followed`,
      ctx,
    );
  }
  return new UnexpectedResponseError(`${what}: undocumented HTTP ${status}`, withText);
}

/**
 * Failures that provably happen before any byte of the request is written, so that even a create
 * may be sent again: DNS failures (no address to connect to) and a refused connection (a refusal
 * answers a connect, which cannot happen on an established keep-alive socket). `EHOSTUNREACH` and
 * `ENETUNREACH` are NOT here: they can be reported on a reused socket after the request left.
 */
const NEVER_SENT_CODES: ReadonlySet<string> = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN']);
const TIMEOUT_CODES = new Set(['ECONNABORTED', 'ETIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT']);

/** Why a request failed below HTTP: abort, timeout, size cap, or a network error (sent or not). */
export function errorFromTransport(
  error: unknown,
  state: { abortedByCaller: boolean; timedOut: boolean; timeoutMs: number; maxResponseBytes: number },
  context: ErrorContext & { provider: string; operation: NonNullable<ErrorContext['operation']> },
): PayrollIdentityError {
  const what = `${context.provider} ${context.operation}`;
  const ctx: ErrorContext = { ...context, cause: error };
  if (state.abortedByCaller) return new AbortedError(`${what}: cancelled by the caller`, ctx);
  if (state.timedOut)
    return new TimeoutError(`${what}: no complete answer within ${state.timeoutMs} ms`, ctx);
  // An AxiosError's code (`ECONNRESET`, `ECONNABORTED`…), or the code of whatever a custom transport threw.
  const code = (error as { code?: unknown } | null | undefined)?.code;
  // Bounded before matching: the pattern below has two `.*`, and a message can quote anything.
  const message = error instanceof Error ? error.message.slice(0, 1_000) : '';
  if (typeof code === 'string' && TIMEOUT_CODES.has(code)) {
    return new TimeoutError(`${what}: no complete answer within ${state.timeoutMs} ms`, ctx);
  }
  if (
    /maxContentLength|maxBodyLength|max.*length.*exceeded/i.test(message) ||
    code === 'ERR_FR_MAX_BODY_LENGTH_EXCEEDED'
  ) {
    return new UnexpectedResponseError(
      `${what}: the response exceeded the ${state.maxResponseBytes}-byte cap`,
      ctx,
    );
  }
  const neverSent = typeof code === 'string' && NEVER_SENT_CODES.has(code);
  return new NetworkError(
    `${what}: network error${typeof code === 'string' ? ` (${code})` : ''}${neverSent ? '; the request never reached the provider' : ''}`,
    { ...ctx, beforeRequestSent: neverSent },
  );
}

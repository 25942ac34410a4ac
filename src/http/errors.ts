/**
 * The one place that turns an HTTP status or a transport failure into a `PayrollIdentityError`.
 * Nothing from the request (headers, URL, body) is copied into the error; from the response, only
 * the provider's messages, after redaction.
 */
import { isAxiosError } from 'axios';
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
import type { Redactor } from '../redact.js';
import { parseRetryAfter } from './retry-after.js';

/** What a provider makes of an error body: its messages, and field errors under neutral names. */
export interface ErrorDescription {
  /** The provider's messages about the request as a whole (the core redacts them). */
  messages: string[];
  /** Messages by NEUTRAL field path (`address.postalCode`), for a 400. */
  fieldErrors?: FieldErrors;
}

/** A provider's reader of error bodies. `body` is the parsed JSON, or `undefined` when it was not JSON. */
export type DescribeError = (status: number, body: unknown) => ErrorDescription;

function summary(messages: string[]): string {
  return messages.length > 0 ? `: ${messages.slice(0, 5).join('; ')}` : '';
}

/** Maps a non-2xx response to the error its status means. */
export function errorFromStatus(
  status: number,
  headers: Record<string, string | undefined>,
  description: ErrorDescription,
  redactor: Redactor,
  context: ErrorContext & { provider: string; operation: NonNullable<ErrorContext['operation']> },
): PayrollIdentityError {
  const messages = description.messages.map((m) => redactor.redact(m));
  const fieldErrors: FieldErrors = {};
  for (const [field, list] of Object.entries(description.fieldErrors ?? {})) {
    fieldErrors[field] = list.map((m) => redactor.redact(m));
  }
  const ctx: ErrorContext = { ...context, status };
  const what = `${context.provider} ${context.operation}`;

  if (status === 400 || status === 422) {
    const fields = Object.keys(fieldErrors);
    const detail = fields.length > 0 ? ` (fields: ${fields.join(', ')})` : summary(messages);
    return new InvalidInputError(`${what} rejected the input${detail}`, fieldErrors, ctx);
  }
  if (status === 401 || status === 403) {
    return new AuthenticationFailedError(
      `${what}: the provider rejected the tenant's credentials (HTTP ${status})${summary(messages)}`,
      ctx,
    );
  }
  if (status === 404) return new NotFoundError(`${what}: not found${summary(messages)}`, ctx);
  if (status === 409) {
    return new ConflictError(`${what}: the provider reports a conflict${summary(messages)}`, messages, ctx);
  }
  if (status === 429) {
    const retryAfterMs = parseRetryAfter(headers['retry-after']);
    return new RateLimitedError(
      `${what}: rate limited by the provider${retryAfterMs !== undefined ? ` (retry after ${retryAfterMs} ms)` : ''}`,
      retryAfterMs,
      ctx,
    );
  }
  if (status >= 500) {
    return new ProviderUnavailableError(`${what}: the provider answered HTTP ${status}`, ctx);
  }
  if (status >= 300 && status < 400) {
    return new UnexpectedResponseError(
      `${what}: the provider answered a redirect (HTTP ${status}); redirects are never followed`,
      [],
      ctx,
    );
  }
  return new UnexpectedResponseError(`${what}: undocumented HTTP ${status}${summary(messages)}`, [], ctx);
}

const NEVER_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);
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
  const code = isAxiosError(error) ? error.code : (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : '';
  if (typeof code === 'string' && TIMEOUT_CODES.has(code)) {
    return new TimeoutError(`${what}: no complete answer within ${state.timeoutMs} ms`, ctx);
  }
  if (
    /maxContentLength|maxBodyLength|max.*length.*exceeded/i.test(message) ||
    code === 'ERR_FR_MAX_BODY_LENGTH_EXCEEDED'
  ) {
    return new UnexpectedResponseError(
      `${what}: the response exceeded the ${state.maxResponseBytes}-byte cap`,
      [],
      ctx,
    );
  }
  const neverSent = typeof code === 'string' && NEVER_SENT_CODES.has(code);
  return new NetworkError(
    `${what}: network error${typeof code === 'string' ? ` (${code})` : ''}${neverSent ? '; the request never reached the provider' : ''}`,
    neverSent,
    ctx,
  );
}

/**
 * Turns an axios response into the call's result or its error: non-2xx through
 * {@link errorFromStatus}, an undocumented 2xx or a body that does not match the caller's zod schema
 * into `unexpected_response`.
 */
import type { AxiosResponse } from 'axios';
import type { z } from 'zod';
import { type CallOperation, type ErrorContext, UnexpectedResponseError } from '../errors.js';
import { safeRequestId } from '../observe/events.js';
import type { Redactor } from '../redact.js';
import { fastSchema, issuePath } from '../validation.js';
import { type DescribeError, type ErrorDescription, errorFromStatus } from './errors.js';
import { parseRetryAfter } from './retry-after.js';

export interface ResponseSpec<T> {
  operation: CallOperation;
  response?: z.ZodType<T>;
  expectStatus?: readonly number[];
  sensitive?: Iterable<string | undefined | null>;
}

export interface ReadResult<T> {
  status: number;
  data: T;
  /** Checked when first read. */
  readonly requestId: string | undefined;
}

/**
 * The response's headers by lower-case name, as text. A custom transport may hand back anything: a
 * value that cannot be read as text (a throwing `toString`, a getter that throws) is left out, never
 * thrown on, and so are all headers when the headers object itself cannot be read.
 */
function headerMap(response: AxiosResponse): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  let entries: [string, unknown][];
  try {
    entries = Object.entries(response.headers ?? {});
  } catch {
    return out;
  }
  for (const [k, v] of entries) {
    try {
      out[k.toLowerCase()] = Array.isArray(v)
        ? v.join(', ')
        : v === undefined || v === null
          ? undefined
          : String(v);
    } catch {
      // Not text: not a header this library reads.
    }
  }
  return out;
}

/** Most response-shape problems an error lists. */
const MAX_ISSUES = 20;

/** `\s` is exactly what `String.prototype.trim` removes. */
const BLANK = /^\s*$/;

function parseJson(text: unknown): { ok: true; value: unknown } | { ok: false } {
  if (typeof text !== 'string') return { ok: true, value: text };
  // Not `text.trim() === ''`: that copies every body (a 100 kB page each time) to look at its ends.
  if (BLANK.test(text)) return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

/**
 * Reads one response. `onRetryAfter` receives the `Retry-After` of a non-2xx answer (429, 503),
 * which the retry loop honours.
 */
export function readResponse<T>(
  response: AxiosResponse,
  spec: ResponseSpec<T>,
  context: ErrorContext & { provider: string; operation: CallOperation },
  redactor: Redactor,
  describeError: DescribeError,
  onRetryAfter: (ms: number | undefined) => void,
): ReadResult<T> {
  const status = response.status;
  const parsed = parseJson(response.data);

  if (status < 200 || status >= 300) {
    const headers = headerMap(response);
    const rawRequestId = headers['x-request-id'] ?? headers['request-id'];
    onRetryAfter(parseRetryAfter(headers['retry-after']));
    // Provider text is kept only when the call carried the person's data to redact it against.
    const r = spec.sensitive ? redactor.with(spec.sensitive) : undefined;
    // The provider's own reader: whatever it throws (its text may quote the body) is dropped, and
    // the status alone decides the error.
    let description: ErrorDescription;
    try {
      description = describeError(status, parsed.ok ? parsed.value : undefined);
    } catch {
      description = { messages: [] };
    }
    const requestId = safeRequestId(rawRequestId, r ?? redactor);
    throw errorFromStatus(status, headers, description, r, { ...context, requestId });
  }
  // Checking a request id costs more than the rest of reading a small answer: on success it is
  // only worked out when read (by the host's logger, hooks or span, or a provider's code).
  // Against the call's redactor: it knows the person's data the call carried (a request id can encode
  // a birth date or an email as well as a credential).
  const ctx = () => ({
    ...context,
    requestId: requestIdOf(response, callRedactor(redactor, spec.sensitive)),
  });
  if (spec.expectStatus && !spec.expectStatus.includes(status)) {
    throw new UnexpectedResponseError(
      `${context.provider} ${spec.operation}: HTTP ${status} where the documents say ${spec.expectStatus.join(' or ')}`,
      { ...ctx(), status },
    );
  }
  if (!spec.response) return new Success(status, undefined as T, response, redactor, spec.sensitive);
  if (!parsed.ok) {
    throw new UnexpectedResponseError(
      `${context.provider} ${spec.operation}: the response body is not JSON`,
      { ...ctx(), status },
    );
  }
  const result = fastSchema(spec.response).safeParse(parsed.value);
  if (!result.success) {
    // A hostile body can fail in a million places: a few paths say enough.
    const issues = result.error.issues
      .slice(0, MAX_ISSUES)
      .map((i) => `${issuePath(i.path) || '(body)'}: ${i.code}`);
    throw new UnexpectedResponseError(
      `${context.provider} ${spec.operation}: the response does not match the documented shape`,
      {
        ...ctx(),
        status,
        issues,
      },
    );
  }
  return new Success(status, result.data, response, redactor, spec.sensitive);
}

/** The redactor of one call: the tenant's, plus the person's data the call carried. */
function callRedactor(redactor: Redactor, sensitive: ResponseSpec<unknown>['sensitive']): Redactor {
  return sensitive ? redactor.with(sensitive) : redactor;
}

/**
 * The response's request id, if it is safe to show (see `safeRequestId`); never a throw, whatever a
 * custom transport put in its headers (`headerMap` leaves out what cannot be read as text).
 */
function requestIdOf(response: AxiosResponse, redactor: Redactor): string | undefined {
  const headers = headerMap(response);
  return safeRequestId(headers['x-request-id'] ?? headers['request-id'], redactor);
}

/**
 * A success whose `requestId` is checked on first read, once, against the call's redactor. A class
 * with private fields, not an object literal with a getter closing over the response: those literals
 * made every call's objects outlive young-generation collections (docs/performance.md).
 */
class Success<T> implements ReadResult<T> {
  #response: AxiosResponse | undefined;
  #redactor: Redactor | undefined;
  #sensitive: ResponseSpec<unknown>['sensitive'];
  #requestId: string | undefined;
  constructor(
    readonly status: number,
    readonly data: T,
    response: AxiosResponse,
    redactor: Redactor,
    sensitive: ResponseSpec<unknown>['sensitive'],
  ) {
    this.#response = response;
    this.#redactor = redactor;
    this.#sensitive = sensitive;
  }
  get requestId(): string | undefined {
    if (this.#response !== undefined && this.#redactor !== undefined) {
      this.#requestId = requestIdOf(this.#response, callRedactor(this.#redactor, this.#sensitive));
      this.#response = undefined;
      this.#redactor = undefined;
      this.#sensitive = undefined;
    }
    return this.#requestId;
  }
}

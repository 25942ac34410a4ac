/**
 * The retry policy: which failures are retried, which make a create's outcome
 * ambiguous, and how long to wait. Backoff is cockatiel's exponential backoff with decorrelated
 * jitter (made in `stack.ts`, loaded on the first request: only its types are imported here); the
 * loop itself lives in the client, because cockatiel 3's `RetryPolicy` sleeps through a
 * cancellation and knows nothing of a call's deadline or of `Retry-After`.
 */
import type { IBackoff, IBackoffFactory } from 'cockatiel';
import type { PayrollIdentityError } from '../errors.js';

/** A tenant's retry policy (`retry` in its configuration; docs/reliability.md). */
export interface RetryOptions {
  /** Retries after the first attempt (0 disables retrying). */
  maxRetries: number;
  /** Scale of the first backoff delay. */
  baseDelayMs: number;
  /** Largest backoff delay. */
  maxDelayMs: number;
  /** Longest `Retry-After` the client waits for; a longer one ends the call with the provider's error. */
  maxRetryAfterMs: number;
  /** Deadline of one attempt (within the call's deadline); unset: an attempt may use the whole call's. */
  attemptTimeoutMs?: number;
}

/** The retry policy's defaults: 2 retries, 200 ms to 5 s backoff, `Retry-After` up to 30 s. */
export const DEFAULT_RETRY: Readonly<RetryOptions> = Object.freeze({
  maxRetries: 2,
  baseDelayMs: 200,
  maxDelayMs: 5_000,
  maxRetryAfterMs: 30_000,
});

/**
 * - `retry`: may be sent again;
 * - `ambiguous`: a non-idempotent call that may have reached the provider (sent, then no usable
 *   answer): never replayed, reconciled or reported as `outcome_unknown`;
 * - `final`: the answer stands.
 */
export type FailureKind = 'retry' | 'ambiguous' | 'final';

/** Statuses a gateway or an overloaded provider uses for "try again" (RFC 9110 §15.6). */
const TRANSIENT_5XX: ReadonlySet<number> = new Set([502, 503, 504]);

export function classifyFailure(error: PayrollIdentityError, idempotent: boolean): FailureKind {
  switch (error.code) {
    case 'network_error':
      // Connection refused / DNS failure (`NEVER_SENT_CODES`): no byte left, so even a create is
      // resent. An unreachable host or network is not among them: on a reused keep-alive socket it
      // can come after the request was written, so a create that got one is ambiguous.
      if ((error as PayrollIdentityError & { beforeRequestSent?: boolean }).beforeRequestSent) return 'retry';
      return idempotent ? 'retry' : 'ambiguous';
    case 'timeout':
      return idempotent ? 'retry' : 'ambiguous';
    case 'rate_limited':
      // A 429 is a refusal, not a partial success: a create that got one was not performed, but it
      // did reach the provider, so only idempotent calls are resent automatically.
      return idempotent ? 'retry' : 'final';
    case 'provider_unavailable': {
      const status = error.status;
      // No status: the circuit breaker refused to send; nothing was sent, nothing to retry now.
      if (status === undefined) return 'final';
      // Any 5xx to a create may follow a write on the provider's side (or a proxy's timeout).
      if (!idempotent) return 'ambiguous';
      return TRANSIENT_5XX.has(status) ? 'retry' : 'final';
    }
    default:
      return 'final';
  }
}

/** One call's sequence of backoff delays (built lazily: a call that succeeds first time allocates none). */
export class BackoffSchedule {
  private backoff: IBackoff<unknown> | undefined;

  constructor(private readonly factory: IBackoffFactory<unknown>) {}

  /** The next delay, at least `retryAfterMs` when the provider asked for one. */
  next(retryAfterMs: number | undefined): number {
    this.backoff = this.backoff ? this.backoff.next(undefined) : this.factory.next(undefined);
    const jittered = Math.round(this.backoff.duration);
    return retryAfterMs !== undefined ? Math.max(retryAfterMs, jittered) : jittered;
  }
}

/**
 * Waits `ms`, or rejects as soon as `signal` fires (with an `AbortError`, as `node:timers/promises`
 * does). Built on the global `setTimeout` rather than `node:timers/promises`, so that a fake clock
 * installed by a host's or a test's fake timers (`vi.useFakeTimers()`, sinon) drives the backoff and
 * `Retry-After` waits like every other timer of the client (the call's deadline, an attempt's).
 */
export function wait(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const aborted = () =>
      Object.assign(new Error('The operation was aborted', { cause: signal.reason }), {
        name: 'AbortError',
        code: 'ABORT_ERR',
      });
    if (signal.aborted) {
      reject(aborted());
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(aborted());
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

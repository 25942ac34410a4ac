/**
 * What happens to a non-idempotent call (a create) whose outcome is ambiguous: the request may have
 * reached the provider (a reset after sending, a timeout, a 5xx), so sending it again could create a
 * second user. It is never replayed. The adapter's `reconcile` (e.g. Argyle's lookup by
 * `external_id`) is asked once, with a fresh deadline of the call's length; its requests go around
 * the circuit breaker (an open circuit must not leave a create that most likely happened unknown);
 * what it finds is the result. Otherwise the call ends in `outcome_unknown`, carrying what the caller needs to reconcile
 * (tenant, provider, operation, externalId) and no personal data.
 *
 * A 2xx whose body cannot be read (not JSON, wrong shape, over the size cap) is settled the same way:
 * the provider most likely did it, and reporting `unexpected_response` would invite a second create.
 */
import {
  AbortedError,
  type CallOperation,
  type ErrorCode,
  OutcomeUnknownError,
  PayrollIdentityError,
  type ReconciliationHint,
} from '../errors.js';
import type { RequestObserver } from '../observe/events.js';
import { redactPatterns } from '../redact.js';
import { subscribeAbort } from './abort-listeners.js';
import { isTimeoutReason } from './call-options.js';

export interface AmbiguousCall<T> {
  tenant: string;
  provider: string;
  operation: CallOperation;
  /** The failure that made the outcome ambiguous. */
  error: PayrollIdentityError;
  reconcile?: (signal: AbortSignal | undefined) => Promise<T | undefined>;
  externalId?: string;
  callerSignal: AbortSignal | undefined;
  /** Fires when the client is closed: the lookup stops and the call ends `aborted`. */
  closeSignal?: AbortSignal;
  /**
   * Where the lookup's signal is registered: the client lets requests carrying it through an open
   * circuit (the lookup is the safety path), so `reconcile` must pass it on as is.
   */
  lookupSignals?: WeakSet<AbortSignal>;
  timeoutMs: number;
  observer: RequestObserver;
}

export interface Reconciled<T> {
  data: T;
}

/**
 * An externalId is the host's own key and is returned so it can reconcile, unless it has the shape
 * of personal data (someone used an email as their key): then it is left out, as everything else is.
 */
function safeExternalId(value: string | undefined): string | undefined {
  if (value === undefined || value === '') return undefined;
  return redactPatterns(value) === value ? value : undefined;
}

/** What a caller reconciles an ambiguous or cancelled create with: never personal data. */
export function reconciliationHint(
  context: { tenant: string; provider: string; operation: CallOperation },
  externalId: string | undefined,
): ReconciliationHint {
  const safe = safeExternalId(externalId);
  return {
    tenant: context.tenant,
    provider: context.provider,
    operation: context.operation,
    ...(safe !== undefined ? { externalId: safe } : {}),
  };
}

/** Whether the failure is a 2xx we could not read (the provider answered, so it most likely did it). */
function unreadableSuccess(error: PayrollIdentityError): boolean {
  return error.code === 'unexpected_response';
}

async function runReconcile<T>(call: AmbiguousCall<T>): Promise<T | undefined> {
  const reconcile = call.reconcile!;
  const controller = new AbortController();
  const abort = () => controller.abort();
  const timer = setTimeout(abort, call.timeoutMs);
  // One listener per signal, however many lookups run (abort-listeners.ts): many concurrent
  // reconciliations share the client's lifetime signal, and often one caller signal.
  const unsubscribeCaller = call.callerSignal ? subscribeAbort(call.callerSignal, abort) : undefined;
  const unsubscribeClose = call.closeSignal ? subscribeAbort(call.closeSignal, abort) : undefined;
  call.lookupSignals?.add(controller.signal);
  try {
    return await reconcile(controller.signal);
  } finally {
    clearTimeout(timer);
    unsubscribeCaller?.();
    unsubscribeClose?.();
  }
}

/** Resolves to the reconciled value, or throws `outcome_unknown` (or `aborted` if the caller cancelled). */
export async function settleAmbiguous<T>(call: AmbiguousCall<T>): Promise<Reconciled<T>> {
  const what = `${call.provider} ${call.operation}`;
  const context = { tenant: call.tenant, provider: call.provider, operation: call.operation };
  let lookupFailure: ErrorCode | undefined;
  if (call.reconcile) {
    try {
      const data = await runReconcile(call);
      if (data !== undefined) {
        if (call.observer.active) {
          call.observer.ambiguous({
            ...context,
            outcome: 'reconciled',
            errorCode: call.error.code,
            ...(call.error.status !== undefined ? { status: call.error.status } : {}),
          });
        }
        return { data };
      }
    } catch (error) {
      const closed = call.closeSignal?.aborted === true;
      // A caller's signal that fired with a TimeoutError is a deadline, not a cancellation: the
      // lookup that did not finish leaves the outcome unknown.
      const cancelled = call.callerSignal?.aborted === true && !isTimeoutReason(call.callerSignal.reason);
      if (cancelled || closed) {
        // The request did reach the provider (that is why it was being reconciled): the create may
        // stand, so the caller gets what to look it up by.
        throw new AbortedError(
          `${what}: ${closed ? 'the payroll identity was closed' : 'cancelled by the caller'} while reconciling an ambiguous call; the request was sent and may have taken effect (for a create: the user may exist). Look it up (list users by reconciliation.externalId) before sending it again.`,
          {
            ...context,
            cause: call.error,
            mayHaveTakenEffect: true,
            reconciliation: reconciliationHint(context, call.externalId),
          },
        );
      }
      lookupFailure = error instanceof PayrollIdentityError ? error.code : 'unexpected_response';
    }
  }
  if (call.observer.active) {
    call.observer.ambiguous({
      ...context,
      outcome: 'unknown',
      errorCode: call.error.code,
      ...(call.error.status !== undefined ? { status: call.error.status } : {}),
    });
  }
  const hint = reconciliationHint(context, call.externalId);
  const why = `${call.error.code}${call.error.status !== undefined ? `, HTTP ${call.error.status}` : ''}`;
  const answer = unreadableSuccess(call.error)
    ? `the provider accepted the request (so it most likely took effect) but its answer could not be read (${why})`
    : `the request may have reached the provider but no usable answer came back (${why})`;
  const lookup = call.reconcile
    ? lookupFailure
      ? `; the lookup to reconcile it failed (${lookupFailure})`
      : '; the lookup to reconcile it found nothing'
    : '';
  throw new OutcomeUnknownError(
    `${what}: ${answer}; it was not sent again${lookup}. Check whether it took effect (${context.operation === 'createUser' ? 'e.g. list users by externalId' : 'e.g. list the subscriptions'}) before retrying.`,
    {
      ...context,
      status: call.error.status,
      requestId: call.error.requestId,
      cause: call.error,
      reconciliation: hint,
    },
  );
}

/**
 * What a transport knows about a failed request that the client cannot read from the error itself:
 * that it provably sent nothing. Kept apart from the transport (which needs axios) so that the
 * client reads it without loading axios before a tenant's first request (see `stack.ts`).
 */

/** Cancellations that happened before any byte of the request could reach the provider. */
const NEVER_SENT = new WeakSet<object>();

/** Requests refused before any of them existed (a URL, body or protocol the transport cannot send). */
const REFUSED_LOCALLY = new WeakSet<object>();

/** Marks a cancellation error as one that sent nothing (returns it). */
export function markNeverSent<E extends object>(error: E): E {
  NEVER_SENT.add(error);
  return error;
}

/**
 * Whether a transport error is a cancellation that provably sent nothing. Unmarked errors (every
 * error of a custom transport) may have been sent: the safe assumption for a create.
 */
export function requestNeverSent(error: unknown): boolean {
  return typeof error === 'object' && error !== null && NEVER_SENT.has(error);
}

/** Marks an error as a request refused before it existed, hence one that sent nothing (returns it). */
export function markRefusedLocally<E extends object>(error: E): E {
  REFUSED_LOCALLY.add(error);
  NEVER_SENT.add(error);
  return error;
}

/** Whether a transport error is a request refused before it was made: nothing was sent. */
export function refusedLocally(error: unknown): boolean {
  return typeof error === 'object' && error !== null && REFUSED_LOCALLY.has(error);
}

/**
 * One `abort` listener per signal, however many calls wait on it.
 *
 * An `AbortSignal` warns (`MaxListenersExceededWarning`) past 10 listeners and scans them all on each
 * add. A host commonly hands one signal (a request's, a shutdown's) to many concurrent calls, and
 * every reconciliation listens on its client's lifetime signal: so each signal gets a single
 * dispatcher listener here, and the calls subscribe to a Set behind it. When the last subscriber
 * leaves, the listener is removed, so a long-lived signal keeps nothing alive.
 */

interface Dispatcher {
  readonly subscribers: Set<() => void>;
  readonly listener: () => void;
}

const dispatchers = new WeakMap<AbortSignal, Dispatcher>();

/**
 * Calls `onAbort` once when `signal` fires; returns the unsubscribe function. Nothing happens for a
 * signal that has already fired: check `signal.aborted` first.
 */
export function subscribeAbort(signal: AbortSignal, onAbort: () => void): () => void {
  if (signal.aborted) return noop;
  let dispatcher = dispatchers.get(signal);
  if (!dispatcher) {
    const subscribers = new Set<() => void>();
    const listener = () => {
      dispatchers.delete(signal);
      // A copy: a subscriber may unsubscribe (or subscribe another) while being called.
      for (const fn of [...subscribers]) fn();
      subscribers.clear();
    };
    dispatcher = { subscribers, listener };
    dispatchers.set(signal, dispatcher);
    signal.addEventListener('abort', listener, { once: true });
  }
  const { subscribers, listener } = dispatcher;
  // A fresh function per subscription: the same callback subscribed twice is two subscriptions.
  const entry = () => onAbort();
  subscribers.add(entry);
  return () => {
    if (!subscribers.delete(entry) || subscribers.size > 0) return;
    if (dispatchers.get(signal)?.subscribers === subscribers) dispatchers.delete(signal);
    signal.removeEventListener('abort', listener);
  };
}

function noop(): void {}

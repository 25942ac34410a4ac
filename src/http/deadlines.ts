/**
 * The deadlines of a client's calls in flight, on one timer.
 *
 * A timer per call costs more than the rest of a call's bookkeeping: Node creates a `Timeout`, and at
 * one call at a time its per-duration list is made, queued and torn down again on every call
 * (docs/performance.md). Here one timer is armed for the earliest deadline; a call that ends leaves
 * it armed, and when it fires it ends the calls that are due and re-arms for the next. The timer holds
 * the process open (as a call's own timer would) only while a call is in flight.
 *
 * Deadlines are on the monotonic clock (`performance.now()`), as Node's timers are: a wall-clock
 * change moves no deadline.
 *
 * With `holdsProcess: false` the timer never holds the process open: for calls that something else
 * holds it open for (the built-in transport's sockets, lookups and connections; the backoff wait's
 * own timer), which saves switching the timer's hold on and off around every call.
 */

/**
 * A call with a deadline: `expire()` is called once, when it is due and still in flight. The links
 * are the list of calls in flight, kept by {@link Deadlines} (a list, not a `Set`: adding and removing
 * a fresh object costs hashing it, on every call).
 */
export abstract class Deadline {
  /** When the call is due, in `performance.now()` milliseconds. */
  abstract readonly dueAt: number;
  abstract expire(): void;
  /** @internal */
  previous: Deadline | undefined = undefined;
  /** @internal */
  next: Deadline | undefined = undefined;
  /** @internal */
  listed = false;
}

export class Deadlines<T extends Deadline> {
  readonly #holdsProcess: boolean;
  #first: Deadline | undefined;
  #last: Deadline | undefined;
  #size = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** What the armed timer fires for (`Infinity`: no timer). */
  #armedFor = Number.POSITIVE_INFINITY;
  /** The `setTimeout` the timer was armed with: a fake clock's, in a test, may since have gone. */
  #armedWith: typeof setTimeout | undefined;
  /** The `clearTimeout` that goes with it. */
  #clearWith: typeof clearTimeout = clearTimeout;

  constructor(options: { holdsProcess: boolean }) {
    this.#holdsProcess = options.holdsProcess;
  }

  /** The calls in flight, in the order they started. */
  entries(): T[] {
    const all: T[] = [];
    for (let entry = this.#first; entry !== undefined; entry = entry.next) all.push(entry as T);
    return all;
  }

  /** Adds a call in flight; `now` is the time its deadline was computed from (`performance.now()`). */
  add(entry: T, now: number = performance.now()): void {
    if (entry.listed) return;
    entry.listed = true;
    entry.previous = this.#last;
    entry.next = undefined;
    if (this.#last === undefined) this.#first = entry;
    else this.#last.next = entry;
    this.#last = entry;
    this.#size++;
    if (
      entry.dueAt < this.#armedFor ||
      // A timer that should have fired by now, or one armed with a `setTimeout` that is no longer
      // the global one (a test's fake timers, uninstalled since), will not end this call: re-armed.
      (this.#timer !== undefined && (this.#armedFor < now || this.#armedWith !== setTimeout))
    ) {
      this.#arm(Math.min(entry.dueAt, this.#armedFor), now);
    } else if (this.#holdsProcess && this.#size === 1) {
      this.#timer?.ref();
    }
  }

  /** Forgets a call that ended; the timer stays armed, but holds the process open no longer when none is left. */
  delete(entry: T): void {
    if (!this.#unlink(entry)) return;
    if (this.#holdsProcess && this.#size === 0) this.#timer?.unref();
  }

  /** Forgets every call and stops the timer. */
  clear(): void {
    for (const entry of this.entries()) this.#unlink(entry);
    if (this.#timer !== undefined) this.#clearWith(this.#timer);
    this.#timer = undefined;
    this.#armedFor = Number.POSITIVE_INFINITY;
  }

  #unlink(entry: Deadline): boolean {
    if (!entry.listed) return false;
    entry.listed = false;
    if (entry.previous === undefined) this.#first = entry.next;
    else entry.previous.next = entry.next;
    if (entry.next === undefined) this.#last = entry.previous;
    else entry.next.previous = entry.previous;
    entry.previous = undefined;
    entry.next = undefined;
    this.#size--;
    return true;
  }

  /** Arms the timer for `dueAt`, `now` being the current time on the deadlines' clock. */
  #arm(dueAt: number, now: number): void {
    if (this.#timer !== undefined) this.#clearWith(this.#timer);
    this.#armedFor = dueAt;
    this.#armedWith = setTimeout;
    this.#clearWith = clearTimeout;
    this.#timer = setTimeout(this.#fire, Math.max(0, dueAt - now));
    if (!this.#holdsProcess) this.#timer.unref();
  }

  readonly #fire = (): void => {
    // The timer ran its full delay: every call due by the time it was armed for is due now, whatever
    // the clock reads (a fake clock may not move `performance.now()`).
    const now = Math.max(this.#armedFor, performance.now());
    this.#timer = undefined;
    this.#armedFor = Number.POSITIVE_INFINITY;
    let next = Number.POSITIVE_INFINITY;
    const due: T[] = [];
    for (const entry of this.entries()) {
      if (entry.dueAt <= now) due.push(entry);
      else if (entry.dueAt < next) next = entry.dueAt;
    }
    for (const entry of due) this.#unlink(entry);
    // From the time the timer fired for, not from a clock read: under fake timers that do not fake
    // `performance.now()`, the next deadline is still as far after this one as it was set to be.
    if (next !== Number.POSITIVE_INFINITY) this.#arm(next, now);
    // After the bookkeeping, each on its own: one that throws ends neither the timer nor the others
    // (its error is thrown on, as an event listener's would be).
    for (const entry of due) {
      try {
        entry.expire();
      } catch (error) {
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  };
}

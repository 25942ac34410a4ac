/**
 * What every `listUsers` walk checks as it goes, whatever the provider's paging:
 *
 * - **Progress.** A page must bring at least one user not among the last {@link RECENT_USERS} users
 *   the listing saw; otherwise the provider is serving the same users again (a fresh cursor that
 *   leads back, an offset it ignores) and the walk would never end: `unexpected_response`. Users
 *   seen within that window are not handed out twice. Memory is bounded by the window, not by the
 *   size of the tenant: a repetition cycle longer than the window is not detected here (the
 *   providers' own guards, and the caller's signal, still apply).
 * - **Cancellation.** The caller's signal is checked before each user is handed out, so an abort
 *   stops the listing at once, even while users of a page already fetched are still buffered.
 */
import { AbortedError, type ErrorContext, TimeoutError, UnexpectedResponseError } from './errors.js';

/** How many of the most recent user ids a listing remembers (ids are at most 200 characters). */
export const RECENT_USERS = 4096;

export class ListingGuard {
  readonly #context: ErrorContext & { provider: string };
  readonly #signal: AbortSignal | undefined;
  readonly #window: number;
  /** Insertion-ordered: the oldest id is the first one, evicted first. */
  readonly #recent = new Set<string>();

  constructor(
    context: ErrorContext & { provider: string },
    signal: AbortSignal | undefined,
    window = RECENT_USERS,
  ) {
    this.#context = context;
    this.#signal = signal;
    this.#window = window;
  }

  /** Throws `aborted` (or `timeout`, for a signal that fired with a `TimeoutError`) once the caller's signal fired. */
  checkSignal(): void {
    const signal = this.#signal;
    if (!signal?.aborted) return;
    const what = `${this.#context.provider} listUsers`;
    const reason: unknown = signal.reason;
    if (reason instanceof Error && reason.name === 'TimeoutError') {
      throw new TimeoutError(
        `${what}: the caller's signal timed out; no more users are listed`,
        this.#context,
      );
    }
    throw new AbortedError(`${what}: cancelled by the caller; no more users are listed`, this.#context);
  }

  /**
   * The users of `page` not seen recently, in page order. Throws `unexpected_response` when a
   * non-empty page brings none.
   */
  unseen<T>(page: readonly T[], idOf: (item: T) => string): T[] {
    const fresh: T[] = [];
    for (const item of page) {
      const id = idOf(item);
      if (this.#recent.has(id)) continue;
      this.#remember(id);
      fresh.push(item);
    }
    if (page.length > 0 && fresh.length === 0) {
      throw new UnexpectedResponseError(
        `${this.#context.provider} listUsers: the provider returned a page of users already listed; stopping rather than repeating them`,
        { ...this.#context, issues: ['results: no_new_users'] },
      );
    }
    return fresh;
  }

  #remember(id: string): void {
    this.#recent.add(id);
    if (this.#recent.size > this.#window) {
      const oldest = this.#recent.values().next().value;
      if (oldest !== undefined) this.#recent.delete(oldest);
    }
  }
}

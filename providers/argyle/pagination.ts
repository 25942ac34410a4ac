/**
 * Cursor pagination. Argyle's `next` is a full URL with a `cursor` query parameter; it is untrusted
 * (it could name another host, which would then receive the credentials), so only its `cursor` is
 * read and sent to the tenant's configured base URL. The URL itself is never requested.
 */
import { type ErrorContext, UnexpectedResponseError } from '../../src/errors.js';

/** v2 documents "Maximum: 200" per page; v1 documents none, and gets the same cap. */
export const MAX_PAGE_SIZE = 200;

export function pageSizeOf(requested: number | undefined): number {
  return Math.min(requested ?? MAX_PAGE_SIZE, MAX_PAGE_SIZE);
}

/** The `cursor` of a `next` link, or `unexpected_response` when there is none to read. */
export function cursorFromNext(next: string, context: ErrorContext & { provider: string }): string {
  let cursor: string | null = null;
  try {
    cursor = new URL(next).searchParams.get('cursor');
  } catch {
    cursor = null;
  }
  if (!cursor) {
    // The link itself is not quoted: it is provider text of unknown content.
    throw new UnexpectedResponseError(
      `${context.provider} listUsers: the "next" page link is not a URL with a cursor`,
      ['next: invalid_format'],
      context,
    );
  }
  return cursor;
}

/**
 * How many of the latest cursors a listing remembers. Bounded so that a long listing keeps a
 * constant footprint; a cursor that comes back after more pages than this is still caught when its
 * page brings no new user (src/listing-guard.ts).
 */
export const RECENT_CURSORS = 1024;

/** Refuses to loop: a cursor seen (recently) before means the provider would page forever. */
export function checkProgress(
  cursor: string,
  seen: Set<string>,
  context: ErrorContext & { provider: string },
): void {
  if (seen.has(cursor)) {
    throw new UnexpectedResponseError(
      `${context.provider} listUsers: the provider returned a page cursor it had already returned`,
      ['next: repeated_cursor'],
      context,
    );
  }
  seen.add(cursor);
  if (seen.size > RECENT_CURSORS) {
    const oldest = seen.values().next().value;
    if (oldest !== undefined) seen.delete(oldest);
  }
}

/**
 * The next cursor of a page, checked so that a listing always ends: a page with a `next` link must
 * hold users (an endless run of empty pages, each with a fresh cursor, would otherwise page forever),
 * and a cursor may not come back.
 */
export function nextCursor(
  page: { next?: string | null | undefined; results: readonly unknown[] },
  seen: Set<string>,
  context: ErrorContext & { provider: string },
): string | undefined {
  if (!page.next) return undefined;
  if (page.results.length === 0) {
    throw new UnexpectedResponseError(
      `${context.provider} listUsers: the provider returned an empty page that links to another one`,
      ['next: empty_page'],
      context,
    );
  }
  const cursor = cursorFromNext(page.next, context);
  checkProgress(cursor, seen, context);
  return cursor;
}

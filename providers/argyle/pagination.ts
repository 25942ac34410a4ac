/**
 * Argyle's list pages. `next` is a full URL with a `cursor` query parameter; it is untrusted (it
 * could name another host, which would then receive the credentials), so only its `cursor` is read
 * and sent to the tenant's configured base URL. The URL itself is never requested. The core guards
 * the walk (empty pages that link on, cursors that come back, pages of users already listed).
 */
import {
  type CallOperation,
  type CursorPage,
  type OperationContext,
  UnexpectedResponseError,
} from '../../src/provider/index.js';

/** v2 documents "Maximum: 200" per page; v1 documents none, and gets the same cap. */
export const MAX_PAGE_SIZE = 200;

/** The `cursor` of a `next` link, or `unexpected_response` when there is none to read. */
export function cursorFromNext(
  next: string,
  context: { provider: string; tenant: string; operation: CallOperation },
): string {
  let cursor: string | null = null;
  try {
    cursor = new URL(next).searchParams.get('cursor');
  } catch {
    cursor = null;
  }
  if (!cursor) {
    // The link itself is not quoted: it is provider text of unknown content.
    throw new UnexpectedResponseError(
      `${context.provider} ${context.operation}: the "next" page link is not a URL with a cursor`,
      { ...context, issues: ['next: invalid_format'] },
    );
  }
  return cursor;
}

/**
 * The end of a listing answered with a bare array (the legacy reference's example shape, with no
 * `next`): there is no way to a second page. Only an empty array is known to be the whole list. A
 * full one may hide more users; a shorter one may too, since a server that caps pages below the
 * `limit` asked for (v1 documents no maximum) answers exactly such a page, and nothing in a bare
 * array tells the two apart. The users are handed out first; then the listing ends in
 * `unexpected_response` rather than passing for complete (docs/providers/argyle.md, "v1 list shape").
 */
function endOfBareArray(count: number, limit: number, context: OperationContext): Error | undefined {
  if (count === 0) return undefined;
  if (count >= limit) {
    return new UnexpectedResponseError(
      `${context.provider} listUsers: the v1 API returned a full page (${limit}) with no link to the next one; the listing may be incomplete`,
      { ...context, issues: ['(body): no_next_page'] },
    );
  }
  return new UnexpectedResponseError(
    `${context.provider} listUsers: the v1 API returned a list without paging (${count} of ${limit} asked); a server that caps pages would answer the same, so the listing may be incomplete`,
    { ...context, issues: ['(body): unpaged_list'] },
  );
}

/** A page as the core reads it: `{next, results}` (v2, v1), or a bare array (v1's example). */
export function cursorPage(
  page: readonly unknown[] | { next?: string | null | undefined; results: readonly unknown[] },
  context: OperationContext,
  limit: number,
): CursorPage {
  if (Array.isArray(page)) {
    const incomplete = endOfBareArray(page.length, limit, context);
    return incomplete ? { users: page, incomplete } : { users: page };
  }
  const { next, results } = page as { next?: string | null; results: readonly unknown[] };
  return next ? { users: results, next: cursorFromNext(next, context) } : { users: results };
}

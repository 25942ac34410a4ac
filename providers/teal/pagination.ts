/**
 * Offset pagination checks. A listing must end and must not repeat users: a provider that ignored
 * `offset` would otherwise hand out its first page `total_count / limit` times.
 */
import { type ErrorContext, UnexpectedResponseError } from '../../src/errors.js';
import type { TealUserList } from './wire.js';

/** Throws `unexpected_response` when a page is not the one asked for. */
export function checkPage(
  page: TealUserList,
  requestedOffset: number,
  previousFirstId: string | undefined,
  context: ErrorContext & { provider: string },
): void {
  const echoed = page.pagination.offset;
  const firstId = page.users[0]?.user_id;
  const repeated = requestedOffset > 0 && firstId !== undefined && firstId === previousFirstId;
  if ((echoed !== undefined && echoed !== requestedOffset) || repeated) {
    throw new UnexpectedResponseError(
      `${context.provider} listUsers: the provider answered another page than offset ${requestedOffset}; stopping rather than repeating users`,
      ['pagination.offset: not_the_requested_page'],
      context,
    );
  }
}

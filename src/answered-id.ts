/**
 * A provider's answer about one user must be about the user asked for. `getUser(A)` or
 * `updateUser(A)` answered with user B's record would otherwise resolve as B: the caller would show,
 * keep or act on someone else's record under A's id. Such an answer is `unexpected_response`.
 */
import { type ErrorContext, UnexpectedResponseError } from './errors.js';

/** A UUID in any letter case (fixed length, anchored: linear). */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether two ids name the same user: identical, or the same UUID written in another letter case. */
export function sameUserId(asked: string, answered: string): boolean {
  if (asked === answered) return true;
  return UUID.test(asked) && UUID.test(answered) && asked.toLowerCase() === answered.toLowerCase();
}

/** Throws `unexpected_response` when the answer names another user than `asked` (neither id is quoted). */
export function checkAnsweredId(
  asked: string,
  answered: string,
  context: ErrorContext & { provider: string; operation: string },
): void {
  if (sameUserId(asked, answered)) return;
  throw new UnexpectedResponseError(
    `${context.provider} ${context.operation}: the provider answered with another user than the one asked for`,
    { ...context, issues: ['id: not_the_requested_user'] },
  );
}

/**
 * Link tokens. Argyle's user tokens are JWTs "with a short-lived expiry"
 * (https://docs.argyle.com/link/user-tokens); the expiry is read from the token's standard `exp`
 * claim when it is there, and left out otherwise — the token is never rejected for it (Argyle, not
 * we, decides whether it is valid).
 *
 * The documents' tokens (v2 and legacy v1 alike) also name their user in a `user_id` claim. A token
 * naming another user than the one asked for (or just created) would start another person's Link
 * session under this applicant: it is `unexpected_response`, like any answer about another user.
 * A token without a readable `user_id` is passed on as it is.
 */

import {
  checkAnsweredId,
  type ErrorContext,
  isPayrollIdentityError,
  type LinkToken,
} from '../../src/provider/index.js';

/** Longest token whose claims are read (the documents' are under 1 KiB); a longer one is passed on unread. */
const MAX_READ_TOKEN_LENGTH = 16 * 1024;

/** The JWT's claims, when it has a payload that is a JSON object. */
function claimsOf(token: string): Record<string, unknown> | undefined {
  if (token.length > MAX_READ_TOKEN_LENGTH) return undefined;
  const start = token.indexOf('.') + 1;
  if (start === 0) return undefined;
  const end = token.indexOf('.', start);
  const payload = end === -1 ? token.slice(start) : token.slice(start, end);
  if (!payload) return undefined;
  try {
    const claims: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    return typeof claims === 'object' && claims !== null && !Array.isArray(claims)
      ? (claims as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function expiryOf(claims: Record<string, unknown> | undefined): string | undefined {
  const exp = claims?.exp;
  if (typeof exp !== 'number' || !Number.isFinite(exp) || exp <= 0) return undefined;
  const date = new Date(exp * 1000);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

/**
 * The neutral link token for `userId`, or `unexpected_response` when the token's `user_id` claim
 * names another user.
 */
export function linkToken(
  token: string,
  userId: string,
  context: ErrorContext & { provider: string; operation: string },
): LinkToken {
  const claims = claimsOf(token);
  const owner = claims?.user_id;
  if (typeof owner === 'string') checkAnsweredId(userId, owner, context);
  const expiresAt = expiryOf(claims);
  return expiresAt !== undefined ? { token, expiresAt } : { token };
}

/**
 * The token that came with a new user, or none when it names another user. The user WAS created
 * (its id is in the answer): failing the call would read as "it failed" and invite a second create,
 * and handing out a token about someone else would open their Link session. So the user is returned
 * without a token; the caller gets one for it with `createLinkToken` (docs/providers/argyle.md).
 */
export function tokenForCreated(
  token: string,
  userId: string,
  context: ErrorContext & { provider: string; operation: string },
): LinkToken | undefined {
  try {
    return linkToken(token, userId, context);
  } catch (error) {
    if (isPayrollIdentityError(error, 'unexpected_response')) return undefined;
    throw error;
  }
}

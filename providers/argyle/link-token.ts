/**
 * Link tokens. Argyle's user tokens are JWTs "with a short-lived expiry" (seed 002, reference); the
 * expiry is read from the token's standard `exp` claim when it is there, and left out otherwise —
 * the token is never rejected for it (Argyle, not we, decides whether it is valid).
 */
import type { LinkToken } from '../../src/user.js';

function expiryOf(token: string): string | undefined {
  const payload = token.split('.')[1];
  if (!payload) return undefined;
  try {
    const claims: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    const exp = (claims as { exp?: unknown } | null)?.exp;
    if (typeof exp !== 'number' || !Number.isFinite(exp) || exp <= 0) return undefined;
    const date = new Date(exp * 1000);
    return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
  } catch {
    return undefined;
  }
}

export function linkToken(token: string): LinkToken {
  const expiresAt = expiryOf(token);
  return expiresAt !== undefined ? { token, expiresAt } : { token };
}

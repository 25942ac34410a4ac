/**
 * Argyle user tokens: JWTs that expire after about an hour
 * (https://docs.argyle.com/api-reference/user-tokens). The claims follow the documented example tokens:
 * v2 `user_token` (https://docs.argyle.com/api-reference/users#create), v1 `access` / `refresh`
 * (https://docs.argyle.com/legacy/api-reference/user-tokens).
 * Signed with a per-run secret: nothing verifies them, but they are real HS256 JWTs.
 */
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { base64Url } from '../../../src/sandbox/index.js';

const TOKEN_LIFETIME_SECONDS = 3_600;
const ISSUER = 'argyle-sandbox-emulator';

export class TokenMinter {
  private readonly secret = randomBytes(32);
  /** The "client" (the API key's account) the tokens name, stable for one run. */
  private readonly clientId = randomUUID();

  /** A user token (v2 `user_token`, v1 `token` and `access`). */
  userToken(userId: string): string {
    return this.sign({ client_id: this.clientId, sub: userId, user_id: userId });
  }

  /**
   * A v1 `refresh` token: no client or user id claim, as in the example of
   * https://docs.argyle.com/legacy/api-reference/user-tokens.
   */
  refreshToken(userId: string): string {
    return this.sign({ sub: userId });
  }

  private sign(claims: Record<string, string>): string {
    const iat = Math.floor(Date.now() / 1000);
    const header = base64Url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
    const payload = base64Url(
      JSON.stringify({ ...claims, iat, exp: iat + TOKEN_LIFETIME_SECONDS, iss: ISSUER, jti: randomUUID() }),
    );
    const signature = createHmac('sha256', this.secret).update(`${header}.${payload}`).digest('base64url');
    return `${header}.${payload}.${signature}`;
  }
}

/**
 * HTTP Basic auth, "Username = api_key_id, Password = api_key_secret" (the legacy v1 API uses the
 * same keys). The revealed values live only in this closure: the returned strategy prints as two
 * functions.
 */
import type { AuthStrategy } from '../../src/provider/index.js';
import type { ArgyleCredentials } from './config.js';

export function argyleAuth(credentials: ArgyleCredentials): AuthStrategy {
  const id = credentials.apiKeyId.reveal();
  const secret = credentials.apiKeySecret.reveal();
  const encoded = Buffer.from(`${id}:${secret}`, 'utf8').toString('base64');
  const headers = Object.freeze({ Authorization: `Basic ${encoded}` });
  // The encoded pair is as secret as its parts: a provider echoing the header must not leak it.
  const secrets = Object.freeze([id, secret, encoded]);
  return { headers: () => headers, secrets: () => secrets };
}

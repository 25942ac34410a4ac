/**
 * HTTP Basic auth, "Username = api_key_id, Password = api_key_secret" (seeds 000/001/003; the
 * legacy v1 API uses the same keys).
 */
import type { AuthStrategy } from '../../src/http/client.js';
import type { ArgyleCredentials } from './config.js';

export function argyleAuth(credentials: ArgyleCredentials): AuthStrategy {
  const encoded = Buffer.from(`${credentials.apiKeyId}:${credentials.apiKeySecret}`, 'utf8').toString(
    'base64',
  );
  const header = `Basic ${encoded}`;
  return {
    headers: () => ({ Authorization: header }),
    // The encoded pair is as secret as its parts: a provider echoing the header must not leak it.
    secrets: () => [credentials.apiKeyId, credentials.apiKeySecret, encoded],
  };
}

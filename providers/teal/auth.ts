/**
 * Teal authentication (seed 004 `securitySchemes`): the `X-API-KEY` header, or a member's bearer
 * token from `POST /members/signin` when the tenant's credentials carry one instead.
 */
import type { AuthStrategy } from '../../src/http/client.js';
import type { TealCredentials } from './config.js';

export function tealAuth(credentials: TealCredentials): AuthStrategy {
  if ('apiKey' in credentials) {
    const { apiKey } = credentials;
    return { headers: () => ({ 'X-API-KEY': apiKey }), secrets: () => [apiKey] };
  }
  const { bearerToken } = credentials;
  return { headers: () => ({ Authorization: `Bearer ${bearerToken}` }), secrets: () => [bearerToken] };
}

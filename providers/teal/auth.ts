/**
 * Teal authentication: the `X-API-KEY` header, or a member's bearer token from `POST /members/signin`
 * when the tenant's credentials carry one instead. The revealed value lives only in this closure:
 * the returned strategy prints as two functions.
 */
import type { AuthStrategy } from '../../src/provider/index.js';
import type { TealCredentials } from './config.js';

export function tealAuth(credentials: TealCredentials): AuthStrategy {
  if ('apiKey' in credentials) {
    const apiKey = credentials.apiKey.reveal();
    const headers = Object.freeze({ 'X-API-KEY': apiKey });
    const secrets = Object.freeze([apiKey]);
    return { headers: () => headers, secrets: () => secrets };
  }
  const bearerToken = credentials.bearerToken.reveal();
  const headers = Object.freeze({ Authorization: `Bearer ${bearerToken}` });
  const secrets = Object.freeze([bearerToken]);
  return { headers: () => headers, secrets: () => secrets };
}

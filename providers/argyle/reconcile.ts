/**
 * Reconciling an ambiguous Argyle v2 create (docs/reliability.md, docs/providers/argyle.md): the
 * create may have happened but no answer came back, so the user is looked up by the `external_id`
 * the call sent. `external_id` is NOT unique at Argyle, and two calls with the same input send the
 * same fields, so a candidate is accepted only when it carries THIS call's create nonce
 * (./create-marker.ts) and is the one user that looks exactly like what the call sent; anything less
 * certain returns `undefined` and the core ends the call in `outcome_unknown`. Another call's user
 * holds another nonce: it is never handed to this call.
 */
import { nonceOf } from './create-marker.js';
import type { V2User, V2UserFieldsRequest } from './wire/v2.js';

/**
 * How much earlier than our own clock Argyle's `created_at` may be and still belong to this call.
 * Clocks differ; a user created minutes before the call started cannot be this call's.
 */
export const CLOCK_SKEW_MS = 5 * 60 * 1000;

/** The body fields compared with a candidate (open_banking is not returned; external_id is the filter). */
const SCALAR_FIELDS = ['first_name', 'last_name', 'email', 'phone_number', 'ssn'] as const;
const ADDRESS_FIELDS = ['line1', 'line2', 'city', 'state', 'country', 'postal_code'] as const;
const BIRTH_DATE_FIELDS = ['year', 'month', 'day'] as const;

/** The body the create sent (its `external_id` is what is looked up; its metadata holds the nonce). */
type SentBody = V2UserFieldsRequest;

/** Unset, as Argyle shows it: absent, `null` or an empty string. */
function unset(value: unknown): boolean {
  return value === undefined || value === null || value === '';
}

/** A field sent must come back equal; a field not sent must come back unset (a fresh user has it unset). */
function sameValue(sent: unknown, held: unknown): boolean {
  return unset(sent) ? unset(held) : sent === held;
}

function sameObject<K extends string>(
  keys: readonly K[],
  sent: Partial<Record<K, unknown>> | undefined,
  held: Partial<Record<K, unknown>> | null | undefined,
): boolean {
  return keys.every((key) => sameValue(sent?.[key], held?.[key]));
}

/** JSON with object keys sorted, so that key order never decides a match. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

function sameMetadata(sent: unknown, held: unknown): boolean {
  if (sent === undefined) return unset(held);
  return canonical(sent) === canonical(held);
}

/**
 * Whether `user` is the one this create made: it holds the call's nonce (exactly), and everything
 * else the call sent, at about the time it was sent. Without a nonce nothing matches.
 */
export function matchesCreate(user: V2User, body: SentBody, nonce: string, startedAt: number): boolean {
  // The one proof of identity: a nonce no other call has. The body must carry it too (it is what
  // the candidate's metadata is compared with below).
  if (nonce === '' || nonceOf(user.external_metadata) !== nonce || nonceOf(body.external_metadata) !== nonce)
    return false;
  // The filter is checked again: a provider that ignored it must not hand us a stranger.
  if (user.external_id !== body.external_id) return false;
  const createdAt = user.created_at ? Date.parse(user.created_at) : Number.NaN;
  // No readable creation time: we cannot tell a new user from an old one.
  if (Number.isNaN(createdAt) || createdAt < startedAt - CLOCK_SKEW_MS) return false;
  return (
    SCALAR_FIELDS.every((key) => sameValue(body[key], user[key])) &&
    sameObject(ADDRESS_FIELDS, body.address, user.address) &&
    sameObject(BIRTH_DATE_FIELDS, body.birth_date, user.birth_date) &&
    sameMetadata(body.external_metadata, user.external_metadata)
  );
}

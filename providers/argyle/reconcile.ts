/**
 * Reconciling an ambiguous Argyle v2 create (docs/reliability.md, docs/providers/argyle.md): the
 * create may have happened but no answer came back, so the user is looked up by the `external_id`
 * the call sent. `external_id` is NOT unique at Argyle (many users may share one), so a candidate is
 * accepted only when it is the one user that looks exactly like what this call created; anything
 * less certain returns `undefined` and the core ends the call in `outcome_unknown`.
 */
import type { AdapterContext } from '../../src/adapter.js';
import type { HttpClient } from '../../src/http/client.js';
import { MAX_PAGE_SIZE, nextCursor } from './pagination.js';
import { type V2User, type V2UserFieldsRequest, V2UserList } from './wire/v2.js';

/**
 * How much earlier than our own clock Argyle's `created_at` may be and still belong to this call.
 * Clocks differ; a user created minutes before the call started cannot be this call's.
 */
export const CLOCK_SKEW_MS = 5 * 60 * 1000;

/** The body fields compared with a candidate (open_banking is not returned; external_id is the filter). */
const SCALAR_FIELDS = ['first_name', 'last_name', 'email', 'phone_number', 'ssn'] as const;
const ADDRESS_FIELDS = ['line1', 'line2', 'city', 'state', 'country', 'postal_code'] as const;
const BIRTH_DATE_FIELDS = ['year', 'month', 'day'] as const;

export interface CreateLookup {
  http: HttpClient;
  context: AdapterContext;
  /** The body the create sent (its `external_id` is what is looked up). */
  body: V2UserFieldsRequest & { external_id: string };
  /** `Date.now()` when the create started. */
  startedAt: number;
}

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

/** Whether `user` is what this create would have made, at about the time it was sent. */
export function matchesCreate(user: V2User, body: CreateLookup['body'], startedAt: number): boolean {
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

/**
 * Finds the user an ambiguous create made: every page of `GET /v2/users?external_id=` is read, and
 * the user is returned only when exactly one candidate matches. Errors propagate (the core reports
 * the lookup's failure in the `outcome_unknown`).
 */
export async function findCreatedUser(
  lookup: CreateLookup,
  signal: AbortSignal | undefined,
): Promise<V2User | undefined> {
  const { http, context, body, startedAt } = lookup;
  const seen = new Set<string>();
  let match: V2User | undefined;
  let cursor: string | undefined;
  do {
    // List users by external id — GET /v2/users?external_id=&limit=&cursor= (seed 001;
    // https://docs.argyle.com/api-reference/users#list). The filter and page size go with every page:
    // a cursor alone does not carry them (docs/providers/argyle.md, pagination).
    const { data } = await http.request({
      operation: 'createUser',
      method: 'GET',
      path: '/v2/users',
      query: { external_id: body.external_id, limit: MAX_PAGE_SIZE, cursor },
      response: V2UserList,
      expectStatus: [200],
      options: signal ? { signal } : undefined,
    });
    for (const user of data.results) {
      if (!matchesCreate(user, body, startedAt)) continue;
      // Two users fit: which one this call made cannot be known.
      if (match !== undefined && match.id !== user.id) return undefined;
      match = user;
    }
    cursor = nextCursor(data, seen, context);
  } while (cursor !== undefined);
  return match;
}

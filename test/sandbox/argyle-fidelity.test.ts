/**
 * Sandbox fidelity, Argyle: for each documented status and validation rule (the users and user
 * tokens references, test/openapi/argyle-*.yml, and the legacy v1 reference), a raw HTTP request
 * and the answer the documents promise — and, for what the documents leave open, the answer under
 * each emulator option.
 */
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { emulator } from '../../providers/argyle/sandbox/index.js';
import { startEmulator } from '../../src/sandbox/server.js';
import type { RunningEmulator } from '../../src/sandbox/types.js';
import { basic, jwtPayload, type RawRequest, raw } from './raw-http.js';

type Argyle = RunningEmulator<{ apiKeyId: string; apiKeySecret: string }, never>;
/** The emulator as it starts by default: the documented behaviour. */
let sandbox: Argyle;
/** The emulator that refuses fields and query parameters the documents do not list. */
let strict: Argyle;

beforeAll(async () => {
  sandbox = await startEmulator(emulator);
  strict = await startEmulator(emulator, { options: { unknownFields: 'reject' } });
});
afterEach(() => {
  sandbox.reset();
  strict.reset();
});
afterAll(async () => {
  await sandbox.close();
  await strict.close();
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const UNKNOWN_ID = '018051aa-f7a9-a0db-2f38-6cfa325e9d69';

const authOf = (at: Argyle) => basic(at.credentials.apiKeyId, at.credentials.apiKeySecret);

/** A request with `at`'s valid Basic credentials (the default emulator's unless given). */
const call = (path: string, request: RawRequest = {}, at: Argyle = sandbox) =>
  raw(`${at.baseUrl}${path}`, { ...request, headers: { authorization: authOf(at), ...request.headers } });
/** The same, at the emulator that refuses unknown fields and query parameters. */
const strictCall = (path: string, request: RawRequest = {}) => call(path, request, strict);

async function createUser(body: Record<string, unknown> = {}, at: Argyle = sandbox): Promise<string> {
  const res = await call('/v2/users', { method: 'POST', json: body }, at);
  expect(res.status).toBe(200);
  return (res.body as { id: string }).id;
}

const FULL_USER = {
  first_name: 'Sarah',
  last_name: 'Longfield',
  email: 'sarah@example.com',
  phone_number: '+14155550123',
  ssn: '123-45-6789',
  address: {
    line1: '1 Main St',
    line2: 'Apt 2',
    city: 'Springfield',
    state: 'IL',
    country: 'US',
    postal_code: '62701',
  },
  birth_date: { year: 1990, month: 5, day: 17 },
  external_metadata: { loan_stage: 2 },
  external_id: 'applicant-8841',
};

describe('Argyle emulator: authentication (Basic api_key_id:api_key_secret)', () => {
  const routes: [string, string][] = [
    ['POST', '/v2/users'],
    ['GET', '/v2/users'],
    ['GET', `/v2/users/${UNKNOWN_ID}`],
    ['PATCH', `/v2/users/${UNKNOWN_ID}`],
    ['DELETE', `/v2/users/${UNKNOWN_ID}`],
    ['POST', '/v2/user-tokens'],
    ['POST', '/v1/users'],
    ['GET', '/v1/users'],
    ['GET', `/v1/users/${UNKNOWN_ID}`],
    ['PATCH', `/v1/users/${UNKNOWN_ID}`],
    ['DELETE', `/v1/users/${UNKNOWN_ID}`],
    ['POST', '/v1/user-tokens'],
  ];

  it.each(routes)(
    '%s %s with a wrong secret → 401 {"detail": "Invalid username/password."}',
    async (method, path) => {
      const res = await raw(`${sandbox.baseUrl}${path}`, {
        method,
        headers: { authorization: basic(sandbox.credentials.apiKeyId, 'wrong-secret') },
      });
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ detail: 'Invalid username/password.' });
      expect(res.headers.get('www-authenticate')).toMatch(/^Basic/);
    },
  );

  it('rejects a wrong key id, a bearer token and a missing header', async () => {
    const { apiKeyId, apiKeySecret } = sandbox.credentials;
    for (const authorization of [
      basic('wrong-id', apiKeySecret),
      `Bearer ${apiKeySecret}`,
      `Basic ${apiKeyId}`,
    ]) {
      const res = await raw(`${sandbox.baseUrl}/v2/users`, { headers: { authorization } });
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ detail: 'Invalid username/password.' });
    }
    const none = await raw(`${sandbox.baseUrl}/v2/users`);
    expect(none.status).toBe(401);
    expect(none.body).toEqual({ detail: 'Authentication credentials were not provided.' });
  });

  it('checks credentials before the body: a bad create with wrong credentials is 401 and creates nothing', async () => {
    const res = await raw(`${sandbox.baseUrl}/v2/users`, {
      method: 'POST',
      headers: { authorization: basic('x', 'y') },
      json: { email: 'not-an-email' },
    });
    expect(res.status).toBe(401);
    expect(sandbox.userCount()).toBe(0);
  });
});

describe('Argyle emulator: POST /v2/users', () => {
  it('creates a user from an empty body → 200 {user_token, id}', async () => {
    const res = await call('/v2/users', { method: 'POST', json: {} });
    expect(res.status).toBe(200);
    const body = res.body as { user_token: string; id: string };
    expect(Object.keys(body).sort()).toEqual(['id', 'user_token']);
    expect(body.id).toMatch(UUID);
    expect(jwtPayload(body.user_token)).toMatchObject({ user_id: body.id, sub: body.id });
    expect(sandbox.userCount()).toBe(1);
  });

  it('accepts a request with no body at all', async () => {
    const res = await call('/v2/users', { method: 'POST' });
    expect(res.status).toBe(200);
    expect(sandbox.userCount()).toBe(1);
  });

  it('stores every documented field and returns them on retrieve', async () => {
    const id = await createUser(FULL_USER);
    const res = await call(`/v2/users/${id}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id, ...FULL_USER, items_connected: [], employers_connected: [] });
  });

  it('invalid email → 400 {"email": ["Enter a valid email address."]}, nothing created', async () => {
    const res = await call('/v2/users', { method: 'POST', json: { email: 'john.example.com' } });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ email: ['Enter a valid email address.'] });
    expect(sandbox.userCount()).toBe(0);
  });

  it.each(['555-0123', 'call me', '+1 415 555 0123 ext 9', '+1234567890123456', '+'])(
    'invalid phone %j → 400 {"phone_number": ["Enter a valid phone number."]}',
    async (phone) => {
      const res = await call('/v2/users', { method: 'POST', json: { phone_number: phone } });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ phone_number: ['Enter a valid phone number.'] });
    },
  );

  it('E.164 is recommended, not required: national formats with the usual separators pass', async () => {
    for (const phone of ['+14155550123', '(415) 555-0123', '415.555.0123', '+44 20 7946 0958']) {
      const id = await createUser({ phone_number: phone });
      expect((await call(`/v2/users/${id}`)).body).toMatchObject({ phone_number: phone });
    }
  });

  it('"__proto__" and "constructor" are unknown fields like any other: dropped, or refused under unknownFields: reject; they pollute nothing', async () => {
    for (const [key, body] of [
      ['__proto__', '{"__proto__":{"non_field_errors":["x"]}}'],
      ['constructor', '{"constructor":{"prototype":{"polluted":true}}}'],
    ]) {
      const request = { method: 'POST', body, headers: { 'content-type': 'application/json' } };
      const dropped = await call('/v2/users', request);
      expect(dropped.status).toBe(200);
      const refused = await strictCall('/v2/users', request);
      expect(refused.status).toBe(400);
      expect(JSON.parse(refused.text)).toEqual(JSON.parse(`{"${key}": ["Unknown field."]}`));
    }
    expect((await call('/v2/users?__proto__=x')).status).toBe(200);
    const query = await strictCall('/v2/users?__proto__=x');
    expect(query.status).toBe(400);
    expect(Object.keys(JSON.parse(query.text) as object)).toEqual(['__proto__']);
    expect(Object.hasOwn(Object.prototype, 'non_field_errors')).toBe(false);
    expect(Object.hasOwn(Object.prototype, 'polluted')).toBe(false);
    // The emulators still work for everyone else.
    expect((await call('/v2/users', { method: 'POST', json: {} })).status).toBe(200);
    expect((await strictCall('/v2/users', { method: 'POST', json: {} })).status).toBe(200);
  });

  it('drops fields the documents do not list, top level and nested, by default', async () => {
    const id = await createUser({
      nickname: 'J',
      first_name: 'Sarah',
      address: { street: 'x', city: 'Springfield' },
    });
    const user = (await call(`/v2/users/${id}`)).body as Record<string, unknown>;
    expect(user).not.toHaveProperty('nickname');
    expect(user).toMatchObject({ first_name: 'Sarah', address: { city: 'Springfield', line1: null } });
    expect(user.address).not.toHaveProperty('street');
  });

  it.each([
    ['an unknown top-level field', { nickname: 'J' }, { nickname: ['Unknown field.'] }],
    ['an unknown address field', { address: { street: 'x' } }, { address: { street: ['Unknown field.'] } }],
    [
      'an unknown lender field',
      { open_banking: { end_user: { fax: '1' } } },
      { open_banking: { end_user: { fax: ['Unknown field.'] } } },
    ],
  ])('unknownFields: reject refuses %s → 400 field map', async (_what, json, expected) => {
    const res = await strictCall('/v2/users', { method: 'POST', json });
    expect(res.status).toBe(400);
    expect(res.body).toEqual(expected);
    expect(strict.userCount()).toBe(0);
  });

  it('reports every invalid field at once', async () => {
    const res = await call('/v2/users', { method: 'POST', json: { email: 'x@', phone_number: 'abc' } });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      email: ['Enter a valid email address.'],
      phone_number: ['Enter a valid phone number.'],
    });
  });

  it('any string without an @ is an invalid email', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string().filter((s) => !s.includes('@')),
        async (email) => {
          const res = await call('/v2/users', { method: 'POST', json: { email } });
          expect(res.status).toBe(400);
          expect(res.body).toEqual({ email: ['Enter a valid email address.'] });
        },
      ),
      { numRuns: 25 },
    );
    expect(sandbox.userCount()).toBe(0);
  });

  it.each([
    [
      'an external_id over 100 characters',
      { external_id: 'x'.repeat(101) },
      { external_id: ['Ensure this field has no more than 100 characters.'] },
    ],
    [
      'a birth year before 1900',
      { birth_date: { year: 1899 } },
      { birth_date: { year: ['Ensure this value is greater than or equal to 1900.'] } },
    ],
    [
      'a birth month of 13',
      { birth_date: { month: 13 } },
      { birth_date: { month: ['Ensure this value is less than or equal to 12.'] } },
    ],
    [
      'a birth day of 32',
      { birth_date: { day: 32 } },
      { birth_date: { day: ['Ensure this value is less than or equal to 31.'] } },
    ],
    [
      'a non-integer birth year',
      { birth_date: { year: '1990' } },
      { birth_date: { year: ['A valid integer is required.'] } },
    ],
    [
      'a number for a country',
      { address: { country: 1 } },
      { address: { country: ['Not a valid string.'] } },
    ],
    [
      'a lender phone that is not 10–11 digits',
      { open_banking: { end_user: { phone: '12345' } } },
      { open_banking: { end_user: { phone: ['Must be 10 or 11 digits.'] } } },
    ],
    [
      'string metadata (v2 types it object)',
      { external_metadata: 'group A' },
      { external_metadata: ['Expected a dictionary of items but got type "str".'] },
    ],
    ['a null field', { first_name: null }, { first_name: ['This field may not be null.'] }],
    ['a number for a string field', { last_name: 5 }, { last_name: ['Not a valid string.'] }],
    [
      'a body that is not an object',
      ['x'],
      { non_field_errors: ['Expected a dictionary of items but got type "list".'] },
    ],
  ])('refuses %s → 400 field map', async (_what, json, expected) => {
    const res = await call('/v2/users', { method: 'POST', json });
    expect(res.status).toBe(400);
    expect(res.body).toEqual(expected);
    expect(sandbox.userCount()).toBe(0);
  });

  it('accepts the documented limits exactly', async () => {
    const res = await call('/v2/users', {
      method: 'POST',
      json: {
        external_id: 'x'.repeat(100),
        birth_date: { year: 1900, month: 12, day: 31 },
        open_banking: { end_user: { name: 'Lender', phone: '415-555-0123' } },
      },
    });
    expect(res.status).toBe(200);
  });

  it('checks only what the documents state: a described format (ISO country) and day ranges are not more', async () => {
    // "Two-letter country code (ISO 3166-1 alpha-2 format)" describes the field; the documents give no
    // error for it (they do for email and phone). Day 1–31 and month 1–12 are the documented ranges.
    const id = await createUser({
      address: { country: 'USA' },
      birth_date: { year: 1990, month: 2, day: 30 },
    });
    expect((await call(`/v2/users/${id}`)).body).toMatchObject({
      address: { country: 'USA' },
      birth_date: { year: 1990, month: 2, day: 30 },
    });
  });

  it("malformed JSON → 400 in Argyle's error shape; another media type → 415", async () => {
    const bad = await call('/v2/users', {
      method: 'POST',
      body: '{"email":',
      headers: { 'content-type': 'application/json' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual({ detail: expect.any(String) });
    const text = await call('/v2/users', {
      method: 'POST',
      body: 'email=x',
      headers: { 'content-type': 'text/plain' },
    });
    expect(text.status).toBe(415);
    expect(text.body).toEqual({ detail: expect.any(String) });
    expect(sandbox.userCount()).toBe(0);
  });
});

describe('Argyle emulator: retrieve, update, delete', () => {
  it('GET returns the User object with every documented field, null when unset', async () => {
    const id = await createUser();
    const res = await call(`/v2/users/${id}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      id,
      created_at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
      items_connected: [],
      employers_connected: [],
      external_metadata: null,
      external_id: null,
      first_name: null,
      last_name: null,
      email: null,
      phone_number: null,
      ssn: null,
      address: { city: null, line1: null, line2: null, state: null, country: null, postal_code: null },
      birth_date: { year: null, month: null, day: null },
    });
  });

  it.each([UNKNOWN_ID, 'not-a-uuid'])(
    'GET, PATCH, DELETE of unknown id %s → 404 {"detail": ...}',
    async (id) => {
      for (const method of ['GET', 'PATCH', 'DELETE']) {
        const res = await call(`/v2/users/${id}`, {
          method,
          ...(method === 'PATCH' ? { json: { email: 'bad' } } : {}),
        });
        expect(res.status).toBe(404);
        expect(res.body).toEqual({ detail: 'Not found.' });
      }
    },
  );

  it('PATCH changes only the fields sent; an object sent replaces the stored one whole → 200 User', async () => {
    const id = await createUser(FULL_USER);
    const res = await call(`/v2/users/${id}`, {
      method: 'PATCH',
      json: { email: 'new@example.com', address: { city: 'Chicago' }, birth_date: { year: 1991 } },
    });
    expect(res.status).toBe(200);
    // Argyle documents no key-by-key merge: a partial address leaves the rest unset here, so a client
    // that counts on a merge finds out against the emulator.
    expect(res.body).toMatchObject({
      ...FULL_USER,
      email: 'new@example.com',
      address: { city: 'Chicago', line1: null, line2: null, state: null, country: null, postal_code: null },
      birth_date: { year: 1991, month: null, day: null },
    });
    expect((await call(`/v2/users/${id}`)).body).toEqual(res.body);
  });

  it('PATCH validates like create and changes nothing on 400', async () => {
    const id = await createUser(FULL_USER);
    const res = await call(`/v2/users/${id}`, {
      method: 'PATCH',
      json: { email: 'nope', phone_number: '+1' },
    });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      email: ['Enter a valid email address.'],
      phone_number: ['Enter a valid phone number.'],
    });
    const after = await call(`/v2/users/${id}`);
    expect(after.body).toMatchObject({ email: FULL_USER.email, phone_number: FULL_USER.phone_number });
  });

  it('DELETE → 204 with no content; the user is gone', async () => {
    const id = await createUser();
    const res = await call(`/v2/users/${id}`, { method: 'DELETE' });
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
    expect((await call(`/v2/users/${id}`)).status).toBe(404);
    expect((await call(`/v2/users/${id}`, { method: 'DELETE' })).status).toBe(404);
    expect(sandbox.userCount()).toBe(0);
  });

  it("an unknown route → 404 in Argyle's shape", async () => {
    const res = await call('/v2/accounts');
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ detail: 'Not found.' });
  });
});

describe('Argyle emulator: GET /v2/users cursor pagination', () => {
  interface ListBody {
    next: string | null;
    previous: string | null;
    results: { id: string; external_id: string | null }[];
  }
  const list = async (pathOrUrl: string) => {
    const res = await call(
      pathOrUrl.startsWith('http') ? pathOrUrl.slice(sandbox.baseUrl.length) : pathOrUrl,
    );
    expect(res.status).toBe(200);
    return res.body as ListBody;
  };

  it('pages by 10 by default; next/previous are full URLs on the emulator with a cursor', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 12; i += 1) ids.push(await createUser());
    const first = await list('/v2/users');
    expect(first.results.map((u) => u.id)).toEqual(ids.slice(0, 10));
    expect(first.previous).toBeNull();
    expect(first.next).not.toBeNull();
    const next = new URL(first.next ?? '');
    expect(next.origin).toBe(sandbox.baseUrl);
    expect(next.pathname).toBe('/v2/users');
    expect(next.searchParams.get('cursor')).toBeTruthy();

    const second = await list(first.next ?? '');
    expect(second.results.map((u) => u.id)).toEqual(ids.slice(10));
    expect(second.next).toBeNull();
    expect(second.previous).not.toBeNull();
    const back = await list(second.previous ?? '');
    expect(back.results.map((u) => u.id)).toEqual(ids.slice(0, 10));
  });

  it('walks every user exactly once with a small limit', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 7; i += 1) ids.push(await createUser());
    const seen: string[] = [];
    let page = await list('/v2/users?limit=3');
    seen.push(...page.results.map((u) => u.id));
    while (page.next) {
      page = await list(page.next);
      expect(page.results.length).toBeLessThanOrEqual(3);
      seen.push(...page.results.map((u) => u.id));
    }
    expect(seen).toEqual(ids);
  });

  it('filters by exact external_id, and next keeps the filter', async () => {
    for (let i = 0; i < 3; i += 1) await createUser({ external_id: 'applicant-1' });
    await createUser({ external_id: 'applicant-10' });
    await createUser({ external_id: 'APPLICANT-1' });
    const page = await list('/v2/users?external_id=applicant-1&limit=2');
    expect(page.results.map((u) => u.external_id)).toEqual(['applicant-1', 'applicant-1']);
    expect(new URL(page.next ?? '').searchParams.get('external_id')).toBe('applicant-1');
    const rest = await list(page.next ?? '');
    expect(rest.results.map((u) => u.external_id)).toEqual(['applicant-1']);
    expect(rest.next).toBeNull();
  });

  it('accepts limit 1 and 200; refuses 0, 201, non-integers and foreign cursors → 400', async () => {
    expect((await call('/v2/users?limit=1')).status).toBe(200);
    expect((await call('/v2/users?limit=200')).status).toBe(200);
    const cases: [string, unknown][] = [
      ['limit=0', { limit: ['Ensure this value is greater than or equal to 1.'] }],
      ['limit=201', { limit: ['Ensure this value is less than or equal to 200.'] }],
      ['limit=ten', { limit: ['A valid integer is required.'] }],
      ['cursor=not-a-cursor', { cursor: ['Invalid cursor.'] }],
      ['cursor=ZXhhbXBsZV9jdXJzb3I', { cursor: ['Invalid cursor.'] }],
    ];
    for (const [query, expected] of cases) {
      const res = await call(`/v2/users?${query}`);
      expect(res.status, query).toBe(400);
      expect(res.body).toEqual(expected);
    }
  });

  it('ignores an unknown query parameter (a misspelt filter lists everyone, as at Argyle); unknownFields: reject refuses it', async () => {
    await createUser({ external_id: 'a' });
    await createUser({ external_id: 'b' });
    const misspelt = await list('/v2/users?externalId=a');
    expect(misspelt.results).toHaveLength(2);
    const refused = await strictCall('/v2/users?externalId=a');
    expect(refused.status).toBe(400);
    expect(refused.body).toEqual({ externalId: ['Unknown query parameter.'] });
  });

  it('cursors are standard base64 with "+", "/" and "=": the page links percent-encode them, and only an encoded cursor works', async () => {
    for (let i = 0; i < 3; i += 1) await createUser();
    const first = await list('/v2/users?limit=1');
    const next = first.next ?? '';
    const cursor = new URL(next).searchParams.get('cursor') ?? '';
    expect(cursor).toMatch(/\+/);
    expect(cursor).toMatch(/\//);
    expect(cursor).toMatch(/=$/);
    expect(next).toContain('%2B');
    expect(next).toContain('%2F');
    expect(next).toContain('%3D');
    expect(next).not.toMatch(/cursor=[^&]*[+/=]/);
    expect((await list(next)).results).toHaveLength(1);
    expect((await list(`/v2/users?limit=1&cursor=${encodeURIComponent(cursor)}`)).results).toHaveLength(1);
    // Sent as it is, "+" reads as a space and "=" may be cut: the cursor is no longer one.
    const unencoded = await call(`/v2/users?limit=1&cursor=${cursor}`);
    expect(unencoded.status).toBe(400);
    expect(unencoded.body).toEqual({ cursor: ['Invalid cursor.'] });
  });
});

describe('Argyle emulator: user tokens', () => {
  it('POST /v2/user-tokens {user} → 200 {user_token} for that user', async () => {
    const id = await createUser();
    const res = await call('/v2/user-tokens', { method: 'POST', json: { user: id } });
    expect(res.status).toBe(200);
    const body = res.body as { user_token: string };
    expect(Object.keys(body)).toEqual(['user_token']);
    const claims = jwtPayload(body.user_token);
    expect(claims).toMatchObject({ user_id: id });
    expect(Number(claims.exp) - Number(claims.iat)).toBe(3600);
  });

  it.each(['/v2/user-tokens', '/v1/user-tokens'])(
    '%s: unknown user → 404, bad bodies → 400',
    async (path) => {
      const unknown = await call(path, { method: 'POST', json: { user: UNKNOWN_ID } });
      expect(unknown.status).toBe(404);
      expect(unknown.body).toEqual({ detail: 'Not found.' });
      const cases: [unknown, unknown][] = [
        [{}, { user: ['This field is required.'] }],
        [{ user: 'abc' }, { user: ['Must be a valid UUID.'] }],
      ];
      for (const [json, expected] of cases) {
        const res = await call(path, { method: 'POST', json });
        expect(res.status).toBe(400);
        expect(res.body).toEqual(expected);
      }
      const id = await createUser();
      expect((await call(path, { method: 'POST', json: { user: id, scope: 'all' } })).status).toBe(200);
      const refused = await strictCall(path, { method: 'POST', json: { user: UNKNOWN_ID, scope: 'all' } });
      expect(refused.status).toBe(400);
      expect(refused.body).toEqual({ scope: ['Unknown field.'] });
    },
  );
});

describe('Argyle emulator: legacy v1', () => {
  it('POST /v1/users with a JSON content type and no payload → {token, id}', async () => {
    const res = await call('/v1/users', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '',
    });
    expect(res.status).toBe(200);
    const body = res.body as { token: string; id: string };
    expect(Object.keys(body).sort()).toEqual(['id', 'token']);
    expect(jwtPayload(body.token)).toMatchObject({ user_id: body.id });
  });

  it('stores any JSON metadata and answers the v1 user object; v2 sees the same user', async () => {
    const created = await call('/v1/users', { method: 'POST', json: { external_metadata: 'User group A' } });
    const { id } = created.body as { id: string };
    const v1 = await call(`/v1/users/${id}`);
    expect(v1.body).toEqual({
      id,
      created_at: expect.any(String),
      employers_connected: [],
      data_providers_connected: [],
      external_metadata: 'User group A',
    });
    expect((await call(`/v2/users/${id}`)).body).toMatchObject({ id, external_metadata: 'User group A' });
  });

  it('PATCH updates only external_metadata; other fields are dropped (refused under unknownFields: reject)', async () => {
    const id = await createUser({ first_name: 'Sarah' });
    const ok = await call(`/v1/users/${id}`, {
      method: 'PATCH',
      json: { external_metadata: { group: 'B' }, first_name: 'Jo' },
    });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ id, external_metadata: { group: 'B' } });
    expect((await call(`/v2/users/${id}`)).body).toMatchObject({ first_name: 'Sarah' });
    const strictId = await createUser({}, strict);
    const refused = await strictCall(`/v1/users/${strictId}`, {
      method: 'PATCH',
      json: { first_name: 'Jo' },
    });
    expect(refused.status).toBe(400);
    expect(refused.body).toEqual({ first_name: ['Unknown field.'] });
  });

  it('lists {next, previous, results}; the v2-only external_id filter is no filter here (refused under unknownFields: reject)', async () => {
    for (let i = 0; i < 3; i += 1) await createUser();
    const res = await call('/v1/users?limit=2');
    const body = res.body as { next: string; previous: null; results: unknown[] };
    expect(body.results).toHaveLength(2);
    expect(new URL(body.next).pathname).toBe('/v1/users');
    const unfiltered = (await call('/v1/users?external_id=x')).body as { results: unknown[] };
    expect(unfiltered.results).toHaveLength(3);
    expect((await strictCall('/v1/users?external_id=x')).status).toBe(400);
  });

  it('DELETE → 204; unknown → 404', async () => {
    const id = await createUser();
    expect((await call(`/v1/users/${id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await call(`/v1/users/${id}`)).status).toBe(404);
  });

  it('POST /v1/user-tokens {user} → {access, refresh}', async () => {
    const id = await createUser();
    const res = await call('/v1/user-tokens', { method: 'POST', json: { user: id } });
    expect(res.status).toBe(200);
    const body = res.body as { access: string; refresh: string };
    expect(Object.keys(body).sort()).toEqual(['access', 'refresh']);
    expect(jwtPayload(body.access)).toMatchObject({ user_id: id });
    expect(jwtPayload(body.refresh)).toMatchObject({ sub: id });
  });
});

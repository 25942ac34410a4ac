/**
 * Sandbox fidelity, Teal: for each documented status and validation rule (seed 004 and the
 * reference's user endpoints), a raw HTTP request and the answer the documents promise.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { emulator } from '../../providers/teal/sandbox/index.js';
import { startEmulator } from '../../src/sandbox/server.js';
import type { RunningEmulator } from '../../src/sandbox/types.js';
import { type RawRequest, raw } from './raw-http.js';

let sandbox: RunningEmulator<{ apiKey: string }, { bearerToken: string }>;

beforeAll(async () => {
  sandbox = await startEmulator(emulator);
});
afterEach(() => sandbox.reset());
afterAll(() => sandbox.close());

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const UNKNOWN_ID = '7b1c4a53-2d7e-4f0e-9a55-0c4f5d1e2b3a';
const ISO_MIDNIGHT = /^\d{4}-\d{2}-\d{2}T00:00:00\.000Z$/;

const call = (path: string, request: RawRequest = {}) =>
  raw(`${sandbox.baseUrl}${path}`, {
    ...request,
    headers: { 'x-api-key': sandbox.credentials.apiKey, ...request.headers },
  });

const JOHN = {
  forename: 'John',
  surname: 'Smith',
  date_of_birth: '1990-05-17T00:00:00.000Z',
  post_codes: ['SW1A 1AA', 'SW1A 1AB'],
  payroll_period_months: 12,
};

let people = 0;
/** A distinct person each call, so the 409 rule never gets in the way of tests about something else. */
const person = (extra: Record<string, unknown> = {}) => {
  people += 1;
  return { ...JOHN, forename: `Person${people}`, ...extra };
};

async function createUser(body: Record<string, unknown> = person()): Promise<Record<string, unknown>> {
  const res = await call('/users', { method: 'POST', json: body });
  expect(res.status).toBe(201);
  return res.body as Record<string, unknown>;
}

describe('Teal emulator: authentication (X-API-KEY or member bearer)', () => {
  const routes: [string, string][] = [
    ['POST', '/users'],
    ['GET', '/users'],
    ['GET', `/users/${UNKNOWN_ID}`],
    ['PATCH', `/users/${UNKNOWN_ID}`],
    ['DELETE', `/users/${UNKNOWN_ID}`],
    ['POST', '/user-tokens'],
  ];
  const UNAUTHORIZED = { errors: 'No X-API-KEY header provided or wrong value' };

  it.each(routes)('%s %s with a wrong key or none → 401 {"errors": "..."}', async (method, path) => {
    const wrong = await raw(`${sandbox.baseUrl}${path}`, {
      method,
      headers: { 'x-api-key': 'sandbox-key-wrong' },
    });
    expect(wrong.status).toBe(401);
    expect(wrong.body).toEqual(UNAUTHORIZED);
    const none = await raw(`${sandbox.baseUrl}${path}`, { method });
    expect(none.status).toBe(401);
    expect(none.body).toEqual(UNAUTHORIZED);
  });

  it('accepts the member bearer token instead of the API key', async () => {
    const bearer = sandbox.alternativeCredentials[0]?.bearerToken ?? '';
    const res = await raw(`${sandbox.baseUrl}/users`, { headers: { authorization: `Bearer ${bearer}` } });
    expect(res.status).toBe(200);
  });

  it('refuses a wrong bearer token, the API key as a bearer, and a wrong key beside a valid bearer', async () => {
    const bearer = sandbox.alternativeCredentials[0]?.bearerToken ?? '';
    const attempts: Record<string, string>[] = [
      { authorization: 'Bearer sandbox-member-token-wrong' },
      { authorization: `Bearer ${sandbox.credentials.apiKey}` },
      { authorization: `Bearer ${bearer}`, 'x-api-key': 'wrong' },
    ];
    for (const headers of attempts) {
      const res = await raw(`${sandbox.baseUrl}/users`, { headers });
      expect(res.status).toBe(401);
    }
  });

  it('checks credentials before the body: nothing is created', async () => {
    const res = await raw(`${sandbox.baseUrl}/users`, {
      method: 'POST',
      headers: { 'x-api-key': 'x' },
      json: JOHN,
    });
    expect(res.status).toBe(401);
    expect(sandbox.userCount()).toBe(0);
  });
});

describe('Teal emulator: POST /users (seed 004)', () => {
  it('→ 201 CreatedUser: user_id, created_at and the fields sent, dates at midnight UTC', async () => {
    const res = await call('/users', {
      method: 'POST',
      json: {
        ...JOHN,
        ni_number: 'QQ123456C',
        ext_id: 'applicant-8841',
        recurring_checks_enabled: true,
        recurring_check_frequency: 'WEEKLY',
        recurring_check_end_date: '2030-01-31T00:00:00Z',
        payslip_upload_enabled: false,
        payroll_connections_enabled: true,
      },
    });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      user_id: expect.stringMatching(UUID),
      created_at: expect.any(String),
      ...JOHN,
      ni_number: 'QQ123456C',
      ext_id: 'applicant-8841',
      recurring_checks_enabled: true,
      recurring_check_frequency: 'WEEKLY',
      recurring_check_end_date: '2030-01-31T00:00:00.000Z',
      payslip_upload_enabled: false,
      payroll_connections_enabled: true,
    });
    expect(Number.isNaN(Date.parse(String((res.body as { created_at: string }).created_at)))).toBe(false);
    expect(sandbox.userCount()).toBe(1);
  });

  it('keeps the calendar day of a date-time with an offset', async () => {
    const user = await createUser(person({ date_of_birth: '1990-05-17T00:00:00+01:00' }));
    expect(user.date_of_birth).toBe('1990-05-17T00:00:00.000Z');
    expect(user.date_of_birth).toMatch(ISO_MIDNIGHT);
  });

  it.each(['forename', 'surname', 'date_of_birth', 'post_codes', 'payroll_period_months'])(
    'missing required %s → 400 {"errors": ["The request is missing the required field `...`"]}',
    async (field) => {
      const body: Record<string, unknown> = { ...JOHN };
      delete body[field];
      const res = await call('/users', { method: 'POST', json: body });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ errors: [`The request is missing the required field \`${field}\``] });
      expect(sandbox.userCount()).toBe(0);
    },
  );

  it('an empty body lists every missing required field', async () => {
    const res = await call('/users', { method: 'POST', json: {} });
    expect(res.status).toBe(400);
    const { errors } = res.body as { errors: string[] };
    expect(errors).toHaveLength(5);
    for (const field of ['forename', 'surname', 'date_of_birth', 'post_codes', 'payroll_period_months']) {
      expect(errors).toContain(`The request is missing the required field \`${field}\``);
    }
  });

  it.each([
    ['email (not a Teal user field)', { email: 'john@example.com' }, 'The field `email` is not allowed'],
    ['an unknown field', { middle_name: 'Q' }, 'The field `middle_name` is not allowed'],
    [
      'a plain date (format is date-time)',
      { date_of_birth: '1990-05-17' },
      'The field `date_of_birth` must be a date-time such as 2019-05-17T00:00:00.000Z',
    ],
    [
      'a day that does not exist',
      { date_of_birth: '1990-02-30T00:00:00.000Z' },
      'The field `date_of_birth` must be a date-time such as 2019-05-17T00:00:00.000Z',
    ],
    ['no post codes', { post_codes: [] }, 'The field `post_codes` must hold at least one post code'],
    ['a non-string post code', { post_codes: [12] }, 'The field `post_codes[0]` must be a string'],
    [
      'a fractional payroll period',
      { payroll_period_months: 1.5 },
      'The field `payroll_period_months` must be an integer',
    ],
    [
      'a zero payroll period',
      { payroll_period_months: 0 },
      'The field `payroll_period_months` must be at least 1',
    ],
    [
      'a payroll period as a string',
      { payroll_period_months: '12' },
      'The field `payroll_period_months` must be an integer',
    ],
    [
      'a frequency outside WEEKLY/DAILY/HOURLY',
      { recurring_check_frequency: 'MONTHLY' },
      'The field `recurring_check_frequency` must be one of WEEKLY, DAILY, HOURLY',
    ],
    [
      'a non-boolean flag',
      { payslip_upload_enabled: 'yes' },
      'The field `payslip_upload_enabled` must be a boolean',
    ],
    ['a null forename', { forename: null }, 'The field `forename` must not be null'],
    ['an empty surname', { surname: '  ' }, 'The field `surname` must not be empty'],
  ])('refuses %s → 400 {"errors": [...]}', async (_what, change, message) => {
    const res = await call('/users', { method: 'POST', json: { ...JOHN, ...change } });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ errors: [message] });
    expect(sandbox.userCount()).toBe(0);
  });

  it('accepts a null ext_id (the only nullable field) and every sandbox frequency', async () => {
    await createUser(person({ ext_id: null }));
    for (const frequency of ['WEEKLY', 'DAILY', 'HOURLY']) {
      await createUser(person({ recurring_check_frequency: frequency }));
    }
  });

  it('a body that is not an object, or malformed JSON, → 400 {"errors": [...]}', async () => {
    const array = await call('/users', { method: 'POST', json: [JOHN] });
    expect(array.status).toBe(400);
    expect(array.body).toEqual({ errors: ['The request body must be a JSON object'] });
    const bad = await call('/users', {
      method: 'POST',
      body: '{"forename"',
      headers: { 'content-type': 'application/json' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual({ errors: [expect.any(String)] });
  });
});

describe('Teal emulator: 409 for the same person twice (seed 004)', () => {
  const CONFLICT = /^This user already exists\./;

  it('same forename, surname and date of birth → 409 {"errors": [...]}, one user kept', async () => {
    await createUser(JOHN);
    const res = await call('/users', {
      method: 'POST',
      json: { ...JOHN, post_codes: ['EC1A 1BB'], ni_number: 'QQ123456C' },
    });
    expect(res.status).toBe(409);
    const { errors } = res.body as { errors: string[] };
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(CONFLICT);
    expect(sandbox.userCount()).toBe(1);
  });

  it('compares names case-insensitively and dates by day', async () => {
    await createUser(JOHN);
    const res = await call('/users', {
      method: 'POST',
      json: { ...JOHN, forename: 'JOHN', surname: 'smith', date_of_birth: '1990-05-17T00:00:00Z' },
    });
    expect(res.status).toBe(409);
  });

  it('the conflict message does not echo the person', async () => {
    await createUser(JOHN);
    const res = await call('/users', { method: 'POST', json: JOHN });
    expect(res.status).toBe(409);
    expect(res.text).not.toMatch(/John|Smith|1990/);
  });

  it('a different birth date or surname is another person → 201', async () => {
    await createUser(JOHN);
    await createUser({ ...JOHN, date_of_birth: '1990-05-18T00:00:00.000Z' });
    await createUser({ ...JOHN, surname: 'Smyth' });
    expect(sandbox.userCount()).toBe(3);
  });

  it('validation comes first: an invalid duplicate is 400, not 409', async () => {
    await createUser(JOHN);
    const res = await call('/users', { method: 'POST', json: { ...JOHN, email: 'john@example.com' } });
    expect(res.status).toBe(400);
  });

  it('a deleted person may be created again', async () => {
    const user = await createUser(JOHN);
    expect((await call(`/users/${user.user_id}`, { method: 'DELETE' })).status).toBe(204);
    await createUser(JOHN);
  });
});

describe('Teal emulator: GET /users offset/limit pagination', () => {
  it('defaults to offset 0, limit 20, with count and total_count', async () => {
    for (let i = 0; i < 23; i += 1) await createUser();
    const res = await call('/users');
    expect(res.status).toBe(200);
    const body = res.body as { pagination: unknown; users: { user_id: string }[] };
    expect(body.pagination).toEqual({ offset: 0, limit: 20, count: 20, total_count: 23 });
    expect(body.users).toHaveLength(20);
    const rest = (await call('/users?offset=20&limit=20')).body as typeof body;
    expect(rest.pagination).toEqual({ offset: 20, limit: 20, count: 3, total_count: 23 });
    const ids = [...body.users, ...rest.users].map((u) => u.user_id);
    expect(new Set(ids).size).toBe(23);
  });

  it('an offset past the end is an empty page, not an error', async () => {
    await createUser();
    const res = await call('/users?offset=5');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ pagination: { offset: 5, limit: 20, count: 0, total_count: 1 }, users: [] });
  });

  it.each([
    ['limit=0', 'The query parameter `limit` must be an integer from 1 to 100'],
    ['limit=101', 'The query parameter `limit` must be an integer from 1 to 100'],
    ['limit=abc', 'The query parameter `limit` must be an integer from 1 to 100'],
    ['offset=-1', 'The query parameter `offset` must be an integer of 0 or more'],
    ['page=2', 'The query parameter `page` is not supported'],
    ['ext_id=a', 'The query parameter `ext_id` is not supported'],
  ])('?%s → 400', async (query, message) => {
    const res = await call(`/users?${query}`);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ errors: [message] });
  });

  it('accepts limit 1 and 100', async () => {
    expect((await call('/users?limit=1')).status).toBe(200);
    expect((await call('/users?limit=100')).status).toBe(200);
  });
});

describe('Teal emulator: retrieve, update, delete', () => {
  it('GET /users/{user_id} → 200 CreatedUser', async () => {
    const user = await createUser();
    const res = await call(`/users/${user.user_id}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual(user);
  });

  it('unknown ids → 404 {"errors": ["The resource with id [...] does not exist"]} on GET, PATCH, DELETE', async () => {
    for (const method of ['GET', 'PATCH', 'DELETE']) {
      const res = await call(`/users/${UNKNOWN_ID}`, { method, ...(method === 'PATCH' ? { json: {} } : {}) });
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ errors: [`The resource with id [${UNKNOWN_ID}] does not exist`] });
    }
  });

  it('a malformed id is 404 and is not echoed', async () => {
    const res = await call('/users/john@example.com');
    expect(res.status).toBe(404);
    expect(res.text).not.toContain('john');
  });

  it('PATCH is partial and null unsets an optional field', async () => {
    const user = await createUser(person({ ni_number: 'QQ123456C', ext_id: 'a-1' }));
    const res = await call(`/users/${user.user_id}`, {
      method: 'PATCH',
      json: { post_codes: ['EC1A 1BB'], ni_number: null },
    });
    expect(res.status).toBe(200);
    const body = res.body as Record<string, unknown>;
    expect(body).toMatchObject({ forename: user.forename, ext_id: 'a-1', post_codes: ['EC1A 1BB'] });
    expect(body).not.toHaveProperty('ni_number');
    expect((await call(`/users/${user.user_id}`)).body).toEqual(body);
  });

  it('PATCH refuses unknown fields, unsetting a required field, and bad values; nothing changes', async () => {
    const user = await createUser();
    const cases: [Record<string, unknown>, string][] = [
      [{ email: 'john@example.com' }, 'The field `email` is not allowed'],
      [{ forename: null }, 'The field `forename` is required and cannot be unset'],
      [{ post_codes: [] }, 'The field `post_codes` must hold at least one post code'],
    ];
    for (const [json, message] of cases) {
      const res = await call(`/users/${user.user_id}`, { method: 'PATCH', json });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ errors: [message] });
    }
    expect((await call(`/users/${user.user_id}`)).body).toEqual(user);
  });

  it('DELETE → 204 with no body; the user is gone', async () => {
    const user = await createUser();
    const res = await call(`/users/${user.user_id}`, { method: 'DELETE' });
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
    expect((await call(`/users/${user.user_id}`)).status).toBe(404);
    expect(sandbox.userCount()).toBe(0);
  });
});

describe('Teal emulator: POST /user-tokens', () => {
  it('{user_id} → 201 {token, webapp_link, created_at}', async () => {
    const user = await createUser();
    const res = await call('/user-tokens', { method: 'POST', json: { user_id: user.user_id } });
    expect(res.status).toBe(201);
    const body = res.body as { token: string; webapp_link: string; created_at: string };
    expect(Object.keys(body).sort()).toEqual(['created_at', 'token', 'webapp_link']);
    expect(body.token.length).toBeGreaterThan(16);
    expect(new URL(body.webapp_link).origin).toBe(sandbox.baseUrl);
    expect(Number.isNaN(Date.parse(body.created_at))).toBe(false);
    const again = (await call('/user-tokens', { method: 'POST', json: { user_id: user.user_id } }))
      .body as typeof body;
    expect(again.token).not.toBe(body.token);
  });

  it('unknown user → 404; missing or malformed user_id and unknown fields → 400', async () => {
    const unknown = await call('/user-tokens', { method: 'POST', json: { user_id: UNKNOWN_ID } });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({ errors: [`The resource with id [${UNKNOWN_ID}] does not exist`] });
    const cases: [unknown, string][] = [
      [{}, 'The request is missing the required field `user_id`'],
      [{ user_id: 'abc' }, 'The field `user_id` must be a UUID'],
      [{ user_id: UNKNOWN_ID, user: UNKNOWN_ID }, 'The field `user` is not allowed'],
    ];
    for (const [json, message] of cases) {
      const res = await call('/user-tokens', { method: 'POST', json });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ errors: [message] });
    }
  });
});

/**
 * Sandbox fidelity, Teal: for each documented status and validation rule (the reference's user
 * endpoints, test/openapi/teal-openapi.yml), a raw HTTP request and the answer the documents
 * promise — and, for what the documents leave open, the answer under each emulator option.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { emulator } from '../../providers/teal/sandbox/index.js';
import { startEmulator } from '../../src/sandbox/server.js';
import type { RunningEmulator } from '../../src/sandbox/types.js';
import { type RawRequest, raw } from './raw-http.js';

type Teal = RunningEmulator<{ apiKey: string }, { bearerToken: string }>;
/** The emulator as it starts by default: the documented behaviour. */
let sandbox: Teal;
/** The emulator with every option set away from the documents: unknown fields refused, a duplicate rule. */
let strict: Teal;

beforeAll(async () => {
  sandbox = await startEmulator(emulator);
  strict = await startEmulator(emulator, {
    options: { unknownFields: 'reject', duplicateRule: 'name-and-birth-date' },
  });
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
const UNKNOWN_ID = '7b1c4a53-2d7e-4f0e-9a55-0c4f5d1e2b3a';
const ISO_MIDNIGHT = /^\d{4}-\d{2}-\d{2}T00:00:00\.000Z$/;

/** A request with `at`'s API key (the default emulator's unless given). */
const call = (path: string, request: RawRequest = {}, at: Teal = sandbox) =>
  raw(`${at.baseUrl}${path}`, {
    ...request,
    headers: { 'x-api-key': at.credentials.apiKey, ...request.headers },
  });
/** The same, at the emulator that refuses unknown fields and has a duplicate rule. */
const strictCall = (path: string, request: RawRequest = {}) => call(path, request, strict);

const JOHN = {
  forename: 'John',
  surname: 'Smith',
  date_of_birth: '1990-05-17T00:00:00.000Z',
  post_codes: ['SW1A 1AA', 'SW1A 1AB'],
  payroll_period_months: 12,
};

let people = 0;
/** A distinct person each call, so a duplicate rule never gets in the way of tests about something else. */
const person = (extra: Record<string, unknown> = {}) => {
  people += 1;
  return { ...JOHN, forename: `Person${people}`, ...extra };
};

async function createUser(
  body: Record<string, unknown> = person(),
  at: Teal = sandbox,
): Promise<Record<string, unknown>> {
  const res = await call('/users', { method: 'POST', json: body }, at);
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

describe('Teal emulator: POST /users (Teal reference: create a user)', () => {
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
      'a payroll period beyond int32',
      { payroll_period_months: 2 ** 31 },
      'The field `payroll_period_months` must be a 32-bit integer',
    ],
    [
      'a payroll period as a string',
      { payroll_period_months: '12' },
      'The field `payroll_period_months` must be an integer',
    ],
    [
      'a frequency that is not an upper-case word',
      { recurring_check_frequency: 'weekly' },
      'The field `recurring_check_frequency` must be an upper-case word such as WEEKLY',
    ],
    [
      'a non-boolean flag',
      { payslip_upload_enabled: 'yes' },
      'The field `payslip_upload_enabled` must be a boolean',
    ],
    ['a null forename', { forename: null }, 'The field `forename` must not be null'],
    ['a number for a surname', { surname: 7 }, 'The field `surname` must be a string'],
    ['a number for an NI number', { ni_number: 123456 }, 'The field `ni_number` must be a string'],
  ])('refuses %s → 400 {"errors": [...]}', async (_what, change, message) => {
    const res = await call('/users', { method: 'POST', json: { ...JOHN, ...change } });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ errors: [message] });
    expect(sandbox.userCount()).toBe(0);
  });

  it('accepts a null ext_id (the only nullable field), any upper-case frequency word, and any string the schema types as one', async () => {
    await createUser(person({ ext_id: null }));
    // The documents disagree on the frequencies (WEEKLY/DAILY, +HOURLY in sandbox; WEEKLY/MONTHLY):
    // Teal validates the value, the emulator only its form.
    for (const frequency of ['WEEKLY', 'DAILY', 'HOURLY', 'MONTHLY', 'EVERY_OTHER_WEEK']) {
      await createUser(person({ recurring_check_frequency: frequency }));
    }
    // `ni_number`, names and post codes are plain strings in the schema: no format, no minimum length.
    const loose = await createUser(person({ ni_number: 'not an NI number', surname: '', post_codes: [''] }));
    expect(loose).toMatchObject({ ni_number: 'not an NI number', surname: '', post_codes: [''] });
    // int32 with no documented minimum.
    await createUser(person({ payroll_period_months: 0 }));
  });

  it('drops fields the User schema does not list (email among them: not a Teal user field)', async () => {
    const user = await createUser(
      person({ email: 'john@example.com', middle_name: 'Q', hmrc_enabled: true }),
    );
    for (const key of ['email', 'middle_name', 'hmrc_enabled']) expect(user).not.toHaveProperty(key);
    expect((await call(`/users/${user.user_id}`)).body).toEqual(user);
  });

  it.each([
    ['email (not a Teal user field)', { email: 'john@example.com' }, 'The field `email` is not allowed'],
    ['an unknown field', { middle_name: 'Q' }, 'The field `middle_name` is not allowed'],
  ])('unknownFields: reject refuses %s → 400 {"errors": [...]}', async (_what, change, message) => {
    const res = await strictCall('/users', { method: 'POST', json: { ...JOHN, ...change } });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ errors: [message] });
    expect(strict.userCount()).toBe(0);
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

describe('Teal emulator: duplicates (409 documented, its rule an emulator option)', () => {
  const CONFLICT = /^This user already exists\./;

  it('by default (duplicateRule: none) the same person twice is two users: Teal documents no rule', async () => {
    await createUser(JOHN);
    await createUser({ ...JOHN });
    expect(sandbox.userCount()).toBe(2);
  });

  it('duplicateRule: name-and-birth-date → 409 {"errors": [...]} for the same forename, surname and date of birth, one user kept', async () => {
    await createUser(JOHN, strict);
    const res = await strictCall('/users', {
      method: 'POST',
      json: { ...JOHN, post_codes: ['EC1A 1BB'], ni_number: 'QQ123456C' },
    });
    expect(res.status).toBe(409);
    const { errors } = res.body as { errors: string[] };
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(CONFLICT);
    expect(strict.userCount()).toBe(1);
  });

  it('compares names case-insensitively and dates by day', async () => {
    await createUser(JOHN, strict);
    const res = await strictCall('/users', {
      method: 'POST',
      json: { ...JOHN, forename: 'JOHN', surname: 'smith', date_of_birth: '1990-05-17T00:00:00Z' },
    });
    expect(res.status).toBe(409);
  });

  it('the conflict message does not echo the person', async () => {
    await createUser(JOHN, strict);
    const res = await strictCall('/users', { method: 'POST', json: JOHN });
    expect(res.status).toBe(409);
    expect(res.text).not.toMatch(/John|Smith|1990/);
  });

  it('a different birth date or surname is another person → 201', async () => {
    await createUser(JOHN, strict);
    await createUser({ ...JOHN, date_of_birth: '1990-05-18T00:00:00.000Z' }, strict);
    await createUser({ ...JOHN, surname: 'Smyth' }, strict);
    expect(strict.userCount()).toBe(3);
  });

  it('validation comes first: an invalid duplicate is 400, not 409', async () => {
    await createUser(JOHN, strict);
    const res = await strictCall('/users', { method: 'POST', json: { ...JOHN, payroll_period_months: 1.5 } });
    expect(res.status).toBe(400);
  });

  it('a deleted person may be created again', async () => {
    const user = await createUser(JOHN, strict);
    expect((await strictCall(`/users/${user.user_id}`, { method: 'DELETE' })).status).toBe(204);
    await createUser(JOHN, strict);
  });
});

describe('Teal emulator: options are checked when it starts', () => {
  it.each([
    [{ duplicateRule: 'name' }, /invalid options for emulator teal: duplicateRule: /],
    [{ unknownFields: 'warn' }, /invalid options for emulator teal: unknownFields: /],
    [{ duplicate: 'none' }, /invalid options for emulator teal: .*duplicate/],
  ])('%o fails the start, naming the option', async (options, message) => {
    await expect(startEmulator(emulator, { options: options as never })).rejects.toThrow(message);
  });

  it('the defaults are the documented behaviour, and the options in force are shown', () => {
    expect(sandbox.options).toEqual({ duplicateRule: 'none', unknownFields: 'ignore' });
    expect(strict.options).toEqual({ duplicateRule: 'name-and-birth-date', unknownFields: 'reject' });
    expect(Object.isFrozen(sandbox.options)).toBe(true);
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

  const OFFSET =
    'The query parameter `offset` must be an integer of 1 or more (leave it out for the first page)';
  it.each([
    ['limit=0', 'The query parameter `limit` must be an integer from 1 to 100'],
    ['limit=101', 'The query parameter `limit` must be an integer from 1 to 100'],
    ['limit=abc', 'The query parameter `limit` must be an integer from 1 to 100'],
    ['offset=-1', OFFSET],
    // "minimum: 1" (and "default: 0"): the first page leaves offset out.
    ['offset=0', OFFSET],
    ['limit=5&limit=6', 'The query parameter `limit` must be given once'],
  ])('?%s → 400', async (query, message) => {
    const res = await call(`/users?${query}`);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ errors: [message] });
  });

  it('accepts limit 1 and 100, and offset 1 (the second user on)', async () => {
    expect((await call('/users?limit=1')).status).toBe(200);
    expect((await call('/users?limit=100')).status).toBe(200);
    const [, second] = [await createUser(), await createUser()];
    const page = (await call('/users?offset=1')).body as { users: { user_id: string }[] };
    expect(page.users.map((u) => u.user_id)).toEqual([second?.user_id]);
  });

  it('ignores query parameters the reference does not list; unknownFields: reject refuses them', async () => {
    await createUser();
    for (const query of ['page=2', 'ext_id=a', 'ordered_by=created_at']) {
      const res = await call(`/users?${query}`);
      expect(res.status, query).toBe(200);
      expect((res.body as { users: unknown[] }).users).toHaveLength(1);
    }
    for (const [query, name] of [
      ['page=2', 'page'],
      ['ext_id=a', 'ext_id'],
      ['x%3Cscript%3E=1', '...'],
    ]) {
      const res = await strictCall(`/users?${query}`);
      expect(res.status, query).toBe(400);
      expect(res.body).toEqual({ errors: [`The query parameter \`${name}\` is not supported`] });
    }
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

  it('PATCH refuses unsetting a required field and bad values (unknown fields under unknownFields: reject); nothing changes', async () => {
    const cases: [Teal, Record<string, unknown>, string][] = [
      [sandbox, { forename: null }, 'The field `forename` is required and cannot be unset'],
      [sandbox, { post_codes: [] }, 'The field `post_codes` must hold at least one post code'],
      [strict, { email: 'john@example.com' }, 'The field `email` is not allowed'],
    ];
    for (const [at, json, message] of cases) {
      const user = await createUser(person(), at);
      const res = await call(`/users/${user.user_id}`, { method: 'PATCH', json }, at);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ errors: [message] });
      expect((await call(`/users/${user.user_id}`, {}, at)).body).toEqual(user);
    }
  });

  it('PATCH drops unknown fields by default', async () => {
    const user = await createUser();
    const res = await call(`/users/${user.user_id}`, {
      method: 'PATCH',
      json: { email: 'john@example.com', surname: 'Smyth' },
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ...user, surname: 'Smyth' });
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

  it('unknown user → 404 (a non-UUID id is nobody, and is not echoed); missing or mistyped user_id → 400', async () => {
    const unknown = await call('/user-tokens', { method: 'POST', json: { user_id: UNKNOWN_ID } });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({ errors: [`The resource with id [${UNKNOWN_ID}] does not exist`] });
    const malformed = await call('/user-tokens', { method: 'POST', json: { user_id: 'john@example.com' } });
    expect(malformed.status).toBe(404);
    expect(malformed.body).toEqual({ errors: ['The resource with id [...] does not exist'] });
    const cases: [Teal, unknown, string][] = [
      [sandbox, {}, 'The request is missing the required field `user_id`'],
      [sandbox, { user_id: 42 }, 'The field `user_id` must be a string'],
      [strict, { user_id: UNKNOWN_ID, user: UNKNOWN_ID }, 'The field `user` is not allowed'],
    ];
    for (const [at, json, message] of cases) {
      const res = await call('/user-tokens', { method: 'POST', json }, at);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ errors: [message] });
    }
  });
});

describe('Teal emulator: what an independent check found looser than the reference', () => {
  it('offset is an int32: 2147483648 is refused', async () => {
    expect((await call('/users?offset=2147483647')).status).toBe(200);
    expect((await call('/users?offset=2147483648')).status).toBe(400);
  });

  it('PATCH without a body is refused (the reference requires one)', async () => {
    const user = await createUser();
    expect((await call(`/users/${String(user.user_id)}`, { method: 'PATCH' })).status).toBe(400);
    expect((await call(`/users/${String(user.user_id)}`, { method: 'PATCH', json: {} })).status).toBe(200);
  });
});

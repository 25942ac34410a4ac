/**
 * Teal adapter fixes from the fidelity audit: `null` in fields Teal requires on create does not fail
 * a user (or a list page), post codes go out as Teal writes them, the first list request leaves out
 * `offset`, and undocumented response fields are kept under `providerData.unknownFields`.
 */
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { normalisePostCode } from '../../../providers/teal/mappers.js';
import { MAX_UNKNOWN_FIELDS } from '../../../providers/teal/unknown-fields.js';
import type { User } from '../../../src/user.js';
import { closeTealServices, createInput, ORIGIN, tealService, USER_ID, wireUser } from './fixtures.js';

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(async () => {
  nock.enableNetConnect();
  await closeTealServices();
});

const OTHER_ID = '7c1e9b40-2d5a-4f3e-8b6c-0a9d8e7f6b52';
const idOf = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

async function collect(iterable: AsyncIterable<User>): Promise<User[]> {
  const out: User[] = [];
  for await (const u of iterable) out.push(u);
  return out;
}

const page = (users: Record<string, unknown>[], offset: number, total: number) => ({
  pagination: { offset, limit: 100, count: users.length, total_count: total },
  users,
});

describe('Teal: null in forename, surname, date_of_birth, post_codes, payroll_period_months', () => {
  const nulled = {
    forename: null,
    surname: null,
    date_of_birth: null,
    post_codes: null,
    payroll_period_months: null,
  };

  it('a user holding null reads as absent fields (getUser)', async () => {
    nock(ORIGIN).get(`/users/${USER_ID}`).reply(200, wireUser(nulled));
    const user = await tealService().getUser(USER_ID);
    expect(user).not.toHaveProperty('firstName');
    expect(user).not.toHaveProperty('lastName');
    expect(user).not.toHaveProperty('birthDate');
    expect(user).not.toHaveProperty('address');
    expect(user).not.toHaveProperty('previousPostalCodes');
    expect(user.providerData).not.toHaveProperty('payrollPeriodMonths');
    expect(user.nationalId).toEqual({ type: 'ni_number', value: 'QQ123456C' });
  });

  it.each(Object.keys(nulled))('one user with %s: null does not fail the list page', async (key) => {
    nock(ORIGIN)
      .get('/users')
      .query({ limit: '100' })
      .reply(200, page([wireUser(), wireUser({ user_id: OTHER_ID, [key]: null })], 0, 2));
    const users = await collect(tealService().listUsers());
    expect(users.map((u) => u.id)).toEqual([USER_ID, OTHER_ID]);
  });

  it('a null inside post_codes is skipped', async () => {
    nock(ORIGIN)
      .get(`/users/${USER_ID}`)
      .reply(200, wireUser({ post_codes: [null, 'SW1A 2AA', null, 'SW1A 1AA'] }));
    const user = await tealService().getUser(USER_ID);
    expect(user.address).toEqual({ postalCode: 'SW1A 2AA' });
    expect(user.previousPostalCodes).toEqual(['SW1A 1AA']);
  });
});

describe('Teal: post codes go out upper case with one space before the inward code', () => {
  it.each([
    ['sw1a 1aa', 'SW1A 1AA'],
    ['sw1a1aa', 'SW1A 1AA'],
    ['  SW1A   1AA ', 'SW1A 1AA'],
    ['m11ae', 'M1 1AE'],
    ['w1a0ax', 'W1A 0AX'],
    ['gir0aa', 'GIR 0AA'],
    ['ec1a\u00a01bb', 'EC1A 1BB'],
    // Not a UK post code's shape: not refused (Teal documents no format), only tidied.
    ['sw1a-1aa', 'SW1A-1AA'],
    ['  ab  12 ', 'AB 12'],
    ['10115', '10115'],
  ])('%j → %j', (typed, sent) => {
    expect(normalisePostCode(typed)).toBe(sent);
  });

  it('createUser sends address.postalCode and previousPostalCodes normalised (and once each)', async () => {
    let body: Record<string, unknown> | undefined;
    nock(ORIGIN)
      .post('/users', (b) => {
        body = b;
        return true;
      })
      .reply(201, wireUser());
    await tealService().createUser({
      ...createInput,
      address: { postalCode: 'sw1a 2aa' },
      previousPostalCodes: ['sw1a1aa', 'SW1A 2AA', 'ec1a 1bb'],
    });
    expect(body?.post_codes).toEqual(['SW1A 2AA', 'SW1A 1AA', 'EC1A 1BB']);
  });

  it('updateUser sends them normalised too', async () => {
    let body: Record<string, unknown> | undefined;
    nock(ORIGIN)
      .patch(`/users/${USER_ID}`, (b) => {
        body = b;
        return true;
      })
      .reply(200, wireUser());
    await tealService().updateUser(USER_ID, {
      address: { postalCode: 'sw1a 1aa' },
      previousPostalCodes: ['ec1a1bb'],
    });
    expect(body).toEqual({ post_codes: ['SW1A 1AA', 'EC1A 1BB'] });
  });
});

describe('Teal: listing offsets follow the reference (no offset=0)', () => {
  it('the first request has no offset; later ones send the users read so far (≥ 1)', async () => {
    const queries: string[] = [];
    nock(ORIGIN)
      .get('/users')
      .query(true)
      .times(3)
      .reply((uri) => {
        const params = new URL(uri, ORIGIN).searchParams;
        queries.push(params.toString());
        const offset = Number(params.get('offset') ?? 0);
        const ids = offset === 0 ? [idOf(1), idOf(2)] : offset === 2 ? [idOf(3), idOf(4)] : [idOf(5)];
        return [
          200,
          {
            pagination: { offset, limit: 2, count: ids.length, total_count: 5 },
            users: ids.map((user_id) => wireUser({ user_id })),
          },
        ];
      });
    const users = await collect(tealService().listUsers({ pageSize: 2 }));
    expect(users).toHaveLength(5);
    expect(queries).toEqual(['limit=2', 'offset=2&limit=2', 'offset=4&limit=2']);
  });

  it('a first page that echoes no offset, or offset 0, is accepted', async () => {
    nock(ORIGIN)
      .get('/users')
      .query({ limit: '100' })
      .reply(200, { pagination: { total_count: 1 }, users: [wireUser()] });
    expect((await collect(tealService().listUsers())).map((u) => u.id)).toEqual([USER_ID]);
  });
});

describe('Teal: unknown response fields are kept under providerData.unknownFields', () => {
  it('keeps hmrc_enabled and other undocumented fields as sent, next to the settings', async () => {
    nock(ORIGIN)
      .get(`/users/${USER_ID}`)
      .reply(
        200,
        wireUser({ hmrc_enabled: true, account_ref: { kind: 'x', n: [1, 2] }, middle_names: null }),
      );
    const user = await tealService().getUser(USER_ID);
    expect(user.providerData).toEqual({
      payrollPeriodMonths: 12,
      recurringChecks: { enabled: true, frequency: 'WEEKLY' },
      unknownFields: { hmrc_enabled: true, account_ref: { kind: 'x', n: [1, 2] }, middle_names: null },
    });
  });

  it('a user with no unknown field has no unknownFields', async () => {
    nock(ORIGIN).get(`/users/${USER_ID}`).reply(200, wireUser());
    expect((await tealService().getUser(USER_ID)).providerData).not.toHaveProperty('unknownFields');
  });

  it('odd values never break the mapping: too big, too deep, odd or reserved names are left out, and at most 32 are kept', async () => {
    let deep: unknown = 'leaf';
    for (let i = 0; i < 10; i++) deep = { d: deep };
    const many: Record<string, number> = {};
    for (let i = 0; i < MAX_UNKNOWN_FIELDS + 10; i++) many[`extra_${String(i).padStart(2, '0')}`] = i;
    const raw = JSON.stringify(
      wireUser({
        big: 'x'.repeat(10_000),
        deep,
        wide: Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`k${i}`, i])),
        'bad name': 1,
        [`long_${'n'.repeat(100)}`]: 1,
        constructor: 1,
        ...many,
      }),
    ).replace('"big"', '"__proto__":{"polluted":true},"big"');
    nock(ORIGIN).get(`/users/${USER_ID}`).reply(200, raw, { 'content-type': 'application/json' });
    const user = await tealService().getUser(USER_ID);
    const unknown = user.providerData?.unknownFields as Record<string, unknown>;
    expect(Object.keys(unknown)).toHaveLength(MAX_UNKNOWN_FIELDS);
    expect(Object.keys(unknown).every((k) => /^extra_\d\d$/.test(k))).toBe(true);
    expect(Object.getPrototypeOf(unknown)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(user.firstName).toBe('Johnathan');
  });
});

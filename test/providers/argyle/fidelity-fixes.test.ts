/**
 * Argyle adapter fixes from the fidelity audit: a base URL copied from Argyle's docs (`…/v2`),
 * partial birth dates kept in `providerData`, v1 `external_metadata` of any JSON type read back,
 * and a v1 list answered as a bare array never passing for complete.
 */
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { argyleProvider } from '../../../providers/argyle/index.js';
import { createPayrollIdentityWith } from '../../../src/container/identity.js';
import type { InvalidConfigurationError, UnexpectedResponseError } from '../../../src/errors.js';
import { rejection } from '../../../src/testing/assertions.js';
import type { User } from '../../../src/user.js';
import { argyleService, CREDENTIALS, OTHER_ID, USER_ID, wireUserV1, wireUserV2 } from './fixtures.js';

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

const HOST = 'https://api-sandbox.argyle.com';
const THIRD_ID = '0186c5b8-8fa1-67b3-39af-14b3e18da8a8';

async function collect(iterable: AsyncIterable<User>): Promise<User[]> {
  const out: User[] = [];
  for await (const u of iterable) out.push(u);
  return out;
}

function configProblems(
  tenants: Record<string, Record<string, unknown>>,
): InvalidConfigurationError['problems'] {
  try {
    createPayrollIdentityWith({ tenants } as never, [argyleProvider]);
  } catch (error) {
    expect((error as InvalidConfigurationError).code).toBe('invalid_configuration');
    return (error as InvalidConfigurationError).problems;
  }
  throw new Error('expected an invalid configuration');
}

describe('Argyle baseUrl as Argyle documents it (with /v2 or /v1)', () => {
  it.each([
    ['v2', `${HOST}/v2`, '/v2/users/'],
    ['v2', `${HOST}/v2/`, '/v2/users/'],
    ['v2', HOST, '/v2/users/'],
    ['v1', `${HOST}/v1`, '/v1/users/'],
    ['v1', HOST, '/v1/users/'],
  ] as const)(
    'apiVersion %s with baseUrl %s requests %s{id}, never a doubled version',
    async (apiVersion, baseUrl, path) => {
      const body = apiVersion === 'v2' ? wireUserV2() : wireUserV1();
      const scope = nock(HOST).get(`${path}${USER_ID}`).reply(200, body);
      const user = await argyleService({ apiVersion, baseUrl }).getUser(USER_ID);
      expect(user.id).toBe(USER_ID);
      expect(scope.isDone()).toBe(true);
    },
  );

  it('keeps a path prefix before the version (a gateway): https://gw/argyle/v2 → /argyle/v2/users', async () => {
    const scope = nock('https://gateway.example').get(`/argyle/v2/users/${USER_ID}`).reply(200, wireUserV2());
    await argyleService({ baseUrl: 'https://gateway.example/argyle/v2' }).getUser(USER_ID);
    expect(scope.isDone()).toBe(true);
  });

  it('a baseUrl naming the other version is invalid_configuration when the configuration is loaded', () => {
    const problems = configProblems({
      a: {
        provider: 'argyle',
        environment: 'sandbox',
        baseUrl: `${HOST}/v1`,
        credentials: { ...CREDENTIALS },
      },
      b: {
        provider: 'argyle',
        environment: 'sandbox',
        apiVersion: 'v1',
        baseUrl: `${HOST}/v2/`,
        credentials: { ...CREDENTIALS },
      },
    });
    expect(problems).toEqual([
      expect.objectContaining({ tenant: 'a', field: 'baseUrl', reason: expect.stringContaining('"/v1"') }),
      expect.objectContaining({ tenant: 'b', field: 'baseUrl', reason: expect.stringContaining('"/v2"') }),
    ]);
  });
});

describe('Argyle v2: a partial birth date is kept in providerData', () => {
  it.each([
    [{ year: 1990, month: null, day: null }, { year: 1990 }],
    [
      { year: 1990, month: 5, day: null },
      { year: 1990, month: 5 },
    ],
    [
      { year: 1990, month: 5 },
      { year: 1990, month: 5 },
    ],
    [
      { year: 1990, month: 2, day: 30 },
      { year: 1990, month: 2, day: 30 },
    ],
  ])('birth_date %j → no birthDate, providerData.birthDateParts %j', async (birth_date, parts) => {
    nock('https://argyle.contract.test').get(`/v2/users/${USER_ID}`).reply(200, wireUserV2({ birth_date }));
    const user = await argyleService().getUser(USER_ID);
    expect(user.birthDate).toBeUndefined();
    expect(user.providerData).toEqual({ birthDateParts: parts });
  });

  it('a whole date is birthDate, and nothing (all parts null, or no birth_date) adds no providerData', async () => {
    nock('https://argyle.contract.test')
      .get(`/v2/users/${USER_ID}`)
      .reply(200, wireUserV2({ birth_date: { year: 1990, month: 5, day: 17 } }))
      .get(`/v2/users/${USER_ID}`)
      .reply(200, wireUserV2({ birth_date: { year: null, month: null, day: null } }))
      .get(`/v2/users/${USER_ID}`)
      .reply(200, wireUserV2({ birth_date: null }));
    const service = argyleService();
    const whole = await service.getUser(USER_ID);
    expect(whole.birthDate).toBe('1990-05-17');
    expect(whole.providerData).toBeUndefined();
    expect((await service.getUser(USER_ID)).providerData).toBeUndefined();
    expect((await service.getUser(USER_ID)).providerData).toBeUndefined();
  });
});

describe('Argyle v1: external_metadata of any JSON type is read back (the neutral input stays an object)', () => {
  it.each([
    ['a string (the reference example)', 'User group A'],
    ['an array', ['group-a', 5]],
    ['a number', 42],
    ['a boolean', false],
  ])('%s', async (_what, metadata) => {
    nock('https://argyle.contract.test')
      .get(`/v1/users/${USER_ID}`)
      .reply(200, wireUserV1({ external_metadata: metadata }));
    expect((await argyleService({ apiVersion: 'v1' }).getUser(USER_ID)).metadata).toEqual(metadata);
  });

  it('the reserved marker key is still stripped from an object, and a list mixes types', async () => {
    nock('https://argyle.contract.test')
      .get('/v1/users')
      .query({ limit: '200' })
      .reply(200, {
        next: null,
        results: [
          wireUserV1({ external_metadata: { group: 'a', payroll_identity: { create_nonce: 'n-1' } } }),
          wireUserV1({ id: OTHER_ID, external_metadata: 'User group A' }),
        ],
      });
    const users = await collect(argyleService({ apiVersion: 'v1' }).listUsers());
    expect(users.map((u) => u.metadata)).toEqual([{ group: 'a' }, 'User group A']);
  });

  it('a non-object metadata on input is still invalid_input, before any request', async () => {
    const error = await rejection(() =>
      argyleService({ apiVersion: 'v1' }).createUser({ metadata: 'User group A' as never }),
    );
    expect(error.code).toBe('invalid_input');
  });
});

describe('Argyle v1: a bare-array list never passes for complete', () => {
  const v1 = () => argyleService({ apiVersion: 'v1' });

  it('a server that caps pages below the limit (3 of 200 asked) → its users, then unexpected_response unpaged_list', async () => {
    nock('https://argyle.contract.test')
      .get('/v1/users')
      .query({ limit: '200' })
      .reply(200, [wireUserV1(), wireUserV1({ id: OTHER_ID }), wireUserV1({ id: THIRD_ID })]);
    const seen: string[] = [];
    const error = await rejection(async () => {
      for await (const u of v1().listUsers()) seen.push(u.id);
    });
    expect(seen).toEqual([USER_ID, OTHER_ID, THIRD_ID]);
    expect(error.code).toBe('unexpected_response');
    expect((error as UnexpectedResponseError).issues).toEqual(['(body): unpaged_list']);
  });

  it('a full bare page is still no_next_page; an empty bare array is a complete, empty listing', async () => {
    nock('https://argyle.contract.test')
      .get('/v1/users')
      .query({ limit: '2' })
      .reply(200, [wireUserV1(), wireUserV1({ id: OTHER_ID })])
      .get('/v1/users')
      .query({ limit: '200' })
      .reply(200, []);
    const error = await rejection(() => collect(v1().listUsers({ pageSize: 2 })));
    expect((error as UnexpectedResponseError).issues).toEqual(['(body): no_next_page']);
    expect(await collect(v1().listUsers())).toEqual([]);
  });

  it('the {next, results} envelope pages to its end without error', async () => {
    nock('https://argyle.contract.test')
      .get('/v1/users')
      .query({ limit: '200' })
      .reply(200, { next: null, previous: null, results: [wireUserV1()] });
    expect((await collect(v1().listUsers())).map((u) => u.id)).toEqual([USER_ID]);
  });
});

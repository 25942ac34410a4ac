/**
 * A link token is about one user: Argyle's user tokens (v2 and legacy v1) name theirs in a
 * `user_id` claim, and a token naming another user than the one asked for (or just created) would
 * open another person's Link session under this applicant. Such an answer is `unexpected_response`;
 * a token without a readable `user_id` passes as it is. Teal's documented answer names no user; one
 * that does must name this one.
 */
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { rejection } from '../../src/testing/assertions.js';
import { argyleService, ORIGIN, OTHER_ID, USER_ID } from './argyle/fixtures.js';
import {
  closeTealServices,
  ORIGIN as TEAL_ORIGIN,
  USER_ID as TEAL_USER_ID,
  tealService,
} from './teal/fixtures.js';

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(async () => {
  nock.enableNetConnect();
  await closeTealServices();
});

function jwt(claims: Record<string, unknown>): string {
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${part({ alg: 'HS256', typ: 'JWT' })}.${part(claims)}.c2lnbmF0dXJl`;
}

describe.each([
  ['v2', '/v2/user-tokens', (token: string) => ({ user_token: token })],
  ['v1', '/v1/user-tokens', (token: string) => ({ access: token, refresh: 'r' })],
] as const)('Argyle %s createLinkToken', (apiVersion, path, answer) => {
  it('a token whose user_id names another user → unexpected_response, the token nowhere in the error', async () => {
    const token = jwt({ exp: 1678341543, user_id: OTHER_ID });
    const scope = nock(ORIGIN).post(path).reply(200, answer(token));
    const error = await rejection(() => argyleService({ apiVersion }).createLinkToken(USER_ID));
    expect(scope.isDone()).toBe(true);
    expect(error.code).toBe('unexpected_response');
    expect(JSON.stringify(error)).not.toContain(token);
    expect(JSON.stringify(error)).not.toContain(OTHER_ID);
  });

  it('a token naming this user, or no user, or not a JWT at all, is handed back', async () => {
    for (const token of [
      jwt({ exp: 1678341543, user_id: USER_ID }),
      jwt({ exp: 1678341543, user_id: USER_ID.toUpperCase() }),
      jwt({ exp: 1678341543 }),
      'opaque-token-without-claims',
    ]) {
      nock(ORIGIN).post(path).reply(200, answer(token));
      await expect(argyleService({ apiVersion }).createLinkToken(USER_ID)).resolves.toMatchObject({ token });
    }
  });
});

describe('Argyle createUser: the token that comes with a new user is about that user', () => {
  // The user was created (its id is in the answer): the call succeeds, never with the other user's
  // token (Argyle's own create example pairs an id with a token naming another user).
  it('v2: a token naming another user than the created one → the user, without that token', async () => {
    const wrong = jwt({ user_id: OTHER_ID });
    nock(ORIGIN).post('/v2/users').reply(200, { id: USER_ID, user_token: wrong });
    const created = await argyleService().createUser({ firstName: 'Sarah' });
    expect(created.user.id).toBe(USER_ID);
    expect(created.linkToken).toBeUndefined();
    expect(JSON.stringify(created)).not.toContain(wrong);
  });

  it('v1: the same', async () => {
    const wrong = jwt({ user_id: OTHER_ID });
    nock(ORIGIN).post('/v1/users').reply(200, { id: USER_ID, token: wrong });
    const created = await argyleService({ apiVersion: 'v1' }).createUser({ metadata: { stage: 1 } });
    expect(created.user.id).toBe(USER_ID);
    expect(created.linkToken).toBeUndefined();
    expect(JSON.stringify(created)).not.toContain(wrong);
  });
});

describe('Teal createLinkToken', () => {
  const reply = (extra: Record<string, unknown>) => ({
    token: 'teal-link-token-1',
    webapp_link: 'https://app.example/link',
    created_at: '2026-11-30T00:00:00Z',
    ...extra,
  });

  it('an answer naming another user → unexpected_response', async () => {
    nock(TEAL_ORIGIN)
      .post('/user-tokens')
      .reply(201, reply({ user_id: 'someone-else-1' }));
    const error = await rejection(() => tealService().createLinkToken(TEAL_USER_ID));
    expect(error.code).toBe('unexpected_response');
  });

  it('the documented answer (no user named), or one naming this user, is handed back', async () => {
    nock(TEAL_ORIGIN).post('/user-tokens').reply(201, reply({}));
    await expect(tealService().createLinkToken(TEAL_USER_ID)).resolves.toMatchObject({
      token: 'teal-link-token-1',
    });
    nock(TEAL_ORIGIN)
      .post('/user-tokens')
      .reply(201, reply({ user_id: TEAL_USER_ID }));
    await expect(tealService().createLinkToken(TEAL_USER_ID)).resolves.toMatchObject({
      token: 'teal-link-token-1',
    });
  });
});

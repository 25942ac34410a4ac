/**
 * The create marker (providers/argyle/create-marker.ts): an Argyle v2 create that may be reconciled
 * carries a fresh nonce under the reserved metadata key; callers never send, see or get that key.
 */
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MARKER_KEY, NONCE_FIELD, stripMarker } from '../../../providers/argyle/create-marker.js';
import type { InvalidInputError } from '../../../src/errors.js';
import { rejection } from '../../contract/assertions.js';
import { argyleService, fakeJwt, ORIGIN, USER_ID, wireUserV1, wireUserV2 } from './fixtures.js';

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

const marker = (nonce = '3f2c1b8e-4d5a-4e6f-9a7b-8c9d0e1f2a3b') => ({
  [MARKER_KEY]: { [NONCE_FIELD]: nonce },
});

function captureBodies(path: string, times = 1): unknown[] {
  const bodies: unknown[] = [];
  nock(ORIGIN)
    .post(path, (body) => {
      bodies.push(body);
      return true;
    })
    .times(times)
    .reply(200, { user_token: fakeJwt(), id: USER_ID });
  return bodies;
}

describe('Argyle v2 create marker', () => {
  it('each create with an externalId sends its own fresh nonce, merged with the caller metadata', async () => {
    const bodies = captureBodies('/v2/users', 2);
    const service = argyleService();
    const input = { firstName: 'Sarah', externalId: 'applicant-m1', metadata: { loanStage: 'stage-two' } };
    const first = await service.createUser(input);
    await service.createUser(input);
    const [a, b] = bodies as { external_metadata: Record<string, { create_nonce: string }> }[];
    expect(a!.external_metadata.loanStage).toBe('stage-two');
    const nonceA = a!.external_metadata[MARKER_KEY]!.create_nonce;
    const nonceB = b!.external_metadata[MARKER_KEY]!.create_nonce;
    expect(nonceA).toMatch(/^[0-9a-f-]{36}$/);
    expect(nonceA).not.toBe(nonceB);
    // The caller never sees it in what the create returns.
    expect(first.user.metadata).toEqual({ loanStage: 'stage-two' });
  });

  it('a create without metadata gets the marker alone, and reads back with no metadata', async () => {
    const bodies = captureBodies('/v2/users');
    const created = await argyleService().createUser({ firstName: 'Sarah', externalId: 'applicant-m2' });
    expect(Object.keys((bodies[0] as { external_metadata: object }).external_metadata)).toEqual([MARKER_KEY]);
    expect(created.user.metadata).toBeUndefined();
  });

  it('a create without an externalId (nothing to reconcile by) carries no marker', async () => {
    const bodies = captureBodies('/v2/users');
    await argyleService().createUser({ firstName: 'Sarah', metadata: { loanStage: 'stage-two' } });
    expect(bodies[0]).toEqual({ first_name: 'Sarah', external_metadata: { loanStage: 'stage-two' } });
  });

  it.each([
    ['v2', 'createUser'],
    ['v2', 'updateUser'],
    ['v1', 'createUser'],
    ['v1', 'updateUser'],
  ] as const)(
    '%s %s: caller metadata using the reserved key is invalid_input, nothing sent',
    async (version, op) => {
      const service = argyleService({ apiVersion: version });
      const metadata = { ...marker('forged'), loanStage: 'stage-two' };
      const error = await rejection(() =>
        op === 'createUser'
          ? service.createUser({ externalId: 'applicant-m3', metadata })
          : service.updateUser(USER_ID, { metadata }),
      );
      expect(error.code).toBe('invalid_input');
      expect(Object.keys((error as InvalidInputError).fieldErrors)).toEqual([`metadata.${MARKER_KEY}`]);
      expect(nock.pendingMocks()).toEqual([]);
    },
  );

  it('the marker is stripped from every user read back: get, list, update (v2 and v1)', async () => {
    const stored = { loanStage: 'stage-two', ...marker() };
    nock(ORIGIN)
      .get(`/v2/users/${USER_ID}`)
      .reply(200, wireUserV2({ external_metadata: stored }))
      .get('/v2/users')
      .query(true)
      .reply(200, { next: null, results: [wireUserV2({ external_metadata: marker() })] })
      .patch(`/v2/users/${USER_ID}`)
      .reply(200, wireUserV2({ external_metadata: stored }))
      .get(`/v1/users/${USER_ID}`)
      .reply(200, wireUserV1({ external_metadata: stored }));
    const v2 = argyleService();
    expect((await v2.getUser(USER_ID)).metadata).toEqual({ loanStage: 'stage-two' });
    for await (const user of v2.listUsers()) expect(user.metadata).toBeUndefined();
    expect((await v2.updateUser(USER_ID, { firstName: 'Sarah' })).user.metadata).toEqual({
      loanStage: 'stage-two',
    });
    expect((await argyleService({ apiVersion: 'v1' }).getUser(USER_ID)).metadata).toEqual({
      loanStage: 'stage-two',
    });
  });

  it('stripMarker leaves metadata that is not an object, or holds no marker, as it is', () => {
    expect(stripMarker('User group A')).toBe('User group A');
    expect(stripMarker([1, 2])).toEqual([1, 2]);
    expect(stripMarker({ a: 1 })).toEqual({ a: 1 });
    expect(stripMarker({ a: 1, [MARKER_KEY]: 'anything' })).toEqual({ a: 1 });
  });
});

/** A listing always ends: an empty page that links to another one is refused, not followed forever. */
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { drain, rejection } from '../../contract/user-service-contract.js';
import { argyleService, ORIGIN, wireUserV2 } from './fixtures.js';

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

describe('Argyle listUsers guards', () => {
  it('an empty page with a next link ends in unexpected_response after one request', async () => {
    let requests = 0;
    nock(ORIGIN)
      .get('/v2/users')
      .query(true)
      .times(50)
      .reply(() => {
        requests++;
        return [200, { next: `${ORIGIN}/v2/users?cursor=c${requests}`, previous: null, results: [] }];
      });
    const error = await rejection(() => drain(argyleService().listUsers()));
    expect(error.code).toBe('unexpected_response');
    expect(requests).toBe(1);
  });

  it('pages that hold users and end without next are read to the end', async () => {
    nock(ORIGIN)
      .get('/v2/users')
      .query({ limit: '200' })
      .reply(200, { next: `${ORIGIN}/v2/users?cursor=p2`, previous: null, results: [wireUserV2()] })
      .get('/v2/users')
      .query({ limit: '200', cursor: 'p2' })
      .reply(200, {
        next: null,
        previous: null,
        results: [wireUserV2({ id: '0186c5b8-8fa1-67b3-39af-14b3e18da8a7' })],
      });
    expect(await drain(argyleService().listUsers())).toBe(2);
  });
});

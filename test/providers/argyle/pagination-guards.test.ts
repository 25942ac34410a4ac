/**
 * A listing always ends: an empty page that links to another one is refused, not followed forever;
 * fresh cursors that keep serving users already listed are refused too (src/listing-guard.ts); the
 * caller's signal stops a listing at once, even mid-page.
 */
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { User } from '../../../src/user.js';
import { drain, rejection } from '../../contract/assertions.js';
import { argyleService, ORIGIN, wireUserV1, wireUserV2 } from './fixtures.js';

/** A UUID-shaped id for user `n`. */
const idOf = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

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

  it('fresh cursors that keep serving the same users → unexpected_response after the first repeated page', async () => {
    let requests = 0;
    nock(ORIGIN)
      .get('/v2/users')
      .query(true)
      .times(50)
      .reply(() => {
        requests++;
        return [
          200,
          {
            next: `${ORIGIN}/v2/users?cursor=fresh-${requests}`,
            previous: null,
            results: [wireUserV2({ id: idOf(1) }), wireUserV2({ id: idOf(2) })],
          },
        ];
      });
    const seen: string[] = [];
    const error = await rejection(async () => {
      for await (const u of argyleService().listUsers()) seen.push(u.id);
    });
    expect(error.code).toBe('unexpected_response');
    expect(seen, 'no user handed out twice').toEqual([idOf(1), idOf(2)]);
    expect(requests).toBe(2);
  });

  it('fresh cursors cycling between two pages are caught too; users repeated within a page of new ones are not yielded twice', async () => {
    let requests = 0;
    const pages = [
      [idOf(1), idOf(2)],
      [idOf(2), idOf(3)],
      [idOf(1), idOf(3)],
    ];
    nock(ORIGIN)
      .get('/v2/users')
      .query(true)
      .times(50)
      .reply(() => {
        const ids = pages[requests % pages.length]!;
        requests++;
        return [
          200,
          { next: `${ORIGIN}/v2/users?cursor=c${requests}`, results: ids.map((id) => wireUserV2({ id })) },
        ];
      });
    const seen: string[] = [];
    const error = await rejection(async () => {
      for await (const u of argyleService().listUsers()) seen.push(u.id);
    });
    expect(error.code).toBe('unexpected_response');
    expect(seen).toEqual([idOf(1), idOf(2), idOf(3)]);
    expect(requests).toBe(3);
  });

  it('v1 pages with fresh cursors and the same users are refused the same way', async () => {
    let requests = 0;
    nock(ORIGIN)
      .get('/v1/users')
      .query(true)
      .times(50)
      .reply(() => {
        requests++;
        return [200, { next: `${ORIGIN}/v1/users?cursor=v1-${requests}`, results: [wireUserV1()] }];
      });
    const error = await rejection(() => drain(argyleService({ apiVersion: 'v1' }).listUsers()));
    expect(error.code).toBe('unexpected_response');
    expect(requests).toBe(2);
  });

  for (const version of ['v2', 'v1'] as const) {
    it(`${version}: aborting mid-page stops at once: the next next() rejects aborted, the buffered users are not yielded`, async () => {
      const path = `/${version}/users`;
      const wire = version === 'v2' ? wireUserV2 : wireUserV1;
      const scope = nock(ORIGIN)
        .get(path)
        .query(true)
        .reply(200, {
          next: `${ORIGIN}${path}?cursor=p2`,
          results: [1, 2, 3].map((n) => wire({ id: idOf(n) })),
        });
      const controller = new AbortController();
      const iterator = argyleService({ apiVersion: version })
        .listUsers({}, { signal: controller.signal })
        [Symbol.asyncIterator]();
      const first = await iterator.next();
      expect((first.value as User).id).toBe(idOf(1));
      controller.abort();
      const error = await rejection(() => iterator.next());
      expect(error.code).toBe('aborted');
      expect(scope.isDone()).toBe(true);
      // Finished: nothing more comes, and no further page was asked for.
      expect((await iterator.next()).done).toBe(true);
      expect(nock.pendingMocks()).toEqual([]);
    });
  }

  it('a signal that fired with a TimeoutError ends the listing with timeout, mid-page', async () => {
    nock(ORIGIN)
      .get('/v2/users')
      .query(true)
      .reply(200, { next: null, results: [1, 2].map((n) => wireUserV2({ id: idOf(n) })) });
    const controller = new AbortController();
    const iterator = argyleService().listUsers({}, { signal: controller.signal })[Symbol.asyncIterator]();
    await iterator.next();
    controller.abort(new DOMException('The operation timed out.', 'TimeoutError'));
    expect((await rejection(() => iterator.next())).code).toBe('timeout');
  });
});

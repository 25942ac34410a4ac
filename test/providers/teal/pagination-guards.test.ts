/**
 * Offset pages are checked: a provider that ignores `offset` (or whose pages never move) must not
 * make us repeat users or page forever; the caller's signal stops a listing at once, even mid-page.
 */
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { User } from '../../../src/user.js';
import { drain, rejection } from '../../contract/assertions.js';
import { ORIGIN, tealService, USER_ID, wireUser } from './fixtures.js';

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

const page = (offset: number | undefined, ids: string[], total: number) => ({
  pagination: {
    ...(offset !== undefined ? { offset } : {}),
    limit: 100,
    count: ids.length,
    total_count: total,
  },
  users: ids.map((user_id) => wireUser({ user_id })),
});

describe('Teal listUsers guards', () => {
  it('a provider that ignores offset (same first page again) → unexpected_response, no repeated users', async () => {
    let requests = 0;
    nock(ORIGIN)
      .get('/users')
      .query(true)
      .times(10)
      .reply(() => {
        requests++;
        return [200, page(undefined, [USER_ID], 5)];
      });
    const seen: string[] = [];
    const error = await rejection(async () => {
      for await (const u of tealService().listUsers({ pageSize: 1 })) seen.push(u.id);
    });
    expect(error.code).toBe('unexpected_response');
    expect(seen).toEqual([USER_ID]);
    expect(requests).toBe(2);
  });

  it('an echoed offset other than the one asked for → unexpected_response', async () => {
    nock(ORIGIN)
      .get('/users')
      .query({ limit: '100' })
      .reply(200, page(40, [USER_ID], 50));
    const error = await rejection(() => drain(tealService().listUsers()));
    expect(error.code).toBe('unexpected_response');
  });

  it('consistent pages are read until total_count', async () => {
    nock(ORIGIN)
      .get('/users')
      .query({ limit: '1' })
      .reply(200, page(0, ['00000000-0000-4000-8000-000000000001'], 2))
      .get('/users')
      .query({ offset: '1', limit: '1' })
      .reply(200, page(1, ['00000000-0000-4000-8000-000000000002'], 2));
    expect(await drain(tealService().listUsers({ pageSize: 1 }))).toBe(2);
  });

  const idOf = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

  it('pages that never move (same users, shuffled, offset echoed, a huge total) → unexpected_response', async () => {
    let requests = 0;
    nock(ORIGIN)
      .get('/users')
      .query(true)
      .times(50)
      .reply((uri) => {
        const offset = Number(new URL(uri, ORIGIN).searchParams.get('offset'));
        // The first user changes from page to page, so the old first-id check never fires.
        const ids = requests++ % 2 === 0 ? [idOf(1), idOf(2)] : [idOf(2), idOf(1)];
        return [200, page(offset, ids, 1_000_000)];
      });
    const seen: string[] = [];
    const error = await rejection(async () => {
      for await (const u of tealService().listUsers({ pageSize: 2 })) seen.push(u.id);
    });
    expect(error.code).toBe('unexpected_response');
    expect(seen).toEqual([idOf(1), idOf(2)]);
    expect(requests).toBe(2);
  });

  it('aborting mid-page stops at once: the next next() rejects aborted, the buffered users are not yielded', async () => {
    const scope = nock(ORIGIN)
      .get('/users')
      .query(true)
      .reply(200, page(0, [1, 2, 3].map(idOf), 10));
    const controller = new AbortController();
    const iterator = tealService().listUsers({}, { signal: controller.signal })[Symbol.asyncIterator]();
    expect(((await iterator.next()).value as User).id).toBe(idOf(1));
    controller.abort();
    expect((await rejection(() => iterator.next())).code).toBe('aborted');
    expect(scope.isDone()).toBe(true);
    expect((await iterator.next()).done).toBe(true);
  });

  it('a page without total_count (the reference leaves it optional) pages on until an empty page', async () => {
    const bare = (offset: number, ids: string[]) => ({
      pagination: { offset, limit: 2, count: ids.length },
      users: ids.map((user_id) => wireUser({ user_id })),
    });
    nock(ORIGIN)
      .get('/users')
      .query({ limit: '2' })
      .reply(200, bare(0, ['u_1', 'u_2']));
    nock(ORIGIN)
      .get('/users')
      .query({ offset: '2', limit: '2' })
      .reply(200, bare(2, ['u_3']));
    nock(ORIGIN).get('/users').query({ offset: '3', limit: '2' }).reply(200, bare(3, []));
    const ids: string[] = [];
    for await (const u of tealService().listUsers({ pageSize: 2 })) ids.push(u.id);
    expect(ids).toEqual(['u_1', 'u_2', 'u_3']);
    expect(nock.isDone()).toBe(true);
  });
});

/** The listing guard (src/listing-guard.ts): progress within a bounded window of recent users. */
import { describe, expect, it } from 'vitest';
import { ListingGuard, RECENT_USERS } from '../../src/listing-guard.js';

const context = { provider: 'argyle', tenant: 't', operation: 'listUsers' as const };
const id = (s: string) => s;

describe('ListingGuard', () => {
  it('hands out only users not seen recently, and refuses a page that brings none', () => {
    const guard = new ListingGuard(context, undefined);
    expect(guard.unseen(['a', 'b'], id)).toEqual(['a', 'b']);
    expect(guard.unseen(['b', 'c', 'c'], id)).toEqual(['c']);
    expect(() => guard.unseen(['a', 'c'], id)).toThrow(
      expect.objectContaining({ code: 'unexpected_response' }),
    );
    // An empty page is not this guard's business (the providers' own checks handle it).
    expect(guard.unseen([], id)).toEqual([]);
  });

  it('remembers at most the window: memory stays bounded however long the listing', () => {
    const guard = new ListingGuard(context, undefined, 3);
    guard.unseen(['a', 'b', 'c', 'd'], id); // 'a' is forgotten
    expect(guard.unseen(['a'], id)).toEqual(['a']);
    expect(() => guard.unseen(['c', 'd'], id)).toThrow(
      expect.objectContaining({ code: 'unexpected_response' }),
    );
  });

  it('the default window covers many full pages of either provider', () => {
    expect(RECENT_USERS).toBeGreaterThanOrEqual(20 * 200);
  });

  it('checkSignal: aborted by the caller → aborted; a TimeoutError reason → timeout; else nothing', () => {
    const live = new AbortController();
    expect(() => new ListingGuard(context, live.signal).checkSignal()).not.toThrow();
    expect(() => new ListingGuard(context, AbortSignal.abort()).checkSignal()).toThrow(
      expect.objectContaining({ code: 'aborted' }),
    );
    const timedOut = AbortSignal.abort(new DOMException('timed out', 'TimeoutError'));
    expect(() => new ListingGuard(context, timedOut).checkSignal()).toThrow(
      expect.objectContaining({ code: 'timeout' }),
    );
  });
});

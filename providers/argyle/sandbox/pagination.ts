/**
 * Argyle's cursor pagination (`GET /v2/users`; Argyle users reference:
 * https://docs.argyle.com/api-reference/users#list): `limit` (default 10, maximum 200) and an opaque
 * `cursor`; the answer's `next` / `previous` are full URLs carrying a `cursor`, or `null`.
 *
 * Like a DRF CursorPagination, the cursor holds only a position: the next/previous URLs keep the
 * request's other query parameters (`limit`, `external_id`). A client that re-sends only the cursor
 * gets the default page size and no filter, as it would from Argyle.
 */
import { z } from 'zod';

export const DEFAULT_LIMIT = 10;
export const MAX_LIMIT = 200;

/**
 * A cursor is standard base64 (RFC 4648 section 4, padded) of this tag and the position's JSON, the
 * JSON padded with spaces to leave one byte over a multiple of three. So every cursor holds `+`,
 * `/` and ends in `==`: characters a query string must percent-encode (`%2B`, `%2F`, `%3D`), and a
 * `+` sent unencoded arrives as a space and makes the cursor invalid. Argyle documents cursors as
 * opaque; the emulator makes them the hardest kind to carry, so a client that does not encode them
 * fails here rather than against Argyle.
 */
const CURSOR_TAG = Buffer.from([0xfb, 0xff, 0xbf]);
/** Standard base64 with padding; long enough for any position this emulator issues, no longer. */
const CURSOR_RE = /^[A-Za-z0-9+/]{4,252}={0,2}$/;

/** `after`: items created after `seq`; `before`: items created before `seq`. */
const CursorSchema = z.strictObject({ dir: z.enum(['after', 'before']), seq: z.number().int().min(0) });
export type Cursor = z.output<typeof CursorSchema>;

export function encodeCursor(cursor: Cursor): string {
  let json = JSON.stringify(cursor);
  while ((CURSOR_TAG.length + json.length) % 3 !== 1) json += ' ';
  return Buffer.concat([CURSOR_TAG, Buffer.from(json, 'utf8')]).toString('base64');
}

/** The cursor, or `undefined` when it is not one this emulator issued (exactly as issued). */
export function decodeCursor(value: string): Cursor | undefined {
  if (!CURSOR_RE.test(value) || value.length % 4 !== 0) return undefined;
  const bytes = Buffer.from(value, 'base64');
  // Node's decoder skips what is not base64; only a cursor that encodes back to itself is one.
  if (bytes.toString('base64') !== value || !bytes.subarray(0, CURSOR_TAG.length).equals(CURSOR_TAG)) {
    return undefined;
  }
  try {
    const json: unknown = JSON.parse(bytes.subarray(CURSOR_TAG.length).toString('utf8'));
    const parsed = CursorSchema.safeParse(json);
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

export interface Page<T> {
  items: T[];
  next?: Cursor;
  previous?: Cursor;
}

/** One page of `all` (in creation order) from `cursor`. */
export function paginate<T extends { seq: number }>(
  all: readonly T[],
  limit: number,
  cursor?: Cursor,
): Page<T> {
  let items: T[];
  if (!cursor) items = all.slice(0, limit);
  else if (cursor.dir === 'after') items = all.filter((u) => u.seq > cursor.seq).slice(0, limit);
  else items = all.filter((u) => u.seq < cursor.seq).slice(-limit);

  const first = items[0];
  const last = items[items.length - 1];
  const page: Page<T> = { items };
  if (last && all.some((u) => u.seq > last.seq)) page.next = { dir: 'after', seq: last.seq };
  if (first && all.some((u) => u.seq < first.seq)) page.previous = { dir: 'before', seq: first.seq };
  if (!first && cursor?.dir === 'after' && all.some((u) => u.seq <= cursor.seq)) {
    // Past the end (e.g. the last users were deleted): offer the way back.
    page.previous = { dir: 'before', seq: cursor.seq + 1 };
  }
  return page;
}

/** The full URL of another page: the same path and query, with `cursor` replaced. */
export function pageUrl(origin: string, path: string, query: URLSearchParams, cursor: Cursor): string {
  const params = new URLSearchParams();
  params.set('cursor', encodeCursor(cursor));
  for (const [key, value] of query) if (key !== 'cursor') params.append(key, value);
  return `${origin}${path}?${params.toString()}`;
}

/**
 * The list answer shared by `GET /v2/users`, `GET /v1/users` and `GET /v2/webhooks`: query checks,
 * cursor, page URLs — and, for v1 under the emulator's options, a page cap and the bare-array shape.
 */
import type { SandboxRequestHead } from '../../../src/sandbox/index.js';
import type { FieldErrors } from './field-errors.js';
import { parseListQuery } from './http.js';
import { decodeCursor, pageUrl, paginate } from './pagination.js';
import type { UnknownFields } from './schemas.js';

export interface ListOptions<T extends { seq: number }> {
  /** The route path the next/previous URLs point at. */
  path: string;
  /** The documented query parameters; any other is ignored, or refused under `unknown: 'reject'`. */
  allowed: readonly string[];
  unknown: UnknownFields;
  origin: string;
  /** The items to page through, in creation order, given the (checked) query. */
  items(params: URLSearchParams): T[];
  render(item: T): Record<string, unknown>;
  /** At most this many items a page, whatever `limit` asks (a server that caps its pages). */
  cap?: number | undefined;
  /**
   * `envelope` (default): `{next, previous, results}`. `bare-array`: the page's items alone, as a
   * JSON array, with no link to another page.
   */
  shape?: 'envelope' | 'bare-array';
}

export type ListAnswer =
  | { status: 200; body: Record<string, unknown> | Record<string, unknown>[] }
  | { status: 400; body: FieldErrors };

export function listPage<T extends { seq: number }>(
  request: SandboxRequestHead,
  options: ListOptions<T>,
): ListAnswer {
  const query = parseListQuery(request.query, options.allowed, options.unknown);
  if (!query.ok) return { status: 400, body: query.errors };
  const { params } = query.data;
  const limit = options.cap === undefined ? query.data.limit : Math.min(query.data.limit, options.cap);
  const rawCursor = params.get('cursor');
  const cursor = rawCursor === null ? undefined : decodeCursor(rawCursor);
  if (rawCursor !== null && !cursor) return { status: 400, body: { cursor: ['Invalid cursor.'] } };
  const page = paginate(options.items(params), limit, cursor);
  const results = page.items.map(options.render);
  if (options.shape === 'bare-array') return { status: 200, body: results };
  const url = (c: typeof cursor) => (c ? pageUrl(options.origin, options.path, params, c) : null);
  return { status: 200, body: { next: url(page.next), previous: url(page.previous), results } };
}

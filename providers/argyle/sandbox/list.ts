/**
 * The list answer shared by `GET /v2/users`, `GET /v1/users` and `GET /v2/webhooks`: query checks,
 * cursor, page URLs.
 */
import type { SandboxRequestHead } from '../../../src/sandbox/index.js';
import type { FieldErrors } from './field-errors.js';
import { parseListQuery } from './http.js';
import { decodeCursor, pageUrl, paginate } from './pagination.js';

export interface ListOptions<T extends { seq: number }> {
  /** The route path the next/previous URLs point at. */
  path: string;
  /** The documented query parameters; any other is refused. */
  allowed: readonly string[];
  origin: string;
  /** The items to page through, in creation order, given the (checked) query. */
  items(params: URLSearchParams): T[];
  render(item: T): Record<string, unknown>;
}

export type ListAnswer = { status: 200; body: Record<string, unknown> } | { status: 400; body: FieldErrors };

export function listPage<T extends { seq: number }>(
  request: SandboxRequestHead,
  options: ListOptions<T>,
): ListAnswer {
  const query = parseListQuery(request.query, options.allowed);
  if (!query.ok) return { status: 400, body: query.errors };
  const { limit, params } = query.data;
  const rawCursor = params.get('cursor');
  const cursor = rawCursor === null ? undefined : decodeCursor(rawCursor);
  if (rawCursor !== null && !cursor) return { status: 400, body: { cursor: ['Invalid cursor.'] } };
  const page = paginate(options.items(params), limit, cursor);
  const url = (c: typeof cursor) => (c ? pageUrl(options.origin, options.path, params, c) : null);
  return {
    status: 200,
    body: { next: url(page.next), previous: url(page.previous), results: page.items.map(options.render) },
  };
}

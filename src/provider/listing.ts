/**
 * Listings, whatever the provider's paging: pages fetched as the iteration goes, the loop guards
 * (a listing always ends and never hands a user out twice in a row), cancellation between users,
 * and resumable cursors bound to their tenant, provider and filter.
 */
import { z } from 'zod';
import { InvalidInputError, UnexpectedResponseError } from '../errors.js';
import type { HttpClient } from '../http/client.js';
import { ListingGuard } from '../listing-guard.js';
import type { User } from '../user.js';
import type { CallOptions } from '../user-service.js';
import type { ListDeclaration, ListFilter, OperationContext, UserWireDeclaration } from './declaration.js';
import { beforeSending, readingAnswer } from './guard.js';

/** One page of a listing. */
export interface UserPage {
  /** The page's users (after any filter the provider cannot apply itself; may be empty). */
  users: User[];
  /**
   * Where the next page starts: pass it as `listUsers({ cursor })` (with the same `pageSize`, and the
   * filter if the listing had one) to resume after this page, now or from another process. Absent on
   * the last page. An opaque string; it holds no personal data (not even the filter's value).
   */
  cursor?: string;
}

/** `listUsers()`: the users one by one, or `.pages()` for the pages with their resume cursors. */
export interface UserListing extends AsyncIterable<User> {
  /** The same listing page by page, each with its resume cursor. */
  pages(): AsyncIterable<UserPage>;
}

/**
 * How many of the latest provider cursors a listing remembers. Bounded so that a long listing keeps
 * a constant footprint; a cursor that comes back after more pages than this is still caught when its
 * page brings no new user (the listing guard).
 */
export const RECENT_CURSORS = 1024;

/** Where a walk stands: the provider's cursor, or the count of users already read. */
type PageState = { cursor: string } | { offset: number };

const CURSOR_PREFIX = 'pi1.';

const CursorBody = z.strictObject({
  /** Tenant. */
  t: z.string().max(200),
  /** Provider. */
  p: z.string().max(100),
  /** Fingerprint of the listing's page size and whether it is filtered (never the filter: it may be personal). */
  k: z.string().max(64),
  /** The provider's cursor, or the offset. */
  s: z.union([
    z.strictObject({ cursor: z.string().min(1).max(3000) }),
    z.strictObject({ offset: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER) }),
  ]),
});

/**
 * What a cursor is bound to besides its tenant and provider: the page size, and whether the listing is
 * filtered. Never the filter's value, not even hashed: an `externalId` may be an email, and a hash of
 * one is a guess away from it.
 */
function fingerprint(filter: ListFilter, pageSize: number): string {
  return `${pageSize}${filter.externalId !== undefined ? 'f' : ''}`;
}

function encodeCursor(context: OperationContext, key: string, state: PageState): string {
  const body = { t: context.tenant, p: context.provider, k: key, s: state };
  return CURSOR_PREFIX + Buffer.from(JSON.stringify(body)).toString('base64url');
}

function badCursor(context: OperationContext, why: string): InvalidInputError {
  return new InvalidInputError(`${context.provider} listUsers: ${why}`, {
    ...context,
    fieldErrors: { cursor: [why.charAt(0).toUpperCase() + why.slice(1)] },
  });
}

/** The state a resume cursor stands for, or `invalid_input` (never quoting the cursor). */
function decodeCursor(
  cursor: string,
  context: OperationContext,
  key: string,
  kind: 'cursor' | 'offset',
): PageState {
  let body: z.output<typeof CursorBody> | undefined;
  if (cursor.startsWith(CURSOR_PREFIX)) {
    try {
      const parsed = CursorBody.safeParse(
        JSON.parse(Buffer.from(cursor.slice(CURSOR_PREFIX.length), 'base64url').toString('utf8')),
      );
      body = parsed.success ? parsed.data : undefined;
    } catch {
      body = undefined;
    }
  }
  if (!body || 'cursor' in body.s !== (kind === 'cursor')) {
    throw badCursor(context, 'not a cursor of a listing (pass a page cursor as it was given)');
  }
  if (body.t !== context.tenant || body.p !== context.provider) {
    throw badCursor(context, 'the cursor belongs to another tenant or provider');
  }
  if (body.k !== key) {
    throw badCursor(
      context,
      'the cursor belongs to a listing with another pageSize, or with a filter where this one has none (or the other way round)',
    );
  }
  return body.s;
}

/** What a walk needs. */
export interface Walk {
  context: OperationContext;
  http: HttpClient;
  list: ListDeclaration;
  user: UserWireDeclaration;
  filter: ListFilter;
  pageSize: number | undefined;
  /** A resume cursor. */
  cursor?: string | undefined;
  options?: CallOptions | undefined;
  /** The caller's signal, checked between users (none for a reconciliation lookup). */
  signal: AbortSignal | undefined;
}

/** A page as the walk produces it: the wire users (new ones), the resume cursor, what to throw after. */
interface WalkedPage {
  wires: unknown[];
  cursor: string | undefined;
  after: Error | undefined;
}

function unexpected(context: OperationContext, message: string, issue: string): UnexpectedResponseError {
  return new UnexpectedResponseError(`${context.provider} listUsers: ${message}`, {
    ...context,
    issues: [issue],
  });
}

/** Every page of a listing, checked as it goes. */
async function* walkPages(walk: Walk): AsyncGenerator<WalkedPage> {
  const { context, http, list, user, filter } = walk;
  const limit = Math.min(walk.pageSize ?? list.maxPageSize, list.maxPageSize);
  const key = fingerprint(filter, limit);
  const paging = list.paging;
  const guard = new ListingGuard(context, walk.signal);
  const serverFilter = list.externalIdFilter === 'server' ? filter : {};
  const recentCursors = new Set<string>();
  let state: PageState | undefined =
    walk.cursor !== undefined ? decodeCursor(walk.cursor, context, key, paging.kind) : undefined;
  let previousFirstId: string | undefined;
  for (;;) {
    const offset = state && 'offset' in state ? state.offset : 0;
    const query = beforeSending(context, 'list query', () =>
      paging.kind === 'cursor'
        ? paging.query(state && 'cursor' in state ? state.cursor : undefined, limit, serverFilter)
        : paging.query(offset, limit, serverFilter),
    );
    const { data } = await http.request({
      operation: context.operation,
      method: list.method,
      path: list.path,
      query,
      response: list.response,
      expectStatus: list.expectStatus ?? [200],
      options: walk.options,
    });
    let next: PageState | undefined;
    let after: Error | undefined;
    let users: readonly unknown[];
    if (paging.kind === 'cursor') {
      const page = readingAnswer(context, 'page reader', () => paging.read(data, context, limit));
      users = page.users;
      after = page.incomplete;
      if (page.next !== undefined && after === undefined) {
        if (page.users.length === 0) {
          // An endless run of empty pages, each with a fresh cursor, would otherwise page forever.
          after = unexpected(
            context,
            'the provider returned an empty page that links to another one',
            'next: empty_page',
          );
        } else if (recentCursors.has(page.next)) {
          after = unexpected(
            context,
            'the provider returned a page cursor it had already returned',
            'next: repeated_cursor',
          );
        } else {
          recentCursors.add(page.next);
          if (recentCursors.size > RECENT_CURSORS) recentCursors.delete(recentCursors.values().next().value!);
          next = { cursor: page.next };
        }
      }
    } else {
      const page = readingAnswer(context, 'page reader', () => paging.read(data, context));
      users = page.users;
      const first = users[0];
      const firstId =
        first !== undefined ? readingAnswer(context, 'user id', () => user.id(first)) : undefined;
      const repeated = offset > 0 && firstId !== undefined && firstId === previousFirstId;
      if ((page.offset !== undefined && page.offset !== offset) || repeated) {
        throw unexpected(
          context,
          `the provider answered another page than offset ${offset}; stopping rather than repeating users`,
          'pagination.offset: not_the_requested_page',
        );
      }
      previousFirstId = firstId;
      const reached = offset + users.length;
      // An empty page ends the walk even if the total says otherwise (no endless loop).
      if (users.length > 0 && reached < page.total) next = { offset: reached };
    }
    // A page of users already listed (a provider whose pages never move) ends the walk.
    const fresh = readingAnswer(context, 'user id', () => guard.unseen(users, (wire) => user.id(wire)));
    guard.checkSignal();
    state = next;
    yield { wires: fresh, cursor: next ? encodeCursor(context, key, next) : undefined, after };
    if (after) throw after;
    if (!next) return;
  }
}

/**
 * The neutral user of a listed wire user, when it matches the listing's filter. A filter the
 * provider cannot apply is applied here, over every page; one the provider applies is checked: a
 * user outside it means the provider ignored it (on some page), and handing that user out would
 * hand out another applicant.
 */
function matching(walk: Walk, wire: unknown): User | undefined {
  const user = readingAnswer(walk.context, 'user mapper', () => walk.user.toUser(wire));
  const { externalId } = walk.filter;
  if (externalId === undefined || user.externalId === externalId) return user;
  if (walk.list.externalIdFilter === 'client') return undefined;
  throw new UnexpectedResponseError(
    `${walk.context.provider} ${walk.context.operation}: the provider listed a user outside the externalId filter; stopping rather than handing out another applicant`,
    { ...walk.context, issues: ['results: outside_filter'] },
  );
}

/** The wire users of a listing, one by one (for the reconciliation lookup). */
export async function* walkWireUsers(walk: Walk): AsyncGenerator<unknown> {
  for await (const page of walkPages(walk)) {
    for (const wire of page.wires) if (matching(walk, wire) !== undefined) yield wire;
  }
}

/** The listing `listUsers` returns: nothing is fetched (or checked) before an iteration starts. */
export class DeclaredListing implements UserListing {
  readonly #walk: () => Walk;

  constructor(walk: () => Walk) {
    this.#walk = walk;
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<User> {
    const walk = this.#walk();
    const guard = new ListingGuard(walk.context, walk.signal);
    for await (const page of walkPages(walk)) {
      for (const wire of page.wires) {
        const user = matching(walk, wire);
        if (user === undefined) continue;
        // Checked before each user: an abort stops the listing even mid-page.
        guard.checkSignal();
        yield user;
      }
    }
  }

  async *pages(): AsyncGenerator<UserPage> {
    const walk = this.#walk();
    for await (const page of walkPages(walk)) {
      const users: User[] = [];
      for (const wire of page.wires) {
        const user = matching(walk, wire);
        if (user !== undefined) users.push(user);
      }
      yield page.cursor !== undefined ? { users, cursor: page.cursor } : { users };
    }
  }
}

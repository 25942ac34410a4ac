/**
 * The live section's checks of listings (paging, the `externalId` filter, resume cursors) and of
 * input refused before any request, as functions over a `UserService`: the contract suite
 * (./contract.ts) runs them against a stateful backend, and the suite's own tests run them against
 * services broken on purpose, to prove that each check can fail.
 *
 * @module
 */
import { expect } from 'vitest';
import type { CreateUserInput } from '../user.js';
import type { UserService } from '../user-service.js';
import { drain, expectNoLeak, rejection } from './assertions.js';

/** Users the listing checks created, and the `externalId` two of them share. */
export interface ListingUsers {
  /** Every user created for the checks, in creation order. */
  readonly ids: readonly string[];
  /** The `externalId` shared by exactly two of them, when the provider stores and filters by it. */
  readonly shared?: { readonly externalId: string; readonly ids: readonly string[] };
}

/** The roles of the users created for the listing checks, in creation order. */
const ROLES = ['other', 'shared', 'other', 'shared', 'other'] as const;

/**
 * An applicant for the listing checks, made from the harness's `createInput`: another last name
 * (else first name) for each, so that a provider refusing the same person twice (Teal) accepts
 * them all, and `externalId` as given (none when the provider cannot store one).
 */
export function listingApplicant(
  base: CreateUserInput,
  index: number,
  externalId: string | undefined,
): CreateUserInput {
  const { externalId: _own, ...rest } = base;
  const suffix = `List${String.fromCharCode(97 + (index % 26))}`;
  const renamed =
    rest.lastName !== undefined
      ? { lastName: `${rest.lastName}${suffix}` }
      : rest.firstName !== undefined
        ? { firstName: `${rest.firstName}${suffix}` }
        : {};
  return { ...rest, ...renamed, ...(externalId !== undefined && { externalId }) };
}

/**
 * Creates five users, two of them with the same fresh `externalId` between users with others (when
 * the provider stores and filters by `externalId`), so that a filter lost after the first page shows.
 */
export async function createListingUsers(
  service: UserService,
  applicant: (index: number, externalId: string | undefined) => CreateUserInput,
): Promise<ListingUsers> {
  const { createFields, listFilters } = service.capabilities;
  const withExternalId = createFields.includes('externalId') && listFilters.includes('externalId');
  const run = `contract-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
  const ids: string[] = [];
  const shared: string[] = [];
  for (const [index, role] of ROLES.entries()) {
    const externalId = withExternalId
      ? `${run}-${role === 'shared' ? 'shared' : `other-${index}`}`
      : undefined;
    const { user } = await service.createUser(applicant(index, externalId));
    ids.push(user.id);
    if (role === 'shared') shared.push(user.id);
  }
  return withExternalId ? { ids, shared: { externalId: `${run}-shared`, ids: shared } } : { ids };
}

/** Deletes what {@link createListingUsers} created, where the provider deletes; failures are ignored. */
export async function deleteListingUsers(
  service: UserService,
  users: ListingUsers | undefined,
): Promise<void> {
  if (!users || !service.capabilities.operations.deleteUser) return;
  for (const id of users.ids) await service.deleteUser(id).catch(() => undefined);
}

/** How many times each of `ids` occurs in `listed`. */
function occurrences(listed: readonly string[], ids: readonly string[]): Record<string, number> {
  return Object.fromEntries(ids.map((id) => [id, listed.filter((l) => l === id).length]));
}

/**
 * `listUsers({ pageSize: 1 })` yields each created user exactly once (other users may exist) and no
 * user twice.
 */
export async function expectEachUserOnce(service: UserService, users: ListingUsers): Promise<void> {
  const listed: string[] = [];
  for await (const user of service.listUsers({ pageSize: 1 })) listed.push(user.id);
  expect(occurrences(listed, users.ids), 'each created user is listed exactly once').toEqual(
    Object.fromEntries(users.ids.map((id) => [id, 1])),
  );
  expect(new Set(listed).size, 'no user is listed twice').toBe(listed.length);
}

/**
 * `listUsers({ externalId, pageSize: 1 })` yields only users with that `externalId`, both created
 * ones exactly once, over two pages at least: a filter dropped after the first page shows.
 */
export async function expectFilterOnEveryPage(
  service: UserService,
  shared: NonNullable<ListingUsers['shared']>,
): Promise<void> {
  const listed: { id: string; externalId: string | undefined }[] = [];
  let pages = 0;
  for await (const page of service.listUsers({ externalId: shared.externalId, pageSize: 1 }).pages()) {
    pages += 1;
    for (const user of page.users) listed.push({ id: user.id, externalId: user.externalId });
  }
  expect(
    pages,
    'the filtered listing has two pages at least (page size 1, two matches)',
  ).toBeGreaterThanOrEqual(2);
  const others = listed.filter((u) => u.externalId !== shared.externalId).map((u) => u.id);
  expect(others, 'users without the filtered externalId are listed').toEqual([]);
  expect(
    occurrences(
      listed.map((u) => u.id),
      shared.ids,
    ),
    'each user with the filtered externalId is listed exactly once',
  ).toEqual(Object.fromEntries(shared.ids.map((id) => [id, 1])));
}

/**
 * `.pages()` with page size 1: at most one user a page, a cursor on every page but the last, each
 * cursor an opaque string of at most 4,096 characters; and `listUsers({ pageSize: 1, cursor })`
 * yields exactly the users of the pages after the one that gave the cursor (checked from the first
 * page and from one in the middle).
 */
export async function expectPagesResume(service: UserService, users: ListingUsers): Promise<void> {
  const pages: { ids: string[]; cursor: string | undefined }[] = [];
  for await (const page of service.listUsers({ pageSize: 1 }).pages()) {
    pages.push({ ids: page.users.map((u) => u.id), cursor: page.cursor });
  }
  const listed = pages.flatMap((p) => p.ids);
  for (const id of users.ids) expect(listed, 'every created user is on a page').toContain(id);
  for (const page of pages)
    expect(page.ids.length, 'a page holds at most pageSize users').toBeLessThanOrEqual(1);
  pages.forEach((page, index) => {
    if (index === pages.length - 1) {
      expect(page.cursor, 'the last page has no cursor').toBeUndefined();
    } else {
      expect(page.cursor, `page ${index + 1} of ${pages.length} has a cursor`).toBeTypeOf('string');
      expect(page.cursor!.length).toBeGreaterThan(0);
      expect(page.cursor!.length).toBeLessThanOrEqual(4_096);
    }
  });
  for (const from of new Set([0, Math.floor((pages.length - 1) / 2)])) {
    const cursor = pages[from]?.cursor;
    if (cursor === undefined) continue;
    const resumed: string[] = [];
    for await (const user of service.listUsers({ pageSize: 1, cursor })) resumed.push(user.id);
    expect(resumed, `resuming from page ${from + 1}'s cursor lists the pages after it`).toEqual(
      pages.slice(from + 1).flatMap((p) => p.ids),
    );
  }
}

/**
 * A cursor given to a listing with another page size is `invalid_input` on `cursor`, before any
 * request (counted with `requestCount` when given), and the error does not quote it.
 */
export async function expectCursorBoundToPageSize(
  service: UserService,
  requestCount: (() => number) | undefined,
): Promise<void> {
  let cursor: string | undefined;
  for await (const page of service.listUsers({ pageSize: 1 }).pages()) {
    cursor = page.cursor;
    break;
  }
  expect(cursor, 'a listing of page size 1 over several users gives a cursor').toBeTypeOf('string');
  const before = requestCount?.();
  const error = await rejection(() => drain(service.listUsers({ pageSize: 2, cursor: cursor! })));
  expect(error.code).toBe('invalid_input');
  if (error.code === 'invalid_input') expect(Object.keys(error.fieldErrors)).toContain('cursor');
  expectNoLeak(error, [cursor!]);
  if (requestCount) expect(requestCount(), 'no request was sent').toBe(before);
}

/**
 * An invalid email is `invalid_input` naming `email`, before any request (counted with
 * `requestCount` when given).
 */
export async function expectInvalidEmailBeforeRequest(
  service: UserService,
  createInput: CreateUserInput,
  requestCount: (() => number) | undefined,
): Promise<void> {
  const before = requestCount?.();
  const error = await rejection(() => service.createUser({ ...createInput, email: 'nope' }));
  expect(error.code).toBe('invalid_input');
  if (error.code === 'invalid_input') expect(Object.keys(error.fieldErrors)).toContain('email');
  if (requestCount) expect(requestCount(), 'no request was sent').toBe(before);
}

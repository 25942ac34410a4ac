/**
 * The contract's live listing checks (src/testing/live-checks.ts) can fail: each is run against an
 * in-memory `UserService` that pages correctly (every check passes) and against copies broken in
 * one way each (a filter lost after the first page, cursors missing, a resume that repeats a page, a
 * cursor accepted with another page size, a request sent before the input is checked), where the
 * check meant to catch it must fail.
 */
import { describe, expect, it } from 'vitest';
import { InvalidInputError, UnsupportedOperationError } from '../../src/errors.js';
import {
  createListingUsers,
  expectCursorBoundToPageSize,
  expectEachUserOnce,
  expectFilterOnEveryPage,
  expectInvalidEmailBeforeRequest,
  expectPagesResume,
  type ListingUsers,
  listingApplicant,
} from '../../src/testing/live-checks.js';
import type { CreateUserInput, ListUsersFilter, User } from '../../src/user.js';
import type { Capabilities, UserListing, UserPage, UserService } from '../../src/user-service.js';

type Bug =
  | 'filter-on-first-page-only'
  | 'no-cursors'
  | 'resume-repeats-its-page'
  | 'cursor-of-any-page-size'
  | 'request-before-validation'
  | 'pages-repeat-a-user';

const BASE: CreateUserInput = {
  firstName: 'Jane',
  lastName: 'Doe',
  email: 'jane.doe@example.com',
  externalId: 'applicant-1',
};

const EMAIL = /^[^@\s]+@[^@\s]+\.[a-z]+$/;

/** An in-memory provider with offset paging and a server-side externalId filter; `bug` breaks it. */
function memoryService(bug?: Bug): { service: UserService; requests: () => number } {
  const users: User[] = [];
  let requests = 0;
  let next = 1;
  const context = { provider: 'memory', tenant: 't' } as const;
  const capabilities: Capabilities = {
    operations: {
      createUser: true,
      getUser: true,
      updateUser: false,
      deleteUser: true,
      listUsers: true,
      createLinkToken: false,
    },
    createFields: ['firstName', 'lastName', 'email', 'externalId'],
    updateFields: [],
    requiredOnCreate: [],
    clearOnUpdate: false,
    linkTokenOnCreate: false,
    listFilters: ['externalId'],
    maxPageSize: 100,
  };
  const cursorOf = (offset: number, pageSize: number) => `mem.${offset}.${pageSize}`;

  function listUsers(filter: ListUsersFilter = {}): UserListing {
    const pageSize = filter.pageSize ?? 10;
    async function* pages(): AsyncGenerator<UserPage> {
      let offset = 0;
      if (filter.cursor !== undefined) {
        const [, at, size] = filter.cursor.split('.');
        if (Number(size) !== pageSize && bug !== 'cursor-of-any-page-size') {
          throw new InvalidInputError('memory listUsers: the cursor belongs to another listing', {
            ...context,
            fieldErrors: { cursor: ['The cursor belongs to another listing'] },
          });
        }
        offset = Number(at) - (bug === 'resume-repeats-its-page' ? pageSize : 0);
      }
      for (let first = true; ; first = false) {
        requests += 1;
        const filtered =
          filter.externalId !== undefined && (first || bug !== 'filter-on-first-page-only')
            ? users.filter((u) => u.externalId === filter.externalId)
            : users;
        const page = filtered.slice(offset, offset + pageSize);
        // The bug: the second page serves the first one again.
        offset += bug === 'pages-repeat-a-user' && first ? 0 : page.length;
        const more = offset < filtered.length && page.length > 0;
        yield more && bug !== 'no-cursors'
          ? { users: page, cursor: cursorOf(offset, pageSize) }
          : { users: page };
        if (!more) return;
      }
    }
    return {
      pages,
      async *[Symbol.asyncIterator]() {
        for await (const page of pages()) yield* page.users;
      },
    };
  }

  const unsupported = (operation: 'updateUser' | 'createLinkToken') =>
    Promise.reject(
      new UnsupportedOperationError(`memory ${operation}: not supported`, { ...context, operation }),
    );

  const service: UserService = {
    ...context,
    capabilities,
    async createUser(input) {
      if (bug === 'request-before-validation') requests += 1;
      if (input.email != null && !EMAIL.test(input.email)) {
        throw new InvalidInputError('memory createUser: 1 field failed validation (email)', {
          ...context,
          fieldErrors: { email: ['Must be a valid email address'] },
        });
      }
      if (bug !== 'request-before-validation') requests += 1;
      const user: User = {
        id: `u-${next++}`,
        provider: 'memory',
        ...(input.firstName != null && { firstName: input.firstName }),
        ...(input.lastName != null && { lastName: input.lastName }),
        ...(input.externalId != null && { externalId: input.externalId }),
      };
      users.push(user);
      return { user, ignoredFields: [] };
    },
    async getUser(id) {
      requests += 1;
      const user = users.find((u) => u.id === id);
      if (!user) throw new InvalidInputError('memory getUser: no such user', { ...context, fieldErrors: {} });
      return user;
    },
    updateUser: () => unsupported('updateUser'),
    async deleteUser(id) {
      requests += 1;
      users.splice(
        users.findIndex((u) => u.id === id),
        1,
      );
    },
    listUsers,
    createLinkToken: () => unsupported('createLinkToken'),
  };
  return { service, requests: () => requests };
}

/** A service with users of its own, then the checks' five (two sharing an externalId). */
async function seeded(
  bug?: Bug,
): Promise<{ service: UserService; requests: () => number; users: ListingUsers }> {
  const memory = memoryService(bug);
  await memory.service.createUser({ firstName: 'Someone', lastName: 'Else', externalId: 'not-ours' });
  const users = await createListingUsers(memory.service, (i, externalId) =>
    listingApplicant(BASE, i, externalId),
  );
  return { ...memory, users };
}

describe('the live listing checks', () => {
  it('pass against a service that pages, filters and resumes correctly', async () => {
    const { service, requests, users } = await seeded();
    expect(users.ids).toHaveLength(5);
    expect(users.shared?.ids).toHaveLength(2);
    await expectEachUserOnce(service, users);
    await expectFilterOnEveryPage(service, users.shared!);
    await expectPagesResume(service, users);
    await expectCursorBoundToPageSize(service, requests);
    await expectInvalidEmailBeforeRequest(service, BASE, requests);
  });

  it('make distinct applicants: another last name each, the given externalId only', () => {
    const a = listingApplicant(BASE, 0, undefined);
    const b = listingApplicant(BASE, 1, 'x-shared');
    expect(a.lastName).not.toBe(b.lastName);
    expect(a.lastName).not.toBe(BASE.lastName);
    expect(a).not.toHaveProperty('externalId');
    expect(b.externalId).toBe('x-shared');
    expect(listingApplicant({ firstName: 'Ann' }, 2, undefined).firstName).not.toBe('Ann');
  });

  it('catch a filter applied to the first page only', async () => {
    const { service, users } = await seeded('filter-on-first-page-only');
    await expect(expectFilterOnEveryPage(service, users.shared!)).rejects.toThrow(
      /users without the filtered externalId are listed/,
    );
  });

  it('catch pages without a cursor (a listing that cannot be resumed)', async () => {
    const { service, users } = await seeded('no-cursors');
    await expect(expectPagesResume(service, users)).rejects.toThrow(/page 1 of \d+ has a cursor/);
  });

  it('catch a cursor that resumes at its own page instead of after it', async () => {
    const { service, users } = await seeded('resume-repeats-its-page');
    await expect(expectPagesResume(service, users)).rejects.toThrow(/lists the pages after it/);
  });

  it('catch a cursor accepted by a listing with another page size', async () => {
    const { service, requests } = await seeded('cursor-of-any-page-size');
    await expect(expectCursorBoundToPageSize(service, requests)).rejects.toThrow(
      /expected the call to fail, but it succeeded/,
    );
  });

  it('catch a request sent before the input is checked, when requests are counted', async () => {
    const { service, requests } = await seeded('request-before-validation');
    await expect(expectInvalidEmailBeforeRequest(service, BASE, requests)).rejects.toThrow(
      /no request was sent/,
    );
    // Without a count, the error alone is all there is to check.
    await expectInvalidEmailBeforeRequest(service, BASE, undefined);
  });

  it('catch a user listed twice', async () => {
    const { service, users } = await seeded('pages-repeat-a-user');
    await expect(expectEachUserOnce(service, users)).rejects.toThrow(/no user is listed twice/);
  });
});

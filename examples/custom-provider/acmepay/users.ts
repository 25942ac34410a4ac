/**
 * Acme Pay's users API, declared: which neutral fields it stores and, per operation, the request
 * and the answer's schema and mapper. The library runs the rest (input checks, the field policy,
 * ids, paging with loop guards and resume cursors, retries, errors, redaction).
 */
import type { UsersDeclaration, ValidCreateUserInput } from 'payroll-identity/provider';
import { type AcmePayFields, fromWire, toWire } from './mappers.js';
import { AcmePaySession, AcmePayUser, AcmePayUserPage } from './wire.js';

/** "`page_size` 1–50". */
export const MAX_PAGE_SIZE = 50;

const userPath = (id: string) => `/users/${id}`;

export const acmePayUsers: UsersDeclaration = {
  stored: { firstName: true, lastName: true, email: true, externalId: true },
  // "`given_name`, `family_name` required".
  required: ['firstName', 'lastName'],
  // "no way to clear a field": the library refuses `null` on update.
  clearable: false,
  user: { schema: AcmePayUser, id: (user: AcmePayUser) => user.id, toUser: fromWire },
  // POST /users → 201 user
  createUser: {
    method: 'POST',
    path: '/users',
    expectStatus: [201],
    response: AcmePayUser,
    body: (fields: Partial<ValidCreateUserInput>) => toWire(fields as AcmePayFields),
    result: (answer: AcmePayUser) => ({ user: fromWire(answer) }),
  },
  // GET /users/{id} → 200 user
  getUser: { method: 'GET', path: userPath },
  // PATCH /users/{id} → 200 user
  updateUser: { method: 'PATCH', path: userPath, body: (fields) => toWire(fields as AcmePayFields) },
  // DELETE /users/{id} → 204
  deleteUser: { method: 'DELETE', path: userPath, expectStatus: [204] },
  // GET /users?page_size=&page_token=&external_ref= → {users, next_page_token}
  listUsers: {
    method: 'GET',
    path: '/users',
    response: AcmePayUserPage,
    maxPageSize: MAX_PAGE_SIZE,
    externalIdFilter: 'server',
    paging: {
      kind: 'cursor',
      query: (cursor, limit, filter) => ({
        page_size: limit,
        page_token: cursor,
        external_ref: filter.externalId,
      }),
      read: (page: AcmePayUserPage) => ({
        users: page.users,
        ...(page.next_page_token ? { next: page.next_page_token } : {}),
      }),
    },
  },
  // POST /users/{id}/sessions → 201 {session_token, expires_at}
  createLinkToken: {
    method: 'POST',
    path: (id) => `/users/${id}/sessions`,
    response: AcmePaySession,
    expectStatus: [201],
    result: (answer: AcmePaySession) => ({
      token: answer.session_token,
      ...(answer.expires_at ? { expiresAt: answer.expires_at } : {}),
    }),
  },
};

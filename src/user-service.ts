/**
 * The `UserService` port: what every provider adapter offers, in neutral terms.
 */
import type { Operation } from './errors.js';
import type { UserListing } from './provider/listing.js';
import type {
  CreatedUser,
  CreateUserInput,
  LinkToken,
  ListUsersFilter,
  ProfileField,
  UpdatedUser,
  UpdateUserInput,
  User,
} from './user.js';

/**
 * Per-call options accepted as the last argument of every method. Checked before anything is sent:
 * a value of the wrong kind rejects with `invalid_input` and no request leaves. Other keys are
 * ignored, except misspelt options (`timeout`, `timeoutSeconds`, `Signal`), which are refused.
 */
export interface CallOptions {
  /**
   * Cancels the call (and any retry) when it fires; the call rejects with code `aborted`. A signal
   * that fires with a `TimeoutError` (`AbortSignal.timeout(ms)`) is a deadline instead: the call
   * rejects with code `timeout`. Must be a real `AbortSignal`; one signal may be shared by any number
   * of calls.
   */
  signal?: AbortSignal;
  /**
   * Overrides the tenant's timeout for this call: the deadline of the whole call, retries included,
   * in milliseconds. A whole number from 1 to 600 000 (10 minutes). For `listUsers`, each page
   * request is a call: the deadline applies to every page's fetch, not to the whole iteration (which
   * also lasts as long as the consumer takes between pages); for a deadline over a whole listing,
   * pass `signal: AbortSignal.timeout(ms)`.
   */
  timeoutMs?: number;
}

/** What a tenant's provider can do; check it instead of catching `unsupported_operation`. */
export interface Capabilities {
  /** Operations this tenant's provider supports. */
  operations: Readonly<Record<Operation, boolean>>;
  /** Neutral profile fields the provider stores on create. */
  createFields: readonly ProfileField[];
  /** Neutral profile fields the provider can change on update. */
  updateFields: readonly ProfileField[];
  /** Neutral fields `createUser` requires for this provider (checked before any request). */
  requiredOnCreate: readonly string[];
  /** Whether `updateUser` accepts `null` to clear a field. */
  clearOnUpdate: boolean;
  /** Whether `createUser` returns a link token with the user. */
  linkTokenOnCreate: boolean;
  /** Filters `listUsers` understands. */
  listFilters: readonly (keyof Omit<ListUsersFilter, 'pageSize' | 'cursor'>)[];
  /** The largest page the provider serves. */
  maxPageSize: number;
}

/**
 * One tenant's users at its provider, in neutral terms: what `identity.forTenant(tenant)` returns.
 * Every method validates its input before any request, and rejects with a `PayrollIdentityError`.
 *
 * @example
 * ```ts
 * const users = identity.forTenant('brit-lend');
 * const { user, linkToken, ignoredFields } = await users.createUser({
 *   firstName: 'John', lastName: 'Smith', birthDate: '1990-05-17',
 *   address: { postalCode: 'SW1A 2AA' }, externalId: 'applicant-8841',
 * });
 * await users.updateUser(user.id, { firstName: 'Johnny' });
 * for await (const u of users.listUsers({ externalId: 'applicant-8841' })) ids.push(u.id);
 * const token = linkToken ?? (await users.createLinkToken(user.id));
 * await users.deleteUser(user.id, { timeoutMs: 5_000 });
 * ```
 */
export interface UserService {
  /** The provider's name, e.g. `'argyle'` or `'teal'`. */
  readonly provider: string;
  /** The tenant this service belongs to. */
  readonly tenant: string;
  /** What this tenant's provider supports; check it instead of catching `unsupported_operation`. */
  readonly capabilities: Capabilities;

  /**
   * Creates a user; fields the provider cannot store are named in `ignoredFields`. Never sent twice
   * blindly: an ambiguous create is reconciled or ends in `outcome_unknown`.
   *
   * @example
   * ```ts
   * const { user, linkToken, ignoredFields } = await users.createUser(
   *   { firstName: 'Jane', lastName: 'Doe', email: 'jane@example.com', externalId: 'applicant-1' },
   *   { signal: AbortSignal.timeout(10_000) },
   * );
   * ```
   */
  createUser(input: CreateUserInput, options?: CallOptions): Promise<CreatedUser>;
  /**
   * Reads a user by its provider id; `not_found` when there is none.
   *
   * @example
   * ```ts
   * const user = await users.getUser('usr_123');
   * ```
   */
  getUser(userId: string, options?: CallOptions): Promise<User>;
  /**
   * Changes the given fields; absent fields are left alone, `null` clears where the provider allows
   * (`capabilities.clearOnUpdate`).
   *
   * @example
   * ```ts
   * const { user } = await users.updateUser(id, { email: 'new@example.com' });
   * ```
   */
  updateUser(userId: string, patch: UpdateUserInput, options?: CallOptions): Promise<UpdatedUser>;
  /** Deletes a user; `not_found` when there is none. */
  deleteUser(userId: string, options?: CallOptions): Promise<void>;
  /**
   * Every user (or those matching `filter`), fetching pages as the iteration goes; stop iterating to
   * stop fetching. `.pages()` walks the same listing page by page, each page with a resume cursor;
   * `listUsers({ cursor })` resumes after that page (same tenant and `pageSize`, filtered or not as it was).
   *
   * @example
   * ```ts
   * for await (const user of users.listUsers({ externalId: 'applicant-1' })) ids.push(user.id);
   * for await (const page of users.listUsers({ pageSize: 50 }).pages()) {
   *   await save(page.users);
   *   if (page.cursor) await checkpoint(page.cursor); // later: users.listUsers({ pageSize: 50, cursor })
   * }
   * ```
   */
  listUsers(filter?: ListUsersFilter, options?: CallOptions): UserListing;
  /**
   * A fresh token for the provider's user-facing connection flow (Argyle Link, Teal's web app).
   *
   * @example
   * ```ts
   * const { token, url } = await users.createLinkToken(user.id);
   * ```
   */
  createLinkToken(userId: string, options?: CallOptions): Promise<LinkToken>;
}

export type { UserListing, UserPage } from './provider/listing.js';

/** The six `UserService` operations, in a fixed order. */
export const ALL_OPERATIONS: readonly Operation[] = [
  'createUser',
  'getUser',
  'updateUser',
  'deleteUser',
  'listUsers',
  'createLinkToken',
];

/**
 * The `UserService` port: what every provider adapter offers, in neutral terms.
 */
import type { Operation } from './errors.js';
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

/** Per-call options accepted as the last argument of every method. */
export interface CallOptions {
  /** Cancels the call (and any retry) when it fires; the call rejects with code `aborted`. */
  signal?: AbortSignal;
  /** Overrides the tenant's timeout for this call, in milliseconds. */
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
  listFilters: readonly (keyof Omit<ListUsersFilter, 'pageSize'>)[];
  /** The largest page the provider serves. */
  maxPageSize: number;
}

export interface UserService {
  /** The provider's name, e.g. `'argyle'` or `'teal'`. */
  readonly provider: string;
  /** The tenant this service belongs to. */
  readonly tenant: string;
  readonly capabilities: Capabilities;

  /** Creates a user; fields the provider cannot store are named in `ignoredFields`. */
  createUser(input: CreateUserInput, options?: CallOptions): Promise<CreatedUser>;
  getUser(userId: string, options?: CallOptions): Promise<User>;
  updateUser(userId: string, patch: UpdateUserInput, options?: CallOptions): Promise<UpdatedUser>;
  deleteUser(userId: string, options?: CallOptions): Promise<void>;
  /** Every user (or those matching `filter`), fetching pages as the iteration goes. */
  listUsers(filter?: ListUsersFilter, options?: CallOptions): AsyncIterable<User>;
  /** A fresh token for the provider's user-facing connection flow. */
  createLinkToken(userId: string, options?: CallOptions): Promise<LinkToken>;
}

export const ALL_OPERATIONS: readonly Operation[] = [
  'createUser',
  'getUser',
  'updateUser',
  'deleteUser',
  'listUsers',
  'createLinkToken',
];

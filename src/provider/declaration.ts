/**
 * What a provider declares about its users API: which neutral fields it stores, its provider
 * options, and per operation the endpoint, its wire schemas and the mappers both ways. The core
 * (`./service.ts`) owns everything else: input parsing, the field policy, required fields, id
 * checks, unsupported operations, pagination with its loop guards and resumable cursors,
 * reconciliation of ambiguous creates, error mapping and redaction.
 *
 * Methods of these interfaces take `unknown` where the value is the provider's own wire data,
 * already validated with the schema the same declaration names: a provider writes them with its
 * own wire types (`result(answer: MyCreateAnswer, …)`).
 */
import type { z } from 'zod';
import type { Operation } from '../errors.js';
import type { HttpMethod } from '../http/client.js';
import type { LinkToken, ProfileField, User, ValidCreateUserInput, ValidUpdateUserInput } from '../user.js';

/** Who is failing where: carried by every error the core or a provider throws for a call. */
export interface OperationContext {
  /** The provider's name. */
  provider: string;
  /** The tenant id. */
  tenant: string;
  /** The operation being performed. */
  operation: Operation;
}

/** The non-null type of neutral profile field `K` in a validated create input. */
type Stored<K extends ProfileField> = NonNullable<ValidCreateUserInput[K]>;

/**
 * How the provider holds one neutral profile field:
 * - `true`: stored whole;
 * - a list of sub-fields (`['postalCode']` for `address`): only those are stored, the others are
 *   reported one by one (`address.line1`);
 * - a predicate: stored only for some values (`nationalId` only of type `ni_number`); any other
 *   value is reported whole (`nationalId`).
 */
export type FieldSupport<K extends ProfileField> =
  | true
  | (Stored<K> extends Record<string, unknown> ? readonly (keyof Stored<K> & string)[] : never)
  | ((value: Stored<K>) => boolean);

/** The neutral fields a provider stores, each with how (the single source of `capabilities`). */
export type StoredFields = { readonly [K in ProfileField]?: FieldSupport<K> };

/** A neutral path a create requires, or a list of paths of which any one will do. */
export type RequiredField = string | readonly string[];

/** The provider's part of a call's `providerOptions`, under its own name (`providerOptions.teal`). */
export interface OptionsDeclaration {
  /** The options on create (and the shape of the tenant's `defaults`). */
  readonly create: z.ZodType;
  /** The options on update (may allow `null` to unset). Default: `create`. */
  readonly update?: z.ZodType;
  /** The tenant's defaults, applied on create only (an update sends only what the caller changes). */
  readonly defaults?: unknown;
  /** How a call's options go over the defaults. Default: key by key, the call's winning. */
  merge?(defaults: unknown, call: unknown): unknown;
  /**
   * Neutral paths of given options this tenant cannot send (e.g. options of a newer API version):
   * reported like unsupported fields, under the tenant's `unsupportedFields` policy.
   */
  unsupported?(options: unknown): readonly string[];
}

/** One request to the provider. */
export interface EndpointDeclaration {
  /** The HTTP method. */
  readonly method: HttpMethod;
  /** Success statuses; default: any 2xx. */
  readonly expectStatus?: readonly number[];
  /**
   * Whether sending it twice has the effect of sending it once. Defaults: true for GET, PATCH,
   * DELETE and link tokens (a second token creates nothing), false for a create.
   */
  readonly idempotent?: boolean;
}

/**
 * Reconciling an ambiguous create by external id: the create carries a per-call nonce in a field
 * the provider stores and returns, and after an ambiguous failure the users listed under the
 * create's external id (the `list` endpoint with its server-side filter) are searched for the one
 * holding it. Exactly one match is this call's user; anything else ends in `outcome_unknown`.
 */
export interface ReconcileDeclaration {
  /** The create body with this call's nonce added. */
  mark(body: unknown, nonce: string): unknown;
  /** Whether a listed user is the one this create made (holds `nonce`, looks like `sent`, is new enough). */
  matches(user: unknown, sent: unknown, nonce: string, startedAt: number): boolean;
}

/** What a create resolves to, in neutral terms. */
export interface CreateResult {
  /** The created user. */
  user: User;
  /** The link token, when the provider returns one with the user. */
  linkToken?: LinkToken;
}

/** `createUser`. */
export interface CreateDeclaration extends EndpointDeclaration {
  /** Path below the base URL. */
  readonly path: string;
  /** Schema of the success answer. */
  readonly response: z.ZodType;
  /** The request body from the fields the provider stores and the merged provider options. */
  body(fields: Partial<ValidCreateUserInput>, options: unknown, context: OperationContext): unknown;
  /** The neutral result from the answer and the body sent. */
  result(answer: unknown, sent: unknown, context: OperationContext): CreateResult;
  /** How an ambiguous create is reconciled; without it, it ends in `outcome_unknown`. */
  readonly reconcile?: ReconcileDeclaration;
}

/** `getUser`: the answer is one user (the declaration's `user.schema`). */
export interface GetDeclaration extends EndpointDeclaration {
  /** Path of one user; `id` is already checked and percent-encoded. */
  path(id: string): string;
}

/** `updateUser`: the answer is one user (the declaration's `user.schema`). */
export interface UpdateDeclaration extends EndpointDeclaration {
  /** Path of one user; `id` is already checked and percent-encoded. */
  path(id: string): string;
  /** The request body from the fields to change and the call's provider options (no defaults). */
  body(fields: Partial<ValidUpdateUserInput>, options: unknown, context: OperationContext): unknown;
  /**
   * When nothing the provider stores changes (an empty body): `'read'` reads the user instead of
   * sending an empty request; `'send'` (default) sends it.
   */
  readonly whenEmpty?: 'read' | 'send';
}

/** `deleteUser`. */
export interface DeleteDeclaration extends EndpointDeclaration {
  /** Path of one user; `id` is already checked and percent-encoded. */
  path(id: string): string;
}

/** Query parameters of a list request; `undefined` values are left out. */
export type Query = Record<string, string | number | undefined>;

/** What the core reads from a cursor-paged answer. */
export interface CursorPage {
  /** The page's users, in the provider's words. */
  users: readonly unknown[];
  /** The provider's cursor of the next page; absent on the last page. */
  next?: string;
  /**
   * Thrown once the page's users are handed out: the answer shows that the listing cannot be
   * complete (e.g. a page without a way to the next one), and saying nothing would pass it off as whole.
   */
  incomplete?: Error;
}

/** What the core reads from an offset-paged answer. */
export interface OffsetPage {
  /** The page's users, in the provider's words. */
  users: readonly unknown[];
  /** How many users the listing holds in all. */
  total: number;
  /** The offset the provider says it answered, when it says. */
  offset?: number;
}

/** Paging by an opaque provider cursor. */
export interface CursorPaging {
  /** Always `'cursor'`: tells this paging from {@link OffsetPaging}. */
  readonly kind: 'cursor';
  /** The query of one page: the cursor is absent on the first. */
  query(cursor: string | undefined, limit: number, filter: ListFilter): Query;
  /** The page's users and the next cursor (`limit` is the page size asked for). */
  read(answer: unknown, context: OperationContext, limit: number): CursorPage;
}

/** Paging by a count of users already read. */
export interface OffsetPaging {
  /** Always `'offset'`: tells this paging from {@link CursorPaging}. */
  readonly kind: 'offset';
  /** The query of one page: the offset is 0 on the first. */
  query(offset: number, limit: number, filter: ListFilter): Query;
  /** The page's users, the total and the offset answered. */
  read(answer: unknown, context: OperationContext): OffsetPage;
}

/** The filter a list request carries (already validated). */
export interface ListFilter {
  /** The host's id for the user. */
  externalId?: string;
}

/** `listUsers`. */
export interface ListDeclaration extends EndpointDeclaration {
  /** Path of the list. */
  readonly path: string;
  /** Schema of one page's answer. */
  readonly response: z.ZodType;
  /** The largest page the provider serves (also the page size when the caller gives none). */
  readonly maxPageSize: number;
  /**
   * How `externalId` is filtered: `'server'` (the query carries it; needed to reconcile creates),
   * `'client'` (every page is read and matched here), `'none'` (`invalid_input` when given).
   */
  readonly externalIdFilter: 'server' | 'client' | 'none';
  /** How pages follow one another. */
  readonly paging: CursorPaging | OffsetPaging;
}

/** `createLinkToken`. */
export interface LinkTokenDeclaration extends EndpointDeclaration {
  /** Path below the base URL (with the id in it, when the provider wants it there). */
  path(id: string): string;
  /** The request body for user `id` (already checked), if the provider takes one. */
  body?(id: string): unknown;
  /** Schema of the success answer. */
  readonly response: z.ZodType;
  /** The neutral token from the answer (check here that it belongs to `id`, when it says whose it is). */
  result(answer: unknown, id: string, context: OperationContext): LinkToken;
}

/** How the core reads one user of the provider's. */
export interface UserWireDeclaration {
  /** Schema of one user, as `getUser` and `updateUser` answer it. */
  readonly schema: z.ZodType;
  /** The user's id in an answer (checked against the id asked for). */
  id(user: unknown): string;
  /** The neutral user. */
  toUser(user: unknown): User;
}

/** One tenant's users API, as the provider declares it. */
export interface UsersDeclaration {
  /** The neutral fields the provider stores, with how. */
  readonly stored: StoredFields;
  /** Neutral paths `createUser` requires (checked before anything is sent). */
  readonly required?: readonly RequiredField[];
  /** Whether `updateUser` accepts `null` to clear a stored field (otherwise `null` is refused). */
  readonly clearable: boolean;
  /** The provider's `providerOptions` namespace, when it has one. */
  readonly options?: OptionsDeclaration;
  /** Provider rules checked after parsing, before anything else (throw `InvalidInputError`). */
  check?(
    operation: 'createUser' | 'updateUser',
    input: Record<string, unknown>,
    context: OperationContext,
  ): void;
  /** How a user reads. */
  readonly user: UserWireDeclaration;
  /** `createUser`; unsupported when absent. */
  readonly createUser?: CreateDeclaration;
  /** `getUser`; unsupported when absent. */
  readonly getUser?: GetDeclaration;
  /** `updateUser`; unsupported when absent. */
  readonly updateUser?: UpdateDeclaration;
  /** `deleteUser`; unsupported when absent. */
  readonly deleteUser?: DeleteDeclaration;
  /** `listUsers`; unsupported when absent. */
  readonly listUsers?: ListDeclaration;
  /** `createLinkToken`; unsupported when absent. */
  readonly createLinkToken?: LinkTokenDeclaration;
  /** Why an operation left out is unsupported, for its `unsupported_operation` message. */
  readonly unsupported?: Partial<Record<Operation, string>>;
  /** Whether `createUser` returns a link token with the user. */
  readonly linkTokenOnCreate?: boolean;
  /** Extra plain fields shown when the service is printed (never a credential), e.g. `{ apiVersion: 'v1' }`. */
  readonly describe?: Readonly<Record<string, string>>;
}

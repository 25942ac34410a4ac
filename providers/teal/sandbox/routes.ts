/** Teal Payroll API users and user tokens (Teal's API reference: https://docs.goteal.co). */
import type { z } from 'zod';
import type { SandboxReply, SandboxRequestHead, SandboxRouter } from '../../../src/sandbox/index.js';
import type { TealOptions } from './options.js';
import {
  createUserSchema,
  toErrorMessages,
  type UnknownFields,
  UUID_RE,
  updateUserSchema,
  userTokenSchema,
} from './schemas.js';
import { render, type StoredUser, type TealUserStore } from './store.js';

export interface TealRouteDeps {
  store: TealUserStore;
  origin(): string;
  options: TealOptions;
}

const DEFAULT_LIMIT = 20;
const MAX_LIMIT = 100;

/**
 * Teal's documented conflict example names the clashing values ("[name] and [email] must be a unique
 * combination"); the emulator says which fields clash, never their values, so no log line or error
 * built from this body can carry a person's name. Only under `duplicateRule: 'name-and-birth-date'`.
 */
const CONFLICT_MESSAGE =
  'This user already exists. Forename, surname and date of birth must be a unique combination';

export const errors = (...messages: string[]) => ({ errors: messages });

/** A JSON answer. */
export const reply = (status: number, body?: unknown): SandboxReply =>
  body === undefined ? { status } : { status, body };

/** Well-formed unknown ids are named, as in the reference's example; anything else is not echoed. */
export const notFound = (id: string | undefined) =>
  errors(`The resource with id [${id && UUID_RE.test(id) ? id : '...'}] does not exist`);

type Parsed<T> = { ok: true; data: T } | { ok: false; messages: string[] };

export function parse<S extends z.ZodType>(
  schema: S,
  body: unknown,
  mode: 'create' | 'update',
): Parsed<z.output<S>> {
  // Teal's create reference: `requestBody.required: true`; a missing body is a body missing every
  // required field.
  const input = body === undefined ? {} : body;
  const result = schema.safeParse(input);
  return result.success
    ? { ok: true, data: result.data }
    : { ok: false, messages: toErrorMessages(result.error, input, mode) };
}

function findUser(store: TealUserStore, request: SandboxRequestHead): { id?: string; user?: StoredUser } {
  const id = request.params.user_id;
  return { id, user: id && UUID_RE.test(id) ? store.get(id) : undefined };
}

export function registerRoutes(router: SandboxRouter, { store, origin, options }: TealRouteDeps): void {
  const CreateUserSchema = createUserSchema(options.unknownFields);
  const UpdateUserSchema = updateUserSchema(options.unknownFields);
  const UserTokenSchema = userTokenSchema(options.unknownFields);
  const sameness = options.duplicateRule === 'name-and-birth-date';

  // Create a user (https://docs.goteal.co): POST /users → 201 CreatedUser; 400 missing/invalid fields;
  // 409 documented for a user that already exists, without a rule: only under the emulator's
  // `duplicateRule` option.
  router.route('POST', '/users', (request) => {
    const body = parse(CreateUserSchema, request.body, 'create');
    if (!body.ok) return reply(400, errors(...body.messages));
    if (sameness && store.findSamePerson(body.data)) return reply(409, errors(CONFLICT_MESSAGE));
    return reply(201, render(store.create(body.data)));
  });

  // Reference: GET /users?offset=&limit= → {pagination: {offset, limit, count, total_count}, users}.
  router.route('GET', '/users', (request) => {
    const paging = parsePaging(request.query, options.unknownFields);
    if (!paging.ok) return reply(400, errors(...paging.problems));
    const { offset, limit } = paging;
    const all = store.list();
    const users = all.slice(offset, offset + limit).map(render);
    return reply(200, { pagination: { offset, limit, count: users.length, total_count: all.length }, users });
  });

  // Reference: GET /users/{user_id} → 200 CreatedUser, 404 when unknown.
  router.route('GET', '/users/:user_id', (request) => {
    const { id, user } = findUser(store, request);
    return user ? reply(200, render(user)) : reply(404, notFound(id));
  });

  // Reference: PATCH /users/{user_id} → 200 CreatedUser; partial, `null` unsets.
  router.route('PATCH', '/users/:user_id', (request) => {
    const { id, user } = findUser(store, request);
    if (!user) return reply(404, notFound(id));
    // The PATCH reference's `requestBody.required: true`: a request without one is refused.
    if (request.body === undefined) return reply(400, errors('A request body is required'));
    const body = parse(UpdateUserSchema, request.body, 'update');
    if (!body.ok) return reply(400, errors(...body.messages));
    store.update(user, body.data);
    return reply(200, render(user));
  });

  // Reference: DELETE /users/{user_id} → 204 (HTTP forbids a body on 204, so none is sent).
  router.route('DELETE', '/users/:user_id', (request) => {
    const { id, user } = findUser(store, request);
    return user && store.delete(user.user_id) ? reply(204) : reply(404, notFound(id));
  });

  // Reference: POST /user-tokens {user_id} → 201 {token, webapp_link, created_at}. An unknown user
  // is not documented here: 404 ResourceNotFound, as every other route answers an unknown id.
  router.route('POST', '/user-tokens', (request) => {
    const body = parse(UserTokenSchema, request.body, 'create');
    if (!body.ok) return reply(400, errors(...body.messages));
    const id = body.data.user_id;
    const user = UUID_RE.test(id) ? store.get(id) : undefined;
    if (!user) return reply(404, notFound(id));
    const { token, created_at } = store.issueToken(user);
    const webappLink = `${origin()}/webapp?token=${encodeURIComponent(token)}`;
    return reply(201, { token, webapp_link: webappLink, created_at });
  });
}

/** The query parameters of `GET /users` and `GET /webhooks`, as the reference lists them. */
const PAGING_PARAMETERS: ReadonlySet<string> = new Set(['offset', 'limit']);

/**
 * `offset` and `limit` (1–100, default 20), each at most once: the paging of `GET /users` and
 * `GET /webhooks`. The reference gives `offset` "minimum: 1" and "default: 0" at once (and calls it
 * zero-based): absent, it is 0 (the first page); given, it must be at least 1, so `offset=0` is
 * refused — the one reading both statements allow is to leave it out of the first request. Other
 * parameters are ignored, or refused under `unknownFields: 'reject'`.
 */
export function parsePaging(
  params: URLSearchParams,
  unknown: UnknownFields,
): { ok: true; offset: number; limit: number } | { ok: false; problems: string[] } {
  const problems: string[] = [];
  for (const key of new Set(params.keys())) {
    if (!PAGING_PARAMETERS.has(key)) {
      if (unknown === 'reject') problems.push(`The query parameter \`${queryName(key)}\` is not supported`);
    } else if (params.getAll(key).length > 1) {
      problems.push(`The query parameter \`${key}\` must be given once`);
    }
  }
  // `offset` is an int32 in the reference.
  const offset = integerParam(params.get('offset'), 0, 1, 2_147_483_647);
  const limit = integerParam(params.get('limit'), DEFAULT_LIMIT, 1, MAX_LIMIT);
  if (offset === undefined)
    problems.push(
      'The query parameter `offset` must be an integer of 1 or more (leave it out for the first page)',
    );
  if (limit === undefined)
    problems.push(`The query parameter \`limit\` must be an integer from 1 to ${MAX_LIMIT}`);
  if (problems.length > 0 || offset === undefined || limit === undefined) return { ok: false, problems };
  return { ok: true, offset, limit };
}

/** A query parameter's name as an error names it: bounded, and only when it reads as a name. */
function queryName(key: string): string {
  return key.length <= 64 && /^[\w.-]+$/.test(key) ? key : '...';
}

/** A query integer within [min, max]: the default when absent, `undefined` when invalid. */
function integerParam(raw: string | null, fallback: number, min: number, max: number): number | undefined {
  if (raw === null) return fallback;
  if (!/^\d{1,15}$/.test(raw)) return undefined;
  const value = Number(raw);
  return value >= min && value <= max ? value : undefined;
}

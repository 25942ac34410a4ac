/** Teal Payroll API users and user tokens (Teal's API reference: https://docs.goteal.co). */
import type { z } from 'zod';
import type { SandboxReply, SandboxRequestHead, SandboxRouter } from '../../../src/sandbox/index.js';
import { CreateUserSchema, toErrorMessages, UpdateUserSchema, UserTokenSchema, UUID_RE } from './schemas.js';
import { render, type StoredUser, type TealUserStore } from './store.js';

export interface TealRouteDeps {
  store: TealUserStore;
  origin(): string;
}

const DEFAULT_LIMIT = 20;
const MAX_LIMIT = 100;

/**
 * Teal's documented conflict example names the clashing values ("[name] and [email] must be a unique
 * combination"); the emulator says which fields clash, never their values, so no log line or error
 * built from this body can carry a person's name.
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

export function registerRoutes(router: SandboxRouter, { store, origin }: TealRouteDeps): void {
  // Create a user (https://docs.goteal.co): POST /users → 201 CreatedUser; 400 missing/invalid fields;
  // 409 same person again.
  router.route('POST', '/users', (request) => {
    const body = parse(CreateUserSchema, request.body, 'create');
    if (!body.ok) return reply(400, errors(...body.messages));
    if (store.findSamePerson(body.data)) return reply(409, errors(CONFLICT_MESSAGE));
    return reply(201, render(store.create(body.data)));
  });

  // Reference: GET /users?offset=&limit= → {pagination: {offset, limit, count, total_count}, users}.
  router.route('GET', '/users', (request) => {
    const paging = parsePaging(request.query);
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

  // Reference: POST /user-tokens {user_id} → 201 {token, webapp_link, created_at}.
  router.route('POST', '/user-tokens', (request) => {
    const body = parse(UserTokenSchema, request.body, 'create');
    if (!body.ok) return reply(400, errors(...body.messages));
    const user = store.get(body.data.user_id);
    if (!user) return reply(404, notFound(body.data.user_id));
    const { token, created_at } = store.issueToken(user);
    const webappLink = `${origin()}/webapp?token=${encodeURIComponent(token)}`;
    return reply(201, { token, webapp_link: webappLink, created_at });
  });
}

/**
 * `offset` (≥ 0, default 0) and `limit` (1–100, default 20), each at most once, and no other query
 * parameter: the paging of `GET /users` and `GET /webhooks`.
 */
export function parsePaging(
  params: URLSearchParams,
): { ok: true; offset: number; limit: number } | { ok: false; problems: string[] } {
  const problems: string[] = [];
  for (const key of new Set(params.keys())) {
    if (key !== 'offset' && key !== 'limit') problems.push(`The query parameter \`${key}\` is not supported`);
    else if (params.getAll(key).length > 1)
      problems.push(`The query parameter \`${key}\` must be given once`);
  }
  const offset = integerParam(params.get('offset'), 0, 0, Number.MAX_SAFE_INTEGER);
  const limit = integerParam(params.get('limit'), DEFAULT_LIMIT, 1, MAX_LIMIT);
  if (offset === undefined) problems.push('The query parameter `offset` must be an integer of 0 or more');
  if (limit === undefined)
    problems.push(`The query parameter \`limit\` must be an integer from 1 to ${MAX_LIMIT}`);
  if (problems.length > 0 || offset === undefined || limit === undefined) return { ok: false, problems };
  return { ok: true, offset, limit };
}

/** A query integer within [min, max]: the default when absent, `undefined` when invalid. */
function integerParam(raw: string | null, fallback: number, min: number, max: number): number | undefined {
  if (raw === null) return fallback;
  if (!/^\d{1,15}$/.test(raw)) return undefined;
  const value = Number(raw);
  return value >= min && value <= max ? value : undefined;
}

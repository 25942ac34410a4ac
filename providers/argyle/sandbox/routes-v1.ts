/**
 * Argyle legacy v1 users and user tokens (https://docs.argyle.com/legacy/api-reference/users,
 * https://docs.argyle.com/legacy/api-reference/user-tokens). Same account, so the same users as v2; the v1
 * user object is smaller and only `external_metadata` can be written.
 */
import type { SandboxRouter } from '../../../src/sandbox/index.js';
import { detail, parseBody, pathId, reply } from './http.js';
import { listPage } from './list.js';
import type { ArgyleRouteDeps } from './routes-v2.js';
import { userTokenBodySchema, v1UserBodySchema } from './schemas.js';
import { renderV1 } from './store.js';

const NOT_FOUND = detail('Not found.');

export function registerV1Routes(
  router: SandboxRouter,
  { store, tokens, origin, options }: ArgyleRouteDeps,
): void {
  const V1UserBodySchema = v1UserBodySchema(options.unknownFields);
  const UserTokenBodySchema = userTokenBodySchema(options.unknownFields);

  // Create a user (https://docs.argyle.com/legacy/api-reference/users#create): no payload required; optional
  // external_metadata → {token, id}.
  router.route('POST', '/v1/users', (request) => {
    const body = parseBody(V1UserBodySchema, request.body);
    if (!body.ok) return reply(400, body.errors);
    const user = store.create({});
    if (body.data.external_metadata !== undefined) store.setMetadata(user, body.data.external_metadata);
    return reply(200, { token: tokens.userToken(user.id), id: user.id });
  });

  // List users (https://docs.argyle.com/legacy/api-reference/users#list): prose says an object with `results`
  // (its example shows a bare array). By default the emulator answers the prose's shape with v2-style
  // cursors; the options `v1ListShape: 'bare-array'` and `v1PageCap` answer the example's shape and
  // cap the pages (v1 documents no maximum). Only `limit` is documented.
  router.route('GET', '/v1/users', (request) =>
    listPage(request, {
      path: '/v1/users',
      allowed: ['limit', 'cursor'],
      unknown: options.unknownFields,
      cap: options.v1PageCap,
      shape: options.v1ListShape,
      origin: origin(),
      items: () => store.list(),
      render: renderV1,
    }),
  );

  // https://docs.argyle.com/legacy/api-reference/users#retrieve: a user and their metadata.
  router.route('GET', '/v1/users/:id', (request) => {
    const id = pathId(request);
    const user = id ? store.get(id) : undefined;
    return user ? reply(200, renderV1(user)) : reply(404, NOT_FOUND);
  });

  // Update a user's metadata (https://docs.argyle.com/legacy/api-reference/users#update): only
  // external_metadata; returns the user object.
  router.route('PATCH', '/v1/users/:id', (request) => {
    const id = pathId(request);
    const user = id ? store.get(id) : undefined;
    if (!user) return reply(404, NOT_FOUND);
    const body = parseBody(V1UserBodySchema, request.body);
    if (!body.ok) return reply(400, body.errors);
    if (body.data.external_metadata !== undefined) store.setMetadata(user, body.data.external_metadata);
    return reply(200, renderV1(user));
  });

  // https://docs.argyle.com/legacy/api-reference/users#delete: 204 and an empty body.
  router.route('DELETE', '/v1/users/:id', (request) => {
    const id = pathId(request);
    return id && store.delete(id) ? reply(204) : reply(404, NOT_FOUND);
  });

  // https://docs.argyle.com/legacy/api-reference/user-tokens: {user} → {access, refresh}.
  router.route('POST', '/v1/user-tokens', (request) => {
    const body = parseBody(UserTokenBodySchema, request.body);
    if (!body.ok) return reply(400, body.errors);
    const user = store.get(body.data.user);
    if (!user) return reply(404, NOT_FOUND);
    return reply(200, { access: tokens.userToken(user.id), refresh: tokens.refreshToken(user.id) });
  });
}

/**
 * Argyle API v2 users and user tokens (https://docs.argyle.com/api-reference/users,
 * https://docs.argyle.com/api-reference/user-tokens).
 */
import type { SandboxRouter } from '../../../src/sandbox/index.js';
import { detail, parseBody, pathId, reply } from './http.js';
import { listPage } from './list.js';
import type { ArgyleOptions } from './options.js';
import { userTokenBodySchema, v2UserBodySchema } from './schemas.js';
import { type ArgyleUserStore, renderV2 } from './store.js';
import type { TokenMinter } from './tokens.js';

export interface ArgyleRouteDeps {
  store: ArgyleUserStore;
  tokens: TokenMinter;
  origin(): string;
  options: ArgyleOptions;
}

const NOT_FOUND = detail('Not found.');

export function registerV2Routes(
  router: SandboxRouter,
  { store, tokens, origin, options }: ArgyleRouteDeps,
): void {
  const V2UserBodySchema = v2UserBodySchema(options.unknownFields);
  const UserTokenBodySchema = userTokenBodySchema(options.unknownFields);

  // https://docs.argyle.com/api-reference/users#create: POST /v2/users → 200 {user_token, id}; 400 field map
  // for an invalid email / phone.
  router.route('POST', '/v2/users', (request) => {
    const body = parseBody(V2UserBodySchema, request.body);
    if (!body.ok) return reply(400, body.errors);
    const user = store.create(body.data);
    return reply(200, { user_token: tokens.userToken(user.id), id: user.id });
  });

  // https://docs.argyle.com/api-reference/users#list: GET /v2/users?limit=&external_id=&cursor=
  // → {next, previous, results}.
  router.route('GET', '/v2/users', (request) =>
    listPage(request, {
      path: '/v2/users',
      allowed: ['limit', 'external_id', 'cursor'],
      unknown: options.unknownFields,
      origin: origin(),
      items: (params) => store.list(params.get('external_id') ?? undefined),
      render: renderV2,
    }),
  );

  // https://docs.argyle.com/api-reference/users#retrieve: GET /v2/users/{id} → User.
  router.route('GET', '/v2/users/:id', (request) => {
    const id = pathId(request);
    const user = id ? store.get(id) : undefined;
    return user ? reply(200, renderV2(user)) : reply(404, NOT_FOUND);
  });

  // https://docs.argyle.com/api-reference/users#update: PATCH /v2/users/{id} → User. Unknown id first (404),
  // then the body (400), as DRF does. An object sent (`address`, `birth_date`) replaces the stored one.
  router.route('PATCH', '/v2/users/:id', (request) => {
    const id = pathId(request);
    const user = id ? store.get(id) : undefined;
    if (!user) return reply(404, NOT_FOUND);
    const body = parseBody(V2UserBodySchema, request.body);
    if (!body.ok) return reply(400, body.errors);
    store.apply(user, body.data);
    return reply(200, renderV2(user));
  });

  // https://docs.argyle.com/api-reference/users#delete: DELETE /v2/users/{id} → 204, no content.
  router.route('DELETE', '/v2/users/:id', (request) => {
    const id = pathId(request);
    return id && store.delete(id) ? reply(204) : reply(404, NOT_FOUND);
  });

  // https://docs.argyle.com/api-reference/user-tokens: POST /v2/user-tokens {user} → 200 {user_token}.
  // An unknown user is undocumented: 404 {"detail": "Not found."}, as for an unknown id in a path.
  router.route('POST', '/v2/user-tokens', (request) => {
    const body = parseBody(UserTokenBodySchema, request.body);
    if (!body.ok) return reply(400, body.errors);
    const user = store.get(body.data.user);
    if (!user) return reply(404, NOT_FOUND);
    return reply(200, { user_token: tokens.userToken(user.id) });
  });
}

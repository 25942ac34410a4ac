/** Argyle API v2 users and user tokens (seeds 000, 001, 003; reference "user tokens"). */
import type { FastifyInstance } from 'fastify';
import { detail, parseBody, pathId } from './http.js';
import { listPage } from './list.js';
import { UserTokenBodySchema, V2UserBodySchema } from './schemas.js';
import { type ArgyleUserStore, renderV2 } from './store.js';
import type { TokenMinter } from './tokens.js';

export interface ArgyleRouteDeps {
  store: ArgyleUserStore;
  tokens: TokenMinter;
  origin(): string;
}

const NOT_FOUND = detail('Not found.');

export function registerV2Routes(app: FastifyInstance, { store, tokens, origin }: ArgyleRouteDeps): void {
  // Seed 000: POST /v2/users → 200 {user_token, id}; 400 field map for an invalid email / phone.
  app.post('/v2/users', async (request, reply) => {
    const body = parseBody(V2UserBodySchema, request.body);
    if (!body.ok) return reply.code(400).send(body.errors);
    const user = store.create(body.data);
    return reply.code(200).send({ user_token: tokens.userToken(user.id), id: user.id });
  });

  // Seed 001: GET /v2/users?limit=&external_id=&cursor= → {next, previous, results}.
  app.get('/v2/users', async (request, reply) => {
    const answer = listPage(request, {
      path: '/v2/users',
      allowed: ['limit', 'external_id', 'cursor'],
      origin: origin(),
      users: (params) => store.list(params.get('external_id') ?? undefined),
      render: renderV2,
    });
    return reply.code(answer.status).send(answer.body);
  });

  // Seed 001: GET /v2/users/{id} → User.
  app.get('/v2/users/:id', async (request, reply) => {
    const id = pathId(request);
    const user = id ? store.get(id) : undefined;
    return user ? reply.send(renderV2(user)) : reply.code(404).send(NOT_FOUND);
  });

  // Seed 003: PATCH /v2/users/{id} → User. Unknown id first (404), then the body (400), as DRF does.
  app.patch('/v2/users/:id', async (request, reply) => {
    const id = pathId(request);
    const user = id ? store.get(id) : undefined;
    if (!user) return reply.code(404).send(NOT_FOUND);
    const body = parseBody(V2UserBodySchema, request.body);
    if (!body.ok) return reply.code(400).send(body.errors);
    store.apply(user, body.data);
    return reply.send(renderV2(user));
  });

  // Seed 001: DELETE /v2/users/{id} → 204, no content.
  app.delete('/v2/users/:id', async (request, reply) => {
    const id = pathId(request);
    return id && store.delete(id) ? reply.code(204).send() : reply.code(404).send(NOT_FOUND);
  });

  // Reference "user tokens": POST /v2/user-tokens {user} → 200 {user_token}.
  app.post('/v2/user-tokens', async (request, reply) => {
    const body = parseBody(UserTokenBodySchema, request.body);
    if (!body.ok) return reply.code(400).send(body.errors);
    const user = store.get(body.data.user);
    if (!user) return reply.code(404).send(NOT_FOUND);
    return reply.code(200).send({ user_token: tokens.userToken(user.id) });
  });
}

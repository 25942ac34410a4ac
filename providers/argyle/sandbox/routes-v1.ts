/**
 * Argyle legacy v1 users and user tokens (seed 002). Same account, so the same users as v2; the v1
 * user object is smaller and only `external_metadata` can be written.
 */
import type { FastifyInstance } from 'fastify';
import { detail, parseBody, pathId } from './http.js';
import { listPage } from './list.js';
import type { ArgyleRouteDeps } from './routes-v2.js';
import { UserTokenBodySchema, V1UserBodySchema } from './schemas.js';
import { renderV1 } from './store.js';

const NOT_FOUND = detail('Not found.');

export function registerV1Routes(app: FastifyInstance, { store, tokens, origin }: ArgyleRouteDeps): void {
  // Seed 002 "Create a user": no payload required; optional external_metadata → {token, id}.
  app.post('/v1/users', async (request, reply) => {
    const body = parseBody(V1UserBodySchema, request.body);
    if (!body.ok) return reply.code(400).send(body.errors);
    const user = store.create({});
    if (body.data.external_metadata !== undefined) store.setMetadata(user, body.data.external_metadata);
    return reply.code(200).send({ token: tokens.userToken(user.id), id: user.id });
  });

  // Seed 002 "List users": prose says an object with `results` (its example shows a bare array);
  // the emulator answers the prose's shape with v2-style cursors. Only `limit` is documented.
  app.get('/v1/users', async (request, reply) => {
    const answer = listPage(request, {
      path: '/v1/users',
      allowed: ['limit', 'cursor'],
      origin: origin(),
      users: () => store.list(),
      render: renderV1,
    });
    return reply.code(answer.status).send(answer.body);
  });

  // Seed 002 "Retrieve a user and their metadata".
  app.get('/v1/users/:id', async (request, reply) => {
    const id = pathId(request);
    const user = id ? store.get(id) : undefined;
    return user ? reply.send(renderV1(user)) : reply.code(404).send(NOT_FOUND);
  });

  // Seed 002 "Update a user's metadata": only external_metadata; returns the user object.
  app.patch('/v1/users/:id', async (request, reply) => {
    const id = pathId(request);
    const user = id ? store.get(id) : undefined;
    if (!user) return reply.code(404).send(NOT_FOUND);
    const body = parseBody(V1UserBodySchema, request.body);
    if (!body.ok) return reply.code(400).send(body.errors);
    if (body.data.external_metadata !== undefined) store.setMetadata(user, body.data.external_metadata);
    return reply.send(renderV1(user));
  });

  // Seed 002 "Delete a user": 204 and an empty body.
  app.delete('/v1/users/:id', async (request, reply) => {
    const id = pathId(request);
    return id && store.delete(id) ? reply.code(204).send() : reply.code(404).send(NOT_FOUND);
  });

  // Seed 002 "Create a user token": {user} → {access, refresh}.
  app.post('/v1/user-tokens', async (request, reply) => {
    const body = parseBody(UserTokenBodySchema, request.body);
    if (!body.ok) return reply.code(400).send(body.errors);
    const user = store.get(body.data.user);
    if (!user) return reply.code(404).send(NOT_FOUND);
    return reply.code(200).send({ access: tokens.userToken(user.id), refresh: tokens.refreshToken(user.id) });
  });
}

/**
 * The Acme Pay emulator for `startSandbox({ extraEmulators: [acmePayEmulator] })`: a stateful local
 * fake of the Acme Pay API document (README.md), written from the document, not from the adapter.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { SandboxEmulator } from 'payroll-identity/sandbox';

interface StoredUser {
  id: string;
  given_name: string;
  family_name: string;
  email: string | null;
  external_ref: string | null;
  created_at: string;
}

type Body = Record<string, unknown>;
const FIELDS = ['given_name', 'family_name', 'email', 'external_ref'] as const;

const error = (message: string, fields?: Record<string, string[]>) => ({
  error: fields ? { message, fields } : { message },
});

/** The document's rules for a user body; `create` also requires the names. */
function problems(body: unknown, create: boolean): Record<string, string[]> | string | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return 'Body must be a JSON object';
  const unknown = Object.keys(body).filter((k) => !(FIELDS as readonly string[]).includes(k));
  if (unknown.length > 0) return `Unknown fields: ${unknown.join(', ')}`;
  const found: Record<string, string[]> = {};
  for (const field of FIELDS) {
    const value = (body as Body)[field];
    if (value === undefined) {
      if (create && (field === 'given_name' || field === 'family_name'))
        found[field] = ['This field is required.'];
    } else if (typeof value !== 'string' || value.trim() === '')
      found[field] = ['Must be a non-empty string.'];
    else if (field === 'email' && !value.includes('@')) found[field] = ['Enter a valid email address.'];
    else if (field === 'external_ref' && value.length > 100) found[field] = ['At most 100 characters.'];
  }
  return Object.keys(found).length > 0 ? found : undefined;
}

export const acmePayEmulator: SandboxEmulator<{ apiKey: string }, never> = {
  name: 'acmepay',

  createCredentials: () => ({
    credentials: { apiKey: `acme-sandbox-${randomBytes(16).toString('hex')}` },
    alternativeCredentials: [],
  }),

  errorBody: (_status, message) => error(message),

  register(app, context) {
    const users = new Map<string, StoredUser>();
    const sessions = new Set<string>();

    app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
      if (request.routeOptions.url === undefined) return;
      if (request.headers['x-acme-key'] !== context.credentials.apiKey) {
        return reply.code(401).send(error('Invalid API key'));
      }
    });

    const find = (request: FastifyRequest<{ Params: { id: string } }>) => users.get(request.params.id);
    const notFound = (reply: FastifyReply) => reply.code(404).send(error('User not found'));

    app.post('/users', async (request, reply) => {
      const problem = problems(request.body, true);
      if (problem !== undefined) {
        return reply
          .code(400)
          .send(typeof problem === 'string' ? error(problem) : error('Invalid user', problem));
      }
      const body = request.body as Body;
      const user: StoredUser = {
        id: randomUUID(),
        given_name: body.given_name as string,
        family_name: body.family_name as string,
        email: (body.email as string | undefined) ?? null,
        external_ref: (body.external_ref as string | undefined) ?? null,
        created_at: new Date().toISOString(),
      };
      users.set(user.id, user);
      return reply.code(201).send(user);
    });

    app.get<{ Params: { id: string } }>('/users/:id', async (request, reply) => {
      const user = find(request);
      return user ? reply.send(user) : notFound(reply);
    });

    app.patch<{ Params: { id: string } }>('/users/:id', async (request, reply) => {
      const user = find(request);
      if (!user) return notFound(reply);
      const problem = problems(request.body ?? {}, false);
      if (problem !== undefined) {
        return reply
          .code(400)
          .send(typeof problem === 'string' ? error(problem) : error('Invalid user', problem));
      }
      Object.assign(user, request.body);
      return reply.send(user);
    });

    app.delete<{ Params: { id: string } }>('/users/:id', async (request, reply) => {
      if (!users.delete(request.params.id)) return notFound(reply);
      return reply.code(204).send();
    });

    app.get<{ Querystring: { page_size?: string; page_token?: string; external_ref?: string } }>(
      '/users',
      async (request, reply) => {
        const size = request.query.page_size === undefined ? 20 : Number(request.query.page_size);
        if (!Number.isInteger(size) || size < 1 || size > 50) {
          return reply.code(400).send(error('page_size must be 1–50'));
        }
        const start = request.query.page_token === undefined ? 0 : Number(request.query.page_token);
        if (!Number.isInteger(start) || start < 0) return reply.code(400).send(error('Invalid page_token'));
        const matching = [...users.values()].filter(
          (u) => request.query.external_ref === undefined || u.external_ref === request.query.external_ref,
        );
        const page = matching.slice(start, start + size);
        const next = start + size < matching.length ? String(start + size) : null;
        return reply.send({ users: page, next_page_token: next });
      },
    );

    app.post<{ Params: { id: string } }>('/users/:id/sessions', async (request, reply) => {
      if (!find(request)) return notFound(reply);
      const token = `acme-session-${randomBytes(24).toString('hex')}`;
      sessions.add(token);
      return reply.code(201).send({
        session_token: token,
        expires_at: new Date(Date.now() + 15 * 60_000).toISOString(),
      });
    });

    return {
      userCount: () => users.size,
      reset: () => {
        users.clear();
        sessions.clear();
      },
    };
  },
};

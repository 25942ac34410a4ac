/**
 * A Fastify service that registers applicants with whichever payroll provider their tenant uses.
 *
 * The tenant is picked per request (here from the `X-Tenant-Id` header; in a real service it would
 * come from the caller's authentication). The routes never name a provider: moving a tenant from
 * Argyle to Teal is a change to the tenant configuration, not to this file.
 */
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import {
  type CallOptions,
  type CreateUserInput,
  type ErrorCode,
  InvalidInputError,
  OutcomeUnknownError,
  type PayrollIdentity,
  PayrollIdentityError,
  RateLimitedError,
  type UpdateUserInput,
  type UserService,
} from 'payroll-identity';

export interface AppOptions {
  /** Where the tenant of a request comes from; default: the `X-Tenant-Id` header. */
  tenantOf?: (request: FastifyRequest) => string | undefined;
}

/**
 * What each library error means to *our* callers. Credentials the provider refuses, or a provider that
 * is down, are our problem (5xx), not the caller's (4xx).
 */
const STATUS_BY_CODE: Record<ErrorCode, number> = {
  invalid_input: 400,
  unknown_tenant: 404,
  not_found: 404,
  conflict: 409,
  rate_limited: 429,
  unsupported_operation: 501,
  authentication_failed: 502,
  unexpected_response: 502,
  outcome_unknown: 502,
  provider_unavailable: 503,
  network_error: 503,
  timeout: 504,
  aborted: 499,
  invalid_configuration: 500,
  // A webhook delivery that fails verification: the sender's problem.
  invalid_webhook: 400,
};

function headerTenant(request: FastifyRequest): string | undefined {
  const value = request.headers['x-tenant-id'];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * Ends the library call when the HTTP client goes away: no point in waiting for a provider on behalf
 * of nobody (the library never replays a create, so cancelling one is safe).
 */
function callOptions(reply: FastifyReply): CallOptions {
  const controller = new AbortController();
  reply.raw.once('close', () => {
    if (!reply.raw.writableFinished) controller.abort();
  });
  return { signal: controller.signal };
}

export function buildApp(identity: PayrollIdentity, options: AppOptions = {}): FastifyInstance {
  const tenantOf = options.tenantOf ?? headerTenant;
  const app = Fastify({ logger: false });

  /** The tenant's `UserService`; `forTenant` is cached, so calling it per request costs a map lookup. */
  function usersFor(request: FastifyRequest): UserService {
    const tenant = tenantOf(request);
    if (tenant === undefined) throw new MissingTenantError();
    return identity.forTenant(tenant);
  }

  app.post('/applicants', async (request, reply) => {
    // The body goes to the library as is: it validates it (zod) before any request leaves, and
    // answers invalid_input with field errors under neutral names.
    const input = request.body as CreateUserInput;
    const created = await usersFor(request).createUser(input, callOptions(reply));
    return reply.code(201).send(created);
  });

  app.get<{ Querystring: { externalId?: string } }>('/applicants', async (request, reply) => {
    const users = usersFor(request);
    const found = [];
    const filter = request.query.externalId !== undefined ? { externalId: request.query.externalId } : {};
    // listUsers pages through the provider as we iterate; stop early to bound the answer.
    for await (const user of users.listUsers(filter, callOptions(reply))) {
      found.push(user);
      if (found.length === 100) break;
    }
    return { users: found };
  });

  app.get<{ Params: { id: string } }>('/applicants/:id', async (request, reply) =>
    usersFor(request).getUser(request.params.id, callOptions(reply)),
  );

  app.patch<{ Params: { id: string } }>('/applicants/:id', async (request, reply) =>
    usersFor(request).updateUser(request.params.id, request.body as UpdateUserInput, callOptions(reply)),
  );

  app.delete<{ Params: { id: string } }>('/applicants/:id', async (request, reply) => {
    await usersFor(request).deleteUser(request.params.id, callOptions(reply));
    return reply.code(204).send();
  });

  app.post<{ Params: { id: string } }>('/applicants/:id/link-token', async (request, reply) => {
    const token = await usersFor(request).createLinkToken(request.params.id, callOptions(reply));
    return reply.code(201).send(token);
  });

  app.setErrorHandler((error, _request, reply) => {
    if (error instanceof MissingTenantError) {
      return reply.code(400).send({ code: 'missing_tenant', message: error.message });
    }
    if (error instanceof PayrollIdentityError) {
      // The library's messages and field errors are already free of credentials and personal data.
      const body: Record<string, unknown> = { code: error.code, message: error.message };
      if (error instanceof InvalidInputError) body.fieldErrors = error.fieldErrors;
      if (error instanceof RateLimitedError && error.retryAfterMs !== undefined) {
        reply.header('retry-after', String(Math.ceil(error.retryAfterMs / 1000)));
      }
      if (error instanceof OutcomeUnknownError) body.reconciliation = error.reconciliation;
      return reply.code(STATUS_BY_CODE[error.code]).send(body);
    }
    // Fastify's own errors (a malformed JSON body, …) carry their status.
    const status = (error as { statusCode?: number }).statusCode;
    if (status !== undefined && status >= 400 && status < 500) {
      return reply.code(status).send({ code: 'bad_request', message: 'The request could not be read' });
    }
    // Anything else is a bug: never echo its message, it could quote anything.
    return reply.code(500).send({ code: 'internal_error', message: 'Internal error' });
  });

  return app;
}

class MissingTenantError extends Error {
  constructor() {
    super('Name the tenant in the X-Tenant-Id header');
    this.name = 'MissingTenantError';
  }
}

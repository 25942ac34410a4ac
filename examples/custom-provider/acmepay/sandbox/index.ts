/**
 * The Acme Pay emulator for `startSandbox({ extraEmulators: [acmePayEmulator] })` (and for
 * `payroll-identity sandbox|demo --provider-module`, through the provider's `sandbox` loader): a
 * stateful local fake of the Acme Pay API document (README.md), written from the document, not from
 * the adapter.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { SandboxEmulator, SandboxReply, SandboxRequestHead } from 'payroll-identity/sandbox';
import { acmePayDemo } from './demo.js';

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

  // What `payroll-identity sandbox` prints and `payroll-identity demo` runs, for this emulator too.
  describeCredentials: (credentials) => [{ label: 'apiKey', value: credentials.apiKey, alternative: false }],
  demo: acmePayDemo,

  register(router, context) {
    const users = new Map<string, StoredUser>();
    const sessions = new Set<string>();

    // Every route needs the key; unknown routes stay 404 without it.
    router.guard((request) =>
      request.headers['x-acme-key'] === context.credentials.apiKey
        ? undefined
        : { status: 401, body: error('Invalid API key') },
    );

    const find = (request: SandboxRequestHead) => users.get(request.params.id ?? '');
    const notFound: SandboxReply = { status: 404, body: error('User not found') };
    const invalid = (problem: Record<string, string[]> | string): SandboxReply => ({
      status: 400,
      body: typeof problem === 'string' ? error(problem) : error('Invalid user', problem),
    });

    router.route('POST', '/users', (request) => {
      const problem = problems(request.body, true);
      if (problem !== undefined) return invalid(problem);
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
      return { status: 201, body: user };
    });

    router.route('GET', '/users/:id', (request) => {
      const user = find(request);
      return user ? { status: 200, body: user } : notFound;
    });

    router.route('PATCH', '/users/:id', (request) => {
      const user = find(request);
      if (!user) return notFound;
      const problem = problems(request.body ?? {}, false);
      if (problem !== undefined) return invalid(problem);
      Object.assign(user, request.body);
      return { status: 200, body: user };
    });

    router.route('DELETE', '/users/:id', (request) =>
      users.delete(request.params.id ?? '') ? { status: 204 } : notFound,
    );

    router.route('GET', '/users', ({ query }) => {
      // A repeated parameter reads as its values joined, which is never a valid number.
      const param = (name: string) => (query.has(name) ? query.getAll(name).join(',') : null);
      const pageSize = param('page_size');
      const pageToken = param('page_token');
      const externalRef = param('external_ref');
      const size = pageSize === null ? 20 : Number(pageSize);
      if (!Number.isInteger(size) || size < 1 || size > 50) {
        return { status: 400, body: error('page_size must be 1–50') };
      }
      const start = pageToken === null ? 0 : Number(pageToken);
      if (!Number.isInteger(start) || start < 0) return { status: 400, body: error('Invalid page_token') };
      const matching = [...users.values()].filter(
        (u) => externalRef === null || u.external_ref === externalRef,
      );
      const page = matching.slice(start, start + size);
      const next = start + size < matching.length ? String(start + size) : null;
      return { status: 200, body: { users: page, next_page_token: next } };
    });

    router.route('POST', '/users/:id/sessions', (request) => {
      if (!find(request)) return notFound;
      const token = `acme-session-${randomBytes(24).toString('hex')}`;
      sessions.add(token);
      return {
        status: 201,
        body: { session_token: token, expires_at: new Date(Date.now() + 15 * 60_000).toISOString() },
      };
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

/**
 * A test-only provider ("fake"): enough of a provider declaration to test the core (configuration,
 * container, HTTP client, contract suite) without the real adapters. X-Fake-Key auth; users at
 * /users; no update, list or link tokens.
 */
import { z } from 'zod';
import { defineProvider, secretString, type User } from '../../src/provider/index.js';

const WireUser = z.object({ id: z.string(), email: z.string().nullable().optional() });
type WireUser = z.infer<typeof WireUser>;

/** The neutral user, at the provider the tenant names (a copy of this provider under another name maps to its own). */
const userMapper =
  (provider: string) =>
  (w: WireUser): User => ({ id: w.id, provider, ...(w.email ? { email: w.email } : {}) });

export const fakeProvider = defineProvider({
  name: 'fake',
  tenantShape: {
    credentials: z.strictObject({ key: secretString('key') }),
    region: z.enum(['eu', 'us']).optional(),
  },
  baseUrls: { sandbox: 'https://sandbox.fake.test', production: 'https://api.fake.test' },
  describeError: (_status, body) => {
    const messages = (body as { message?: unknown } | undefined)?.message;
    return { messages: typeof messages === 'string' ? [messages] : [] };
  },
  auth: (config) => ({
    headers: () => ({ 'X-Fake-Key': config.credentials.key }),
    secrets: () => [config.credentials.key],
  }),
  users: (config) => {
    const toUser = userMapper(config.provider);
    return {
      stored: { email: true },
      clearable: false,
      user: { schema: WireUser, id: (w: WireUser) => w.id, toUser },
      createUser: {
        method: 'POST',
        path: '/users',
        response: WireUser,
        body: (fields) => fields,
        result: (answer: WireUser) => ({ user: toUser(answer) }),
      },
      getUser: { method: 'GET', path: (id) => `/users/${id}` },
      deleteUser: { method: 'DELETE', path: (id) => `/users/${id}`, expectStatus: [204] },
      unsupported: {
        updateUser: 'the fake provider has no such endpoint',
        listUsers: 'the fake provider has no list endpoint',
        createLinkToken: 'the fake provider has no such endpoint',
      },
    };
  },
});

/** The fake provider's tenant configuration. */
export type FakeTenantConfig = Parameters<typeof fakeProvider.auth>[0];

/**
 * A test-only provider ("fake"): enough of a ProviderDefinition to test the core (configuration,
 * container, HTTP client, contract suite) without the real adapters. X-Fake-Key auth; users at /users.
 */
import { z } from 'zod';
import { checkUserId, selectFields, sensitiveValues, unsupportedOperation } from '../../src/adapter.js';
import { secretString } from '../../src/config/schema.js';
import { type BaseTenantConfig, defineProvider } from '../../src/provider/definition.js';
import { CreateUserInputSchema, type User } from '../../src/user.js';
import type { UserService } from '../../src/user-service.js';
import { parseInput } from '../../src/validation.js';

export interface FakeTenantConfig extends BaseTenantConfig {
  credentials: { key: string };
  region?: string;
}

const WireUser = z.object({ id: z.string(), email: z.string().nullable().optional() });

export const fakeProvider = defineProvider<FakeTenantConfig>({
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
  capabilities: () => ({
    operations: {
      createUser: true,
      getUser: true,
      updateUser: false,
      deleteUser: true,
      listUsers: false,
      createLinkToken: false,
    },
    createFields: ['email'],
    updateFields: [],
    requiredOnCreate: [],
    clearOnUpdate: false,
    linkTokenOnCreate: false,
    listFilters: [],
    maxPageSize: 1,
  }),
  auth: (config) => ({
    headers: () => ({ 'X-Fake-Key': config.credentials.key }),
    secrets: () => [config.credentials.key],
  }),
  createService: ({ tenant, config, http }): UserService => {
    const provider = http.provider;
    const ctx = (operation: 'createUser' | 'getUser' | 'deleteUser') => ({ provider, tenant, operation });
    const toUser = (w: z.infer<typeof WireUser>): User => ({
      id: w.id,
      provider,
      ...(w.email ? { email: w.email } : {}),
    });
    const unsupported = (operation: 'updateUser' | 'createLinkToken') => async (): Promise<never> => {
      throw unsupportedOperation({ provider, tenant, operation }, 'the fake provider has no such endpoint');
    };
    return {
      provider,
      tenant,
      capabilities: fakeProvider.capabilities(config),
      async createUser(input, options) {
        const valid = parseInput(CreateUserInputSchema, input, ctx('createUser'));
        const { fields, ignored } = selectFields(
          valid,
          (p) => p === 'email',
          config.unsupportedFields,
          ctx('createUser'),
        );
        const { data } = await http.request({
          operation: 'createUser',
          method: 'POST',
          path: '/users',
          body: fields,
          response: WireUser,
          sensitive: sensitiveValues(valid),
          options,
        });
        return { user: toUser(data), ignoredFields: ignored };
      },
      async getUser(userId, options) {
        const id = checkUserId(userId, ctx('getUser'));
        const { data } = await http.request({
          operation: 'getUser',
          method: 'GET',
          path: `/users/${id}`,
          response: WireUser,
          options,
        });
        return toUser(data);
      },
      async deleteUser(userId, options) {
        const id = checkUserId(userId, ctx('deleteUser'));
        await http.request({
          operation: 'deleteUser',
          method: 'DELETE',
          path: `/users/${id}`,
          expectStatus: [204],
          options,
        });
      },
      updateUser: unsupported('updateUser'),
      createLinkToken: unsupported('createLinkToken'),
      // biome-ignore lint/correctness/useYield: an unsupported listing fails on first iteration
      async *listUsers() {
        throw unsupportedOperation(
          { provider, tenant, operation: 'listUsers' },
          'the fake provider has no list endpoint',
        );
      },
    };
  },
});

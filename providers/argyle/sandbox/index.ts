/**
 * The Argyle emulator: a stateful local fake of Argyle's documented user API (v2 and legacy v1),
 * written from the documents independently of the adapter in `providers/argyle/`, so the adapter
 * can be tested against a second reading. Routes sit at the root: `/v2/...` and `/v1/...`, webhook
 * subscriptions at `/v2/webhooks`.
 */

import { randomSecret, type SandboxEmulator } from '../../../src/sandbox/index.js';
import { demo } from './demo.js';
import { type ArgyleCredentials, checkBasicAuth, detail } from './http.js';
import { type ArgyleOptions, parseArgyleOptions } from './options.js';
import { registerV1Routes } from './routes-v1.js';
import { registerV2Routes } from './routes-v2.js';
import { ArgyleUserStore } from './store.js';
import { TokenMinter } from './tokens.js';
import { ArgyleWebhookStore, argyleWebhooks, registerWebhookRoutes } from './webhooks.js';

export type { ArgyleCredentials } from './http.js';

export const emulator: SandboxEmulator<ArgyleCredentials, never, ArgyleOptions> = {
  name: 'argyle',

  // `unknownFields`, `v1ListShape`, `v1PageCap` (options.ts); the defaults follow Argyle's documents.
  parseOptions: parseArgyleOptions,

  createCredentials: () => ({
    credentials: {
      apiKeyId: randomSecret('sandbox-key-id'),
      apiKeySecret: randomSecret('sandbox-key-secret'),
    },
    alternativeCredentials: [],
  }),

  errorBody: (_status, message) => detail(message),

  describeCredentials: (credentials) => [
    { label: 'apiKeyId', value: credentials.apiKeyId, alternative: false },
    { label: 'apiKeySecret', value: credentials.apiKeySecret, alternative: false },
  ],

  demo,

  register(router, context) {
    const store = new ArgyleUserStore();
    const tokens = new TokenMinter();
    // Authentication comes before validation and lookups; unknown routes stay 404 without it.
    router.guard((request) => checkBasicAuth(request, context.credentials));
    const { options } = context;
    const deps = { store, tokens, origin: context.origin, options };
    registerV2Routes(router, deps);
    registerV1Routes(router, deps);
    const webhooks = new ArgyleWebhookStore();
    registerWebhookRoutes(router, { webhooks, origin: context.origin, unknown: options.unknownFields });
    return {
      userCount: () => store.count(),
      // Tokens are stateless JWTs: forgetting the users and the subscriptions is the whole reset.
      reset: () => {
        store.clear();
        webhooks.clear();
      },
      webhooks: argyleWebhooks(store, webhooks),
    };
  },
};

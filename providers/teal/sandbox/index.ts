/**
 * The Teal emulator: a stateful local fake of Teal's documented user API, written from the
 * documents independently of the adapter in `providers/teal/`. Routes sit at the root
 * (`/users`, `/users/{user_id}`, `/user-tokens`, `/webhooks`), as in Teal's API reference.
 */

import { randomSecret, type SandboxEmulator, type SandboxRequestHead } from '../../../src/sandbox/index.js';
import { demo } from './demo.js';
import { parseTealOptions, type TealOptions } from './options.js';
import { registerRoutes } from './routes.js';
import { TealUserStore } from './store.js';
import { registerWebhookRoutes, TealWebhookStore, tealWebhooks } from './webhooks.js';

/** The tenant `credentials` the emulator accepts: an API key… */
export interface TealApiKeyCredentials {
  apiKey: string;
}
/** …or a member's bearer token (what `/members/signin` would hand out). */
export interface TealBearerCredentials {
  bearerToken: string;
}

/** Teal's `Unauthorized` (https://docs.goteal.co) types `errors` as a string, unlike other error bodies. */
const UNAUTHORIZED = { errors: 'No X-API-KEY header provided or wrong value' };

/**
 * Teal's documented `security` (https://docs.goteal.co): `ApiKeyAuth` (X-API-KEY) or `MemberBearerAuth`.
 * Every credential sent must be right: a wrong API key is refused even beside a valid bearer token.
 */
function authorized(request: SandboxRequestHead, apiKey: string, bearerToken: string): boolean {
  const key = request.headers['x-api-key'];
  const authorization = request.headers.authorization;
  if (key === undefined && authorization === undefined) return false;
  if (key !== undefined && key !== apiKey) return false;
  if (authorization !== undefined && authorization !== `Bearer ${bearerToken}`) return false;
  return true;
}

export const emulator: SandboxEmulator<TealApiKeyCredentials, TealBearerCredentials, TealOptions> = {
  name: 'teal',

  // `duplicateRule` and `unknownFields` (options.ts); the defaults follow Teal's documents.
  parseOptions: parseTealOptions,

  createCredentials: () => ({
    credentials: { apiKey: randomSecret('sandbox-key') },
    alternativeCredentials: [{ bearerToken: randomSecret('sandbox-member-token') }],
  }),

  errorBody: (_status, message) => ({ errors: [message] }),

  // The API key is the tenant's credential; the member bearer token may replace it (`{ bearerToken }`).
  describeCredentials: (credentials, alternatives) => [
    { label: 'apiKey', value: credentials.apiKey, alternative: false },
    ...alternatives.map((bearer) => ({ label: 'bearerToken', value: bearer.bearerToken, alternative: true })),
  ],

  demo,

  register(router, context) {
    const store = new TealUserStore();
    const apiKey = context.credentials.apiKey;
    const bearerToken = context.alternativeCredentials[0]?.bearerToken ?? randomSecret('unused');
    // Authentication first; unknown routes stay 404 without it.
    router.guard((request) =>
      authorized(request, apiKey, bearerToken) ? undefined : { status: 401, body: UNAUTHORIZED },
    );
    registerRoutes(router, { store, origin: context.origin, options: context.options });
    const webhooks = new TealWebhookStore();
    registerWebhookRoutes(router, webhooks, context.options.unknownFields);
    return {
      userCount: () => store.count(),
      reset: () => {
        store.clear();
        webhooks.clear();
      },
      webhooks: tealWebhooks(store, webhooks),
    };
  },
};

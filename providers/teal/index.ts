/**
 * Teal (UK Payroll API): one provider definition for the core, plus its public types.
 * Docs: Teal's API reference (https://docs.goteal.co); mapping and choices in docs/providers/teal.md.
 */
import { defineProvider } from '../../src/provider/index.js';
import { tealAuth } from './auth.js';
import { tealTenantShape } from './config.js';
import { describeTealError } from './errors.js';
import { TEAL } from './mappers.js';
import { tealUsers } from './users.js';
import { tealWebhooks } from './webhooks.js';

export const tealProvider = defineProvider({
  name: TEAL,
  docsUrl: 'https://docs.goteal.co',
  tenantShape: tealTenantShape,
  // Teal's documented `servers`; no `/v1`: the API reference and its examples do not use it.
  baseUrls: { sandbox: 'https://api.sandbox.goteal.co', production: 'https://api.goteal.co' },
  describeError: describeTealError,
  auth: (config) => tealAuth(config.credentials),
  users: tealUsers,
  // Signed (and optionally encrypted) deliveries, the subscription API: webhooks.ts, docs/providers/teal.md.
  webhooks: () => tealWebhooks,
  // The local emulator (`payroll-identity/sandbox`), loaded only when a sandbox starts.
  sandbox: () => import('./sandbox/index.js').then((m) => m.emulator),
});

export type { TealCredentials, TealTenantConfig } from './config.js';
export type { TealProviderOptions, TealProviderOptionsPatch } from './options.js';
export { TEAL_WEBHOOK_EVENTS } from './webhooks.js';

/**
 * The Argyle provider: API v2 by default, the legacy v1 API for tenants with `apiVersion: 'v1'`.
 * Mapping, endpoints and the choices made where the documents are silent: docs/providers/argyle.md.
 */
import { defineProvider } from '../../src/provider/index.js';
import { argyleAuth } from './auth.js';
import { ARGYLE_BASE_URLS, argyleBaseUrlOverride, argyleTenantShape } from './config.js';
import { describeArgyleError } from './errors.js';
import { argyleUsers } from './users.js';
import { argyleWebhooks } from './webhooks.js';

export const argyleProvider = defineProvider({
  name: 'argyle',
  docsUrl: 'https://docs.argyle.com/api-reference/users',
  tenantShape: argyleTenantShape,
  baseUrls: ARGYLE_BASE_URLS,
  // A base URL copied from Argyle's docs (`…/v2`) is accepted: config.ts.
  baseUrlOverride: argyleBaseUrlOverride,
  describeError: describeArgyleError,
  auth: (config) => argyleAuth(config.credentials),
  users: argyleUsers,
  // Signed deliveries and the subscription API: webhooks.ts, docs/providers/argyle.md ("Webhooks").
  webhooks: argyleWebhooks,
  // The local emulator (`payroll-identity/sandbox`), loaded only when a sandbox starts.
  sandbox: () => import('./sandbox/index.js').then((m) => m.emulator),
});

export {
  ARGYLE_BASE_URLS,
  type ArgyleApiVersion,
  type ArgyleCredentials,
  type ArgyleProviderOptions,
  ArgyleProviderOptionsSchema,
  type ArgyleTenantConfig,
  type OpenBanking,
} from './config.js';
export { describeArgyleError } from './errors.js';
export { ARGYLE_WEBHOOK_EVENTS } from './webhooks.js';

/**
 * The Argyle provider: API v2 by default, the legacy v1 API for tenants with `apiVersion: 'v1'`.
 * Mapping, endpoints and the choices made where the documents are silent: docs/providers/argyle.md.
 */
import { defineProvider } from '../../src/provider/definition.js';
import { argyleAuth } from './auth.js';
import { argyleCapabilities } from './capabilities.js';
import {
  ARGYLE_BASE_URLS,
  type ArgyleTenantConfig,
  argyleBaseUrlOverride,
  argyleTenantShape,
} from './config.js';
import { describeArgyleError } from './errors.js';
import { createArgyleV1Service } from './service-v1.js';
import { createArgyleV2Service } from './service-v2.js';

export const argyleProvider = defineProvider<ArgyleTenantConfig>({
  name: 'argyle',
  docsUrl: 'https://docs.argyle.com/api-reference/users',
  tenantShape: argyleTenantShape,
  baseUrls: ARGYLE_BASE_URLS,
  // A base URL copied from Argyle's docs (`…/v2`) is accepted: config.ts.
  baseUrlOverride: argyleBaseUrlOverride,
  describeError: describeArgyleError,
  capabilities: (config) => argyleCapabilities(config.apiVersion),
  auth: (config) => argyleAuth(config.credentials),
  createService: (context) =>
    context.config.apiVersion === 'v1' ? createArgyleV1Service(context) : createArgyleV2Service(context),
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

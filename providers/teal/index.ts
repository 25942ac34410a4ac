/**
 * Teal (UK Payroll API): one provider definition for the core, plus its public types.
 * Docs: Teal's API reference (https://docs.goteal.co); mapping and choices in docs/providers/teal.md.
 */
import { defineProvider } from '../../src/provider/definition.js';
import { tealAuth } from './auth.js';
import { tealCapabilities } from './capabilities.js';
import { type TealTenantConfig, tealTenantShape } from './config.js';
import { describeTealError } from './errors.js';
import { TEAL } from './mappers.js';
import { TealUserService } from './service.js';

export const tealProvider = defineProvider<TealTenantConfig>({
  name: TEAL,
  docsUrl: 'https://docs.goteal.co',
  tenantShape: tealTenantShape,
  // Teal's documented `servers`; no `/v1`: the API reference and its examples do not use it.
  baseUrls: { sandbox: 'https://api.sandbox.goteal.co', production: 'https://api.goteal.co' },
  describeError: describeTealError,
  capabilities: tealCapabilities,
  auth: (config) => tealAuth(config.credentials),
  createService: (context) => new TealUserService(context),
  // The local emulator (`payroll-identity/sandbox`), loaded only when a sandbox starts.
  sandbox: () => import('./sandbox/index.js').then((m) => m.emulator),
});

export type { TealCredentials, TealTenantConfig } from './config.js';
export type { TealProviderOptions, TealProviderOptionsPatch } from './options.js';
export { TealUserService } from './service.js';

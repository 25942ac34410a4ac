/**
 * The Acme Pay provider: the one thing the library needs from this folder. Register it with
 * `createPayrollIdentity({ providers: [acmePayProvider], tenants })`, or, inside the library, with one
 * line in `src/providers.ts`.
 */
import { defineProvider } from 'payroll-identity';
import { acmePayAuth } from './auth.js';
import { acmePayCapabilities } from './capabilities.js';
import { ACME_PAY_BASE_URLS, type AcmePayTenantConfig, acmePayTenantShape } from './config.js';
import { describeAcmePayError } from './errors.js';
import { ACME_PAY } from './mappers.js';
import { AcmePayUserService } from './service.js';

export const acmePayProvider = defineProvider<AcmePayTenantConfig>({
  name: ACME_PAY,
  docsUrl: 'https://docs.acmepay.example/users',
  tenantShape: acmePayTenantShape,
  baseUrls: ACME_PAY_BASE_URLS,
  describeError: describeAcmePayError,
  capabilities: acmePayCapabilities,
  auth: (config) => acmePayAuth(config.credentials),
  createService: (context) => new AcmePayUserService(context),
  // Loaded only when a sandbox starts, so the adapter never loads the emulator.
  sandbox: () => import('./sandbox/index.js').then((m) => m.acmePayEmulator),
});

/**
 * The Acme Pay provider: the one thing the library needs from this folder. Register it with
 * `createPayrollIdentity({ providers: [acmePayProvider], tenants })`, or, inside the library, with one
 * line in `src/providers.ts`.
 */
import { defineProvider } from 'payroll-identity/provider';
import { acmePayAuth } from './auth.js';
import { ACME_PAY_BASE_URLS, acmePayTenantShape } from './config.js';
import { describeAcmePayError } from './errors.js';
import { ACME_PAY } from './mappers.js';
import { acmePayUsers } from './users.js';

export const acmePayProvider = defineProvider({
  name: ACME_PAY,
  docsUrl: 'https://docs.acmepay.example/users',
  tenantShape: acmePayTenantShape,
  baseUrls: ACME_PAY_BASE_URLS,
  describeError: describeAcmePayError,
  auth: (config) => acmePayAuth(config.credentials),
  users: () => acmePayUsers,
  // Loaded only when a sandbox starts, so the adapter never loads the emulator.
  sandbox: () => import('./sandbox/index.js').then((m) => m.acmePayEmulator),
});

/** The name `payroll-identity --provider-module` looks for. */
export { acmePayProvider as provider };

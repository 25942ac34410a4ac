/** Acme Pay API document, "Auth": every request carries `X-Acme-Key`. */
import type { AuthStrategy } from 'payroll-identity/provider';
import type { AcmePayTenantConfig } from './config.js';

export function acmePayAuth(credentials: AcmePayTenantConfig['credentials']): AuthStrategy {
  return {
    headers: () => ({ 'X-Acme-Key': credentials.apiKey.reveal() }),
    secrets: () => [credentials.apiKey.reveal()],
  };
}

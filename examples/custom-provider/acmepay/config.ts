/** Acme Pay's tenant settings: one API key. */

import { type BaseTenantConfig, secretString } from 'payroll-identity';
import { z } from 'zod';

/** Merged by the library into the tenant schema, next to the shared settings. */
export const acmePayTenantShape = {
  credentials: z.strictObject({ apiKey: secretString('apiKey') }),
};

export interface AcmePayTenantConfig extends BaseTenantConfig {
  credentials: { apiKey: string };
}

export const ACME_PAY_BASE_URLS = {
  sandbox: 'https://sandbox.acmepay.example',
  production: 'https://api.acmepay.example',
} as const;

/** Acme Pay's tenant settings: one API key. */

import { secretField, type TenantConfigOf } from 'payroll-identity/provider';
import { z } from 'zod';

/** Merged by the library into the tenant schema, next to the shared settings. */
export const acmePayTenantShape = {
  // A `Secret`: printing the tenant's configuration shows `[REDACTED]`; only the auth strategy reads it.
  credentials: z.strictObject({ apiKey: secretField('apiKey') }),
};

/** The tenant configuration, as the shape validates it (inferred, so it cannot drift). */
export type AcmePayTenantConfig = TenantConfigOf<typeof acmePayTenantShape>;

export const ACME_PAY_BASE_URLS = {
  sandbox: 'https://sandbox.acmepay.example',
  production: 'https://api.acmepay.example',
} as const;

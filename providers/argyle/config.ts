/**
 * Argyle's tenant settings and its `providerOptions.argyle` namespace.
 *
 * `providerOptions.argyle.openBanking` is Argyle's `open_banking.end_user` (the lender making the
 * decision, docs/providers/argyle.md): the same fields in the same words, its phone "10 or 11 digits (with
 * or without hyphens)". Tenant `defaults` have the same shape and sit under the per-call options.
 */
import { z } from 'zod';
import { type Secret, secretField } from '../../src/http/secret.js';
import type { BaseTenantConfig } from '../../src/provider.js';

const text = (what: string) => z.string().trim().min(1, `${what} must not be empty`);

/** "Must be 10 or 11 digits (with or without hyphens)." */
export const EndUserPhoneSchema = z
  .string()
  .regex(/^\d(?:-?\d)*$/, 'Must be digits, optionally separated by hyphens')
  .refine((v) => {
    const digits = v.replace(/-/g, '').length;
    return digits === 10 || digits === 11;
  }, 'Must be 10 or 11 digits');

export const OpenBankingSchema = z
  .strictObject({
    name: text('Name').optional(),
    address: text('Address').optional(),
    city: text('City').optional(),
    state: text('State').optional(),
    zip: text('Zip').optional(),
    phone: EndUserPhoneSchema.optional(),
  })
  .refine((v) => Object.values(v).some((x) => x !== undefined), 'Must set at least one field');
export type OpenBanking = z.output<typeof OpenBankingSchema>;

/** `providerOptions.argyle` on create/update, and a tenant's `defaults`. */
export const ArgyleProviderOptionsSchema = z.strictObject({
  openBanking: OpenBankingSchema.optional(),
});
export type ArgyleProviderOptions = z.output<typeof ArgyleProviderOptionsSchema>;

export type ArgyleApiVersion = 'v2' | 'v1';

/** Argyle's part of a tenant's configuration, merged with the shared fields by the core. */
export const argyleTenantShape = {
  credentials: z.strictObject({
    apiKeyId: secretField('apiKeyId'),
    apiKeySecret: secretField('apiKeySecret'),
  }),
  apiVersion: z.enum(['v2', 'v1'], 'must be "v2" or "v1"').default('v2'),
  defaults: ArgyleProviderOptionsSchema.optional(),
};

/** Held as {@link Secret}s: printing a tenant's configuration never shows them. */
export interface ArgyleCredentials {
  apiKeyId: Secret;
  apiKeySecret: Secret;
}

export interface ArgyleTenantConfig extends BaseTenantConfig {
  credentials: ArgyleCredentials;
  apiVersion: ArgyleApiVersion;
  defaults?: ArgyleProviderOptions;
}

/** Hosts only: every path carries its `/v2/...` or `/v1/...` prefix (see docs/providers/argyle.md). */
export const ARGYLE_BASE_URLS = {
  sandbox: 'https://api-sandbox.argyle.com',
  production: 'https://api.argyle.com',
} as const;

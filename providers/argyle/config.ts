/**
 * Argyle's tenant settings and its `providerOptions.argyle` namespace.
 *
 * `providerOptions.argyle.openBanking` is Argyle's `open_banking.end_user` (the lender making the
 * decision, docs/providers/argyle.md): the same fields in the same words, its phone "10 or 11 digits (with
 * or without hyphens)". Tenant `defaults` have the same shape and sit under the per-call options.
 */
import { z } from 'zod';
import { secretField, type TenantConfigOf } from '../../src/provider/index.js';

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

/** An Argyle tenant's configuration, as its shape validates it. */
export type ArgyleTenantConfig = TenantConfigOf<typeof argyleTenantShape>;

/** Held as `Secret`s: printing a tenant's configuration never shows them. */
export type ArgyleCredentials = ArgyleTenantConfig['credentials'];

/** Hosts only: every path carries its `/v2/...` or `/v1/...` prefix (see docs/providers/argyle.md). */
export const ARGYLE_BASE_URLS = {
  sandbox: 'https://api-sandbox.argyle.com',
  production: 'https://api.argyle.com',
} as const;

/** The path without its trailing slashes (a loop, not a regex: the path is not bounded here). */
function withoutTrailingSlashes(path: string): string {
  let end = path.length;
  while (end > 0 && path[end - 1] === '/') end--;
  return path.slice(0, end);
}

/**
 * A `baseUrl` override as the adapter uses it: Argyle's reference writes base URLs with the version
 * (`https://api-sandbox.argyle.com/v2`), while every path here already starts with `/v2/` or `/v1/`.
 * So a last path segment naming the tenant's `apiVersion` is dropped (both forms reach `/v2/users`),
 * and one naming the other version is refused: the tenant would talk to one API while configured
 * for the other (docs/providers/argyle.md, "Auth and base URLs").
 */
export function argyleBaseUrlOverride(
  baseUrl: string,
  config: { apiVersion: ArgyleApiVersion },
): { baseUrl: string } | { problem: string } {
  // The URL was validated (absolute, no query or fragment); only its path is looked at.
  const url = new URL(baseUrl);
  const path = withoutTrailingSlashes(url.pathname);
  const suffix = (['v1', 'v2'] as const).find((version) => path.endsWith(`/${version}`));
  if (suffix === undefined) return { baseUrl };
  if (suffix !== config.apiVersion) {
    return {
      problem: `ends in "/${suffix}" but apiVersion is "${config.apiVersion}" (give the host only, or the URL of the configured version)`,
    };
  }
  url.pathname = path.slice(0, -`/${suffix}`.length);
  return { baseUrl: withoutTrailingSlashes(url.toString()) };
}

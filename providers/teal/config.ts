/**
 * A Teal tenant's own configuration: credentials (an API key or a member bearer token, exactly one)
 * and optional `defaults` for `providerOptions.teal`.
 */
import { z } from 'zod';
import { secretField, type TenantConfigOf } from '../../src/provider/index.js';
import { TealProviderOptionsSchema } from './options.js';

/** Sent as `X-API-KEY` (Teal's `ApiKeyAuth` scheme). */
const ApiKeyCredentialsSchema = z.strictObject({ apiKey: secretField('apiKey') });
/** Sent as `Authorization: Bearer …` (Teal's `MemberBearerAuth` scheme, the jwt of `/members/signin`). */
const BearerCredentialsSchema = z.strictObject({ bearerToken: secretField('bearerToken') });

function has(input: unknown, key: string): boolean {
  return typeof input === 'object' && input !== null && key in input;
}

/** Why credentials matched neither form, without ever echoing a value. */
function credentialsProblem(input: unknown): string {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return 'must be an object: { apiKey } or { bearerToken }';
  }
  const apiKey = has(input, 'apiKey');
  const bearer = has(input, 'bearerToken');
  if (apiKey && bearer) return 'give exactly one of apiKey or bearerToken, not both';
  if (!apiKey && !bearer) return 'must contain apiKey (X-API-KEY) or bearerToken (member bearer token)';
  const extra = Object.keys(input).filter((k) => k !== 'apiKey' && k !== 'bearerToken');
  if (extra.length > 0) return `unknown field(s): ${extra.join(', ')}`;
  return `${apiKey ? 'apiKey' : 'bearerToken'} must be a non-empty string`;
}

export const TealCredentialsSchema = z.union([ApiKeyCredentialsSchema, BearerCredentialsSchema], {
  error: (issue) => (issue.code === 'invalid_union' ? credentialsProblem(issue.input) : undefined),
});
/** Held as `Secret`s: printing a tenant's configuration never shows them. */
export type TealCredentials = z.output<typeof TealCredentialsSchema>;

/** Merged by the core into the tenant schema (with `provider: 'teal'` and the shared fields). */
export const tealTenantShape = {
  credentials: TealCredentialsSchema,
  defaults: TealProviderOptionsSchema.optional(),
};

/** A Teal tenant's configuration, as its shape validates it. */
export type TealTenantConfig = TenantConfigOf<typeof tealTenantShape>;

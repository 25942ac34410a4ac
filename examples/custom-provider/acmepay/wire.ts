/**
 * Acme Pay's own shapes. Requests: only the documented keys (strict). Responses: tolerant readers
 * (unknown keys allowed), but the id must be usable in a later path.
 */
import { UserIdSchema } from 'payroll-identity/provider';
import { z } from 'zod';

export const AcmePayUserRequest = z.strictObject({
  given_name: z.string().optional(),
  family_name: z.string().optional(),
  email: z.string().optional(),
  external_ref: z.string().optional(),
});
export type AcmePayUserRequest = z.infer<typeof AcmePayUserRequest>;

export const AcmePayUser = z.object({
  id: UserIdSchema,
  given_name: z.string().nullish(),
  family_name: z.string().nullish(),
  email: z.string().nullish(),
  external_ref: z.string().nullish(),
  created_at: z.string().nullish(),
});
export type AcmePayUser = z.infer<typeof AcmePayUser>;

export const AcmePayUserPage = z.object({
  users: z.array(AcmePayUser),
  next_page_token: z.string().min(1).nullish(),
});
export type AcmePayUserPage = z.infer<typeof AcmePayUserPage>;

export const AcmePaySession = z.object({
  session_token: z.string().min(1),
  expires_at: z.string().nullish(),
});
export type AcmePaySession = z.infer<typeof AcmePaySession>;

export const AcmePayErrorBody = z.object({
  error: z.object({
    message: z.string().optional(),
    fields: z.record(z.string(), z.array(z.string())).optional(),
  }),
});

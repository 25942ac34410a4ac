/**
 * Argyle legacy v1 Users wire schemas, written from
 * https://docs.argyle.com/legacy/api-reference/users. The v1 user holds only
 * `external_metadata` ("Any valid JSON, such as a string or an object") besides what Argyle sets.
 * Requests strict, responses tolerant (see ./v2.ts).
 */
import { z } from 'zod';
import { JsonValueSchema, UserIdSchema } from '../../../src/provider/index.js';

/** The body of `POST /v1/users` and `PATCH /v1/users/{id}`. */
export const V1UserFieldsRequest = z.strictObject({
  external_metadata: JsonValueSchema.optional(),
});
export type V1UserFieldsRequest = z.infer<typeof V1UserFieldsRequest>;

/** `POST /v1/user-tokens`: `{"user": "<id>"}`. */
export const V1UserTokenRequest = z.strictObject({ user: z.string() });

/** The v1 user object. */
export const V1User = z.object({
  id: UserIdSchema,
  created_at: z.string().nullish(),
  employers_connected: z.array(z.string()).nullish(),
  data_providers_connected: z.array(z.string()).nullish(),
  external_metadata: JsonValueSchema.nullish(),
});
export type V1User = z.infer<typeof V1User>;

/** 200 of `POST /v1/users`: "only returns the `id` and `token` fields". */
export const V1CreateUserResponse = z.object({
  token: z.string().min(1),
  id: UserIdSchema,
});
export type V1CreateUserResponse = z.infer<typeof V1CreateUserResponse>;

/**
 * 200 of `GET /v1/users`. The reference's prose says "an object with a `results` property" while its
 * example is a bare array: both are accepted (docs/providers/argyle.md says how each is paged).
 */
export const V1UserList = z.union([
  z.array(V1User),
  z.object({
    next: z.string().nullish(),
    previous: z.string().nullish(),
    results: z.array(V1User),
  }),
]);
export type V1UserList = z.infer<typeof V1UserList>;

/**
 * 200 of `POST /v1/user-tokens`: `{access, refresh}`. Only `access` is passed to Link; `refresh` is
 * deliberately not read (zod drops it) so it is never handed out.
 */
export const V1UserTokenResponse = z.object({ access: z.string().min(1) });

export type V1UserTokenResponse = z.infer<typeof V1UserTokenResponse>;

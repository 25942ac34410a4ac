/**
 * Argyle API v2 Users wire schemas, written from Argyle's users reference
 * (https://docs.argyle.com/api-reference/users), plus the user-token call
 * (https://docs.argyle.com/api-reference/user-tokens).
 *
 * Requests are strict: only the keys the reference defines, with the types it defines. Responses are
 * tolerant readers: the reference types the User fields as strings but its examples return `null`, so
 * every documented field accepts `null` or absence, and undocumented extra fields are allowed
 * (and dropped). Ids must be usable in a later path, so they are checked like caller-given ids.
 */
import { z } from 'zod';
import { JsonValueSchema, UserIdSchema } from '../../../src/provider/index.js';

// ---------- requests ----------

/** `address` on create/update: every property a string. */
export const V2AddressRequest = z.strictObject({
  city: z.string().optional(),
  line1: z.string().optional(),
  line2: z.string().optional(),
  state: z.string().optional(),
  country: z.string().optional(),
  postal_code: z.string().optional(),
});

/** `birth_date`: integers, "1900 or later", "between 1 and 12", "between 1 and 31". */
export const V2BirthDateRequest = z.strictObject({
  year: z.number().int().min(1900),
  month: z.number().int().min(1).max(12),
  day: z.number().int().min(1).max(31),
});

/** `open_banking.end_user`: the lender making the decision. */
export const V2OpenBankingRequest = z.strictObject({
  end_user: z.strictObject({
    name: z.string().optional(),
    address: z.string().optional(),
    city: z.string().optional(),
    state: z.string().optional(),
    zip: z.string().optional(),
    phone: z.string().optional(),
  }),
});

/** The body of `POST /v2/users` and `PATCH /v2/users/{id}` (the two documents list the same keys). */
export const V2UserFieldsRequest = z.strictObject({
  first_name: z.string().optional(),
  last_name: z.string().optional(),
  email: z.string().optional(),
  phone_number: z.string().optional(),
  ssn: z.string().optional(),
  address: V2AddressRequest.optional(),
  birth_date: V2BirthDateRequest.optional(),
  // The create and update references type it `object` ("Any valid JSON"); the neutral model only ever sends
  // an object.
  external_metadata: z.record(z.string(), JsonValueSchema).optional(),
  open_banking: V2OpenBankingRequest.optional(),
  external_id: z.string().max(100).optional(),
});
export type V2UserFieldsRequest = z.infer<typeof V2UserFieldsRequest>;

/** `POST /v2/user-tokens`: `{"user": "<uuid>"}`. */
export const V2UserTokenRequest = z.strictObject({ user: z.string() });
export type V2UserTokenRequest = z.infer<typeof V2UserTokenRequest>;

/** The top-level keys a v2 create/update body may hold (used by tests). */
export const V2_USER_REQUEST_KEYS = Object.keys(V2UserFieldsRequest.shape) as readonly string[];

// ---------- responses ----------

const maybeString = z.string().nullish();
const maybeInt = z.number().int().nullish();

/** The `User` schema (https://docs.argyle.com/api-reference/users#retrieve). */
export const V2User = z.object({
  id: UserIdSchema,
  created_at: maybeString,
  items_connected: z.array(z.string()).nullish(),
  employers_connected: z.array(z.string()).nullish(),
  // "Can be any valid JSON, such as a string or object."
  external_metadata: JsonValueSchema.nullish(),
  external_id: maybeString,
  first_name: maybeString,
  last_name: maybeString,
  email: maybeString,
  phone_number: maybeString,
  ssn: maybeString,
  address: z
    .object({
      city: maybeString,
      line1: maybeString,
      line2: maybeString,
      state: maybeString,
      country: maybeString,
      postal_code: maybeString,
    })
    .nullish(),
  birth_date: z.object({ year: maybeInt, month: maybeInt, day: maybeInt }).nullish(),
});
export type V2User = z.infer<typeof V2User>;

/**
 * 200 of `POST /v2/users`: `{user_token, id}`. The create reference
 * (https://docs.argyle.com/api-reference/users#create) marks neither field required; only `id` is needed to
 * report the user. A token that is absent, `null` or empty is no token (the caller gets one with
 * `createLinkToken`): refusing the answer would report a user that exists as a failed create.
 */
export const V2CreateUserResponse = z.object({
  user_token: z.string().nullish(),
  id: UserIdSchema,
});
export type V2CreateUserResponse = z.infer<typeof V2CreateUserResponse>;

/** 200 of `GET /v2/users`: `next`/`previous` are full URLs carrying a `cursor` query parameter. */
export const V2UserList = z.object({
  next: z.string().nullish(),
  previous: z.string().nullish(),
  results: z.array(V2User),
});
export type V2UserList = z.infer<typeof V2UserList>;

/** 200 of `POST /v2/user-tokens`. */
export const V2UserTokenResponse = z.object({ user_token: z.string().min(1) });

export type V2UserTokenResponse = z.infer<typeof V2UserTokenResponse>;

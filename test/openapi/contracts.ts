/**
 * The three APIs the library speaks, each as the documents describe it (sources in README.md):
 * Argyle v2 (the vendored users and user-tokens documents), Argyle's legacy v1 (a hand-written
 * restatement of the legacy reference, marked as such in its file) and Teal (its whole document).
 *
 * Rules the documents state only in prose are added as overlays, each quoting the document's own
 * words (the tests check that every quote is there).
 */
import { ApiContract, type JsonObject, loadDocument, type Overlay } from './validate.js';

export type Api = 'argyle-v2' | 'argyle-v1' | 'teal';
export const APIS: readonly Api[] = ['argyle-v2', 'argyle-v1', 'teal'];

const schemaOf = (template: string, method: string) => [
  'paths',
  template,
  method,
  'requestBody',
  'content',
  'application/json',
  'schema',
  'properties',
];

/** A prose rule on one property of the v2 create and update bodies (the two documents list the same keys). */
function bothV2Bodies(rule: string, property: readonly string[], quote: string, add: JsonObject): Overlay[] {
  return (
    [
      ['/v2/users', 'post'],
      ['/v2/users/{id}', 'patch'],
    ] as const
  ).map(([template, method]) => {
    const at = [...schemaOf(template, method), ...property];
    return { rule: `${method.toUpperCase()} ${template}: ${rule}`, source: at, quote, target: at, add };
  });
}

/** Argyle's (DRF's) field map: `{"email": ["Enter a valid email address."]}`, nested for objects. */
const FIELD_MAP: JsonObject = {
  type: 'object',
  minProperties: 1,
  additionalProperties: {
    anyOf: [
      { type: 'array', items: { type: 'string' } },
      { type: 'object', additionalProperties: { type: 'array', items: { type: 'string' } } },
    ],
  },
};

/** The 400 the create and update descriptions give for an invalid email or phone number. */
function fieldErrors400(template: string, method: string): Overlay {
  return {
    rule: `${method.toUpperCase()} ${template}: an invalid field is a 400 field map`,
    source: [...schemaOf(template, method), 'email'],
    quote: 'Invalid email addresses will cause the request to fail.',
    target: ['paths', template, method, 'responses'],
    add: {
      '400': {
        description: 'the field map the email and phone_number descriptions show',
        content: {
          'application/json': { schema: FIELD_MAP, example: { email: ['Enter a valid email address.'] } },
        },
      },
    },
  };
}

export const ARGYLE_V2_OVERLAYS: readonly Overlay[] = [
  {
    rule: 'GET /v2/users: limit at most 200',
    source: ['paths', '/v2/users', 'get', 'parameters', 'name=limit'],
    quote: 'Maximum: 200.',
    target: ['paths', '/v2/users', 'get', 'parameters', 'name=limit', 'schema'],
    add: { maximum: 200 },
  },
  ...bothV2Bodies('external_id at most 100 characters', ['external_id'], 'Maximum 100 characters.', {
    maxLength: 100,
  }),
  ...bothV2Bodies(
    'birth_date.year 1900 or later',
    ['birth_date', 'properties', 'year'],
    'Birth year (1900 or later).',
    { minimum: 1900 },
  ),
  ...bothV2Bodies(
    'birth_date.month 1 to 12',
    ['birth_date', 'properties', 'month'],
    'Birth month (between 1 and 12).',
    { minimum: 1, maximum: 12 },
  ),
  ...bothV2Bodies(
    'birth_date.day 1 to 31',
    ['birth_date', 'properties', 'day'],
    'Birth day (between 1 and 31).',
    { minimum: 1, maximum: 31 },
  ),
  ...bothV2Bodies(
    'open_banking.end_user.phone 10 or 11 digits, hyphens allowed between them',
    ['open_banking', 'properties', 'end_user', 'properties', 'phone'],
    'Must be 10 or 11 digits (with or without hyphens).',
    { pattern: '^(?:\\d-?){9,10}\\d$' },
  ),
  fieldErrors400('/v2/users', 'post'),
  fieldErrors400('/v2/users/{id}', 'patch'),
];

const TEAL_USER = ['components', 'schemas', 'User', 'properties'];

export const TEAL_OVERLAYS: readonly Overlay[] = [
  {
    rule: 'User.post_codes: one or more',
    source: [...TEAL_USER, 'post_codes'],
    quote: 'One or more post codes of the user',
    target: [...TEAL_USER, 'post_codes'],
    add: { minItems: 1 },
  },
];

export const OVERLAYS: Readonly<Record<string, readonly Overlay[]>> = {
  'argyle-users-openapi.yml': ARGYLE_V2_OVERLAYS,
  'teal-openapi.yml': TEAL_OVERLAYS,
};

/** The file each API is read from. */
export const FILES: Readonly<Record<Api, readonly string[]>> = {
  'argyle-v2': ['argyle-users-openapi.yml', 'argyle-user-tokens-openapi.yml'],
  'argyle-v1': ['argyle-v1-legacy-openapi.yml'],
  teal: ['teal-openapi.yml'],
};

/** The operations the library sends, per API (what both test files must see go by). */
export const LIBRARY_OPERATIONS: Readonly<Record<Api, readonly string[]>> = {
  'argyle-v2': [
    'POST /v2/users',
    'GET /v2/users',
    'GET /v2/users/{id}',
    'PATCH /v2/users/{id}',
    'DELETE /v2/users/{id}',
    'POST /v2/user-tokens',
  ],
  'argyle-v1': [
    'POST /v1/users',
    'GET /v1/users',
    'GET /v1/users/{id}',
    'PATCH /v1/users/{id}',
    'DELETE /v1/users/{id}',
    'POST /v1/user-tokens',
  ],
  teal: [
    'POST /users',
    'GET /users',
    'GET /users/{user_id}',
    'PATCH /users/{user_id}',
    'DELETE /users/{user_id}',
    'POST /user-tokens',
    'POST /webhooks',
    'GET /webhooks',
    'DELETE /webhooks/{webhook_id}',
  ],
};

/** The API's documents, overlays applied. */
export function contract(api: Api): ApiContract {
  return new ApiContract(
    api,
    FILES[api].map((file) => loadDocument(file, OVERLAYS[file] ?? [])),
  );
}

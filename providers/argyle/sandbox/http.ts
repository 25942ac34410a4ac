/** Request plumbing shared by the Argyle emulator's v2 and v1 routes: auth, bodies, queries, ids. */
import type { z } from 'zod';
import type { SandboxReply, SandboxRequestHead } from '../../../src/sandbox/index.js';
import { emptyFieldErrors, type FieldErrors, toFieldErrors } from './field-errors.js';
import { DEFAULT_LIMIT, MAX_LIMIT } from './pagination.js';
import { type UnknownFields, UUID_RE } from './schemas.js';

export interface ArgyleCredentials {
  apiKeyId: string;
  apiKeySecret: string;
}

/** Argyle's (DRF's) error body for everything but field validation. */
export function detail(message: string): { detail: string } {
  return { detail: message };
}

/** A JSON answer. */
export function reply(status: number, body?: unknown): SandboxReply {
  return body === undefined ? { status } : { status, body };
}

/**
 * Basic auth, `api_key_id:api_key_secret` (`basicAuth` in Argyle's users reference:
 * https://docs.argyle.com/api-reference/users#create). A wrong pair gets Argyle's documented
 * `{"detail": "Invalid username/password."}`; no credentials at all gets DRF's text.
 * The 401 to answer, or `undefined` when the credentials are right.
 */
export function checkBasicAuth(
  request: SandboxRequestHead,
  expected: ArgyleCredentials,
): SandboxReply | undefined {
  const header = request.headers.authorization;
  let message: string | undefined;
  if (!header) message = 'Authentication credentials were not provided.';
  else if (!isBasic(header, expected)) message = 'Invalid username/password.';
  if (!message) return undefined;
  return { status: 401, headers: { 'www-authenticate': 'Basic realm="api"' }, body: detail(message) };
}

function isBasic(header: string, expected: ArgyleCredentials): boolean {
  const match = /^Basic ([A-Za-z0-9+/=]+)$/i.exec(header.trim());
  if (!match?.[1]) return false;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return false;
  return decoded.slice(0, colon) === expected.apiKeyId && decoded.slice(colon + 1) === expected.apiKeySecret;
}

export type Parsed<T> = { ok: true; data: T } | { ok: false; errors: FieldErrors };

/** A JSON body checked against a schema; no body counts as `{}` (every documented field is optional). */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown): Parsed<z.output<S>> {
  const input = body === undefined ? {} : body;
  const result = schema.safeParse(input);
  return result.success
    ? { ok: true, data: result.data }
    : { ok: false, errors: toFieldErrors(result.error, input) };
}

/** The path id when it is a UUID (the documents' `format: uuid`); DRF answers other ids 404. */
export function pathId(request: SandboxRequestHead): string | undefined {
  const id = request.params.id;
  return id !== undefined && UUID_RE.test(id) ? id : undefined;
}

export interface ListQuery {
  limit: number;
  params: URLSearchParams;
}

/**
 * The list query: the documented parameters, each at most once, `limit` an integer 1–200. Other
 * parameters are ignored, as DRF ignores them (so a misspelt filter lists everyone, as it would at
 * Argyle), or refused under `unknownFields: 'reject'`.
 */
export function parseListQuery(
  params: URLSearchParams,
  allowed: readonly string[],
  unknown: UnknownFields,
): Parsed<ListQuery> {
  const errors = emptyFieldErrors();
  for (const key of new Set(params.keys())) {
    if (!allowed.includes(key)) {
      if (unknown === 'reject') errors[key] = ['Unknown query parameter.'];
    } else if (params.getAll(key).length > 1) {
      errors[key] = ['Only one value is allowed.'];
    }
  }
  const raw = params.get('limit');
  let limit = DEFAULT_LIMIT;
  if (raw !== null && !errors.limit) {
    limit = /^\d{1,6}$/.test(raw) ? Number(raw) : Number.NaN;
    if (Number.isNaN(limit)) errors.limit = ['A valid integer is required.'];
    else if (limit < 1) errors.limit = ['Ensure this value is greater than or equal to 1.'];
    else if (limit > MAX_LIMIT) errors.limit = [`Ensure this value is less than or equal to ${MAX_LIMIT}.`];
  }
  // The answer's links carry the query on as given (an ignored parameter too), as DRF's do.
  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, data: { limit, params } };
}

/**
 * Validates JSON values against a published OpenAPI 3.0 document: an operation's request-body schema,
 * or its response schema for one status. Local `$ref`s are inlined and OpenAPI 3.0's `nullable` is
 * rewritten to JSON Schema (`type: [t, 'null']`) so that a plain JSON-schema validator (Ajv) reads
 * the document the way the provider means it. Test-only.
 */
import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { parse } from 'yaml';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

export interface Verdict {
  valid: boolean;
  /** Ajv's errors as `instancePath keyword message`, values left out (they may be personal data). */
  errors: string[];
}

// ajv-formats is CommonJS: its default export arrives wrapped under ESM interop.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (
  ajv: Ajv,
) => Ajv;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The value at a local JSON pointer (`#/components/schemas/User`). */
function pointer(root: JsonObject, ref: string): Json {
  if (!ref.startsWith('#/')) throw new Error(`only local $refs are supported: ${ref}`);
  let node: Json = root;
  for (const raw of ref.slice(2).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (!isObject(node) || !(key in node)) throw new Error(`unresolved $ref ${ref}`);
    node = node[key] as Json;
  }
  return node;
}

/** OpenAPI 3.0 `nullable: true` → JSON Schema's `null` type (or an `anyOf` when there is no `type`). */
function nullable(schema: JsonObject): JsonObject {
  const { nullable: isNullable, ...rest } = schema;
  if (isNullable !== true) return rest;
  if (typeof rest.type === 'string') {
    const out: JsonObject = { ...rest, type: [rest.type, 'null'] };
    if (Array.isArray(rest.enum) && !rest.enum.includes(null)) out.enum = [...rest.enum, null];
    return out;
  }
  return { anyOf: [rest, { type: 'null' }] };
}

/** A copy of `node` with every local `$ref` inlined and `nullable` translated; cycles are refused. */
function resolve(root: JsonObject, node: Json, seen: readonly string[] = []): Json {
  if (Array.isArray(node)) return node.map((n) => resolve(root, n, seen));
  if (!isObject(node)) return node;
  if (typeof node.$ref === 'string') {
    if (seen.includes(node.$ref)) throw new Error(`recursive $ref ${node.$ref}`);
    return resolve(root, pointer(root, node.$ref), [...seen, node.$ref]);
  }
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(node)) {
    // `example(s)` hold sample data, not schema: never walk or validate them.
    out[key] = key === 'example' || key === 'examples' ? value : resolve(root, value, seen);
  }
  return nullable(out);
}

export class OpenApiDocument {
  private readonly root: JsonObject;
  private readonly ajv = addFormats(new Ajv({ strict: false, allErrors: true, logger: false }));
  private readonly cache = new Map<string, ValidateFunction>();

  constructor(file: URL) {
    const parsed: unknown = parse(readFileSync(file, 'utf8'));
    if (!isObject(parsed) || !isObject(parsed.paths))
      throw new Error(`${file.pathname} is no OpenAPI document`);
    this.root = parsed;
  }

  /** Whether the document describes `method` on the templated `path`. */
  has(path: string, method: string): boolean {
    const item = (this.root.paths as JsonObject)[path];
    return isObject(item) && isObject(item[method.toLowerCase()]);
  }

  /** The operation object of `method` on the templated `path` (as the document spells it). */
  private operation(path: string, method: string): JsonObject {
    const item = (this.root.paths as JsonObject)[path];
    const op = isObject(item) ? item[method.toLowerCase()] : undefined;
    if (!isObject(op)) throw new Error(`the document has no ${method} ${path}`);
    return op;
  }

  private schemaAt(key: string, content: Json | undefined): ValidateFunction {
    const cached = this.cache.get(key);
    if (cached) return cached;
    const media = isObject(content) ? content['application/json'] : undefined;
    if (!isObject(media) || media.schema === undefined)
      throw new Error(`no application/json schema for ${key}`);
    const compiled = this.ajv.compile(resolve(this.root, media.schema) as JsonObject);
    this.cache.set(key, compiled);
    return compiled;
  }

  /** Validates `body` against the request-body schema of `method path`. */
  request(path: string, method: string, body: unknown): Verdict {
    const op = this.operation(path, method);
    const requestBody = resolve(this.root, op.requestBody ?? null);
    const content = isObject(requestBody) ? requestBody.content : undefined;
    return verdict(this.schemaAt(`${method} ${path} request`, content), body);
  }

  /** Whether `method path` documents a JSON body for `status`. */
  hasResponseSchema(path: string, method: string, status: number): boolean {
    const response = this.response(path, method, status);
    const content = isObject(response) ? response.content : undefined;
    const media = isObject(content) ? content['application/json'] : undefined;
    return isObject(media) && media.schema !== undefined;
  }

  /** Validates `body` against the response schema of `method path` for `status`. */
  responseBody(path: string, method: string, status: number, body: unknown): Verdict {
    const response = this.response(path, method, status);
    const content = isObject(response) ? response.content : undefined;
    return verdict(this.schemaAt(`${method} ${path} ${status}`, content), body);
  }

  private response(path: string, method: string, status: number): Json {
    const responses = this.operation(path, method).responses;
    if (!isObject(responses)) throw new Error(`${method} ${path} documents no responses`);
    const found = responses[String(status)] ?? responses[`${String(status)[0]}XX`] ?? responses.default;
    if (found === undefined) throw new Error(`${method} ${path} does not document status ${status}`);
    return resolve(this.root, found);
  }
}

function verdict(validate: ValidateFunction, body: unknown): Verdict {
  const valid = validate(body) === true;
  const errors = (validate.errors ?? []).map((e: ErrorObject) =>
    `${e.instancePath || '/'} ${e.keyword} ${e.message ?? ''}`.trim(),
  );
  return { valid, errors };
}

/** The vendored documents, loaded once per test file. */
export function loadDocument(name: string): OpenApiDocument {
  return new OpenApiDocument(new URL(`./${name}`, import.meta.url));
}

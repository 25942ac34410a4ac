/**
 * The providers' OpenAPI 3.0 documents read as a strict contract, for tests: which operation a
 * request is (method and path against the document's path templates), whether the request matches
 * it (path and query parameters with their types and bounds, the documented auth scheme, the JSON
 * body), whether an answer matches the response the document gives for its status (error bodies
 * included), and what the document itself answers (its examples, or a value generated from the
 * schema) for the strict mock.
 *
 * Local `$ref`s are inlined and OpenAPI 3.0's `nullable` is rewritten to JSON Schema's `null` type,
 * so that a plain JSON-schema validator (Ajv, formats from ajv-formats) reads the document the way
 * the provider means it. `writeOnly` properties may not appear in an answer and `readOnly` ones not
 * in a request. Rules a document states only in prose (a description's "Maximum: 200.") are added
 * as {@link Overlay}s, each quoting the words it comes from; the files themselves are never edited.
 *
 * Every problem is a short string naming the place and the rule, never the value: values may be
 * personal data.
 */
import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { parse } from 'yaml';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

// ajv-formats is CommonJS: its default export arrives wrapped under ESM interop.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (
  ajv: Ajv,
) => Ajv;

export const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A rule the document states in words rather than in its schema, added to the schema at `target`.
 * `quote` must appear in the `description` of the node at `source` (the test checks it), so an
 * overlay can never say more than the document.
 */
export interface Overlay {
  /** The rule, in a few words. */
  rule: string;
  /** Keys from the document's root to the node whose description states the rule; `name=x` picks the parameter `x`. */
  source: readonly string[];
  /** The document's own words. */
  quote: string;
  /** Keys from the root to the node the keywords are merged into. */
  target: readonly string[];
  add: JsonObject;
}

/** The node at `keys` (`name=limit` selects the list entry whose `name` is `limit`), if any. */
export function nodeAt(root: Json, keys: readonly string[]): Json | undefined {
  let node: Json | undefined = root;
  for (const key of keys) {
    if (Array.isArray(node) && key.startsWith('name=')) {
      node = node.find((entry) => isObject(entry) && entry.name === key.slice(5));
    } else if (isObject(node)) {
      node = node[key];
    } else {
      return undefined;
    }
  }
  return node;
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

/**
 * Which way a schema is read: in a request `readOnly` properties may not appear, in a response
 * `writeOnly` ones (a secret the provider never shows) may not.
 */
export type Direction = 'request' | 'response';

/** A copy of `node` with every local `$ref` inlined and `nullable` translated; cycles are refused. */
function resolve(root: JsonObject, node: Json, direction: Direction, seen: readonly string[] = []): Json {
  if (Array.isArray(node)) return node.map((n) => resolve(root, n, direction, seen));
  if (!isObject(node)) return node;
  if (typeof node.$ref === 'string') {
    if (seen.includes(node.$ref)) throw new Error(`recursive $ref ${node.$ref}`);
    return resolve(root, pointer(root, node.$ref), direction, [...seen, node.$ref]);
  }
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'properties' && isObject(value)) {
      const properties: JsonObject = {};
      for (const [name, property] of Object.entries(value)) {
        const resolved = resolve(root, property, direction, seen);
        const hidden = direction === 'response' ? 'writeOnly' : 'readOnly';
        // A property the document keeps out of this direction must be absent.
        properties[name] = isObject(resolved) && resolved[hidden] === true ? false : resolved;
      }
      out[key] = properties;
    } else {
      // `example(s)` hold sample data, not schema: never walk or validate them.
      out[key] = key === 'example' || key === 'examples' ? value : resolve(root, value, direction, seen);
    }
  }
  return nullable(out);
}

/** A request as it crossed the wire. */
export interface WireRequest {
  method: string;
  /** The path as sent, without the query. */
  path: string;
  /** The query string as sent, without its `?`. */
  query: string;
  /** Header values by lower-case name. */
  headers: Readonly<Record<string, string>>;
  /** The raw body (`''` for none). */
  body: string;
}

/** An answer as it crossed the wire. */
export interface WireResponse {
  status: number;
  /** The `content-type` header (`''` for none). */
  type: string;
  body: string;
}

/** Where a request lands in a document. */
export interface Located {
  document: OpenApiDocument;
  /** The path template as the document writes it (`/users/{user_id}`). */
  template: string;
  /** Upper case. */
  method: string;
  /** Path parameters by name, decoded. */
  params: Record<string, string>;
}

/** `METHOD /template`, how deviations and tests name an operation. */
export const operationName = (located: { method: string; template: string }) =>
  `${located.method.toUpperCase()} ${located.template}`;

/** The media type entry of `content` that is JSON (Teal's 404 is declared as `applcation/json`, sic). */
export function jsonMedia(content: Json | undefined): JsonObject | undefined {
  if (!isObject(content)) return undefined;
  const key =
    Object.keys(content).find((k) => k.split(';')[0]?.trim() === 'application/json') ??
    Object.keys(content).find((k) => /json/i.test(k));
  const media = key !== undefined ? content[key] : undefined;
  return isObject(media) ? media : undefined;
}

const errorText = (prefix: string, e: ErrorObject) =>
  `${prefix} ${e.instancePath || '/'} ${e.keyword} ${e.message ?? ''}`.trim();

export interface Verdict {
  valid: boolean;
  /** Ajv's errors as `instancePath keyword message`, values left out (they may be personal data). */
  errors: string[];
}

function verdict(validate: ValidateFunction, body: unknown): Verdict {
  const valid = validate(body) === true;
  return { valid, errors: (validate.errors ?? []).map((e) => errorText('', e)) };
}

export class OpenApiDocument {
  readonly name: string;
  readonly root: JsonObject;
  private readonly ajv = addFormats(new Ajv({ strict: false, allErrors: true, logger: false }));
  private readonly cache = new Map<string, ValidateFunction>();

  /** `source`: a file next to this module, or an already parsed document (for the tests' own examples). */
  constructor(source: string | { name: string; document: unknown }, overlays: readonly Overlay[] = []) {
    const parsed: unknown =
      typeof source === 'string'
        ? parse(readFileSync(new URL(`./${source}`, import.meta.url), 'utf8'))
        : structuredClone(source.document);
    this.name = typeof source === 'string' ? source : source.name;
    if (!isObject(parsed) || !isObject(parsed.paths)) throw new Error(`${this.name} is no OpenAPI document`);
    for (const overlay of overlays) {
      const target = nodeAt(parsed, overlay.target);
      if (!isObject(target))
        throw new Error(`${this.name}: overlay target ${overlay.target.join(' ')} is missing`);
      Object.assign(target, structuredClone(overlay.add));
    }
    this.root = parsed;
  }

  /** Every documented `{method, template}`. */
  operations(): { method: string; template: string }[] {
    const out: { method: string; template: string }[] = [];
    for (const [template, item] of Object.entries(this.root.paths as JsonObject)) {
      if (!isObject(item)) continue;
      for (const method of METHODS)
        if (isObject(item[method])) out.push({ method: method.toUpperCase(), template });
    }
    return out;
  }

  /**
   * The template `path` matches (literal segments preferred over parameters, as OpenAPI asks), with
   * its parameters; `undefined` when none does.
   */
  match(path: string): { template: string; params: Record<string, string> } | undefined {
    const parts = path.split('/');
    let best: { template: string; params: Record<string, string>; literals: number } | undefined;
    for (const template of Object.keys(this.root.paths as JsonObject)) {
      const tp = template.split('/');
      if (tp.length !== parts.length) continue;
      const params: Record<string, string> = {};
      let literals = 0;
      let ok = true;
      tp.forEach((segment, i) => {
        const actual = parts[i] ?? '';
        const param = /^\{([^}]+)\}$/.exec(segment);
        if (param?.[1]) {
          if (actual === '') ok = false;
          try {
            params[param[1]] = decodeURIComponent(actual);
          } catch {
            ok = false;
          }
        } else if (segment === actual) {
          literals++;
        } else {
          ok = false;
        }
      });
      if (ok && (!best || literals > best.literals)) best = { template, params, literals };
    }
    return best ? { template: best.template, params: best.params } : undefined;
  }

  operation(template: string, method: string): JsonObject | undefined {
    const item = (this.root.paths as JsonObject)[template];
    const op = isObject(item) ? item[method.toLowerCase()] : undefined;
    return isObject(op) ? op : undefined;
  }

  private mustOperation(template: string, method: string): JsonObject {
    const op = this.operation(template, method);
    if (!op) throw new Error(`${this.name} has no ${method} ${template}`);
    return op;
  }

  /** The operation's parameters, the path item's included (the operation's win), resolved. */
  parameters(template: string, method: string): JsonObject[] {
    const item = (this.root.paths as JsonObject)[template] as JsonObject;
    const byKey = new Map<string, JsonObject>();
    for (const list of [item.parameters, this.mustOperation(template, method).parameters]) {
      if (!Array.isArray(list)) continue;
      for (const raw of list) {
        const p = resolve(this.root, raw, 'request');
        if (isObject(p)) byKey.set(`${String(p.in)} ${String(p.name)}`, p);
      }
    }
    return [...byKey.values()];
  }

  private compiled(key: string, schema: Json): ValidateFunction {
    const cached = this.cache.get(key);
    if (cached) return cached;
    const compiled = this.ajv.compile(isObject(schema) ? schema : {});
    this.cache.set(key, compiled);
    return compiled;
  }

  /** Every way `request` departs from the document's `method template` (an empty list: it matches). */
  requestProblems(located: Omit<Located, 'document'>, request: WireRequest): string[] {
    const { template, method } = located;
    const op = this.mustOperation(template, method);
    const problems: string[] = [];
    const parameters = this.parameters(template, method);

    // Path parameters: every template parameter documented, each value of its documented type.
    for (const [name, value] of Object.entries(located.params)) {
      const p = parameters.find((x) => x.in === 'path' && x.name === name);
      if (!p) {
        problems.push(`path ${name}: not documented`);
        continue;
      }
      problems.push(...this.parameterProblems(`path ${name}`, template, method, p, value));
    }

    // Query parameters: only documented ones, each once, of its documented type and bounds.
    const query = new URLSearchParams(request.query);
    for (const name of new Set(query.keys())) {
      const p = parameters.find((x) => x.in === 'query' && x.name === name);
      if (!p) {
        problems.push(`query ${name}: not documented`);
        continue;
      }
      const values = query.getAll(name);
      if (values.length > 1) problems.push(`query ${name}: given ${values.length} times`);
      problems.push(...this.parameterProblems(`query ${name}`, template, method, p, values[0] ?? ''));
    }
    for (const p of parameters) {
      if (p.required !== true) continue;
      const name = String(p.name);
      if (p.in === 'query' && !query.has(name)) problems.push(`query ${name}: required`);
      if (p.in === 'header' && request.headers[name.toLowerCase()] === undefined)
        problems.push(`header ${name}: required`);
    }
    for (const p of parameters) {
      const value = p.in === 'header' ? request.headers[String(p.name).toLowerCase()] : undefined;
      if (value !== undefined)
        problems.push(...this.parameterProblems(`header ${String(p.name)}`, template, method, p, value));
    }

    problems.push(...this.securityProblems(op, request.headers));
    problems.push(...this.bodyProblems(template, method, op, request));
    return problems;
  }

  private parameterProblems(
    where: string,
    template: string,
    method: string,
    parameter: JsonObject,
    raw: string,
  ): string[] {
    const schema = isObject(parameter.schema) ? parameter.schema : {};
    const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
    let value: Json = raw;
    if (type === 'integer' || type === 'number') {
      if (!/^-?\d+(\.\d+)?$/.test(raw)) return [`${where}: not a number`];
      value = Number(raw);
    } else if (type === 'boolean') {
      if (raw !== 'true' && raw !== 'false') return [`${where}: not true or false`];
      value = raw === 'true';
    }
    const validate = this.compiled(`${method} ${template} ${where}`, schema);
    return validate(value)
      ? []
      : (validate.errors ?? []).map((e) => `${where}: ${e.keyword} ${e.message ?? ''}`.trim());
  }

  /**
   * The documented `security`: one alternative must be met in full. Only the form of the credential
   * is checked (a Basic pair `id:secret`, a non-empty key or token), never its value.
   */
  private securityProblems(op: JsonObject, headers: Readonly<Record<string, string>>): string[] {
    const requirements = Array.isArray(op.security) ? op.security : this.root.security;
    if (!Array.isArray(requirements) || requirements.length === 0) return [];
    const schemes = nodeAt(this.root, ['components', 'securitySchemes']);
    const met = (name: string): boolean => {
      const scheme = isObject(schemes) ? schemes[name] : undefined;
      if (!isObject(scheme)) return false;
      if (scheme.type === 'apiKey' && scheme.in === 'header') {
        return (headers[String(scheme.name).toLowerCase()] ?? '').trim() !== '';
      }
      if (scheme.type === 'http') {
        const header = headers.authorization ?? '';
        if (String(scheme.scheme).toLowerCase() === 'basic') {
          const m = /^Basic ([A-Za-z0-9+/]+={0,2})$/.exec(header);
          const pair = m?.[1] ? Buffer.from(m[1], 'base64').toString('utf8') : '';
          const colon = pair.indexOf(':');
          return colon > 0 && colon < pair.length - 1;
        }
        if (String(scheme.scheme).toLowerCase() === 'bearer') return /^Bearer \S+$/.test(header);
      }
      return false;
    };
    const alternatives = requirements.filter(isObject);
    if (alternatives.some((req) => Object.keys(req).every(met))) return [];
    const names = alternatives.map((req) => Object.keys(req).join(' + ')).join(' | ');
    return [`header: no documented credentials (${names})`];
  }

  private bodyProblems(template: string, method: string, op: JsonObject, request: WireRequest): string[] {
    const requestBody =
      op.requestBody === undefined ? undefined : resolve(this.root, op.requestBody, 'request');
    if (request.body === '') {
      return isObject(requestBody) && requestBody.required === true ? ['body: required, none sent'] : [];
    }
    if (!isObject(requestBody)) return ['body: the operation documents no request body'];
    const type = (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
    const validate = this.requestValidator(template, method);
    if (!validate) return ['body: no JSON request body documented'];
    const problems: string[] = [];
    if (type !== 'application/json') problems.push(`header content-type: not application/json`);
    let body: unknown;
    try {
      body = JSON.parse(request.body);
    } catch {
      return [...problems, 'body: not JSON'];
    }
    if (!validate(body)) problems.push(...(validate.errors ?? []).map((e) => errorText('body', e)));
    return problems;
  }

  /** The validator of `method template`'s JSON request body, if it documents one. */
  private requestValidator(template: string, method: string): ValidateFunction | undefined {
    const op = this.mustOperation(template, method);
    const requestBody =
      op.requestBody === undefined ? undefined : resolve(this.root, op.requestBody, 'request');
    const media = isObject(requestBody) ? jsonMedia(requestBody.content) : undefined;
    return media ? this.compiled(`${method} ${template} request`, media.schema ?? {}) : undefined;
  }

  /** The response object the document gives `method template` for `status` (exact, `4XX`, default). */
  response(template: string, method: string, status: number): JsonObject | undefined {
    const responses = this.mustOperation(template, method).responses;
    if (!isObject(responses)) return undefined;
    const found = responses[String(status)] ?? responses[`${String(status)[0]}XX`] ?? responses.default;
    const resolved = found === undefined ? undefined : resolve(this.root, found, 'response');
    return isObject(resolved) ? resolved : undefined;
  }

  /** The statuses `method template` documents, in order. */
  statuses(template: string, method: string): string[] {
    const responses = this.mustOperation(template, method).responses;
    return isObject(responses) ? Object.keys(responses) : [];
  }

  /** Every way `answer` departs from the response the document gives `method template` for its status. */
  responseProblems(located: Omit<Located, 'document' | 'params'>, answer: WireResponse): string[] {
    const { template, method } = located;
    const response = this.response(template, method, answer.status);
    if (!response) return [`status ${answer.status}: not documented`];
    const media = jsonMedia(response.content);
    // HTTP gives a 204 no body, whatever a document describes.
    if (!media || media.schema === undefined || answer.status === 204) {
      return answer.body === '' ? [] : [`body: the document describes none for status ${answer.status}`];
    }
    if (answer.body === '') return [`body: none, the document describes one for status ${answer.status}`];
    const problems: string[] = [];
    if (!/json/i.test(answer.type)) problems.push('header content-type: not JSON');
    let body: unknown;
    try {
      body = JSON.parse(answer.body);
    } catch {
      return [...problems, 'body: not JSON'];
    }
    const validate = this.compiled(`${method} ${template} ${answer.status}`, media.schema ?? {});
    if (!validate(body)) problems.push(...(validate.errors ?? []).map((e) => errorText('body', e)));
    return problems;
  }

  // ---------- values rather than wire text (also used by tests outside this folder) ----------

  /** Whether the document describes `method` on the templated `path`. */
  has(path: string, method: string): boolean {
    return this.operation(path, method) !== undefined;
  }

  /** Validates `body` against the request-body schema of `method path`. */
  request(path: string, method: string, body: unknown): Verdict {
    const validate = this.requestValidator(path, method);
    if (!validate) throw new Error(`${this.name}: no JSON request body for ${method} ${path}`);
    return verdict(validate, body);
  }

  /** Whether `method path` documents a JSON body for `status`. */
  hasResponseSchema(path: string, method: string, status: number): boolean {
    return this.responseSchema(path, method, status) !== undefined;
  }

  /** Validates `body` against the response schema of `method path` for `status`. */
  responseBody(path: string, method: string, status: number, body: unknown): Verdict {
    const schema = this.responseSchema(path, method, status);
    if (!schema) throw new Error(`${this.name}: no JSON response body for ${method} ${path} ${status}`);
    return verdict(this.compiled(`${method} ${path} ${status}`, schema), body);
  }

  /** The example the document gives for `status`'s JSON body (`example`, or the first of `examples`). */
  example(template: string, method: string, status: number): Json | undefined {
    const raw = nodeAt(this.root, ['paths', template, method.toLowerCase(), 'responses', String(status)]);
    const resolved = raw === undefined ? undefined : resolve(this.root, raw, 'response');
    const media = isObject(resolved) ? jsonMedia(resolved.content) : undefined;
    if (!media) return undefined;
    if (media.example !== undefined) return structuredClone(media.example);
    const first = isObject(media.examples) ? Object.values(media.examples)[0] : undefined;
    return isObject(first) && first.value !== undefined ? structuredClone(first.value) : undefined;
  }

  /** The response schema for `status`, resolved for reading an answer. */
  responseSchema(template: string, method: string, status: number): JsonObject | undefined {
    const media = jsonMedia(this.response(template, method, status)?.content);
    return isObject(media?.schema) ? media.schema : undefined;
  }
}

/**
 * A value generated from a resolved schema: the schema's own `example` where it gives one (unless
 * `examples` is false: then from the types alone), else the first `enum` value, else a value of its
 * type (`null` for a nullable one). Properties kept out of answers (`writeOnly`, resolved to
 * `false`) are left out.
 */
export function sample(schema: Json, examples = true): Json | undefined {
  if (schema === false) return undefined;
  if (!isObject(schema)) return null;
  if (examples && schema.example !== undefined) return structuredClone(schema.example);
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0] as Json;
  if (Array.isArray(schema.allOf)) {
    const { allOf, ...own } = schema;
    const merged: JsonObject = {};
    for (const part of [...allOf, ...(isObject(own.properties) ? [own] : [])]) {
      const value = sample(part, examples);
      if (isObject(value)) Object.assign(merged, value);
    }
    return merged;
  }
  const alternatives = schema.oneOf ?? schema.anyOf;
  if (Array.isArray(alternatives)) {
    const first = alternatives.find((a) => !(isObject(a) && a.type === 'null'));
    return first === undefined ? null : (sample(first, examples) ?? null);
  }
  const types = Array.isArray(schema.type) ? schema.type : [schema.type];
  if (types.includes('null')) return null;
  const type = types[0] ?? (isObject(schema.properties) ? 'object' : undefined);
  switch (type) {
    case 'object': {
      const out: JsonObject = {};
      for (const [name, property] of Object.entries(isObject(schema.properties) ? schema.properties : {})) {
        const value = sample(property, examples);
        if (value !== undefined) out[name] = value;
      }
      // A map (`additionalProperties`) that must hold something holds one entry.
      const minimum = typeof schema.minProperties === 'number' ? schema.minProperties : 0;
      if (Object.keys(out).length < minimum && isObject(schema.additionalProperties)) {
        out.field = sample(schema.additionalProperties, examples) ?? null;
      }
      return out;
    }
    case 'array': {
      const item = sample(schema.items ?? {}, examples);
      return item === undefined ? [] : [item];
    }
    case 'integer':
    case 'number':
      return typeof schema.minimum === 'number' ? schema.minimum : 1;
    case 'boolean':
      return true;
    case 'string':
      switch (schema.format) {
        case 'date-time':
          return '2024-01-01T00:00:00.000Z';
        case 'date':
          return '2024-01-01';
        case 'uuid':
          return '00000000-0000-4000-8000-000000000001';
        case 'uri':
        case 'url':
          return 'https://example.com/';
        default:
          return 'string';
      }
    default:
      return null;
  }
}

/** One API as its documents describe it (Argyle v2's users and user tokens are two files). */
export class ApiContract {
  constructor(
    readonly name: string,
    readonly documents: readonly OpenApiDocument[],
  ) {}

  /** The operation `method path` is, or why it is none. */
  locate(method: string, path: string): Located | { problem: string } {
    let pathFound = false;
    for (const document of this.documents) {
      const m = document.match(path);
      if (!m) continue;
      pathFound = true;
      if (document.operation(m.template, method)) return { document, method: method.toUpperCase(), ...m };
    }
    return { problem: pathFound ? `method ${method}: not documented for this path` : 'path: not documented' };
  }

  /** Every documented operation. */
  operations(): string[] {
    return this.documents.flatMap((d) => d.operations().map(operationName));
  }
}

/** Loads a vendored document by file name. */
export function loadDocument(name: string, overlays: readonly Overlay[] = []): OpenApiDocument {
  return new OpenApiDocument(name, overlays);
}

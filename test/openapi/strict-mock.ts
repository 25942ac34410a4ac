/**
 * A strict mock built from the providers' OpenAPI documents alone (not from the emulators): a
 * loopback server that, for each documented operation, answers what the document answers and
 * refuses every request the document does not describe.
 *
 * - **Refusals.** An unknown path is answered 404, an undocumented method 405, and a request whose
 *   path or query parameters, credentials or body depart from the document 400; each refusal is
 *   recorded with its problems (`rejections`), so a test fails on it by name. A problem a declared
 *   deviation excuses does not refuse the request.
 * - **Answers.** The operation's first documented 2xx (or the status queued with `answerNext`), with
 *   the document's own example for that status, or a body generated from the schema (its property
 *   examples, else a value of each type; or, asked for, from the types alone: Teal's 401 and 404
 *   examples are arrays where their schemas say string). HTTP gives a 204 no body.
 * - **Lists.** A GET answered with an object holding one array of objects is a list, and is served
 *   page by page as the request asks: the example's items (or two generated ones with distinct ids),
 *   then paged: `offset`/`limit` slice the items and fill the pagination object; without a cursor
 *   the example's page (its links included), with one the last page (no items, no links). A query
 *   parameter named after an item property filters (Argyle's `external_id`: "Exact matches only"):
 *   every match on one page, without links. A list example that is a bare array is served as it is.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type ApiContract,
  isObject,
  type Json,
  type JsonObject,
  type Located,
  operationName,
  sample,
  type WireRequest,
} from './validate.js';

/** One request the mock received and what it did with it. */
export interface MockExchange {
  request: WireRequest;
  /** `METHOD /template`, when the request named a documented operation. */
  operation?: string;
  /** What the document refuses in it (excused problems left out). */
  problems: string[];
  status: number;
  body: string;
}

/** Where a queued answer's body comes from: the document's examples, or its schema's types alone. */
export type AnswerFrom = 'example' | 'schema';

/** Returns the problems no declared deviation excuses (and records which deviations were used). */
export type Excuse = (operation: string, problems: string[]) => string[];

const ID_KEYS = ['id', 'user_id', 'webhook_id'];

/** A generated id, distinct per `n` (a UUID, so that it matches `format: uuid`). */
export const mockId = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

export class StrictMock {
  readonly exchanges: MockExchange[] = [];
  private readonly queued = new Map<string, { status: number; from: AnswerFrom }[]>();
  private server: Server | undefined;
  origin = '';

  constructor(
    private readonly contract: ApiContract,
    private readonly excuse: Excuse,
  ) {}

  /** Requests the mock refused. */
  rejections(): MockExchange[] {
    return this.exchanges.filter((e) => e.problems.length > 0);
  }

  /**
   * The next request to `operation` (`METHOD /template`) is answered with the documented `status`:
   * its body from the document's examples (default), or generated from the schema's types alone.
   */
  answerNext(operation: string, status: number, from: AnswerFrom = 'example'): void {
    this.queued.set(operation, [...(this.queued.get(operation) ?? []), { status, from }]);
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const url = req.url ?? '';
        const headers: Record<string, string> = {};
        for (let i = 0; i < req.rawHeaders.length; i += 2) {
          headers[req.rawHeaders[i]!.toLowerCase()] = req.rawHeaders[i + 1]!;
        }
        const request: WireRequest = {
          method: req.method ?? '',
          path: url.split('?', 1)[0] ?? '',
          query: url.includes('?') ? url.slice(url.indexOf('?') + 1) : '',
          headers,
          body: Buffer.concat(chunks).toString('utf8'),
        };
        const { status, body, operation, problems } = this.handle(request);
        const text = body === undefined ? '' : JSON.stringify(body);
        this.exchanges.push({ request, ...(operation ? { operation } : {}), problems, status, body: text });
        res.writeHead(status, text === '' ? {} : { 'content-type': 'application/json' });
        res.end(text);
      });
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.origin = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((r) => this.server?.close(r));
  }

  private handle(request: WireRequest): {
    status: number;
    body: Json | undefined;
    operation?: string;
    problems: string[];
  } {
    const located = this.contract.locate(request.method, request.path);
    if ('problem' in located) {
      const status = located.problem.startsWith('path') ? 404 : 405;
      return { status, body: { strict_mock: [located.problem] }, problems: [located.problem] };
    }
    const operation = operationName(located);
    const problems = this.excuse(operation, located.document.requestProblems(located, request));
    if (problems.length > 0) return { status: 400, body: { strict_mock: problems }, operation, problems };
    const queued = this.queued.get(operation)?.shift();
    const status = queued?.status ?? this.success(located);
    const body =
      queued?.from === 'schema'
        ? sample(located.document.responseSchema(located.template, located.method, status) ?? {}, false)
        : this.answer(located, status, request);
    return { status, body: status === 204 ? undefined : body, operation, problems };
  }

  /** The operation's first documented 2xx. */
  private success(located: Located): number {
    const found = located.document
      .statuses(located.template, located.method)
      .map(Number)
      .filter((s) => s >= 200 && s < 300)
      .sort((a, b) => a - b)[0];
    if (found === undefined) throw new Error(`${operationName(located)} documents no 2xx`);
    return found;
  }

  private answer(located: Located, status: number, request: WireRequest): Json | undefined {
    if (status === 204) return undefined;
    const { document, template, method } = located;
    const schema = document.responseSchema(template, method, status);
    const example = document.example(template, method, status);
    if (schema === undefined) return example;
    const list = method === 'GET' && status < 300 ? listProperty(schema) : undefined;
    if (!list || Array.isArray(example)) return example !== undefined ? example : (sample(schema) ?? null);
    return this.page(located, schema, list, example, new URLSearchParams(request.query));
  }

  private page(
    located: Located,
    schema: JsonObject,
    list: { name: string; items: JsonObject },
    example: Json | undefined,
    query: URLSearchParams,
  ): JsonObject {
    const base = (isObject(example) ? example : sample(schema)) as JsonObject;
    const generated = sample(list.items);
    let items: Json[] =
      isObject(example) && Array.isArray(example[list.name])
        ? (example[list.name] as Json[])
        : [1, 2].map((n) => withId(generated, n));
    const itemProperties = isObject(list.items.properties) ? Object.keys(list.items.properties) : [];
    let filtered = false;
    for (const [name, value] of query) {
      if (!itemProperties.includes(name)) continue;
      items = items.filter((item) => isObject(item) && item[name] === value);
      filtered = true;
    }
    const parameters = located.document.parameters(located.template, located.method);
    const documented = (name: string) => parameters.some((p) => p.in === 'query' && p.name === name);
    if (documented('cursor')) {
      if (!query.has('cursor') && !filtered) return { ...base, [list.name]: items };
      // The last page (or the one page of a filtered list): its items, and every link empty.
      const last: JsonObject = { ...base, [list.name]: query.has('cursor') ? [] : items };
      for (const [key, value] of Object.entries(last)) if (typeof value === 'string') last[key] = null;
      return last;
    }
    if (documented('offset')) {
      const limitParam = parameters.find((p) => p.in === 'query' && p.name === 'limit');
      const fallback = isObject(limitParam?.schema)
        ? Number(limitParam.schema.default ?? items.length)
        : items.length;
      const offset = Number(query.get('offset') ?? 0);
      const limit = Number(query.get('limit') ?? fallback);
      const slice = items.slice(offset, offset + limit);
      const out: JsonObject = { ...base, [list.name]: slice };
      for (const [key, value] of Object.entries(out)) {
        if (!isObject(value) || !('offset' in value)) continue;
        out[key] = { ...value, offset, limit, count: slice.length, total_count: items.length };
      }
      return out;
    }
    return { ...base, [list.name]: items };
  }
}

/** The list property of a response schema: an array of objects (`users`, `results`, `webhooks`). */
function listProperty(schema: JsonObject): { name: string; items: JsonObject } | undefined {
  const properties = isObject(schema.properties) ? schema.properties : {};
  for (const [name, property] of Object.entries(properties)) {
    if (!isObject(property) || property.type !== 'array' || !isObject(property.items)) continue;
    const items = property.items;
    if (isObject(items.properties) || Array.isArray(items.allOf)) return { name, items };
  }
  return undefined;
}

/** `item` with its id fields set to the `n`th generated id. */
function withId(item: Json | undefined, n: number): Json {
  if (!isObject(item)) return item ?? null;
  const out: JsonObject = { ...item };
  for (const key of ID_KEYS) if (key in out) out[key] = mockId(n);
  return out;
}

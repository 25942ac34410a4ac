/**
 * Sending with an axios instance's configuration, minus `axios.request`'s per-call pipeline.
 */
import axios, {
  type AxiosAdapter,
  AxiosHeaders,
  type AxiosInstance,
  type AxiosResponse,
  type AxiosResponseHeaders,
  CanceledError,
  type InternalAxiosRequestConfig,
  type RawAxiosRequestHeaders,
} from 'axios';
import { markNeverSent } from './never-sent.js';
import { isNodeTransport, WIRE_HEADERS, wireHeaders } from './transport.js';

/** One request as the client describes it, before axios's conventions are applied. */
export interface OutgoingRequest {
  method: string;
  url: string;
  params: Record<string, unknown> | undefined;
  body: unknown;
  headers: Readonly<Record<string, string>>;
  signal: AbortSignal;
}

const JSON_CONTENT: Record<string, string> = { 'Content-Type': 'application/json' };

/**
 * The client's `transformResponse`: the body stays the text it came as (the client parses it). The
 * sender skips applying it (and so reading the answer's headers for it) when it is the only one.
 */
export function keepBodyAsText(data: unknown): unknown {
  return data;
}

interface ResolvedHeaders {
  /** The call headers these were resolved with. */
  own: Readonly<Record<string, string>>;
  headers: AxiosHeaders;
  /** What the built-in transport puts on the wire for them (no `Content-Length`); computed on first use. */
  wire: Record<string, string> | undefined;
}

/**
 * Sends requests with an axios instance's configuration, doing once per tenant what `axios.request`
 * redoes on every call (merging the instance defaults, resolving the adapter, flattening the
 * per-method headers). Each call then costs one small object and the transport: on these machines
 * `axios.request` alone costs more than the library's whole budget per call (docs/performance.md).
 *
 * The config a transport receives is the one axios would give its adapter: the instance defaults,
 * `method` in lower case, `url` and `params` as given, `headers` as an `AxiosHeaders` (instance
 * headers, `Content-Type: application/json` when there is a body, then the call's own), `data` as the
 * JSON text of the body, and `signal`. The instance's `transformResponse` is applied to the answer.
 */
export class PreparedSender {
  private readonly base: Omit<InternalAxiosRequestConfig, 'headers' | 'method' | 'url'>;
  private readonly transport: AxiosAdapter;
  private readonly defaultHeaders: RawAxiosRequestHeaders;
  /** The instance's headers flattened for each method, computed on the method's first call. */
  private readonly headersByMethod = new Map<string, Record<string, string>>();
  /** The resolved headers of the last call per method and body-or-not, with the call headers they hold. */
  private readonly resolvedHeaders = new Map<string, ResolvedHeaders>();
  /** Whether the transport is the library's own, which neither keeps nor changes a config's headers. */
  private readonly builtIn: boolean;
  /** Whether the instance's `transformResponse` is {@link keepBodyAsText} alone (nothing to apply). */
  private readonly keepsText: boolean;

  constructor(instance: AxiosInstance) {
    const { headers, ...base } = instance.defaults;
    this.base = base as Omit<InternalAxiosRequestConfig, 'headers' | 'method' | 'url'>;
    this.defaultHeaders = headers as RawAxiosRequestHeaders;
    this.transport = axios.getAdapter(instance.defaults.adapter);
    this.builtIn = isNodeTransport(this.transport);
    const transform = base.transformResponse;
    this.keepsText = Array.isArray(transform) && transform.length === 1 && transform[0] === keepBodyAsText;
  }

  private methodHeaders(method: string): Record<string, string> {
    let headers = this.headersByMethod.get(method);
    if (!headers) {
      headers = flattenHeaders(this.defaultHeaders, method);
      this.headersByMethod.set(method, headers);
    }
    return headers;
  }

  /**
   * The call's `AxiosHeaders`: the instance's headers for the method, `Content-Type` with a body,
   * then the call's own, resolved case-insensitively (last wins) as `new AxiosHeaders(merged)`
   * resolves them. Resolving costs more than the rest of sending: it is done again only when the
   * method, body or not, or the call's own headers (names and values) change, and each call gets
   * its own copy (a host's transport may change its headers; the built-in one changes nothing).
   */
  private headersFor(
    method: string,
    contentType: Record<string, string> | undefined,
    own: Readonly<Record<string, string>>,
  ): ResolvedHeaders {
    const key = contentType ? `${method} body` : method;
    let resolved = this.resolvedHeaders.get(key);
    if (resolved === undefined || !sameHeaders(resolved.own, own)) {
      resolved = {
        own: { ...own },
        headers: new AxiosHeaders({ ...this.methodHeaders(method), ...contentType, ...own }),
        wire: undefined,
      };
      this.resolvedHeaders.set(key, resolved);
    }
    return resolved;
  }

  /** Sends one request; not an async function, so that the answer reaches the client one promise sooner. */
  send(request: OutgoingRequest): Promise<AxiosResponse> {
    try {
      return this.sendPrepared(request);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  private sendPrepared(request: OutgoingRequest): Promise<AxiosResponse> {
    const method = request.method.toLowerCase();
    let data: string | undefined;
    let contentType: Record<string, string> | undefined;
    if (request.body !== undefined) {
      contentType = JSON_CONTENT;
      data = typeof request.body === 'string' ? request.body : JSON.stringify(request.body);
    }
    const resolved = this.headersFor(method, contentType, request.headers);
    // Object.assign, not a spread: V8 copies this 16-key object several times faster that way.
    const config = Object.assign({}, this.base) as InternalAxiosRequestConfig & {
      [WIRE_HEADERS]?: Readonly<Record<string, string>>;
    };
    config.method = method;
    config.url = request.url;
    config.params = request.params;
    config.data = data;
    if (this.builtIn) {
      config.headers = resolved.headers;
      resolved.wire ??= wireHeaders(resolved.headers);
      config[WIRE_HEADERS] = resolved.wire;
    } else {
      config.headers = Object.assign(new AxiosHeaders(), resolved.headers);
    }
    config.signal = request.signal;
    if (request.signal.aborted) throw markNeverSent(new CanceledError(undefined, config));
    if (this.keepsText) return this.transport(config);
    return this.transport(config).then((response) => this.transformed(response, config));
  }

  /** The answer with the instance's `transformResponse` applied to its body. */
  private transformed(response: AxiosResponse, config: InternalAxiosRequestConfig): AxiosResponse {
    const transform = this.base.transformResponse;
    const responseHeaders = response.headers as AxiosResponseHeaders;
    if (Array.isArray(transform)) {
      for (const fn of transform)
        response.data = fn.call(config, response.data, responseHeaders, response.status);
    } else if (typeof transform === 'function') {
      response.data = transform.call(config, response.data, responseHeaders, response.status);
    }
    return response;
  }
}

/** Whether two header sets have the same names, in the same order, with the same values. */
function sameHeaders(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const keys = Object.keys(b);
  let n = 0;
  for (const k in a) {
    if (keys[n] !== k || a[k] !== b[k]) return false;
    n++;
  }
  return n === keys.length;
}

/**
 * axios's header merge: `common`, then the method's own, then the instance's top-level ones. Only
 * string, number and boolean values are headers: every object among the defaults is a per-method
 * layer (axios 1.x added `query`, and a later version may add another), never a header to flatten
 * into `name: [object Object]` on the wire.
 */
function flattenHeaders(defaults: RawAxiosRequestHeaders, method: string): Record<string, string> {
  const out: Record<string, string> = {};
  const layer = (from: unknown) => {
    if (typeof from !== 'object' || from === null) return;
    for (const [k, v] of Object.entries(from)) {
      if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') continue;
      // Last writer wins, whatever the case it was written in (as AxiosHeaders does).
      for (const existing of Object.keys(out))
        if (existing.toLowerCase() === k.toLowerCase()) delete out[existing];
      out[k] = String(v);
    }
  };
  const all = defaults as Record<string, unknown>;
  layer(all.common);
  layer(all[method]);
  layer(all);
  return out;
}

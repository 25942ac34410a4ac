/**
 * How the client's axios instance sends a request: a lean axios `adapter` over `node:http` /
 * `node:https` with the tenant's keep-alive agents.
 *
 * Axios's own Node adapter is general (proxies, redirects, progress events, streams, form data, data
 * URIs, HTTP/2) and that generality costs on every call (docs/performance.md). The client needs
 * none of it, so this adapter does exactly what the client relies on, the way axios does it:
 * - the URL is `baseURL` + `url` (never an absolute `url` when `allowAbsoluteUrls` is false) and
 *   `params` serialised as axios serialises them;
 * - the request headers as the client prepared them (auth, `Accept`, `User-Agent`, `Content-Type`),
 *   plus `Accept-Encoding`, `Content-Length` with a body, and this library's `User-Agent` when none
 *   was set; the body is the JSON text the client made;
 * - `signal` aborts, `timeout` times out (`ECONNABORTED`), no redirect is ever followed, no proxy is
 *   ever used;
 * - the body is read as text (or a Buffer for `responseType: 'arraybuffer'`), decompressed like
 *   axios does, and capped at `maxContentLength` with axios's own error (`maxContentLength size of N
 *   exceeded`), which `errors.ts` maps to `unexpected_response`; the error carries the response's
 *   status (not its body), so the client can tell a create's unreadable 2xx from a refusal;
 * - a cancellation that provably sent nothing (before a socket was connected) is marked as such
 *   (`requestNeverSent` in `never-sent.ts`): a create cancelled then did not take effect;
 * - failures are `AxiosError`s carrying the socket's code (`ECONNREFUSED`, `ECONNRESET`…).
 */
import { getEventListeners } from 'node:events';
import http from 'node:http';
import https from 'node:https';
import { type Readable, Transform, type TransformCallback } from 'node:stream';
import zlib from 'node:zlib';
import {
  type AxiosAdapter,
  AxiosError,
  type AxiosResponse,
  CanceledError,
  type InternalAxiosRequestConfig,
} from 'axios';
import { markNeverSent, markRefusedLocally } from './never-sent.js';
import { type Endpoint, requestTarget } from './request-target.js';
import { USER_AGENT } from './user-agent.js';

/**
 * What sends a request: an axios adapter, `(config) => Promise<AxiosResponse>`. The config is axios's
 * (headers, `data` already serialised, `signal`, `maxContentLength`…); the response's `data` must be
 * the body as text. Pass one to answer in-process (tests, benchmarks) or to route requests your own
 * way.
 */
export type Transport = AxiosAdapter;

export interface NodeTransportAgents {
  httpAgent: http.Agent;
  httpsAgent: https.Agent;
}

/**
 * The requests in flight on one signal, and the one listener that tells them it fired.
 *
 * Adding and removing an `abort` listener per request costs more than the rest of the transport's
 * bookkeeping (an `AbortSignal` is an `EventTarget`). The client hands this transport the same
 * signal again for later calls (one that never fired: see `client.ts`), so the transport listens
 * once per signal, for good, and a request only joins and leaves the signal's set: an abort reaches
 * exactly the requests in flight on the signal when it fires, never one that has settled.
 */
interface AbortSlot {
  readonly requests: Set<() => void>;
  readonly dispatch: () => void;
}
const abortSlots = new WeakMap<AbortSignal, AbortSlot>();

function abortSlot(signal: AbortSignal): AbortSlot {
  let slot = abortSlots.get(signal);
  if (slot === undefined) {
    const requests = new Set<() => void>();
    const dispatch = () => {
      for (const onAbort of [...requests]) onAbort();
    };
    slot = { requests, dispatch };
    abortSlots.set(signal, slot);
    signal.addEventListener('abort', dispatch, { once: true });
  }
  return slot;
}

/**
 * Whether nothing listens to `signal` but this module's own listener with no request in flight on it:
 * such a signal, never fired, can be handed to this transport again (`client.ts` reuses it).
 */
export function signalIsIdle(signal: AbortSignal): boolean {
  const listeners = getEventListeners(signal, 'abort');
  if (listeners.length === 0) return true;
  const slot = abortSlots.get(signal);
  return (
    listeners.length === 1 && slot !== undefined && listeners[0] === slot.dispatch && slot.requests.size === 0
  );
}

/** What {@link decoded} can decode (no `compress`: LZW is not something zlib reads). */
const ACCEPT_ENCODING = 'gzip, deflate, br';

function requestBody(config: InternalAxiosRequestConfig): Buffer | string | undefined {
  const data: unknown = config.data;
  if (data === undefined || data === null) return undefined;
  if (typeof data === 'string' || Buffer.isBuffer(data)) return data;
  if (data instanceof Uint8Array) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  throw new AxiosError(
    'Data after transformation must be a string or a Buffer',
    AxiosError.ERR_BAD_REQUEST,
    config,
  );
}

/** The transports made by {@link nodeTransport}: only they are handed {@link WIRE_HEADERS}. */
const builtIn = new WeakSet<Transport>();

/** Whether `transport` is this module's own (not a host's). */
export function isNodeTransport(transport: unknown): boolean {
  return typeof transport === 'function' && builtIn.has(transport as Transport);
}

/**
 * Where the sender puts, for this module's transport only, the headers it will send (without
 * `Content-Length`), computed once from the same `AxiosHeaders` as {@link wireHeaders} computes them
 * per call: reading an `AxiosHeaders` costs more than the rest of sending. A host's transport is
 * never given it.
 */
export const WIRE_HEADERS: unique symbol = Symbol('payroll-identity.wireHeaders');

/** The request headers as they go on the wire, with the ones axios's Node adapter adds (no `Content-Length`). */
export function wireHeaders(headers: InternalAxiosRequestConfig['headers']): Record<string, string> {
  // `toJSON` answers a prototype-less dictionary: copied into a plain object, which V8 copies fast.
  const wire: Record<string, string> = Object.assign({}, headers.toJSON(true) as Record<string, string>);
  if (headers.has('User-Agent') === false) wire['User-Agent'] = USER_AGENT;
  if (headers.has('Accept-Encoding') === false) wire['Accept-Encoding'] = ACCEPT_ENCODING;
  return wire;
}

type WithWireHeaders = InternalAxiosRequestConfig & { [WIRE_HEADERS]?: Readonly<Record<string, string>> };

/** The request headers, with the ones axios's Node adapter adds. */
function requestHeaders(config: WithWireHeaders, bodyBytes: number | undefined) {
  const known = config[WIRE_HEADERS];
  // A copy: the computed set is shared by every call with the same headers.
  const headers = known !== undefined ? Object.assign({}, known) : wireHeaders(config.headers);
  if (bodyBytes !== undefined) headers['Content-Length'] = String(bodyBytes);
  return headers;
}

/** The response's `Content-Encoding`, read from the raw headers (the `headers` object is built on first read). */
function contentEncoding(res: http.IncomingMessage): string | undefined {
  const raw = res.rawHeaders;
  let found: string | undefined;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!;
    // Node joins repeated `Content-Encoding` lines with ", ", which matches no decoder: as it does.
    if (name.length === 16 && name.toLowerCase() === 'content-encoding') {
      found = found === undefined ? raw[i + 1] : `${found}, ${raw[i + 1]}`;
    }
  }
  return found;
}

/**
 * An answer whose `headers` object is built only when something reads it (Node builds
 * `IncomingMessage.headers` from the raw lines on first read; on a success the client reads no
 * header unless a hook, the logger or a span asks for the request id).
 */
class NodeResponse implements AxiosResponse {
  data: unknown = undefined;
  readonly status: number;
  readonly statusText: string;
  readonly config: InternalAxiosRequestConfig;
  readonly request: http.ClientRequest;
  readonly #res: http.IncomingMessage;

  constructor(res: http.IncomingMessage, config: InternalAxiosRequestConfig, request: http.ClientRequest) {
    this.status = res.statusCode ?? 0;
    this.statusText = res.statusMessage ?? '';
    this.config = config;
    this.request = request;
    this.#res = res;
  }

  get headers(): AxiosResponse['headers'] {
    return this.#res.headers as AxiosResponse['headers'];
  }
}

/** The body stream, decompressed the way axios does. */
function decoded(res: http.IncomingMessage, method: string): Readable {
  const encoding = contentEncoding(res);
  if (!encoding) return res;
  if (method === 'HEAD' || res.statusCode === 204) {
    delete res.headers['content-encoding'];
    return res;
  }
  let decoder: zlib.Unzip | zlib.BrotliDecompress | undefined;
  let source: Readable = res;
  const name = encoding.toLowerCase();
  // A raw deflate body (no zlib header) is read as axios reads it: given a default header.
  if (name === 'deflate') source = res.pipe(new ZlibHeader());
  switch (name) {
    case 'deflate':
    case 'gzip':
    case 'x-gzip':
    case 'compress':
    case 'x-compress':
      // Unzip reads gzip and zlib-wrapped deflate alike.
      decoder = zlib.createUnzip({
        flush: zlib.constants.Z_SYNC_FLUSH,
        finishFlush: zlib.constants.Z_SYNC_FLUSH,
      });
      break;
    case 'br':
      decoder = zlib.createBrotliDecompress({
        flush: zlib.constants.BROTLI_OPERATION_FLUSH,
        finishFlush: zlib.constants.BROTLI_OPERATION_FLUSH,
      });
      break;
  }
  if (!decoder) return res;
  delete res.headers['content-encoding'];
  res.on('error', (error) => decoder.destroy(error));
  if (source !== res) source.on('error', (error) => decoder.destroy(error));
  return source.pipe(decoder);
}

/** Puts a zlib header (`78 9C`) in front of a deflate body that has none, as axios does. */
class ZlibHeader extends Transform {
  #first = true;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    if (this.#first && chunk.length > 0) {
      this.#first = false;
      if (chunk[0] !== 0x78) this.push(Buffer.from([0x78, 0x9c]));
    }
    done(null, chunk);
  }
}

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** The lean transport over `node:http`/`node:https`, sending through the given keep-alive agents. */
export function nodeTransport(agents: NodeTransportAgents): Transport {
  const transport: Transport = (config) =>
    new Promise<AxiosResponse>((resolve, reject) => {
      const signal = config.signal as AbortSignal | undefined;
      if (signal?.aborted) {
        reject(markNeverSent(new CanceledError(undefined, config)));
        return;
      }
      let endpoint: Endpoint;
      let path: string;
      let body: Buffer | string | undefined;
      let bodyBytes: number | undefined;
      let headers: Record<string, string>;
      try {
        ({ endpoint, path } = requestTarget(config));
        body = requestBody(config);
        bodyBytes = body === undefined ? undefined : Buffer.byteLength(body);
        headers = requestHeaders(config, bodyBytes);
      } catch (error) {
        reject(markRefusedLocally(AxiosError.from(error, AxiosError.ERR_BAD_REQUEST, config)));
        return;
      }
      const isHttps = endpoint.protocol === 'https:';
      if (!isHttps && endpoint.protocol !== 'http:') {
        reject(
          markRefusedLocally(
            new AxiosError(`Unsupported protocol ${endpoint.protocol}`, AxiosError.ERR_BAD_REQUEST, config),
          ),
        );
        return;
      }
      // A request cap, when one is configured, is the request's own (never the response's).
      const maxBody = config.maxBodyLength ?? -1;
      if (bodyBytes !== undefined && maxBody > -1 && bodyBytes > maxBody) {
        reject(
          markRefusedLocally(
            new AxiosError(
              'Request body larger than maxBodyLength limit',
              AxiosError.ERR_BAD_REQUEST,
              config,
            ),
          ),
        );
        return;
      }
      const method = (config.method ?? 'get').toUpperCase();
      const maxContentLength = config.maxContentLength ?? -1;

      let settled = false;
      const slot = signal === undefined ? undefined : abortSlot(signal);
      const finish = (error: unknown, response?: AxiosResponse) => {
        if (settled) return;
        settled = true;
        slot?.requests.delete(onAbort);
        if (error !== undefined) reject(error);
        else resolve(response!);
      };
      const fail = (error: AxiosError) => {
        finish(error);
        req.destroy();
      };
      const onAbort = () => {
        const error = new CanceledError(undefined, config, req);
        // The request is flushed to its socket when one is assigned, and goes on the wire once that
        // socket is connected: before then, destroying it sends nothing. (For TLS, "connected" is
        // the TCP connection, before the handshake: an early, hence safe, answer.)
        const socket = req.socket;
        fail(socket === null || socket === undefined || socket.connecting ? markNeverSent(error) : error);
      };

      // Looked up on the module at call time (not destructured) so interceptors such as nock apply.
      const transport = isHttps ? https : http;
      const req = transport.request(
        {
          protocol: endpoint.protocol,
          hostname: endpoint.hostname,
          port: endpoint.port,
          path,
          method,
          headers,
          agent: isHttps ? agents.httpsAgent : agents.httpAgent,
        },
        (res) => {
          const stream = decoded(res, method);
          const chunks: Buffer[] = [];
          let length = 0;
          const response = new NodeResponse(res, config, req);
          stream.on('data', (chunk: Buffer) => {
            length += chunk.length;
            if (maxContentLength > -1 && length > maxContentLength) {
              // Settle first: destroying the stream emits `aborted`, which must not win.
              fail(
                new AxiosError(
                  `maxContentLength size of ${maxContentLength} exceeded`,
                  AxiosError.ERR_BAD_RESPONSE,
                  config,
                  req,
                  response,
                ),
              );
              stream.destroy();
              return;
            }
            chunks.push(chunk);
          });
          res.on('aborted', () =>
            fail(
              new AxiosError('stream has been aborted', AxiosError.ERR_BAD_RESPONSE, config, req, response),
            ),
          );
          stream.on('error', (error) => fail(AxiosError.from(error, undefined, config, req, response)));
          stream.on('end', () => {
            const raw = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, length);
            response.data = config.responseType === 'arraybuffer' ? raw : stripBom(raw.toString('utf8'));
            const validate = config.validateStatus;
            if (!response.status || !validate || validate(response.status)) {
              finish(undefined, response);
            } else {
              const code = response.status >= 500 ? AxiosError.ERR_BAD_RESPONSE : AxiosError.ERR_BAD_REQUEST;
              finish(
                new AxiosError(
                  `Request failed with status code ${response.status}`,
                  code,
                  config,
                  req,
                  response,
                ),
              );
            }
          });
        },
      );
      req.on('error', (error) => finish(AxiosError.from(error, undefined, config, req)));
      if (config.timeout) {
        req.setTimeout(config.timeout, () =>
          fail(
            new AxiosError(`timeout of ${config.timeout}ms exceeded`, AxiosError.ECONNABORTED, config, req),
          ),
        );
      }
      slot?.requests.add(onAbort);
      req.end(body);
    });
  builtIn.add(transport);
  return transport;
}

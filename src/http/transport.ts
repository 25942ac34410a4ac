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
import http from 'node:http';
import https from 'node:https';
import type { Readable } from 'node:stream';
import zlib from 'node:zlib';
import {
  type AxiosAdapter,
  AxiosError,
  type AxiosResponse,
  CanceledError,
  type InternalAxiosRequestConfig,
} from 'axios';
import { markNeverSent, markRefusedLocally } from './never-sent.js';
import { requestTarget } from './request-target.js';
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

/** The request headers, with the ones axios's Node adapter adds. */
function requestHeaders(config: InternalAxiosRequestConfig, body: Buffer | string | undefined) {
  const headers = config.headers.toJSON(true) as Record<string, string>;
  if (config.headers.has('User-Agent') === false) headers['User-Agent'] = USER_AGENT;
  if (config.headers.has('Accept-Encoding') === false) headers['Accept-Encoding'] = ACCEPT_ENCODING;
  if (body !== undefined) headers['Content-Length'] = String(Buffer.byteLength(body));
  return headers;
}

/** The body stream, decompressed the way axios does. */
function decoded(res: http.IncomingMessage, method: string): Readable {
  const encoding = res.headers['content-encoding'];
  if (!encoding) return res;
  if (method === 'HEAD' || res.statusCode === 204) {
    delete res.headers['content-encoding'];
    return res;
  }
  let decoder: zlib.Unzip | zlib.BrotliDecompress | undefined;
  switch (encoding.toLowerCase()) {
    case 'gzip':
    case 'x-gzip':
    case 'compress':
    case 'x-compress':
    case 'deflate':
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
  return res.pipe(decoder);
}

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** The lean transport over `node:http`/`node:https`, sending through the given keep-alive agents. */
export function nodeTransport(agents: NodeTransportAgents): Transport {
  return (config) =>
    new Promise<AxiosResponse>((resolve, reject) => {
      const signal = config.signal as AbortSignal | undefined;
      if (signal?.aborted) {
        reject(markNeverSent(new CanceledError(undefined, config)));
        return;
      }
      let url: URL;
      let path: string;
      let body: Buffer | string | undefined;
      let headers: Record<string, string>;
      try {
        ({ url, path } = requestTarget(config));
        body = requestBody(config);
        headers = requestHeaders(config, body);
      } catch (error) {
        reject(markRefusedLocally(AxiosError.from(error, AxiosError.ERR_BAD_REQUEST, config)));
        return;
      }
      const isHttps = url.protocol === 'https:';
      if (!isHttps && url.protocol !== 'http:') {
        reject(
          markRefusedLocally(
            new AxiosError(`Unsupported protocol ${url.protocol}`, AxiosError.ERR_BAD_REQUEST, config),
          ),
        );
        return;
      }
      // A request cap, when one is configured, is the request's own (never the response's).
      const maxBody = config.maxBodyLength ?? -1;
      if (body !== undefined && maxBody > -1 && Buffer.byteLength(body) > maxBody) {
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
      const finish = (error: unknown, response?: AxiosResponse) => {
        if (settled) return;
        settled = true;
        signal?.removeEventListener('abort', onAbort);
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

      const hostname = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
      // Looked up on the module at call time (not destructured) so interceptors such as nock apply.
      const transport = isHttps ? https : http;
      const req = transport.request(
        {
          protocol: url.protocol,
          hostname,
          port: url.port,
          path,
          method,
          headers,
          agent: isHttps ? agents.httpsAgent : agents.httpAgent,
        },
        (res) => {
          const stream = decoded(res, method);
          const chunks: Buffer[] = [];
          let length = 0;
          const response: AxiosResponse = {
            status: res.statusCode ?? 0,
            statusText: res.statusMessage ?? '',
            headers: res.headers as AxiosResponse['headers'],
            config,
            request: req,
            data: undefined,
          };
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
      signal?.addEventListener('abort', onAbort, { once: true });
      req.end(body);
    });
}

/**
 * Starts one emulator on its own fastify server on 127.0.0.1: body parsing, the provider-shaped
 * answers for framework errors, fault injection, the request log and the lifecycle. What the
 * provider's API does is the emulator's business.
 */
import { STATUS_CODES } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { Faults } from './faults.js';
import type {
  EmulatorStartOptions,
  Fault,
  RecordedRequest,
  RunningEmulator,
  SandboxEmulator,
} from './types.js';

/** Per-request bookkeeping between the hooks. */
interface InFlight {
  record: RecordedRequest;
  dropAfter: boolean;
  /** A fault that lets the request be processed and then spoils its answer. */
  spoil?: SpoilFault;
}

/** Faults applied to the provider's answer after the request was processed. */
type SpoilFault = Extract<Fault, { kind: 'drop-mid-body' | 'malformed-body' | 'wrong-shape' | 'oversized' }>;

const SPOIL_KINDS: ReadonlySet<Fault['kind']> = new Set([
  'drop-mid-body',
  'malformed-body',
  'wrong-shape',
  'oversized',
]);

/** Above the library's default 10 MiB response cap. */
const DEFAULT_OVERSIZED_BYTES = 11 * 1024 * 1024;

/** A proxy's error page: no provider shape, no JSON. */
const HTML_ERROR_PAGE =
  '<!DOCTYPE html><html><head><title>Bad Gateway</title></head><body><h1>Bad Gateway</h1><p>The upstream server is unavailable.</p></body></html>';

/** Statuses the framework itself may answer with, and the generic (data-free) text for each. */
const FRAMEWORK_MESSAGES: Readonly<Record<number, string>> = {
  400: 'Malformed request body.',
  413: 'Request body too large.',
  415: 'Unsupported media type.',
};

/**
 * Starts one emulator on its own loopback server (what `startSandbox` does for each provider); for
 * running a single emulator, e.g. your own provider's.
 *
 * @example
 * ```ts
 * const acme = await startEmulator(acmePayEmulator, { faults: { latencyMs: 20 } });
 * // … point a tenant at acme.baseUrl with acme.credentials …
 * await acme.close();
 * ```
 */
export async function startEmulator<C extends object, Alt extends object>(
  emulator: SandboxEmulator<C, Alt>,
  options: EmulatorStartOptions = {},
): Promise<RunningEmulator<C, Alt>> {
  const app = Fastify({
    logger: false,
    // close() must not wait for keep-alive clients or for requests held by injected latency.
    forceCloseConnections: true,
    bodyLimit: 1_048_576,
  });
  const faults = new Faults(options.faults);
  const closing = new AbortController();
  const log: RecordedRequest[] = [];
  const inFlight = new WeakMap<FastifyRequest, InFlight>();
  let sequence = 0;
  let origin = '';

  installJsonParser(app);

  app.addHook('onRequest', async (request, reply) => {
    sequence += 1;
    // The path only: a query string may hold personal data (`?external_id=<an email>`).
    const path = request.url.split('?', 1)[0] ?? '/';
    const record: RecordedRequest = { sequence, method: request.method, url: path };
    log.push(record);
    const entry: InFlight = { record, dropAfter: false };
    inFlight.set(request, entry);

    const decision = faults.decide({ method: request.method, path, sequence });
    if (decision.delayed) record.fault = 'latency';
    if (decision.delayMs > 0) {
      // Aborted by close(), so a long injected latency never holds the server open.
      await sleep(decision.delayMs, undefined, { signal: closing.signal }).catch(() => {});
      if (closing.signal.aborted) {
        // Shutting down: the held request is dropped, as by a server going away.
        reply.hijack();
        request.raw.socket.destroy();
        return;
      }
    }
    const fault = decision.fault;
    if (!fault) return;
    record.fault = fault.kind;
    if (fault.kind === 'drop-before') {
      // The connection dies before anything is read or done: the client sees a reset.
      reply.hijack();
      request.raw.socket.destroy();
      return;
    }
    if (fault.kind === 'drop-after') {
      entry.dropAfter = true;
      return;
    }
    if (SPOIL_KINDS.has(fault.kind)) {
      entry.spoil = fault as SpoilFault;
      return;
    }
    if (fault.kind === 'html-error') {
      return reply
        .code(fault.status ?? 502)
        .header('content-type', 'text/html; charset=utf-8')
        .send(HTML_ERROR_PAGE);
    }
    if (fault.kind === 'redirect') {
      return reply
        .code(fault.status ?? 302)
        .header('location', fault.location ?? `${origin}/redirected${path}`)
        .send();
    }
    if (fault.kind === 'server-error') {
      const status = fault.status ?? 503;
      return reply.code(status).send(emulator.errorBody(status, 'The server is temporarily unavailable.'));
    }
    if (fault.kind !== 'rate-limit') return;
    const seconds = fault.retryAfterSeconds ?? 1;
    return reply
      .code(429)
      .header('retry-after', String(seconds))
      .send(emulator.errorBody(429, `Too many requests. Retry after ${seconds} seconds.`));
  });

  app.addHook('onSend', async (request, reply, payload) => {
    const entry = inFlight.get(request);
    if (entry?.dropAfter) {
      // The request was fully processed (state changed); the answer is lost with the connection.
      request.raw.socket.destroy();
    } else if (entry?.spoil) {
      const spoiled = await spoil(entry.spoil, request, reply, payload);
      // A connection dropped mid-body has no answered status, like any other dropped one.
      if (entry.spoil.kind !== 'drop-mid-body') entry.record.status = reply.statusCode;
      return spoiled;
    } else if (entry) {
      entry.record.status = reply.statusCode;
    }
    return payload;
  });

  app.setNotFoundHandler((_request, reply) => reply.code(404).send(emulator.errorBody(404, 'Not found.')));
  app.setErrorHandler((error: { statusCode?: number }, _request: FastifyRequest, reply: FastifyReply) => {
    // Never echo the framework's message: it may quote the request body.
    const known = error.statusCode !== undefined ? FRAMEWORK_MESSAGES[error.statusCode] : undefined;
    const status = known ? (error.statusCode ?? 500) : 500;
    return reply.code(status).send(emulator.errorBody(status, known ?? 'Internal server error.'));
  });

  const { credentials, alternativeCredentials } = emulator.createCredentials();
  const state = emulator.register(app, { credentials, alternativeCredentials, origin: () => origin });
  origin = await app.listen({ host: '127.0.0.1', port: options.port ?? 0 });

  return {
    name: emulator.name,
    baseUrl: origin,
    credentials,
    alternativeCredentials,
    faults,
    userCount: () => state.userCount(),
    requests: () => log.map((record) => ({ ...record })),
    reset: () => {
      state.reset();
      faults.clear();
      log.length = 0;
      sequence = 0;
    },
    close: async () => {
      closing.abort();
      await app.close();
    },
  };
}

function payloadText(payload: unknown): string {
  if (typeof payload === 'string') return payload;
  if (Buffer.isBuffer(payload)) return payload.toString('utf8');
  return '';
}

/** Applies a spoiling fault to a processed request's answer (the state change stands). */
async function spoil(
  fault: SpoilFault,
  request: FastifyRequest,
  reply: FastifyReply,
  payload: unknown,
): Promise<unknown> {
  const text = payloadText(payload);
  // A 204 has no body to spoil: these faults answer 200 instead.
  const status = reply.statusCode === 204 ? 200 : reply.statusCode;
  if (fault.kind === 'drop-mid-body') {
    // The head promises the whole body; half of it is written, then the connection dies. Written
    // straight to the socket (and flushed) so the framework's own answer never follows it.
    const body = Buffer.from(text === '' ? '{"detail": "partial"}' : text, 'utf8');
    const head = `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Unknown'}\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: ${body.length}\r\n\r\n`;
    const socket = request.raw.socket;
    await new Promise<void>((resolve) => {
      socket.write(
        Buffer.concat([Buffer.from(head, 'latin1'), body.subarray(0, Math.floor(body.length / 2))]),
        () => resolve(),
      );
    });
    socket.destroy();
    return payload;
  }
  reply.removeHeader('content-length');
  if (fault.kind === 'malformed-body') {
    reply.code(status).header('content-type', 'application/json; charset=utf-8');
    return `${text.slice(0, Math.floor(text.length / 2))}{"truncated": `;
  }
  if (fault.kind === 'wrong-shape') {
    if (status < 200 || status >= 300) return payload;
    reply.code(200).header('content-type', 'application/json; charset=utf-8');
    return '["unexpected"]';
  }
  const bytes = fault.bytes ?? DEFAULT_OVERSIZED_BYTES;
  const base = text === '' ? '{}' : text;
  reply.code(status);
  if (reply.getHeader('content-type') === undefined)
    reply.header('content-type', 'application/json; charset=utf-8');
  // Trailing whitespace keeps the JSON valid: only the size is wrong.
  return base + ' '.repeat(Math.max(0, bytes - Buffer.byteLength(base)));
}

/**
 * JSON only, and an empty body counts as no body: Argyle documents `POST /v1/users` with a JSON
 * content type and no payload. Any other media type is answered 415 by the framework.
 */
function installJsonParser(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch {
      done(Object.assign(new Error('Malformed JSON body'), { statusCode: 400 }), undefined);
    }
  });
}

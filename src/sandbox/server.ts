/**
 * Starts one emulator on its own `node:http` server on 127.0.0.1: fault injection, the request log,
 * routing, bodies, the provider-shaped answers for the server's own errors, and the lifecycle. What
 * the provider's API does is the emulator's business.
 */
import { setMaxListeners } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { type Answer, dropMidBody, isSpoilFault, send, serialize, spoil } from './answer.js';
import { readBody } from './body.js';
import { describeCredentials, tenantFactory } from './describe.js';
import { type FaultDecision, Faults } from './faults.js';
import { checkStartOptions, emulatorOptions } from './options.js';
import { Router } from './router.js';
import { WebhookSimulator } from './simulate.js';
import type {
  EmulatorStartOptions,
  Fault,
  RecordedRequest,
  RunningEmulator,
  SandboxEmulator,
  SandboxReply,
  SandboxRequestHead,
} from './types.js';
import { deliverySettings } from './webhooks.js';

/** A proxy's error page: no provider shape, no JSON. */
const HTML_ERROR_PAGE =
  '<!DOCTYPE html><html><head><title>Bad Gateway</title></head><body><h1>Bad Gateway</h1><p>The upstream server is unavailable.</p></body></html>';

/** The server's own errors, with a generic (data-free) text: never a quote of the request. */
const SERVER_MESSAGES = {
  400: 'Malformed request body.',
  413: 'Request body too large.',
  415: 'Unsupported media type.',
} as const;

/** Keep-alive connections stay open this long when idle (as they did before the move to `node:http`). */
const KEEP_ALIVE_TIMEOUT_MS = 72_000;

/** The sandbox's own routes (`/_sandbox/simulate`): never faulted, they are no provider's API. */
const ADMIN_PREFIX = '/_sandbox/';

/** Faults that answer in place of the provider, without processing the request. */
type AnsweringFault = Extract<Fault, { kind: 'server-error' | 'rate-limit' | 'html-error' | 'redirect' }>;

/**
 * Starts one emulator on its own loopback server (what `startSandbox` does for each provider); for
 * running a single emulator, e.g. your own provider's. `options.options` is checked by the
 * emulator's `parseOptions` (what it gets is partial: the emulator fills in its defaults); a start
 * option the core does not know, or options for an emulator that takes none, fail the start.
 *
 * @example
 * ```ts
 * const acme = await startEmulator(acmePayEmulator, { faults: { latencyMs: 20 } });
 * // … point a tenant at acme.baseUrl with acme.credentials …
 * await acme.close();
 * ```
 */
export async function startEmulator<C extends object, Alt extends object, O extends object = object>(
  emulator: SandboxEmulator<C, Alt, O>,
  options: EmulatorStartOptions<Partial<O>> = {},
): Promise<RunningEmulator<C, Alt>> {
  checkStartOptions(emulator.name, options);
  // The emulator's own options are checked before anything else is set up.
  const own = emulatorOptions(emulator, options.options);
  const faults = new Faults(options.faults);
  const delivery = deliverySettings(options.webhooks);
  const router = new Router();
  const closing = new AbortController();
  // Every request held by a latency fault listens to it: any number may wait at once.
  setMaxListeners(0, closing.signal);
  const log: RecordedRequest[] = [];
  let sequence = 0;
  let origin = '';

  const errorAnswer = (status: number, message: string, headers: Record<string, string> = {}): Answer =>
    serialize({ status, headers, body: emulator.errorBody(status, message) });

  const faultAnswer = (fault: AnsweringFault, path: string): Answer => {
    if (fault.kind === 'html-error') {
      const reply: SandboxReply = {
        status: fault.status ?? 502,
        headers: { 'content-type': 'text/html; charset=utf-8' },
        body: HTML_ERROR_PAGE,
      };
      return serialize(reply);
    }
    if (fault.kind === 'redirect') {
      const location = fault.location ?? `${origin}/redirected${path}`;
      return serialize({ status: fault.status ?? 302, headers: { location } });
    }
    if (fault.kind === 'server-error') {
      return errorAnswer(fault.status ?? 503, 'The server is temporarily unavailable.');
    }
    const seconds = fault.retryAfterSeconds ?? 1;
    return errorAnswer(429, `Too many requests. Retry after ${seconds} seconds.`, {
      'retry-after': String(seconds),
    });
  };

  /** What the emulator answers: routing, guards, the body, the handler. */
  const answerFor = async (request: IncomingMessage, path: string, search: string): Promise<Answer> => {
    const method = request.method ?? 'GET';
    const found = router.lookup(method, path);
    if (found.kind === 'bad-path') return errorAnswer(400, 'Malformed request URL.');
    const head: SandboxRequestHead = {
      method,
      path,
      params: found.kind === 'route' ? found.match.params : {},
      query: new URLSearchParams(search),
      headers: flatHeaders(request),
    };
    // Authentication comes before the body, as the providers do: a wrong key never gets a 400.
    if (found.kind === 'route') {
      for (const guard of router.guards()) {
        const reply = await guard(head);
        if (reply) return serialize(reply);
      }
    }
    const body = await readBody(request, found.kind === 'route');
    if (!body.ok) {
      // The rest of an unread or refused body must not be taken for the next request.
      const close: Record<string, string> = body.status === 415 ? {} : { connection: 'close' };
      return errorAnswer(body.status, SERVER_MESSAGES[body.status], close);
    }
    if (found.kind !== 'route') return errorAnswer(404, 'Not found.');
    return serialize(await found.match.handler({ ...head, body: body.body }));
  };

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    sequence += 1;
    const { path, search } = target(request.url ?? '/');
    // The path only: a query string may hold personal data (`?external_id=<an email>`).
    const record: RecordedRequest = { sequence, method: request.method ?? 'GET', url: path };
    log.push(record);

    const decision: FaultDecision = path.startsWith(ADMIN_PREFIX)
      ? { delayed: false, delayMs: 0 }
      : faults.decide({ method: record.method, path, sequence });
    if (decision.delayed) record.fault = 'latency';
    if (decision.delayMs > 0) {
      // Aborted by close(), so a long injected latency never holds the server open.
      await sleep(decision.delayMs, undefined, { signal: closing.signal }).catch(() => {});
      // Shutting down: the held request is dropped, as by a server going away.
      if (closing.signal.aborted) return void request.socket.destroy();
    }
    const fault = decision.fault;
    if (fault) record.fault = fault.kind;
    // The connection dies before anything is read or done: the client sees a reset.
    if (fault?.kind === 'drop-before') return void request.socket.destroy();
    if (fault && fault.kind !== 'drop-after' && !isSpoilFault(fault)) {
      const answer = faultAnswer(fault, path);
      record.status = answer.status;
      return send(response, answer);
    }

    let answer: Answer;
    try {
      answer = await answerFor(request, path, search);
    } catch {
      // Never echo what was thrown: it may quote the request.
      answer = errorAnswer(500, 'Internal server error.');
    }
    // The request was fully processed (state changed); the answer is lost with the connection.
    if (fault?.kind === 'drop-after') return void request.socket.destroy();
    if (fault && isSpoilFault(fault)) {
      // A connection dropped mid-body has no answered status, like any other dropped one.
      if (fault.kind === 'drop-mid-body') return dropMidBody(request.socket, answer);
      answer = spoil(fault, answer);
    }
    record.status = answer.status;
    send(response, answer);
  };

  const server = createServer((request, response) => {
    handle(request, response).catch(() => request.socket.destroy());
  });
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;

  const { credentials, alternativeCredentials } = emulator.createCredentials();
  // What the emulator says about itself is checked before anything listens.
  const credentialFields = describeCredentials(emulator, credentials, alternativeCredentials);
  const tenant = tenantFactory(emulator, () => origin, credentials);
  const state = emulator.register(router, {
    credentials,
    alternativeCredentials,
    options: own.options,
    origin: () => origin,
  });
  const webhooks = new WebhookSimulator(emulator.name, state.webhooks, delivery);
  webhooks.register(router, (status, message) => emulator.errorBody(status, message));
  const port = await listen(server, options.port ?? 0);
  origin = `http://127.0.0.1:${port}`;

  return {
    name: emulator.name,
    baseUrl: origin,
    credentials,
    alternativeCredentials,
    credentialFields,
    demo: emulator.demo,
    options: own.described,
    tenant,
    faults,
    userCount: () => state.userCount(),
    requests: () => log.map((record) => ({ ...record })),
    simulations: webhooks.simulations,
    simulate: (simulation, userId) => webhooks.simulate(simulation, userId),
    subscriptionCount: () => webhooks.subscriptionCount(),
    deliveries: () => webhooks.deliveries(),
    reset: () => {
      state.reset();
      webhooks.reset();
      faults.clear();
      log.length = 0;
      sequence = 0;
    },
    close: async () => {
      closing.abort();
      webhooks.close();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // close() must not wait for keep-alive clients or for requests held by injected latency.
      server.closeAllConnections();
      await closed;
    },
  };
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port }, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/**
 * The path (still percent-encoded) and query string of a request target. An absolute-form target
 * (`GET http://host/path`) counts by its path; a fragment, which no client sends, is dropped.
 */
function target(url: string): { path: string; search: string } {
  let rest = url;
  if (!rest.startsWith('/')) {
    try {
      const parsed = new URL(rest);
      rest = `${parsed.pathname}${parsed.search}`;
    } catch {
      return { path: rest, search: '' };
    }
  }
  const hash = rest.indexOf('#');
  if (hash >= 0) rest = rest.slice(0, hash);
  const question = rest.indexOf('?');
  return question < 0
    ? { path: rest, search: '' }
    : { path: rest.slice(0, question), search: rest.slice(question + 1) };
}

/** Headers as one string each, on an object without a prototype (no inherited `constructor`). */
function flatHeaders(request: IncomingMessage): Record<string, string | undefined> {
  const headers: Record<string, string | undefined> = Object.create(null);
  for (const [name, value] of Object.entries(request.headers)) {
    headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

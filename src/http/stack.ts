/**
 * The part of the HTTP client that needs axios and cockatiel at run time: a tenant's axios instance
 * and the sender over it, its circuit breaker, its backoff. `client.ts` loads this module on the
 * first request of the process (`loadHttpStack` there), never with the library: axios's Node build
 * alone (form-data, mime-db, follow-redirects, proxy agents) costs more to import than the rest of
 * the library together, and a process that never sends a request never needs it.
 */
import http from 'node:http';
import https from 'node:https';
import axios, { isAxiosError } from 'axios';
import { ExponentialBackoff, type IBackoffFactory } from 'cockatiel';
import type { CircuitState } from '../observe/events.js';
import type { CircuitBreakerOptions } from './circuit.js';
import { keepBodyAsText, PreparedSender } from './prepared-sender.js';
import type { RetryOptions } from './retry-policy.js';
import { TenantCircuit } from './tenant-circuit.js';
import { nodeTransport, signalIsIdle, type Transport } from './transport.js';
import { USER_AGENT } from './user-agent.js';

/** What one tenant's client sends with: built on its first request. */
export interface HttpEngine {
  /** The tenant's keep-alive agents (their sockets' requests hold the auth header: never printed). */
  readonly httpAgent: http.Agent;
  readonly httpsAgent: https.Agent;
  /** Sends each attempt with the tenant's axios instance's configuration. */
  readonly sender: PreparedSender;
  /** The tenant's circuit breaker. */
  readonly circuit: TenantCircuit;
  /** The tenant's backoff (cockatiel's exponential backoff with decorrelated jitter). */
  readonly backoff: IBackoffFactory<unknown>;
  /** The status of the answer a transport error carries (axios's `error.response`), if any. */
  answeredStatus(error: unknown): number | undefined;
  /** Whether a call's signal, never fired, can be handed to the built-in transport again. */
  signalIsIdle(signal: AbortSignal): boolean;
}

/** What an {@link HttpEngine} is built from: the client's settings. */
export interface HttpEngineOptions {
  baseUrl: string;
  maxResponseBytes: number;
  /** The host's transport; default: the lean `node:http`/`node:https` one over the engine's agents. */
  transport: Transport | undefined;
  retry: RetryOptions;
  circuitBreaker: CircuitBreakerOptions;
  onCircuitStateChange: (state: CircuitState) => void;
}

function answeredStatus(error: unknown): number | undefined {
  return isAxiosError(error) ? error.response?.status : undefined;
}

/** Builds a tenant's engine (once per client, on its first request). */
export function createHttpEngine(options: HttpEngineOptions): HttpEngine {
  const httpAgent = new http.Agent({ keepAlive: true });
  const httpsAgent = new https.Agent({ keepAlive: true });
  const instance = axios.create({
    baseURL: options.baseUrl,
    allowAbsoluteUrls: false,
    maxRedirects: 0,
    // The response cap only: a request body is bounded by MAX_REQUEST_BYTES, checked before sending.
    maxContentLength: options.maxResponseBytes,
    maxBodyLength: -1,
    proxy: false,
    responseType: 'text',
    transformResponse: [keepBodyAsText],
    validateStatus: () => true,
    httpAgent,
    httpsAgent,
    // axios's own Node adapter costs more per call than the whole library (docs/performance.md).
    adapter: options.transport ?? nodeTransport({ httpAgent, httpsAgent }),
    // The whole header set is ours (docs/security.md, "What goes on the wire"): the transport adds
    // only Accept-Encoding and, with a body, Content-Length; Content-Type comes with a body.
    headers: { Accept: 'application/json', 'User-Agent': USER_AGENT },
  });
  return {
    httpAgent,
    httpsAgent,
    sender: new PreparedSender(instance),
    circuit: new TenantCircuit(options.circuitBreaker, options.onCircuitStateChange),
    backoff: new ExponentialBackoff({
      initialDelay: options.retry.baseDelayMs,
      maxDelay: options.retry.maxDelayMs,
    }),
    answeredStatus,
    signalIsIdle,
  };
}

/**
 * The HTTP client every adapter uses: one per tenant.
 *
 * - credentials come from the provider's {@link AuthStrategy} on every request and are never stored
 *   on an error;
 * - redirects are never followed (`maxRedirects: 0`), responses are capped in size, a deadline
 *   covers the whole call (retries and backoff included), `https` is required except on loopback,
 *   proxies from the environment are ignored (credentials must not travel to a host the
 *   configuration does not name), only paths below the base URL are requested;
 * - failures are retried per {@link classifyFailure}; a non-idempotent call whose outcome is
 *   ambiguous is never replayed but reconciled or reported as `outcome_unknown` ({@link settleAmbiguous});
 * - attempts go through the tenant's circuit breaker (`TenantCircuit`, `tenant-circuit.ts`);
 * - 2xx bodies are parsed with the caller's zod schema ({@link readResponse});
 * - each attempt is reported to the host's logger and hooks, when it gave any ({@link RequestObserver});
 * - `close()` ends the client for good: calls in flight are aborted, later ones rejected unsent.
 *
 * What needs axios and cockatiel at run time (the axios instance and transport, the circuit breaker,
 * the backoff) is in `stack.ts`, loaded on the first request of the process: see {@link loadHttpStack}.
 */
import { inspect } from 'node:util';
import type { AxiosResponse } from 'axios';
import type { z } from 'zod';
import {
  AbortedError,
  type CallOperation,
  type ErrorContext,
  InvalidConfigurationError,
  InvalidInputError,
  NetworkError,
  PayrollIdentityError,
  ProviderUnavailableError,
  TimeoutError,
} from '../errors.js';
import { pathTemplate, type RequestHooks, RequestObserver } from '../observe/events.js';
import { clientLogger, type Logger } from '../observe/logger.js';
import { Redactor } from '../redact.js';
import type { CallOptions } from '../user-service.js';
import { subscribeAbort } from './abort-listeners.js';
import { checkCallOptions, isTimeoutReason, MAX_TIMEOUT_MS } from './call-options.js';
import {
  CIRCUIT_OPEN,
  type CircuitBreakerOptions,
  DEFAULT_CIRCUIT_BREAKER,
  markCallerMade,
} from './circuit.js';
import { Deadline, Deadlines } from './deadlines.js';
import { type DescribeError, errorFromTransport } from './errors.js';
import { refusedLocally, requestNeverSent } from './never-sent.js';
import { reconciliationHint, settleAmbiguous } from './reconcile.js';
import { readResponse } from './response.js';
import { BackoffSchedule, classifyFailure, DEFAULT_RETRY, type RetryOptions, wait } from './retry-policy.js';
import type { HttpEngine } from './stack.js';
import type { Transport } from './transport.js';
import { baseUrlProblem, normalizeBaseUrl } from './url.js';

/** The lazily loaded part of the client: `stack.ts`. */
type HttpStack = typeof import('./stack.js');

/** The HTTP stack once loaded: from then on, every client builds its engine without waiting. */
let loadedStack: HttpStack | undefined;
/**
 * The one import of the HTTP stack in flight or done. Forgotten if it failed, so a later call tries
 * again: in the CommonJS build that loads it afresh; in the ES module build Node keeps a module whose
 * evaluation failed as failed for the life of the process (docs/reliability.md).
 */
let loadingStack: Promise<HttpStack> | undefined;

/**
 * The lazy-loading seam of the library: `stack.ts` (axios, cockatiel, the transport, the circuit
 * breaker) is imported on the first request of the process, not with the library, so that importing
 * `payroll-identity` and handing out services loads none of it (docs/performance.md, cold start).
 * One dynamic import, cached; once it has resolved, {@link loadedStack} is set and requests use it
 * without awaiting anything. In the CommonJS build the bundler turns the `import()` into a `require`
 * of the stack's chunk.
 */
function loadHttpStack(): Promise<HttpStack> {
  loadingStack ??= import('./stack.js').then(
    (stack) => {
      loadedStack = stack;
      return stack;
    },
    (error: unknown) => {
      loadingStack = undefined;
      throw error;
    },
  );
  return loadingStack;
}

/** How a provider authenticates: the headers to attach and the secret values to redact. */
export interface AuthStrategy {
  /** The headers to attach to every request (asked for on each request). */
  headers(): Readonly<Record<string, string>>;
  /** Every secret value (and derived form, e.g. an encoded Basic pair) to redact from provider text. */
  secrets(): readonly string[];
}

/** The HTTP methods the client sends. */
export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';

/** How a tenant's `HttpClient` is built (the container does it from the tenant's configuration). */
export interface HttpClientOptions {
  /** The tenant id (errors and events carry it). */
  tenant: string;
  /** The provider's name. */
  provider: string;
  /** Absolute base URL: https, or http on loopback. */
  baseUrl: string;
  /** The provider's auth strategy for this tenant. */
  auth: AuthStrategy;
  /** The provider's reader of error bodies. */
  describeError: DescribeError;
  /** Deadline of one call, retries included. */
  timeoutMs: number;
  /** Largest response body accepted, in bytes. */
  maxResponseBytes: number;
  /** Retry policy; unset fields take {@link DEFAULT_RETRY}'s. */
  retry?: Partial<RetryOptions>;
  /** Circuit breaker; unset fields take {@link DEFAULT_CIRCUIT_BREAKER}'s. */
  circuitBreaker?: Partial<CircuitBreakerOptions>;
  /** pino-compatible logger; silent when unset. */
  logger?: Logger;
  /** The host's event hooks. */
  hooks?: RequestHooks;
  /**
   * What sends each request (an axios adapter); default: the lean `node:http`/`node:https`
   * transport over this client's keep-alive agents (`nodeTransport` in `transport.ts`). Every rule above
   * (deadline, size cap via `maxContentLength`, no redirects) is the transport's to honour.
   */
  transport?: Transport;
}

/** One call an adapter makes through {@link HttpClient.request}. */
export interface RequestSpec<T> {
  /** The `UserService` operation the call belongs to (errors and events carry it). */
  operation: CallOperation;
  /** The HTTP method. */
  method: HttpMethod;
  /** Path below the base URL, starting with `/`. Ids in it must already be validated. */
  path: string;
  /** The path as events show it (`/v2/users/{id}`); default: `path` with id-like segments replaced. */
  pathTemplate?: string;
  /** Query parameters; `undefined` values are left out. */
  query?: Record<string, string | number | undefined>;
  /** The JSON body, in the provider's words (validated before, by the adapter). */
  body?: unknown;
  /** Schema of the success body; omit when success has no body to read (a 204). */
  response?: z.ZodType<T>;
  /** Success statuses; default: any 2xx. Another 2xx is `unexpected_response`. */
  expectStatus?: readonly number[];
  /** Personal data this call carries; any provider text is scrubbed of it. */
  sensitive?: Iterable<string | undefined | null>;
  /**
   * Whether sending the request twice has the effect of sending it once. Default: true for GET,
   * PATCH and DELETE, false for POST. Idempotent calls are retried on network errors, timeouts, 429
   * and 502/503/504; non-idempotent ones only when the request provably never left (connection
   * refused, DNS). Mark a POST idempotent only when a second one creates nothing new (a token).
   */
  idempotent?: boolean;
  /**
   * For a non-idempotent call whose outcome is ambiguous: finds what the call created (e.g. the user
   * by its externalId) and returns it as the call's data, or `undefined` when nothing is found (the
   * call then ends in `outcome_unknown`). Pass `signal` on, as is, to the lookup's requests: it ends
   * them at the lookup's deadline, the caller's cancellation or `close()`, and requests carrying it
   * go around the circuit breaker (the lookup is the safety path of a create that most likely
   * happened).
   */
  reconcile?: (signal: AbortSignal | undefined) => Promise<T | undefined>;
  /** What an `outcome_unknown` tells the caller to reconcile with. Never personal data. */
  reconcileHint?: {
    /** The host's id for the user the call creates. */
    externalId?: string;
  };
  /** The caller's `signal` and `timeoutMs`, as the caller gave them: checked here before anything is sent. */
  options?: CallOptions;
}

/** A successful call's result. */
export interface HttpResult<T> {
  /** The HTTP status (200 for a reconciled call). */
  status: number;
  /** The response body, parsed with the spec's schema. */
  data: T;
  /**
   * The provider's request id, when it sent one that looks like an id. Checked when first read (a
   * getter: copying the result with a spread leaves it behind).
   */
  readonly requestId: string | undefined;
  /** True when the data came from `reconcile` after an ambiguous failure (status is then 200). */
  reconciled?: true;
}

/** Per-call state shared by the deadline, the caller's signal and each attempt. */
interface CallState {
  abortedByCaller: boolean;
  /** The client was closed while the call ran. */
  closed: boolean;
  /** Some attempt's request may have reached the provider (for an `aborted` create's flag). */
  mayHaveLeft: boolean;
  /** The last attempt's failure is a 2xx we could not read (over the size cap). */
  unreadableSuccess: boolean;
  timedOut: boolean;
  /** The caller's signal fired with a `TimeoutError` (AbortSignal.timeout()): a deadline, not a cancellation. */
  callerTimedOut: boolean;
  timeoutMs: number;
  maxResponseBytes: number;
  /** `Retry-After` of the last non-2xx answer. */
  retryAfterMs: number | undefined;
  /** The JSON text of the body, serialised once for every attempt. */
  body: string | undefined;
  /** A lookup settling an ambiguous create: it goes around the circuit breaker. */
  lookup: boolean;
}

type Context = ErrorContext & { provider: string; tenant: string; operation: CallOperation };

/** A call in flight, as its deadline and `close()` see it. */
class InFlight extends Deadline {
  constructor(
    readonly controller: AbortController,
    readonly state: CallState,
    readonly dueAt: number,
  ) {
    super();
  }

  expire(): void {
    this.state.timedOut = true;
    this.controller.abort();
  }
}

/**
 * One tenant's HTTP client: the only way an adapter talks to its provider. Every rule of
 * docs/reliability.md and docs/security.md lives here (deadlines, retries, circuit breaker,
 * redaction, no redirects, size cap, https only off loopback).
 *
 * @example
 * ```ts
 * // Acme Pay API document: GET /users/{id} → 200 user
 * const { data } = await http.request({
 *   operation: 'getUser',
 *   method: 'GET',
 *   path: `/users/${checkUserId(userId, ctx)}`,
 *   response: AcmePayUser,     // zod: a 2xx of another shape is unexpected_response
 *   expectStatus: [200],
 *   options,                   // the caller's signal and timeoutMs
 * });
 * ```
 */
export class HttpClient {
  /** The tenant id. */
  readonly tenant: string;
  /** The provider's name. */
  readonly provider: string;
  /** The base URL, without a trailing slash. */
  readonly baseUrl: string;
  // Everything below is `#private`: no way of printing the client (inspect at any depth or with
  // `showHidden`, JSON, structuredClone) reaches the auth strategy, the redactor's values, the
  // agents' sockets (whose requests hold the auth header) or the axios instance.
  readonly #auth: AuthStrategy;
  readonly #describeError: DescribeError;
  readonly #timeoutMs: number;
  readonly #maxResponseBytes: number;
  /** The host's transport, if it gave one. */
  readonly #transport: Transport | undefined;
  /**
   * The axios instance (behind a sender that skips `axios.request`'s per-call merging), the circuit
   * breaker and the backoff: built on the client's first request ({@link HttpClient.request}).
   */
  #engine: HttpEngine | undefined;
  /** Controllers of finished calls whose signal never fired and has no listener left (built-in transport only). */
  readonly #idleControllers: AbortController[] = [];
  readonly #redactor: Redactor;
  readonly #retry: RetryOptions;
  readonly #circuitBreaker: CircuitBreakerOptions;
  readonly #observer: RequestObserver;
  /**
   * Calls in flight, aborted by `close()`. A Set rather than one listener per call on a shared
   * signal: an `AbortSignal` warns past 10 listeners and scans them all on each add.
   */
  readonly #inFlight: Deadlines<InFlight>;
  /** The signals handed to `reconcile`: requests carrying one are lookups, which bypass the breaker. */
  readonly #lookupSignals = new WeakSet<AbortSignal>();
  /** Fires on `close()`: stops the reconciliation lookups of ambiguous creates. */
  readonly #lifetime = new AbortController();
  #closed = false;

  constructor(options: HttpClientOptions) {
    const problem = baseUrlProblem(options.baseUrl);
    if (problem) {
      throw InvalidConfigurationError.of([{ tenant: options.tenant, field: 'baseUrl', reason: problem }]);
    }
    checkLimits(options);
    this.tenant = options.tenant;
    this.provider = options.provider;
    this.baseUrl = normalizeBaseUrl(options.baseUrl);
    this.#auth = options.auth;
    this.#describeError = options.describeError;
    this.#timeoutMs = options.timeoutMs;
    this.#maxResponseBytes = options.maxResponseBytes;
    this.#redactor = new Redactor(options.auth.secrets());
    this.#retry = { ...DEFAULT_RETRY, ...definedOnly(options.retry) };
    this.#circuitBreaker = { ...DEFAULT_CIRCUIT_BREAKER, ...definedOnly(options.circuitBreaker) };
    this.#observer = new RequestObserver(
      clientLogger(options.logger, { lib: 'payroll-identity', tenant: this.tenant, provider: this.provider }),
      options.hooks ?? {},
      options.logger !== undefined,
    );
    this.#transport = options.transport;
    // The built-in transport's calls hold the process open themselves (a socket, a lookup, a
    // connection; between attempts, the backoff's timer): their deadlines' timer need not. A host's
    // transport may hold nothing, and a call in flight must still end at its deadline.
    this.#inFlight = new Deadlines({ holdsProcess: options.transport !== undefined });
  }

  /**
   * This client's engine, built once from the loaded HTTP stack. A failure is the call's
   * `invalid_configuration` (nothing was sent), never an untyped throw.
   */
  #engineFrom(stack: HttpStack, context: Context): HttpEngine {
    // Another call of this client may have built it while this one waited for the stack.
    if (this.#engine) return this.#engine;
    try {
      this.#engine = stack.createHttpEngine({
        baseUrl: this.baseUrl,
        maxResponseBytes: this.#maxResponseBytes,
        transport: this.#transport,
        retry: this.#retry,
        circuitBreaker: this.#circuitBreaker,
        onCircuitStateChange: (state) => {
          if (this.#observer.active)
            this.#observer.circuit({ tenant: this.tenant, provider: this.provider, state });
        },
      });
    } catch (error) {
      throw httpStackProblem(
        context,
        'the HTTP client could not be set up (is `transport` an axios adapter?)',
        error,
      );
    }
    return this.#engine;
  }

  /** The first request of the process: waits for the HTTP stack ({@link loadHttpStack}), then builds the engine. */
  async #loadEngine(context: Context): Promise<HttpEngine> {
    let stack: HttpStack;
    try {
      stack = await loadHttpStack();
    } catch (error) {
      throw httpStackProblem(
        context,
        'the HTTP stack (axios, cockatiel) could not be loaded: is the package installed completely?',
        error,
      );
    }
    return this.#engineFrom(stack, context);
  }

  /** The redactor that knows this tenant's credentials (for adapters that build their own messages). */
  get tenantRedactor(): Redactor {
    return this.#redactor;
  }

  /** The tenant's circuit state: `closed` (normal), `open` (failing fast) or `half_open` (probing). */
  get circuitState(): 'closed' | 'open' | 'half_open' {
    // Before its first request a client has no breaker yet: nothing has failed, the circuit is closed.
    return this.#engine?.circuit.state ?? 'closed';
  }

  /**
   * Sends one call (with the retries the policy allows) and returns its parsed body, or rejects with
   * a redacted `PayrollIdentityError`.
   */
  async request<T = undefined>(spec: RequestSpec<T>): Promise<HttpResult<T>> {
    const context: Context = { provider: this.provider, tenant: this.tenant, operation: spec.operation };
    // Only the first request of the process waits here, for the HTTP stack to load (once; it starts
    // no deadline and sends nothing); every later one finds it loaded and goes on without awaiting.
    const engine =
      this.#engine ??
      (loadedStack ? this.#engineFrom(loadedStack, context) : await this.#loadEngine(context));
    // Checked before anything is sent: a bad deadline or signal must never send a create.
    const options = checkCallOptions(spec.options, context);
    const timeoutMs = options.timeoutMs ?? this.#timeoutMs;
    const callerSignal = options.signal;
    const state: CallState = {
      abortedByCaller: false,
      callerTimedOut: false,
      closed: this.#closed,
      mayHaveLeft: false,
      unreadableSuccess: false,
      timedOut: false,
      timeoutMs,
      maxResponseBytes: this.#maxResponseBytes,
      retryAfterMs: undefined,
      body: requestBody(spec, context),
      lookup: callerSignal !== undefined && this.#lookupSignals.has(callerSignal),
    };
    // Nothing is sent after close(), even by a service handed out before it.
    if (state.closed) throw this.abortedError(spec, context, state, undefined);
    if (callerSignal?.aborted) {
      if (isTimeoutReason(callerSignal.reason)) {
        throw new TimeoutError(
          `${this.provider} ${spec.operation}: the caller's signal had already timed out; nothing was sent`,
          { ...context, cause: callerSignal.reason },
        );
      }
      state.abortedByCaller = true;
      throw this.abortedError(spec, context, state, callerSignal.reason);
    }

    // One controller for the whole call: the caller's signal and our deadline both end it, in the
    // middle of a request or of a backoff wait alike. A caller's signal that fires with a
    // `TimeoutError` (AbortSignal.timeout()) is a deadline, not a cancellation.
    const controller = this.#idleControllers.pop() ?? new AbortController();
    const unsubscribe = callerSignal
      ? subscribeAbort(callerSignal, () => {
          if (isTimeoutReason(callerSignal.reason)) state.callerTimedOut = true;
          else state.abortedByCaller = true;
          controller.abort();
        })
      : undefined;
    const deadline = Date.now() + timeoutMs;
    const now = performance.now();
    const inFlight = new InFlight(controller, state, now + timeoutMs);
    this.#inFlight.add(inFlight, now);

    try {
      return await this.attempts(spec, context, state, controller.signal, deadline, callerSignal, engine);
    } finally {
      this.#inFlight.delete(inFlight);
      unsubscribe?.();
      // Creating an AbortSignal costs more than the rest of a call's bookkeeping (docs/performance.md).
      // One that never fired, handed only to the built-in transport (whose one listener reaches only
      // the requests in flight on the signal, and none is once the call has settled), is as good as
      // new; the listener check is a second guard. A host's transport always gets a fresh one: it may
      // keep the signal after settling (a late listener, `AbortSignal.any`, state keyed by the
      // signal), and a later call's abort must never reach it.
      if (
        this.#transport === undefined &&
        !this.#closed &&
        !controller.signal.aborted &&
        this.#idleControllers.length < 256 &&
        engine.signalIsIdle(controller.signal)
      ) {
        this.#idleControllers.push(controller);
      }
    }
  }

  /** The retry loop: attempt, classify the failure, wait, attempt again, within the deadline. */
  private async attempts<T>(
    spec: RequestSpec<T>,
    context: Context,
    state: CallState,
    signal: AbortSignal,
    deadline: number,
    callerSignal: AbortSignal | undefined,
    engine: HttpEngine,
  ): Promise<HttpResult<T>> {
    const idempotent = isIdempotent(spec);
    let schedule: BackoffSchedule | undefined;
    // Whether an earlier attempt may have reached the provider and taken effect (sent, then no
    // usable answer). For a DELETE, a 404 after such an attempt means that attempt deleted it.
    let earlierMayHaveTakenEffect = false;
    for (let attempt = 1; ; attempt++) {
      let error: PayrollIdentityError;
      try {
        const run = () => this.attempt(spec, context, state, signal, attempt, deadline, engine);
        // The lookups that settle an ambiguous create are the safety path: an open circuit must not
        // turn a create that most likely happened into an `outcome_unknown`. They go around the
        // breaker (neither refused nor counted), within the reconciliation's deadline.
        const outcome = state.lookup ? await run() : await engine.circuit.run(run);
        if (outcome !== CIRCUIT_OPEN) return outcome;
        error = new ProviderUnavailableError(
          `${this.provider} ${spec.operation}: failing fast without a request; the provider kept failing and the circuit breaker is open`,
          context,
        );
      } catch (thrown) {
        if (!(thrown instanceof PayrollIdentityError)) throw thrown;
        error = thrown;
      }
      if (error.code === 'aborted') throw error;
      if (spec.method === 'DELETE' && error.code === 'not_found' && earlierMayHaveTakenEffect) {
        return { status: 204, data: undefined as T, requestId: error.requestId };
      }

      // A 2xx to a create that we cannot read means the provider most likely did it: reporting
      // `unexpected_response` would invite a second create, so it is settled like any ambiguous call.
      const kind =
        !idempotent && unreadableSuccess(error, state) ? 'ambiguous' : classifyFailure(error, idempotent);
      if (kind === 'ambiguous') {
        const { data } = await settleAmbiguous({
          ...context,
          error,
          reconcile: spec.reconcile,
          externalId: spec.reconcileHint?.externalId,
          callerSignal,
          closeSignal: this.#lifetime.signal,
          lookupSignals: this.#lookupSignals,
          timeoutMs: state.timeoutMs,
          observer: this.#observer,
        });
        return { status: 200, data, requestId: undefined, reconciled: true };
      }
      // The caller's own deadline (AbortSignal.timeout()) has passed: no retry can answer in time.
      if (kind === 'final' || attempt > this.#retry.maxRetries || state.callerTimedOut) throw error;
      earlierMayHaveTakenEffect ||= mayHaveTakenEffect(error);
      // A provider that asks for a longer pause than we are willing to wait gets its answer back.
      const retryAfterMs = state.retryAfterMs;
      if (retryAfterMs !== undefined && retryAfterMs > this.#retry.maxRetryAfterMs) throw error;
      schedule ??= new BackoffSchedule(engine.backoff);
      const delayMs = schedule.next(retryAfterMs);
      // Sleeping past the deadline would only turn the real error into a timeout.
      if (Date.now() + delayMs >= deadline) throw error;
      if (this.#observer.active) {
        this.#observer.retry(
          {
            ...this.eventBase(spec, attempt),
            errorCode: error.code,
            ...(error.status !== undefined ? { status: error.status } : {}),
            delayMs,
          },
          state.lookup,
        );
      }
      try {
        await wait(delayMs, signal);
      } catch (thrown) {
        if (state.abortedByCaller || state.closed) throw this.abortedError(spec, context, state, thrown);
        if (state.callerTimedOut) throw this.callerTimeoutError(spec, context, error);
        throw error;
      }
    }
  }

  /** The `timeout` of a call whose caller's signal fired with a `TimeoutError` (AbortSignal.timeout()). */
  private callerTimeoutError(spec: RequestSpec<unknown>, context: Context, cause: unknown): TimeoutError {
    return markCallerMade(
      new TimeoutError(
        `${this.provider} ${spec.operation}: the caller's signal timed out before a complete answer`,
        { ...context, cause },
      ),
    );
  }

  /**
   * The `aborted` error of a call the caller cancelled or `close()` ended. A create whose request may
   * already have left is flagged `mayHaveTakenEffect`, with what to look the user up by: cancelling
   * it does not undo it.
   */
  private abortedError(
    spec: RequestSpec<unknown>,
    context: Context,
    state: CallState,
    cause: unknown,
  ): AbortedError {
    const what = `${this.provider} ${spec.operation}`;
    const why = state.closed ? 'the payroll identity was closed' : 'cancelled by the caller';
    const ctx = { ...context, cause };
    if (isIdempotent(spec) || !state.mayHaveLeft) {
      return new AbortedError(`${what}: ${why}${state.closed ? '; nothing more is sent' : ''}`, {
        ...ctx,
        mayHaveTakenEffect: false,
      });
    }
    return new AbortedError(
      `${what}: ${why}, but the request may already have reached the provider and taken effect (for a create: the user may exist). Look it up (list users by reconciliation.externalId) before sending it again.`,
      {
        ...ctx,
        mayHaveTakenEffect: true,
        reconciliation: reconciliationHint(context, spec.reconcileHint?.externalId),
      },
    );
  }

  private eventBase(spec: RequestSpec<unknown>, attempt: number) {
    return {
      tenant: this.tenant,
      provider: this.provider,
      operation: spec.operation,
      method: spec.method,
      path: spec.pathTemplate ?? pathTemplate(spec.path),
      attempt,
    };
  }

  /** One attempt, reported to the observer when the host is listening. */
  private attempt<T>(
    spec: RequestSpec<T>,
    context: Context,
    state: CallState,
    signal: AbortSignal,
    attempt: number,
    deadline: number,
    engine: HttpEngine,
  ): Promise<HttpResult<T>> {
    // Not an async function: unobserved, the attempt is the send itself, with no promise between.
    if (!this.#observer.active) return this.send(spec, context, state, signal, deadline, engine);
    return this.observedAttempt(spec, context, state, signal, attempt, deadline, engine);
  }

  private async observedAttempt<T>(
    spec: RequestSpec<T>,
    context: Context,
    state: CallState,
    signal: AbortSignal,
    attempt: number,
    deadline: number,
    engine: HttpEngine,
  ): Promise<HttpResult<T>> {
    const base = this.eventBase(spec, attempt);
    this.#observer.start(base, state.lookup);
    const started = performance.now();
    let status: number | undefined;
    let requestId: string | undefined;
    let errorCode: PayrollIdentityError['code'] | undefined;
    try {
      const result = await this.send(spec, context, state, signal, deadline, engine);
      status = result.status;
      requestId = result.requestId;
      return result;
    } catch (error) {
      if (error instanceof PayrollIdentityError) {
        errorCode = error.code;
        status = error.status;
        requestId = error.requestId;
      }
      throw error;
    } finally {
      this.#observer.end(
        {
          ...base,
          durationMs: Math.round((performance.now() - started) * 1000) / 1000,
          ...(status !== undefined ? { status } : {}),
          ...(requestId !== undefined ? { requestId } : {}),
          ...(errorCode !== undefined ? { errorCode } : {}),
        },
        state.lookup,
      );
    }
  }

  /** Sends one request (bounded by `retry.attemptTimeoutMs` when set) and reads its response. */
  private async send<T>(
    spec: RequestSpec<T>,
    context: Context,
    state: CallState,
    callSignal: AbortSignal,
    deadline: number,
    engine: HttpEngine,
  ): Promise<HttpResult<T>> {
    state.retryAfterMs = undefined;
    state.unreadableSuccess = false;
    const attemptTimeoutMs = this.#retry.attemptTimeoutMs;
    let signal = callSignal;
    let attemptTimer: NodeJS.Timeout | undefined;
    let attemptTimedOut = false;
    let unlink: (() => void) | undefined;
    // An attempt deadline only matters when it ends before the call's own.
    if (attemptTimeoutMs !== undefined && Date.now() + attemptTimeoutMs < deadline) {
      const attemptController = new AbortController();
      const onCallAbort = () => attemptController.abort();
      callSignal.addEventListener('abort', onCallAbort, { once: true });
      unlink = () => callSignal.removeEventListener('abort', onCallAbort);
      attemptTimer = setTimeout(() => {
        attemptTimedOut = true;
        attemptController.abort();
      }, attemptTimeoutMs);
      signal = attemptController.signal;
    }

    let response: AxiosResponse;
    try {
      response = await engine.sender.send({
        method: spec.method,
        url: spec.path,
        params: spec.query,
        body: state.body,
        headers: this.#auth.headers(),
        signal,
      });
    } catch (error) {
      if (state.abortedByCaller || state.closed) {
        // A cancellation the transport proves sent nothing leaves the provider untouched; any other
        // (a custom transport cannot tell) may have reached it.
        if (!requestNeverSent(error)) state.mayHaveLeft = true;
        throw this.abortedError(spec, context, state, error);
      }
      if (state.callerTimedOut) {
        if (!requestNeverSent(error)) state.mayHaveLeft = true;
        throw this.callerTimeoutError(spec, context, error);
      }
      // Refused by the transport before a request existed (a URL or body it cannot send): the
      // caller's problem, and provably nothing left, so never an ambiguous create.
      if (refusedLocally(error)) {
        throw new InvalidInputError(
          `${this.provider} ${spec.operation}: the request was refused before sending; nothing was sent`,
          { ...context, cause: error },
        );
      }
      const timedOut = attemptTimedOut && !state.abortedByCaller && !state.timedOut;
      const failure = errorFromTransport(
        error,
        timedOut ? { ...state, timedOut: true, timeoutMs: attemptTimeoutMs ?? state.timeoutMs } : state,
        context,
      );
      if (!(failure instanceof NetworkError && failure.beforeRequestSent)) state.mayHaveLeft = true;
      // Over the size cap: an answer we could not read. Unless its status says it was a refusal
      // (3xx, 4xx), it may be the success of a create.
      if (failure.code === 'unexpected_response') {
        const status = engine.answeredStatus(error);
        state.unreadableSuccess = status === undefined || status < 300 || status >= 500;
      }
      throw failure;
    } finally {
      if (attemptTimer) clearTimeout(attemptTimer);
      unlink?.();
    }
    state.mayHaveLeft = true;
    return readResponse(response, spec, context, this.#redactor, this.#describeError, (ms) => {
      state.retryAfterMs = ms;
    });
  }

  /** What printing the client shows: which tenant and provider it serves, never its credentials. */
  toJSON(): {
    /** The tenant id. */
    tenant: string;
    /** The provider's name. */
    provider: string;
    /** The provider's base URL. */
    baseUrl: string;
    /** The tenant's circuit state (see {@link HttpClient.circuitState}). */
    circuitState: string;
    /** Whether `close()` was called. */
    closed: boolean;
  } {
    return {
      tenant: this.tenant,
      provider: this.provider,
      baseUrl: this.baseUrl,
      circuitState: this.circuitState,
      closed: this.#closed,
    };
  }

  /** What `util.inspect` / `console.log` show: `HttpClient` and {@link HttpClient.toJSON}. */
  [inspect.custom](_depth: number, options: object, inspectFn: typeof inspect = inspect): string {
    return `HttpClient ${inspectFn(this.toJSON(), { ...options, depth: 1 })}`;
  }

  /** Whether `close()` was called: the client sends nothing any more. */
  get isClosed(): boolean {
    return this.#closed;
  }

  /**
   * Ends the client for good: calls in flight (and their reconciliation lookups) end `aborted`, later
   * calls reject `aborted` without a request, and the keep-alive connections are closed. A service
   * handed out before keeps its reference to this client, so this is what stops it.
   */
  close(): void {
    if (!this.#closed) {
      this.#closed = true;
      this.#idleControllers.length = 0;
      const calls = this.#inFlight.entries();
      this.#inFlight.clear();
      for (const call of calls) {
        call.state.closed = true;
        call.controller.abort();
      }
      this.#lifetime.abort();
    }
    this.#engine?.httpAgent.destroy();
    this.#engine?.httpsAgent.destroy();
  }
}

/**
 * Largest request body sent, in bytes (1 MiB). Separate from `maxResponseBytes` (which caps what the
 * provider sends back): a user record is a few kilobytes, so a larger body is a mistake, refused
 * before anything leaves.
 */
export const MAX_REQUEST_BYTES = 1024 * 1024;

/** The body as JSON text, once per call; `invalid_input` (nothing sent) when it cannot or must not go. */
function requestBody(spec: RequestSpec<unknown>, context: Context): string | undefined {
  if (spec.body === undefined) return undefined;
  let text: string;
  try {
    text = typeof spec.body === 'string' ? spec.body : JSON.stringify(spec.body);
  } catch (error) {
    throw new InvalidInputError(
      `${context.provider} ${context.operation}: the request body cannot be written as JSON; nothing was sent`,
      {
        ...context,
        cause: error,
      },
    );
  }
  // Counted only when it could matter: every UTF-16 unit takes one to three UTF-8 bytes.
  if (
    text.length * 3 > MAX_REQUEST_BYTES &&
    (text.length > MAX_REQUEST_BYTES || Buffer.byteLength(text, 'utf8') > MAX_REQUEST_BYTES)
  ) {
    throw new InvalidInputError(
      `${context.provider} ${context.operation}: the request body is larger than ${MAX_REQUEST_BYTES} bytes; it was refused before sending, nothing was sent`,
      context,
    );
  }
  return text;
}

/** Why the HTTP stack is not there for a call: `invalid_configuration`, before anything was sent. */
function httpStackProblem(context: Context, reason: string, cause: unknown): InvalidConfigurationError {
  return InvalidConfigurationError.of([{ tenant: context.tenant, field: '(http client)', reason }], {
    ...context,
    cause,
  });
}

/** The client's own numbers, for a host that builds one directly (the configuration schema checks a tenant's). */
function checkLimits(options: HttpClientOptions): void {
  const problems: { tenant: string; field: string; reason: string }[] = [];
  const whole = (value: unknown, max: number) =>
    typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= max;
  if (!whole(options.timeoutMs, MAX_TIMEOUT_MS)) {
    problems.push({
      tenant: options.tenant,
      field: 'timeoutMs',
      reason: `must be a whole number of milliseconds from 1 to ${MAX_TIMEOUT_MS}`,
    });
  }
  if (!whole(options.maxResponseBytes, Number.MAX_SAFE_INTEGER)) {
    problems.push({
      tenant: options.tenant,
      field: 'maxResponseBytes',
      reason: 'must be a whole number of bytes, at least 1',
    });
  }
  if (problems.length > 0) throw InvalidConfigurationError.of(problems);
}

/** `{ a: undefined }` must not override a default with `undefined`. */
function definedOnly<T extends object>(value: T | undefined): Partial<T> {
  const out: Partial<T> = {};
  if (!value) return out;
  for (const [k, v] of Object.entries(value)) if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  return out;
}

/** Default: GET, PATCH and DELETE are idempotent, POST is not (see {@link RequestSpec.idempotent}). */
function isIdempotent(spec: RequestSpec<unknown>): boolean {
  return spec.idempotent ?? spec.method !== 'POST';
}

/**
 * Whether a failure is a 2xx whose body we could not read (not JSON, wrong shape, an undocumented
 * 2xx status) or an answer over the size cap that was not a refusal.
 */
function unreadableSuccess(error: PayrollIdentityError, state: CallState): boolean {
  if (error.code !== 'unexpected_response') return false;
  if (error.status !== undefined) return error.status >= 200 && error.status < 300;
  return state.unreadableSuccess;
}

/** Whether a failed attempt may still have been carried out by the provider. */
function mayHaveTakenEffect(error: PayrollIdentityError): boolean {
  if (error instanceof NetworkError) return !error.beforeRequestSent;
  return error.code === 'timeout' || (error.status !== undefined && error.status >= 500);
}

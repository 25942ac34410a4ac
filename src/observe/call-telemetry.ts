/**
 * One `UserService` call as OpenTelemetry sees it: a span (kind CLIENT) and one measurement of the
 * duration histogram. The HTTP client reports each attempt to its `RequestObserver`, which hands
 * the events to the call running in the current async context ({@link currentCall}).
 *
 * Only allow-listed values are recorded, as for the request events (events.ts): the operation,
 * tenant and provider ids, the provider's host and port, the method, the path *template*
 * (`/v2/users/{id}`), statuses, counts, error codes and the provider's request id when it has the
 * shape of an id. Never a user id, an external id, a full URL, a query, a header, a body, an error
 * message or a credential: nothing the call was given.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { type CallOperation, isPayrollIdentityError } from '../errors.js';
import type { CircuitEvent, OutcomeEvent, RequestEndEvent, RequestStartEvent, RetryEvent } from './events.js';
import type { OtelAttributes, OtelInstruments, OtelSpan } from './otel.js';

/** Created on the first traced call: until then no async context is tracked at all. */
let storage: AsyncLocalStorage<CallTelemetry> | undefined;

/** The traced call the current code runs for, if any. */
export function currentCall(): CallTelemetry | undefined {
  return storage?.getStore();
}

/** Where the tenant's provider is: `server.address` and `server.port`. */
export interface ServerAddress {
  address: string;
  port: number;
}

/** `https://api.argyle.com/v2` → `{ address: 'api.argyle.com', port: 443 }`; nothing for an unparsable URL. */
export function serverAddressOf(baseUrl: string): ServerAddress | undefined {
  try {
    const url = new URL(baseUrl);
    const port = url.port === '' ? (url.protocol === 'http:' ? 80 : 443) : Number(url.port);
    return { address: url.hostname, port };
  } catch {
    return undefined;
  }
}

/** How a call ended: `ok`, `reconciled` (an ambiguous create found afterwards) or `error`. */
export type CallOutcome = 'ok' | 'reconciled' | 'error';

export class CallTelemetry {
  readonly #tools: OtelInstruments;
  readonly #operation: CallOperation;
  readonly #tenant: string;
  readonly #provider: string;
  /** Unset when no tracer is registered or the sampler dropped the span. */
  readonly #span: OtelSpan | undefined;
  readonly #context: unknown;
  readonly #started = performance.now();
  #ended = false;
  // The call's own last attempt (reconciliation lookups are counted apart).
  #method: string | undefined;
  #template: string | undefined;
  #attempt = 0;
  #status: number | undefined;
  #requestId: string | undefined;
  #requests = 0;
  #retries = 0;
  #lookups = 0;
  #reconciled = false;

  constructor(
    tools: OtelInstruments,
    operation: CallOperation,
    tenant: string,
    provider: string,
    server: ServerAddress | undefined,
  ) {
    this.#tools = tools;
    this.#operation = operation;
    this.#tenant = tenant;
    this.#provider = provider;
    const { api, tracer } = tools;
    if (tracer) {
      const attributes: OtelAttributes = {
        'payroll_identity.operation': operation,
        'payroll_identity.tenant': tenant,
        'payroll_identity.provider': provider,
      };
      if (server) {
        attributes['server.address'] = server.address;
        attributes['server.port'] = server.port;
      }
      const span = tracer.startSpan(`payroll-identity ${operation}`, {
        kind: api.SpanKind.CLIENT,
        attributes,
      });
      if (span.isRecording()) this.#span = span;
      else span.end();
    }
    this.#context = this.#span ? api.trace.setSpan(api.context.active(), this.#span) : undefined;
  }

  /**
   * Runs `fn` as part of this call: the HTTP client's events reach this object, and the span is
   * the active one (so the host's own HTTP instrumentation, if any, nests its spans under it).
   */
  run<R>(fn: () => R): R {
    storage ??= new AsyncLocalStorage<CallTelemetry>();
    const context = this.#context;
    if (context === undefined) return storage.run(this, fn);
    return storage.run(this, () => this.#tools.api.context.with(context as never, fn));
  }

  requestStart(event: RequestStartEvent, lookup: boolean): void {
    this.#requests++;
    if (lookup) {
      this.#lookups++;
      return;
    }
    this.#method = event.method;
    this.#template = event.path;
    this.#attempt = event.attempt;
    this.#status = undefined;
    this.#requestId = undefined;
  }

  requestEnd(event: RequestEndEvent, lookup: boolean): void {
    if (lookup) return;
    this.#status = event.status;
    this.#requestId = event.requestId;
  }

  retry(event: RetryEvent, lookup: boolean): void {
    this.#retries++;
    if (!this.#span) return;
    const attributes: OtelAttributes = {
      'payroll_identity.attempt': event.attempt,
      'error.type': event.errorCode,
      'payroll_identity.retry.delay_ms': event.delayMs,
    };
    if (event.status !== undefined) attributes['http.response.status_code'] = event.status;
    if (lookup) attributes['payroll_identity.reconciliation_lookup'] = true;
    this.#span.addEvent('payroll_identity.retry', attributes);
  }

  ambiguous(event: OutcomeEvent): void {
    this.#reconciled = event.outcome === 'reconciled';
    if (!this.#span) return;
    const attributes: OtelAttributes = {
      'payroll_identity.reconciliation.outcome': event.outcome,
      'error.type': event.errorCode,
    };
    if (event.status !== undefined) attributes['http.response.status_code'] = event.status;
    this.#span.addEvent('payroll_identity.ambiguous_outcome', attributes);
  }

  circuit(event: CircuitEvent): void {
    this.#span?.addEvent('payroll_identity.circuit_state_change', {
      'payroll_identity.circuit.state': event.state,
    });
  }

  /** Ends the span and records the duration; `failed` is what the call threw (nothing: it succeeded). */
  finish(failed: boolean, error?: unknown): void {
    if (this.#ended) return;
    this.#ended = true;
    const seconds = (performance.now() - this.#started) / 1000;
    const outcome: CallOutcome = failed ? 'error' : this.#reconciled ? 'reconciled' : 'ok';
    // The library's code, low-cardinality; anything else (a custom provider's own error) is `_OTHER`.
    const errorType = failed ? (isPayrollIdentityError(error) ? error.code : '_OTHER') : undefined;
    const span = this.#span;
    if (span) {
      span.setAttribute('payroll_identity.outcome', outcome);
      span.setAttribute('payroll_identity.http.requests', this.#requests);
      if (this.#retries > 0) span.setAttribute('payroll_identity.http.retries', this.#retries);
      if (this.#lookups > 0) span.setAttribute('payroll_identity.reconciliation.requests', this.#lookups);
      if (this.#method !== undefined) span.setAttribute('http.request.method', this.#method);
      if (this.#template !== undefined) span.setAttribute('url.template', this.#template);
      if (this.#status !== undefined) span.setAttribute('http.response.status_code', this.#status);
      if (this.#attempt > 1) span.setAttribute('http.request.resend_count', this.#attempt - 1);
      if (this.#requestId !== undefined)
        span.setAttribute('payroll_identity.provider_request_id', this.#requestId);
      if (errorType !== undefined) {
        span.setAttribute('error.type', errorType);
        span.setStatus({ code: this.#tools.api.SpanStatusCode.ERROR, message: errorType });
      }
      span.end();
    }
    const histogram = this.#tools.histogram;
    if (histogram) {
      const attributes: OtelAttributes = {
        'payroll_identity.operation': this.#operation,
        'payroll_identity.tenant': this.#tenant,
        'payroll_identity.provider': this.#provider,
        'payroll_identity.outcome': outcome,
      };
      if (errorType !== undefined) attributes['error.type'] = errorType;
      histogram.record(seconds, attributes);
    }
  }
}

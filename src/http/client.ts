/**
 * The HTTP client every adapter uses: one per tenant (DESIGN.md §5).
 *
 * - credentials come from the provider's {@link AuthStrategy} on every request and are never stored
 *   on an error;
 * - redirects are never followed (`maxRedirects: 0`), responses are capped in size, a deadline
 *   covers the whole call, `https` is required except on loopback, proxies from the environment
 *   are ignored (credentials must not travel to a host the configuration does not name);
 * - 2xx bodies are parsed with the caller's zod schema: a mismatch is `unexpected_response`;
 *   anything else goes through {@link errorFromStatus} / {@link errorFromTransport}.
 */
import http from 'node:http';
import https from 'node:https';
import axios, { type AxiosInstance, type AxiosResponse } from 'axios';
import type { z } from 'zod';
import {
  type ErrorContext,
  InvalidConfigurationError,
  type Operation,
  UnexpectedResponseError,
} from '../errors.js';
import { Redactor } from '../redact.js';
import type { CallOptions } from '../user-service.js';
import { issuePath } from '../validation.js';
import { type DescribeError, errorFromStatus, errorFromTransport } from './errors.js';
import { baseUrlProblem, normalizeBaseUrl } from './url.js';

/** How a provider authenticates: the headers to attach and the secret values to redact. */
export interface AuthStrategy {
  headers(): Readonly<Record<string, string>>;
  secrets(): readonly string[];
}

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';

export interface HttpClientOptions {
  tenant: string;
  provider: string;
  baseUrl: string;
  auth: AuthStrategy;
  describeError: DescribeError;
  timeoutMs: number;
  maxResponseBytes: number;
}

export interface RequestSpec<T> {
  operation: Operation;
  method: HttpMethod;
  /** Path below the base URL, starting with `/`. Ids in it must already be validated. */
  path: string;
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  /** Schema of the success body; omit when success has no body to read (a 204). */
  response?: z.ZodType<T>;
  /** Success statuses; default: any 2xx. Another 2xx is `unexpected_response`. */
  expectStatus?: readonly number[];
  /** Personal data this call carries; any provider text is scrubbed of it. */
  sensitive?: Iterable<string | undefined | null>;
  options?: CallOptions;
}

export interface HttpResult<T> {
  status: number;
  data: T;
  requestId: string | undefined;
}

function headerMap(response: AxiosResponse): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(response.headers ?? {})) {
    out[k.toLowerCase()] = Array.isArray(v)
      ? v.join(', ')
      : v === undefined || v === null
        ? undefined
        : String(v);
  }
  return out;
}

function parseJson(text: unknown): { ok: true; value: unknown } | { ok: false } {
  if (typeof text !== 'string') return { ok: true, value: text };
  if (text.trim() === '') return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

export class HttpClient {
  readonly tenant: string;
  readonly provider: string;
  readonly baseUrl: string;
  private readonly axios: AxiosInstance;
  private readonly redactor: Redactor;
  private readonly httpAgent: http.Agent;
  private readonly httpsAgent: https.Agent;

  constructor(private readonly options: HttpClientOptions) {
    const problem = baseUrlProblem(options.baseUrl);
    if (problem) {
      throw new InvalidConfigurationError([{ tenant: options.tenant, field: 'baseUrl', reason: problem }]);
    }
    this.tenant = options.tenant;
    this.provider = options.provider;
    this.baseUrl = normalizeBaseUrl(options.baseUrl);
    this.redactor = new Redactor(options.auth.secrets());
    this.httpAgent = new http.Agent({ keepAlive: true });
    this.httpsAgent = new https.Agent({ keepAlive: true });
    this.axios = axios.create({
      baseURL: this.baseUrl,
      allowAbsoluteUrls: false,
      maxRedirects: 0,
      maxContentLength: options.maxResponseBytes,
      maxBodyLength: options.maxResponseBytes,
      proxy: false,
      responseType: 'text',
      transformResponse: [(data: unknown) => data],
      validateStatus: () => true,
      httpAgent: this.httpAgent,
      httpsAgent: this.httpsAgent,
      headers: { Accept: 'application/json' },
    });
  }

  /** The redactor that knows this tenant's credentials (for adapters that build their own messages). */
  get tenantRedactor(): Redactor {
    return this.redactor;
  }

  async request<T = undefined>(spec: RequestSpec<T>): Promise<HttpResult<T>> {
    const timeoutMs = spec.options?.timeoutMs ?? this.options.timeoutMs;
    const callerSignal = spec.options?.signal;
    const context: ErrorContext & { provider: string; operation: Operation } = {
      provider: this.provider,
      tenant: this.tenant,
      operation: spec.operation,
    };
    const state = {
      abortedByCaller: false,
      timedOut: false,
      timeoutMs,
      maxResponseBytes: this.options.maxResponseBytes,
    };
    if (callerSignal?.aborted) {
      state.abortedByCaller = true;
      throw errorFromTransport(callerSignal.reason, state, context);
    }

    // One controller for the whole call: the caller's signal and our deadline both end it.
    const controller = new AbortController();
    const onCallerAbort = () => {
      state.abortedByCaller = true;
      controller.abort();
    };
    callerSignal?.addEventListener('abort', onCallerAbort, { once: true });
    const timer = setTimeout(() => {
      state.timedOut = true;
      controller.abort();
    }, timeoutMs);

    let response: AxiosResponse;
    try {
      response = await this.axios.request({
        method: spec.method,
        url: spec.path,
        params: spec.query,
        data: spec.body,
        headers: {
          ...(spec.body !== undefined ? { 'Content-Type': 'application/json' } : {}),
          ...this.options.auth.headers(),
        },
        signal: controller.signal,
      });
    } catch (error) {
      throw errorFromTransport(error, state, context);
    } finally {
      clearTimeout(timer);
      callerSignal?.removeEventListener('abort', onCallerAbort);
    }

    const headers = headerMap(response);
    const requestId = headers['x-request-id'] ?? headers['request-id'];
    const status = response.status;
    const parsed = parseJson(response.data);
    const ctx = { ...context, requestId };

    if (status < 200 || status >= 300) {
      const redactor = spec.sensitive ? this.redactor.with(spec.sensitive) : this.redactor;
      const description = this.options.describeError(status, parsed.ok ? parsed.value : undefined);
      throw errorFromStatus(status, headers, description, redactor, ctx);
    }
    if (spec.expectStatus && !spec.expectStatus.includes(status)) {
      throw new UnexpectedResponseError(
        `${this.provider} ${spec.operation}: HTTP ${status} where the documents say ${spec.expectStatus.join(' or ')}`,
        [],
        { ...ctx, status },
      );
    }
    if (!spec.response) return { status, data: undefined as T, requestId };
    if (!parsed.ok) {
      throw new UnexpectedResponseError(
        `${this.provider} ${spec.operation}: the response body is not JSON`,
        [],
        {
          ...ctx,
          status,
        },
      );
    }
    const result = spec.response.safeParse(parsed.value);
    if (!result.success) {
      const issues = result.error.issues.map((i) => `${issuePath(i.path) || '(body)'}: ${i.code}`);
      throw new UnexpectedResponseError(
        `${this.provider} ${spec.operation}: the response does not match the documented shape`,
        issues,
        { ...ctx, status },
      );
    }
    return { status, data: result.data, requestId };
  }

  /** Closes the keep-alive connections. */
  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }
}

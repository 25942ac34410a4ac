/**
 * OpenTelemetry, when the host has it: `@opentelemetry/api` is an optional peer dependency, loaded
 * on the first `UserService` call (never at import) and only if it resolves. No type of it is
 * imported either: the few members used are declared below, so the library type-checks and its
 * declarations stay free of it when the host does not install it.
 *
 * Per call, {@link otelInstruments} answers whether anything listens: it returns nothing when the
 * package is absent, or when neither a tracer provider nor a meter provider is registered (the
 * API's no-op ones), so such a call builds no span, no attribute object and no context.
 */
import { createRequire } from 'node:module';
import { LIBRARY_VERSION } from '../http/user-agent.js';

/** An attribute value (the subset of OpenTelemetry's used here). */
export type OtelAttributes = Record<string, string | number | boolean>;

/** The members of an OpenTelemetry `Span` used here. */
export interface OtelSpan {
  isRecording(): boolean;
  setAttribute(key: string, value: string | number | boolean): unknown;
  addEvent(name: string, attributes?: OtelAttributes): unknown;
  setStatus(status: { code: number; message?: string }): unknown;
  end(): void;
}

/** The members of an OpenTelemetry `Tracer` used here. */
export interface OtelTracer {
  startSpan(name: string, options?: { kind?: number; attributes?: OtelAttributes }): OtelSpan;
}

/** The members of an OpenTelemetry `Histogram` used here. */
export interface OtelHistogram {
  record(value: number, attributes?: OtelAttributes): void;
}

interface OtelMeter {
  createHistogram(
    name: string,
    options?: { description?: string; unit?: string; advice?: { explicitBucketBoundaries?: number[] } },
  ): OtelHistogram;
}

/** The members of `@opentelemetry/api` used here (a test checks the real module against it). */
export interface OtelApi {
  trace: {
    getTracerProvider(): { getTracer(name: string, version?: string): OtelTracer };
    setSpan(context: unknown, span: OtelSpan): unknown;
  };
  context: {
    active(): unknown;
    with<R>(context: never, fn: () => R): R;
  };
  metrics: {
    getMeterProvider(): { getMeter(name: string, version?: string): OtelMeter };
  };
  SpanKind: { CLIENT: number };
  SpanStatusCode: { ERROR: number };
  /** Present in every 1.x; used to recognise "no tracer provider registered". */
  ProxyTracerProvider?: new () => { getDelegate(): unknown };
  /** Present from 1.3; used to recognise "no meter provider registered". */
  createNoopMeter?: () => unknown;
}

/** What a call records with, when something listens. */
export interface OtelInstruments {
  api: OtelApi;
  /** Unset when no tracer provider is registered. */
  tracer: OtelTracer | undefined;
  /** Unset when no meter provider is registered. */
  histogram: OtelHistogram | undefined;
}

/** The instrumentation scope's name (tracer and meter). */
export const INSTRUMENTATION_NAME = 'payroll-identity';
/** The duration metric's name. */
export const CALL_DURATION_METRIC = 'payroll_identity.call.duration';
/** Seconds: a call is milliseconds to a timeout's tens of seconds (default 30, at most 600). */
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 600];

type Loader = () => unknown;
const defaultLoader: Loader = () => createRequire(import.meta.url)('@opentelemetry/api');
let loader: Loader = defaultLoader;
/** `undefined`: not tried yet; `null`: absent (or not usable). */
let api: OtelApi | null | undefined;

function loadApi(): OtelApi | null {
  if (api !== undefined) return api;
  try {
    const loaded = loader() as Partial<OtelApi> | undefined;
    api =
      typeof loaded?.trace?.getTracerProvider === 'function' &&
      typeof loaded.metrics?.getMeterProvider === 'function' &&
      typeof loaded.context?.with === 'function'
        ? (loaded as OtelApi)
        : null;
  } catch {
    // Not installed (the usual case), or broken: either way, no telemetry.
    api = null;
  }
  return api;
}

let noopTracerProvider: unknown;
let noopMeter: unknown;
let seenTracerProvider: unknown;
let seenMeterProvider: unknown;
let current: OtelInstruments | undefined;

/** The global tracer provider's delegate: the API keeps one proxy, whose delegate is what was registered. */
function tracerDelegate(a: OtelApi): unknown {
  const provider = a.trace.getTracerProvider() as { getDelegate?: () => unknown };
  return typeof provider.getDelegate === 'function' ? provider.getDelegate() : provider;
}

/**
 * The tracer and histogram to record a call with, or `undefined` when nothing listens. Cheap on
 * every call: two lookups of the API's globals; instruments are made again only when the host
 * registers another provider.
 */
export function otelInstruments(): OtelInstruments | undefined {
  const a = loadApi();
  if (!a) return undefined;
  const tracerProvider = tracerDelegate(a);
  const meterProvider = a.metrics.getMeterProvider();
  if (tracerProvider === seenTracerProvider && meterProvider === seenMeterProvider) return current;
  seenTracerProvider = tracerProvider;
  seenMeterProvider = meterProvider;
  noopTracerProvider ??= a.ProxyTracerProvider ? new a.ProxyTracerProvider().getDelegate() : null;
  noopMeter ??= a.createNoopMeter ? a.createNoopMeter() : null;
  const tracer =
    tracerProvider === noopTracerProvider
      ? undefined
      : a.trace.getTracerProvider().getTracer(INSTRUMENTATION_NAME, LIBRARY_VERSION);
  const meter = meterProvider.getMeter(INSTRUMENTATION_NAME, LIBRARY_VERSION);
  const histogram =
    meter === noopMeter
      ? undefined
      : meter.createHistogram(CALL_DURATION_METRIC, {
          description: 'Duration of payroll-identity UserService calls, retries and reconciliation included',
          unit: 's',
          advice: { explicitBucketBoundaries: DURATION_BUCKETS },
        });
  current = tracer || histogram ? { api: a, tracer, histogram } : undefined;
  return current;
}

/**
 * For tests only: how `@opentelemetry/api` is loaded (a loader that throws stands for "not
 * installed"). `undefined` restores the real one. Forgets what was loaded and seen.
 */
export function setOtelLoaderForTests(next: Loader | undefined): void {
  loader = next ?? defaultLoader;
  api = undefined;
  seenTracerProvider = undefined;
  seenMeterProvider = undefined;
  noopTracerProvider = undefined;
  noopMeter = undefined;
  current = undefined;
}

/**
 * One tenant's circuit breaker: its options, and which failures count. The breaker itself
 * (`TenantCircuit`, cockatiel's) is in `tenant-circuit.ts`, loaded with the rest of the HTTP
 * stack on the first request (`stack.ts`); what the configuration and the client need before then is
 * here.
 *
 * After `threshold` attempts in a row fail at the provider (5xx, network error, timeout), calls fail
 * fast without a request until `halfOpenAfterMs` has passed; then one call is let through as a probe.
 * Its success closes the circuit; its failure opens it again. While the probe is in flight, other
 * calls fail fast too (cockatiel would make them wait for the probe, past their own deadline).
 */
import { PayrollIdentityError } from '../errors.js';

/** A tenant's circuit breaker (`circuitBreaker` in its configuration; docs/reliability.md). */
export interface CircuitBreakerOptions {
  /** `false` turns the breaker off. */
  enabled: boolean;
  /** Consecutive failed attempts that open the circuit. */
  threshold: number;
  /** How long the circuit stays open before a probe is let through. */
  halfOpenAfterMs: number;
}

/** The circuit breaker's defaults: on, opens after 10 failed attempts in a row, probes after 30 s. */
export const DEFAULT_CIRCUIT_BREAKER: Readonly<CircuitBreakerOptions> = Object.freeze({
  enabled: true,
  threshold: 10,
  halfOpenAfterMs: 30_000,
});

/** Returned instead of running the attempt when the circuit refuses it. */
export const CIRCUIT_OPEN: unique symbol = Symbol('circuit-open');

/**
 * Failures the caller brought about (its own `AbortSignal.timeout()` firing): like a cancellation,
 * they say nothing about the provider, so they neither count as a failure nor end a run of them.
 */
const CALLER_MADE = new WeakSet<object>();

/** Marks an error as the caller's doing (returns it). */
export function markCallerMade<E extends object>(error: E): E {
  CALLER_MADE.add(error);
  return error;
}

/** Whether a failure is the caller's doing: its cancellation, or its own deadline ({@link markCallerMade}). */
export function callerMade(error: unknown): boolean {
  return (
    (error instanceof PayrollIdentityError && error.code === 'aborted') ||
    (typeof error === 'object' && error !== null && CALLER_MADE.has(error))
  );
}

/** Failures that say the provider (or the way to it) is not working, as opposed to an answer. */
export function isProviderFailure(error: unknown): boolean {
  if (!(error instanceof PayrollIdentityError) || CALLER_MADE.has(error)) return false;
  return (
    error.code === 'network_error' ||
    error.code === 'timeout' ||
    (error.code === 'provider_unavailable' && error.status !== undefined)
  );
}

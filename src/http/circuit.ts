/**
 * One tenant's circuit breaker (cockatiel's, with a consecutive-failure breaker): after `threshold`
 * attempts in a row fail at the provider (5xx, network error, timeout), calls fail fast without a
 * request until `halfOpenAfterMs` has passed; then one call is let through as a probe. Its success
 * closes the circuit; its failure opens it again. While the probe is in flight, other calls fail
 * fast too (cockatiel would make them wait for the probe, past their own deadline).
 */
import {
  BrokenCircuitError,
  type CircuitBreakerPolicy,
  CircuitState,
  ConsecutiveBreaker,
  circuitBreaker,
  handleWhen,
} from 'cockatiel';
import { PayrollIdentityError } from '../errors.js';
import type { CircuitState as CircuitStateName } from '../observe/events.js';

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

function callerMade(error: unknown): boolean {
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

const STATE_NAMES: Record<CircuitState, CircuitStateName> = {
  [CircuitState.Closed]: 'closed',
  [CircuitState.Open]: 'open',
  [CircuitState.HalfOpen]: 'half_open',
  [CircuitState.Isolated]: 'open',
};

export class TenantCircuit {
  private readonly policy: CircuitBreakerPolicy | undefined;
  private readonly counter: ConsecutiveBreaker | undefined;

  constructor(options: CircuitBreakerOptions, onStateChange: (state: CircuitStateName) => void) {
    if (!options.enabled) return;
    const counter = new ConsecutiveBreaker(options.threshold);
    const policy = circuitBreaker(
      // A caller's cancellation says nothing about the provider, except during the probe: an
      // unfinished probe proves nothing, so the circuit stays open rather than closing.
      handleWhen((e) => isProviderFailure(e) || (callerMade(e) && policy.state === CircuitState.HalfOpen)),
      { halfOpenAfter: options.halfOpenAfterMs, breaker: counter },
    );
    policy.onStateChange((s) => onStateChange(STATE_NAMES[s]));
    this.policy = policy;
    this.counter = counter;
  }

  get state(): CircuitStateName {
    return this.policy ? STATE_NAMES[this.policy.state] : 'closed';
  }

  /** Runs one attempt through the breaker, or returns {@link CIRCUIT_OPEN} without running it. */
  async run<R>(attempt: () => Promise<R>): Promise<R | typeof CIRCUIT_OPEN> {
    const policy = this.policy;
    if (!policy) return attempt();
    if (policy.state === CircuitState.HalfOpen) return CIRCUIT_OPEN;
    try {
      return await policy.execute(attempt);
    } catch (error) {
      if (error instanceof BrokenCircuitError) return CIRCUIT_OPEN;
      // An answer that is not a provider failure (a 404, a 409) proves the provider is up: it ends
      // the run of consecutive failures, which cockatiel only does for a success.
      if (!isProviderFailure(error) && !callerMade(error) && policy.state === CircuitState.Closed) {
        this.counter?.success();
      }
      throw error;
    }
  }
}

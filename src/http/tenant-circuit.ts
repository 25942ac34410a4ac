/**
 * One tenant's circuit breaker (cockatiel's, with a consecutive-failure breaker), as `circuit.ts`
 * describes it. Needs cockatiel at run time: loaded with the HTTP stack on the first request
 * (`stack.ts`), never with the library.
 */
import {
  BrokenCircuitError,
  type CircuitBreakerPolicy,
  CircuitState,
  ConsecutiveBreaker,
  circuitBreaker,
  handleWhen,
} from 'cockatiel';
import type { CircuitState as CircuitStateName } from '../observe/events.js';
import { CIRCUIT_OPEN, type CircuitBreakerOptions, callerMade, isProviderFailure } from './circuit.js';

const STATE_NAMES: Record<CircuitState, CircuitStateName> = {
  [CircuitState.Closed]: 'closed',
  [CircuitState.Open]: 'open',
  [CircuitState.HalfOpen]: 'half_open',
  [CircuitState.Isolated]: 'open',
};

/** The breaker of one tenant's client; `enabled: false` gives one that always lets the attempt run. */
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

  /**
   * Runs one attempt through the breaker, or returns {@link CIRCUIT_OPEN} without running it. Not an
   * async function: an async function that returns a promise adds two turns of the microtask queue
   * before its caller sees the answer.
   */
  run<R>(attempt: () => Promise<R>): Promise<R | typeof CIRCUIT_OPEN> {
    const policy = this.policy;
    if (!policy) return attempt();
    if (policy.state === CircuitState.HalfOpen) return Promise.resolve(CIRCUIT_OPEN);
    if (policy.state === CircuitState.Closed) return this.runClosed(policy, attempt);
    return this.settle(policy, () => policy.execute(attempt));
  }

  /**
   * An attempt while the circuit is closed, without cockatiel's wrapping of every call (two more
   * promises per attempt): a success is counted as cockatiel counts it while closed (the run of
   * consecutive failures ends); a failure is handed to cockatiel, which counts it and opens the
   * circuit when the run is long enough. A failure that comes back once the circuit is no longer
   * closed (other attempts opened it meanwhile) is not counted again: it is open already.
   */
  private async runClosed<R>(
    policy: CircuitBreakerPolicy,
    attempt: () => Promise<R>,
  ): Promise<R | typeof CIRCUIT_OPEN> {
    let value: R;
    try {
      value = await attempt();
    } catch (error) {
      if (policy.state !== CircuitState.Closed) throw error;
      // Closed, checked just now: `execute` runs the rejection through the breaker's filter at once.
      return await this.settle(policy, () => policy.execute(() => Promise.reject(error)));
    }
    this.counter?.success();
    return value;
  }

  private async settle<R>(
    policy: CircuitBreakerPolicy,
    execute: () => Promise<R>,
  ): Promise<R | typeof CIRCUIT_OPEN> {
    try {
      return await execute();
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

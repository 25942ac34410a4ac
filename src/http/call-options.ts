/**
 * The per-call options (`{ signal, timeoutMs }`), checked before anything is sent: a deadline that is
 * not a sane number of milliseconds (NaN, 0, negative, a string, past Node's timer limit, which Node
 * silently turns into 1 ms) would send a create and abandon it at once, leaving a user behind an
 * `outcome_unknown`; a `signal` that is not an `AbortSignal` would throw an untyped `TypeError`
 * halfway through a call.
 */
import { type ErrorContext, InvalidInputError } from '../errors.js';
import { showUntrusted } from '../untrusted-text.js';
import type { CallOptions } from '../user-service.js';

/** Longest `timeoutMs` a call (or a tenant) may set: 10 minutes, as for a tenant's `timeoutMs`. */
export const MAX_TIMEOUT_MS = 600_000;

/**
 * Unknown keys are ignored (a host may pass one options object around with its own fields), except
 * names that look like a misspelt option (`timeout`, `timeoutSeconds`, `Signal`): the caller would
 * believe a deadline or a cancellation is in force when it is not.
 */
const MISSPELT = /^(?:timeout|signal)/i;
const KNOWN: ReadonlySet<string> = new Set(['signal', 'timeoutMs']);

const ABORTED_GETTER = Object.getOwnPropertyDescriptor(AbortSignal.prototype, 'aborted')?.get;

/**
 * Whether `value` is a real `AbortSignal`: the brand check of `AbortSignal.prototype.aborted`'s
 * getter, which throws for anything else. Not `instanceof`: `Object.create(AbortSignal.prototype)`
 * passes it and then throws on first use, and a signal from another realm fails it.
 */
export function isAbortSignal(value: unknown): value is AbortSignal {
  if (typeof value !== 'object' || value === null || !ABORTED_GETTER) return false;
  try {
    ABORTED_GETTER.call(value);
    return true;
  } catch {
    return false;
  }
}

/** Whether an abort reason says a deadline passed (`AbortSignal.timeout()`'s `TimeoutError`). */
export function isTimeoutReason(reason: unknown): boolean {
  return (
    typeof reason === 'object' && reason !== null && (reason as { name?: unknown }).name === 'TimeoutError'
  );
}

/**
 * Returns the call's options (`null` values count as absent), or throws `invalid_input` naming the
 * problem (never the value). Called before any request.
 */
export function checkCallOptions(
  options: unknown,
  context: ErrorContext & { provider: string; operation: NonNullable<ErrorContext['operation']> },
): CallOptions {
  if (options === undefined || options === null) return {};
  const what = `${context.provider} ${context.operation}`;
  const refuse = (field: string, reason: string) =>
    new InvalidInputError(`${what}: invalid call options (${field} ${reason}); nothing was sent`, {
      ...context,
      fieldErrors: { [field]: [reason] },
    });
  if (typeof options !== 'object') throw refuse('options', 'must be an object: { signal?, timeoutMs? }');
  // Read once, each option and the key list: a getter or a proxy trap that throws (or a revoked
  // proxy) is the caller's problem, reported as such before anything is sent, never rethrown untyped.
  let signal: unknown;
  let timeoutMs: unknown;
  let keys: string[];
  try {
    if (Array.isArray(options)) throw refuse('options', 'must be an object: { signal?, timeoutMs? }');
    ({ signal, timeoutMs } = options as Record<string, unknown>);
    keys = Object.keys(options);
  } catch (thrown) {
    if (thrown instanceof InvalidInputError) throw thrown;
    throw new InvalidInputError(
      `${what}: invalid call options (they could not be read: a getter or a proxy threw); nothing was sent`,
      { ...context, cause: thrown, fieldErrors: { options: ['could not be read'] } },
    );
  }
  if (signal !== undefined && signal !== null && !isAbortSignal(signal)) {
    throw refuse('options.signal', 'must be an AbortSignal');
  }
  if (
    timeoutMs !== undefined &&
    timeoutMs !== null &&
    !(
      typeof timeoutMs === 'number' &&
      Number.isInteger(timeoutMs) &&
      timeoutMs >= 1 &&
      timeoutMs <= MAX_TIMEOUT_MS
    )
  ) {
    throw refuse('options.timeoutMs', `must be a whole number of milliseconds from 1 to ${MAX_TIMEOUT_MS}`);
  }
  for (const key of keys) {
    if (!KNOWN.has(key) && MISSPELT.test(key)) {
      throw refuse(`options.${showUntrusted(key)}`, 'is not an option (did you mean signal or timeoutMs?)');
    }
  }
  return {
    ...(isAbortSignal(signal) ? { signal } : {}),
    ...(typeof timeoutMs === 'number' ? { timeoutMs } : {}),
  };
}

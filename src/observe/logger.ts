/**
 * The logger the library writes to: the subset of pino's interface it uses (`logger.debug(obj, msg)`),
 * so a pino, bunyan-style or console-backed logger can be passed as is. Silent unless one is given.
 *
 * Only objects built from an allow-list of safe fields are ever logged (see `events.ts`): never a
 * URL with its query, a header, a body or an error's raw cause.
 */
/** One logger method, pino's signature: a structured object first, then an optional message. */
export type LogFn = (obj: Record<string, unknown>, msg?: string) => void;

/**
 * A pino-compatible logger (pino, bunyan-style or your own); pass it as `PayrollIdentityConfig.logger`.
 *
 * @example
 * ```ts
 * import pino from 'pino';
 * const identity = createPayrollIdentity({ ...loadConfigFile('tenants.yaml'), logger: pino({ level: 'info' }) });
 * ```
 */
export interface Logger {
  /** Each attempt's start and end. */
  debug: LogFn;
  /** Retries and circuit recoveries. */
  info: LogFn;
  /** Failed attempts, an open circuit, a reconciled create, a throwing hook. */
  warn: LogFn;
  /** A create whose outcome stayed unknown. */
  error: LogFn;
  /** pino's `child(bindings)`: when present, the library logs through one child per tenant client. */
  child?: (bindings: Record<string, unknown>) => Logger;
}

const noop: LogFn = () => {};

/** The default: logs nothing. */
export const silentLogger: Logger = Object.freeze({ debug: noop, info: noop, warn: noop, error: noop });

/** A logger for one tenant's client: the host's child when it supports `child`, else the logger itself. */
export function clientLogger(logger: Logger | undefined, bindings: Record<string, unknown>): Logger {
  if (!logger) return silentLogger;
  try {
    return logger.child ? logger.child(bindings) : logger;
  } catch {
    return logger;
  }
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/**
 * Calls a logger method (as a method: pino's need their `this`), swallowing anything it throws: a
 * broken logger must not break a call.
 */
export function safeLog(logger: Logger, level: LogLevel, obj: Record<string, unknown>, msg: string): void {
  try {
    logger[level](obj, msg);
  } catch {
    // A logger failure is the host's problem; the call goes on.
  }
}

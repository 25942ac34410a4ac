/**
 * How the program reports a failure: `code: message` (plus field errors for `invalid_input` and the
 * provider's own, redacted messages), or the error's `toJSON()` with `--json` (which carries
 * `providerMessages` when there are any), and the exit code it means. Only a `PayrollIdentityError`'s own,
 * already-redacted text is printed: never a raw `cause`, a configuration or an unknown error's message.
 */
import { isPayrollIdentityError, type PayrollIdentityError } from '../errors.js';
import { redactPatterns } from '../redact.js';
import { type CliIo, EXIT, type ExitCode, warn } from './io.js';

/** A mistake in how the program was called, found after commander's own checks. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Configuration problems are the caller's to fix before anything can run: usage, not failure. */
export function exitCodeFor(error: unknown): ExitCode {
  if (error instanceof UsageError) return EXIT.usage;
  if (
    isPayrollIdentityError(error, 'invalid_configuration') ||
    isPayrollIdentityError(error, 'unknown_tenant')
  ) {
    return EXIT.usage;
  }
  return EXIT.failure;
}

/**
 * `code: message` (`invalid_webhook (reason): message` for a refused delivery), then one indented line per field error and per provider message (the message
 * itself never quotes the provider: what Teal said about a duplicate is only in `providerMessages`).
 */
export function describeError(error: PayrollIdentityError): string {
  // A refused webhook says at which step: `invalid_webhook (signature): …`.
  const reason = isPayrollIdentityError(error, 'invalid_webhook') ? ` (${error.reason})` : '';
  const lines = [`${error.code}${reason}: ${error.message}`];
  if (isPayrollIdentityError(error, 'invalid_input') && 'fieldErrors' in error) {
    const fields = error.fieldErrors as Record<string, string[]>;
    for (const [field, messages] of Object.entries(fields)) lines.push(`  ${field}: ${messages.join('; ')}`);
  }
  for (const message of error.providerMessages ?? []) lines.push(`  provider says: ${message}`);
  return lines.join('\n');
}

/**
 * The name of an unexpected error, and its code when it has a safe one (`EADDRINUSE`): its message
 * may quote anything, so it is not shown.
 */
function describeUnexpected(error: unknown): { name: string; code?: string } {
  const e = (typeof error === 'object' && error !== null ? error : {}) as { name?: unknown; code?: unknown };
  const name = typeof e.name === 'string' && /^[A-Za-z]{1,40}$/.test(e.name) ? e.name : 'Error';
  const code = typeof e.code === 'string' && /^[A-Z0-9_]{1,40}$/.test(e.code) ? e.code : undefined;
  return code ? { name, code } : { name };
}

/** Prints `error` on stderr the way the command's output mode asks, and returns its exit code. */
export function reportError(io: CliIo, error: unknown, json: boolean): ExitCode {
  const exitCode = exitCodeFor(error);
  if (isPayrollIdentityError(error)) {
    warn(io, json ? JSON.stringify(error.toJSON()) : describeError(error));
  } else if (error instanceof UsageError) {
    const message = redactPatterns(error.message);
    warn(io, json ? JSON.stringify({ code: 'usage', message }) : `error: ${message}`);
  } else {
    const { name, code } = describeUnexpected(error);
    const message = `unexpected failure (${name}${code ? ` ${code}` : ''})`;
    warn(io, json ? JSON.stringify({ code: 'internal_error', message }) : `internal_error: ${message}`);
  }
  return exitCode;
}

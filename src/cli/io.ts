/**
 * What the program needs from its surroundings, passed in so that `run` can be called in-process
 * (tests) as well as from the `payroll-identity` binary.
 */

/** Exit codes: the contract scripts rely on (docs/cli.md). */
export const EXIT = {
  ok: 0,
  /** A provider answered with an error, or the input was rejected. */
  failure: 1,
  /** Bad flags or arguments, or configuration that cannot be used. */
  usage: 2,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export interface CliIo {
  /** Writes text as given (callers add their own newlines). */
  stdout(text: string): void;
  stderr(text: string): void;
  /** Ends long-running commands (`sandbox`); the binary fires it on SIGINT/SIGTERM. */
  signal?: AbortSignal;
}

/** Writes one line to stdout. */
export function say(io: CliIo, text = ''): void {
  io.stdout(`${text}\n`);
}

/** Writes one line to stderr. */
export function warn(io: CliIo, text: string): void {
  io.stderr(`${text}\n`);
}

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
  /**
   * Standard input as bytes (`webhooks verify` reads a delivery from it); the binary gives
   * `process.stdin`. Absent: the command has no standard input to read.
   */
  stdin?: () => AsyncIterable<Uint8Array | string>;
}

/**
 * Reads `input` to its end, or until more than `limit` bytes came (then stops reading: the result
 * is `limit + 1` bytes long, so the caller can tell "too long" from "exactly `limit`").
 */
export async function readBounded(input: AsyncIterable<Uint8Array | string>, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of input) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.from(chunk);
    const room = limit + 1 - size;
    chunks.push(bytes.length > room ? bytes.subarray(0, room) : bytes);
    size += Math.min(bytes.length, room);
    if (size > limit) break;
  }
  return Buffer.concat(chunks, size);
}

/** Writes one line to stdout. */
export function say(io: CliIo, text = ''): void {
  io.stdout(`${text}\n`);
}

/** Writes one line to stderr. */
export function warn(io: CliIo, text: string): void {
  io.stderr(`${text}\n`);
}

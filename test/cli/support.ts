/** Runs the CLI in-process and captures what it prints. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CliIo } from '../../src/cli/io.js';
import { run } from '../../src/cli/program.js';

export interface CapturedIo extends CliIo {
  out(): string;
  err(): string;
}

export function captureIo(signal?: AbortSignal, stdin?: string | Uint8Array): CapturedIo {
  let out = '';
  let err = '';
  return {
    stdout: (text) => {
      out += text;
    },
    stderr: (text) => {
      err += text;
    },
    ...(signal && { signal }),
    // Standard input in chunks of 64 KiB, as a pipe delivers it.
    ...(stdin !== undefined && {
      stdin: async function* () {
        const bytes = typeof stdin === 'string' ? Buffer.from(stdin, 'utf8') : Buffer.from(stdin);
        for (let at = 0; at < bytes.length; at += 64 * 1024) yield bytes.subarray(at, at + 64 * 1024);
      },
    }),
    out: () => out,
    err: () => err,
  };
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the program on `argv`; `options.stdin` is its standard input (none when absent). */
export async function runCli(
  argv: readonly string[],
  options: { stdin?: string | Uint8Array; signal?: AbortSignal } = {},
): Promise<CliResult> {
  const io = captureIo(options.signal, options.stdin);
  const code = await run(argv, io);
  return { code, stdout: io.out(), stderr: io.err() };
}

/** A scratch directory removed by the returned cleanup. */
export function scratchDir(): { dir: string; file(name: string, content: string): string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'payroll-identity-cli-'));
  return {
    dir,
    file: (name, content) => {
      const path = join(dir, name);
      writeFileSync(path, content);
      return path;
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

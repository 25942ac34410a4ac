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

export function captureIo(signal?: AbortSignal): CapturedIo {
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
    out: () => out,
    err: () => err,
  };
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runCli(argv: readonly string[]): Promise<CliResult> {
  const io = captureIo();
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

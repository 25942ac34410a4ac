/**
 * The built binary for the end-to-end tests. `npm test` must work on a fresh clone (no `dist/`) and
 * must not test a stale build, so `dist/cli.js` is (re)built when it is missing or older than any
 * source; only the CLI entry is built (no declarations), which takes a few seconds, not a full build.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const CLI = join(ROOT, 'dist', 'cli.js');

function newestMtime(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

function isFresh(): boolean {
  if (!existsSync(CLI)) return false;
  const sources = ['src', 'providers', 'package.json', 'tsup.config.ts'].map((p) => join(ROOT, p));
  return statSync(CLI).mtimeMs >= Math.max(...sources.filter(existsSync).map(newestMtime));
}

/** Builds `dist/cli.js` with the same settings as `tsup.config.ts`, when needed. */
export async function ensureBuiltCli(): Promise<string> {
  if (isFresh()) return CLI;
  const { build } = await import('tsup');
  const cwd = process.cwd();
  process.chdir(ROOT);
  try {
    await build({
      config: false,
      entry: { cli: 'src/cli/main.ts' },
      format: ['esm'],
      target: 'node20',
      platform: 'node',
      splitting: true,
      shims: true,
      sourcemap: true,
      clean: false,
      dts: false,
      silent: true,
      outDir: 'dist',
    });
  } finally {
    process.chdir(cwd);
  }
  return CLI;
}

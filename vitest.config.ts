import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import BuildFirstSequencer from './test/packaging/sequencer.js';

const ROOT = fileURLToPath(new URL('.', import.meta.url));
const source = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/** Relative imports of a test module (the library's and the tests' own files). */
const RELATIVE_IMPORT = /(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']{1,200})'/g;

/** The package's own entry that loads nock (the contract suite), imported by name as a user would. */
const TESTING_ENTRY = 'src/testing/index.ts';
const TESTING_BY_NAME = /(?:from|import)\s*\(?\s*'payroll-identity\/testing'/;

/** Where nock may be loaded from: the tests' own helpers and the published contract suite. */
const FOLLOWED = [join(ROOT, 'test'), join(ROOT, 'src', 'testing')];

/**
 * Test files whose module graph (their own imports, followed through test helpers and through the
 * published contract suite, src/testing/, whether imported by path or as `payroll-identity/testing`)
 * loads nock. nock replaces `node:http`'s request functions for the whole process the first time it is loaded,
 * and only then: such a file must have a process to itself (isolated), and a file run after it in a
 * shared process would send its real requests through nock.
 */
function filesLoadingNock(): string[] {
  const loadsNock = new Map<string, boolean>();
  const visit = (file: string, seen: Set<string>): boolean => {
    const known = loadsNock.get(file);
    if (known !== undefined) return known;
    if (seen.has(file) || !existsSync(file)) return false;
    seen.add(file);
    const text = readFileSync(file, 'utf8');
    let result = /from 'nock'|import\('nock'\)/.test(text);
    if (!result && TESTING_BY_NAME.test(text)) result = visit(join(ROOT, TESTING_ENTRY), seen);
    for (const match of text.matchAll(RELATIVE_IMPORT)) {
      if (result) break;
      const target = join(dirname(file), match[1]!).replace(/\.js$/, '.ts');
      if (FOLLOWED.some((dir) => target.startsWith(`${dir}${sep}`))) result = visit(target, seen);
    }
    loadsNock.set(file, result);
    return result;
  };
  return (readdirSync(join(ROOT, 'test'), { recursive: true }) as string[])
    .filter((f) => f.endsWith('.test.ts'))
    .map((f) => join(ROOT, 'test', f))
    .filter((f) => visit(f, new Set()))
    .map((f) => relative(ROOT, f));
}

const ISOLATED = filesLoadingNock();

export default defineConfig({
  resolve: {
    // The examples import the library by its package name, as a user would; under test that name is
    // the sources, so they run without a build (test/packaging checks the built package itself).
    alias: [
      { find: /^payroll-identity$/, replacement: source('./src/index.ts') },
      { find: /^payroll-identity\/sandbox$/, replacement: source('./src/sandbox/index.ts') },
      { find: /^payroll-identity\/provider$/, replacement: source('./src/provider/index.ts') },
      { find: /^payroll-identity\/testing$/, replacement: source('./src/testing/index.ts') },
    ],
  },
  test: {
    environment: 'node',
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // Forks, not threads: some tests set the process's time zone, and the CLI build changes directory.
    pool: 'forks',
    // Vitest's default is one worker per core but one (2 on a 2-core machine gives ONE worker: a
    // serial run). Most files spend their time waiting on loopback sockets, child processes (the
    // build, npm) and timers, not on the CPU, so a few more workers than cores keep both busy.
    maxWorkers: Math.max(3, availableParallelism()),
    // One scratch folder per run where the package is built and packed once, on first use, for every
    // test that needs it (test/packaging/pack.ts).
    globalSetup: ['test/packaging/global-setup.ts'],
    sequence: { sequencer: BuildFirstSequencer },
    // The sandbox and packaging tests use loopback servers; nothing here may reach the internet.
    projects: [
      // Loading the library and its dependencies is most of a small file's cost: files that leave
      // no process-wide state behind share their worker's loaded modules.
      {
        extends: true,
        test: { name: 'shared', include: ['test/**/*.test.ts'], exclude: ISOLATED, isolate: false },
      },
      // The files that load nock share their workers among themselves (never with the files above):
      // each worker loads nock once, and each file restores what it changed (interceptors, net
      // connect).
      {
        extends: true,
        test: {
          name: 'nock',
          include: ISOLATED.length ? ISOLATED : ['no-such-file'],
          isolate: false,
        },
      },
    ],
  },
});

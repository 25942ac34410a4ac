/**
 * What a consumer installs and loads at run time, read from the committed lock and the sources
 * (no build, no network): the runtime dependency closure stays small, every package in it admits
 * the Node versions `engines` promises, and what the shipped entries import reaches only declared
 * runtime dependencies (the root entry never a web framework; only the testing entry the test tools,
 * vitest and nock, which are optional peers and so no part of the runtime closure).
 */
import { readFileSync } from 'node:fs';
import { createRequire, isBuiltin } from 'node:module';
import { dirname, join, sep } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = join(dirname(new URL(import.meta.url).pathname), '..', '..');
const require = createRequire(import.meta.url);
/** semver ships no types; only these two functions are used. */
const semver = require('semver') as {
  subset(sub: string, dom: string): boolean;
  validRange(range: string): string | null;
};

/** The issue's bound: a consumer installs at most this many packages at run time. */
const MAX_RUNTIME_PACKAGES = 40;

interface Manifest {
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  engines?: Record<string, string> | string[];
  dev?: boolean;
}

const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Manifest;
const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as {
  lockfileVersion: number;
  packages: Record<string, Manifest>;
};
const CLAIMED_NODE = (manifest.engines as Record<string, string> | undefined)?.node ?? '';

/** Node's lookup, in lock paths: `node_modules/<name>` beside `from`, then in each ancestor. */
function resolveInLock(from: string, name: string): string | undefined {
  let base = from;
  for (;;) {
    const candidate = `${base === '' ? '' : `${base}/`}node_modules/${name}`;
    if (lock.packages[candidate]) return candidate;
    if (base === '') return undefined;
    const parent = base.lastIndexOf('/node_modules/');
    base = parent < 0 ? '' : base.slice(0, parent);
  }
}

/** The names a package needs installed beside it: dependencies, optional ones, required peers. */
function needs(pkg: Manifest): { name: string; optional: boolean }[] {
  const optionalPeer = (name: string) => pkg.peerDependenciesMeta?.[name]?.optional === true;
  return [
    ...Object.keys(pkg.dependencies ?? {}).map((name) => ({ name, optional: false })),
    ...Object.keys(pkg.optionalDependencies ?? {}).map((name) => ({ name, optional: true })),
    ...Object.keys(pkg.peerDependencies ?? {})
      .filter((name) => !optionalPeer(name))
      .map((name) => ({ name, optional: false })),
  ];
}

/** Lock paths of every package installed with the root package for production, and what is missing. */
function runtimeClosure(): { paths: Set<string>; missing: string[] } {
  const paths = new Set<string>();
  const missing: string[] = [];
  const queue: string[] = [''];
  while (queue.length > 0) {
    const from = queue.shift() ?? '';
    const pkg = lock.packages[from];
    if (!pkg) continue;
    for (const { name, optional } of needs(pkg)) {
      const found = resolveInLock(from, name);
      if (!found) {
        if (!optional) missing.push(`${from || '<root>'} → ${name}`);
      } else if (!paths.has(found)) {
        paths.add(found);
        queue.push(found);
      }
    }
  }
  return { paths, missing };
}

const packageName = (lockPath: string) => lockPath.slice(lockPath.lastIndexOf('node_modules/') + 13);

describe('runtime dependencies (package-lock.json)', () => {
  const { paths, missing } = runtimeClosure();

  it('the lock resolves every runtime dependency', () => {
    expect(lock.lockfileVersion).toBeGreaterThanOrEqual(2);
    expect(missing).toEqual([]);
  });

  it(`a consumer installs at most ${MAX_RUNTIME_PACKAGES} packages at run time`, () => {
    expect(paths.size, [...paths].map(packageName).sort().join(' ')).toBeLessThanOrEqual(
      MAX_RUNTIME_PACKAGES,
    );
  });

  it("the walk agrees with npm's own flags: exactly the entries not marked dev are runtime", () => {
    const notDev = Object.entries(lock.packages)
      .filter(([path, pkg]) => path !== '' && pkg.dev !== true)
      .map(([path]) => path);
    expect([...paths].sort()).toEqual(notDev.sort());
  });

  it('no web framework or test tool is a runtime dependency', () => {
    const names = new Set([...paths].map(packageName));
    for (const devOnly of ['fastify', 'pino', 'ajv', 'light-my-request', 'vitest', 'nock', 'typescript']) {
      expect(names.has(devOnly), devOnly).toBe(false);
    }
  });

  it(`every runtime dependency's engines.node admits every version package.json claims (${CLAIMED_NODE})`, () => {
    expect(semver.validRange(CLAIMED_NODE), 'package.json engines.node').not.toBeNull();
    const refusing: string[] = [];
    for (const path of paths) {
      const engines = lock.packages[path]?.engines;
      const node = engines && !Array.isArray(engines) ? engines.node : undefined;
      if (node !== undefined && !semver.subset(CLAIMED_NODE, node)) {
        refusing.push(`${packageName(path)} wants node ${node}`);
      }
    }
    expect(refusing).toEqual([]);
  });

  it('the engines check is not vacuous: it refuses a range that leaves out claimed versions', () => {
    expect(semver.subset('>=20.12', '>=22')).toBe(false);
    expect(semver.subset('>=20.12', '>=18')).toBe(true);
  });
});

/**
 * Every package the library's own sources behind a shipped entry load or name in their types, and
 * those source files, found by walking their imports (static, type-only and dynamic) with
 * TypeScript's own module resolution. No build needed: the emitted `.d.ts` and JavaScript can only
 * import what these sources import.
 */
function reachable(entry: string): { packages: Set<string>; files: Set<string>; unresolved: string[] } {
  const { config } = ts.readConfigFile(join(ROOT, 'tsconfig.json'), ts.sys.readFile);
  const options = ts.parseJsonConfigFileContent(config, ts.sys, ROOT).options;
  const cache = ts.createModuleResolutionCache(ROOT, (s) => s, options);
  const packages = new Set<string>();
  const unresolved: string[] = [];
  const seen = new Set<string>();
  const queue = [join(ROOT, entry)];
  while (queue.length > 0) {
    const file = queue.shift() ?? '';
    if (seen.has(file)) continue;
    seen.add(file);
    const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    const specifiers = [...info.importedFiles, ...info.typeReferenceDirectives].map((r) => r.fileName);
    for (const specifier of specifiers) {
      const resolved =
        ts.resolveModuleName(specifier, file, options, ts.sys, cache, undefined, ts.ModuleKind.ESNext)
          .resolvedModule ??
        ts.resolveModuleName(specifier, file, options, ts.sys, cache, undefined, ts.ModuleKind.CommonJS)
          .resolvedModule;
      const target = resolved?.resolvedFileName;
      if (!target) {
        if (!isBuiltin(specifier) && !specifier.startsWith('node:')) unresolved.push(`${file}: ${specifier}`);
        continue;
      }
      const marker = `${sep}node_modules${sep}`;
      const at = target.lastIndexOf(marker);
      if (at < 0) {
        queue.push(target);
        continue;
      }
      // A package's own imports are its business (they are installed with it): the walk stops here.
      const rest = target.slice(at + marker.length).split(sep);
      packages.add(rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1]}` : (rest[0] ?? ''));
    }
  }
  return { packages, files: seen, unresolved };
}

describe('what the shipped entries import', () => {
  const declared = new Set([
    ...Object.keys(manifest.dependencies ?? {}),
    ...Object.keys(manifest.peerDependencies ?? {}),
  ]);
  // Node's own types (and what they use), and TypeScript's standard library declarations.
  const toolchain = new Set(['@types/node', 'undici-types', 'typescript']);

  it.each([
    ['the root entry', 'src/index.ts'],
    ['the provider entry', 'src/provider/index.ts'],
    ['the sandbox entry', 'src/sandbox/index.ts'],
    ['the testing entry', 'src/testing/index.ts'],
    ['the CLI', 'src/cli/main.ts'],
  ])('%s reaches only declared runtime dependencies', (_what, entry) => {
    const { packages, unresolved } = reachable(entry);
    expect(unresolved).toEqual([]);
    const undeclared = [...packages].filter((name) => !declared.has(name) && !toolchain.has(name));
    expect(undeclared).toEqual([]);
    // The point of the exercise: the emulators run on node:http, not on a web framework.
    expect(packages.has('fastify')).toBe(false);
    // Not vacuous: the walk does reach the card's own runtime dependencies.
    expect(packages.has('zod')).toBe(true);
  });

  /** The optional peers only the contract suite (`payroll-identity/testing`) loads. */
  const TEST_PEERS = ['vitest', 'nock'];

  it('the test tools are optional peers, in the ranges the repository develops with', () => {
    for (const name of TEST_PEERS) {
      expect(manifest.peerDependencies?.[name], name).toBe(
        (manifest as { devDependencies?: Record<string, string> }).devDependencies?.[name],
      );
      expect(manifest.peerDependenciesMeta?.[name]?.optional, name).toBe(true);
      expect(manifest.dependencies?.[name], name).toBeUndefined();
    }
  });

  it.each([
    ['the root entry', 'src/index.ts'],
    ['the provider entry', 'src/provider/index.ts'],
    ['the sandbox entry', 'src/sandbox/index.ts'],
    ['the CLI', 'src/cli/main.ts'],
  ])('%s never reaches the test tools (vitest, nock) nor src/testing/', (_what, entry) => {
    const { packages, files } = reachable(entry);
    expect(TEST_PEERS.filter((name) => packages.has(name))).toEqual([]);
    expect([...files].filter((file) => file.includes(`${sep}src${sep}testing${sep}`))).toEqual([]);
  });

  it('the testing entry does reach them (the check above is not vacuous)', () => {
    const { packages } = reachable('src/testing/index.ts');
    expect(TEST_PEERS.filter((name) => packages.has(name))).toEqual(TEST_PEERS);
  });
});

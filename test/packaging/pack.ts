/**
 * The package as a release makes it, built and packed ONCE per test run and shared by every test
 * that needs it (the packaging smoke test, the cross-build error test):
 *
 * 1. the release tree: the repository's files as a commit would hold them (`git ls-files`: tracked
 *    files plus new ones not ignored; so no `dist/`, no `node_modules/`, no coverage), copied into a
 *    scratch folder, with the repository's `node_modules` linked in (the tools a release uses);
 * 2. `npm pack` there, scripts on: `prepack` runs the real build (`npm run build`, tsup), exactly as
 *    `npm publish` would, and the repository's own `dist/` is never touched;
 * 3. the tarball unpacked (what publint reads) and installed in a fresh project outside the
 *    repository (what a consumer gets), from npm's cache when possible.
 *
 * The first test file to ask takes a lock (an atomic `mkdir`) in the run's scratch folder (made by
 * ./global-setup.ts) and does the work; the others wait for its result file.
 */
import { execFile, execFileSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { inject } from 'vitest';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const execFileAsync = promisify(execFile);

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** npm settings that say where packages come from; the rest of npm's script environment is dropped. */
const KEPT_NPM_ENV = new Set(['npm_config_cache', 'npm_config_registry', 'npm_config_userconfig']);

/**
 * The environment for child commands. Under `npm test`, npm exports the outer project's settings
 * (`npm_package_*`, `npm_config_local_prefix`, `npm_lifecycle_*`…); a nested npm must not see them,
 * or it might act on the repository instead of the temporary project.
 */
function childEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^npm_/i.test(key) || KEPT_NPM_ENV.has(key.toLowerCase())) env[key] = value;
  }
  return env;
}

/** Runs a command without a shell; a non-zero exit is returned, not thrown. */
export async function run(
  command: string,
  args: readonly string[],
  options: { cwd: string; timeoutMs?: number; env?: NodeJS.ProcessEnv },
): Promise<RunResult> {
  try {
    const { stdout, stderr } = await execFileAsync(command, args, {
      cwd: options.cwd,
      timeout: options.timeoutMs ?? 120_000,
      maxBuffer: 32 * 1024 * 1024,
      env: { ...childEnv(), NO_COLOR: '1', FORCE_COLOR: '0', ...options.env },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: unknown; stdout?: string; stderr?: string; message?: string };
    if (typeof e.code !== 'number') throw error;
    return { code: e.code, stdout: e.stdout ?? '', stderr: e.stderr ?? e.message ?? '' };
  }
}

/** Throws with the command's output when it failed (the output is the build's, no secret in it). */
export function expectSuccess(what: string, result: RunResult): RunResult {
  if (result.code !== 0) {
    // The end of the output is where a build says what failed.
    throw new Error(`${what} exited ${result.code}\n${result.stdout}\n${result.stderr}`.slice(-8_000));
  }
  return result;
}

export interface PackedPackage {
  /** The release tree `npm pack` ran in (its `dist/` is the build that was packed). */
  tree: string;
  /** The `.tgz` that `npm pack` wrote. */
  tarball: string;
  /** The tarball unpacked: the published package's folder (package.json, README.md, LICENSE, dist/). */
  unpacked: string;
  /** A fresh project outside the repository with the tarball installed (and only its dependencies). */
  project: string;
  /** `<project>/node_modules/<name>`: the package as a consumer's `import`/`require` finds it. */
  installed: string;
  name: string;
  version: string;
}

/** The files a release is made from: what a commit of this tree would hold. */
function releaseFiles(): string[] {
  const listed = execFileSyncText('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard']);
  // A file deleted in the working tree but still in the index is not part of the next commit.
  return listed
    .split('\0')
    .filter((f) => f !== '' && existsSync(join(ROOT, f)) && statSync(join(ROOT, f)).isFile());
}

function execFileSyncText(command: string, args: readonly string[]): string {
  return execFileSync(command, args, { cwd: ROOT, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
}

/** Installs the tarball and only what it depends on, from npm's cache when possible. */
async function installTarball(dir: string, tarball: string): Promise<void> {
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name: 'payroll-identity-smoke', version: '1.0.0', private: true }),
  );
  const common = ['install', tarball, '--no-audit', '--no-fund', '--no-package-lock', '--ignore-scripts'];
  const offline = await run('npm', [...common, '--offline'], { cwd: dir, timeoutMs: 180_000 });
  if (offline.code === 0) return;
  expectSuccess(
    'npm install --prefer-offline',
    await run('npm', [...common, '--prefer-offline'], { cwd: dir, timeoutMs: 300_000 }),
  );
}

async function buildPackInstall(work: string, onPacked: (tree: string) => void): Promise<PackedPackage> {
  const tree = join(work, 'tree');
  for (const file of releaseFiles()) {
    mkdirSync(dirname(join(tree, file)), { recursive: true });
    copyFileSync(join(ROOT, file), join(tree, file));
  }
  symlinkSync(join(ROOT, 'node_modules'), join(tree, 'node_modules'), 'dir');

  const out = join(work, 'out');
  mkdirSync(out);
  expectSuccess(
    'npm pack (prepack: npm run build)',
    await run('npm', ['pack', '--pack-destination', out], { cwd: tree, timeoutMs: 300_000 }),
  );
  const tarballs = readdirSync(out).filter((f) => f.endsWith('.tgz'));
  if (tarballs.length !== 1) throw new Error(`npm pack wrote ${tarballs.length} tarballs`);
  const tarball = join(out, tarballs[0]!);
  onPacked(tree);

  const unpackedRoot = join(work, 'unpacked');
  mkdirSync(unpackedRoot);
  expectSuccess('tar -x', await run('tar', ['-xzf', tarball, '-C', unpackedRoot], { cwd: work }));
  const unpacked = join(unpackedRoot, 'package');

  const manifest = JSON.parse(readFileSync(join(unpacked, 'package.json'), 'utf8')) as {
    name: string;
    version: string;
  };
  const project = join(work, 'project');
  mkdirSync(project);
  await installTarball(project, tarball);
  return {
    tree,
    tarball,
    unpacked,
    project,
    installed: join(project, 'node_modules', manifest.name),
    name: manifest.name,
    version: manifest.version,
  };
}

const WAIT_LIMIT_MS = 10 * 60_000;

/** The run's scratch folder and the files its lock-holder writes there. */
function workFiles() {
  const work = inject('packWorkDir');
  if (!work) throw new Error('packWorkDir is not provided: is test/packaging/global-setup.ts configured?');
  return {
    work,
    /** Written once packed (the release tree, with its dist/). */
    built: join(work, 'built.json'),
    /** Written once installed: the whole {@link PackedPackage}. */
    done: join(work, 'result.json'),
    failed: join(work, 'error.txt'),
  };
}

function writeAtomically(file: string, text: string): void {
  writeFileSync(`${file}.tmp`, text);
  renameSync(`${file}.tmp`, file);
}

/** Starts the shared build if no one has, and resolves what `file` holds once it is written. */
async function awaitShared(file: 'built' | 'done'): Promise<unknown> {
  const f = workFiles();
  let owner = false;
  try {
    mkdirSync(join(f.work, 'lock'));
    owner = true;
  } catch {
    // Another file holds the lock: wait for its result below.
  }
  if (owner) {
    // The lock-holder sees the whole pipeline through, install included, even when it asked only
    // for the build: its process must not end (and orphan `npm install`) while others wait.
    await buildPackInstall(join(f.work, 'build'), (tree) =>
      writeAtomically(f.built, JSON.stringify({ tree })),
    ).then(
      (result) => writeAtomically(f.done, JSON.stringify(result)),
      (error: unknown) => writeAtomically(f.failed, String(error instanceof Error ? error.message : error)),
    );
  }
  const target = f[file];
  const end = Date.now() + WAIT_LIMIT_MS;
  while (Date.now() < end) {
    if (existsSync(target)) return JSON.parse(readFileSync(target, 'utf8'));
    if (existsSync(f.failed)) throw new Error(`the shared build failed:\n${readFileSync(f.failed, 'utf8')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no shared build after ${WAIT_LIMIT_MS} ms (${relative(ROOT, f.work)})`);
}

/**
 * The run's packed package: built, packed and installed by the first caller of the run, reused by
 * every other (in any worker). Rejects with the builder's error when the build failed.
 */
export async function sharedPackage(): Promise<PackedPackage> {
  return (await awaitShared('done')) as PackedPackage;
}

/** The release tree as soon as it is built and packed (before the install): its `dist/` is the build. */
export async function sharedBuild(): Promise<{ tree: string }> {
  return (await awaitShared('built')) as { tree: string };
}

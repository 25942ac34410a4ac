/**
 * Builds the package and packs it as `npm publish` would, without touching the repository's own
 * `dist/` (other tests build the CLI there concurrently): `npm run build -- --out-dir <stage>/dist`
 * uses the real tsup configuration, then the stage (package.json, README, dist) is packed.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

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
  /** The staged package directory (package.json, README.md, dist/). */
  stage: string;
  /** The `.tgz` that `npm pack` wrote. */
  tarball: string;
  name: string;
  version: string;
  remove(): void;
}

export async function buildAndPack(): Promise<PackedPackage> {
  const stage = mkdtempSync(join(tmpdir(), 'payroll-identity-stage-'));
  try {
    expectSuccess(
      'npm run build',
      await run('npm', ['run', 'build', '--', '--out-dir', join(stage, 'dist')], {
        cwd: ROOT,
        timeoutMs: 240_000,
      }),
    );
    for (const file of ['package.json', 'README.md', 'LICENSE']) {
      if (existsSync(join(ROOT, file))) copyFileSync(join(ROOT, file), join(stage, file));
    }
    // --ignore-scripts: a future `prepack: npm run build` must not run in a stage without sources.
    expectSuccess(
      'npm pack',
      await run('npm', ['pack', '--ignore-scripts', '--pack-destination', stage], { cwd: stage }),
    );
    const tarball = readdirSync(stage).find((f) => f.endsWith('.tgz'));
    if (!tarball) throw new Error('npm pack wrote no tarball');
    const manifest = JSON.parse(readFileSync(join(stage, 'package.json'), 'utf8')) as {
      name: string;
      version: string;
    };
    return {
      stage,
      tarball: join(stage, tarball),
      name: manifest.name,
      version: manifest.version,
      remove: () => rmSync(stage, { recursive: true, force: true }),
    };
  } catch (error) {
    rmSync(stage, { recursive: true, force: true });
    throw error;
  }
}

/**
 * Packaging smoke test: the package as a user receives it. Builds (tsup: ESM + CJS + d.ts), packs
 * with `npm pack`, lints the result (publint, @arethetypeswrong/cli), installs the tarball in a fresh
 * project outside the repository, then imports it from ESM and from CommonJS and runs its CLI.
 *
 * The install uses npm's cache (`--offline`), falling back to `--prefer-offline` when the cache
 * lacks a dependency (a fresh CI cache), so normally nothing is downloaded. Everything the scripts do
 * at runtime is on loopback (the embedded sandbox).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildAndPack, expectSuccess, type PackedPackage, ROOT, run } from './pack.js';

let pkg: PackedPackage;
let project: string;

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

beforeAll(async () => {
  pkg = await buildAndPack();
  project = mkdtempSync(join(tmpdir(), 'payroll-identity-smoke-'));
  await installTarball(project, pkg.tarball);
}, 600_000);

afterAll(() => {
  pkg?.remove();
  if (project) rmSync(project, { recursive: true, force: true });
});

const node = (args: readonly string[]) => run(process.execPath, args, { cwd: project, timeoutMs: 60_000 });

const ESM_SCRIPT = `
import { createPayrollIdentity, isPayrollIdentityError, PayrollIdentityError } from 'payroll-identity';
import { startSandbox } from 'payroll-identity/sandbox';
const sandbox = await startSandbox();
const identity = createPayrollIdentity({ tenants: {
  us: { provider: 'argyle', environment: 'sandbox', baseUrl: sandbox.argyle.baseUrl, credentials: sandbox.argyle.credentials },
  uk: { provider: 'teal', environment: 'sandbox', baseUrl: sandbox.teal.baseUrl, credentials: sandbox.teal.credentials,
        defaults: { payrollPeriodMonths: 12 } },
} });
try {
  const us = await identity.forTenant('us').createUser({ firstName: 'Jane', lastName: 'Doe', externalId: 'smoke-1' });
  const uk = await identity.forTenant('uk').createUser({ firstName: 'John', lastName: 'Smith', birthDate: '1990-05-17',
    address: { postalCode: 'SW1A 2AA' }, email: 'john.smith@example.com' });
  let notFound = false;
  try { await identity.forTenant('uk').getUser('no-such-user'); }
  catch (e) { notFound = e instanceof PayrollIdentityError && isPayrollIdentityError(e, 'not_found'); }
  console.log(JSON.stringify({ us: us.user.provider, uk: uk.user.provider, ignored: uk.ignoredFields,
    linkToken: typeof us.linkToken?.token, counts: [sandbox.argyle.userCount(), sandbox.teal.userCount()], notFound }));
} finally {
  await identity.close();
  await sandbox.close();
}
`;

const CJS_SCRIPT = `
const lib = require('payroll-identity');
const { startSandbox } = require('payroll-identity/sandbox');
(async () => {
  let configError;
  try {
    lib.createPayrollIdentity({ tenants: { x: { provider: 'teal', environment: 'staging', credentials: { apiKey: 'smoke-secret-value' } } } });
  } catch (e) {
    configError = { invalidConfiguration: e instanceof lib.InvalidConfigurationError, base: e instanceof lib.PayrollIdentityError,
      code: e.code, echoesSecret: JSON.stringify(e) .includes('smoke-secret-value') || e.message.includes('smoke-secret-value') };
  }
  const sandbox = await startSandbox();
  const identity = lib.createPayrollIdentity({ tenants: {
    uk: { provider: 'teal', environment: 'sandbox', baseUrl: sandbox.teal.baseUrl, credentials: sandbox.teal.credentials },
  } });
  try {
    const { user } = await identity.forTenant('uk').createUser({ firstName: 'John', lastName: 'Smith', birthDate: '1990-05-17',
      address: { postalCode: 'SW1A 2AA' }, providerOptions: { teal: { payrollPeriodMonths: 6 } } });
    const read = await identity.forTenant('uk').getUser(user.id);
    console.log(JSON.stringify({ configError, provider: read.provider, period: read.providerData.payrollPeriodMonths,
      count: sandbox.teal.userCount() }));
  } finally {
    await identity.close();
    await sandbox.close();
  }
})().catch((e) => { console.error(e && e.code); process.exitCode = 1; });
`;

describe('the packed package', { timeout: 120_000 }, () => {
  it('holds the built entry points and no sources', async () => {
    const listing = expectSuccess('tar', await run('tar', ['-tzf', pkg.tarball], { cwd: ROOT }));
    const files = listing.stdout.split('\n').filter(Boolean);
    for (const file of [
      'package.json',
      'README.md',
      'dist/index.js',
      'dist/index.cjs',
      'dist/index.d.ts',
      'dist/index.d.cts',
      'dist/sandbox.js',
      'dist/sandbox.cjs',
      'dist/sandbox.d.ts',
      'dist/sandbox.d.cts',
      'dist/cli.js',
    ]) {
      expect(files).toContain(`package/${file}`);
    }
    const sources = files.filter((f) => /\.ts$/.test(f) && !/\.d\.c?ts$/.test(f));
    expect(sources).toEqual([]);
    expect(files.filter((f) => /^package\/(src|test|providers|examples|docs)\//.test(f))).toEqual([]);
  });

  it('is publint-clean (strict: warnings fail too)', async () => {
    const publint = join(ROOT, 'node_modules', 'publint', 'src', 'cli.js');
    const result = await run(process.execPath, [publint, pkg.stage, '--strict'], { cwd: pkg.stage });
    expect(result.stdout + result.stderr).not.toMatch(/Errors:|Warnings:/);
    expect(result.code).toBe(0);
  });

  it('has types that resolve for every consumer (@arethetypeswrong/cli)', async () => {
    const attw = join(ROOT, 'node_modules', '@arethetypeswrong', 'cli', 'dist', 'index.js');
    const result = await run(process.execPath, [attw, pkg.tarball, '--format', 'ascii'], { cwd: pkg.stage });
    expect(result.stdout).toContain('No problems found');
    expect(result.code).toBe(0);
  });

  it('imports from ESM and runs a user lifecycle against the bundled sandbox', async () => {
    const result = expectSuccess('ESM import', await node(['--input-type=module', '-e', ESM_SCRIPT]));
    expect(JSON.parse(result.stdout)).toEqual({
      us: 'argyle',
      uk: 'teal',
      ignored: ['email'],
      linkToken: 'string',
      counts: [1, 1],
      notFound: true,
    });
  });

  it('requires from CommonJS, with the same error classes and the lazily loaded emulators', async () => {
    const result = expectSuccess('CJS require', await node(['-e', CJS_SCRIPT]));
    expect(JSON.parse(result.stdout)).toEqual({
      configError: {
        invalidConfiguration: true,
        base: true,
        code: 'invalid_configuration',
        echoesSecret: false,
      },
      provider: 'teal',
      period: 6,
      count: 1,
    });
  });

  it('installs the payroll-identity binary: --help and --version', async () => {
    const help = expectSuccess(
      'npx payroll-identity --help',
      await run('npx', ['--offline', 'payroll-identity', '--help'], { cwd: project }),
    );
    expect(help.stdout).toMatch(/Usage: payroll-identity/);
    for (const command of ['demo', 'sandbox', 'users']) expect(help.stdout).toContain(command);

    const version = expectSuccess(
      'npx payroll-identity --version',
      await run('npx', ['--offline', 'payroll-identity', '--version'], { cwd: project }),
    );
    expect(version.stdout.trim()).toBe(pkg.version);
  });

  it('runs `payroll-identity demo` from the installed package', async () => {
    const demo = await run('npx', ['--offline', 'payroll-identity', 'demo'], {
      cwd: project,
      timeoutMs: 90_000,
    });
    expect(demo.stderr.replace(/^npm warn .*\n?/gim, '')).toBe('');
    expect(demo.code).toBe(0);
    expect(demo.stdout).toContain('every step behaved as expected');
  });
});

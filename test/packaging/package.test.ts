/**
 * Packaging smoke test: the package as a user receives it. The run's shared release build
 * (./pack.ts: the release tree, `npm pack` with its `prepack` build, the tarball installed in a fresh
 * project outside the repository) is audited file by file, linted (publint, @arethetypeswrong/cli),
 * then imported from ESM and from CommonJS, and its CLI run.
 *
 * The install uses npm's cache (`--offline`), falling back to `--prefer-offline` when the cache
 * lacks a dependency (a fresh CI cache), so normally nothing is downloaded. Everything the scripts do
 * at runtime is on loopback (the embedded sandbox).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectSuccess, type PackedPackage, ROOT, run, sharedPackage } from './pack.js';

let pkg: PackedPackage;
let project: string;

beforeAll(async () => {
  pkg = await sharedPackage();
  project = pkg.project;
}, 600_000);

/**
 * The binary npm linked into the project's `node_modules/.bin` (run as a shell or an npm script
 * runs it: through its shebang), rather than through `npx`, which only adds npm's start-up.
 */
const bin = () => join(project, 'node_modules', '.bin', 'payroll-identity');

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

// The checks are independent child processes (publint, attw, node, the binary): run side by side.
describe('the packed package', { timeout: 120_000, concurrent: true }, () => {
  it('holds exactly package.json, README.md, LICENSE and dist/: the built entry points, no sources or tests', async () => {
    const listing = expectSuccess('tar', await run('tar', ['-tzf', pkg.tarball], { cwd: ROOT }));
    const files = listing.stdout
      .split('\n')
      .filter(Boolean)
      .map((f) => f.replace(/^package\//, ''));
    const topLevel = [...new Set(files.map((f) => f.split('/')[0]))].sort();
    expect(topLevel).toEqual(['LICENSE', 'README.md', 'dist', 'package.json']);
    for (const file of [
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
      expect(files).toContain(file);
    }
    // dist/ is flat and holds only built code, its declarations and its source maps.
    const unexpected = files.filter(
      (f) => f.startsWith('dist') && !/^dist\/[\w.-]+\.(js|cjs|d\.ts|d\.cts|js\.map|cjs\.map)$/.test(f),
    );
    expect(unexpected).toEqual([]);
    expect(files.filter((f) => /\.(test|spec)\./.test(f) || /\.tgz$/.test(f))).toEqual([]);
    // The maps name the library's sources only: no test, example or bench code went into a build.
    const maps = files.filter((f) => f.endsWith('.map'));
    expect(maps.length).toBeGreaterThan(0);
    for (const map of maps) {
      const { sources } = JSON.parse(readFileSync(join(pkg.unpacked, map), 'utf8')) as { sources: string[] };
      expect(
        sources.filter((s) => /(^|\/)(test|examples|bench)\//.test(s)),
        map,
      ).toEqual([]);
      // Paths relative to the map: never the building machine's own (a CommonJS map once named
      // `/work/main/dist/...`).
      expect(
        sources.filter((s) => s.startsWith('/') || /^[A-Za-z]:[\\/]/.test(s) || s.startsWith('file:')),
        map,
      ).toEqual([]);
    }
    // The files shipped are the release tree's own: the licence and README as committed.
    expect(readFileSync(join(pkg.unpacked, 'LICENSE'), 'utf8')).toBe(
      readFileSync(join(ROOT, 'LICENSE'), 'utf8'),
    );
    expect(readFileSync(join(pkg.unpacked, 'README.md'), 'utf8')).toBe(
      readFileSync(join(ROOT, 'README.md'), 'utf8'),
    );
  });

  it('is publint-clean (strict: warnings fail too)', async () => {
    const publint = join(ROOT, 'node_modules', 'publint', 'src', 'cli.js');
    // The tarball itself: exactly what is published, and publint need not pack it again.
    const result = await run(process.execPath, [publint, pkg.tarball, '--strict'], { cwd: pkg.unpacked });
    expect(result.stdout + result.stderr).not.toMatch(/Errors:|Warnings:/);
    expect(result.code).toBe(0);
  });

  it('has types that resolve for every consumer (@arethetypeswrong/cli)', async () => {
    const attw = join(ROOT, 'node_modules', '@arethetypeswrong', 'cli', 'dist', 'index.js');
    const result = await run(process.execPath, [attw, pkg.tarball, '--format', 'ascii'], {
      cwd: pkg.unpacked,
    });
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
    const [help, version] = await Promise.all([
      run(bin(), ['--help'], { cwd: project }),
      run(bin(), ['--version'], { cwd: project }),
    ]);
    expectSuccess('payroll-identity --help', help);
    expect(help.stdout).toMatch(/Usage: payroll-identity/);
    for (const command of ['demo', 'sandbox', 'users']) expect(help.stdout).toContain(command);

    expectSuccess('payroll-identity --version', version);
    expect(version.stdout.trim()).toBe(pkg.version);
  });

  it('runs `payroll-identity demo` from the installed package', async () => {
    const demo = await run(bin(), ['demo'], {
      cwd: project,
      timeoutMs: 90_000,
    });
    expect(demo.stderr.replace(/^npm warn .*\n?/gim, '')).toBe('');
    expect(demo.code).toBe(0);
    expect(demo.stdout).toContain('every step behaved as expected');
  });
});

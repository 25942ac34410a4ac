/**
 * Packaging smoke test: the package as a user receives it. The run's shared release build
 * (./pack.ts: the release tree, `npm pack` with its `prepack` build, the tarball installed in a fresh
 * project outside the repository) is audited file by file, linted (publint, @arethetypeswrong/cli),
 * then imported from ESM and from CommonJS, and its CLI run. Each entry point (`payroll-identity`,
 * `/provider`, `/sandbox`, `/testing`) is imported both ways; `/testing` (the contract suite) needs
 * its optional peers vitest and nock, so the fresh project (which has neither) must refuse it by
 * naming them, and a second project that has them runs the packed suite under vitest.
 *
 * The install uses npm's cache (`--offline`), falling back to `--prefer-offline` when the cache
 * lacks a dependency (a fresh CI cache), so normally nothing is downloaded. Everything the scripts do
 * at runtime is on loopback (the embedded sandbox).
 */
import { cpSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import ts from 'typescript';
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

/** Each entry imported from ESM: the provider kit beside the root, `/testing` refused without its peers. */
const ESM_ENTRIES_SCRIPT = `
import * as root from 'payroll-identity';
import * as provider from 'payroll-identity/provider';
import * as sandbox from 'payroll-identity/sandbox';
let testing;
try { await import('payroll-identity/testing'); testing = 'loaded'; }
catch (e) { testing = { code: e.code, missing: /Cannot find package '([^']+)'/.exec(e.message)?.[1] }; }
console.log(JSON.stringify({
  provider: [typeof provider.defineProvider, typeof provider.secretString, typeof provider.CreateUserInputSchema?.parse],
  sameErrorClasses: provider.NotFoundError === root.NotFoundError && provider.PayrollIdentityError === root.PayrollIdentityError,
  rootWithoutProviderKit: ['defineProvider', 'HttpClient', 'Redactor', 'CreateUserInputSchema', 'BUILT_IN_PROVIDERS'].filter((n) => n in root),
  sandbox: [typeof sandbox.startSandbox, typeof sandbox.startEmulator],
  testing,
}));
`;

/** The same from CommonJS. */
const CJS_ENTRIES_SCRIPT = `
const root = require('payroll-identity');
const provider = require('payroll-identity/provider');
const sandbox = require('payroll-identity/sandbox');
let testing;
try { require('payroll-identity/testing'); testing = 'loaded'; }
catch (e) { testing = { code: e.code, missing: /Cannot find module '([^']+)'/.exec(e.message)?.[1] }; }
console.log(JSON.stringify({
  provider: [typeof provider.defineProvider, typeof provider.secretString, typeof provider.CreateUserInputSchema?.parse],
  sameErrorClasses: provider.NotFoundError === root.NotFoundError && provider.PayrollIdentityError === root.PayrollIdentityError,
  rootWithoutProviderKit: ['defineProvider', 'HttpClient', 'Redactor', 'CreateUserInputSchema', 'BUILT_IN_PROVIDERS'].filter((n) => n in root),
  sandbox: [typeof sandbox.startSandbox, typeof sandbox.startEmulator],
  testing,
  testingFile: require.resolve('payroll-identity/testing'),
}));
`;

/**
 * The packed contract suite run by vitest, as a provider author's test file would run it: the live
 * section against the packed sandbox's Teal emulator, through the packed root entry.
 */
const PACKED_CONTRACT_TEST = `
import { createPayrollIdentity } from 'payroll-identity';
import { startSandbox } from 'payroll-identity/sandbox';
import { describeUserServiceContract, FAST_RETRY, startEmulator } from 'payroll-identity/testing';
import { expect, it } from 'vitest';

const sandbox = await startSandbox();
const tenant = (credentials) => ({ provider: 'teal', environment: 'sandbox', baseUrl: sandbox.teal.baseUrl,
  credentials, retry: FAST_RETRY, defaults: { payrollPeriodMonths: 12 } });
const identity = createPayrollIdentity({ tenants: {
  uk: tenant(sandbox.teal.credentials), wrong: tenant({ apiKey: 'sandbox-key-wrong-0000000000000000' }) } });

describeUserServiceContract('packed teal', {
  live: {
    service: () => identity.forTenant('uk'),
    badCredentialsService: () => identity.forTenant('wrong'),
    createInput: { firstName: 'Jane', lastName: 'Doe', birthDate: '1990-05-17', address: { postalCode: 'SW1A 2AA' } },
    updateInput: { lastName: 'Dough' },
    secrets: [sandbox.teal.credentials.apiKey, 'sandbox-key-wrong-0000000000000000', '1990-05-17'],
    expectStored: (user, input) => { if (input.lastName !== undefined) expect(user.lastName).toBe(input.lastName); },
    close: async () => { await identity.close(); await sandbox.close(); },
  },
});

it("the testing entry hands out the sandbox entry's emulator runner", async () => {
  expect(startEmulator).toBe((await import('payroll-identity/sandbox')).startEmulator);
});
`;

/** A consumer's TypeScript, ESM and CommonJS, over every entry's declarations. */
const CONSUMER_TYPES = (from: 'esm' | 'cjs') => `
import { createPayrollIdentity, NotFoundError, type PayrollIdentityConfig, type UserService } from 'payroll-identity';
import { defineProvider, secretString, CreateUserInputSchema, type ProviderDefinition } from 'payroll-identity/provider';
import { startSandbox, type Sandbox } from 'payroll-identity/sandbox';
import { describeUserServiceContract, startEmulator, type LiveHarness, type SandboxEmulator } from 'payroll-identity/testing';
// @ts-expect-error the root is the consumer's API: the provider kit is payroll-identity/provider
import { defineProvider as notInRoot } from 'payroll-identity';

const config: PayrollIdentityConfig = { tenants: {} };
const harness: Pick<LiveHarness, 'secrets'> = { secrets: ['${from}'] };
export const values = [createPayrollIdentity, NotFoundError, defineProvider, secretString, CreateUserInputSchema,
  startSandbox, describeUserServiceContract, startEmulator, notInRoot, config, harness] as const;
export type Types = [UserService, ProviderDefinition, Sandbox, SandboxEmulator];
`;

/**
 * A second project beside the fresh one: the unpacked package in its `node_modules`, and above it the
 * repository's `node_modules` (vitest, nock, TypeScript and the package's own dependencies), the way
 * a provider's repository has the package beside its test tools.
 */
function projectWithPeers(unpacked: string, freshProject: string): string {
  const base = mkdtempSync(join(dirname(freshProject), 'with-peers-'));
  symlinkSync(join(ROOT, 'node_modules'), join(base, 'node_modules'), 'dir');
  const app = join(base, 'app');
  // A copy, not a link: Node resolves a linked package's imports from where the link points.
  cpSync(unpacked, join(app, 'node_modules', 'payroll-identity'), { recursive: true });
  writeFileSync(
    join(app, 'package.json'),
    JSON.stringify({ name: 'peers-app', private: true, type: 'module' }),
  );
  return app;
}

/** The parent run's vitest settings, which must not leak into the nested vitest run. */
const withoutVitestEnv = (): NodeJS.ProcessEnv =>
  Object.fromEntries(
    Object.keys(process.env)
      .filter((k) => /^VITEST/.test(k))
      .map((k) => [k, undefined]),
  );

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
      'dist/provider.js',
      'dist/provider.cjs',
      'dist/provider.d.ts',
      'dist/provider.d.cts',
      'dist/testing.js',
      'dist/testing.cjs',
      'dist/testing.d.ts',
      'dist/testing.d.cts',
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

  it.each([
    ['ESM', ['--input-type=module', '-e', ESM_ENTRIES_SCRIPT]],
    ['CommonJS', ['-e', CJS_ENTRIES_SCRIPT]],
  ] as const)(
    '%s: /provider and /sandbox load beside the root; /testing names its missing peer',
    async (how, args) => {
      const result = expectSuccess(`${how} entries`, await node(args));
      const seen = JSON.parse(result.stdout) as Record<string, unknown>;
      expect(seen).toMatchObject({
        provider: ['function', 'function', 'function'],
        sameErrorClasses: true,
        rootWithoutProviderKit: [],
        sandbox: ['function', 'function'],
        // The fresh project installed no optional peer: our file resolved, its first peer did not.
        testing: {
          code: how === 'ESM' ? 'ERR_MODULE_NOT_FOUND' : 'MODULE_NOT_FOUND',
          missing: expect.stringMatching(/^(vitest|nock)$/),
        },
      });
      if (how === 'CommonJS') expect(seen.testingFile).toMatch(/[\\/]dist[\\/]testing\.cjs$/);
    },
  );

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

// Independent child processes and a type check, each on its own files: side by side too.
describe('the packed payroll-identity/testing where vitest and nock are installed', {
  timeout: 120_000,
  concurrent: true,
}, () => {
  let app: string;
  beforeAll(() => {
    app = projectWithPeers(pkg.unpacked, pkg.project);
  });

  it('runs the packed contract suite (live, against the packed sandbox) under vitest', async () => {
    writeFileSync(join(app, 'contract.test.js'), PACKED_CONTRACT_TEST);
    const vitest = join(ROOT, 'node_modules', 'vitest', 'vitest.mjs');
    const result = await run(process.execPath, [vitest, 'run', '--root', app, '--reporter', 'verbose'], {
      cwd: app,
      timeoutMs: 90_000,
      env: withoutVitestEnv(),
    });
    expect(result.code, result.stdout + result.stderr).toBe(0);
    // Not vacuous: the suite's own tests ran (and passed) in the nested run.
    expect(result.stdout).toContain('UserService contract: packed teal');
    expect(result.stdout).toMatch(/Tests\s+9 passed/);
  });

  it('from CommonJS, /testing reaches vitest, which admits only `import`', async () => {
    const result = await run(process.execPath, ['-e', "require('payroll-identity/testing')"], {
      cwd: app,
      timeoutMs: 60_000,
    });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/Vitest cannot be imported in a CommonJS module/);
  });

  it('every entry has declarations a consumer compiles against, from ESM and from CommonJS', () => {
    const files = { esm: join(app, 'consumer.mts'), cjs: join(app, 'consumer.cts') };
    writeFileSync(files.esm, CONSUMER_TYPES('esm'));
    writeFileSync(files.cjs, CONSUMER_TYPES('cjs'));
    const program = ts.createProgram(Object.values(files), {
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      target: ts.ScriptTarget.ES2022,
      lib: ['lib.es2023.d.ts'],
      types: ['node'],
      typeRoots: [join(ROOT, 'node_modules/@types')],
      strict: true,
      noEmit: true,
    });
    const ours = (file: string) =>
      file.includes('/payroll-identity/dist/') || file.startsWith(join(app, 'consumer'));
    const problems = ts
      .getPreEmitDiagnostics(program)
      .filter((d) => !d.file || ours(d.file.fileName))
      .map((d) => `${d.file?.fileName ?? ''}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`);
    expect(problems).toEqual([]);
    // The declarations read were the packed ones, each entry's own (ESM and CommonJS flavours).
    const read = program.getSourceFiles().map((f) => f.fileName.split('/payroll-identity/')[1] ?? '');
    for (const entry of ['index', 'provider', 'sandbox', 'testing']) {
      expect(read).toContain(`dist/${entry}.d.ts`);
      expect(read).toContain(`dist/${entry}.d.cts`);
    }
  });
});

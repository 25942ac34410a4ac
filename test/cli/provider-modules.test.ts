/**
 * `--provider-module <path>` and a configuration file's `providerModules`: the export forms a module
 * may use, and every way a module can be unusable, each a one-line error with exit code 2 that quotes
 * neither the path nor what the module said; no credential of a configured tenant is ever printed.
 */
import { mkdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { EXIT } from '../../src/cli/io.js';
import { reportUnfinished, run } from '../../src/cli/program.js';
import {
  configSources,
  flagSources,
  loadProviderModules,
  providerEmulators,
  unfinishedModuleError,
} from '../../src/cli/provider-modules.js';
import { captureIo, runCli, scratchDir } from './support.js';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const ACMEPAY = fixture('acmepay-provider.ts');
const ACMEPAY_DEFAULT = fixture('acmepay-default.ts');
const FAKE = fixture('fake-providers.ts');
const MISNAMED = fixture('misnamed-emulator.ts');

const scratch = scratchDir();
afterAll(() => scratch.remove());

const SECRET = 'acme-SUPERSECRET-5b1f';
/** A tenant of the module's provider, pointed at a closed loopback port. */
const acmeTenant = (extra = '') =>
  [
    '  acme-eu:',
    '    provider: acmepay',
    '    environment: sandbox',
    '    baseUrl: http://127.0.0.1:9',
    `    credentials: { apiKey: ${SECRET}${extra} }`,
  ].join('\n');

/** Runs the CLI and checks the usage-error contract: exit 2, one line on stderr, nothing on stdout. */
async function refused(argv: readonly string[]): Promise<string> {
  const result = await runCli(argv);
  expect(result.code, result.stderr).toBe(EXIT.usage);
  expect(result.stdout).toBe('');
  expect(result.stderr.endsWith('\n')).toBe(true);
  expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
  return result.stderr;
}

/** A scratch module file. */
const moduleFile = (name: string, code: string) => scratch.file(name, code);

describe('what a provider module may export', () => {
  it('`provider`, a default export, or a `providers` array', async () => {
    const loaded = await loadProviderModules(flagSources([ACMEPAY]));
    expect(loaded.map((l) => l.definition.name)).toEqual(['acmepay']);
    const byDefault = await loadProviderModules(flagSources([ACMEPAY_DEFAULT]));
    expect(byDefault.map((l) => l.definition.name)).toEqual(['acmepay']);
    const byArray = await loadProviderModules(flagSources([FAKE]));
    expect(byArray.map((l) => l.definition.name)).toEqual(['fake']);
    // Both modules at once: in order.
    const both = await loadProviderModules(flagSources([FAKE, ACMEPAY]));
    expect(both.map((l) => l.definition.name)).toEqual(['fake', 'acmepay']);
  });

  it('`providers` wins over `provider`, which wins over the default export', async () => {
    const file = moduleFile(
      'precedence.mjs',
      [
        `export { provider as default } from ${JSON.stringify(ACMEPAY)};`,
        `import { provider as acme } from ${JSON.stringify(ACMEPAY)};`,
        `import { providers as fakes } from ${JSON.stringify(FAKE)};`,
        'export const provider = acme;',
        'export const providers = fakes;',
      ].join('\n'),
    );
    const loaded = await loadProviderModules(flagSources([file]));
    expect(loaded.map((l) => l.definition.name)).toEqual(['fake']);
  });

  it('a relative path is resolved from the working directory', async () => {
    const loaded = await loadProviderModules(flagSources([relative(process.cwd(), ACMEPAY)]));
    expect(loaded.map((l) => l.definition.name)).toEqual(['acmepay']);
  });

  it("hands out the loaded providers' emulators, checked against their names", async () => {
    const emulators = await providerEmulators(await loadProviderModules(flagSources([FAKE, ACMEPAY])));
    // The fake provider has none; Acme Pay's is named like it.
    expect(emulators.map((e) => e.name)).toEqual(['acmepay']);
    await expect(providerEmulators(await loadProviderModules(flagSources([MISNAMED])))).rejects.toThrow(
      /gives provider "acme-two", whose emulator has another name/,
    );
  });
});

describe('an unusable --provider-module is a usage error (exit 2) on every command', () => {
  const commands: readonly (readonly string[])[] = [
    ['demo'],
    ['sandbox'],
    ['users', 'list', '--config', scratch.file('plain.yaml', 'tenants: {}\n'), '--tenant', 'x'],
  ];

  it.each(commands)('%j: a missing file, a package name, a URL, a directory', async (...command) => {
    const missing = await refused([...command, '--provider-module', './jane-doe-provider.js']);
    expect(missing).toMatch(
      /^error: the --provider-module file cannot be read \(Error ENOENT\); give the path/,
    );
    expect(missing).not.toContain('jane-doe');

    // A package name is not looked up in node_modules: it is a (missing) file here.
    expect(await refused([...command, '--provider-module', 'zod'])).toContain('cannot be read');
    for (const url of [
      'data:text/javascript,export default {}',
      'https://example.com/provider.js',
      'node:fs',
    ]) {
      const text = await refused([...command, '--provider-module', url]);
      expect(text).toBe(
        'error: the --provider-module file must be a file path: URLs and package names are not loaded.\n',
      );
    }
    const dir = join(scratch.dir, 'a-directory');
    mkdirSync(dir, { recursive: true });
    expect(await refused([...command, '--provider-module', dir])).toBe(
      'error: the --provider-module file is not a file.\n',
    );
  });

  it.each(commands)('%j: no provider, an invalid one, a module that throws', async (...command) => {
    const empty = moduleFile('empty.mjs', 'export const nothing = 1;\n');
    expect(await refused([...command, '--provider-module', empty])).toMatch(
      /^error: the --provider-module file exports no provider: export a ProviderDefinition/,
    );

    const invalid = moduleFile('invalid.mjs', "export const provider = { name: 'two words', sandbox: 3 };\n");
    const text = await refused([...command, '--provider-module', invalid]);
    expect(text).toContain('does not export a valid ProviderDefinition (its provider: name must start');
    expect(text).toContain('tenantShape must be an object of zod schemas');
    expect(text).toContain('sandbox must be a function');
    expect(text).not.toContain('two words');

    const notObjects = moduleFile('numbers.mjs', 'export const providers = [1];\n');
    expect(await refused([...command, '--provider-module', notObjects])).toContain(
      '(its provider: is not an object)',
    );

    const throws = moduleFile('throws.mjs', `throw new Error('${SECRET} jane.doe@example.com');\n`);
    const thrown = await refused([...command, '--provider-module', throws]);
    expect(thrown).toBe('error: the --provider-module file could not be loaded (Error).\n');

    const broken = moduleFile('broken.mjs', 'export const = ;\n');
    // Node names it SyntaxError; under the test runner, its transformer's error name.
    expect(await refused([...command, '--provider-module', broken])).toMatch(
      /^error: the --provider-module file could not be loaded \([A-Za-z]+( [A-Z0-9_]+)?\)\.\n$/,
    );
  });

  it.each(commands)('%j: an export that throws when read (a Proxy, a getter)', async (...command) => {
    const proxy = moduleFile(
      'proxy.mjs',
      `export default new Proxy({}, { get() { throw new Error('${SECRET} jane.doe@example.com'); } });\n`,
    );
    const getter = moduleFile(
      'getter.mjs',
      `export const provider = { get name() { throw new TypeError('${SECRET}'); }, tenantShape: {} };\n`,
    );
    const revoked = moduleFile(
      'revoked.mjs',
      'const { proxy, revoke } = Proxy.revocable([], {}); revoke(); export const providers = proxy;\n',
    );
    const throwingName = moduleFile(
      'throwing-name.mjs',
      "export default { get name() { throw new Proxy({}, { get() { throw new Error('x'); } }); } };\n",
    );
    expect(await refused([...command, '--provider-module', proxy])).toBe(
      'error: the --provider-module file does not export a valid ProviderDefinition (reading its export threw Error).\n',
    );
    expect(await refused([...command, '--provider-module', getter])).toBe(
      'error: the --provider-module file does not export a valid ProviderDefinition (reading its export threw TypeError).\n',
    );
    expect(await refused([...command, '--provider-module', revoked])).toBe(
      'error: the --provider-module file does not export a valid ProviderDefinition (reading its export threw TypeError).\n',
    );
    // What it threw cannot even be read: still one line, naming nothing.
    expect(await refused([...command, '--provider-module', throwingName])).toBe(
      'error: the --provider-module file does not export a valid ProviderDefinition (reading its export threw Error).\n',
    );
  });

  it('an emulator that throws when read is refused by `sandbox` and `demo`', async () => {
    const file = moduleFile(
      'proxy-emulator.mjs',
      [
        `import { provider as acme } from ${JSON.stringify(ACMEPAY)};`,
        // Not a thenable (so that awaiting it works), and nothing else can be read.
        "const trap = new Proxy({}, { get(_, key) { if (key === 'then') return undefined; throw new Error('jane.doe@example.com'); } });",
        'export const provider = { ...acme, sandbox: async () => trap };',
      ].join('\n'),
    );
    for (const command of ['sandbox', 'demo']) {
      expect(await refused([command, '--provider-module', file])).toBe(
        'error: the --provider-module file gives provider "acmepay", whose sandbox() does not return a SandboxEmulator (name, createCredentials, errorBody, register).\n',
      );
    }
  });

  it('several modules are named by position; two giving the same provider are refused', async () => {
    const empty = moduleFile('empty-2.mjs', 'export default [];\n');
    expect(await refused(['demo', '--provider-module', ACMEPAY, '--provider-module', empty])).toMatch(
      /^error: --provider-module #2 exports no provider/,
    );
    expect(
      await refused(['sandbox', '--provider-module', ACMEPAY, '--provider-module', ACMEPAY_DEFAULT]),
    ).toBe(
      'error: --provider-module #2 gives provider "acmepay", which another provider module gives too.\n',
    );
  });

  it('an emulator named after another provider is refused by `sandbox` and `demo`', async () => {
    for (const command of ['sandbox', 'demo']) {
      expect(await refused([command, '--provider-module', MISNAMED])).toBe(
        'error: the --provider-module file gives provider "acme-two", whose emulator has another name (it must be "acme-two" too).\n',
      );
    }
  });

  it('a provider module without an emulator is noted by `sandbox`, which runs the others', async () => {
    const stop = new AbortController();
    const io = captureIo(stop.signal);
    const running = run(['sandbox', '--provider-module', FAKE], io);
    for (let i = 0; i < 200 && !io.out().includes('Press Ctrl-C'); i++)
      await new Promise((r) => setTimeout(r, 25));
    expect(io.err()).toBe('note: provider "fake" has no emulator; it is not started.\n');
    expect(io.out()).not.toMatch(/^fake /m);
    stop.abort();
    expect(await running).toBe(EXIT.ok);
  });
});

describe('`providerModules` in a users --config file', () => {
  /** A configuration in its own directory, so that relative module paths are resolved from there. */
  function configIn(name: string, lines: readonly string[]): string {
    const dir = join(scratch.dir, name);
    mkdirSync(dir, { recursive: true });
    const path = join(dir, 'tenants.yaml');
    scratch.file(relative(scratch.dir, path), `${lines.join('\n')}\n`);
    return path;
  }

  it('loads the modules, relative to the file, so its tenants validate against their provider', async () => {
    const dir = join(scratch.dir, 'relative');
    const config = configIn('relative', [
      'providerModules:',
      `  - ${relative(dir, ACMEPAY)}`,
      'tenants:',
      acmeTenant(', extra: 1'),
    ]);
    const result = await runCli(['users', 'list', '--config', config, '--tenant', 'acme-eu']);
    expect(result.code).toBe(EXIT.usage);
    // Acme Pay's own tenant shape judged the credentials: the provider was loaded.
    expect(result.stderr).toContain('tenant "acme-eu": credentials');
    expect(result.stderr).not.toContain('provider must be one of');
    expect(result.stderr).not.toContain('SUPERSECRET');

    // Without the module, the provider is unknown.
    const without = configIn('without', ['tenants:', acmeTenant()]);
    const unknown = await runCli(['users', 'list', '--config', without, '--tenant', 'acme-eu']);
    expect(unknown.code).toBe(EXIT.usage);
    expect(unknown.stderr).toContain('provider must be one of');
    expect(unknown.stderr).not.toContain('SUPERSECRET');

    // …and --provider-module gives it just as well.
    const flagged = await runCli([
      'users',
      'list',
      '--config',
      without,
      '--tenant',
      'acme-eu',
      '--provider-module',
      ACMEPAY,
      '--json',
    ]);
    expect(flagged.stderr).not.toContain('provider must be one of');
    expect(flagged.stdout + flagged.stderr).not.toContain('SUPERSECRET');
  });

  it('a configured tenant of a module provider never has its credential printed', async () => {
    const config = configIn('secret', ['providerModules:', `  - ${ACMEPAY}`, 'tenants:', acmeTenant()]);
    for (const argv of [
      ['users', 'get', 'u-1', '--config', config, '--tenant', 'acme-eu'],
      ['users', 'get', 'u-1', '--config', config, '--tenant', 'acme-eu', '--json'],
      [
        'users',
        'create',
        '--first-name',
        'Ann',
        '--last-name',
        'Doe',
        '--config',
        config,
        '--tenant',
        'acme-eu',
      ],
      ['users', 'list', '--config', config, '--tenant', 'nobody'],
    ]) {
      const result = await runCli(argv);
      expect(result.code, result.stderr).not.toBe(EXIT.ok);
      expect(result.stdout + result.stderr).not.toContain('SUPERSECRET');
    }
  });

  it('a malformed providerModules, or an unusable entry, is invalid_configuration (exit 2)', async () => {
    const notList = configIn('not-list', ['providerModules: ./one.js', 'tenants: {}']);
    const list = await runCli(['users', 'list', '--config', notList, '--tenant', 'x']);
    expect(list.code).toBe(EXIT.usage);
    expect(list.stderr).toContain('invalid_configuration:');
    expect(list.stderr).toContain('providerModules: must be a list of at most 50 file paths');

    const missing = configIn('missing', ['providerModules:', '  - ./jane-doe.js', 'tenants: {}']);
    const gone = await runCli(['users', 'list', '--config', missing, '--tenant', 'x']);
    expect(gone.code).toBe(EXIT.usage);
    expect(gone.stderr).toContain('providerModules[0]: cannot be read (Error ENOENT)');
    expect(gone.stderr).not.toContain('jane-doe');

    const url = configIn('url', [
      'providerModules:',
      '  - "data:text/javascript,export default 1"',
      'tenants: {}',
    ]);
    const refusedUrl = await runCli(['users', 'list', '--config', url, '--tenant', 'x', '--json']);
    expect(refusedUrl.code).toBe(EXIT.usage);
    const error = JSON.parse(refusedUrl.stderr) as { code: string; problems: { field: string }[] };
    expect(error.code).toBe('invalid_configuration');
    expect(error.problems[0]?.field).toBe('providerModules[0]');
  });

  it('the configuration sources resolve from the file, not the working directory', () => {
    const config = join(scratch.dir, 'somewhere', 'tenants.yaml');
    const [source] = configSources({ providerModules: ['./p.js'] }, config);
    expect(source?.base).toBe(dirname(config));
    expect(configSources({ tenants: {} }, config)).toEqual([]);
  });
});

describe('a module that never finishes loading', () => {
  type Release = (value?: unknown) => void;
  const globals = globalThis as { __payrollIdentityRelease?: Release };

  /** A module whose top-level await waits until the test releases it. */
  const waiting = (name: string) =>
    moduleFile(
      name,
      'await new Promise((resolve) => { globalThis.__payrollIdentityRelease = resolve; });\nexport default 1;\n',
    );

  async function whileWaiting(
    argv: readonly string[],
    check: (io: ReturnType<typeof captureIo>) => void,
  ): Promise<number> {
    // Read through a function: the module sets it while this function awaits.
    const release = (): Release | undefined => globals.__payrollIdentityRelease;
    globals.__payrollIdentityRelease = undefined;
    const io = captureIo();
    const running = run(argv, io);
    for (let i = 0; i < 400 && release() === undefined; i++) await new Promise((r) => setTimeout(r, 10));
    expect(release()).toBeTypeOf('function');
    try {
      check(io);
    } finally {
      release()?.();
    }
    const code = await running;
    expect(unfinishedModuleError()).toBeUndefined();
    return code;
  }

  it('is what the binary reports when the process would end: one line, exit 2, no path', async () => {
    expect(unfinishedModuleError()).toBeUndefined();
    const file = waiting('waits-jane-doe.mjs');
    const code = await whileWaiting(['demo', '--provider-module', file], () => {
      const io = captureIo();
      expect(reportUnfinished(['demo', '--provider-module', file], io)).toBe(EXIT.usage);
      expect(io.err()).toBe(
        'error: the --provider-module file did not finish loading: its top-level await never settled.\n',
      );
      expect(io.out()).toBe('');
      const json = captureIo();
      expect(reportUnfinished(['demo', '--json', '--provider-module', file], json)).toBe(EXIT.usage);
      expect(JSON.parse(json.err())).toMatchObject({ code: 'usage' });
    });
    // Released, the module loads (and is refused: its default export is not a provider).
    expect(code).toBe(EXIT.usage);
  });

  it('a configuration file’s entry is named by its field (invalid_configuration, exit 2)', async () => {
    const file = waiting('waits-config.mjs');
    const config = scratch.file('waits.yaml', `providerModules:\n  - ${file}\ntenants: {}\n`);
    await whileWaiting(['users', 'list', '--config', config, '--tenant', 'x'], () => {
      const io = captureIo();
      expect(reportUnfinished(['users', 'list'], io)).toBe(EXIT.usage);
      expect(io.err()).toMatch(/^invalid_configuration: /);
      expect(io.err()).toContain('providerModules[0]: did not finish loading');
      expect(io.err()).not.toContain('waits-config');
    });
  });

  it('without a module to blame, an internal_error (exit 1)', () => {
    const io = captureIo();
    expect(reportUnfinished(['users', 'list'], io)).toBe(EXIT.failure);
    expect(io.err()).toBe(
      'internal_error: the command did not finish: it waited for something that can never happen (code of a provider module?)\n',
    );
    const json = captureIo();
    reportUnfinished(['users', 'list', '--json'], json);
    expect(JSON.parse(json.err())).toEqual({
      code: 'internal_error',
      message: expect.stringContaining('did not finish'),
    });
  });
});

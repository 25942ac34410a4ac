/**
 * End to end: the built `payroll-identity` binary (`dist/cli.js`), spawned with Node as `npm start`
 * and a user's shell would run it.
 */
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MOVE_STEPS, MOVE_TENANT } from '../../src/cli/demo/move.js';
import { DEMO_STEPS } from '../../src/cli/demo/steps.js';
import { WEBHOOK_STEPS } from '../../src/cli/demo/webhooks.js';
import { demoTenantId, sandboxTenantsYaml } from '../../src/cli/sandbox-tenants.js';
import type { CreatedUser } from '../../src/index.js';
import { BUILT_IN_PROVIDERS } from '../../src/providers.js';
import { type Sandbox, startSandbox } from '../../src/sandbox/index.js';
import { ensureBuiltCli, ROOT } from './build.js';
import { scratchDir } from './support.js';

/** The built-in providers whose emulator has a demo plan: the demo's tenants. */
async function demoProviders(): Promise<string[]> {
  const names: string[] = [];
  for (const definition of BUILT_IN_PROVIDERS) {
    if ((await definition.sandbox?.())?.demo) names.push(definition.name);
  }
  return names;
}

const exec = promisify(execFile);
let cli: string;

interface Spawned {
  code: number;
  stdout: string;
  stderr: string;
}

async function spawnCli(args: readonly string[]): Promise<Spawned> {
  try {
    const { stdout, stderr } = await exec(process.execPath, [cli, ...args], { cwd: ROOT, timeout: 30_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: unknown; stdout?: string; stderr?: string };
    if (typeof e.code !== 'number') throw error;
    return { code: e.code, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

beforeAll(async () => {
  cli = await ensureBuiltCli();
}, 600_000);

// Each spawn loads Node and the bundle: generous timeouts for a loaded CI machine.
describe('the built binary', { timeout: 60_000 }, () => {
  it('starts with a shebang', async () => {
    const { readFile } = await import('node:fs/promises');
    expect((await readFile(cli, 'utf8')).split('\n', 1)[0]).toBe('#!/usr/bin/env node');
  });

  it('`demo` exits 0 and its report names every tenant and every step, the tenant move included', async () => {
    const result = await spawnCli(['demo']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const providers = await demoProviders();
    expect(providers.length).toBeGreaterThan(1);
    for (const provider of providers) expect(result.stdout).toContain(`== tenant ${demoTenantId(provider)} `);
    const lines = result.stdout.split('\n');
    for (const label of Object.values(DEMO_STEPS)) {
      expect(lines.filter((l) => l.includes(` ${label} `)).length).toBe(providers.length);
    }
    // The webhook loop, for every built-in provider (each emulator sends webhooks): every step passed,
    // so every delivery was verified by parseWebhook in the demo's receiver.
    for (const label of Object.values(WEBHOOK_STEPS)) {
      expect(
        lines.filter((l) => l.startsWith(`  ✓ ${label} `)),
        label,
      ).toHaveLength(providers.length);
    }
    const verified = lines.filter((l) => l.startsWith(`  ✓ ${WEBHOOK_STEPS.verify} `));
    for (const line of verified) expect(line).toMatch(/ \d+ verified with parseWebhook on the raw body /);
    const events = lines.filter((l) => /^ {6}user\.[a-z_]+ +\([^)]+\) · provider /.test(l));
    expect(events.map((l) => l.trim().split(' ')[0])).toEqual([
      'user.account_added',
      'user.account_connected',
      'user.fully_synced',
      'user.payroll_submitted',
    ]);
    // The move: from the first provider with a demo plan to the second, after every tenant's own steps.
    const [from, to] = providers;
    const heading = `== a tenant moves: ${MOVE_TENANT}, from ${from} to ${to} ==`;
    const at = lines.indexOf(heading);
    expect(at).toBeGreaterThan(lines.findIndex((l) => l.startsWith(`== tenant ${demoTenantId(to!)} `)));
    for (const label of Object.values(MOVE_STEPS)) {
      const steps = lines.filter((l) => l.startsWith(`  ✓ ${label} `));
      expect(steps, label).toHaveLength(1);
      expect(lines.indexOf(steps[0]!)).toBeGreaterThan(at);
    }
    expect(lines.find((l) => l.includes(` ${MOVE_STEPS.getByReference} `))).toContain(
      `{ provider: ${from}, id: `,
    );
    expect(lines.find((l) => l.includes(` ${MOVE_STEPS.createAfter} `))).toContain(
      `at ${to}, the current provider`,
    );
    expect(result.stdout).not.toMatch(/^ {2}✗/m);
    expect(result.stdout).toContain('every step behaved as expected');
  });

  it('bad flags exit 2 with a clear message', async () => {
    const result = await spawnCli([
      'users',
      'list',
      '--limit',
      'many',
      '--config',
      'x.yaml',
      '--tenant',
      't',
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("error: option '--limit <n>' argument is invalid.");
    expect(result.stderr).not.toContain('many');
    expect(result.stdout).toBe('');
  });

  it('--help works on a subcommand', async () => {
    const result = await spawnCli(['users', 'token', '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Usage: payroll-identity users token [options] <userId>');
  });

  it('`sandbox` runs until SIGINT, then closes and exits 0', async () => {
    const child = spawn(process.execPath, [cli, 'sandbox'], { cwd: ROOT });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    for (let i = 0; i < 400 && !out.includes('Press Ctrl-C'); i += 1)
      await new Promise((r) => setTimeout(r, 25));
    const baseUrl = /^argyle +(http:\/\/127\.0\.0\.1:\d+)$/m.exec(out)?.[1];
    expect(baseUrl).toBeDefined();
    // The emulator answers (401 without credentials) while the command runs.
    expect((await fetch(`${baseUrl}/v2/users`)).status).toBe(401);
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(out).toContain('Sandbox stopped.');
  });

  it('a --provider-module that is not a usable module exits 2 with a one-line error, naming no path', async () => {
    const scratch = scratchDir();
    try {
      const missing = await spawnCli(['sandbox', '--provider-module', 'no-such-provider-jane-doe.js']);
      expect(missing.code).toBe(2);
      expect(missing.stderr).toMatch(
        /^error: the --provider-module file cannot be read \(Error ENOENT\);[^\n]*\n$/,
      );
      expect(missing.stderr).not.toContain('jane-doe');
      expect(missing.stdout).toBe('');

      const garbage = scratch.file('garbage.mjs', "export default { name: 'two words' };\n");
      const invalid = await spawnCli(['demo', '--provider-module', garbage]);
      expect(invalid.code).toBe(2);
      expect(invalid.stderr).toMatch(
        /^error: the --provider-module file does not export a valid ProviderDefinition/,
      );
      expect(invalid.stdout).toBe('');
    } finally {
      scratch.remove();
    }
  });

  describe('a command that can never finish exits non-zero with one line, naming no path', () => {
    const scratch = scratchDir();
    afterAll(() => scratch.remove());
    // A top-level await nothing will ever settle: without a report, Node would end the process with 0.
    const hangs = () =>
      scratch.file('hangs-jane-doe.mjs', 'await new Promise(() => {});\nexport default 1;\n');

    it.each([['demo'], ['sandbox']])('%s --provider-module <a module that never loads>', async (command) => {
      const result = await spawnCli([command, '--provider-module', hangs()]);
      expect(result.code).toBe(2);
      expect(result.stderr).toBe(
        'error: the --provider-module file did not finish loading: its top-level await never settled.\n',
      );
      expect(result.stdout).toBe('');
    });

    it('users list with the module in the configuration’s providerModules, and --json', async () => {
      const config = scratch.file(
        'tenants.yaml',
        `providerModules:\n  - ./${'hangs-jane-doe.mjs'}\ntenants: {}\n`,
      );
      hangs();
      const result = await spawnCli(['users', 'list', '--config', config, '--tenant', 'x']);
      expect(result.code).toBe(2);
      // The configuration error's usual form: its headline, then the entry, by its field.
      expect(result.stderr).toMatch(
        /^invalid_configuration: [^\n]*\n {2}- providerModules\[0\]: did not finish loading: its top-level await never settled\.\n$/,
      );
      expect(result.stderr).not.toContain('jane-doe');
      const json = await spawnCli(['users', 'list', '--config', config, '--tenant', 'x', '--json']);
      expect(json.code).toBe(2);
      expect(JSON.parse(json.stderr)).toMatchObject({
        code: 'invalid_configuration',
        problems: [
          { field: 'providerModules[0]', reason: expect.stringContaining('did not finish loading') },
        ],
      });
    });

    it('sandbox with a provider whose emulator loader never settles', async () => {
      const file = scratch.file(
        'never-emulates.mjs',
        "export const provider = { name: 'never', tenantShape: { apiKey: { _zod: {} } }, sandbox: () => new Promise(() => {}) };\n",
      );
      const result = await spawnCli(['sandbox', '--provider-module', file]);
      expect(result.code).toBe(2);
      expect(result.stderr).toBe(
        'error: the --provider-module file gives provider "never", whose emulator did not finish loading: its sandbox() never settled.\n',
      );
    });
  });

  describe('users commands against a sandbox', () => {
    let sandbox: Sandbox;
    const scratch = scratchDir();
    let config: string;

    beforeAll(async () => {
      sandbox = await startSandbox();
      config = scratch.file('tenants.yaml', sandboxTenantsYaml(sandbox));
    });
    afterAll(async () => {
      await sandbox?.close();
      scratch.remove();
    });

    it('create, get, token and delete for a Teal tenant', async () => {
      const tenant = ['--config', config, '--tenant', 'demo-teal'];
      const created = await spawnCli([
        'users',
        'create',
        '--first-name',
        'John',
        '--last-name',
        'Smith',
        '--birth-date',
        '1985-11-02',
        '--postal-code',
        'SW1A 2AA',
        '--ni-number',
        'QQ123456C',
        '--payroll-period-months',
        '12',
        ...tenant,
        '--json',
      ]);
      expect(created.code, created.stderr).toBe(0);
      const { user } = JSON.parse(created.stdout) as CreatedUser;
      expect(sandbox.teal.userCount()).toBe(1);

      const got = await spawnCli(['users', 'get', user.id, ...tenant]);
      expect(got.code).toBe(0);
      expect(got.stdout).toMatch(/name: +John Smith/);

      const token = await spawnCli(['users', 'token', user.id, ...tenant]);
      expect(token.code).toBe(0);
      expect(token.stdout).toMatch(/token: +\S+/);

      expect((await spawnCli(['users', 'delete', user.id, ...tenant])).code).toBe(0);
      const gone = await spawnCli(['users', 'get', user.id, ...tenant]);
      expect(gone.code).toBe(1);
      expect(gone.stderr).toMatch(/^not_found: /);
    });

    it('a bad config exits 2, lists the problem and does not print the secret', async () => {
      const bad = scratch.file(
        'bad.yaml',
        `tenants:\n  uk:\n    provider: teal\n    environment: sandbox\n    credentials: { apiKey: TEAL-SUPERSECRET-KEY, extra: 1 }\n`,
      );
      const result = await spawnCli(['users', 'list', '--config', bad, '--tenant', 'uk']);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('invalid_configuration:');
      expect(result.stderr).toContain('tenant "uk": credentials');
      expect(result.stderr).not.toContain('SUPERSECRET');
    });
  });
});

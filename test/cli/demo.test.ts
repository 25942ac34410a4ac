/**
 * `demo` in-process: every step passes against the embedded sandbox, the report names a tenant per
 * emulator with a demo plan and every step, shows only fake data and truncated tokens; a misbehaving
 * provider makes it fail; a provider module's emulator joins the demo.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runDemo, type SandboxStarter } from '../../src/cli/commands/demo.js';
import { DEMO_STEPS } from '../../src/cli/demo/steps.js';
import { EXIT, type ExitCode } from '../../src/cli/io.js';
import { demoTenantId } from '../../src/cli/sandbox-tenants.js';
import { BUILT_IN_PROVIDERS } from '../../src/providers.js';
import { type Sandbox, startSandbox } from '../../src/sandbox/index.js';
import { captureIo, runCli } from './support.js';

const DEMO_TENANTS = { argyle: demoTenantId('argyle'), teal: demoTenantId('teal') };
const ACMEPAY_MODULE = fileURLToPath(new URL('./fixtures/acmepay-provider.ts', import.meta.url));

async function demo(start?: SandboxStarter) {
  const io = captureIo();
  let code: ExitCode | undefined;
  await runDemo({ io, exit: (c) => (code = c) }, start ? { start } : {});
  return { code, out: io.out(), err: io.err() };
}

/** Every credential value of a running sandbox. */
function credentialValues(sandbox: Sandbox): string[] {
  return [...sandbox.emulators.values()].flatMap((e) => e.credentialFields.map((f) => f.value));
}

/** The lines of one tenant's section. */
function section(out: string, tenant: string): string[] {
  const lines = out.split('\n');
  const start = lines.findIndex((l) => l.startsWith(`== tenant ${tenant} `));
  const end = lines.findIndex((l, i) => i > start && (l.startsWith('== ') || l === ''));
  return lines.slice(start, end === -1 ? undefined : end);
}

function stepLine(lines: string[], label: string): string {
  const line = lines.find((l) => l.trimStart().slice(2).startsWith(label));
  if (!line) throw new Error(`no line for step "${label}"`);
  return line;
}

describe('payroll-identity demo', () => {
  it('passes every step for every built-in tenant and exits 0', async () => {
    let sandbox: Sandbox | undefined;
    const { code, out, err } = await demo(async (options) => {
      sandbox = await startSandbox(options);
      return sandbox;
    });
    expect(err).toBe('');
    expect(code).toBe(EXIT.ok);
    expect(out).not.toMatch(/^ {2}✗/m);

    const argyle = section(out, DEMO_TENANTS.argyle);
    const teal = section(out, DEMO_TENANTS.teal);
    expect(argyle[0]).toBe('== tenant demo-argyle (provider argyle) ==');
    expect(teal[0]).toBe('== tenant demo-teal (provider teal) ==');
    for (const label of Object.values(DEMO_STEPS)) {
      expect(stepLine(teal, label)).toMatch(/^ {2}✓ /);
      expect(stepLine(argyle, label)).toMatch(label === DEMO_STEPS.duplicate ? /^ {2}– / : /^ {2}✓ /);
    }

    // Teal cannot store email or phone: the create names them.
    expect(stepLine(teal, DEMO_STEPS.create)).toMatch(/ignoredFields: .*email.*phone/);
    expect(stepLine(argyle, DEMO_STEPS.create)).toMatch(/ignoredFields: previousPostalCodes/);
    expect(stepLine(teal, DEMO_STEPS.duplicate)).toContain('conflict:');
    expect(stepLine(teal, DEMO_STEPS.invalidEmail)).toContain('invalid_input:');
    expect(stepLine(teal, DEMO_STEPS.invalidEmail)).toContain('email: Must be a valid email address');
    expect(stepLine(argyle, DEMO_STEPS.delete)).toContain('not_found');
    expect(out).toMatch(/15 of 15 steps passed, 1 not applicable: every step behaved as expected\./);

    // One section per built-in provider with an emulator (each has a demo plan), in registration order.
    const emulated = BUILT_IN_PROVIDERS.filter((d) => d.sandbox).map((d) => demoTenantId(d.name));
    const headings = [...out.matchAll(/^== tenant (\S+) /gm)].map((m) => m[1]);
    expect(headings).toEqual(emulated);
    // The sandbox's credentials are never printed by the demo.
    expect(sandbox).toBeDefined();
    for (const value of credentialValues(sandbox as Sandbox)) expect(out).not.toContain(value);
  });

  it('shows link tokens only by their first characters', async () => {
    const { out } = await demo();
    // Every "token …" in the report is 8 characters and an ellipsis, never a whole JWT.
    const tokens = [...out.matchAll(/token (\S+)/g)].map((m) => m[1] ?? '');
    expect(tokens.length).toBeGreaterThanOrEqual(3);
    for (const token of tokens) expect(token).toMatch(/^.{8}…$/);
    expect(out).not.toMatch(/eyJ[\w-]+\.[\w-]+/);
  });

  it('exits 1 and marks the step ✗ when a provider misbehaves', async () => {
    const { code, out } = await demo(async (options) => {
      const sandbox = await startSandbox(options);
      // Every DELETE at Teal fails: the delete step cannot pass.
      sandbox.teal.faults.next({ kind: 'server-error', status: 500, method: 'DELETE', count: 100 });
      return sandbox;
    });
    expect(code).toBe(EXIT.failure);
    expect(stepLine(section(out, DEMO_TENANTS.teal), DEMO_STEPS.delete)).toMatch(
      /^ {2}✗ .*provider_unavailable/,
    );
    expect(stepLine(section(out, DEMO_TENANTS.argyle), DEMO_STEPS.delete)).toMatch(/^ {2}✓ /);
    expect(out).toContain('1 step(s) did NOT behave as expected');
  });

  it("stops a tenant's steps when its create fails", async () => {
    const { code, out } = await demo(async (options) => {
      const sandbox = await startSandbox(options);
      // Teal answers its creates with a 503: a create that reached the provider is never resent blindly.
      sandbox.teal.faults.next({
        kind: 'server-error',
        status: 503,
        method: 'POST',
        path: '/users',
        count: 5,
      });
      return sandbox;
    });
    expect(code).toBe(EXIT.failure);
    const teal = section(out, DEMO_TENANTS.teal);
    expect(stepLine(teal, DEMO_STEPS.create)).toMatch(/^ {2}✗ /);
    expect(stepLine(teal, DEMO_STEPS.get)).toMatch(/^ {2}✗ .*not run: no user was created/);
    expect(stepLine(section(out, DEMO_TENANTS.argyle), DEMO_STEPS.create)).toMatch(/^ {2}✓ /);
  });

  it('runs a --provider-module provider through every step too, after the built-ins', async () => {
    const { code, stdout, stderr } = await runCli(['demo', '--provider-module', ACMEPAY_MODULE]);
    expect(stderr).toBe('');
    const acme = section(stdout, demoTenantId('acmepay'));
    expect(acme[0]).toBe('== tenant demo-acmepay (provider acmepay) ==');
    expect(acme[1]).toContain('SSN 123-45-6789');
    for (const label of Object.values(DEMO_STEPS)) {
      expect(stepLine(acme, label)).toMatch(label === DEMO_STEPS.duplicate ? /^ {2}– / : /^ {2}✓ /);
    }
    // What Acme Pay cannot store is named by the create.
    expect(stepLine(acme, DEMO_STEPS.create)).toMatch(/ignoredFields: .*phone.*nationalId/);
    const headings = [...stdout.matchAll(/^== tenant (\S+) /gm)].map((m) => m[1]);
    expect(headings.at(-1)).toBe('demo-acmepay');
    expect(code).toBe(EXIT.ok);
  });

  it("refuses an emulator's malformed demo plan before any step, naming the fields", async () => {
    const { code, out, err } = await demo(async (options) => {
      const sandbox = await startSandbox(options);
      const teal = sandbox.emulator('teal');
      const broken = { ...teal, demo: { ...teal.demo, duplicateConflict: 'yes', update: {} } };
      const emulators = new Map(sandbox.emulators);
      emulators.set('teal', broken as unknown as typeof teal);
      return { ...sandbox, emulators, close: () => sandbox.close() } as unknown as Sandbox;
    }).catch((error: unknown) => ({ code: undefined, out: '', err: String(error) }));
    expect(code).toBeUndefined();
    expect(out).toBe('');
    expect(err).toMatch(/demo plan of emulator teal is not valid \(update\.lastName, duplicateConflict\)/);
  });
});

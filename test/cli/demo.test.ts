/**
 * `demo` in-process: every step passes against the embedded sandbox, the report names a tenant per
 * emulator with a demo plan and every step, shows only fake data and truncated tokens; a misbehaving
 * provider makes it fail; a provider module's emulator joins the demo. The "tenant moves" part moves
 * a tenant from the first emulator's provider to the second's and fails when the move does not hold.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runDemo, type SandboxStarter } from '../../src/cli/commands/demo.js';
import { MOVE_STEPS, MOVE_TENANT, type MovingIdentity, TenantMoveDemo } from '../../src/cli/demo/move.js';
import { demoPlans } from '../../src/cli/demo/plans.js';
import { DemoReport } from '../../src/cli/demo/report.js';
import { DEMO_STEPS } from '../../src/cli/demo/steps.js';
import { WEBHOOK_STEPS } from '../../src/cli/demo/webhooks.js';
import { EXIT, type ExitCode } from '../../src/cli/io.js';
import { demoTenantId } from '../../src/cli/sandbox-tenants.js';
import { createPayrollIdentity, type TenantListFilter, type TenantUserService } from '../../src/index.js';
import { BUILT_IN_PROVIDERS } from '../../src/providers.js';
import {
  type Sandbox,
  type SandboxEmulator,
  type SandboxOptions,
  type SandboxRouter,
  startSandbox,
} from '../../src/sandbox/index.js';
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

/** The lines of the section whose heading starts with `== <heading> ` (up to the next heading or blank line). */
function sectionHeaded(out: string, heading: string): string[] {
  const lines = out.split('\n');
  const start = lines.findIndex((l) => l.startsWith(`== ${heading} `));
  if (start === -1) throw new Error(`no section "${heading}"`);
  const end = lines.findIndex((l, i) => i > start && (l.startsWith('== ') || l === ''));
  return lines.slice(start, end === -1 ? undefined : end);
}

/** The lines of one tenant's section. */
function section(out: string, tenant: string): string[] {
  return sectionHeaded(out, `tenant ${tenant}`);
}

/** The lines of the "tenant moves" section. */
function moveSection(out: string): string[] {
  return sectionHeaded(out, 'a tenant moves:');
}

function stepLine(lines: string[], label: string): string {
  const line = lines.find((l) => l.trimStart().slice(2).startsWith(label));
  if (!line) throw new Error(`no line for step "${label}"`);
  return line;
}

/** The built-in emulator of `provider`, its webhook subscriptions' bodies changed by `tamper` as they arrive. */
async function tamperedSubscriptions(
  provider: string,
  tamper: (body: Record<string, unknown>) => Record<string, unknown>,
): Promise<SandboxEmulator> {
  const emulator = (await BUILT_IN_PROVIDERS.find(
    (d) => d.name === provider,
  )?.sandbox?.()) as SandboxEmulator;
  return {
    ...emulator,
    register(router, context) {
      const wrapped: SandboxRouter = {
        guard: (guard) => router.guard(guard),
        route: (method, pattern, handler) =>
          router.route(
            method,
            pattern,
            method === 'POST' && /\/webhooks$/.test(pattern)
              ? (request) => handler({ ...request, body: tamper(request.body as Record<string, unknown>) })
              : handler,
          ),
      };
      return emulator.register(wrapped, context);
    },
  };
}

/**
 * A sandbox whose `provider` emulator is `emulator`, delivering each webhook once (no retries to wait
 * for); the demo's own start options (its plans' emulator options) are kept.
 */
function startWith(provider: string, emulator: SandboxEmulator): SandboxStarter {
  return (options: SandboxOptions) =>
    startSandbox({
      ...options,
      extraEmulators: [...(options.extraEmulators ?? []), emulator],
      emulators: {
        ...options.emulators,
        [provider]: { ...options.emulators?.[provider], webhooks: { attempts: 1 } },
      },
    });
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
    for (const label of Object.values(WEBHOOK_STEPS)) {
      expect(stepLine(teal, label)).toMatch(/^ {2}✓ /);
      expect(stepLine(argyle, label)).toMatch(/^ {2}✓ /);
    }
    // The webhook loop: subscribed before the create, simulated after the link token, every delivery
    // verified by parseWebhook in the receiver and printed as a neutral event, unsubscribed at the end.
    for (const lines of [argyle, teal]) {
      const at = (label: string) => lines.indexOf(stepLine(lines, label));
      expect(at(WEBHOOK_STEPS.subscribe)).toBeLessThan(at(DEMO_STEPS.create));
      expect(at(WEBHOOK_STEPS.simulate)).toBe(at(DEMO_STEPS.token) + 1);
      expect(at(WEBHOOK_STEPS.verify)).toBe(at(WEBHOOK_STEPS.simulate) + 1);
      expect(at(WEBHOOK_STEPS.unsubscribe)).toBe(lines.length - 1);
    }
    const argyleUser = /user (\S+) ·/.exec(stepLine(argyle, DEMO_STEPS.create))?.[1];
    const tealUser = /user (\S+) ·/.exec(stepLine(teal, DEMO_STEPS.create))?.[1];
    expect(stepLine(argyle, WEBHOOK_STEPS.subscribe)).toMatch(
      /subscription \S+ → http:\/\/127\.0\.0\.1:\d+\/webhooks\/demo-argyle · user\.account_added, /,
    );
    expect(stepLine(teal, WEBHOOK_STEPS.subscribe)).toContain('encrypted with the tenant’s random key');
    expect(stepLine(argyle, WEBHOOK_STEPS.simulate)).toContain(
      `simulate('connection', ${argyleUser}) at the emulator: 3 deliveries, each answered 200`,
    );
    expect(stepLine(argyle, WEBHOOK_STEPS.verify)).toContain('3 verified with parseWebhook on the raw body');
    expect(stepLine(teal, WEBHOOK_STEPS.verify)).toContain(
      '1 verified with parseWebhook on the raw body (signature verified and body decrypted)',
    );
    const events = (lines: string[]) => {
      const from = lines.indexOf(stepLine(lines, WEBHOOK_STEPS.verify)) + 1;
      const to = lines.indexOf(stepLine(lines, DEMO_STEPS.duplicate));
      return lines.slice(from, to).map((line) => line.trim());
    };
    expect(events(argyle).map((line) => line.split(' ')[0])).toEqual([
      'user.account_added',
      'user.account_connected',
      'user.fully_synced',
    ]);
    for (const line of events(argyle)) expect(line).toContain(`provider argyle · user ${argyleUser}`);
    expect(events(teal)).toEqual([
      expect.stringMatching(
        new RegExp(
          `^user\\.payroll_submitted +\\(user-payroll-submitted\\) · provider teal · user ${tealUser} · occurredAt \\d{4}-\\d\\d-\\d\\dT`,
        ),
      ),
    ]);
    expect(stepLine(argyle, WEBHOOK_STEPS.unsubscribe)).toContain('list() no longer shows it');

    // Teal cannot store email or phone: the create names them.
    expect(stepLine(teal, DEMO_STEPS.create)).toMatch(/ignoredFields: .*email.*phone/);
    expect(stepLine(argyle, DEMO_STEPS.create)).toMatch(/ignoredFields: previousPostalCodes/);
    expect(stepLine(teal, DEMO_STEPS.duplicate)).toContain('conflict:');
    // Teal documents the 409 but not its rule: the demo runs the emulator with the rule as an
    // option, and the report says so, in the tenant's heading and on the step.
    expect(teal[2]).toBe(
      "  emulator options: duplicateRule: name-and-birth-date (set by the demo; the emulator's defaults follow teal's documents)",
    );
    expect(stepLine(teal, DEMO_STEPS.duplicate)).toMatch(
      / · emulator options: duplicateRule: name-and-birth-date$/,
    );
    expect(sandbox?.teal.options).toMatchObject({ duplicateRule: 'name-and-birth-date' });
    expect(argyle.some((line) => line.includes('emulator options'))).toBe(false);
    expect(sandbox?.argyle.options).toEqual({ unknownFields: 'ignore', v1ListShape: 'envelope' });
    expect(stepLine(teal, DEMO_STEPS.invalidEmail)).toContain('invalid_input:');
    expect(stepLine(teal, DEMO_STEPS.invalidEmail)).toContain('email: Must be a valid email address');
    expect(stepLine(argyle, DEMO_STEPS.delete)).toContain('not_found');
    expect(out).toMatch(/29 of 29 steps passed, 1 not applicable: every step behaved as expected\./);

    // One section per built-in provider with an emulator (each has a demo plan), in registration order.
    const emulated = BUILT_IN_PROVIDERS.filter((d) => d.sandbox).map((d) => demoTenantId(d.name));
    const headings = [...out.matchAll(/^== tenant (\S+) /gm)].map((m) => m[1]);
    expect(headings).toEqual(emulated);

    // Then the tenant that moves: from the first emulator's provider to the second's, after the others.
    const [from, to] = BUILT_IN_PROVIDERS.filter((d) => d.sandbox).map((d) => d.name);
    const move = moveSection(out);
    expect(move[0]).toBe(`== a tenant moves: ${MOVE_TENANT}, from ${from} to ${to} ==`);
    expect(out.indexOf(move[0]!)).toBeGreaterThan(out.indexOf(`== tenant ${demoTenantId(to!)} `));
    for (const label of Object.values(MOVE_STEPS)) expect(stepLine(move, label)).toMatch(/^ {2}✓ /);
    const firstId = /user (\S+) at argyle/.exec(stepLine(move, MOVE_STEPS.createBefore))?.[1];
    expect(firstId).toBeDefined();
    expect(stepLine(move, MOVE_STEPS.move)).toContain('provider teal, retainedProviders [argyle]');
    expect(stepLine(move, MOVE_STEPS.move)).toContain('reaches teal, argyle');
    expect(stepLine(move, MOVE_STEPS.getByReference)).toContain(
      `{ provider: argyle, id: ${firstId} } · Jane Doe`,
    );
    expect(stepLine(move, MOVE_STEPS.createAfter)).toMatch(/user \S+ at teal, the current provider/);
    expect(stepLine(move, MOVE_STEPS.listRetained)).toContain(`still finds user ${firstId}`);
    expect(stepLine(move, MOVE_STEPS.cleanUp)).toContain('get now answers not_found');
    // Nothing is left behind at either emulator: no user, no subscription; every delivery went through at once.
    expect(sandbox?.argyle.userCount()).toBe(0);
    expect(sandbox?.teal.userCount()).toBe(0);
    expect(sandbox?.argyle.subscriptionCount()).toBe(0);
    expect(sandbox?.teal.subscriptionCount()).toBe(0);
    expect(sandbox?.argyle.deliveries().map((d) => [d.event, d.attempt, d.status])).toEqual([
      ['accounts.added', 1, 200],
      ['accounts.connected', 1, 200],
      ['users.fully_synced', 1, 200],
    ]);
    expect(sandbox?.teal.deliveries().map((d) => [d.event, d.attempt, d.status])).toEqual([
      ['user-payroll-submitted', 1, 200],
    ]);

    // The sandbox's credentials are never printed by the demo, nor the tenants' webhook secrets and
    // keys (random hex of 64 characters, base64 of 32 bytes), which appear nowhere in it.
    expect(sandbox).toBeDefined();
    for (const value of credentialValues(sandbox as Sandbox)) expect(out).not.toContain(value);
    expect(out).not.toMatch(/[0-9a-f]{64}/);
    expect(out).not.toMatch(/[A-Za-z0-9+/]{43}=/);
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
      // Every DELETE of a user at Teal fails: the delete step cannot pass.
      sandbox.teal.faults.next({
        kind: 'server-error',
        status: 500,
        method: 'DELETE',
        path: /^\/users\//,
        count: 100,
      });
      return sandbox;
    });
    expect(code).toBe(EXIT.failure);
    expect(stepLine(section(out, DEMO_TENANTS.teal), DEMO_STEPS.delete)).toMatch(
      /^ {2}✗ .*provider_unavailable/,
    );
    expect(stepLine(section(out, DEMO_TENANTS.argyle), DEMO_STEPS.delete)).toMatch(/^ {2}✓ /);
    // The moved tenant's clean-up deletes its Teal user too, by reference.
    expect(stepLine(moveSection(out), MOVE_STEPS.cleanUp)).toMatch(/^ {2}✗ .*provider_unavailable/);
    expect(out).toContain('2 step(s) did NOT behave as expected');
  });

  it("exits 1 and marks the move's steps ✗ when the retained provider misbehaves after the move", async () => {
    const { code, out } = await demo(async (options) => {
      const sandbox = await startSandbox(options);
      // Once Teal has been reached (after Argyle's own steps), reading one Argyle user fails.
      sandbox.argyle.faults.configure({
        inject: (request) =>
          request.method === 'GET' &&
          /^\/v2\/users\/[^/]+$/.test(request.path) &&
          sandbox.teal.requests().length > 0
            ? { kind: 'server-error', status: 500 }
            : undefined,
      });
      return sandbox;
    });
    expect(code).toBe(EXIT.failure);
    for (const label of Object.values(DEMO_STEPS).filter((l) => l !== DEMO_STEPS.duplicate))
      expect(stepLine(section(out, DEMO_TENANTS.argyle), label)).toMatch(/^ {2}✓ /);
    const move = moveSection(out);
    expect(stepLine(move, MOVE_STEPS.createBefore)).toMatch(/^ {2}✓ /);
    expect(stepLine(move, MOVE_STEPS.move)).toMatch(/^ {2}✓ /);
    expect(stepLine(move, MOVE_STEPS.getByReference)).toMatch(/^ {2}✗ .*provider_unavailable/);
    expect(stepLine(move, MOVE_STEPS.createAfter)).toMatch(/^ {2}✓ /);
    expect(stepLine(move, MOVE_STEPS.listRetained)).toMatch(/^ {2}✓ /);
    // The delete worked; the get that should answer not_found failed instead.
    expect(stepLine(move, MOVE_STEPS.cleanUp)).toMatch(/^ {2}✗ .*provider_unavailable/);
    expect(out).toContain('2 step(s) did NOT behave as expected');
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
    expect(stepLine(teal, WEBHOOK_STEPS.simulate)).toMatch(/^ {2}✗ .*not run: no user was created/);
    expect(stepLine(teal, WEBHOOK_STEPS.verify)).toMatch(/^ {2}✗ .*not run: no user was created/);
    // The subscription made before the create is still removed.
    expect(stepLine(teal, WEBHOOK_STEPS.unsubscribe)).toMatch(/^ {2}✓ /);
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
    // Its emulator sends no webhooks: one line says so, and nothing is subscribed.
    expect(stepLine(acme, WEBHOOK_STEPS.simulate)).toMatch(
      /^ {2}– .*not applicable: the acmepay emulator's demo plan has no webhook simulation$/,
    );
    expect(acme.some((line) => line.includes(WEBHOOK_STEPS.subscribe))).toBe(false);
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

  it('refuses a demo plan whose webhook simulation the emulator does not know', async () => {
    const teal = await tamperedSubscriptions('teal', (body) => body);
    const unknown = { ...teal, demo: { ...teal.demo!, webhooks: { simulation: 'payday' } } };
    const error = await demo(startWith('teal', unknown)).catch((thrown: unknown) => thrown);
    expect(String(error)).toMatch(
      /demo plan of emulator teal is not valid \(webhooks\.simulation: not one of the emulator's simulations\)/,
    );
  });

  it('fails the verify step, and exits 1, when a Teal delivery is signed with another secret', async () => {
    // The emulator keeps another signing secret than the one the tenant subscribed with.
    const teal = await tamperedSubscriptions('teal', (body) => ({
      ...body,
      signing_secret: 'not-the-tenant-secret',
    }));
    const { code, out } = await demo(startWith('teal', teal));
    expect(code).toBe(EXIT.failure);
    const lines = section(out, DEMO_TENANTS.teal);
    expect(stepLine(lines, WEBHOOK_STEPS.simulate)).toMatch(
      /^ {2}✗ .*1 of 1 deliveries were not accepted by the receiver$/,
    );
    expect(stepLine(lines, WEBHOOK_STEPS.verify)).toMatch(
      /^ {2}✗ .*1 delivery attempt\(s\) refused by parseWebhook: invalid_webhook \(signature\)$/,
    );
    // No event is printed for a refused delivery, and the other tenant is unaffected.
    expect(lines.some((line) => /^ {6}user\.payroll_submitted/.test(line))).toBe(false);
    for (const label of Object.values(WEBHOOK_STEPS))
      expect(stepLine(section(out, DEMO_TENANTS.argyle), label)).toMatch(/^ {2}✓ /);
    expect(out).toContain('2 step(s) did NOT behave as expected');
  });

  it('fails the verify step when Argyle deliveries come unsigned', async () => {
    const argyle = await tamperedSubscriptions('argyle', ({ secret: _dropped, ...body }) => body);
    const { code, out } = await demo(startWith('argyle', argyle));
    expect(code).toBe(EXIT.failure);
    const lines = section(out, DEMO_TENANTS.argyle);
    expect(stepLine(lines, WEBHOOK_STEPS.verify)).toMatch(
      /^ {2}✗ .*3 delivery attempt\(s\) refused by parseWebhook: invalid_webhook \(signature\)$/,
    );
    expect(stepLine(lines, WEBHOOK_STEPS.unsubscribe)).toMatch(/^ {2}✓ /);
  });
});

describe('the tenant move, against an identity that does not move as it should', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox();
  });
  afterAll(async () => {
    await sandbox?.close();
  });
  beforeEach(() => {
    sandbox.argyle.reset();
    sandbox.teal.reset();
  });

  /** Expects the step `label` to have failed, saying `why`. */
  function expectFailed(lines: string[], label: string, why: string): void {
    const line = stepLine(lines, label);
    expect(line).toMatch(/^ {2}✗ /);
    expect(line.slice(line.indexOf(label) + label.length).trim()).toContain(why);
  }

  /** The same handle, with some of its methods replaced. */
  function patched(users: TenantUserService, methods: Partial<TenantUserService>): TenantUserService {
    return new Proxy(users, {
      get(target, key) {
        if (Object.hasOwn(methods, key)) return methods[key as keyof TenantUserService];
        const value: unknown = Reflect.get(target, key, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  }

  /** Runs the move from Argyle to Teal through `wrap(identity)`; the report's move lines, and the failures. */
  async function move(wrap: (identity: MovingIdentity) => MovingIdentity) {
    const identity = createPayrollIdentity({ tenants: {} });
    const io = captureIo();
    const report = new DemoReport(io);
    try {
      const plans = demoPlans(sandbox);
      const end = (provider: string) => {
        const plan = plans.find((p) => p.provider === provider)!;
        return { plan, config: sandbox.emulator(provider).tenant() };
      };
      await new TenantMoveDemo(wrap(identity), end('argyle'), end('teal'), report, {}).run();
    } finally {
      await identity.close();
    }
    return { lines: io.out().split('\n'), failed: report.failed };
  }

  it('passes every step against the real identity (the baseline of the cases below)', async () => {
    const { lines, failed } = await move((identity) => identity);
    expect(failed).toBe(0);
    for (const label of Object.values(MOVE_STEPS)) expect(stepLine(lines, label)).toMatch(/^ {2}✓ /);
  });

  it('a move that drops the retained providers fails, and the later steps are not run', async () => {
    const { lines, failed } = await move((identity) => ({
      forTenant: (tenant) => identity.forTenant(tenant),
      setTenant: (tenant, config) => {
        const { retainedProviders: _dropped, ...rest } = config;
        return identity.setTenant(tenant, rest as typeof config);
      },
    }));
    expectFailed(lines, MOVE_STEPS.move, 'should reach teal, argyle; it reaches teal');
    const later = [
      MOVE_STEPS.getByReference,
      MOVE_STEPS.createAfter,
      MOVE_STEPS.listRetained,
      MOVE_STEPS.cleanUp,
    ];
    for (const label of later) expectFailed(lines, label, 'not run: the tenant did not move');
    expect(failed).toBe(5);
    expect(sandbox.teal.userCount()).toBe(0);
  });

  it('a move that never happens fails (the tenant stays at its first provider)', async () => {
    let calls = 0;
    const { lines } = await move((identity) => ({
      forTenant: (tenant) => identity.forTenant(tenant),
      setTenant: (tenant, config) => (++calls === 1 ? identity.setTenant(tenant, config) : Promise.resolve()),
    }));
    expectFailed(lines, MOVE_STEPS.move, 'the tenant should now be at teal, is at argyle');
    // Still at Argyle: the user created before the move is removed again.
    expect(sandbox.argyle.userCount()).toBe(0);
  });

  it('a listing that ignores the provider filter fails the list step', async () => {
    const { lines, failed } = await move((identity) => ({
      setTenant: (tenant, config) => identity.setTenant(tenant, config),
      forTenant: (tenant) => {
        const users = identity.forTenant(tenant);
        return patched(users, {
          listUsers: (filter?: TenantListFilter, options?) => {
            const { provider: _ignored, ...rest } = filter ?? {};
            return users.listUsers(rest, options);
          },
        });
      },
    }));
    // Teal's users, filtered by the Argyle applicant's external id: none of them is the Argyle user.
    expectFailed(lines, MOVE_STEPS.listRetained, 'was not among the 0 listed at argyle');
    expect(failed).toBe(1);
  });

  it('a create after the move that lands at the retained provider fails the create step', async () => {
    const { lines, failed } = await move((identity) => ({
      setTenant: (tenant, config) => identity.setTenant(tenant, config),
      forTenant: (tenant) => {
        const users = identity.forTenant(tenant);
        return patched(users, {
          // A wrong "current provider": the user created after the move comes back as Argyle's.
          createUser: async (input, options) => {
            const created = await users.createUser(input, options);
            return { ...created, user: { ...created.user, provider: 'argyle' } };
          },
        });
      },
    }));
    expectFailed(lines, MOVE_STEPS.createAfter, 'a new user should go to teal, went to argyle');
    expect(failed).toBe(1);
  });

  it('a reference read that returns another provider’s user fails the get step', async () => {
    const { lines } = await move((identity) => ({
      setTenant: (tenant, config) => identity.setTenant(tenant, config),
      forTenant: (tenant) => {
        const users = identity.forTenant(tenant);
        return patched(users, {
          getUser: async (user, options) => ({ ...(await users.getUser(user, options)), provider: 'teal' }),
        });
      },
    }));
    expectFailed(lines, MOVE_STEPS.getByReference, 'asked for argyle ');
    expect(stepLine(lines, MOVE_STEPS.getByReference)).toMatch(/asked for argyle (\S+), got teal \1$/);
  });
});

/**
 * `payroll-identity demo` (what `npm start` runs): starts the embedded sandbox, configures one tenant
 * `demo-<provider>` per emulator that has a demo plan (every built-in provider's, and those of
 * `--provider-module` providers), walks each through the neutral `UserService` (and, where the plan
 * has one, the webhook loop: subscribe, simulated connection, deliveries verified by a receiver in
 * this process, unsubscribe), then moves a tenant
 * from the first such provider to the second (keeping the first as a retained provider), and prints
 * a report. Exits 0 only when every step behaved as expected.
 */
import type { Command } from 'commander';
import { z } from 'zod';
import {
  createPayrollIdentityWith,
  type PayrollIdentity,
  type TenantConfigInput,
} from '../../container/identity.js';
import { BUILT_IN_PROVIDERS } from '../../providers.js';
import type { EmulatorStartOptions, SandboxEmulator, SandboxOptions } from '../../sandbox/index.js';
import { MOVE_STEPS, MOVE_TENANT, TenantMoveDemo } from '../demo/move.js';
import { demoPlans, describeEmulatorOptions, hasDemo } from '../demo/plans.js';
import { DemoWebhookReceiver } from '../demo/receiver.js';
import { DemoReport } from '../demo/report.js';
import { TenantDemo, type TenantPlan } from '../demo/steps.js';
import { demoWebhookSettings, noWebhookSteps, WebhookDemo } from '../demo/webhooks.js';
import { reportError } from '../errors.js';
import { EXIT } from '../io.js';
import {
  addProviderModuleOption,
  flagSources,
  type LoadedProvider,
  loadProviderModules,
  ProviderModuleFlagSchema,
  providerEmulators,
} from '../provider-modules.js';
import type { RunningSandbox } from '../sandbox-tenants.js';
import type { CommandContext } from './users.js';

/**
 * Starts the sandbox the demo runs against, with the options the demo needs (the provider modules'
 * emulators); tests pass one that adds faults to see the demo fail.
 */
export type SandboxStarter = (options: SandboxOptions) => Promise<RunningSandbox>;

/** Loaded on demand: the emulators' servers and stores, which `users` commands and `--help` do not need. */
const startSandbox: SandboxStarter = async (options) =>
  (await import('../../sandbox/index.js')).startSandbox(options);

/** What a demo run uses besides the built-in providers. */
export interface DemoOptions {
  /** Starts the sandbox (default: `startSandbox`). */
  start?: SandboxStarter;
  /** Providers loaded from `--provider-module`: their definitions configure the identity, their emulators run. */
  providers?: readonly LoadedProvider[];
}

/**
 * The "tenant moves" part: from the first plan's provider to the second's, in registration order (no
 * provider is named here). With fewer than two plans there is nothing to move between.
 */
async function runMove(
  identity: PayrollIdentity,
  sandbox: RunningSandbox,
  plans: readonly TenantPlan[],
  report: DemoReport,
  signal: AbortSignal | undefined,
): Promise<void> {
  const [from, to] = plans;
  if (from === undefined || to === undefined) {
    report.heading(`a tenant moves: ${MOVE_TENANT}`);
    report.step('skipped', MOVE_STEPS.move, 'not applicable: it needs two emulators with a demo plan');
    return;
  }
  report.heading(`a tenant moves: ${MOVE_TENANT}, from ${from.provider} to ${to.provider}`);
  report.line(
    `  ${to.provider} becomes its provider and ${from.provider} a retained provider: ${from.provider}'s users stay reachable as { provider, id }`,
  );
  const end = (plan: TenantPlan) => ({ plan, config: sandbox.emulator(plan.provider).tenant() });
  await new TenantMoveDemo(identity, end(from), end(to), report, { signal }).run();
}

/**
 * What each emulator with a demo plan is started with: the plan's `emulatorOptions` (Teal's duplicate
 * rule, which the duplicate step relies on), for the built-in emulators and `extra` alike (one with a
 * built-in's name replaces it, as in `startSandbox`).
 */
async function demoStartOptions(
  extra: readonly SandboxEmulator[],
): Promise<Record<string, EmulatorStartOptions>> {
  const emulators = new Map<string, SandboxEmulator>();
  for (const definition of BUILT_IN_PROVIDERS) {
    if (definition.sandbox) emulators.set(definition.name, await definition.sandbox());
  }
  for (const emulator of extra) emulators.set(emulator.name, emulator);
  const start: Record<string, EmulatorStartOptions> = {};
  for (const [name, emulator] of emulators) {
    const options = emulator.demo?.emulatorOptions;
    if (options !== undefined) start[name] = { options: { ...options } };
  }
  return start;
}

/**
 * One tenant per plan, pointed at the plan's emulator; a plan with a webhook loop gives its tenant
 * `webhooks` settings that are random for this run.
 */
function demoTenants(
  sandbox: RunningSandbox,
  plans: readonly TenantPlan[],
): Record<string, TenantConfigInput> {
  const tenants: Record<string, TenantConfigInput> = {};
  for (const plan of plans) {
    const config: TenantConfigInput = sandbox.emulator(plan.provider).tenant();
    tenants[plan.tenant] = plan.webhooks
      ? { ...config, webhooks: demoWebhookSettings(plan.webhooks) }
      : config;
  }
  return tenants;
}

/** One tenant's steps: its users, and around them, when its plan has one, the webhook loop. */
async function runTenant(
  identity: PayrollIdentity,
  sandbox: RunningSandbox,
  receiver: DemoWebhookReceiver,
  plan: TenantPlan,
  report: DemoReport,
  signal: AbortSignal | undefined,
): Promise<void> {
  const users = identity.forTenant(plan.tenant);
  const options = { signal };
  report.heading(`tenant ${plan.tenant} (provider ${users.provider})`);
  report.line(`  applicant: ${plan.applicantSummary}`);
  if (plan.emulatorOptions !== undefined && Object.keys(plan.emulatorOptions).length > 0) {
    report.line(
      `  emulator options: ${describeEmulatorOptions(plan.emulatorOptions)} (set by the demo; the emulator's defaults follow ${plan.provider}'s documents)`,
    );
  }
  const { webhooks } = plan;
  if (webhooks === undefined) {
    await new TenantDemo(users, plan, report, options, noWebhookSteps(report, plan.provider)).run();
    return;
  }
  const emulator = sandbox.emulator(plan.provider);
  const loop = new WebhookDemo(users, emulator, receiver, { ...plan, webhooks }, report, options);
  await loop.subscribe();
  await new TenantDemo(users, plan, report, options, loop).run();
  await loop.unsubscribe();
}

export async function runDemo(context: CommandContext, options: DemoOptions = {}): Promise<void> {
  const report = new DemoReport(context.io);
  const loaded = options.providers ?? [];
  const extraEmulators = await providerEmulators(loaded);
  const emulators = await demoStartOptions(extraEmulators);
  const sandbox = await (options.start ?? startSandbox)({ extraEmulators, emulators });
  try {
    const plans = demoPlans(sandbox);
    if (plans.length === 0) {
      report.line('payroll-identity demo: no emulator has a demo plan, nothing to run.');
      context.exit(EXIT.failure);
      return;
    }
    const identity = createPayrollIdentityWith(
      { tenants: demoTenants(sandbox, plans), providers: loaded.map((p) => p.definition) },
      BUILT_IN_PROVIDERS,
    );
    // The lender's side of the webhooks: a receiver in this process, verifying with parseWebhook.
    const receiver = await DemoWebhookReceiver.start((input) => identity.parseWebhook(input));
    try {
      const move = plans.length >= 2 ? `, then tenant ${MOVE_TENANT} moves from one provider to another` : '';
      report.line(
        `payroll-identity demo: ${plans.length} tenant${plans.length === 1 ? '' : 's'}${move}; one neutral UserService, fake applicants only.`,
      );
      const running = [...sandbox.emulators.values()].filter(hasDemo);
      report.line(`Sandbox: ${running.map((e) => `${e.name} at ${e.baseUrl}`).join(', ')}`);
      report.line(
        `Webhook receiver: ${receiver.origin} (this process; each tenant's secret and key are random for this run and never printed)`,
      );
      report.line(
        '✓ behaved as expected (a refusal counts when it is the expected one) · ✗ did not · – not applicable',
      );
      for (const plan of plans) await runTenant(identity, sandbox, receiver, plan, report, context.io.signal);
      await runMove(identity, sandbox, plans, report, context.io.signal);
    } finally {
      await receiver.close();
      await identity.close();
    }
  } finally {
    await sandbox.close();
  }
  report.line();
  report.line(report.summary());
  context.exit(report.failed === 0 ? EXIT.ok : EXIT.failure);
}

const DemoFlagsSchema = z.object({ providerModule: ProviderModuleFlagSchema });

export function addDemoCommand(program: Command, context: CommandContext): void {
  const command = program
    .command('demo')
    .description(
      'run every user operation against the embedded sandbox, for one tenant per emulator with a demo plan',
    );
  addProviderModuleOption(command).action(async (rawOptions: unknown) => {
    try {
      const flags = DemoFlagsSchema.parse(rawOptions);
      const providers = await loadProviderModules(flagSources(flags.providerModule));
      await runDemo(context, { providers });
    } catch (error) {
      // Anything that stops the demo itself (a provider module, the sandbox cannot start, …) is a failed run.
      context.exit(reportError(context.io, error, false));
    }
  });
}

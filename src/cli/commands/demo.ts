/**
 * `payroll-identity demo` (what `npm start` runs): starts the embedded sandbox, configures one tenant
 * `demo-<provider>` per emulator that has a demo plan (every built-in provider's, and those of
 * `--provider-module` providers), walks each through the neutral `UserService` and prints a report.
 * Exits 0 only when every step behaved as expected.
 */
import type { Command } from 'commander';
import { z } from 'zod';
import { createPayrollIdentityWith } from '../../container/identity.js';
import { BUILT_IN_PROVIDERS } from '../../providers.js';
import type { SandboxOptions } from '../../sandbox/index.js';
import { demoPlans, hasDemo } from '../demo/plans.js';
import { DemoReport } from '../demo/report.js';
import { TenantDemo } from '../demo/steps.js';
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
import { type RunningSandbox, sandboxTenants } from '../sandbox-tenants.js';
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

export async function runDemo(context: CommandContext, options: DemoOptions = {}): Promise<void> {
  const report = new DemoReport(context.io);
  const loaded = options.providers ?? [];
  const extraEmulators = await providerEmulators(loaded);
  const sandbox = await (options.start ?? startSandbox)({ extraEmulators });
  try {
    const plans = demoPlans(sandbox);
    if (plans.length === 0) {
      report.line('payroll-identity demo: no emulator has a demo plan, nothing to run.');
      context.exit(EXIT.failure);
      return;
    }
    const identity = createPayrollIdentityWith(
      { ...sandboxTenants(sandbox, hasDemo), providers: loaded.map((p) => p.definition) },
      BUILT_IN_PROVIDERS,
    );
    try {
      report.line(
        `payroll-identity demo: ${plans.length} tenant${plans.length === 1 ? '' : 's'}, one neutral UserService, fake applicants only.`,
      );
      const running = [...sandbox.emulators.values()].filter(hasDemo);
      report.line(`Sandbox: ${running.map((e) => `${e.name} at ${e.baseUrl}`).join(', ')}`);
      report.line(
        '✓ behaved as expected (a refusal counts when it is the expected one) · ✗ did not · – not applicable',
      );
      for (const plan of plans) {
        const users = identity.forTenant(plan.tenant);
        report.heading(`tenant ${plan.tenant} (provider ${users.provider})`);
        report.line(`  applicant: ${plan.applicantSummary}`);
        await new TenantDemo(users, plan, report, { signal: context.io.signal }).run();
      }
    } finally {
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

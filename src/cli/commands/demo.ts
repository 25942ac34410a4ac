/**
 * `payroll-identity demo` (what `npm start` runs): starts the embedded sandbox, configures the tenants
 * `demo-argyle` and `demo-teal`, walks each through the neutral `UserService` and prints a report.
 * Exits 0 only when every step behaved as expected.
 */
import type { Command } from 'commander';
import { createPayrollIdentity } from '../../index.js';
import { DEMO_PLANS } from '../demo/fixtures.js';
import { DemoReport } from '../demo/report.js';
import { TenantDemo } from '../demo/steps.js';
import { reportError } from '../errors.js';
import { EXIT } from '../io.js';
import { type RunningSandbox, sandboxTenants } from '../sandbox-tenants.js';
import type { CommandContext } from './users.js';

/** Starts the sandbox the demo runs against; tests pass one with faults to see the demo fail. */
export type SandboxStarter = () => Promise<RunningSandbox>;

/** Loaded on demand: the emulators' servers and stores, which `users` commands and `--help` do not need. */
const startSandbox: SandboxStarter = async () => (await import('../../sandbox/index.js')).startSandbox();

export async function runDemo(context: CommandContext, start: SandboxStarter = startSandbox): Promise<void> {
  const report = new DemoReport(context.io);
  const sandbox = await start();
  try {
    const identity = createPayrollIdentity(sandboxTenants(sandbox));
    try {
      report.line('payroll-identity demo: two tenants, one neutral UserService, fake applicants only.');
      report.line(`Sandbox: argyle at ${sandbox.argyle.baseUrl}, teal at ${sandbox.teal.baseUrl}`);
      report.line(
        '✓ behaved as expected (a refusal counts when it is the expected one) · ✗ did not · – not applicable',
      );
      for (const plan of DEMO_PLANS) {
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

export function addDemoCommand(program: Command, context: CommandContext): void {
  program
    .command('demo')
    .description('run every user operation against the embedded sandbox for an Argyle and a Teal tenant')
    .action(async () => {
      try {
        await runDemo(context);
      } catch (error) {
        // Anything that stops the demo itself (the sandbox cannot start, …) is a failed run.
        context.exit(reportError(context.io, error, false));
      }
    });
}

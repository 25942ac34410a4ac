/**
 * The demo's plans: one per running emulator that describes one (`SandboxEmulator.demo`), in the
 * sandbox's order, each for the tenant `demo-<provider>`. A plan comes from the emulator's code (a
 * provider module's, possibly): its shape is checked before anything runs, and its webhook
 * simulation must be one the emulator knows.
 */
import { z } from 'zod';
import type { RunningEmulator, Sandbox } from '../../sandbox/index.js';
import { showUntrusted } from '../../untrusted-text.js';
import { UsageError } from '../errors.js';
import { demoTenantId } from '../sandbox-tenants.js';
import type { TenantPlan } from './steps.js';

/** The applicant and update are checked by the `UserService` itself; here only what the demo reads. */
const DemoPlanSchema = z.object({
  applicant: z.record(z.string(), z.unknown()),
  applicantSummary: z.string().max(300),
  update: z.looseObject({ lastName: z.string() }),
  duplicateConflict: z.boolean(),
  emulatorOptions: z.record(z.string(), z.unknown()).optional(),
  providerOptions: z.record(z.string(), z.record(z.string(), z.unknown())).optional(),
  webhooks: z
    .strictObject({ simulation: z.string().min(1).max(200), encrypted: z.boolean().optional() })
    .optional(),
});

/**
 * The emulator options a plan asks for, as the report names them: `duplicateRule:
 * name-and-birth-date`, one `key: value` per option (only strings, numbers and booleans are shown
 * as they are; the emulator itself checked them when it started).
 */
export function describeEmulatorOptions(options: Readonly<Record<string, unknown>>): string {
  return Object.entries(options)
    .map(([key, value]) => {
      const shown = ['string', 'number', 'boolean'].includes(typeof value) ? String(value) : typeof value;
      return `${showUntrusted(key, 64)}: ${showUntrusted(shown, 100)}`;
    })
    .join(', ');
}

/** Whether the emulator takes part in the demo. */
export function hasDemo(emulator: RunningEmulator<object, object>): boolean {
  return emulator.demo !== undefined;
}

/** The plans of the sandbox's emulators, checked; a malformed one is a usage error naming its fields. */
export function demoPlans(sandbox: Sandbox): TenantPlan[] {
  const plans: TenantPlan[] = [];
  for (const emulator of sandbox.emulators.values()) {
    const plan = emulator.demo;
    if (plan === undefined) continue;
    const checked = DemoPlanSchema.safeParse(plan);
    if (!checked.success) {
      const fields = [...new Set(checked.error.issues.map((issue) => issue.path.join('.') || '(plan)'))];
      throw new UsageError(
        `the demo plan of emulator ${showUntrusted(emulator.name)} is not valid (${fields.slice(0, 5).join(', ')}).`,
      );
    }
    // The webhook loop runs a simulation the emulator must know (checked here, before any step).
    const simulation = checked.data.webhooks?.simulation;
    if (simulation !== undefined && !emulator.simulations.includes(simulation)) {
      throw new UsageError(
        `the demo plan of emulator ${showUntrusted(emulator.name)} is not valid (webhooks.simulation: not one of the emulator's simulations).`,
      );
    }
    plans.push({ ...plan, tenant: demoTenantId(emulator.name), provider: emulator.name });
  }
  return plans;
}

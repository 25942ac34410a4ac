/**
 * The demo's "tenant moves" part: a tenant starts at one provider, registers a user there, then moves
 * to another provider keeping the first as a retained provider (`retainedProviders`). Its first user
 * stays reachable by reference (`{ provider, id }`), by id and in listings filtered by provider,
 * while new users go to the tenant's new provider. Everything goes through the identity's public
 * calls (`setTenant`, `forTenant`) and the tenant's `UserService`.
 */

import type { PayrollIdentity, TenantConfigInput } from '../../container/identity.js';
import { isPayrollIdentityError } from '../../errors.js';
import type { CallOptions } from '../../user-service.js';
import { DemoCheckFailed, type DemoReport, runStep } from './report.js';
import { check, ignored, LIST_SCAN_LIMIT, type TenantPlan, withPlanOptions } from './steps.js';

/** The tenant that moves. Set after every per-provider tenant ran, so it never disturbs them. */
export const MOVE_TENANT = 'demo-move';

/** The step labels of the move, as the report prints them. */
export const MOVE_STEPS = {
  createBefore: 'create before move',
  move: 'move tenant',
  getByReference: 'get by reference',
  createAfter: 'create after move',
  listRetained: 'list retained',
  cleanUp: 'clean up',
} as const;

/** One side of the move: an emulator's demo plan and a fresh tenant configuration pointed at it. */
export interface MoveEnd {
  plan: TenantPlan;
  config: TenantConfigInput;
}

/** What the move needs of the identity. */
export type MovingIdentity = Pick<PayrollIdentity, 'setTenant' | 'forTenant'>;

export class TenantMoveDemo {
  constructor(
    private readonly identity: MovingIdentity,
    private readonly from: MoveEnd,
    private readonly to: MoveEnd,
    private readonly report: DemoReport,
    private readonly options: CallOptions,
  ) {}

  /** Runs a step; its detail line comes from `body`, a failure's from the error. */
  private step(label: string, body: () => Promise<string>): Promise<boolean> {
    return runStep(this.report, label, body);
  }

  /** Marks every step after `after` as failed, not run, for `reason`. */
  private notRun(after: string, reason: string): void {
    const labels: string[] = Object.values(MOVE_STEPS);
    for (const label of labels.slice(labels.indexOf(after) + 1))
      this.report.step('failed', label, `not run: ${reason}`);
  }

  async run(): Promise<void> {
    const { identity, from, to, options } = this;
    const A = from.plan.provider;
    const B = to.plan.provider;
    let firstId: string | undefined;

    await this.step(MOVE_STEPS.createBefore, async () => {
      await identity.setTenant(MOVE_TENANT, from.config);
      const users = identity.forTenant(MOVE_TENANT);
      check(users.provider === A, `the tenant should be at ${A}, is at ${users.provider}`);
      const created = await users.createUser(withPlanOptions(from.plan, from.plan.applicant), options);
      check(created.user.provider === A, `the user should be at ${A}, is at ${created.user.provider}`);
      firstId = created.user.id;
      return `setTenant: provider ${A} · user ${firstId} at ${A}`;
    });
    if (firstId === undefined) {
      this.notRun(MOVE_STEPS.createBefore, `no user was created at ${A}`);
      return;
    }
    const first = { provider: A, id: firstId };
    // The handle taken before the move follows it: no new forTenant is needed.
    const users = identity.forTenant(MOVE_TENANT);

    const moved = await this.step(MOVE_STEPS.move, async () => {
      await identity.setTenant(MOVE_TENANT, { ...to.config, retainedProviders: [from.config] });
      check(users.provider === B, `the tenant should now be at ${B}, is at ${users.provider}`);
      const reached = users.providers.join(', ');
      check(reached === `${B}, ${A}`, `the tenant should reach ${B}, ${A}; it reaches ${reached}`);
      return `setTenant: provider ${B}, retainedProviders [${A}] · reaches ${reached}`;
    });
    if (!moved) {
      this.notRun(MOVE_STEPS.move, 'the tenant did not move');
      // Still at the first provider, presumably: its user is removed again, quietly.
      await users.deleteUser(first, options).catch(() => undefined);
      return;
    }

    await this.step(MOVE_STEPS.getByReference, async () => {
      const user = await users.getUser(first, options);
      check(
        user.id === firstId && user.provider === A,
        `asked for ${A} ${firstId}, got ${user.provider} ${user.id}`,
      );
      return `{ provider: ${A}, id: ${user.id} } · ${user.firstName ?? '?'} ${user.lastName ?? '?'}`;
    });

    let secondId: string | undefined;
    await this.step(MOVE_STEPS.createAfter, async () => {
      const created = await users.createUser(withPlanOptions(to.plan, to.plan.applicant), options);
      secondId = created.user.id;
      check(created.user.provider === B, `a new user should go to ${B}, went to ${created.user.provider}`);
      return `user ${secondId} at ${B}, the current provider · ${ignored(created.ignoredFields)}`;
    });

    await this.step(MOVE_STEPS.listRetained, async () => {
      const externalId = from.plan.applicant.externalId;
      const filter = { provider: A, ...(externalId !== undefined && { externalId }) };
      let seen = 0;
      let found = false;
      for await (const user of users.listUsers(filter, options)) {
        seen += 1;
        check(user.provider === A, `listing ${A}'s users gave a user at ${user.provider}`);
        if (user.id === firstId) found = true;
        if (found || seen >= LIST_SCAN_LIMIT) break;
      }
      check(found, `user ${firstId} was not among the ${seen} listed at ${A}`);
      return `listUsers({ provider: ${A} }) still finds user ${firstId}`;
    });

    await this.step(MOVE_STEPS.cleanUp, async () => {
      await users.deleteUser(first, options);
      const removed = [`${firstId} at ${A}`];
      if (secondId !== undefined) {
        await users.deleteUser({ provider: B, id: secondId }, options);
        removed.push(`${secondId} at ${B}`);
      }
      try {
        await users.getUser(first, options);
      } catch (error) {
        if (isPayrollIdentityError(error, 'not_found'))
          return `deleted by reference: ${removed.join(', ')} · get now answers not_found`;
        throw error;
      }
      throw new DemoCheckFailed(`user ${firstId} at ${A} can still be read after its delete`);
    });
  }
}

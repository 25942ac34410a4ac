/**
 * The demo's steps for one tenant, through the neutral `UserService` only: create, get, update, list,
 * link token (then, when given, the connection's webhook steps), duplicate create, invalid email, delete. A step that is meant to fail passes when it
 * fails with the expected code; every other step checks what it got back.
 */
import { type ErrorCode, InvalidInputError, isPayrollIdentityError } from '../../errors.js';
import type { SandboxDemoPlan } from '../../sandbox/types.js';
import type { CreateUserInput, User } from '../../user.js';
import type { CallOptions, UserService } from '../../user-service.js';
import { describeEmulatorOptions } from './plans.js';
import { DemoCheckFailed, type DemoReport, describeFailure, runStep, tokenPreview } from './report.js';
import type { ConnectionSteps } from './webhooks.js';

/** An emulator's demo plan, for the tenant pointed at it. */
export interface TenantPlan extends SandboxDemoPlan {
  /** The tenant id (`demo-<provider>`). */
  tenant: string;
  /** The provider's name. */
  provider: string;
}

/** The step labels, as the report prints them. */
export const DEMO_STEPS = {
  create: 'create user',
  get: 'get user',
  update: 'update user',
  list: 'list users',
  token: 'create link token',
  duplicate: 'duplicate create',
  invalidEmail: 'invalid email',
  delete: 'delete user',
} as const;

/** Enough to find a just-created user in any sandbox, without walking an unbounded list. */
export const LIST_SCAN_LIMIT = 1_000;

/** A create's or update's `ignoredFields`, as the report shows them. */
export function ignored(fields: readonly string[]): string {
  return `ignoredFields: ${fields.length > 0 ? fields.join(', ') : 'none'}`;
}

/** A demo check: the call worked, but what it returned must also be right. */
export function check(condition: boolean, message: string): void {
  if (!condition) throw new DemoCheckFailed(message);
}

/** A create's input for `plan`'s provider: the plan's `providerOptions` merged in, per provider. */
export function withPlanOptions(plan: SandboxDemoPlan, input: CreateUserInput): CreateUserInput {
  const extra = plan.providerOptions;
  if (extra === undefined) return input;
  const providerOptions: Record<string, Record<string, unknown>> = { ...input.providerOptions };
  for (const [provider, options] of Object.entries(extra))
    providerOptions[provider] = { ...providerOptions[provider], ...options };
  return { ...input, providerOptions };
}

export class TenantDemo {
  constructor(
    private readonly users: UserService,
    private readonly plan: TenantPlan,
    private readonly report: DemoReport,
    private readonly options: CallOptions,
    /** What runs once the user has a link token: the applicant connecting their payroll (webhooks). */
    private readonly connection?: ConnectionSteps,
  ) {}

  /** A create's input: the plan's `providerOptions` go with every create, merged per provider. */
  private creating(input: CreateUserInput): CreateUserInput {
    return withPlanOptions(this.plan, input);
  }

  /** Runs a step; its detail line comes from `body`, a failure's from the error. */
  private step(label: string, body: () => Promise<string>): Promise<boolean> {
    return runStep(this.report, label, body);
  }

  /** A step that must be refused with `code`; a create that unexpectedly works is undone. */
  private async expectRefusal(
    label: string,
    code: ErrorCode,
    attempt: () => Promise<{ user: User }>,
    detail: (error: unknown) => string,
  ): Promise<void> {
    try {
      const created = await attempt();
      await this.users.deleteUser(created.user.id, this.options).catch(() => undefined);
      this.report.step(
        'failed',
        label,
        `expected ${code}, but the provider accepted it (user removed again)`,
      );
    } catch (error) {
      if (!isPayrollIdentityError(error, code)) {
        this.report.step('failed', label, `expected ${code}, got ${describeFailure(error)}`);
        return;
      }
      try {
        this.report.step('passed', label, detail(error));
      } catch (failure) {
        this.report.step('failed', label, describeFailure(failure));
      }
    }
  }

  async run(): Promise<void> {
    const { users, plan, options } = this;
    let userId: string | undefined;
    await this.step(DEMO_STEPS.create, async () => {
      const created = await users.createUser(this.creating(plan.applicant), options);
      userId = created.user.id;
      const token = created.linkToken ? ` · link token ${tokenPreview(created.linkToken.token)}` : '';
      return `user ${userId} · ${ignored(created.ignoredFields)}${token}`;
    });
    if (userId === undefined) {
      const rest = Object.values(DEMO_STEPS).filter((label) => label !== DEMO_STEPS.create);
      for (const label of rest) {
        this.report.step('failed', label, 'not run: no user was created');
        if (label === DEMO_STEPS.token) this.connection?.notRun('no user was created');
      }
      return;
    }
    const id = userId;

    await this.step(DEMO_STEPS.get, async () => {
      const user = await users.getUser(id, options);
      check(user.id === id, `asked for ${id}, got ${user.id}`);
      return `user ${user.id} · ${user.firstName ?? '?'} ${user.lastName ?? '?'}`;
    });

    await this.step(DEMO_STEPS.update, async () => {
      const updated = await users.updateUser(id, plan.update, options);
      check(
        updated.user.lastName === plan.update.lastName,
        `lastName should now be ${plan.update.lastName}, is ${updated.user.lastName ?? 'absent'}`,
      );
      return `lastName → ${updated.user.lastName} · ${ignored(updated.ignoredFields)}`;
    });

    await this.step(DEMO_STEPS.list, async () => {
      const externalId = plan.applicant.externalId;
      const filter = externalId !== undefined ? { externalId } : {};
      let seen = 0;
      let found = false;
      for await (const user of users.listUsers(filter, options)) {
        seen += 1;
        if (user.id === id) found = true;
        if (found || seen >= LIST_SCAN_LIMIT) break;
      }
      check(found, `user ${id} was not among the ${seen} listed`);
      return `found user ${id} among users with externalId ${externalId ?? '(any)'}`;
    });

    await this.step(DEMO_STEPS.token, async () => {
      const token = await users.createLinkToken(id, options);
      check(token.token.length > 0, 'the link token is empty');
      const expires = token.expiresAt ? ` · expires ${token.expiresAt}` : '';
      return `token ${tokenPreview(token.token)}${expires}`;
    });

    // The applicant would now connect their payroll in the provider's flow: the provider says so by webhook.
    await this.connection?.run(id);

    if (plan.duplicateConflict) {
      // The same person as now stored (the update changed the name), sent again. Where the rule that
      // finds them is an emulator option (the provider documents the refusal, not the rule), say so.
      const rule =
        plan.emulatorOptions !== undefined && Object.keys(plan.emulatorOptions).length > 0
          ? ` · emulator options: ${describeEmulatorOptions(plan.emulatorOptions)}`
          : '';
      await this.expectRefusal(
        DEMO_STEPS.duplicate,
        'conflict',
        () => users.createUser(this.creating({ ...plan.applicant, ...plan.update }), options),
        (error) => `refused as expected: ${describeFailure(error)}${rule}`,
      );
    } else {
      this.report.step(
        'skipped',
        DEMO_STEPS.duplicate,
        `not applicable: ${plan.provider} accepts repeated users`,
      );
    }

    await this.expectRefusal(
      DEMO_STEPS.invalidEmail,
      'invalid_input',
      () => users.createUser(this.creating({ ...plan.applicant, email: 'not-an-email' }), options),
      (error) => {
        const fields = error instanceof InvalidInputError ? Object.keys(error.fieldErrors) : [];
        check(
          fields.includes('email'),
          `invalid_input should name the email field, named: ${fields.join(', ')}`,
        );
        return `refused as expected: ${describeFailure(error)}`;
      },
    );

    await this.step(DEMO_STEPS.delete, async () => {
      await users.deleteUser(id, options);
      try {
        await users.getUser(id, options);
      } catch (error) {
        if (isPayrollIdentityError(error, 'not_found'))
          return `user ${id} deleted · get now answers not_found`;
        throw error;
      }
      throw new DemoCheckFailed(`user ${id} can still be read after delete`);
    });
  }
}

/**
 * The demo's webhook loop for one tenant: subscribe the demo's receiver (`users.webhooks.subscribe`),
 * and once the user has a link token, simulate the applicant connecting their payroll at the
 * emulator, which delivers signed (and, where the provider encrypts, encrypted) webhooks to the
 * receiver; each delivery is verified there with `parseWebhook` on its raw body, and the neutral
 * events are printed. Then the subscription is deleted. No secret, key or delivery body is printed.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { TenantUserService } from '../../container/tenant-handle.js';
import type { DeliveryReport, RunningEmulator } from '../../sandbox/types.js';
import type { CallOptions } from '../../user-service.js';
import type { WebhookEvent, WebhookSubscription } from '../../webhooks/types.js';
import type { DemoWebhookReceiver } from './receiver.js';
import { type DemoReport, runStep } from './report.js';
import { check, type TenantPlan } from './steps.js';

/** The step labels, as the report prints them. */
export const WEBHOOK_STEPS = {
  subscribe: 'subscribe webhooks',
  simulate: 'simulate connection',
  verify: 'verify deliveries',
  unsubscribe: 'unsubscribe webhook',
} as const;

/** A plan with its webhook part. */
export type WebhookPlan = TenantPlan & { webhooks: NonNullable<TenantPlan['webhooks']> };

/**
 * The tenant's `webhooks` settings for one demo run: a random signing secret, and a random
 * AES-256 key where the provider encrypts. Never printed.
 */
export function demoWebhookSettings(webhooks: NonNullable<TenantPlan['webhooks']>): {
  secret: string;
  encryptionKey?: string;
} {
  const secret = randomBytes(32).toString('hex');
  return webhooks.encrypted ? { secret, encryptionKey: randomBytes(32).toString('base64') } : { secret };
}

/** What the steps run for a tenant after its link token: the connection, or why it is not applicable. */
export interface ConnectionSteps {
  /** Runs the steps for the created user. */
  run(userId: string): Promise<void>;
  /** Marks the steps as not run (no user was created). */
  notRun(reason: string): void;
}

/** For an emulator whose plan has no webhook loop: one line saying so. */
export function noWebhookSteps(report: DemoReport, provider: string): ConnectionSteps {
  const skip = () =>
    report.step(
      'skipped',
      WEBHOOK_STEPS.simulate,
      `not applicable: the ${provider} emulator's demo plan has no webhook simulation`,
    );
  return { run: async () => skip(), notRun: skip };
}

/** One neutral event, as the report prints it (no payload: it may hold personal data). */
function eventLine(event: WebhookEvent): string {
  const account = event.accountId !== undefined ? ` · account ${event.accountId}` : '';
  return (
    `      ${event.type.padEnd(22)} (${event.providerEvent}) · provider ${event.provider} · ` +
    `user ${event.userId ?? '—'}${account} · occurredAt ${event.occurredAt ?? '—'}`
  );
}

export class WebhookDemo implements ConnectionSteps {
  private subscription: WebhookSubscription | undefined;

  constructor(
    private readonly users: TenantUserService,
    private readonly emulator: Pick<RunningEmulator<object, object>, 'simulate'>,
    private readonly receiver: DemoWebhookReceiver,
    private readonly plan: WebhookPlan,
    private readonly report: DemoReport,
    private readonly options: CallOptions,
  ) {}

  /** Runs a step; its detail line comes from `body`, a failure's from the error. */
  private step(label: string, body: () => Promise<string>): Promise<boolean> {
    return runStep(this.report, label, body);
  }

  /** Subscribes the receiver's URL for the tenant, under a name of its own (Teal's names are unique). */
  async subscribe(): Promise<void> {
    const { users, plan } = this;
    await this.step(WEBHOOK_STEPS.subscribe, async () => {
      const url = this.receiver.url(plan.tenant);
      const name = `payroll-identity-demo-${plan.tenant}-${randomUUID().slice(0, 8)}`;
      const subscription = await users.webhooks.subscribe({ url, name }, this.options);
      this.subscription = subscription;
      check(subscription.url === url, `the subscription delivers to ${subscription.url}, not to ${url}`);
      const sealed = plan.webhooks.encrypted ? ', encrypted with the tenant’s random key' : '';
      return (
        `subscription ${subscription.id} → ${url} · ${subscription.events.join(', ')} · ` +
        `signed with the tenant’s random secret${sealed}`
      );
    });
  }

  notRun(reason: string): void {
    this.report.step('failed', WEBHOOK_STEPS.simulate, `not run: ${reason}`);
    this.report.step('failed', WEBHOOK_STEPS.verify, `not run: ${reason}`);
  }

  /** Simulates the connection for `userId`, then checks what the receiver got. */
  async run(userId: string): Promise<void> {
    const { plan } = this;
    if (!this.subscription) {
      this.notRun('nothing is subscribed');
      return;
    }
    // Anything received before the simulation is not about it.
    this.receiver.take(plan.tenant);
    let sent: DeliveryReport | undefined;
    await this.step(WEBHOOK_STEPS.simulate, async () => {
      sent = await this.emulator.simulate(plan.webhooks.simulation, userId);
      check(sent.deliveries > 0, `the emulator sent nothing for ${plan.webhooks.simulation}`);
      check(
        sent.failed === 0,
        `${sent.failed} of ${sent.deliveries} deliveries were not accepted by the receiver`,
      );
      const answered =
        sent.deliveries === 1
          ? '1 delivery, answered 200'
          : `${sent.deliveries} deliveries, each answered 200`;
      return `simulate('${plan.webhooks.simulation}', ${userId}) at the emulator: ${answered} by the receiver`;
    });
    if (sent === undefined) {
      this.report.step('failed', WEBHOOK_STEPS.verify, 'not run: the simulation failed');
      return;
    }
    const report = sent;
    let events: WebhookEvent[] = [];
    const verified = await this.step(WEBHOOK_STEPS.verify, async () => {
      const received = this.receiver.take(plan.tenant);
      const refusals = received.flatMap((r) => (r.verified ? [] : [r.refusal]));
      events = received.flatMap((r) => (r.verified ? [r.event] : []));
      check(
        refusals.length === 0,
        `${refusals.length} delivery attempt(s) refused by parseWebhook: ${[...new Set(refusals)].join(', ')}`,
      );
      check(
        events.length === report.deliveries,
        `${events.length} deliveries verified, ${report.deliveries} sent`,
      );
      for (const event of events) {
        check(event.tenant === plan.tenant, `an event was parsed for tenant ${event.tenant}`);
        check(event.provider === plan.provider, `an event came from ${event.provider}`);
        check(event.userId === userId, `an event is about user ${event.userId ?? '(none)'}, not ${userId}`);
      }
      const how = plan.webhooks.encrypted ? 'signature verified and body decrypted' : 'signature verified';
      return `${events.length} verified with parseWebhook on the raw body (${how}) · the neutral events:`;
    });
    if (verified) for (const event of events) this.report.line(eventLine(event));
  }

  /** Deletes the subscription, and checks that the provider no longer lists it. */
  async unsubscribe(): Promise<void> {
    const subscription = this.subscription;
    if (!subscription) {
      this.report.step('failed', WEBHOOK_STEPS.unsubscribe, 'not run: nothing is subscribed');
      return;
    }
    await this.step(WEBHOOK_STEPS.unsubscribe, async () => {
      await this.users.webhooks.unsubscribe(subscription.id, this.options);
      this.subscription = undefined;
      const left = await this.users.webhooks.list(this.options);
      check(!left.some((s) => s.id === subscription.id), `subscription ${subscription.id} is still listed`);
      return `subscription ${subscription.id} deleted · list() no longer shows it`;
    });
  }
}

/**
 * Simulated webhooks for one running emulator: the emulator plans the deliveries (its provider's
 * bodies, signatures, encryption), the core sends them ({@link deliverWebhook}), keeps the delivery
 * log and answers the admin route `POST /_sandbox/simulate` that another process (the command line)
 * uses to trigger a simulation.
 */
import { z } from 'zod';
import type {
  DeliveryRecord,
  DeliveryReport,
  DeliveryResult,
  EmulatorWebhooks,
  OutgoingWebhook,
  SandboxReply,
  SandboxRouter,
} from './types.js';
import { type DeliverySettings, deliverWebhook, shownUrl } from './webhooks.js';

/** The admin route: outside every provider's paths, guarded by the emulator's own authentication. */
export const SIMULATE_PATH = '/_sandbox/simulate';

/** Why a simulation was refused before anything was sent. */
export type SimulationRefusal = 'no-webhooks' | 'unknown-simulation' | 'unknown-user';

/** A refused simulation; the message names neither the user nor the simulation (both are untrusted). */
export class SimulationError extends Error {
  override readonly name = 'SimulationError';
  constructor(
    readonly reason: SimulationRefusal,
    emulator: string,
  ) {
    super(
      reason === 'no-webhooks'
        ? `sandbox: the ${emulator} emulator sends no webhooks`
        : reason === 'unknown-user'
          ? `sandbox: the ${emulator} emulator has no such user`
          : `sandbox: the ${emulator} emulator has no such simulation (see its simulations)`,
    );
  }
}

const SimulateBodySchema = z.strictObject({
  event: z.string().min(1).max(200),
  user_id: z.string().min(1).max(200),
});

/** The webhook side of one running emulator. */
export class WebhookSimulator {
  private log: DeliveryRecord[] = [];
  private sequence = 0;
  /** Aborted on reset and close: deliveries of an earlier generation stop and are not logged. */
  private generation = new AbortController();

  constructor(
    private readonly emulator: string,
    private readonly webhooks: EmulatorWebhooks | undefined,
    private readonly settings: DeliverySettings,
  ) {}

  get simulations(): readonly string[] {
    return Object.freeze([...(this.webhooks?.simulations ?? [])]);
  }

  subscriptionCount(): number {
    return this.webhooks?.subscriptionCount() ?? 0;
  }

  deliveries(): readonly DeliveryRecord[] {
    return this.log.map((record) => ({ ...record }));
  }

  async simulate(simulation: string, userId: string): Promise<DeliveryReport> {
    if (!this.webhooks) throw new SimulationError('no-webhooks', this.emulator);
    if (typeof simulation !== 'string' || !this.webhooks.simulations.includes(simulation)) {
      throw new SimulationError('unknown-simulation', this.emulator);
    }
    if (typeof userId !== 'string') throw new SimulationError('unknown-user', this.emulator);
    const plan = this.webhooks.plan(simulation, userId);
    if (!plan.ok) throw new SimulationError(plan.reason, this.emulator);

    const signal = this.generation.signal;
    // One queue per subscription, in the plan's order; the queues run side by side, so a subscriber
    // that keeps failing delays nobody else.
    const queues = new Map<string, { index: number; delivery: OutgoingWebhook }[]>();
    plan.deliveries.forEach((delivery, index) => {
      const queue = queues.get(delivery.subscription) ?? [];
      queue.push({ index, delivery });
      queues.set(delivery.subscription, queue);
    });
    const results: DeliveryResult[] = new Array(plan.deliveries.length);
    await Promise.all(
      [...queues.values()].map(async (queue) => {
        for (const { index, delivery } of queue) {
          const url = shownUrl(delivery.url);
          const outcome = await deliverWebhook(delivery, {
            ...this.settings,
            signal,
            onAttempt: (attempt) => {
              if (signal.aborted) return;
              this.sequence += 1;
              this.log.push({
                sequence: this.sequence,
                subscription: delivery.subscription,
                event: delivery.event,
                url,
                ...attempt,
              });
            },
          });
          results[index] = { subscription: delivery.subscription, event: delivery.event, url, ...outcome };
        }
      }),
    );
    const delivered = results.filter((r) => r.delivered).length;
    return {
      simulation,
      userId,
      deliveries: results.length,
      delivered,
      failed: results.length - delivered,
      results,
    };
  }

  /** Forgets the delivery log and abandons deliveries under way. */
  reset(): void {
    this.generation.abort();
    this.generation = new AbortController();
    this.log = [];
    this.sequence = 0;
  }

  close(): void {
    this.generation.abort();
  }

  /**
   * `POST /_sandbox/simulate {"event": "<simulation>", "user_id": "<id>"}` → 200 with the report once
   * every delivery settled; 400 for a malformed body or an unknown simulation, 404 for an unknown
   * user or an emulator without webhooks, each in the provider's error shape.
   */
  register(router: SandboxRouter, errorBody: (status: number, message: string) => unknown): void {
    const error = (status: number, message: string): SandboxReply => ({
      status,
      body: errorBody(status, message),
    });
    router.route('POST', SIMULATE_PATH, async (request) => {
      const body = SimulateBodySchema.safeParse(request.body);
      if (!body.success) return error(400, 'The body must be {"event": "<name>", "user_id": "<id>"}.');
      try {
        const report = await this.simulate(body.data.event, body.data.user_id);
        return { status: 200, body: wireReport(report) };
      } catch (thrown) {
        if (!(thrown instanceof SimulationError)) throw thrown;
        if (thrown.reason === 'unknown-simulation') {
          return error(400, `Unknown event; this emulator simulates: ${this.simulations.join(', ')}.`);
        }
        return error(
          404,
          thrown.reason === 'unknown-user' ? 'Unknown user.' : 'This emulator sends no webhooks.',
        );
      }
    });
  }
}

/** The report as the admin route answers it (snake_case, as the providers' APIs are). */
function wireReport(report: DeliveryReport): Record<string, unknown> {
  return {
    event: report.simulation,
    user_id: report.userId,
    deliveries: report.deliveries,
    delivered: report.delivered,
    failed: report.failed,
    results: report.results.map((r) => ({
      subscription: r.subscription,
      event: r.event,
      url: r.url,
      delivered: r.delivered,
      attempts: r.attempts.map((a) => ({
        attempt: a.attempt,
        status: a.status ?? null,
        error: a.error ?? null,
      })),
    })),
  };
}

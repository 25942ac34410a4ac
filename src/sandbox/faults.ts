/**
 * Fault injection for one emulator: queued faults (exact, for tests), a per-request hook, then
 * random rates (for soak runs). Decides only; the server applies the decision.
 */
import { z } from 'zod';
import { type Random, randomSeed, seededRandom } from './random.js';
import type { Fault, FaultController, FaultOptions, FaultRequest, QueuedFault } from './types.js';

const share = z.number().min(0).max(1);

/** Options checked at the edge: a rate of 1.5 or a 200 "error status" is a mistake worth failing on. */
const FaultOptionsSchema = z.strictObject({
  latencyMs: z.number().int().min(0).max(60_000).optional(),
  errorRate: share.optional(),
  errorStatus: z.number().int().min(500).max(599).optional(),
  rateLimitRate: share.optional(),
  retryAfterSeconds: z.number().int().min(0).max(3_600).optional(),
  dropBeforeRate: share.optional(),
  dropAfterRate: share.optional(),
  seed: z.number().int().optional(),
  inject: z.custom<FaultOptions['inject']>((v) => typeof v === 'function').optional(),
});

const QueuedFaultSchema = z
  .object({
    kind: z.enum([
      'latency',
      'server-error',
      'rate-limit',
      'drop-before',
      'drop-after',
      'html-error',
      'redirect',
      'drop-mid-body',
      'malformed-body',
      'wrong-shape',
      'oversized',
    ]),
    count: z.number().int().min(1).optional(),
    ms: z.number().int().min(0).max(60_000).optional(),
    status: z.number().int().min(300).max(599).optional(),
    retryAfterSeconds: z.number().int().min(0).max(3_600).optional(),
    location: z.string().min(1).optional(),
    bytes: z
      .number()
      .int()
      .min(1)
      .max(256 * 1024 * 1024)
      .optional(),
  })
  .superRefine((fault, ctx) => {
    // A redirect's status is a 3xx; every other status a fault takes is a 5xx.
    if (fault.status === undefined) return;
    const redirect = fault.kind === 'redirect';
    if (redirect ? fault.status >= 400 : fault.status < 500) {
      ctx.addIssue({ code: 'custom', path: ['status'], message: redirect ? 'must be 3xx' : 'must be 5xx' });
    }
  });

/** What happens to one request: an optional delay, then at most one terminal fault. */
export interface FaultDecision {
  delayMs: number;
  fault?: Exclude<Fault, { kind: 'latency' }>;
  /** True when a latency fault (not the constant `latencyMs`) was applied. */
  delayed: boolean;
}

interface QueueEntry {
  fault: QueuedFault;
  remaining: number;
}

export class Faults implements FaultController {
  private options: FaultOptions = {};
  private random: Random = seededRandom(randomSeed());
  private queue: QueueEntry[] = [];

  constructor(options: FaultOptions = {}) {
    this.configure(options);
  }

  configure(options: FaultOptions): void {
    FaultOptionsSchema.parse(options);
    this.options = { ...options };
    this.random = seededRandom(options.seed ?? randomSeed());
  }

  next(fault: QueuedFault): void {
    const checked = QueuedFaultSchema.parse(fault);
    this.queue.push({ fault, remaining: checked.count ?? 1 });
  }

  clear(): void {
    this.queue = [];
    this.options = {};
  }

  pending(): number {
    return this.queue.reduce((sum, entry) => sum + entry.remaining, 0);
  }

  /** Decides the faults of one request, consuming the queued faults it matches. */
  decide(request: FaultRequest): FaultDecision {
    const decision: FaultDecision = { delayMs: this.options.latencyMs ?? 0, delayed: false };
    const apply = (fault: Fault): boolean => {
      if (fault.kind === 'latency') {
        decision.delayMs += fault.ms;
        decision.delayed = true;
        return false;
      }
      decision.fault = fault;
      return true;
    };
    // Every matching queued latency adds up; the first matching terminal fault ends the search.
    for (const entry of [...this.queue]) {
      if (!matches(entry.fault, request)) continue;
      entry.remaining -= 1;
      if (entry.remaining === 0) this.queue.splice(this.queue.indexOf(entry), 1);
      if (apply(entry.fault)) return decision;
    }
    const injected = this.options.inject?.(request);
    if (injected && apply(injected)) return decision;
    const fault = this.drawRandomFault();
    if (fault) decision.fault = fault;
    return decision;
  }

  private drawRandomFault(): FaultDecision['fault'] {
    const o = this.options;
    // Independent draws in a fixed order keep a seeded run reproducible whatever the rates.
    if (this.draw(o.dropBeforeRate)) return { kind: 'drop-before' };
    if (this.draw(o.errorRate)) return { kind: 'server-error', status: o.errorStatus ?? 503 };
    if (this.draw(o.rateLimitRate))
      return { kind: 'rate-limit', retryAfterSeconds: o.retryAfterSeconds ?? 1 };
    if (this.draw(o.dropAfterRate)) return { kind: 'drop-after' };
    return undefined;
  }

  private draw(rate: number | undefined): boolean {
    return rate !== undefined && rate > 0 && this.random() < rate;
  }
}

function matches(fault: QueuedFault, request: FaultRequest): boolean {
  if (fault.method && fault.method.toUpperCase() !== request.method.toUpperCase()) return false;
  if (fault.path === undefined) return true;
  return typeof fault.path === 'string' ? fault.path === request.path : fault.path.test(request.path);
}

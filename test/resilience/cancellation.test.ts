/**
 * Cancellation mid-retry stops further attempts (issue 6), and `Retry-After` is honoured, against
 * the embedded sandbox. After every cancellation the test waits longer than the backoff would have
 * and checks that the emulator received nothing more.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AbortedError, PayrollIdentityError, RateLimitedError } from '../../src/errors.js';
import { createPayrollIdentity, type PayrollIdentity } from '../../src/index.js';
import type { RequestStartEvent } from '../../src/observe/events.js';
import { type Sandbox, startSandbox } from '../../src/sandbox/index.js';
import type { RunningEmulator } from '../../src/sandbox/types.js';
import { untilReal, useFakeClock } from '../unit/resilience/support.js';
import { applicantFor, matching, requestOf, settle, tenantConfig, type Variant } from './support.js';

const BACKOFF_MS = 250;
const VARIANTS: readonly Variant[] = ['argyle-v2', 'teal'];

let sandbox: Sandbox;
let identity: PayrollIdentity;
/** What the test wants done when an attempt starts (e.g. cancel the call). */
let onStart: (event: RequestStartEvent) => void = () => {};
/** Backoff waits begun (onRetry events). */
let retries = 0;
/** What the test wants done when a backoff wait begins. */
let onRetry: () => void = () => {};

const emulatorOf = (v: Variant): RunningEmulator<object, object> =>
  v === 'teal' ? sandbox.teal : sandbox.argyle;

beforeAll(async () => {
  sandbox = await startSandbox();
  const tenants: Parameters<typeof createPayrollIdentity>[0]['tenants'] = {};
  for (const v of VARIANTS) {
    // A long, fixed backoff: a cancellation during it must end the call at once.
    tenants[v] = tenantConfig(v, emulatorOf(v), { baseDelayMs: BACKOFF_MS, maxDelayMs: BACKOFF_MS });
    tenants[`${v}-capped`] = tenantConfig(v, emulatorOf(v), { maxRetryAfterMs: 500 });
    tenants[`${v}-fast`] = tenantConfig(v, emulatorOf(v));
  }
  identity = createPayrollIdentity({
    tenants,
    hooks: {
      onRequestStart: (e) => onStart(e),
      onRetry: () => {
        retries++;
        onRetry();
      },
    },
  });
});
beforeEach(() => {
  sandbox.argyle.reset();
  sandbox.teal.reset();
  onStart = () => {};
  onRetry = () => {};
  retries = 0;
});
afterEach(() => {
  vi.useRealTimers();
});
afterAll(async () => {
  await identity?.close();
  await sandbox?.close();
});

async function subject(v: Variant): Promise<string> {
  const { user } = await identity.forTenant(`${v}-fast`).createUser(applicantFor(v, 'cancel'));
  return user.id;
}

describe.each(VARIANTS)('cancellation mid-retry (%s)', (v) => {
  it('cancelled during the backoff wait: aborted at once, no further attempt', async () => {
    const id = await subject(v);
    const { method, path } = requestOf(v, 'getUser', id);
    emulatorOf(v).faults.next({ kind: 'server-error', status: 503, method, path, count: 3 });
    const controller = new AbortController();
    // The hook runs just before the client starts waiting; the microtask fires once the wait has
    // begun, whatever the backoff's jitter drew (a timer set beforehand could fire before the first
    // answer on a busy machine, or after a short draw had already let the retry go).
    onRetry = () => queueMicrotask(() => controller.abort());
    const started = performance.now();
    const { error } = await settle(() => identity.forTenant(v).getUser(id, { signal: controller.signal }));
    const elapsed = performance.now() - started;
    expect((error as PayrollIdentityError).code).toBe('aborted');
    expect(elapsed).toBeLessThan(BACKOFF_MS - 50);
    await sleep(BACKOFF_MS + 100);
    expect(matching(emulatorOf(v).requests(), method, path)).toHaveLength(1);
  });

  it('cancelled while the retry is in flight: aborted, no third attempt', async () => {
    const id = await subject(v);
    const { method, path } = requestOf(v, 'updateUser', id);
    const emulator = emulatorOf(v);
    emulator.faults.next({ kind: 'server-error', status: 502, method, path });
    emulator.faults.next({ kind: 'latency', ms: 250, method, path });
    emulator.faults.next({ kind: 'server-error', status: 502, method, path });
    const controller = new AbortController();
    onStart = (e) => {
      if (e.operation === 'updateUser' && e.attempt === 2) setTimeout(() => controller.abort(), 20);
    };
    const { error } = await settle(() =>
      identity.forTenant(v).updateUser(id, { lastName: 'Cancelled' }, { signal: controller.signal }),
    );
    expect((error as PayrollIdentityError).code).toBe('aborted');
    await sleep(BACKOFF_MS + 300);
    expect(matching(emulator.requests(), method, path)).toHaveLength(2);
  });

  it('a signal already aborted: nothing is sent', async () => {
    const { method, path } = requestOf(v, 'createUser', '');
    const { error } = await settle(() =>
      identity.forTenant(v).createUser(applicantFor(v, 'never'), { signal: AbortSignal.abort() }),
    );
    expect((error as PayrollIdentityError).code).toBe('aborted');
    // Nothing was sent: nothing to reconcile.
    expect((error as AbortedError).mayHaveTakenEffect).toBe(false);
    expect(matching(emulatorOf(v).requests(), method, path)).toHaveLength(0);
  });

  it('a create cancelled once sent: aborted, flagged as possibly done, with the reconciliation hint', async () => {
    const { method, path } = requestOf(v, 'createUser', '');
    const emulator = emulatorOf(v);
    emulator.faults.next({ kind: 'latency', ms: 250, method, path });
    const controller = new AbortController();
    onStart = (e) => {
      if (e.operation === 'createUser') setTimeout(() => controller.abort(), 30);
    };
    const { error } = await settle(() =>
      identity
        .forTenant(v)
        .createUser(applicantFor(v, 'sent', 'applicant-sent'), { signal: controller.signal }),
    );
    const aborted = error as AbortedError;
    expect(aborted.code).toBe('aborted');
    expect(aborted.mayHaveTakenEffect).toBe(true);
    expect(aborted.reconciliation).toEqual({
      tenant: v,
      provider: v === 'teal' ? 'teal' : 'argyle',
      operation: 'createUser',
      externalId: 'applicant-sent',
    });
    await sleep(300);
    expect(matching(emulator.requests(), method, path)).toHaveLength(1);
  });

  it('Retry-After is honoured: the retry waits at least that long, then succeeds', async () => {
    const id = await subject(v);
    const { method, path } = requestOf(v, 'getUser', id);
    emulatorOf(v).faults.next({ kind: 'rate-limit', retryAfterSeconds: 1, method, path });
    // On a fake clock, advanced through the wait; the requests and the sandbox are real.
    useFakeClock();
    const started = performance.now();
    const pending = identity.forTenant(`${v}-fast`).getUser(id);
    await untilReal(() => retries > 0);
    await vi.advanceTimersByTimeAsync(989);
    expect(matching(emulatorOf(v).requests(), method, path), 'no retry before 1 s').toHaveLength(1);
    await vi.advanceTimersByTimeAsync(11);
    const user = await pending;
    expect(user.id).toBe(id);
    expect(performance.now() - started).toBeGreaterThanOrEqual(990);
    expect(matching(emulatorOf(v).requests(), method, path)).toHaveLength(2);
  });

  it('a Retry-After longer than maxRetryAfterMs is not waited for: rate_limited with retryAfterMs', async () => {
    const id = await subject(v);
    const { method, path } = requestOf(v, 'getUser', id);
    emulatorOf(v).faults.next({ kind: 'rate-limit', retryAfterSeconds: 1, method, path, count: 3 });
    const started = performance.now();
    const { error } = await settle(() => identity.forTenant(`${v}-capped`).getUser(id));
    expect((error as RateLimitedError).code).toBe('rate_limited');
    expect((error as RateLimitedError).retryAfterMs).toBe(1_000);
    expect(performance.now() - started).toBeLessThan(500);
    expect(matching(emulatorOf(v).requests(), method, path)).toHaveLength(1);
  });
});

describe('cancellation while reconciling an Argyle create', () => {
  it('cancelled during the lookup: aborted, the create is not resent and the lookup not repeated', async () => {
    const emulator = sandbox.argyle;
    emulator.faults.next({ kind: 'drop-after', method: 'POST', path: '/v2/users' });
    emulator.faults.next({ kind: 'latency', ms: 250, method: 'GET', path: '/v2/users' });
    const controller = new AbortController();
    let lookups = 0;
    onStart = (e) => {
      if (e.method !== 'GET') return;
      lookups++;
      setTimeout(() => controller.abort(), 20);
    };
    const { error } = await settle(() =>
      identity.forTenant('argyle-v2').createUser(applicantFor('argyle-v2', 'lookup', 'applicant-lookup'), {
        signal: controller.signal,
      }),
    );
    expect((error as PayrollIdentityError).code).toBe('aborted');
    // The create was sent (and processed): the caller is told so, with what to look it up by.
    expect((error as AbortedError).mayHaveTakenEffect).toBe(true);
    expect((error as AbortedError).reconciliation?.externalId).toBe('applicant-lookup');
    await sleep(BACKOFF_MS + 300);
    const log = emulator.requests();
    expect(matching(log, 'POST', '/v2/users')).toHaveLength(1);
    // One lookup was started and none after it; whether it reached the emulator within the 20 ms
    // before the abort depends on the machine's load.
    expect(lookups).toBe(1);
    expect(matching(log, 'GET', '/v2/users').length).toBeLessThanOrEqual(1);
    // The create did happen: cancelling does not undo it (docs/reliability.md).
    expect(emulator.userCount()).toBe(1);
  });
});

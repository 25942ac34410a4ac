/**
 * Tenant isolation under load (issue 6): 50 tenants of mixed providers (Argyle v2, Argyle v1, Teal),
 * each pointed at its own emulator with its own random credentials, make 2,100 interleaved calls
 * through one `PayrollIdentity`. Each emulator refuses any other emulator's credentials (401) and
 * knows only its own users (404), so "every request it logged succeeded, and it logged exactly its
 * tenant's calls" means: each request reached its own tenant's emulator with its own credentials.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emulator as argyleEmulator } from '../../providers/argyle/sandbox/index.js';
import { emulator as tealEmulator } from '../../providers/teal/sandbox/index.js';
import type { PayrollIdentityError } from '../../src/errors.js';
import { createPayrollIdentity, type PayrollIdentity } from '../../src/index.js';
import { startEmulator } from '../../src/sandbox/server.js';
import type { RunningEmulator } from '../../src/sandbox/types.js';
import { applicantFor, tenantConfig, updateFor, type Variant } from './support.js';

const TENANTS = 50;
const ROUNDS = 7;
/** create, get, update, link token, list (one page), delete. */
const CALLS_PER_ROUND = 6;

interface Tenant {
  id: string;
  variant: Variant;
  emulator: RunningEmulator<object, object>;
  created: Set<string>;
  calls: number;
}

const tenants: Tenant[] = [];
let identity: PayrollIdentity;

function variantOf(i: number): Variant {
  return i % 2 === 0 ? 'teal' : i % 5 === 0 ? 'argyle-v1' : 'argyle-v2';
}

beforeAll(async () => {
  for (let i = 0; i < TENANTS; i++) {
    const variant = variantOf(i);
    const emulator = (
      variant === 'teal' ? await startEmulator(tealEmulator) : await startEmulator(argyleEmulator)
    ) as RunningEmulator<object, object>;
    tenants.push({ id: `tenant-${i}`, variant, emulator, created: new Set(), calls: 0 });
  }
  identity = createPayrollIdentity({
    tenants: Object.fromEntries(tenants.map((t) => [t.id, tenantConfig(t.variant, t.emulator)])),
  });
});

afterAll(async () => {
  await identity?.close();
  await Promise.all(tenants.map((t) => t.emulator.close()));
});

/** One tenant's workload; `await`s yield between calls, so the 50 workloads interleave. */
async function workload(t: Tenant): Promise<void> {
  const service = identity.forTenant(t.id);
  const n = tenants.indexOf(t);
  for (let round = 0; round < ROUNDS; round++) {
    // The tenant's own mark in the data: a name no other tenant uses.
    const input = applicantFor(t.variant, `${n}x${round}`, `${t.id}-${round}`);
    const { user } = await service.createUser(input);
    t.created.add(user.id);
    const fetched = await service.getUser(user.id);
    if (t.variant !== 'argyle-v1') expect(fetched.lastName).toBe(input.lastName);
    await service.updateUser(user.id, updateFor(t.variant));
    await service.createLinkToken(user.id);
    const listed: string[] = [];
    for await (const u of service.listUsers()) listed.push(u.id);
    expect(listed).toEqual([user.id]);
    await service.deleteUser(user.id);
    t.calls += CALLS_PER_ROUND;
  }
}

describe('tenant isolation under load', () => {
  it("credentials differ per emulator, and an emulator refuses another one's (a crossing would show)", async () => {
    const all = tenants.map((t) => JSON.stringify(t.emulator.credentials));
    expect(new Set(all).size).toBe(TENANTS);
    const [a, b] = [
      tenants.find((t) => t.variant === 'argyle-v2')!,
      tenants.find((t) => t.variant === 'argyle-v1')!,
    ];
    const crossed = createPayrollIdentity({
      tenants: {
        x: { ...tenantConfig('argyle-v2', a.emulator), credentials: { ...b.emulator.credentials } },
      },
    });
    try {
      const error = await crossed
        .forTenant('x')
        .getUser('00000000-0000-4000-8000-000000000000')
        .catch((e: PayrollIdentityError) => e);
      expect((error as PayrollIdentityError).code).toBe('authentication_failed');
    } finally {
      await crossed.close();
      a.emulator.reset();
    }
  });

  // 2,100 calls served in this process: CPU-bound, so it gets room for a run that shares the cores.
  it(`${TENANTS} tenants × ${ROUNDS * CALLS_PER_ROUND} interleaved calls: zero crossings`, {
    timeout: 90_000,
  }, async () => {
    await Promise.all(tenants.map(workload));
    const total = tenants.reduce((sum, t) => sum + t.calls, 0);
    expect(total).toBeGreaterThanOrEqual(2_000);
    expect(new Set(tenants.map((t) => t.variant)).size).toBe(3);

    for (const t of tenants) {
      const log = t.emulator.requests();
      // Exactly this tenant's calls arrived here (one request per call, no faults, no retries)…
      expect(log, t.id).toHaveLength(t.calls);
      // …each with this emulator's credentials (any other answers 401) and about its own users.
      expect(
        log.filter((r) => r.status === undefined || r.status >= 300),
        t.id,
      ).toEqual([]);
      for (const r of log) {
        const id = /\/users\/([0-9a-f-]{36})/.exec(r.url)?.[1];
        if (id !== undefined) expect(t.created.has(id), `${t.id} ${r.method}`).toBe(true);
      }
      expect(t.emulator.userCount()).toBe(0);
    }
    // And no two tenants were handed the same user.
    const ids = tenants.flatMap((t) => [...t.created]);
    expect(new Set(ids).size).toBe(TENANTS * ROUNDS);
  });
});

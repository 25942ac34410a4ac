/**
 * 1 MiB hostile strings in every field, every key position, the tenant id and the user id, for each
 * built-in provider: each call settles at once with a typed `invalid_input` (or `unknown_tenant`) and
 * sends nothing. On the old code a 64 KiB unknown key took 4 s to reject (the email pattern
 * rescanned the key from each of its positions) and absurd names were sent as they were.
 *
 * Timing is asserted loosely (all of them together well under 5 s of CPU; the quadratic cost
 * was 18 s for a single 128 KiB key), so that a noisy machine cannot fail it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPayrollIdentity, isPayrollIdentityError, type PayrollIdentity } from '../../../src/index.js';
import { type Sandbox, startSandbox } from '../../../src/sandbox/index.js';
import { tenantConfig, VARIANTS, type Variant } from '../../resilience/support.js';
import { HOSTILE, hostileCalls, MIB } from './support.js';

let sandbox: Sandbox;
let identity: PayrollIdentity;

beforeAll(async () => {
  sandbox = await startSandbox();
  identity = createPayrollIdentity({
    tenants: Object.fromEntries(
      VARIANTS.map((v) => [v, tenantConfig(v, v === 'teal' ? sandbox.teal : sandbox.argyle)]),
    ),
  });
});

afterAll(async () => {
  await identity?.close();
  await sandbox?.close();
});

function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

describe('1 MiB hostile strings: every call settles at once with a typed error, nothing sent', () => {
  it.each(VARIANTS)('%s', async (variant: Variant) => {
    const users = identity.forTenant(variant);
    const emulator = variant === 'teal' ? sandbox.teal : sandbox.argyle;
    emulator.reset();
    const startedCpu = cpuMs();
    const started = performance.now();
    let worst = { label: '', ms: 0 };
    let count = 0;
    for (const [kind, s] of Object.entries(HOSTILE)) {
      for (const [label, call] of Object.entries(hostileCalls(s))) {
        const t0 = performance.now();
        let error: unknown;
        try {
          await call(users);
        } catch (e) {
          error = e;
        }
        const ms = performance.now() - t0;
        if (ms > worst.ms) worst = { label: `${kind}: ${label}`, ms };
        count++;
        expect(isPayrollIdentityError(error, 'invalid_input'), `${kind}: ${label} → ${String(error)}`).toBe(
          true,
        );
        // The error itself is small: nothing of the 1 MiB string is copied into it.
        expect(JSON.stringify(error).length, `${kind}: ${label}`).toBeLessThan(8_192);
      }
    }
    const cpu = cpuMs() - startedCpu;
    const wall = performance.now() - started;
    // Generous: ~150 calls took ~0.3 s here; one 128 KiB key alone took 18 s before.
    expect(cpu, `CPU for ${count} calls; worst ${worst.label} ${worst.ms.toFixed(0)} ms`).toBeLessThan(5_000);
    expect(wall).toBeLessThan(10_000);
    expect(emulator.requests()).toEqual([]);
  });

  it('a 1 MiB tenant id', () => {
    for (const s of Object.values(HOSTILE)) {
      const t0 = cpuMs();
      let error: unknown;
      try {
        identity.forTenant(s);
      } catch (e) {
        error = e;
      }
      expect(isPayrollIdentityError(error, 'unknown_tenant')).toBe(true);
      expect(cpuMs() - t0).toBeLessThan(2_000);
      expect(JSON.stringify(error).length).toBeLessThan(MIB);
    }
  });
});

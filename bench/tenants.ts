/**
 * Section 4 — 10,000 configured tenants (half Argyle, half Teal, each with its own credentials).
 *
 * - configuration validation: `createPayrollIdentity` (which validates every tenant and builds the
 *   root container), first run and median of the next ones;
 * - heap per configured-but-unused tenant: heap retained by the identity (after full GCs, the host's
 *   own configuration object excluded) ÷ 10,000;
 * - first `forTenant()` (child container, HTTP client, adapter) for 1,000 tenants, and the heap each
 *   used tenant adds;
 * - cached `forTenant()`: 1,000,000 calls over those 1,000 tenants.
 */
import { gc, loadDist, type Provider, report, tenantConfig } from './lib.js';
import { percentile } from './stats.js';

const TENANTS = 10_000;
const USED = 1_000;
const CACHED_CALLS = 1_000_000;
const VALIDATION_RUNS = 5;

const lib = await loadDist();

function config() {
  const tenants: Record<string, ReturnType<typeof tenantConfig>> = {};
  for (let i = 0; i < TENANTS; i++) {
    const provider: Provider = i % 2 === 0 ? 'argyle' : 'teal';
    const t = tenantConfig(provider);
    t.credentials =
      provider === 'argyle'
        ? { apiKeyId: `bench-key-id-${i}`, apiKeySecret: `bench-key-secret-${i}` }
        : { apiKey: `bench-teal-key-${i}` };
    tenants[`tenant-${i}`] = t;
  }
  return { tenants };
}

// Validation: each run gets its own configuration (built before the clock starts).
const validationMs: number[] = [];
for (let run = 0; run < VALIDATION_RUNS; run++) {
  const input = config();
  const t0 = performance.now();
  const identity = lib.createPayrollIdentity(input);
  validationMs.push(performance.now() - t0);
  await identity.close();
}

// Heap: the configuration is built first and measured in the baseline, then the identity alone.
const input = config();
gc();
const heap0 = process.memoryUsage().heapUsed;
const identity = lib.createPayrollIdentity(input);
gc();
const heap1 = process.memoryUsage().heapUsed;

const ids = identity.tenants.slice(0, USED);
const firstUs: number[] = [];
for (const id of ids) {
  const t0 = process.hrtime.bigint();
  identity.forTenant(id);
  firstUs.push(Number(process.hrtime.bigint() - t0) / 1e3);
}
gc();
const heap2 = process.memoryUsage().heapUsed;

// Cached: the same services handed back; `sink` keeps the loop from being optimised away.
let sink = 0;
for (let i = 0; i < 100_000; i++) sink += identity.forTenant(ids[i % USED]!).tenant.length;
const t0 = process.hrtime.bigint();
for (let i = 0; i < CACHED_CALLS; i++) sink += identity.forTenant(ids[i % USED]!).tenant.length;
const cachedNs = Number(process.hrtime.bigint() - t0) / CACHED_CALLS;
await identity.close();

const sortedFirst = [...firstUs].sort((a, b) => a - b);
const sortedValidation = validationMs.slice(1).sort((a, b) => a - b);
report({
  tenants: TENANTS,
  usedTenants: USED,
  cachedCalls: CACHED_CALLS,
  validationFirstMs: validationMs[0]!,
  validationMedianMs: percentile(sortedValidation, 50),
  validationRuns: VALIDATION_RUNS,
  heapPerUnusedTenantBytes: (heap1 - heap0) / TENANTS,
  heapPerUsedTenantBytes: (heap2 - heap1) / USED,
  firstForTenantP50Us: percentile(sortedFirst, 50),
  firstForTenantP99Us: percentile(sortedFirst, 99),
  firstForTenantVeryFirstUs: firstUs[0]!,
  cachedForTenantUs: cachedNs / 1000,
  sink: sink > 0,
});

/**
 * Section 3 — `listUsers()` over 100,000 users from `bench/server.ts` (Argyle: 200 per page, cursor
 * pages; Teal: 100 per page, offset pages), one provider per process (`pagination.ts argyle|teal`).
 *
 * Memory is read after a full GC at the start, sampled (without GC) after every page, and read again
 * at the end before and after a full GC: "growth" is the peak and the end (after GC) minus the start.
 * The users are counted and dropped as they come, as a streaming consumer would.
 */
import { benchOrigin, gc, loadDist, MB, type Provider, report, tenantConfig } from './lib.js';

const ORIGIN = benchOrigin();
const provider = (process.argv[2] ?? 'argyle') as Provider;
const TOTAL = 100_000;
const PAGE = provider === 'argyle' ? 200 : 100;

const lib = await loadDist();
const identity = lib.createPayrollIdentity({ tenants: { t: tenantConfig(provider, ORIGIN) } });
const users = identity.forTenant('t');

// Warm-up: one short walk, so that JIT and sockets are not counted as growth.
let warm = 0;
for await (const _ of users.listUsers({ pageSize: PAGE })) if (++warm >= PAGE * 5) break;

gc();
const start = process.memoryUsage();
let peakHeap = start.heapUsed;
let peakRss = start.rss;
let count = 0;
const t0 = performance.now();
for await (const user of users.listUsers({ pageSize: PAGE })) {
  if (!user.id) throw new Error('a user without id');
  count++;
  if (count % PAGE === 0) {
    const m = process.memoryUsage();
    if (m.heapUsed > peakHeap) peakHeap = m.heapUsed;
    if (m.rss > peakRss) peakRss = m.rss;
  }
}
const seconds = (performance.now() - t0) / 1000;
const beforeGc = process.memoryUsage();
gc();
const end = process.memoryUsage();
await identity.close();
if (count !== TOTAL) throw new Error(`listed ${count} users, expected ${TOTAL}`);

report({
  provider,
  users: count,
  pageSize: PAGE,
  pages: Math.ceil(TOTAL / PAGE),
  seconds,
  usersPerSec: count / seconds,
  heapStartMB: start.heapUsed / MB,
  heapPeakGrowthMB: (peakHeap - start.heapUsed) / MB,
  heapEndGrowthMB: (beforeGc.heapUsed - start.heapUsed) / MB,
  heapRetainedMB: (end.heapUsed - start.heapUsed) / MB,
  rssStartMB: start.rss / MB,
  rssPeakGrowthMB: (peakRss - start.rss) / MB,
  rssEndGrowthMB: (end.rss - start.rss) / MB,
});

/**
 * Section 5 — cold start: a fresh `node` process (no loader, no tsx) imports the built package and
 * creates the first service, timed from inside the process (so process start-up itself is not
 * counted; it is reported separately as the wall time of the whole process). ESM and CJS builds,
 * RUNS fresh processes each, interleaved; the median is reported.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { report } from './lib.js';
import { percentile } from './stats.js';

const RUNS = Number(process.env.BENCH_COLD_RUNS ?? 9);
const esm = new URL('../dist/index.js', import.meta.url).href;
const cjs = fileURLToPath(new URL('../dist/index.cjs', import.meta.url));

const tenant = JSON.stringify({
  tenants: {
    t: {
      provider: 'argyle',
      environment: 'sandbox',
      credentials: { apiKeyId: 'bench-key-id-not-real', apiKeySecret: 'bench-key-secret-not-real' },
    },
  },
});
const body = (load: string) => `
const t0 = performance.now();
const m = ${load};
const t1 = performance.now();
const users = m.createPayrollIdentity(${tenant}).forTenant('t');
const t2 = performance.now();
if (typeof users.getUser !== 'function') throw new Error('no service');
process.stdout.write(JSON.stringify({ importMs: t1 - t0, firstServiceMs: t2 - t1, totalMs: t2 - t0 }));
process.exit(0);`;
const scripts = {
  esm: ['--input-type=module', '-e', body(`await import(${JSON.stringify(esm)})`)],
  cjs: ['-e', body(`require(${JSON.stringify(cjs)})`)],
} as const;

/**
 * Where an ESM import's time goes: each dependency imported first (in a fresh process, in the
 * order the package loads them), then the package itself, whose time is then only its own code.
 */
const DEPENDENCIES = ['reflect-metadata', 'zod', 'axios', 'cockatiel', 'tsyringe', 'yaml'];
const breakdownScript = [
  '--input-type=module',
  '-e',
  `const out = {};
for (const name of ${JSON.stringify(DEPENDENCIES)}) { const t = performance.now(); await import(name); out[name] = performance.now() - t; }
const t = performance.now(); await import(${JSON.stringify(esm)}); out['payroll-identity (own code)'] = performance.now() - t;
process.stdout.write(JSON.stringify(out)); process.exit(0);`,
];

type Sample = { importMs: number; firstServiceMs: number; totalMs: number; processMs: number };
const samples: Record<keyof typeof scripts, Sample[]> = { esm: [], cjs: [] };
// One unmeasured run of each warms the OS file cache, as on any machine that ran the app before.
for (const args of Object.values(scripts)) spawnSync(process.execPath, args);
for (let run = 0; run < RUNS; run++) {
  for (const kind of ['esm', 'cjs'] as const) {
    const t0 = performance.now();
    const result = spawnSync(process.execPath, scripts[kind], { encoding: 'utf8' });
    const processMs = performance.now() - t0;
    if (result.status !== 0) throw new Error(`cold start (${kind}) failed: ${result.stderr}`);
    samples[kind].push({ ...(JSON.parse(result.stdout) as Omit<Sample, 'processMs'>), processMs });
  }
}

const breakdown: Record<string, number[]> = {};
for (let run = 0; run < RUNS; run++) {
  const result = spawnSync(process.execPath, breakdownScript, {
    encoding: 'utf8',
    cwd: fileURLToPath(new URL('..', import.meta.url)),
  });
  if (result.status !== 0) throw new Error(`cold start breakdown failed: ${result.stderr}`);
  for (const [name, ms] of Object.entries(JSON.parse(result.stdout) as Record<string, number>)) {
    breakdown[name] = [...(breakdown[name] ?? []), ms];
  }
}

const median = (list: Sample[], key: keyof Sample) =>
  percentile(
    [...list.map((s) => s[key])].sort((a, b) => a - b),
    50,
  );
report({
  runs: RUNS,
  rows: (['esm', 'cjs'] as const).map((kind) => ({
    format: kind,
    importMs: median(samples[kind], 'importMs'),
    firstServiceMs: median(samples[kind], 'firstServiceMs'),
    totalMs: median(samples[kind], 'totalMs'),
    processWallMs: median(samples[kind], 'processMs'),
  })),
  importBreakdownMs: Object.fromEntries(
    Object.entries(breakdown).map(([name, list]) => [
      name,
      percentile(
        [...list].sort((a, b) => a - b),
        50,
      ),
    ]),
  ),
});

/**
 * Section 5 — cold start: a fresh `node` process (no loader, no tsx) imports the built package,
 * creates the first service, then makes the first call (one `getUser`, against a loopback server
 * this process runs), timed from inside the process (so process start-up itself is not counted; it
 * is reported separately as the wall time of the whole process). The first call is where the HTTP
 * stack (axios, cockatiel) loads: reported as its own column, so that loading it lazily is seen, not
 * hidden. ESM and CJS builds, RUNS fresh processes each, interleaved; the median is reported.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { ARGYLE_CREDENTIALS, argyleUserRecord, report, USER_ID } from './lib.js';
import { percentile } from './stats.js';

const RUNS = Number(process.env.BENCH_COLD_RUNS ?? 9);
const esm = new URL('../dist/index.js', import.meta.url).href;
const cjs = fileURLToPath(new URL('../dist/index.cjs', import.meta.url));

/** Argyle's answer to `GET /v2/users/{id}` (a fake person, as bench/server.ts answers it). */
const ARGYLE_USER = JSON.stringify(argyleUserRecord(1, USER_ID));

/** The provider stand-in for the first call: answers every request with the user above. */
const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(ARGYLE_USER),
    });
    res.end(ARGYLE_USER);
  });
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const { port } = server.address() as AddressInfo;

const tenant = JSON.stringify({
  tenants: {
    t: {
      provider: 'argyle',
      environment: 'sandbox',
      baseUrl: `http://127.0.0.1:${port}`,
      credentials: ARGYLE_CREDENTIALS,
    },
  },
});
const body = (load: string) => `
(async () => {
const t0 = performance.now();
const m = ${load};
const t1 = performance.now();
const users = m.createPayrollIdentity(${tenant}).forTenant('t');
const t2 = performance.now();
if (typeof users.getUser !== 'function') throw new Error('no service');
const user = await users.getUser(${JSON.stringify(USER_ID)});
const t3 = performance.now();
if (user.id !== ${JSON.stringify(USER_ID)}) throw new Error('wrong user');
process.stdout.write(JSON.stringify({ importMs: t1 - t0, firstServiceMs: t2 - t1, totalMs: t2 - t0, firstCallMs: t3 - t0 }));
process.exit(0);
})().catch((e) => { process.stderr.write(String(e && e.stack)); process.exit(1); });`;
const scripts = {
  esm: ['--input-type=module', '-e', body(`await import(${JSON.stringify(esm)})`)],
  cjs: ['-e', body(`require(${JSON.stringify(cjs)})`)],
} as const;

/** Runs `node args` without blocking this process's event loop (the server above must answer). */
function node(args: readonly string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => {
    stdout += c.toString();
  });
  child.stderr.on('data', (c: Buffer) => {
    stderr += c.toString();
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/**
 * Where an ESM import's time goes: each dependency the package loads at import, loaded first as the
 * package loads it (in a fresh process, in the package's order), then the package itself, whose time is then
 * only its own code; then what loads later (the HTTP stack on the first request, yaml on the first
 * YAML configuration file), each imported after the package.
 */
const AT_IMPORT = ['zod', 'tsyringe'];
const LATER: Record<string, string> = {
  'axios (first request)': 'axios',
  'cockatiel (first request)': 'cockatiel',
  'yaml (first YAML file)': 'yaml',
};
const breakdownScript = [
  '--input-type=module',
  '-e',
  // reflect-metadata is required, as the package loads it (src/container/reflect-metadata.cjs).
  `const out = {};
{ const { createRequire } = await import('node:module'); const t = performance.now(); createRequire(import.meta.url)('reflect-metadata'); out['reflect-metadata (required)'] = performance.now() - t; }
for (const name of ${JSON.stringify(AT_IMPORT)}) { const t = performance.now(); await import(name); out[name] = performance.now() - t; }
const t = performance.now(); await import(${JSON.stringify(esm)}); out['payroll-identity (own code)'] = performance.now() - t;
for (const [label, name] of Object.entries(${JSON.stringify(LATER)})) { const t = performance.now(); await import(name); out[label] = performance.now() - t; }
process.stdout.write(JSON.stringify(out)); process.exit(0);`,
];

type Sample = {
  importMs: number;
  firstServiceMs: number;
  totalMs: number;
  firstCallMs: number;
  processMs: number;
};
const samples: Record<keyof typeof scripts, Sample[]> = { esm: [], cjs: [] };
try {
  // One unmeasured run of each warms the OS file cache, as on any machine that ran the app before.
  for (const args of Object.values(scripts)) await node(args);
  for (let run = 0; run < RUNS; run++) {
    for (const kind of ['esm', 'cjs'] as const) {
      const t0 = performance.now();
      const result = await node(scripts[kind]);
      const processMs = performance.now() - t0;
      if (result.status !== 0) throw new Error(`cold start (${kind}) failed: ${result.stderr}`);
      samples[kind].push({ ...(JSON.parse(result.stdout) as Omit<Sample, 'processMs'>), processMs });
    }
  }
} finally {
  server.close();
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
    firstCallMs: median(samples[kind], 'firstCallMs'),
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

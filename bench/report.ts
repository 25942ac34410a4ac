/**
 * Turns the sections' results into the targets of issue 8 (measured, never asserted) and the
 * Markdown tables `npm run bench` prints (and docs/performance.md shows).
 */

interface OverheadRow {
  provider: string;
  operation: string;
  contender: string;
  p50Us: number;
  p99Us: number;
  clientCpuUsPerCall: number;
  throughputPerSec: number;
}
interface Ratio {
  provider: string;
  operation: string;
  p50VsAxios: number;
  p50VsFloor: number;
  throughputVsAxios: number;
  beforeP50VsFloor: number;
  axiosP50VsFloor: number;
}
interface Overhead {
  samples: Record<string, number>;
  rows: OverheadRow[];
  ratios: Ratio[];
}
/** Section 1b: the library beside SDK peers, per operation, same canned bodies. */
interface Peers {
  samples: Record<string, number>;
  /** The SDK packages measured, `name@version`, by contender. */
  versions: Record<string, string>;
  /** The contenders the "ahead of every SDK peer" target is read against. */
  sdkPeers: string[];
  rows: {
    operation: string;
    contender: string;
    call: string;
    transport: string;
    p50Us: number;
    p99Us: number;
    clientCpuUsPerCall: number;
    /** The library's p50 for the same operation over this contender's (< 1: the library is ahead). */
    libraryP50VsThis: number;
  }[];
}
interface Cpu {
  samples: Record<string, number>;
  rows: { scenario: string; usPerCall: number; minUs: number; cpuUsPerCall: number }[];
}
interface Pagination {
  provider: string;
  users: number;
  pageSize: number;
  usersPerSec: number;
  heapPeakGrowthMB: number;
  heapRetainedMB: number;
  rssPeakGrowthMB: number;
  rssEndGrowthMB: number;
}
interface Tenants {
  tenants: number;
  validationFirstMs: number;
  validationMedianMs: number;
  heapPerUnusedTenantBytes: number;
  heapPerUsedTenantBytes: number;
  firstForTenantP50Us: number;
  firstForTenantP99Us: number;
  cachedForTenantUs: number;
}
interface ColdStart {
  runs: number;
  rows: {
    format: string;
    importMs: number;
    firstServiceMs: number;
    totalMs: number;
    /** Import, first service and one getUser over loopback (the lazily loaded HTTP stack included). */
    firstCallMs?: number;
    processWallMs: number;
  }[];
  importBreakdownMs: Record<string, number>;
}
/** Section 6: the worst time to reject a 1 MiB hostile string, per probe and provider. */
interface Hostile {
  inputBytes: number;
  rows: { probe: string; provider: string; worstMs: number; worstInput: string }[];
  worstMs: number;
}
/** Section 7: webhook deliveries verified per second, per scenario. */
interface Webhooks {
  samples: { batches: number; perBatch: number };
  rows: { scenario: string; bodyBytes: number; usPerDelivery: number; perSec: number }[];
}
export interface Results {
  hostile?: Hostile;
  webhooks?: Webhooks;
  overhead?: Overhead;
  peers?: Peers;
  cpu?: Cpu;
  pagination?: { argyle: Pagination; teal: Pagination };
  tenants?: Tenants;
  coldstart?: ColdStart;
}

export interface Target {
  target: string;
  measured: string;
  met: boolean;
}

const f = (n: number, digits = 2) => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');
const worst = (values: number[], higherIsWorse = true) =>
  higherIsWorse ? Math.max(...values) : Math.min(...values);

/** The successful calls of every operation, each provider (bench/cpu.ts names them so). */
const OPERATION_SCENARIO =
  /^(argyle|teal) (getUser|createUser|updateUser|deleteUser|createLinkToken|listUsers \(one page of 1\))$/;

/** Each target against its worst case across providers and operations. */
export function evaluate(input: unknown): Target[] {
  const r = input as Results;
  const out: Target[] = [];
  if (r.overhead) {
    const vsAxios = worst(r.overhead.ratios.map((x) => x.p50VsAxios));
    const tp = worst(
      r.overhead.ratios.map((x) => x.throughputVsAxios),
      false,
    );
    const vsFloor = worst(r.overhead.ratios.map((x) => x.p50VsFloor));
    out.push({
      target: 'p50 vs hand-written axios ≤ 1.00× (c=1)',
      measured: `${f(vsAxios)}× (worst)`,
      met: vsAxios <= 1,
    });
    out.push({
      target: 'throughput vs hand-written axios ≥ 1.00× (c=64)',
      measured: `${f(tp)}× (worst)`,
      met: tp >= 1,
    });
    out.push({
      target: 'p50 vs bare node:http ≤ 1.25× (c=1)',
      measured: `${f(vsFloor)}× (worst)`,
      met: vsFloor <= 1.25,
    });
  }
  const peers = r.peers;
  const vsPeers = peers ? peers.rows.filter((x) => peers.sdkPeers.includes(x.contender)) : [];
  if (vsPeers.length > 0) {
    const behind = vsPeers.reduce((a, b) => (b.libraryP50VsThis > a.libraryP50VsThis ? b : a));
    out.push({
      target: 'p50 vs every SDK peer < 1.00× (ahead of every peer)',
      measured: `${f(behind.libraryP50VsThis)}× (worst: ${behind.contender} ${behind.operation})`,
      met: behind.libraryP50VsThis < 1,
    });
  }
  if (r.cpu) {
    // Every operation of both providers, successful; a listing's call is one page request (of one
    // user: the cost per listed user is shown apart, from the page of 100).
    const calls = r.cpu.rows.filter((x) => OPERATION_SCENARIO.test(x.scenario));
    const slowest = calls.reduce((a, b) => (b.usPerCall > a.usPerCall ? b : a));
    out.push({
      target: 'library CPU per call ≤ 30 µs (every operation, both providers)',
      measured: `${f(slowest.usPerCall, 1)} µs (worst: ${slowest.scenario})`,
      met: slowest.usPerCall <= 30,
    });
  }
  if (r.pagination) {
    const growth = worst(
      [r.pagination.argyle, r.pagination.teal].flatMap((p) => [p.heapPeakGrowthMB, p.rssPeakGrowthMB]),
    );
    out.push({
      target: 'pagination memory growth < 30 MB over 100,000 users',
      measured: `${f(growth, 1)} MB (worst peak, heap or RSS)`,
      met: growth < 30,
    });
  }
  if (r.tenants) {
    const t = r.tenants;
    out.push({
      target: 'cached forTenant() < 2 µs',
      measured: `${f(t.cachedForTenantUs, 3)} µs`,
      met: t.cachedForTenantUs < 2,
    });
    out.push({
      target: 'configured-but-unused tenant < 4 KB heap',
      measured: `${f(t.heapPerUnusedTenantBytes, 0)} B`,
      met: t.heapPerUnusedTenantBytes < 4096,
    });
    const validation = Math.max(t.validationFirstMs, t.validationMedianMs);
    out.push({
      target: '10,000-tenant configuration validated < 300 ms',
      measured: `${f(validation, 0)} ms (first run)`,
      met: validation < 300,
    });
  }
  if (r.coldstart) {
    const total = worst(r.coldstart.rows.map((x) => x.totalMs));
    out.push({
      target: 'import + first service < 150 ms',
      measured: `${f(total, 0)} ms (median, worst format)`,
      met: total < 150,
    });
  }
  if (r.hostile) {
    out.push({
      target: 'worst 1 MiB hostile input rejected < 100 ms',
      measured: `${f(r.hostile.worstMs, 1)} ms`,
      met: r.hostile.worstMs < 100,
    });
  }
  return out;
}

function table(header: string[], rows: (string | number)[][]): string {
  const line = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** The Markdown report: machine, targets, then one table per section. */
export function render(output: {
  date: string;
  machine: Record<string, unknown>;
  totalSeconds: number;
  results: unknown;
  targets: Target[];
}): string {
  const r = output.results as Results;
  const m = output.machine;
  const parts: string[] = [
    `Run ${output.date} · Node ${m.node} · ${m.cpus} × ${m.cpuModel} · ${m.totalMemoryMB} MB · ${m.platform} · load ${String(m.loadAverageAtStart)} → ${String(m.loadAverageAtEnd)} · ${output.totalSeconds} s`,
    '### Targets',
    table(
      ['target', 'measured', 'met'],
      output.targets.map((t) => [t.target, t.measured, t.met ? 'yes' : '**no**']),
    ),
  ];
  if (r.overhead) {
    const s = r.overhead.samples;
    parts.push(
      `### 1. Per-call overhead over loopback HTTP (latency: ${s.latencyPerContender} calls per contender in ${s.latencyRounds} interleaved rounds at concurrency 1; throughput: ${s.throughputCallsPerContender} calls in ${s.throughputRounds} rounds at concurrency ${s.concurrency})`,
      table(
        ['provider', 'operation', 'contender', 'p50 µs', 'p99 µs', 'client CPU µs/call', 'calls/s @64'],
        r.overhead.rows.map((x) => [
          x.provider,
          x.operation,
          x.contender,
          f(x.p50Us, 0),
          f(x.p99Us, 0),
          f(x.clientCpuUsPerCall, 0),
          f(x.throughputPerSec, 0),
        ]),
      ),
      table(
        [
          'provider',
          'operation',
          'p50 library / axios',
          'p50 library / node:http',
          'throughput library / axios',
          'p50 before (axios adapter) / node:http',
          'p50 axios / node:http',
        ],
        r.overhead.ratios.map((x) => [
          x.provider,
          x.operation,
          `${f(x.p50VsAxios)}×`,
          `${f(x.p50VsFloor)}×`,
          `${f(x.throughputVsAxios)}×`,
          `${f(x.beforeP50VsFloor)}×`,
          `${f(x.axiosP50VsFloor)}×`,
        ]),
      ),
    );
  }
  if (r.peers) {
    const s = r.peers.samples;
    parts.push(
      `### 1b. The library beside SDK peers over loopback HTTP, same JSON bodies (${s.latencyPerContender} calls per contender in ${s.latencyRounds} interleaved rounds at concurrency 1, after ${s.warmupPerContender} warm-up calls; ${Object.values(r.peers.versions).join(', ')})`,
      table(
        [
          'operation',
          'contender',
          'call',
          'transport',
          'p50 µs',
          'p99 µs',
          'client CPU µs/call',
          'p50 library / this',
        ],
        r.peers.rows.map((x) => [
          x.operation,
          x.contender,
          `\`${x.call}\``,
          x.transport,
          f(x.p50Us, 0),
          f(x.p99Us, 0),
          f(x.clientCpuUsPerCall, 0),
          `${f(x.libraryP50VsThis)}×`,
        ]),
      ),
    );
  }
  if (r.cpu) {
    parts.push(
      `### 2. Library CPU per call, in-process transport (median of ${r.cpu.samples.batches} interleaved batches of ${r.cpu.samples.callsPerBatch})`,
      table(
        ['scenario', 'µs/call (median batch)', 'µs/call (best batch)', 'CPU µs/call'],
        r.cpu.rows.map((x) => [x.scenario, f(x.usPerCall, 1), f(x.minUs, 1), f(x.cpuUsPerCall, 1)]),
      ),
    );
  }
  if (r.pagination) {
    parts.push(
      '### 3. listUsers over 100,000 users',
      table(
        [
          'provider',
          'page size',
          'users/s',
          'heap peak growth MB',
          'heap retained MB',
          'RSS peak growth MB',
          'RSS end growth MB',
        ],
        [r.pagination.argyle, r.pagination.teal].map((p) => [
          p.provider,
          p.pageSize,
          f(p.usersPerSec, 0),
          f(p.heapPeakGrowthMB, 1),
          f(p.heapRetainedMB, 1),
          f(p.rssPeakGrowthMB, 1),
          f(p.rssEndGrowthMB, 1),
        ]),
      ),
    );
  }
  if (r.tenants) {
    const t = r.tenants;
    parts.push(
      `### 4. Tenant scale (${t.tenants} tenants)`,
      table(
        ['measure', 'value'],
        [
          ['configuration validation, first run', `${f(t.validationFirstMs, 0)} ms`],
          ['configuration validation, median of later runs', `${f(t.validationMedianMs, 0)} ms`],
          ['heap per configured-but-unused tenant', `${f(t.heapPerUnusedTenantBytes, 0)} B`],
          ['heap per used tenant', `${f(t.heapPerUsedTenantBytes / 1024, 1)} KB`],
          [
            'first forTenant() p50 / p99',
            `${f(t.firstForTenantP50Us, 0)} / ${f(t.firstForTenantP99Us, 0)} µs`,
          ],
          ['cached forTenant()', `${f(t.cachedForTenantUs * 1000, 0)} ns`],
        ],
      ),
    );
  }
  if (r.coldstart) {
    parts.push(
      `### 5. Cold start (median of ${r.coldstart.runs} fresh processes)`,
      table(
        [
          'format',
          'import ms',
          'first service ms',
          'import + first service ms',
          'first call ms (import + service + getUser)',
          'whole process ms',
        ],
        r.coldstart.rows.map((x) => [
          x.format,
          f(x.importMs, 0),
          f(x.firstServiceMs, 1),
          f(x.totalMs, 0),
          // Absent from results recorded before the first call was measured.
          f(x.firstCallMs ?? Number.NaN, 0),
          f(x.processWallMs, 0),
        ]),
      ),
      'ESM import, by module (each imported first in a fresh process; median):',
      table(
        ['module', 'ms'],
        Object.entries(r.coldstart.importBreakdownMs).map(([name, ms]) => [name, f(ms, 0)]),
      ),
    );
  }
  if (r.hostile) {
    parts.push(
      `### 6. Hostile input: time to reject a ${r.hostile.inputBytes / 1024} KiB string (worst of five shapes, best of 3 runs)`,
      table(
        ['probe', 'provider', 'worst ms', 'worst shape'],
        r.hostile.rows.map((x) => [x.probe, x.provider, f(x.worstMs, 2), x.worstInput]),
      ),
    );
  }
  if (r.webhooks) {
    parts.push(
      `### 7. Webhook deliveries verified per second, in-process (median of ${r.webhooks.samples.batches} interleaved batches of ${r.webhooks.samples.perBatch})`,
      table(
        ['scenario', 'body bytes', 'µs/delivery', 'deliveries/s'],
        r.webhooks.rows.map((x) => [x.scenario, x.bodyBytes, f(x.usPerDelivery, 1), f(x.perSec, 0)]),
      ),
    );
  }
  return `${parts.join('\n\n')}\n`;
}

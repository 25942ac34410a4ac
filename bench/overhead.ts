/**
 * Section 1 — per-call overhead over real loopback HTTP against `bench/server.ts` (its own process).
 *
 * For each provider and operation (createUser, getUser), four contenders send the SAME request (the
 * library's request body is captured once and replayed byte for byte by the others):
 * - `library`: `forTenant(t).createUser(…)` / `getUser(id)` (lean transport, the default);
 * - `library+axios-http`: the same, with axios's own Node adapter as the transport (the "before");
 * - `axios`: what a lender writes today, `axios.create({ baseURL, auth })` + `post`/`get`;
 * - `node:http`: a bare `http.request` on a keep-alive agent, body read and `JSON.parse`d (the floor).
 * Contenders are interleaved round by round (rotating order) so that a noisy neighbour hits all alike.
 */
import http from 'node:http';
import axios, { type AxiosInstance } from 'axios';
import {
  ARGYLE_CREDENTIALS,
  createInput,
  loadDist,
  PROVIDERS,
  type Provider,
  report,
  TEAL_CREDENTIALS,
  tenantConfig,
  USER_ID,
} from './lib.js';
import { percentile } from './stats.js';

const ORIGIN = process.env.BENCH_ORIGIN;
if (!ORIGIN) throw new Error('BENCH_ORIGIN is not set (run through bench/run.ts)');
const origin = new URL(ORIGIN);

const LAT_ROUNDS = Number(process.env.BENCH_LAT_ROUNDS ?? 10);
const LAT_PER_ROUND = Number(process.env.BENCH_LAT_PER_ROUND ?? 250);
const TP_ROUNDS = Number(process.env.BENCH_TP_ROUNDS ?? 4);
const TP_PER_ROUND = Number(process.env.BENCH_TP_PER_ROUND ?? 1500);
const CONCURRENCY = 64;
const WARMUP = 400;

type Op = 'createUser' | 'getUser';
type Kind = 'library' | 'library+axios-http' | 'axios' | 'node:http';
const KINDS: readonly Kind[] = ['library', 'library+axios-http', 'axios', 'node:http'];

interface Contender {
  provider: Provider;
  op: Op;
  kind: Kind;
  call: () => Promise<unknown>;
  samples: number[];
  /** This process's CPU time (user + system, µs) over the latency phase. */
  cpuUs: number;
  tpCalls: number;
  tpSeconds: number;
}

const lib = await loadDist();

/** The library's own request for each provider's createUser, captured once in-process. */
async function capturedCreateBody(provider: Provider): Promise<string> {
  let body = '';
  const identity = lib.createPayrollIdentity({
    tenants: { t: tenantConfig(provider, ORIGIN) },
    transport: async (config) => {
      // Only the create itself: the failure below makes the library reconcile with a GET.
      if (config.method === 'post') body = String(config.data);
      throw new Error('captured');
    },
  });
  await identity
    .forTenant('t')
    .createUser(createInput(provider))
    .catch(() => undefined);
  await identity.close();
  if (!body) throw new Error(`no ${provider} request body captured`);
  return body;
}

const paths = {
  argyle: { create: '/v2/users', get: `/v2/users/${USER_ID}` },
  teal: { create: '/users', get: `/users/${USER_ID}` },
} as const;

const authHeaders: Record<Provider, Record<string, string>> = {
  argyle: {
    Authorization: `Basic ${Buffer.from(`${ARGYLE_CREDENTIALS.apiKeyId}:${ARGYLE_CREDENTIALS.apiKeySecret}`).toString('base64')}`,
  },
  teal: { 'X-API-KEY': TEAL_CREDENTIALS.apiKey },
};

function handWrittenAxios(provider: Provider): AxiosInstance {
  return provider === 'argyle'
    ? axios.create({
        baseURL: ORIGIN,
        auth: { username: ARGYLE_CREDENTIALS.apiKeyId, password: ARGYLE_CREDENTIALS.apiKeySecret },
      })
    : axios.create({ baseURL: ORIGIN, headers: { 'X-API-KEY': TEAL_CREDENTIALS.apiKey } });
}

const floorAgent = new http.Agent({ keepAlive: true });

/** The floor: one request on a keep-alive agent, the body read and parsed, nothing else. */
function bare(method: 'GET' | 'POST', path: string, headers: Record<string, string>, body?: string) {
  return new Promise<unknown>((resolve, reject) => {
    const req = http.request(
      {
        hostname: origin.hostname,
        port: origin.port,
        path,
        method,
        agent: floorAgent,
        headers: body
          ? { ...headers, 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) }
          : headers,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          try {
            resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
          } catch (error) {
            reject(error);
          }
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function contenders(): Promise<{ list: Contender[]; close: () => Promise<void> }> {
  const tenants = { argyle: tenantConfig('argyle', ORIGIN), teal: tenantConfig('teal', ORIGIN) };
  const lean = lib.createPayrollIdentity({ tenants });
  const before = lib.createPayrollIdentity({ tenants, transport: axios.getAdapter('http') });
  const list: Contender[] = [];
  const add = (provider: Provider, op: Op, kind: Kind, call: () => Promise<unknown>) =>
    list.push({ provider, op, kind, call, samples: [], cpuUs: 0, tpCalls: 0, tpSeconds: 0 });
  for (const provider of PROVIDERS) {
    const body = await capturedCreateBody(provider);
    const parsedBody: unknown = JSON.parse(body);
    const input = createInput(provider);
    const api = handWrittenAxios(provider);
    const headers = { Accept: 'application/json', ...authHeaders[provider] };
    for (const kind of KINDS) {
      const identity = kind === 'library' ? lean : before;
      if (kind === 'library' || kind === 'library+axios-http') {
        const users = identity.forTenant(provider);
        add(provider, 'createUser', kind, () => users.createUser(input));
        add(provider, 'getUser', kind, () => users.getUser(USER_ID));
      } else if (kind === 'axios') {
        add(provider, 'createUser', kind, () =>
          api.post(paths[provider].create, parsedBody).then((r) => r.data),
        );
        add(provider, 'getUser', kind, () => api.get(paths[provider].get).then((r) => r.data));
      } else {
        add(provider, 'createUser', kind, () => bare('POST', paths[provider].create, headers, body));
        add(provider, 'getUser', kind, () => bare('GET', paths[provider].get, headers));
      }
    }
  }
  return {
    list,
    close: async () => {
      await lean.close();
      await before.close();
      floorAgent.destroy();
    },
  };
}

function rotate<T>(list: readonly T[], by: number): T[] {
  const k = by % list.length;
  return [...list.slice(k), ...list.slice(0, k)];
}

async function runWorkers(call: () => Promise<unknown>, total: number, concurrency: number): Promise<number> {
  let started = 0;
  const worker = async () => {
    while (started < total) {
      started++;
      await call();
    }
  };
  const t0 = process.hrtime.bigint();
  await Promise.all(Array.from({ length: concurrency }, worker));
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

const { list, close } = await contenders();
const t0 = performance.now();

// Warm-up: JIT, keep-alive sockets (64 of them for the concurrent phase).
for (const c of list) {
  for (let i = 0; i < WARMUP; i++) await c.call();
  await runWorkers(c.call, CONCURRENCY * 4, CONCURRENCY);
}

for (let round = 0; round < LAT_ROUNDS; round++) {
  for (const c of rotate(list, round)) {
    const cpu = process.cpuUsage();
    for (let i = 0; i < LAT_PER_ROUND; i++) {
      const start = process.hrtime.bigint();
      await c.call();
      c.samples.push(Number(process.hrtime.bigint() - start) / 1e3);
    }
    const used = process.cpuUsage(cpu);
    c.cpuUs += used.user + used.system;
  }
}
for (let round = 0; round < TP_ROUNDS; round++) {
  for (const c of rotate(list, round)) {
    c.tpSeconds += await runWorkers(c.call, TP_PER_ROUND, CONCURRENCY);
    c.tpCalls += TP_PER_ROUND;
  }
}
await close();

const rows = list.map((c) => {
  const sorted = [...c.samples].sort((a, b) => a - b);
  return {
    provider: c.provider,
    operation: c.op,
    contender: c.kind,
    p50Us: percentile(sorted, 50),
    p99Us: percentile(sorted, 99),
    clientCpuUsPerCall: c.cpuUs / c.samples.length,
    throughputPerSec: c.tpCalls / c.tpSeconds,
  };
});
const find = (p: Provider, op: Op, kind: Kind) =>
  rows.find((r) => r.provider === p && r.operation === op && r.contender === kind)!;
const ratios = PROVIDERS.flatMap((provider) =>
  (['createUser', 'getUser'] as const).map((operation) => {
    const l = find(provider, operation, 'library');
    const b = find(provider, operation, 'library+axios-http');
    const a = find(provider, operation, 'axios');
    const f = find(provider, operation, 'node:http');
    return {
      provider,
      operation,
      p50VsAxios: l.p50Us / a.p50Us,
      p50VsFloor: l.p50Us / f.p50Us,
      throughputVsAxios: l.throughputPerSec / a.throughputPerSec,
      beforeP50VsFloor: b.p50Us / f.p50Us,
      axiosP50VsFloor: a.p50Us / f.p50Us,
    };
  }),
);

report({
  samples: {
    latencyPerContender: LAT_ROUNDS * LAT_PER_ROUND,
    latencyRounds: LAT_ROUNDS,
    throughputCallsPerContender: TP_ROUNDS * TP_PER_ROUND,
    throughputRounds: TP_ROUNDS,
    concurrency: CONCURRENCY,
    warmupPerContender: WARMUP,
  },
  seconds: (performance.now() - t0) / 1000,
  rows,
  ratios,
});

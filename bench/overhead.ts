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
  bareJson,
  benchOrigin,
  createInput,
  interleavedLatency,
  libraryCreateBody,
  loadDist,
  PROVIDERS,
  type Provider,
  report,
  rotate,
  TEAL_CREDENTIALS,
  type Timed,
  tenantConfig,
  USER_ID,
} from './lib.js';
import { latencySummary } from './stats.js';

const ORIGIN = benchOrigin();
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

interface Contender extends Timed {
  provider: Provider;
  op: Op;
  kind: Kind;
  tpCalls: number;
  tpSeconds: number;
}

const lib = await loadDist();

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

async function contenders(): Promise<{ list: Contender[]; close: () => Promise<void> }> {
  const tenants = { argyle: tenantConfig('argyle', ORIGIN), teal: tenantConfig('teal', ORIGIN) };
  const lean = lib.createPayrollIdentity({ tenants });
  const before = lib.createPayrollIdentity({ tenants, transport: axios.getAdapter('http') });
  const list: Contender[] = [];
  const add = (provider: Provider, op: Op, kind: Kind, call: () => Promise<unknown>) =>
    list.push({ provider, op, kind, call, samples: [], cpuUs: 0, tpCalls: 0, tpSeconds: 0 });
  for (const provider of PROVIDERS) {
    const body = await libraryCreateBody(lib, provider, origin.origin);
    const parsedBody: unknown = JSON.parse(body);
    const api = handWrittenAxios(provider);
    const headers = { Accept: 'application/json', ...authHeaders[provider] };
    for (const kind of KINDS) {
      const identity = kind === 'library' ? lean : before;
      if (kind === 'library' || kind === 'library+axios-http') {
        const users = identity.forTenant(provider);
        // A fresh input per call, as a lender builds one per applicant.
        add(provider, 'createUser', kind, () => users.createUser(createInput(provider)));
        add(provider, 'getUser', kind, () => users.getUser(USER_ID));
      } else if (kind === 'axios') {
        add(provider, 'createUser', kind, () =>
          api.post(paths[provider].create, parsedBody).then((r) => r.data),
        );
        add(provider, 'getUser', kind, () => api.get(paths[provider].get).then((r) => r.data));
      } else {
        const url = (path: string) => new URL(path, origin);
        add(provider, 'createUser', kind, () =>
          bareJson(floorAgent, url(paths[provider].create), 'POST', headers, body),
        );
        add(provider, 'getUser', kind, () => bareJson(floorAgent, url(paths[provider].get), 'GET', headers));
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

// The sequential latency phase (the warm-up above is done).
await interleavedLatency(list, { warmup: 0, rounds: LAT_ROUNDS, perRound: LAT_PER_ROUND });
for (let round = 0; round < TP_ROUNDS; round++) {
  for (const c of rotate(list, round)) {
    c.tpSeconds += await runWorkers(c.call, TP_PER_ROUND, CONCURRENCY);
    c.tpCalls += TP_PER_ROUND;
  }
}
await close();

const rows = list.map((c) => ({
  provider: c.provider,
  operation: c.op,
  contender: c.kind,
  ...latencySummary(c.samples, c.cpuUs),
  throughputPerSec: c.tpCalls / c.tpSeconds,
}));
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

/**
 * Section 1b — the library beside SDK peers, over real loopback HTTP against `bench/server.ts` (its
 * own process), every contender getting the SAME JSON body: the one the library's Argyle getUser
 * gets for a GET, the one its createUser gets for a create (POST).
 * - `library`: `forTenant('argyle').getUser(id)` / `createUser(…)` of the built package;
 * - `axios` and `node:http`: hand-written calls on the library's own paths, replaying the library's
 *   create body byte for byte (as section 1);
 * - `stripe-node`: `customers.retrieve(id)` / `customers.create({…})` (form-encoded body);
 * - `finch`: Finch's Stainless-generated SDK, `hris.benefits.retrieve(id)` / `hris.benefits.create({…})`;
 * - `octokit`: `@octokit/core`'s `request('GET /users/{username}')` / `request('POST /user/repos')`.
 * The SDKs keep their defaults except their retries (off: they must not change a run of 200s) and
 * where they would reach the internet (their base URL is the bench server). Fake data only.
 * Method: section 1's latency phase (`interleavedLatency`), all contenders and operations rotated.
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { Octokit } from '@octokit/core';
import Finch from '@tryfinch/finch-api';
import axios from 'axios';
import Stripe from 'stripe';
import {
  ARGYLE_CREDENTIALS,
  bareJson,
  benchOrigin,
  createInput,
  interleavedLatency,
  libraryCreateBody,
  loadDist,
  PEER_PREFIX,
  report,
  type Timed,
  tenantConfig,
  USER_ID,
} from './lib.js';
import { latencySummary } from './stats.js';

const ORIGIN = benchOrigin();
const origin = new URL(ORIGIN);

const ROUNDS = Number(process.env.BENCH_PEERS_ROUNDS ?? 10);
const PER_ROUND = Number(process.env.BENCH_PEERS_PER_ROUND ?? 250);
const WARMUP = Number(process.env.BENCH_PEERS_WARMUP ?? 300);

type Operation = 'get' | 'create';
const OPERATIONS: readonly Operation[] = ['get', 'create'];
/** The contenders, the library first; the SDK peers are the ones the target is read against. */
const KINDS = ['library', 'axios', 'node:http', 'stripe-node', 'finch', 'octokit'] as const;
type Kind = (typeof KINDS)[number];
const SDK_PEERS: readonly Kind[] = ['stripe-node', 'finch', 'octokit'];

/** What each contender's requests go out on (each as configured here: its defaults). */
const TRANSPORTS: Record<Kind, string> = {
  library: 'node:http, own keep-alive agent',
  axios: "axios's http adapter, Node's global agent",
  'node:http': 'node:http, keep-alive agent',
  'stripe-node': 'node:http, own keep-alive agent',
  finch: 'global fetch (undici)',
  octokit: 'global fetch (undici)',
};

interface Contender extends Timed {
  kind: Kind;
  operation: Operation;
  /** The call, as its user writes it. */
  code: string;
}

/** The SDK peers' packages, whose installed versions the result records. */
const SDK_PACKAGES: Partial<Record<Kind, string>> = {
  'stripe-node': 'stripe',
  finch: '@tryfinch/finch-api',
  octokit: '@octokit/core',
};
function versionOf(name: string): string {
  const manifest = new URL(`../node_modules/${name}/package.json`, import.meta.url);
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
}

const lib = await loadDist();
const identity = lib.createPayrollIdentity({ tenants: { argyle: tenantConfig('argyle', ORIGIN) } });
const users = identity.forTenant('argyle');
const createBody = await libraryCreateBody(lib, 'argyle', ORIGIN);
const parsedCreateBody: unknown = JSON.parse(createBody);

const api = axios.create({
  baseURL: ORIGIN,
  auth: { username: ARGYLE_CREDENTIALS.apiKeyId, password: ARGYLE_CREDENTIALS.apiKeySecret },
});
const floorAgent = new http.Agent({ keepAlive: true });
const floorHeaders = {
  Accept: 'application/json',
  Authorization: `Basic ${Buffer.from(`${ARGYLE_CREDENTIALS.apiKeyId}:${ARGYLE_CREDENTIALS.apiKeySecret}`).toString('base64')}`,
};

const stripe = new Stripe('sk_test_bench_not_real', {
  host: origin.hostname,
  port: origin.port,
  protocol: 'http',
  maxNetworkRetries: 0,
});
const finch = new Finch({
  accessToken: 'finch_bench_access_token_not_real',
  baseURL: `${ORIGIN}${PEER_PREFIX}finch`,
  maxRetries: 0,
});
// @octokit/core has no retries (that is @octokit/plugin-retry, not loaded).
const octokit = new Octokit({ auth: 'ghp_bench_token_not_real', baseUrl: `${ORIGIN}${PEER_PREFIX}octokit` });

const calls: Record<Kind, Record<Operation, [code: string, call: () => Promise<unknown>]>> = {
  library: {
    get: ["forTenant('argyle').getUser(id)", () => users.getUser(USER_ID)],
    // A fresh input per call, as a lender builds one per applicant.
    create: ["forTenant('argyle').createUser({…})", () => users.createUser(createInput('argyle'))],
  },
  axios: {
    get: ["api.get('/v2/users/' + id)", () => api.get(`/v2/users/${USER_ID}`).then((r) => r.data)],
    create: [
      "api.post('/v2/users', body)",
      () => api.post('/v2/users', parsedCreateBody).then((r) => r.data),
    ],
  },
  'node:http': {
    get: [
      'http.request GET, keep-alive, JSON.parse',
      () => bareJson(floorAgent, new URL(`/v2/users/${USER_ID}`, origin), 'GET', floorHeaders),
    ],
    create: [
      'http.request POST, keep-alive, JSON.parse',
      () => bareJson(floorAgent, new URL('/v2/users', origin), 'POST', floorHeaders, createBody),
    ],
  },
  'stripe-node': {
    get: ['stripe.customers.retrieve(id)', () => stripe.customers.retrieve(USER_ID)],
    create: [
      'stripe.customers.create({…})',
      () =>
        stripe.customers.create({
          name: 'Jane Roe',
          email: 'jane.roe@example.com',
          metadata: { external_id: 'applicant-1' },
        }),
    ],
  },
  finch: {
    get: ['finch.hris.benefits.retrieve(id)', () => finch.hris.benefits.retrieve(USER_ID)],
    create: [
      'finch.hris.benefits.create({…})',
      () =>
        finch.hris.benefits.create({ description: 'Bench 401k', type: '401k', frequency: 'every_paycheck' }),
    ],
  },
  octokit: {
    get: [
      "octokit.request('GET /users/{username}')",
      () => octokit.request('GET /users/{username}', { username: 'bench-user' }).then((r) => r.data),
    ],
    create: [
      "octokit.request('POST /user/repos')",
      () => octokit.request('POST /user/repos', { name: 'bench-repo', private: true }).then((r) => r.data),
    ],
  },
};

const contenders: Contender[] = KINDS.flatMap((kind) =>
  OPERATIONS.map((operation) => {
    const [code, call] = calls[kind][operation];
    return { kind, operation, code, call, samples: [], cpuUs: 0 };
  }),
);

// Every contender must be reading the canned body (a 404 or a wrong path would be measured otherwise).
for (const c of contenders) {
  // The library's createUser answers `{ user, linkToken }`; every other call, the record itself.
  const answer = (await c.call()) as { id?: unknown; user?: { id?: unknown } };
  if ((answer.id ?? answer.user?.id) !== USER_ID) {
    throw new Error(`${c.kind} ${c.operation} did not read the bench server's body`);
  }
}

const t0 = performance.now();
await interleavedLatency(contenders, { warmup: WARMUP, rounds: ROUNDS, perRound: PER_ROUND });
const seconds = (performance.now() - t0) / 1000;
await identity.close();
floorAgent.destroy();

const summaries = contenders.map((c) => ({ c, ...latencySummary(c.samples, c.cpuUs) }));
const libraryP50 = (operation: Operation) =>
  summaries.find((s) => s.c.kind === 'library' && s.c.operation === operation)!.p50Us;

report({
  samples: { latencyPerContender: ROUNDS * PER_ROUND, latencyRounds: ROUNDS, warmupPerContender: WARMUP },
  seconds,
  versions: Object.fromEntries(
    Object.entries(SDK_PACKAGES).map(([kind, name]) => [kind, `${name}@${versionOf(name)}`]),
  ),
  sdkPeers: SDK_PEERS,
  // Grouped by operation, contenders in KINDS order within each.
  rows: OPERATIONS.flatMap((operation) => summaries.filter((s) => s.c.operation === operation)).map(
    ({ c, p50Us, p99Us, clientCpuUsPerCall }) => ({
      operation: c.operation,
      contender: c.kind,
      call: c.code,
      transport: TRANSPORTS[c.kind],
      p50Us,
      p99Us,
      clientCpuUsPerCall,
      libraryP50VsThis: libraryP50(c.operation) / p50Us,
    }),
  ),
});

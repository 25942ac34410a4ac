/**
 * Section 2 — the library's own CPU per call, with no network: a transport that answers in-process
 * with canned provider responses (`PayrollIdentityConfig.transport`). What is left is validation,
 * mapping, DI resolution, the axios request pipeline, the HTTP client's bookkeeping (deadline,
 * circuit, retries) and error mapping.
 *
 * Each scenario runs in batches (median batch reported, µs per call); scenarios are interleaved
 * batch by batch. `axios pipeline only` is a bare `axios.create({ adapter })` GET with the same
 * in-process answer: the share of the library's figure that is axios's.
 */
import axios, { type AxiosResponse, type InternalAxiosRequestConfig } from 'axios';
import {
  argyleUserRecord,
  createInput,
  loadDist,
  type Provider,
  report,
  tealUserRecord,
  tenantConfig,
  USER_ID,
} from './lib.js';
import { percentile } from './stats.js';

const BATCHES = Number(process.env.BENCH_CPU_BATCHES ?? 15);
const PER_BATCH = Number(process.env.BENCH_CPU_PER_BATCH ?? 2000);

const lib = await loadDist();

const argyleUser = JSON.stringify(argyleUserRecord(1, USER_ID));
const tealUser = JSON.stringify(tealUserRecord(1, USER_ID));

/** A whole listing of `size` users (ids 1…size) in one page, as each provider answers it. */
const pageIds = (size: number) =>
  Array.from({ length: size }, (_, i) => `00000000-0000-4000-8000-${String(i + 1).padStart(12, '0')}`);
const argylePage = (size: number) =>
  JSON.stringify({
    next: null,
    previous: null,
    results: pageIds(size).map((id) => ({ ...JSON.parse(argyleUser), id })),
  });
const tealPage = (size: number) =>
  JSON.stringify({
    pagination: { offset: 0, limit: size, count: size, total_count: size },
    users: pageIds(size).map((user_id) => ({ ...JSON.parse(tealUser), user_id })),
  });
/** The page sizes listed: one user (the cost of a page request), a hundred (the cost per user). */
const PAGE_SIZES = [1, 100] as const;
const pages: Record<string, Record<number, string>> = {
  'get /v2/users': Object.fromEntries(PAGE_SIZES.map((n) => [n, argylePage(n)])),
  'get /users': Object.fromEntries(PAGE_SIZES.map((n) => [n, tealPage(n)])),
};
const TOKEN = 'eyJhbGciOiJIUzI1NiJ9.e30.c2ln';
const answers: Record<string, { status: number; body: string }> = {
  'post /v2/users': { status: 200, body: JSON.stringify({ user_token: TOKEN, id: USER_ID }) },
  [`get /v2/users/${USER_ID}`]: { status: 200, body: argyleUser },
  [`patch /v2/users/${USER_ID}`]: { status: 200, body: argyleUser },
  [`delete /v2/users/${USER_ID}`]: { status: 204, body: '' },
  'post /v2/user-tokens': { status: 200, body: JSON.stringify({ user_token: TOKEN }) },
  'post /users': { status: 201, body: tealUser },
  [`get /users/${USER_ID}`]: { status: 200, body: tealUser },
  [`patch /users/${USER_ID}`]: { status: 200, body: tealUser },
  [`delete /users/${USER_ID}`]: { status: 204, body: '' },
  'post /user-tokens': {
    status: 201,
    body: JSON.stringify({
      token: 'teal-bench-token-not-real',
      webapp_link: 'https://example.com/link/teal-bench',
      created_at: '2024-01-01T00:00:00.000Z',
    }),
  },
};
const notFound = { status: 404, body: JSON.stringify({ detail: 'Not found.' }) };
const invalid = {
  status: 400,
  body: JSON.stringify({
    email: ['Enter a valid email address.'],
    first_name: ['This field may not be blank.'],
  }),
};

/** Answers in-process, as the provider would; `/missing/` ids get a 404, `/v2/users` with `bad` a 400. */
async function inProcess(config: InternalAxiosRequestConfig): Promise<AxiosResponse> {
  const key = `${config.method} ${config.url}`;
  const data = typeof config.data === 'string' ? config.data : '';
  const page = pages[key]?.[Number((config.params as { limit?: unknown } | undefined)?.limit)];
  const answer = data.includes('"bad"')
    ? invalid
    : page !== undefined
      ? { status: 200, body: page }
      : (answers[key] ?? notFound);
  return {
    status: answer.status,
    statusText: '',
    headers: { 'content-type': 'application/json', 'x-request-id': 'req-bench-1' },
    config,
    data: answer.body,
  };
}

const identity = lib.createPayrollIdentity({
  tenants: { argyle: tenantConfig('argyle'), teal: tenantConfig('teal') },
  transport: inProcess,
});
const service = (p: Provider) => identity.forTenant(p);
const bareAxios = axios.create({ baseURL: 'https://api.example.com', adapter: inProcess });
const expectCode = (code: string) => (error: unknown) => {
  if ((error as { code?: unknown }).code !== code) throw error;
};
const badArgyle = { ...createInput('argyle'), firstName: 'bad' };
const invalidInput = { ...createInput('argyle'), email: 'not-an-email', birthDate: '1990-13-45' };

/** Reads a whole listing: one page of `size` users. */
async function listPage(p: Provider, size: number): Promise<number> {
  let n = 0;
  for await (const _ of service(p).listUsers({ pageSize: size })) n++;
  if (n !== size) throw new Error(`${p} listUsers: ${n} users, expected ${size}`);
  return n;
}

/** Every operation of both providers (successful), then the unhappy paths and the references. */
const scenarios: Record<string, () => Promise<unknown>> = {
  'argyle getUser': () => service('argyle').getUser(USER_ID),
  'argyle createUser': () => service('argyle').createUser(createInput('argyle')),
  'argyle updateUser': () => service('argyle').updateUser(USER_ID, { lastName: 'Doe' }),
  'argyle deleteUser': () => service('argyle').deleteUser(USER_ID),
  'argyle createLinkToken': () => service('argyle').createLinkToken(USER_ID),
  'argyle listUsers (one page of 1)': () => listPage('argyle', 1),
  'argyle listUsers (one page of 100)': () => listPage('argyle', 100),
  'teal getUser': () => service('teal').getUser(USER_ID),
  'teal createUser': () => service('teal').createUser(createInput('teal')),
  'teal updateUser': () => service('teal').updateUser(USER_ID, { lastName: 'Doe' }),
  'teal deleteUser': () => service('teal').deleteUser(USER_ID),
  'teal createLinkToken': () => service('teal').createLinkToken(USER_ID),
  'teal listUsers (one page of 1)': () => listPage('teal', 1),
  'teal listUsers (one page of 100)': () => listPage('teal', 100),
  'argyle getUser → 404 (error mapping)': () =>
    service('argyle').getUser('00000000-0000-4000-8000-000000000404').catch(expectCode('not_found')),
  'argyle createUser → 400 (error mapping, field errors)': () =>
    service('argyle').createUser(badArgyle).catch(expectCode('invalid_input')),
  'createUser invalid input (validation only, no request)': () =>
    service('argyle').createUser(invalidInput).catch(expectCode('invalid_input')),
  'forTenant cached (DI resolution)': async () => identity.forTenant('teal'),
  'axios pipeline only (reference)': () => bareAxios.get(`/v2/users/${USER_ID}`),
};

/** Scenarios that run fewer calls per batch (a page of 100 users costs about a hundred calls). */
const CALLS_DIVISOR: Record<string, number> = {
  'argyle listUsers (one page of 100)': 25,
  'teal listUsers (one page of 100)': 25,
};
const callsOf = (name: string) => Math.max(1, Math.round(PER_BATCH / (CALLS_DIVISOR[name] ?? 1)));

// BENCH_CPU_ONLY='argyle getUser' keeps only that scenario (for `node --cpu-prof` runs).
const only = process.env.BENCH_CPU_ONLY;
const names = Object.keys(scenarios).filter((n) => !only || n === only);
const batches: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
const cpuBatches: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
for (const name of names) for (let i = 0; i < callsOf(name); i++) await scenarios[name]!(); // warm-up
for (let b = 0; b < BATCHES; b++) {
  for (const name of names) {
    const call = scenarios[name]!;
    const calls = callsOf(name);
    const cpu0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < calls; i++) await call();
    batches[name]!.push(Number(process.hrtime.bigint() - t0) / 1e3 / calls);
    const cpu = process.cpuUsage(cpu0);
    cpuBatches[name]!.push((cpu.user + cpu.system) / calls);
  }
}
await identity.close();

report({
  samples: { batches: BATCHES, callsPerBatch: PER_BATCH },
  rows: names.map((name) => {
    const sorted = [...batches[name]!].sort((a, b) => a - b);
    const cpu = [...cpuBatches[name]!].sort((a, b) => a - b);
    return {
      scenario: name,
      calls: callsOf(name),
      usPerCall: percentile(sorted, 50),
      minUs: sorted[0]!,
      cpuUsPerCall: percentile(cpu, 50),
    };
  }),
});

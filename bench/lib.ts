/**
 * What every benchmark section shares: the BUILT package (never `src/`: a lender runs `dist/`), the
 * tenants' configurations, obviously fake applicants, and how a section reports back to `run.ts`.
 */
import http from 'node:http';
import type * as Library from '../src/index.js';

export type Lib = typeof Library;

/** The built package (`npm run build` first; `npm run bench` does). */
export async function loadDist(): Promise<Lib> {
  const url = new URL('../dist/index.js', import.meta.url).href;
  return (await import(url)) as Lib;
}

export const ARGYLE_CREDENTIALS = {
  apiKeyId: 'bench-key-id-not-real',
  apiKeySecret: 'bench-key-secret-not-real',
};
export const TEAL_CREDENTIALS = { apiKey: 'bench-teal-api-key-not-real' };
export const USER_ID = '018051aa-f7a9-a0db-2f38-6cfa325e9d69';

/** The fake user `i` (id `00000000-0000-4000-8000-…i`), as Argyle's `GET /v2/users/{id}` answers it. */
export function argyleUserRecord(i: number, id = `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`) {
  return {
    id,
    created_at: '2023-01-30T22:25:38.971Z',
    items_connected: ['item_123456789'],
    employers_connected: ['Whole Goods'],
    external_metadata: { loanStage: 2 },
    external_id: `applicant-${i}`,
    first_name: 'Jane',
    last_name: 'Roe',
    email: 'jane.roe@example.com',
    phone_number: '+14155550123',
    ssn: null,
    address: { city: null, line1: null, line2: null, state: null, country: null, postal_code: null },
    birth_date: { year: 1990, month: 5, day: 17 },
  };
}

/** The fake user `i`, as Teal's `GET /users/{user_id}` answers it. */
export function tealUserRecord(i: number, id = `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`) {
  return {
    user_id: id,
    created_at: '2024-01-01T00:00:00.000Z',
    forename: 'Jane',
    surname: 'Roe',
    date_of_birth: '1990-05-17T00:00:00.000Z',
    post_codes: ['SW1A 2AA'],
    ext_id: `applicant-${i}`,
    payroll_period_months: 12,
  };
}

/** The bench server's origin, which `run.ts` hands every section that talks to it. */
export function benchOrigin(): string {
  const origin = process.env.BENCH_ORIGIN;
  if (!origin) throw new Error('BENCH_ORIGIN is not set (run through bench/run.ts)');
  return origin;
}

export type Provider = 'argyle' | 'teal';
export const PROVIDERS: readonly Provider[] = ['argyle', 'teal'];

/**
 * One tenant of each provider, pointed at `baseUrl` (the bench server, or anything in-process), as a
 * configuration file or an object literal gives it (no spread followed by more keys: see
 * `createInput`).
 */
export function tenantConfig(provider: Provider, baseUrl?: string): Library.TenantConfigInput {
  const config: Library.TenantConfigInput =
    provider === 'argyle'
      ? { provider: 'argyle', environment: 'sandbox', credentials: { ...ARGYLE_CREDENTIALS } }
      : {
          provider: 'teal',
          environment: 'sandbox',
          credentials: { ...TEAL_CREDENTIALS },
          defaults: { payrollPeriodMonths: 12 },
        };
  if (baseUrl) config.baseUrl = baseUrl;
  return config;
}

/**
 * A createUser input each provider accepts (fake data only), written as a lender writes one: an
 * object literal. (Not `{ ...common, email }`: in Node 20's V8 a spread followed by more properties
 * is a slow path whose objects outlive young-generation collections, which would bill the caller's
 * own code to the library.)
 */
export function createInput(provider: Provider, i = 1): Library.CreateUserInput {
  return provider === 'argyle'
    ? {
        firstName: 'Jane',
        lastName: 'Roe',
        birthDate: '1990-05-17',
        externalId: `applicant-${i}`,
        email: 'jane.roe@example.com',
        phone: '+14155550123',
      }
    : {
        firstName: 'Jane',
        lastName: 'Roe',
        birthDate: '1990-05-17',
        externalId: `applicant-${i}`,
        previousPostalCodes: ['SW1A 2AA'],
      };
}

/** A section prints one JSON line on stdout, last: what `run.ts` collects. */
export function report(result: unknown): void {
  process.stdout.write(`\n@@RESULT ${JSON.stringify(result)}\n`);
}

export function gc(): void {
  const collect = (globalThis as { gc?: () => void }).gc;
  if (!collect) throw new Error('run with node --expose-gc');
  collect();
  collect();
}

export const MB = 1024 * 1024;

/**
 * The path prefix under which `server.ts` answers the SDK peers of the `peers` section: every GET
 * there gets the body of the library's Argyle getUser, every POST the body of its createUser.
 */
export const PEER_PREFIX = '/peer/';

/**
 * The body the library itself sends for `provider`'s createUser, captured in-process (nothing goes
 * on the wire), so that hand-written contenders can replay it byte for byte.
 */
export async function libraryCreateBody(lib: Lib, provider: Provider, baseUrl: string): Promise<string> {
  const posted: string[] = [];
  const identity = lib.createPayrollIdentity({
    tenants: { captured: tenantConfig(provider, baseUrl) },
    transport: (config) => {
      if (config.method === 'post') posted.push(String(config.data));
      // Failing the create makes the library reconcile with a GET; that one is not recorded.
      return Promise.reject(new Error('captured, not sent'));
    },
  });
  try {
    await identity
      .forTenant('captured')
      .createUser(createInput(provider))
      .catch(() => undefined);
  } finally {
    await identity.close();
  }
  const [body] = posted;
  if (body === undefined) throw new Error(`the library sent no ${provider} createUser body`);
  return body;
}

/**
 * The floor of every per-call comparison: one request on a keep-alive `agent`, the whole body read
 * and `JSON.parse`d, nothing else (no validation, no mapping, no retries).
 */
export function bareJson(
  agent: http.Agent,
  url: URL,
  method: 'GET' | 'POST',
  headers: Readonly<Record<string, string>>,
  body?: string,
): Promise<unknown> {
  const sent: http.OutgoingHttpHeaders = { ...headers };
  if (body !== undefined) {
    sent['Content-Type'] = 'application/json';
    sent['Content-Length'] = Buffer.byteLength(body);
  }
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method, agent, headers: sent }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (piece: string) => {
        text += piece;
      });
      response.once('error', reject);
      response.once('end', () => {
        try {
          resolve(JSON.parse(text));
        } catch (error) {
          reject(error);
        }
      });
    });
    request.once('error', reject);
    request.end(body);
  });
}

/** `list` started at index `by` (modulo its length) and wrapped round. */
export function rotate<T>(list: readonly T[], by: number): T[] {
  const k = by % list.length;
  return [...list.slice(k), ...list.slice(0, k)];
}

/** A contender of an interleaved latency phase, and what the phase measured of it. */
export interface Timed {
  readonly call: () => Promise<unknown>;
  /** Wall time of each awaited call, µs. */
  readonly samples: number[];
  /** This process's CPU time (user + system, µs) spent while this contender's calls ran. */
  cpuUs: number;
}

/**
 * The latency phase of a per-call comparison: `warmup` calls per contender (JIT, keep-alive
 * sockets), then `rounds` rounds of `perRound` sequential awaited calls per contender, the
 * contenders' order rotated each round so that a noisy neighbour hits all alike. Fills each
 * contender's `samples` and `cpuUs`.
 */
export async function interleavedLatency(
  contenders: readonly Timed[],
  plan: { warmup: number; rounds: number; perRound: number },
): Promise<void> {
  for (const contender of contenders) {
    for (let n = 0; n < plan.warmup; n++) await contender.call();
  }
  for (let round = 0; round < plan.rounds; round++) {
    for (const contender of rotate(contenders, round)) {
      const before = process.cpuUsage();
      for (let n = 0; n < plan.perRound; n++) {
        const began = process.hrtime.bigint();
        await contender.call();
        contender.samples.push(Number(process.hrtime.bigint() - began) / 1e3);
      }
      const spent = process.cpuUsage(before);
      contender.cpuUs += spent.user + spent.system;
    }
  }
}

/**
 * OpenTelemetry (docs/observability.md): with a tracer provider and a meter provider registered,
 * each UserService call is one CLIENT span and one measurement of `payroll_identity.call.duration`;
 * retries, ambiguous outcomes and reconciliation are span events. Nothing is recorded when no
 * provider is registered or when `@opentelemetry/api` cannot be loaded, and no attribute or event
 * ever holds a credential or a personal datum of the calls made here (scanned at the end).
 *
 * The provider is answered in process by a scripted transport; retries wait 0 ms (no real sleeps).
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import * as otelApi from '@opentelemetry/api';
import { metrics, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import {
  type DataPoint,
  type Histogram,
  MeterProvider,
  MetricReader,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, onTestFinished } from 'vitest';
import { MARKER_KEY } from '../../../providers/argyle/create-marker.js';
import type { Transport } from '../../../src/http/transport.js';
import { createPayrollIdentity, type PayrollIdentity } from '../../../src/index.js';
import { currentCall } from '../../../src/observe/call-telemetry.js';
import { type OtelApi, otelInstruments, setOtelLoaderForTests } from '../../../src/observe/otel.js';
import type { CreateUserInput } from '../../../src/user.js';
import type { UserService } from '../../../src/user-service.js';
import { ROOT, sharedBuild } from '../../packaging/pack.js';

// Compile-time: the real API has every member otel.ts declares, with compatible types.
const _compatible: OtelApi = otelApi;
void _compatible;

const ARGYLE = { apiKeyId: 'otel-key-id-7f3a9c01', apiKeySecret: 'otel-key-secret-2b8d4e02' };
const BASIC = Buffer.from(`${ARGYLE.apiKeyId}:${ARGYLE.apiKeySecret}`).toString('base64');
const TEAL_KEY = 'otel-teal-api-key-5c1e7a03';
const USER_ID = '018051aa-f7a9-a0db-2f38-6cfa325e9d69';
const OTHER_ID = '0186c5b8-8fa1-67b3-39af-14b3e18da8a7';

const person: CreateUserInput = {
  firstName: 'Sarah',
  lastName: 'Longfield',
  email: 'sarah.longfield@example.com',
  phone: '+14155550123',
  birthDate: '1990-05-17',
  nationalId: { type: 'ssn', value: '123-45-6789' },
  externalId: 'applicant-otel-8841',
};
const tealPerson: CreateUserInput = {
  firstName: 'John',
  lastName: 'Smith',
  birthDate: '1990-05-17',
  address: { postalCode: 'SW1A 2AA' },
  nationalId: { type: 'ni_number', value: 'QQ123456C' },
  externalId: 'applicant-otel-8842',
};
/** Every credential and personal datum the calls below carry, in the forms they could take. */
const NEVER = [
  ARGYLE.apiKeyId,
  ARGYLE.apiKeySecret,
  BASIC,
  TEAL_KEY,
  USER_ID,
  OTHER_ID,
  'Sarah',
  'Longfield',
  'sarah.longfield',
  'example.com',
  '4155550123',
  '1990-05-17',
  '1990',
  '123-45-6789',
  '123456789',
  'applicant-otel',
  'John',
  'Smith',
  'SW1A',
  'QQ123456C',
];

/** Argyle v2 user as its API returns one, for a posted body. */
function argyleUser(id: string, body: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id,
    created_at: new Date().toISOString(),
    items_connected: [],
    employers_connected: [],
    external_metadata: {},
    external_id: null,
    first_name: null,
    last_name: null,
    email: null,
    phone_number: null,
    ssn: null,
    address: { city: null, line1: null, line2: null, state: null, country: null, postal_code: null },
    birth_date: { year: null, month: null, day: null },
    ...body,
  };
}

interface Reply {
  status: number;
  body?: unknown;
}
type Script = (request: {
  method: string;
  url: string;
  query: Record<string, unknown>;
  body: unknown;
}) => Reply;
let script: Script = () => ({ status: 500 });
const transport: Transport = async (config) => {
  const reply = script({
    method: String(config.method).toUpperCase(),
    url: String(config.url),
    query: (config.params ?? {}) as Record<string, unknown>,
    body: config.data === undefined ? undefined : JSON.parse(String(config.data)),
  });
  return {
    status: reply.status,
    statusText: '',
    headers: { 'content-type': 'application/json', 'x-request-id': 'req-0042' },
    config,
    data: reply.body === undefined ? '' : JSON.stringify(reply.body),
  };
};

const exporter = new InMemorySpanExporter();
const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
class TestReader extends MetricReader {
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}
let reader: TestReader;
let meterProvider: MeterProvider;

function register(): void {
  reader = new TestReader();
  meterProvider = new MeterProvider({ readers: [reader] });
  trace.setGlobalTracerProvider(tracerProvider);
  metrics.setGlobalMeterProvider(meterProvider);
}
function unregister(): void {
  trace.disable();
  metrics.disable();
}

/** Every span and metric point recorded in this file, for the final scan. */
const recorded: unknown[] = [];

let identity: PayrollIdentity;
let argyle: UserService;
let teal: UserService;

beforeAll(() => {
  identity = createPayrollIdentity({
    tenants: {
      us: {
        provider: 'argyle',
        environment: 'sandbox',
        baseUrl: 'https://argyle.otel.test',
        credentials: { ...ARGYLE },
        retry: { baseDelayMs: 0, maxDelayMs: 0 },
      },
      uk: {
        provider: 'teal',
        environment: 'sandbox',
        baseUrl: 'https://teal.otel.test:8443',
        credentials: { apiKey: TEAL_KEY },
        defaults: { payrollPeriodMonths: 12 },
      },
    },
    transport,
  });
  argyle = identity.forTenant('us');
  teal = identity.forTenant('uk');
});
afterAll(async () => {
  await identity.close();
  setOtelLoaderForTests(undefined);
});

describe('with a tracer provider and a meter provider registered', () => {
  beforeEach(() => {
    exporter.reset();
    register();
  });
  afterEach(async () => {
    recorded.push(
      ...exporter.getFinishedSpans().map(plainSpan),
      // What the library writes into a point: its attributes (the numbers are the SDK's).
      ...(await points()).map((p) => p.attributes),
    );
    unregister();
  });

  async function points(): Promise<DataPoint<Histogram>[]> {
    const { resourceMetrics } = (await reader.collect()) as { resourceMetrics: ResourceMetrics };
    const metric = resourceMetrics.scopeMetrics
      .flatMap((s) => s.metrics)
      .find((m) => m.descriptor.name === 'payroll_identity.call.duration');
    return (metric?.dataPoints ?? []) as DataPoint<Histogram>[];
  }

  function onlySpan(): ReadableSpan {
    const spans = exporter.getFinishedSpans();
    expect(spans).toHaveLength(1);
    return spans[0]!;
  }

  it('a successful call: one CLIENT span with the call and HTTP attributes, and one duration', async () => {
    script = ({ method, url }) =>
      method === 'GET' && url === `/v2/users/${USER_ID}`
        ? { status: 200, body: argyleUser(USER_ID) }
        : { status: 500 };
    await argyle.getUser(USER_ID);

    const span = onlySpan();
    expect(span.name).toBe('payroll-identity getUser');
    expect(span.kind).toBe(SpanKind.CLIENT);
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
    expect(span.attributes).toEqual({
      'payroll_identity.operation': 'getUser',
      'payroll_identity.tenant': 'us',
      'payroll_identity.provider': 'argyle',
      'server.address': 'argyle.otel.test',
      'server.port': 443,
      'payroll_identity.outcome': 'ok',
      'payroll_identity.http.requests': 1,
      'http.request.method': 'GET',
      'url.template': '/v2/users/{id}',
      'http.response.status_code': 200,
      'payroll_identity.provider_request_id': 'req-0042',
    });
    expect(span.events).toEqual([]);

    const [point, ...more] = await points();
    expect(more).toEqual([]);
    expect(point?.attributes).toEqual({
      'payroll_identity.operation': 'getUser',
      'payroll_identity.tenant': 'us',
      'payroll_identity.provider': 'argyle',
      'payroll_identity.outcome': 'ok',
    });
    expect(point?.value.count).toBe(1);
    expect(point?.value.sum).toBeGreaterThan(0);
    expect(point?.value.sum).toBeLessThan(5); // seconds, not milliseconds
  });

  it('a failed call: ERROR status, error.type and the status of the answer', async () => {
    script = () => ({ status: 404, body: { detail: 'Not found.' } });
    await expect(teal.getUser(OTHER_ID)).rejects.toMatchObject({ code: 'not_found' });

    const span = onlySpan();
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: 'not_found' });
    expect(span.attributes).toMatchObject({
      'payroll_identity.provider': 'teal',
      'payroll_identity.outcome': 'error',
      'error.type': 'not_found',
      'http.request.method': 'GET',
      'url.template': '/users/{id}',
      'http.response.status_code': 404,
      'server.address': 'teal.otel.test',
      'server.port': 8443,
    });
    expect((await points())[0]?.attributes).toEqual({
      'payroll_identity.operation': 'getUser',
      'payroll_identity.tenant': 'uk',
      'payroll_identity.provider': 'teal',
      'payroll_identity.outcome': 'error',
      'error.type': 'not_found',
    });
  });

  it('a call refused before sending (invalid input) is a span too, with no request', async () => {
    await expect(argyle.getUser('../not-an-id')).rejects.toMatchObject({ code: 'invalid_input' });
    const span = onlySpan();
    expect(span.attributes).toMatchObject({
      'error.type': 'invalid_input',
      'payroll_identity.http.requests': 0,
    });
    expect(span.attributes['http.request.method']).toBeUndefined();
  });

  it('retries are span events; the span has the last attempt’s status and resend count', async () => {
    let calls = 0;
    script = () => (++calls <= 2 ? { status: 503 } : { status: 200, body: argyleUser(USER_ID) });
    await argyle.getUser(USER_ID);

    const span = onlySpan();
    expect(span.attributes).toMatchObject({
      'payroll_identity.outcome': 'ok',
      'payroll_identity.http.requests': 3,
      'payroll_identity.http.retries': 2,
      'http.request.resend_count': 2,
      'http.response.status_code': 200,
    });
    expect(span.events.map((e) => [e.name, e.attributes])).toEqual([
      [
        'payroll_identity.retry',
        {
          'payroll_identity.attempt': 1,
          'error.type': 'provider_unavailable',
          'http.response.status_code': 503,
          'payroll_identity.retry.delay_ms': 0,
        },
      ],
      [
        'payroll_identity.retry',
        {
          'payroll_identity.attempt': 2,
          'error.type': 'provider_unavailable',
          'http.response.status_code': 503,
          'payroll_identity.retry.delay_ms': 0,
        },
      ],
    ]);
  });

  it('a reconciled create: outcome reconciled, the ambiguous outcome as an event, the lookup counted apart', async () => {
    let posted: Record<string, unknown> | undefined;
    script = ({ method, url, body }) => {
      if (method === 'POST' && url === '/v2/users') {
        posted = body as Record<string, unknown>;
        return { status: 503 };
      }
      if (method === 'GET' && url === '/v2/users' && posted) {
        expect(posted.external_metadata).toHaveProperty(MARKER_KEY);
        return { status: 200, body: { next: null, results: [argyleUser(USER_ID, posted)] } };
      }
      return { status: 500 };
    };
    const created = await argyle.createUser(person);
    expect(created.user.id).toBe(USER_ID);

    const span = onlySpan();
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
    expect(span.attributes).toMatchObject({
      'payroll_identity.operation': 'createUser',
      'payroll_identity.outcome': 'reconciled',
      'http.request.method': 'POST',
      'url.template': '/v2/users',
      'http.response.status_code': 503,
      'payroll_identity.http.requests': 2,
      'payroll_identity.reconciliation.requests': 1,
    });
    expect(span.events.map((e) => [e.name, e.attributes])).toEqual([
      [
        'payroll_identity.ambiguous_outcome',
        {
          'payroll_identity.reconciliation.outcome': 'reconciled',
          'error.type': 'provider_unavailable',
          'http.response.status_code': 503,
        },
      ],
    ]);
    expect((await points())[0]?.attributes).toMatchObject({ 'payroll_identity.outcome': 'reconciled' });
  });

  it('an ambiguous create that stays unknown: outcome_unknown, with its event', async () => {
    script = () => ({ status: 502 });
    await expect(teal.createUser(tealPerson)).rejects.toMatchObject({ code: 'outcome_unknown' });
    const span = onlySpan();
    expect(span.attributes).toMatchObject({
      'error.type': 'outcome_unknown',
      'http.response.status_code': 502,
    });
    expect(span.events[0]?.attributes).toMatchObject({
      'payroll_identity.reconciliation.outcome': 'unknown',
    });
  });

  it('listUsers: one span for the whole iteration, every page counted; stopping early ends it as ok', async () => {
    script = ({ query }) =>
      query.cursor === undefined
        ? {
            status: 200,
            body: { next: 'https://argyle.otel.test/v2/users?cursor=c2', results: [argyleUser(USER_ID)] },
          }
        : { status: 200, body: { next: null, results: [argyleUser(OTHER_ID)] } };
    const ids: string[] = [];
    for await (const user of argyle.listUsers()) ids.push(user.id);
    expect(ids).toEqual([USER_ID, OTHER_ID]);
    expect(onlySpan().attributes).toMatchObject({
      'payroll_identity.operation': 'listUsers',
      'payroll_identity.outcome': 'ok',
      'payroll_identity.http.requests': 2,
      'url.template': '/v2/users',
    });

    exporter.reset();
    for await (const _user of argyle.listUsers()) break;
    expect(onlySpan().attributes).toMatchObject({ 'payroll_identity.http.requests': 1 });
    expect((await points())[0]?.value.count).toBe(2);
  });

  it('concurrent calls each get their own span', async () => {
    let calls = 0;
    script = ({ url }) =>
      url.endsWith(OTHER_ID) && ++calls === 1
        ? { status: 503 }
        : { status: 200, body: argyleUser(url.slice(url.lastIndexOf('/') + 1)) };
    await Promise.all([argyle.getUser(USER_ID), argyle.getUser(OTHER_ID), argyle.getUser(USER_ID)]);
    const spans = exporter.getFinishedSpans();
    expect(spans).toHaveLength(3);
    expect(spans.map((s) => s.attributes['payroll_identity.http.retries'] ?? 0).sort()).toEqual([0, 0, 1]);
  });
});

describe('nothing is recorded when nobody listens', () => {
  it('no provider registered: no instruments, no span, no async context, and listUsers is the adapter’s own', async () => {
    exporter.reset();
    script = () => ({ status: 200, body: argyleUser(USER_ID) });
    expect(otelInstruments()).toBeUndefined();
    await argyle.getUser(USER_ID);
    expect(exporter.getFinishedSpans()).toEqual([]);
    expect(currentCall()).toBeUndefined();
    // A listing records nothing either.
    script = () => ({ status: 200, body: { next: null, results: [] } });
    for await (const _ of argyle.listUsers()) break;
    expect(exporter.getFinishedSpans()).toEqual([]);
  });

  it('@opentelemetry/api cannot be loaded: calls work and record nothing, even with providers registered', async () => {
    register();
    try {
      setOtelLoaderForTests(() => {
        throw Object.assign(new Error("Cannot find module '@opentelemetry/api'"), {
          code: 'MODULE_NOT_FOUND',
        });
      });
      exporter.reset();
      script = () => ({ status: 200, body: argyleUser(USER_ID) });
      await argyle.getUser(USER_ID);
      expect(otelInstruments()).toBeUndefined();
      expect(exporter.getFinishedSpans()).toEqual([]);
      // The same setup with the API loadable does record: the test above can fail.
      setOtelLoaderForTests(undefined);
      await argyle.getUser(USER_ID);
      expect(exporter.getFinishedSpans()).toHaveLength(1);
    } finally {
      setOtelLoaderForTests(undefined);
      unregister();
    }
  });

  it('the built entry loads and calls without @opentelemetry/api installed (a child process that cannot resolve it)', async () => {
    // The release build of this run (test/packaging/pack.ts): what a consumer's process loads.
    const entry = pathToFileURL(join((await sharedBuild()).tree, 'dist', 'index.js')).href;
    mkdirSync(join(ROOT, '.scratch'), { recursive: true });
    const dir = mkdtempSync(join(ROOT, '.scratch', 'no-otel-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const block = join(dir, 'block-otel.cjs');
    const script = join(dir, 'no-otel.mjs');
    // Resolving the package fails as it does when it is not installed (MODULE_NOT_FOUND).
    writeFileSync(
      block,
      `const Module = require('node:module');
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  if (request === '@opentelemetry/api' || request.startsWith('@opentelemetry/api/')) {
    throw Object.assign(new Error("Cannot find module '" + request + "'"), { code: 'MODULE_NOT_FOUND' });
  }
  return resolve.call(this, request, ...rest);
};
`,
    );
    writeFileSync(
      script,
      `import { createRequire } from 'node:module';
import { createPayrollIdentity } from '${entry}';
let blocked = false;
try { createRequire(import.meta.url)('@opentelemetry/api'); } catch { blocked = true; }
const identity = createPayrollIdentity({
  tenants: { us: { provider: 'argyle', environment: 'sandbox', baseUrl: 'https://argyle.otel.test',
    credentials: { apiKeyId: 'otel-key-id-7f3a9c01', apiKeySecret: 'otel-key-secret-2b8d4e02' } } },
  transport: async (config) => ({ status: 204, statusText: '', headers: {}, config, data: '' }),
});
await identity.forTenant('us').deleteUser('${USER_ID}');
await identity.close();
const loaded = Object.keys(createRequire(import.meta.url).cache).filter((k) => k.includes('@opentelemetry'));
console.log(JSON.stringify({ blocked, loaded }));
`,
    );
    const { stdout } = await promisify(execFile)(process.execPath, ['--require', block, script], {
      cwd: ROOT,
      timeout: 30_000,
    });
    expect(JSON.parse(stdout.trim().split('\n').at(-1) ?? '')).toEqual({ blocked: true, loaded: [] });
  }, 600_000);
});

describe('no credential or personal datum in any attribute or event', () => {
  it('scans every span and metric point recorded above', () => {
    expect(recorded.length).toBeGreaterThan(10);
    const text = JSON.stringify(recorded);
    for (const value of NEVER) expect(text, `${value} in telemetry`).not.toContain(value);
  });

  it('the scan can fail: a planted value is found', () => {
    expect(JSON.stringify([{ attributes: { x: `a${person.email}` } }])).toContain(NEVER[8]!);
  });
});

/** What a span carries that a host could export. */
function plainSpan(span: ReadableSpan): unknown {
  return {
    name: span.name,
    attributes: span.attributes,
    events: span.events.map((e) => ({ name: e.name, attributes: e.attributes })),
    status: span.status,
  };
}

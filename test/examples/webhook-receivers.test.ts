/**
 * The webhook receivers of examples/webhook-receiver (Express, Fastify, plain node:http), each run on
 * a loopback port and fed real deliveries by the sandbox's simulations: Argyle's signed ones, Teal's
 * signed and encrypted ones. Each answers 200 once `parseWebhook` verified the raw body, 400 for a
 * delivery it refuses (another secret, another tenant, a tampered, unsigned or IV-less copy of a
 * real one). docs/webhooks.md shows these files as they are.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import {
  createPayrollIdentity,
  type PayrollIdentity,
  type PayrollIdentityConfig,
  type WebhookEvent,
} from 'payroll-identity';
import { type Sandbox, startSandbox } from 'payroll-identity/sandbox';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createExpressReceiver } from '../../examples/webhook-receiver/express.js';
import { createFastifyReceiver } from '../../examples/webhook-receiver/fastify.js';
import { createNodeHttpReceiver } from '../../examples/webhook-receiver/node-http.js';

type OnEvent = (event: WebhookEvent) => Promise<void>;
interface Running {
  origin: string;
  close(): Promise<void>;
}

async function listening(server: Server): Promise<Running> {
  if (!server.listening) await new Promise<void>((resolve) => server.once('listening', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Each example, started on a free loopback port. */
const RECEIVERS: Record<string, (identity: PayrollIdentity, onEvent: OnEvent) => Promise<Running>> = {
  express: (identity, onEvent) => listening(createExpressReceiver(identity, onEvent).listen(0, '127.0.0.1')),
  fastify: async (identity, onEvent) => {
    const app = createFastifyReceiver(identity, onEvent);
    const origin = await app.listen({ port: 0, host: '127.0.0.1' });
    return { origin, close: () => app.close() };
  },
  'node:http': (identity, onEvent) =>
    listening(createNodeHttpReceiver(identity, onEvent).listen(0, '127.0.0.1')),
};

/** One delivery exactly as a subscriber received it. */
interface Captured {
  body: Buffer;
  headers: IncomingHttpHeaders;
}

let sandbox: Sandbox;
let identity: PayrollIdentity;
/** The same tenants with other secrets: what another lender's provider account would sign with. */
let intruder: PayrollIdentity;
let argyleUser: string;
let tealUser: string;
/** Real deliveries kept by a subscriber of our own: Argyle's connection, and one encrypted Teal one. */
const captured: { argyle: Captured[]; teal: Captured[] } = { argyle: [], teal: [] };

function tenants(secret: string, key: string): PayrollIdentityConfig['tenants'] {
  return {
    'acme-us': { ...sandbox.argyle.tenant(), webhooks: { secret } },
    'brit-lend': {
      ...sandbox.teal.tenant(),
      defaults: { payrollPeriodMonths: 12 },
      webhooks: { secret, encryptionKey: key },
    },
  };
}

/** A subscriber of `tenant` (through `who`) at `url` for the length of `body`. */
async function subscribed<T>(who: PayrollIdentity, tenant: string, url: string, body: () => Promise<T>) {
  // Teal's subscription names are unique: one of our own per subscription.
  const name = `receiver-test-${randomBytes(6).toString('hex')}`;
  const users = who.forTenant(tenant);
  const subscription = await users.webhooks.subscribe({ url, name });
  try {
    return await body();
  } finally {
    await users.webhooks.unsubscribe(subscription.id);
  }
}

/** Every attempt's status, per delivery of a simulation. */
const statuses = (report: { results: readonly { attempts: readonly { status?: number }[] }[] }) =>
  report.results.map((r) => r.attempts.map((a) => a.status));

beforeAll(async () => {
  // One attempt per delivery: a refused delivery is not retried (nothing to wait for).
  const once = { webhooks: { attempts: 1 } };
  sandbox = await startSandbox({ emulators: { argyle: once, teal: once } });
  const secret = randomBytes(32).toString('hex');
  identity = createPayrollIdentity({ tenants: tenants(secret, randomBytes(32).toString('base64')) });
  intruder = createPayrollIdentity({
    tenants: tenants(randomBytes(32).toString('hex'), randomBytes(32).toString('base64')),
  });
  argyleUser = (
    await identity
      .forTenant('acme-us')
      .createUser({ firstName: 'Jane', lastName: 'Doe', email: 'jane@example.com' })
  ).user.id;
  tealUser = (
    await identity.forTenant('brit-lend').createUser({
      firstName: 'John',
      lastName: 'Smith',
      birthDate: '1985-11-02',
      address: { postalCode: 'SW1A 2AA' },
      nationalId: { type: 'ni_number', value: 'QQ123456C' },
    })
  ).user.id;

  // A plain subscriber that keeps what it receives, for the tampering cases.
  const capture = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const provider = request.url === '/teal' ? 'teal' : 'argyle';
      captured[provider].push({ body: Buffer.concat(chunks), headers: request.headers });
      response.writeHead(200).end();
    });
  }).listen(0, '127.0.0.1');
  const running = await listening(capture);
  try {
    await subscribed(identity, 'acme-us', `${running.origin}/argyle`, () =>
      sandbox.argyle.simulateConnection(argyleUser),
    );
    await subscribed(identity, 'brit-lend', `${running.origin}/teal`, () =>
      sandbox.teal.simulatePayrollSubmission(tealUser),
    );
  } finally {
    await running.close();
  }
  expect(captured.argyle).toHaveLength(3);
  expect(captured.teal).toHaveLength(1);
});

afterAll(async () => {
  await identity?.close();
  await intruder?.close();
  await sandbox?.close();
});

/** Sends a delivery again, as received, with its headers changed by `edit`; the receiver's status. */
async function resend(
  url: string,
  delivery: Captured,
  edit: (headers: Record<string, string>) => void = () => {},
) {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(delivery.headers)) {
    if (typeof value === 'string' && !['host', 'content-length', 'connection'].includes(name))
      headers[name] = value;
  }
  edit(headers);
  const response = await fetch(url, { method: 'POST', headers, body: delivery.body });
  await response.arrayBuffer();
  return response.status;
}

describe.each(Object.keys(RECEIVERS))('examples/webhook-receiver: %s', (framework) => {
  let running: Running;
  const events: WebhookEvent[] = [];
  const url = (tenant: string) => `${running.origin}/webhooks/${tenant}`;

  beforeAll(async () => {
    running = await (RECEIVERS[framework] as (typeof RECEIVERS)[string])(identity, async (event) => {
      events.push(event);
    });
  });
  afterAll(async () => {
    await running?.close();
  });
  beforeEach(() => {
    events.length = 0;
  });

  it('verifies real Argyle deliveries from the raw body and answers 200', async () => {
    const report = await subscribed(identity, 'acme-us', url('acme-us'), () =>
      sandbox.argyle.simulateConnection(argyleUser),
    );
    expect(statuses(report)).toEqual([[200], [200], [200]]);
    expect(events.map((e) => [e.type, e.provider, e.tenant, e.userId])).toEqual([
      ['user.account_added', 'argyle', 'acme-us', argyleUser],
      ['user.account_connected', 'argyle', 'acme-us', argyleUser],
      ['user.fully_synced', 'argyle', 'acme-us', argyleUser],
    ]);
    expect(events[1]?.accountId).toEqual(expect.any(String));
  });

  it('verifies and decrypts real encrypted Teal deliveries and answers 200', async () => {
    const report = await subscribed(identity, 'brit-lend', url('brit-lend'), () =>
      sandbox.teal.simulatePayrollSubmission(tealUser),
    );
    expect(statuses(report)).toEqual([[200]]);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'user.payroll_submitted', provider: 'teal', userId: tealUser });
    expect(events[0]?.occurredAt).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it('answers 400 to real deliveries signed (and encrypted) with another lender’s secret and key', async () => {
    const argyle = await subscribed(intruder, 'acme-us', url('acme-us'), () =>
      sandbox.argyle.simulateConnection(argyleUser),
    );
    expect(statuses(argyle)).toEqual([[400], [400], [400]]);
    const teal = await subscribed(intruder, 'brit-lend', url('brit-lend'), () =>
      sandbox.teal.simulatePayrollSubmission(tealUser),
    );
    expect(statuses(teal)).toEqual([[400]]);
    expect(events).toEqual([]);
  });

  it("answers 400 to one tenant's real deliveries sent to another tenant's route", async () => {
    const report = await subscribed(identity, 'acme-us', url('brit-lend'), () =>
      sandbox.argyle.simulateConnection(argyleUser),
    );
    expect(statuses(report)).toEqual([[400], [400], [400]]);
    expect(events).toEqual([]);
  });

  it('answers 400 to tampered, unsigned or IV-less copies of real deliveries; 200 to the copy as received', async () => {
    const [added] = captured.argyle as [Captured];
    const [submitted] = captured.teal as [Captured];
    expect(await resend(url('acme-us'), added)).toBe(200);
    expect(await resend(url('acme-us'), added)).toBe(200);
    expect(await resend(url('brit-lend'), submitted)).toBe(200);
    // A redelivery verifies again, with the same id: a receiver de-duplicates by it.
    expect(events.map((e) => e.type)).toEqual([
      'user.account_added',
      'user.account_added',
      'user.payroll_submitted',
    ]);
    expect(events[1]?.id).toBe(events[0]?.id);

    const tampered = {
      ...added,
      body: Buffer.from(added.body.toString('utf8').replace('accounts.', 'accounts.x')),
    };
    expect(await resend(url('acme-us'), tampered)).toBe(400);
    expect(await resend(url('acme-us'), added, (h) => delete h['x-argyle-signature'])).toBe(400);
    expect(await resend(url('brit-lend'), submitted, (h) => delete h['x-teal-encryption-iv'])).toBe(400);
    const flipped = Buffer.from(submitted.body);
    flipped[5] = flipped[5] === 0x41 ? 0x42 : 0x41;
    expect(await resend(url('brit-lend'), { ...submitted, body: flipped })).toBe(400);
    expect(events).toHaveLength(3);
  });

  it('answers 404 for a tenant that is not configured', async () => {
    const [added] = captured.argyle as [Captured];
    expect(await resend(url('nobody'), added)).toBe(404);
  });
});

describe('docs/webhooks.md shows the receivers as they are', () => {
  const docs = readFileSync(fileURLToPath(new URL('../../docs/webhooks.md', import.meta.url)), 'utf8');

  /** The first ```ts block after `heading` in the docs. */
  function blockAfter(heading: string): string {
    const at = docs.indexOf(`\n${heading}\n`);
    expect(at, heading).toBeGreaterThan(0);
    const open = docs.indexOf('```ts', at);
    const start = docs.indexOf('\n', open) + 1;
    return docs.slice(start, docs.indexOf('\n```', start));
  }

  /** The example's code without its opening comment. */
  function exampleCode(file: string): string {
    const text = readFileSync(
      fileURLToPath(new URL(`../../examples/webhook-receiver/${file}`, import.meta.url)),
      'utf8',
    );
    return text.slice(text.indexOf('*/\n') + 3).trim();
  }

  it.each([
    ['### Express', 'express.ts'],
    ['### Fastify', 'fastify.ts'],
    ['### `node:http`', 'node-http.ts'],
  ])('%s is %s', (heading, file) => {
    expect(blockAfter(heading).trim()).toBe(exampleCode(file));
  });
});

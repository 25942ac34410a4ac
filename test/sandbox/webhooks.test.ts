/**
 * The emulators' webhooks, checked from the outside: subscriptions over raw HTTP, deliveries received
 * by a plain `node:http` server on 127.0.0.1, signatures recomputed and Teal's encrypted bodies
 * decrypted here with `node:crypto` alone (no library webhook code: this is the independent check),
 * retries, unsubscribing, reset, the admin route, and loopback-only delivery.
 */
import { createDecipheriv, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { emulator as argyleEmulator } from '../../providers/argyle/sandbox/index.js';
import { emulator as tealEmulator } from '../../providers/teal/sandbox/index.js';
import { deliverWebhook, type Sandbox, startEmulator, startSandbox } from '../../src/sandbox/index.js';
import { loadDocument } from '../openapi/validate.js';
import { basic, type RawRequest, raw } from './raw-http.js';

// ---------------------------------------------------------------------------------------------------
// A subscriber: records every delivery (raw bytes and headers) and answers from a script.

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

class Receiver {
  readonly received: Received[] = [];
  /** Statuses for the next deliveries, in order; then `fallback`. */
  answers: number[] = [];
  fallback = 200;
  /** Never answer (the delivery times out). */
  hold = false;
  private readonly held: (() => void)[] = [];

  private constructor(private readonly server: Server) {}

  static async start(): Promise<Receiver> {
    const server = createServer();
    const receiver = new Receiver(server);
    server.on('request', (request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        receiver.received.push({
          path: request.url ?? '',
          headers: request.headers,
          body: Buffer.concat(chunks),
        });
        if (receiver.hold) {
          receiver.held.push(() => response.destroy());
          return;
        }
        response.writeHead(receiver.answers.shift() ?? receiver.fallback, { 'content-type': 'text/plain' });
        response.end('ok');
      });
    });
    await new Promise<void>((resolve) => server.listen({ host: '127.0.0.1', port: 0 }, resolve));
    return receiver;
  }

  url(path: string): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}${path}`;
  }

  at(path: string): Received[] {
    return this.received.filter((r) => r.path === path);
  }

  clear(): void {
    this.received.length = 0;
    this.answers = [];
    this.fallback = 200;
    this.hold = false;
    for (const release of this.held.splice(0)) release();
  }

  async close(): Promise<void> {
    this.clear();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

// ---------------------------------------------------------------------------------------------------
// Independent checks: HMAC-SHA512 hex and AES-256-GCM, straight from node:crypto.

const HEX_512 = /^[0-9a-f]{128}$/;

function signedBy(header: string | string[] | undefined, secret: string, body: Buffer): boolean {
  if (typeof header !== 'string' || !HEX_512.test(header)) return false;
  const expected = createHmac('sha512', secret).update(body).digest();
  const given = Buffer.from(header, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function decrypt(body: Buffer, keyBase64: string, ivBase64: string): string {
  const sealed = Buffer.from(body.toString('utf8'), 'base64');
  const decipher = createDecipheriv(
    'aes-256-gcm',
    Buffer.from(keyBase64, 'base64'),
    Buffer.from(ivBase64, 'base64'),
  );
  decipher.setAuthTag(sealed.subarray(sealed.length - 16));
  return Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - 16)), decipher.final()]).toString(
    'utf8',
  );
}

/** A copy of `bytes` with one bit of byte `at` flipped. */
function flipped(bytes: Buffer, at: number): Buffer {
  const copy = Buffer.from(bytes);
  copy.writeUInt8(copy.readUInt8(at) ^ 1, at);
  return copy;
}

const json = (received: Received | undefined): Record<string, unknown> =>
  JSON.parse(received?.body.toString('utf8') ?? 'null') as Record<string, unknown>;

// ---------------------------------------------------------------------------------------------------

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const ATTEMPTS = 3;

let sandbox: Sandbox;
let receiver: Receiver;

beforeAll(async () => {
  // Short backoff: a retried delivery costs milliseconds, not the default 50/200.
  const webhooks = { attempts: ATTEMPTS, backoffMs: [1, 2], timeoutMs: 2_000 };
  sandbox = await startSandbox({ emulators: { argyle: { webhooks }, teal: { webhooks } } });
  receiver = await Receiver.start();
});
afterEach(() => {
  sandbox.argyle.reset();
  sandbox.teal.reset();
  receiver.clear();
});
afterAll(async () => {
  await receiver?.close();
  await sandbox?.close();
});

const argyle = (path: string, request: RawRequest = {}) =>
  raw(`${sandbox.argyle.baseUrl}${path}`, {
    ...request,
    headers: {
      authorization: basic(sandbox.argyle.credentials.apiKeyId, sandbox.argyle.credentials.apiKeySecret),
      ...request.headers,
    },
  });

const teal = (path: string, request: RawRequest = {}) =>
  raw(`${sandbox.teal.baseUrl}${path}`, {
    ...request,
    headers: { 'x-api-key': sandbox.teal.credentials.apiKey, ...request.headers },
  });

async function argyleUser(): Promise<string> {
  const res = await argyle('/v2/users', { method: 'POST', json: {} });
  expect(res.status).toBe(200);
  return (res.body as { id: string }).id;
}

let people = 0;
async function tealUser(): Promise<string> {
  people += 1;
  const res = await teal('/users', {
    method: 'POST',
    json: {
      forename: `Webhook${people}`,
      surname: 'Example',
      date_of_birth: '1985-11-02T00:00:00.000Z',
      post_codes: ['SW1A 2AA'],
      payroll_period_months: 12,
    },
  });
  expect(res.status).toBe(201);
  return (res.body as { user_id: string }).user_id;
}

async function argyleSubscribe(body: Record<string, unknown>): Promise<Record<string, unknown>> {
  const res = await argyle('/v2/webhooks', { method: 'POST', json: body });
  expect(res.status, res.text).toBe(201);
  return res.body as Record<string, unknown>;
}

async function tealSubscribe(body: Record<string, unknown>): Promise<Record<string, unknown>> {
  const res = await teal('/webhooks', { method: 'POST', json: body });
  expect(res.status, res.text).toBe(201);
  return res.body as Record<string, unknown>;
}

const ALL_ARGYLE = ['accounts.added', 'accounts.connected', 'accounts.failed', 'users.fully_synced'];

describe('Argyle emulator: webhook subscriptions (/v2/webhooks)', () => {
  it('creates, lists, reads and deletes a subscription; the secret is never echoed', async () => {
    const secret = `whsec-${randomBytes(12).toString('hex')}`;
    const created = await argyleSubscribe({
      events: ['accounts.connected', 'users.fully_synced'],
      name: 'lender',
      url: receiver.url('/argyle'),
      secret,
      config: { include_resource: false },
    });
    expect(created).toEqual({
      id: expect.stringMatching(UUID),
      events: ['accounts.connected', 'users.fully_synced'],
      name: 'lender',
      url: receiver.url('/argyle'),
      config: { include_resource: false },
      created_at: expect.stringMatching(ISO),
    });

    const list = await argyle('/v2/webhooks');
    expect(list.status).toBe(200);
    expect(list.body).toEqual({ next: null, previous: null, results: [created] });
    const one = await argyle(`/v2/webhooks/${created.id}`);
    expect(one.body).toEqual(created);
    for (const text of [list.text, one.text]) expect(text).not.toContain(secret);
    expect(sandbox.argyle.subscriptionCount()).toBe(1);

    expect((await argyle(`/v2/webhooks/${created.id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await argyle(`/v2/webhooks/${created.id}`)).status).toBe(404);
    const again = await argyle(`/v2/webhooks/${created.id}`, { method: 'DELETE' });
    expect(again.status).toBe(404);
    expect(again.body).toEqual({ detail: 'Not found.' });
    expect(sandbox.argyle.subscriptionCount()).toBe(0);
  });

  it('pages the listing like the users (limit, cursor)', async () => {
    for (const name of ['one', 'two', 'three']) {
      await argyleSubscribe({ events: ['accounts.added'], name, url: receiver.url('/p') });
    }
    const first = await argyle('/v2/webhooks?limit=2');
    const page = first.body as { next: string; results: { name: string }[] };
    expect(page.results.map((w) => w.name)).toEqual(['one', 'two']);
    const second = await argyle(page.next.slice(sandbox.argyle.baseUrl.length));
    expect((second.body as { results: { name: string }[] }).results.map((w) => w.name)).toEqual(['three']);
  });

  it('serves the legacy /v1/webhooks too: one account, one set of subscriptions', async () => {
    const res = await argyle('/v1/webhooks', {
      method: 'POST',
      json: { events: ['*'], name: 'legacy', url: receiver.url('/v1'), secret: 'legacy-secret' },
    });
    expect(res.status).toBe(201);
    const created = res.body as { id: string; events: string[] };
    expect(created.events).toEqual(['*']);
    expect(((await argyle('/v2/webhooks')).body as { results: unknown[] }).results).toEqual([created]);
    expect((await argyle(`/v1/webhooks/${created.id}`)).body).toEqual(created);
    expect((await argyle(`/v1/webhooks/${created.id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await argyle(`/v2/webhooks/${created.id}`)).status).toBe(404);
  });

  it('refuses invalid bodies with a field map', async () => {
    const missing = await argyle('/v2/webhooks', { method: 'POST', json: {} });
    expect(missing.status).toBe(400);
    expect(missing.body).toEqual({
      events: ['This field is required.'],
      name: ['This field is required.'],
      url: ['This field is required.'],
    });
    const base = { events: ['accounts.added'], name: 'n', url: receiver.url('/x') };
    for (const url of ['ftp://127.0.0.1/hook', 'not a url', 'javascript:alert(1)', 'http://']) {
      const res = await argyle('/v2/webhooks', { method: 'POST', json: { ...base, url } });
      expect(res.status, url).toBe(400);
      expect(res.body).toEqual({ url: ['Enter a valid URL.'] });
    }
    const unknown = await argyle('/v2/webhooks', {
      method: 'POST',
      json: { ...base, events: ['accounts.connected', 'accounts.exploded'] },
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body).toEqual({ events: { '1': [expect.stringMatching(/^Not a valid choice\./)] } });
    expect(unknown.text).not.toContain('exploded');
    const empty = await argyle('/v2/webhooks', { method: 'POST', json: { ...base, events: [] } });
    expect(empty.body).toEqual({ events: ['This list may not be empty.'] });
    const blank = await argyle('/v2/webhooks', { method: 'POST', json: { ...base, secret: '' } });
    expect(blank.body).toEqual({ secret: ['This field may not be blank.'] });
    expect(sandbox.argyle.subscriptionCount()).toBe(0);
  });

  it("an unknown field (Teal's signing_secret) is dropped, so the subscription has no secret; unknownFields: reject refuses it", async () => {
    const base = { events: ['accounts.added'], name: 'n', url: receiver.url('/x') };
    const dropped = await argyle('/v2/webhooks', { method: 'POST', json: { ...base, signing_secret: 's' } });
    expect(dropped.status).toBe(201);
    expect(dropped.body).not.toHaveProperty('signing_secret');
    const strict = await startEmulator(argyleEmulator, { options: { unknownFields: 'reject' } });
    try {
      const { apiKeyId, apiKeySecret } = strict.credentials;
      const refused = await raw(`${strict.baseUrl}/v2/webhooks`, {
        method: 'POST',
        json: { ...base, signing_secret: 's' },
        headers: { authorization: basic(apiKeyId, apiKeySecret) },
      });
      expect(refused.status).toBe(400);
      expect(refused.body).toEqual({ signing_secret: ['Unknown field.'] });
      expect(strict.subscriptionCount()).toBe(0);
    } finally {
      await strict.close();
    }
  });

  it('requires the API key on every webhook route and on the admin route', async () => {
    const id = '7b1c4a53-2d7e-4f0e-9a55-0c4f5d1e2b3a';
    for (const [method, path] of [
      ['POST', '/v2/webhooks'],
      ['GET', '/v2/webhooks'],
      ['GET', `/v2/webhooks/${id}`],
      ['DELETE', `/v2/webhooks/${id}`],
      ['POST', '/_sandbox/simulate'],
    ] as const) {
      const res = await raw(`${sandbox.argyle.baseUrl}${path}`, {
        method,
        headers: { authorization: basic('sandbox-key-id-wrong', 'nope') },
      });
      expect(res.status, `${method} ${path}`).toBe(401);
      expect(res.body).toEqual({ detail: 'Invalid username/password.' });
    }
  });
});

describe('Argyle emulator: simulated connection', () => {
  it('sends accounts.added, accounts.connected, users.fully_synced, signed, to whoever asked', async () => {
    const secret = `whsec-${randomBytes(12).toString('hex')}`;
    const all = await argyleSubscribe({ events: ALL_ARGYLE, name: 'all', url: receiver.url('/all'), secret });
    const synced = await argyleSubscribe({
      events: ['users.fully_synced'],
      name: 'synced-only',
      url: receiver.url('/synced'),
    });
    const user = await argyleUser();

    const report = await sandbox.argyle.simulateConnection(user);

    expect(report).toMatchObject({
      simulation: 'connection',
      userId: user,
      deliveries: 4,
      delivered: 4,
      failed: 0,
    });
    expect(report.results.map((r) => [r.subscription, r.event, r.delivered])).toEqual([
      [all.id, 'accounts.added', true],
      [all.id, 'accounts.connected', true],
      [all.id, 'users.fully_synced', true],
      [synced.id, 'users.fully_synced', true],
    ]);

    const toAll = receiver.at('/all');
    expect(toAll.map((r) => json(r).event)).toEqual([
      'accounts.added',
      'accounts.connected',
      'users.fully_synced',
    ]);
    const account = (json(toAll[0]).data as { account: string }).account;
    expect(account).toMatch(UUID);
    expect(json(toAll[0])).toEqual({ event: 'accounts.added', name: 'all', data: { account, user } });
    expect(json(toAll[1])).toEqual({ event: 'accounts.connected', name: 'all', data: { account, user } });
    expect(json(toAll[2])).toEqual({ event: 'users.fully_synced', name: 'all', data: { user } });
    for (const delivery of toAll) {
      expect(delivery.headers['content-type']).toBe('application/json');
      expect(signedBy(delivery.headers['x-argyle-signature'], secret, delivery.body)).toBe(true);
      // The check can fail: another secret, or one byte changed, does not verify.
      expect(signedBy(delivery.headers['x-argyle-signature'], `${secret}x`, delivery.body)).toBe(false);
      const tampered = flipped(delivery.body, delivery.body.length - 2);
      expect(signedBy(delivery.headers['x-argyle-signature'], secret, tampered)).toBe(false);
    }
    // Without a secret, deliveries are unsigned.
    const toSynced = receiver.at('/synced');
    expect(toSynced).toHaveLength(1);
    expect(json(toSynced[0])).toEqual({ event: 'users.fully_synced', name: 'synced-only', data: { user } });
    expect(toSynced[0]?.headers['x-argyle-signature']).toBeUndefined();

    expect(sandbox.argyle.deliveries()).toHaveLength(4);
    expect(sandbox.argyle.deliveries().every((d) => d.attempt === 1 && d.status === 200 && d.ok)).toBe(true);
  });

  it('a subscription to "*" gets every event', async () => {
    await argyleSubscribe({ events: ['*'], name: 'every', url: receiver.url('/every') });
    const user = await argyleUser();
    await sandbox.argyle.simulateConnection(user);
    await sandbox.argyle.simulate('accounts.failed', user);
    expect(receiver.at('/every').map((r) => json(r).event)).toEqual([
      'accounts.added',
      'accounts.connected',
      'users.fully_synced',
      'accounts.failed',
    ]);
  });

  it('simulates one event alone (accounts.failed), to its subscribers only', async () => {
    await argyleSubscribe({ events: ['accounts.failed'], name: 'failures', url: receiver.url('/failed') });
    await argyleSubscribe({ events: ['accounts.connected'], name: 'connections', url: receiver.url('/ok') });
    const user = await argyleUser();
    expect(sandbox.argyle.simulations).toEqual(['connection', ...ALL_ARGYLE]);
    const report = await sandbox.argyle.simulate('accounts.failed', user);
    expect(report.deliveries).toBe(1);
    expect(receiver.at('/ok')).toEqual([]);
    expect(json(receiver.at('/failed')[0])).toMatchObject({ event: 'accounts.failed', data: { user } });
  });

  it('rejects an unknown user or simulation and sends nothing', async () => {
    await argyleSubscribe({ events: ALL_ARGYLE, name: 'all', url: receiver.url('/all') });
    await expect(sandbox.argyle.simulateConnection('7b1c4a53-2d7e-4f0e-9a55-0c4f5d1e2b3a')).rejects.toThrow(
      /no such user/,
    );
    await expect(sandbox.argyle.simulateConnection('not-a-uuid')).rejects.toThrow(/no such user/);
    const user = await argyleUser();
    await expect(sandbox.argyle.simulate('accounts.exploded', user)).rejects.toThrow(/no such simulation/);
    expect(receiver.received).toEqual([]);
    expect(sandbox.argyle.deliveries()).toEqual([]);
  });

  it('answers no subscriber with an empty report', async () => {
    const report = await sandbox.argyle.simulateConnection(await argyleUser());
    expect(report).toEqual({
      simulation: 'connection',
      userId: expect.any(String),
      deliveries: 0,
      delivered: 0,
      failed: 0,
      results: [],
    });
  });
});

describe('Teal emulator: webhook subscriptions (/webhooks)', () => {
  let document: ReturnType<typeof loadDocument> | undefined;
  /** Teal's published OpenAPI document (loaded once: compiling its schemas takes a moment). */
  const tealDoc = () => {
    document ??= loadDocument('teal-openapi.yml');
    return document;
  };
  const KEY = randomBytes(32).toString('base64');
  /** A public-looking URL: the document's `format: url` (ajv-formats) refuses loopback addresses. */
  const PUBLIC_URL = 'https://webhooks.example.com/payroll';

  it('creates (201 CreatedWebhook), lists, reads and deletes; secret and key never echoed', async () => {
    const secret = `whsec-${randomBytes(12).toString('hex')}`;
    const created = await tealSubscribe({
      name: 'lender',
      events: ['user-payroll-submitted'],
      url: PUBLIC_URL,
      signing_secret: secret,
      encryption_key: KEY,
      config: { include_payload: false },
    });
    expect(created).toEqual({
      webhook_id: expect.stringMatching(UUID),
      name: 'lender',
      events: ['user-payroll-submitted'],
      url: PUBLIC_URL,
      created_at: expect.stringMatching(ISO),
    });
    const doc = tealDoc();
    expect(doc.responseBody('/webhooks', 'POST', 201, created).errors).toEqual([]);

    const list = await teal('/webhooks');
    expect(list.status).toBe(200);
    expect(list.body).toEqual({
      pagination: { offset: 0, limit: 20, count: 1, total_count: 1 },
      webhooks: [created],
    });
    // The document's Pagination says offset minimum 1 but defaults it to 0 (as for GET /users).
    expect(
      doc
        .responseBody('/webhooks', 'GET', 200, list.body)
        .errors.filter((e) => !/^\/pagination\/offset minimum/.test(e)),
    ).toEqual([]);
    const one = await teal(`/webhooks/${created.webhook_id}`);
    expect(one.body).toEqual(created);
    expect(doc.responseBody('/webhooks/{webhook_id}', 'GET', 200, one.body).errors).toEqual([]);
    for (const text of [list.text, one.text]) {
      expect(text).not.toContain(secret);
      expect(text).not.toContain(KEY);
    }

    const deleted = await teal(`/webhooks/${created.webhook_id}`, { method: 'DELETE' });
    expect(deleted.status).toBe(204);
    expect(deleted.text).toBe('');
    expect((await teal(`/webhooks/${created.webhook_id}`)).status).toBe(404);
    const again = await teal(`/webhooks/${created.webhook_id}`, { method: 'DELETE' });
    expect(again.status).toBe(404);
    expect(again.body).toEqual({ errors: [`The resource with id [${created.webhook_id}] does not exist`] });
  });

  it('refuses invalid bodies with Teal errors', async () => {
    const missing = await teal('/webhooks', { method: 'POST', json: {} });
    expect(missing.status).toBe(400);
    expect(missing.body).toEqual({
      errors: expect.arrayContaining([
        'The request is missing the required field `name`',
        'The request is missing the required field `events`',
        'The request is missing the required field `url`',
      ]),
    });
    const base = { name: 'n', events: ['user-payroll-submitted'], url: receiver.url('/x') };
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ url: 'ftp://127.0.0.1/x' }, /`url` must be an http or https URL/],
      [{ events: ['user-payroll-submitted', 'user-exploded'] }, /`events` may hold only/],
      [{ events: [] }, /`events` must hold at least one event/],
      [{ encryption_key: randomBytes(16).toString('base64') }, /`encryption_key` must be .*32-byte key/],
      [{ encryption_key: 'not base64 at all' }, /`encryption_key` must be/],
      [{ signing_secret: '' }, /`signing_secret` must not be empty/],
      [{ config: { include_payload: 'yes' } }, /`config.include_payload` must be a boolean/],
    ];
    for (const [change, message] of cases) {
      const res = await teal('/webhooks', { method: 'POST', json: { ...base, ...change } });
      expect(res.status, JSON.stringify(change)).toBe(400);
      expect((res.body as { errors: string[] }).errors.join(' | ')).toMatch(message);
      expect(tealDoc().responseBody('/webhooks', 'POST', 400, res.body).errors).toEqual([]);
    }
    expect(sandbox.teal.subscriptionCount()).toBe(0);
  });

  it("an unknown field (Argyle's secret) is dropped, so the subscription is unsigned; unknownFields: reject refuses it", async () => {
    const base = { name: 'n', events: ['user-payroll-submitted'], url: receiver.url('/x') };
    const dropped = await teal('/webhooks', { method: 'POST', json: { ...base, secret: 'argyle-style' } });
    expect(dropped.status).toBe(201);
    const strict = await startEmulator(tealEmulator, { options: { unknownFields: 'reject' } });
    try {
      const refused = await raw(`${strict.baseUrl}/webhooks`, {
        method: 'POST',
        json: { ...base, secret: 'argyle-style', config: { include_payload: true, format: 'x' } },
        headers: { 'x-api-key': strict.credentials.apiKey },
      });
      expect(refused.status).toBe(400);
      expect(refused.body).toEqual({
        errors: ['The field `config.format` is not allowed', 'The field `secret` is not allowed'],
      });
      expect(strict.subscriptionCount()).toBe(0);
    } finally {
      await strict.close();
    }
  });

  it('keeps webhook names unique, as the schema documents', async () => {
    const body = { name: 'same', events: ['user-payroll-submitted'], url: receiver.url('/x') };
    await tealSubscribe(body);
    const again = await teal('/webhooks', { method: 'POST', json: body });
    expect(again.status).toBe(400);
    expect(again.body).toEqual({ errors: [expect.stringMatching(/`name` must be unique/)] });
  });

  it('requires the API key (or the member token) on every webhook route and on the admin route', async () => {
    const id = '7b1c4a53-2d7e-4f0e-9a55-0c4f5d1e2b3a';
    for (const [method, path] of [
      ['POST', '/webhooks'],
      ['GET', '/webhooks'],
      ['GET', `/webhooks/${id}`],
      ['DELETE', `/webhooks/${id}`],
      ['POST', '/_sandbox/simulate'],
    ] as const) {
      const res = await raw(`${sandbox.teal.baseUrl}${path}`, { method, headers: { 'x-api-key': 'wrong' } });
      expect(res.status, `${method} ${path}`).toBe(401);
      expect(res.body).toEqual({ errors: 'No X-API-KEY header provided or wrong value' });
    }
    const bearer = sandbox.teal.alternativeCredentials[0]?.bearerToken ?? '';
    const byMember = await raw(`${sandbox.teal.baseUrl}/webhooks`, {
      headers: { authorization: `Bearer ${bearer}` },
    });
    expect(byMember.status).toBe(200);
  });
});

describe('Teal emulator: simulated payroll submission', () => {
  it('sends user-payroll-submitted: signed JSON, and encrypted-then-signed with a key', async () => {
    const secret = `whsec-${randomBytes(12).toString('hex')}`;
    const key = randomBytes(32).toString('base64');
    await tealSubscribe({
      name: 'plain',
      events: ['user-payroll-submitted'],
      url: receiver.url('/plain'),
      signing_secret: secret,
    });
    await tealSubscribe({
      name: 'sealed',
      events: ['user-payroll-submitted'],
      url: receiver.url('/sealed'),
      signing_secret: secret,
      encryption_key: key,
    });
    await tealSubscribe({ name: 'other', events: ['user-hmrc-data-submitted'], url: receiver.url('/other') });
    const user = await tealUser();

    const report = await sandbox.teal.simulatePayrollSubmission(user);
    expect(report).toMatchObject({
      simulation: 'user-payroll-submitted',
      userId: user,
      deliveries: 2,
      delivered: 2,
      failed: 0,
    });
    expect(receiver.at('/other')).toEqual([]);

    const [plain] = receiver.at('/plain');
    expect(plain?.headers['content-type']).toBe('application/json');
    expect(signedBy(plain?.headers['x-teal-signature'], secret, plain?.body ?? Buffer.alloc(0))).toBe(true);
    const event = json(plain);
    expect(event).toEqual({
      event: 'user-payroll-submitted',
      user_id: user,
      timestamp: expect.stringMatching(ISO),
    });
    expect(Object.keys(event)).toEqual(['event', 'user_id', 'timestamp']);

    const [sealed] = receiver.at('/sealed');
    if (!sealed) throw new Error('no encrypted delivery');
    const iv = sealed.headers['x-teal-encryption-iv'];
    expect(typeof iv).toBe('string');
    expect(Buffer.from(String(iv), 'base64')).toHaveLength(12);
    const text = sealed.body.toString('utf8');
    expect(text).toMatch(/^[A-Za-z0-9+/]+={0,2}$/);
    // The body is base64 of the ciphertext and the 16-byte tag: the JSON's length plus 16.
    expect(Buffer.from(text, 'base64')).toHaveLength((plain?.body.length ?? 0) + 16);
    expect(text).not.toContain(user);
    // The signature covers the encrypted body, as received.
    expect(signedBy(sealed.headers['x-teal-signature'], secret, sealed.body)).toBe(true);
    expect(JSON.parse(decrypt(sealed.body, key, String(iv)))).toEqual(event);
    // The check can fail: a changed byte of ciphertext, or another key, does not decrypt.
    const tampered = flipped(Buffer.from(text, 'base64'), 0);
    expect(() => decrypt(Buffer.from(tampered.toString('base64')), key, String(iv))).toThrow();
    expect(() => decrypt(sealed.body, randomBytes(32).toString('base64'), String(iv))).toThrow();
  });

  it('leaves a delivery unsigned without a signing secret, and still encrypts with a key', async () => {
    const key = randomBytes(32).toString('base64');
    await tealSubscribe({
      name: 'k',
      events: ['user-payroll-submitted'],
      url: receiver.url('/k'),
      encryption_key: key,
    });
    const user = await tealUser();
    await sandbox.teal.simulatePayrollSubmission(user);
    const [delivery] = receiver.at('/k');
    if (!delivery) throw new Error('no delivery');
    expect(delivery.headers['x-teal-signature']).toBeUndefined();
    const plain = decrypt(delivery.body, key, String(delivery.headers['x-teal-encryption-iv']));
    expect(JSON.parse(plain)).toMatchObject({ event: 'user-payroll-submitted', user_id: user });
  });

  it('rejects an unknown user, sending nothing', async () => {
    await tealSubscribe({ name: 'n', events: ['user-payroll-submitted'], url: receiver.url('/n') });
    await expect(
      sandbox.teal.simulatePayrollSubmission('7b1c4a53-2d7e-4f0e-9a55-0c4f5d1e2b3a'),
    ).rejects.toThrow(/no such user/);
    expect(sandbox.teal.simulations).toEqual(['user-payroll-submitted']);
    await expect(sandbox.teal.simulate('user-hmrc-data-submitted', await tealUser())).rejects.toThrow(
      /no such simulation/,
    );
    expect(receiver.received).toEqual([]);
  });
});

describe('retries', () => {
  it('a subscriber answering 500 then 200 gets the same delivery twice; the second is accepted', async () => {
    const secret = 'retry-secret';
    const sub = await argyleSubscribe({
      events: ['accounts.failed'],
      name: 'r',
      url: receiver.url('/r'),
      secret,
    });
    const user = await argyleUser();
    receiver.answers = [500];
    const report = await sandbox.argyle.simulate('accounts.failed', user);
    expect(report).toMatchObject({ deliveries: 1, delivered: 1, failed: 0 });
    expect(report.results[0]?.attempts).toEqual([
      { attempt: 1, status: 500, ok: false },
      { attempt: 2, status: 200, ok: true },
    ]);
    const [first, second] = receiver.at('/r');
    expect(second?.body.equals(first?.body ?? Buffer.alloc(0))).toBe(true);
    expect(second?.headers['x-argyle-signature']).toBe(first?.headers['x-argyle-signature']);
    expect(signedBy(second?.headers['x-argyle-signature'], secret, second?.body ?? Buffer.alloc(0))).toBe(
      true,
    );
    expect(sandbox.argyle.deliveries()).toEqual([
      {
        sequence: 1,
        subscription: sub.id,
        event: 'accounts.failed',
        url: receiver.url('/r'),
        attempt: 1,
        status: 500,
        ok: false,
      },
      {
        sequence: 2,
        subscription: sub.id,
        event: 'accounts.failed',
        url: receiver.url('/r'),
        attempt: 2,
        status: 200,
        ok: true,
      },
    ]);
  });

  it('a subscriber that always fails gets every attempt, then the simulation reports a failure', async () => {
    await tealSubscribe({ name: 'down', events: ['user-payroll-submitted'], url: receiver.url('/down') });
    await tealSubscribe({ name: 'up', events: ['user-payroll-submitted'], url: receiver.url('/up') });
    const user = await tealUser();
    receiver.fallback = 503;
    receiver.answers = [200]; // whoever comes first is accepted; the rest fail
    const report = await sandbox.teal.simulatePayrollSubmission(user);
    expect(report).toMatchObject({ deliveries: 2, delivered: 1, failed: 1 });
    const failed = report.results.find((r) => !r.delivered);
    expect(failed?.attempts.map((a) => a.status)).toEqual(Array(ATTEMPTS).fill(503));
    expect(receiver.received).toHaveLength(1 + ATTEMPTS);
  });

  it('a refused connection is retried, then given up', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen({ host: '127.0.0.1', port: 0 }, resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    await argyleSubscribe({ events: ['accounts.added'], name: 'gone', url: `http://127.0.0.1:${port}/gone` });
    const report = await sandbox.argyle.simulate('accounts.added', await argyleUser());
    expect(report).toMatchObject({ deliveries: 1, delivered: 0, failed: 1 });
    expect(report.results[0]?.attempts).toEqual(
      Array.from({ length: ATTEMPTS }, (_, i) => ({ attempt: i + 1, error: 'connection', ok: false })),
    );
  });

  it('a subscriber that never answers times out, and the emulator keeps answering meanwhile', async () => {
    const quick = await startEmulator(argyleEmulator, {
      webhooks: { attempts: 2, backoffMs: [1], timeoutMs: 100 },
    });
    try {
      const auth = { authorization: basic(quick.credentials.apiKeyId, quick.credentials.apiKeySecret) };
      const created = await raw(`${quick.baseUrl}/v2/users`, { method: 'POST', headers: auth, json: {} });
      const user = (created.body as { id: string }).id;
      await raw(`${quick.baseUrl}/v2/webhooks`, {
        method: 'POST',
        headers: auth,
        json: { events: ['accounts.added'], name: 'slow', url: receiver.url('/slow') },
      });
      receiver.hold = true;
      let settled = false;
      const simulation = quick.simulate('accounts.added', user).finally(() => {
        settled = true;
      });
      // Deliveries never hold up the emulator's own answers.
      const listing = await raw(`${quick.baseUrl}/v2/users`, { headers: auth });
      expect(listing.status).toBe(200);
      expect(settled).toBe(false);
      const report = await simulation;
      expect(report.results[0]?.attempts).toEqual([
        { attempt: 1, error: 'timeout', ok: false },
        { attempt: 2, error: 'timeout', ok: false },
      ]);
    } finally {
      await quick.close();
    }
  });

  it('reset abandons deliveries under way and forgets the delivery log', async () => {
    await argyleSubscribe({ events: ['accounts.added'], name: 'held', url: receiver.url('/held') });
    const user = await argyleUser();
    receiver.hold = true;
    const simulation = sandbox.argyle.simulate('accounts.added', user);
    await waitUntil(() => receiver.at('/held').length === 1);
    sandbox.argyle.reset();
    const report = await simulation;
    expect(report).toMatchObject({ deliveries: 1, delivered: 0, failed: 1 });
    expect(report.results[0]?.attempts).toEqual([{ attempt: 1, error: 'aborted', ok: false }]);
    expect(sandbox.argyle.deliveries()).toEqual([]);
  });
});

describe('unsubscribing and reset', () => {
  it('a deleted subscription gets nothing more', async () => {
    const a = await argyleSubscribe({ events: ALL_ARGYLE, name: 'a', url: receiver.url('/a') });
    const t = await tealSubscribe({ name: 't', events: ['user-payroll-submitted'], url: receiver.url('/t') });
    expect((await argyle(`/v2/webhooks/${a.id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await teal(`/webhooks/${t.webhook_id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await sandbox.argyle.simulateConnection(await argyleUser())).deliveries).toBe(0);
    expect((await sandbox.teal.simulatePayrollSubmission(await tealUser())).deliveries).toBe(0);
    expect(receiver.received).toEqual([]);
  });

  it('reset forgets every subscription', async () => {
    await argyleSubscribe({ events: ALL_ARGYLE, name: 'a', url: receiver.url('/a') });
    await tealSubscribe({ name: 't', events: ['user-payroll-submitted'], url: receiver.url('/t') });
    sandbox.argyle.reset();
    sandbox.teal.reset();
    expect(sandbox.argyle.subscriptionCount()).toBe(0);
    expect(sandbox.teal.subscriptionCount()).toBe(0);
    expect((await argyle('/v2/webhooks')).body).toEqual({ next: null, previous: null, results: [] });
    expect((await teal('/webhooks')).body).toMatchObject({ webhooks: [] });
    expect((await sandbox.argyle.simulateConnection(await argyleUser())).deliveries).toBe(0);
    expect((await sandbox.teal.simulatePayrollSubmission(await tealUser())).deliveries).toBe(0);
    expect(receiver.received).toEqual([]);
  });
});

describe('secrets stay secret', () => {
  it('no secret or key in listings, the request log, the delivery log or the report', async () => {
    const argyleSecret = `whsec-${randomBytes(12).toString('hex')}`;
    const tealSecret = `whsec-${randomBytes(12).toString('hex')}`;
    const key = randomBytes(32).toString('base64');
    await argyleSubscribe({
      events: ALL_ARGYLE,
      name: 'a',
      url: receiver.url('/a?token=query-secret'),
      secret: argyleSecret,
    });
    await tealSubscribe({
      name: 't',
      events: ['user-payroll-submitted'],
      url: receiver.url('/t'),
      signing_secret: tealSecret,
      encryption_key: key,
    });
    const argyleReport = await sandbox.argyle.simulateConnection(await argyleUser());
    const tealReport = await sandbox.teal.simulatePayrollSubmission(await tealUser());
    const views = [
      (await argyle('/v2/webhooks')).text,
      (await teal('/webhooks')).text,
      JSON.stringify(sandbox.argyle.requests()),
      JSON.stringify(sandbox.teal.requests()),
      JSON.stringify(sandbox.argyle.deliveries()),
      JSON.stringify(sandbox.teal.deliveries()),
      JSON.stringify(argyleReport),
      JSON.stringify(tealReport),
    ];
    for (const view of views) {
      for (const secret of [argyleSecret, tealSecret, key]) expect(view).not.toContain(secret);
    }
    // Logs and reports show a subscriber's origin and path, never its query string.
    expect(argyleReport.results[0]?.url).toBe(receiver.url('/a'));
    expect(JSON.stringify(sandbox.argyle.deliveries())).not.toContain('query-secret');
    expect(receiver.at('/a?token=query-secret')).toHaveLength(3);
  });
});

describe('the admin route: POST /_sandbox/simulate', () => {
  it('simulates for another process, guarded by the emulator credentials, answering the report', async () => {
    await argyleSubscribe({ events: ALL_ARGYLE, name: 'a', url: receiver.url('/a') });
    const user = await argyleUser();
    const res = await argyle('/_sandbox/simulate', {
      method: 'POST',
      json: { event: 'connection', user_id: user },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      event: 'connection',
      user_id: user,
      deliveries: 3,
      delivered: 3,
      failed: 0,
    });
    const first = (res.body as { results: Record<string, unknown>[] }).results[0];
    expect(first).toEqual({
      subscription: expect.stringMatching(UUID),
      event: 'accounts.added',
      url: receiver.url('/a'),
      delivered: true,
      attempts: [{ attempt: 1, status: 200, error: null }],
    });
    expect(receiver.at('/a')).toHaveLength(3);

    await tealSubscribe({ name: 't', events: ['user-payroll-submitted'], url: receiver.url('/t') });
    const tealUserId = await tealUser();
    const byTeal = await teal('/_sandbox/simulate', {
      method: 'POST',
      json: { event: 'user-payroll-submitted', user_id: tealUserId },
    });
    expect(byTeal.status).toBe(200);
    expect(byTeal.body).toMatchObject({ deliveries: 1, delivered: 1 });
  });

  it('answers 404 for an unknown user, 400 for an unknown event or a malformed body, in the provider shape', async () => {
    const unknownUser = await argyle('/_sandbox/simulate', {
      method: 'POST',
      json: { event: 'connection', user_id: '7b1c4a53-2d7e-4f0e-9a55-0c4f5d1e2b3a' },
    });
    expect(unknownUser.status).toBe(404);
    expect(unknownUser.body).toEqual({ detail: 'Unknown user.' });
    const unknownEvent = await teal('/_sandbox/simulate', {
      method: 'POST',
      json: { event: 'user-exploded', user_id: await tealUser() },
    });
    expect(unknownEvent.status).toBe(400);
    expect(unknownEvent.body).toEqual({ errors: [expect.stringMatching(/user-payroll-submitted/)] });
    expect(unknownEvent.text).not.toContain('exploded');
    const malformed = await argyle('/_sandbox/simulate', { method: 'POST', json: { event: 'connection' } });
    expect(malformed.status).toBe(400);
    expect(malformed.body).toEqual({ detail: expect.stringMatching(/user_id/) });
  });

  it('is never faulted: faults are for the provider API', async () => {
    sandbox.argyle.faults.configure({ errorRate: 1 });
    expect((await argyle('/v2/users')).status).toBe(503);
    const res = await argyle('/_sandbox/simulate', {
      method: 'POST',
      json: { event: 'connection', user_id: '7b1c4a53-2d7e-4f0e-9a55-0c4f5d1e2b3a' },
    });
    expect(res.status).toBe(404);
    expect(sandbox.argyle.requests().at(-1)).toEqual({
      sequence: expect.any(Number),
      method: 'POST',
      url: '/_sandbox/simulate',
      status: 404,
    });
  });
});

describe('loopback-only deliveries', () => {
  it('accepts any http(s) subscriber URL, but delivers only to loopback hosts by default', async () => {
    await argyleSubscribe({
      events: ['accounts.added'],
      name: 'far',
      url: 'https://lender.example.com/hooks',
    });
    const report = await sandbox.argyle.simulate('accounts.added', await argyleUser());
    expect(report).toMatchObject({ deliveries: 1, delivered: 0, failed: 1 });
    // Refused before any connection, and not retried.
    expect(report.results[0]?.attempts).toEqual([{ attempt: 1, error: 'host-not-allowed', ok: false }]);
    expect(report.results[0]?.url).toBe('https://lender.example.com/hooks');
  });

  it('deliverWebhook: loopback by IP or localhost; other hosts and schemes refused', async () => {
    const body = '{"event":"ping"}';
    const fast = { attempts: 1 };
    const byLocalhost = await deliverWebhook(
      { url: receiver.url('/lh').replace('127.0.0.1', 'localhost'), body },
      fast,
    );
    expect(byLocalhost.delivered).toBe(true);
    expect(receiver.at('/lh')[0]?.body.toString()).toBe(body);
    for (const url of ['http://192.0.2.10/hook', 'http://0.0.0.0:1/hook', 'http://[::ffff:7f00:1]:1/hook']) {
      const refused = await deliverWebhook({ url, body }, { attempts: 3 });
      expect(refused, url).toEqual({
        delivered: false,
        attempts: [{ attempt: 1, error: 'host-not-allowed', ok: false }],
      });
    }
    for (const url of ['ftp://127.0.0.1/hook', 'nonsense']) {
      const refused = await deliverWebhook({ url, body }, fast);
      expect(refused.attempts).toEqual([{ attempt: 1, error: 'invalid-url', ok: false }]);
    }
    expect(receiver.received).toHaveLength(1);
  });

  it('deliverWebhook: attempts and hooks, and options are checked', async () => {
    receiver.answers = [502, 502];
    const seen: number[] = [];
    const outcome = await deliverWebhook(
      {
        url: receiver.url('/hook'),
        body: Buffer.from('{}'),
        headers: { 'content-type': 'application/json' },
      },
      { attempts: 3, backoffMs: [0], onAttempt: (a) => seen.push(a.status ?? 0) },
    );
    expect(outcome.delivered).toBe(true);
    expect(seen).toEqual([502, 502, 200]);
    expect(receiver.at('/hook')[0]?.headers).toMatchObject({
      'content-type': 'application/json',
      'content-length': '2',
    });
    await expect(deliverWebhook({ url: receiver.url('/'), body: '' }, { attempts: 0 })).rejects.toThrow(
      TypeError,
    );
    await expect(deliverWebhook({ url: receiver.url('/'), body: '' }, { backoffMs: [-1] })).rejects.toThrow(
      /backoffMs/,
    );
    await expect(startSandbox({ emulators: { teal: { webhooks: { timeoutMs: 0 } } } })).rejects.toThrow(
      /timeoutMs/,
    );
  });
});

async function waitUntil(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
  if (!condition()) throw new Error('condition not met');
}

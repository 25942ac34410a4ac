/**
 * `identity.close()` stops the services it handed out: a call made afterwards rejects `aborted`
 * without a request, a call in flight ends `aborted` (a create that was sent says it may have taken
 * effect), a reconciliation lookup in progress stops, and no connection stays open.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AbortedError } from '../../../src/errors.js';
import { createPayrollIdentity, type PayrollIdentity } from '../../../src/index.js';
import { rejection } from '../../contract/assertions.js';
import { makeClient, User } from './support.js';

const USER_ID = '018051aa-f7a9-a0db-2f38-6cfa325e9d69';
const WIRE_USER = { id: USER_ID, created_at: '2024-01-01T00:00:00Z', external_id: 'applicant-8841' };

let server: Server;
let origin = '';
let hits = 0;
/** What the server does with each request: answer, or hold it (never answer). */
let handler: (req: IncomingMessage, res: ServerResponse) => void;
const answer = (req: IncomingMessage, res: ServerResponse) => {
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify(req.method === 'POST' ? { id: USER_ID, user_token: null } : WIRE_USER));
};
const hold = () => {};

beforeAll(async () => {
  server = createServer((req, res) => {
    hits++;
    req.resume();
    handler(req, res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterEach(() => {
  hits = 0;
  handler = answer;
  server.closeAllConnections();
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

function identityFor(): PayrollIdentity {
  return createPayrollIdentity({
    tenants: {
      acme: {
        provider: 'argyle',
        environment: 'sandbox',
        baseUrl: origin,
        credentials: { apiKeyId: 'close-test-key-id', apiKeySecret: 'close-test-secret-0000' },
        retry: { maxRetries: 0 },
      },
    },
  });
}

async function openConnections(): Promise<number> {
  return new Promise((resolve, reject) => server.getConnections((e, n) => (e ? reject(e) : resolve(n))));
}

/** Waits until the server holds no connection (a socket the client destroyed closes asynchronously). */
async function noConnectionWithin(ms: number): Promise<number> {
  const until = Date.now() + ms;
  let n = await openConnections();
  while (n > 0 && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 10));
    n = await openConnections();
  }
  return n;
}

async function received(n: number): Promise<void> {
  while (hits < n) await new Promise((r) => setTimeout(r, 2));
}

describe('identity.close() and the services already handed out', () => {
  it('a service obtained before close() sends nothing afterwards: aborted, no request', async () => {
    handler = answer;
    const identity = identityFor();
    const users = identity.forTenant('acme');
    expect((await users.getUser(USER_ID)).id).toBe(USER_ID);
    expect(hits).toBe(1);
    await identity.close();
    for (const call of [
      () => users.getUser(USER_ID),
      () => users.createUser({ firstName: 'Jane', externalId: 'applicant-8841' }),
      () => users.deleteUser(USER_ID),
    ]) {
      const error = (await rejection(call)) as AbortedError;
      expect(error.code).toBe('aborted');
      expect(error.message).toMatch(/the payroll identity was closed/);
      expect(error.mayHaveTakenEffect).toBe(false);
    }
    expect(hits).toBe(1);
    expect(await noConnectionWithin(1_000)).toBe(0);
  });

  it('a call in flight ends aborted at close(), and its connection is closed', async () => {
    handler = hold;
    const identity = identityFor();
    const users = identity.forTenant('acme');
    const pending = rejection(() => users.getUser(USER_ID));
    await received(1);
    expect(await openConnections()).toBe(1);
    await identity.close();
    const error = (await pending) as AbortedError;
    expect(error.code).toBe('aborted');
    expect(error.message).toMatch(/the payroll identity was closed/);
    expect(await noConnectionWithin(1_000)).toBe(0);
  });

  it('a create in flight at close() may have taken effect: flagged, with the hint', async () => {
    handler = hold;
    const identity = identityFor();
    const pending = rejection(() =>
      identity.forTenant('acme').createUser({ firstName: 'Jane', externalId: 'applicant-8841' }),
    );
    await received(1);
    await identity.close();
    const error = (await pending) as AbortedError;
    expect(error.code).toBe('aborted');
    expect(error.mayHaveTakenEffect).toBe(true);
    expect(error.reconciliation).toEqual({
      tenant: 'acme',
      provider: 'argyle',
      operation: 'createUser',
      externalId: 'applicant-8841',
    });
    expect(await noConnectionWithin(1_000)).toBe(0);
  });
});

describe('HttpClient.close()', () => {
  it('stops a reconciliation lookup in progress: aborted, may have taken effect', async () => {
    // The create is dropped after it arrived (ambiguous); the lookup then hangs until close().
    handler = (req, res) => {
      if (req.method === 'POST') res.socket?.destroy();
    };
    const client = makeClient(origin);
    let lookupStarted = false;
    const pending = rejection(() =>
      client.request({
        operation: 'createUser',
        method: 'POST',
        path: '/users',
        body: { first_name: 'Jane' },
        response: User,
        reconcileHint: { externalId: 'applicant-8841' },
        reconcile: async (signal) => {
          lookupStarted = true;
          const { data } = await client.request({
            operation: 'createUser',
            method: 'GET',
            path: '/users',
            response: User,
            options: signal ? { signal } : undefined,
          });
          return data;
        },
      }),
    );
    await received(2);
    expect(lookupStarted).toBe(true);
    client.close();
    const error = (await pending) as AbortedError;
    expect(error.code).toBe('aborted');
    expect(error.mayHaveTakenEffect).toBe(true);
    expect(error.reconciliation?.externalId).toBe('applicant-8841');
    expect(client.isClosed).toBe(true);
    expect(hits).toBe(2);
  });

  it('close() twice is harmless, and a closed client never sends', async () => {
    const client = makeClient(origin);
    client.close();
    client.close();
    const error = await rejection(() =>
      client.request({ operation: 'getUser', method: 'GET', path: '/u', response: User }),
    );
    expect(error.code).toBe('aborted');
    expect(hits).toBe(0);
  });
});

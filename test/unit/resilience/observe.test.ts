/**
 * The logger and the hooks: start/end/retry events with the documented fields, nothing secret or
 * personal in any of them, and a broken hook or logger never breaks a call.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { pathTemplate, RequestObserver, safeRequestId } from '../../../src/observe/events.js';
import { silentLogger } from '../../../src/observe/logger.js';
import { everyRendering, rejection } from '../../contract/assertions.js';
import {
  type HookRecord,
  KEY,
  makeClient,
  RecordingLogger,
  recordingHooks,
  renderAll,
  reply,
  resetAfterSend,
  ScriptedServer,
  sequence,
  User,
} from './support.js';

const server = new ScriptedServer();
beforeAll(() => server.start());
afterAll(() => server.stop());
afterEach(() => server.reset());

const USER_ID = '0187c66e-e7e5-811c-b006-2232f00f426a';
const BEARER = 'Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c2VyIn0.c2lnbmF0dXJl';
const LINK_TOKEN = 'lt_9f8e7d6c5b4a39281706f5e4d3c2b1a0ffeeddcc';
const PERSON = {
  first_name: 'Jane',
  last_name: 'Roe',
  email: 'jane.roe@example.com',
  phone_number: '+14155550123',
  ssn: '123-45-6789',
  ni_number: 'QQ123456C',
  birth_date: '1990-05-17',
  address: { line1: '10 Downing St', city: 'London', postal_code: 'SW1A 2AA' },
};
const SECRETS = [
  KEY,
  BEARER,
  LINK_TOKEN,
  'Jane',
  'Roe',
  PERSON.email,
  PERSON.phone_number,
  PERSON.ssn,
  PERSON.ni_number,
  PERSON.birth_date,
  '10 Downing St',
  'SW1A 2AA',
];

describe('events and logs', () => {
  it('start/end events carry tenant, provider, operation, attempt, method, path template, status, duration, request id', async () => {
    const events: HookRecord[] = [];
    const logger = new RecordingLogger();
    server.handler = sequence(reply(503), reply(200, { id: USER_ID }, { 'x-request-id': 'req-7' }));
    const result = await makeClient(server.origin, { hooks: recordingHooks(events), logger }).request({
      operation: 'getUser',
      method: 'GET',
      path: `/v2/users/${USER_ID}`,
      response: User,
    });
    expect(result.data.id).toBe(USER_ID);
    const base = {
      tenant: 't1',
      provider: 'fake',
      operation: 'getUser',
      method: 'GET',
      path: '/v2/users/{id}',
    };
    expect(events.map((e) => e.hook)).toEqual([
      'onRequestStart',
      'onRequestEnd',
      'onRetry',
      'onRequestStart',
      'onRequestEnd',
    ]);
    expect(events[0]!.event).toEqual({ ...base, attempt: 1 });
    expect(events[1]!.event).toEqual({
      ...base,
      attempt: 1,
      status: 503,
      errorCode: 'provider_unavailable',
      durationMs: expect.any(Number),
    });
    expect(events[2]!.event).toMatchObject({ ...base, attempt: 1, errorCode: 'provider_unavailable' });
    expect(events[2]!.event.delayMs).toBeTypeOf('number');
    expect(events[4]!.event).toEqual({
      ...base,
      attempt: 2,
      status: 200,
      requestId: 'req-7',
      durationMs: expect.any(Number),
    });
    // The logger (used as a method, through its child) saw the same events.
    expect(logger.records.map((r) => [r.level, r.obj.event])).toEqual([
      ['debug', 'request_start'],
      ['warn', 'request_end'],
      ['info', 'request_retry'],
      ['debug', 'request_start'],
      ['debug', 'request_end'],
    ]);
    expect(logger.records[0]!.bindings).toMatchObject({ tenant: 't1', provider: 'fake' });
    expect(logger.records[4]!.obj).toMatchObject({ ...base, attempt: 2, status: 200 });
  });

  it('the spec’s pathTemplate wins; a query never appears', async () => {
    const events: HookRecord[] = [];
    server.handler = reply(200, { id: 'x' });
    await makeClient(server.origin, { hooks: recordingHooks(events) }).request({
      operation: 'listUsers',
      method: 'GET',
      path: '/v2/users',
      pathTemplate: '/v2/users',
      query: { external_id: 'applicant-8841', cursor: 'abc' },
      response: User,
    });
    expect(renderAll(events)).not.toMatch(/applicant-8841|cursor/);
    expect(events[0]!.event.path).toBe('/v2/users');
  });

  it('leak scan: no credential or personal datum in any logged object, event or error', async () => {
    const events: HookRecord[] = [];
    const logger = new RecordingLogger();
    const errors: unknown[] = [];
    const client = makeClient(server.origin, {
      hooks: recordingHooks(events),
      logger,
      auth: {
        headers: () => ({ Authorization: BEARER, 'X-API-KEY': KEY }),
        secrets: () => [BEARER, KEY],
      },
    });
    const echo = JSON.stringify(PERSON);
    const sensitive = [...SECRETS];
    server.handler = sequence(
      // 1. create: 503 echoing the body, then a reconcile lookup that finds nothing → outcome_unknown
      reply(503, { message: `failed: ${echo}` }, { 'x-request-id': PERSON.email }),
      // 2. the lookup (GET, idempotent): 502 then 400 echoing everything
      reply(502, { message: echo }),
      reply(400, { message: `${echo} ${BEARER} ${LINK_TOKEN}` }),
      // 3. get: 200 carrying personal data and a link token
      reply(200, { id: USER_ID, ...PERSON, link_token: LINK_TOKEN }, { 'x-request-id': 'req-42ok' }),
      // 4. a reset after send on an update
      resetAfterSend,
      resetAfterSend,
      resetAfterSend,
    );
    errors.push(
      await rejection(() =>
        client.request({
          operation: 'createUser',
          method: 'POST',
          path: '/v2/users',
          body: PERSON,
          response: User,
          sensitive,
          reconcileHint: { externalId: 'applicant-8841' },
          reconcile: async (signal) => {
            try {
              await client.request({
                operation: 'listUsers',
                method: 'GET',
                path: '/v2/users',
                query: { email: PERSON.email },
                response: User,
                sensitive,
                options: { signal },
              });
            } catch (e) {
              errors.push(e);
            }
            return undefined;
          },
        }),
      ),
    );
    await client.request({
      operation: 'getUser',
      method: 'GET',
      path: `/v2/users/${USER_ID}`,
      response: User,
    });
    errors.push(
      await rejection(() =>
        client.request({
          operation: 'updateUser',
          method: 'PATCH',
          path: `/v2/users/${USER_ID}`,
          body: PERSON,
          response: User,
          sensitive,
        }),
      ),
    );
    expect(errors.map((e) => (e as { code: string }).code)).toEqual([
      'invalid_input',
      'outcome_unknown',
      'network_error',
    ]);
    expect(server.hits).toBe(7);
    expect(events.length).toBeGreaterThan(10);
    expect(logger.records.length).toBeGreaterThan(10);
    const text = [
      renderAll(events.map((e) => e.event)),
      renderAll(logger.records.map((r) => ({ ...r.obj, msg: r.msg, bindings: r.bindings }))),
      ...errors.map(everyRendering),
    ]
      .join('\n')
      .toLowerCase();
    for (const secret of SECRETS) {
      const at = text.indexOf(secret.toLowerCase());
      expect(at, `leaked: ${secret} in …${text.slice(Math.max(0, at - 80), at + 40)}…`).toBe(-1);
    }
    // A request id shaped like personal data is not reported.
    expect(events.some((e) => e.event.requestId === 'req-42ok')).toBe(true);
  });

  it('a throwing or rejecting hook, or a throwing logger, never breaks the call', async () => {
    const logger = new RecordingLogger();
    server.handler = reply(200, { id: 'fine' });
    const result = await makeClient(server.origin, {
      logger,
      hooks: {
        onRequestStart: () => {
          throw new Error(`hook broke ${KEY}`);
        },
        onRequestEnd: async () => {
          throw new Error('async hook broke');
        },
      },
    }).request({ operation: 'getUser', method: 'GET', path: '/users/u-1', response: User });
    expect(result.data.id).toBe('fine');
    await new Promise((r) => setImmediate(r));
    const failures = logger.records.filter((r) => r.obj.event === 'hook_failed');
    expect(failures).toHaveLength(2);
    expect(renderAll(failures)).not.toContain(KEY);

    const throwing = {
      debug: () => {
        throw new Error('logger down');
      },
      info: () => {
        throw new Error('logger down');
      },
      warn: () => {
        throw new Error('logger down');
      },
      error: () => {
        throw new Error('logger down');
      },
    };
    const again = await makeClient(server.origin, { logger: throwing }).request({
      operation: 'getUser',
      method: 'GET',
      path: '/users/u-1',
      response: User,
    });
    expect(again.data.id).toBe('fine');
  });

  it('is silent by default: no logger and no hooks means no events are built', () => {
    expect(new RequestObserver(silentLogger, {}, false).active).toBe(false);
    expect(new RequestObserver(silentLogger, { onRetry: () => {} }, false).active).toBe(true);
    expect(new RequestObserver(new RecordingLogger(), {}, true).active).toBe(true);
  });
});

describe('pathTemplate and safeRequestId', () => {
  it.each([
    ['/v2/users/0187c66e-e7e5-811c-b006-2232f00f426a', '/v2/users/{id}'],
    ['/users/u-1', '/users/{id}'],
    ['/users/12345/tokens', '/users/{id}/tokens'],
    ['/v1/user-tokens', '/v1/user-tokens'],
    ['/v2/users?external_id=applicant-8841', '/v2/users'],
    ['/users/jane.roe@example.com', '/users/{id}'],
  ])('%s → %s', (path, template) => {
    expect(pathTemplate(path)).toBe(template);
  });

  it('keeps request ids of the usual shape only', () => {
    expect(safeRequestId('req-42_abc')).toBe('req-42_abc');
    expect(safeRequestId('0b9f6c1e-4f7a-4c53-9a51-2f6f1d9e7a10')).toBe(
      '0b9f6c1e-4f7a-4c53-9a51-2f6f1d9e7a10',
    );
    expect(safeRequestId('jane@example.com')).toBeUndefined();
    expect(safeRequestId('123-45-6789')).toBeUndefined();
    expect(safeRequestId('x'.repeat(200))).toBeUndefined();
    expect(safeRequestId(undefined)).toBeUndefined();
  });
});

/**
 * A 2xx to a create whose body cannot be read (not JSON, wrong shape, an undocumented 2xx status,
 * over the size cap) means the provider most likely created the user: it is settled like an
 * ambiguous create (reconcile, else `outcome_unknown` with the hint), never `unexpected_response`
 * (which would invite a second create), and never sent twice. Idempotent calls keep
 * `unexpected_response`, and a refusal over the size cap (a 4xx) stays what it was.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { OutcomeUnknownError } from '../../../src/errors.js';
import type { RequestSpec } from '../../../src/http/client.js';
import { everyRendering, rejection } from '../../contract/assertions.js';
import {
  type Handler,
  type HookRecord,
  makeClient,
  recordingHooks,
  ScriptedServer,
  User,
} from './support.js';

const PERSON = { first_name: 'Jane', email: 'jane.roe@example.com', ssn: '123-45-6789' };

const server = new ScriptedServer();
beforeAll(() => server.start());
afterAll(() => server.stop());
afterEach(() => server.reset());

function create(extra: Partial<RequestSpec<{ id: string }>> = {}): RequestSpec<{ id: string }> {
  return {
    operation: 'createUser',
    method: 'POST',
    path: '/users',
    body: PERSON,
    response: User,
    expectStatus: [201],
    sensitive: Object.values(PERSON),
    reconcileHint: { externalId: 'applicant-8841' },
    ...extra,
  };
}

function answer(status: number, body: string): Handler {
  return (_req, res) => {
    res.statusCode = status;
    res.setHeader('content-type', 'application/json');
    res.end(body);
  };
}

const UNREADABLE: Record<string, Handler> = {
  'not JSON': answer(201, `{"id": "u-1", "email": "${PERSON.email}"`),
  'the wrong shape': answer(201, '["unexpected"]'),
  'an undocumented 2xx status (200 where 201 is documented)': answer(200, '{"id": "u-1"}'),
  // 64 KiB is the test client's cap.
  'over the size cap': answer(201, JSON.stringify({ id: 'u-1', pad: 'x'.repeat(100 * 1024) })),
};

describe('a create answered with a 2xx that cannot be read', () => {
  for (const [what, handler] of Object.entries(UNREADABLE)) {
    it(`${what}: reconciled when the lookup finds the user, sent once`, async () => {
      server.handler = handler;
      let lookups = 0;
      const result = await makeClient(server.origin).request(
        create({
          reconcile: async () => {
            lookups++;
            return { id: 'found-by-external-id' };
          },
        }),
      );
      expect(result).toMatchObject({ data: { id: 'found-by-external-id' }, reconciled: true });
      expect(lookups).toBe(1);
      expect(server.hits).toBe(1);
    });

    it(`${what}: without a lookup, outcome_unknown with the hint and no personal data`, async () => {
      server.handler = handler;
      const events: HookRecord[] = [];
      const error = (await rejection(() =>
        makeClient(server.origin, { hooks: recordingHooks(events) }).request(create()),
      )) as OutcomeUnknownError;
      expect(error.code).toBe('outcome_unknown');
      expect(error.reconciliation).toEqual({
        tenant: 't1',
        provider: 'fake',
        operation: 'createUser',
        externalId: 'applicant-8841',
      });
      expect(error.message).toMatch(/most likely took effect/);
      expect((error.cause as { code?: string }).code).toBe('unexpected_response');
      expect(server.hits).toBe(1);
      expect(events.filter((e) => e.hook === 'onAmbiguousOutcome')).toMatchObject([
        { event: { outcome: 'unknown', errorCode: 'unexpected_response' } },
      ]);
      const rendered = everyRendering(error);
      for (const value of Object.values(PERSON)) expect(rendered).not.toContain(value);
    });

    it(`${what}: an idempotent call is still unexpected_response, not reconciled`, async () => {
      server.handler = handler;
      let lookups = 0;
      const error = await rejection(() =>
        makeClient(server.origin).request(
          create({
            method: 'PATCH',
            reconcile: async () => {
              lookups++;
              return { id: 'x' };
            },
          }),
        ),
      );
      expect(error.code).toBe('unexpected_response');
      expect(lookups).toBe(0);
      expect(server.hits).toBe(1);
    });
  }

  it('a refusal over the size cap (a 400 with a huge page) is not taken for a success', async () => {
    server.handler = answer(400, JSON.stringify({ message: 'no', pad: 'x'.repeat(100 * 1024) }));
    let lookups = 0;
    const error = await rejection(() =>
      makeClient(server.origin).request(
        create({
          reconcile: async () => {
            lookups++;
            return { id: 'x' };
          },
        }),
      ),
    );
    expect(error.code).toBe('unexpected_response');
    expect(lookups).toBe(0);
  });

  it('a 3xx to a create stays unexpected_response (nothing was accepted)', async () => {
    server.handler = (_req, res) => {
      res.statusCode = 302;
      res.setHeader('location', 'https://elsewhere.example.com/');
      res.end();
    };
    const error = await rejection(() => makeClient(server.origin).request(create()));
    expect(error.code).toBe('unexpected_response');
    expect(error.status).toBe(302);
  });
});

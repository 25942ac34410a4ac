/**
 * A create whose outcome is ambiguous is never replayed: it is reconciled by the adapter's lookup,
 * or it ends in `outcome_unknown` with what the caller needs to reconcile and no personal data.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { OutcomeUnknownError } from '../../../src/errors.js';
import type { RequestSpec } from '../../../src/http/client.js';
import { everyRendering, rejection } from '../../contract/assertions.js';
import {
  type HookRecord,
  hang,
  KEY,
  makeClient,
  recordingHooks,
  reply,
  resetAfterSend,
  ScriptedServer,
  User,
} from './support.js';

const PERSON = {
  first_name: 'Jane',
  last_name: 'Roe',
  email: 'jane.roe@example.com',
  phone_number: '+14155550123',
  ssn: '123-45-6789',
  birth_date: '1990-05-17',
  external_id: 'applicant-8841',
};
const PERSONAL = Object.values(PERSON).filter((v) => v !== 'applicant-8841');

const server = new ScriptedServer();
beforeAll(() => server.start());
afterAll(() => server.stop());
afterEach(() => server.reset());

function create(extra: Partial<RequestSpec<{ id: string }>> = {}): RequestSpec<{ id: string }> {
  return {
    operation: 'createUser',
    method: 'POST',
    path: '/v2/users',
    body: PERSON,
    response: User,
    sensitive: Object.values(PERSON),
    reconcileHint: { externalId: PERSON.external_id },
    ...extra,
  };
}

describe('ambiguous create', () => {
  it('reset after send → reconcile is called once, its value is the result (marked reconciled)', async () => {
    server.handler = resetAfterSend;
    const signals: (AbortSignal | undefined)[] = [];
    const result = await makeClient(server.origin).request(
      create({
        reconcile: async (signal) => {
          signals.push(signal);
          return { id: 'found-by-external-id' };
        },
      }),
    );
    expect(result).toMatchObject({ data: { id: 'found-by-external-id' }, reconciled: true });
    expect(signals).toHaveLength(1);
    expect(signals[0]).toBeInstanceOf(AbortSignal);
    expect(server.hits).toBe(1);
  });

  it('reconcile finds nothing → outcome_unknown with the hint, and no personal data or credential', async () => {
    server.handler = reply(502, { message: `upstream failed for ${PERSON.email} ${PERSON.ssn}` });
    const events: HookRecord[] = [];
    const error = (await rejection(() =>
      makeClient(server.origin, { hooks: recordingHooks(events) }).request(
        create({ reconcile: async () => undefined }),
      ),
    )) as OutcomeUnknownError;
    expect(error.code).toBe('outcome_unknown');
    expect(error.retryable).toBe(false);
    expect(error.status).toBe(502);
    expect(error.reconciliation).toEqual({
      tenant: 't1',
      provider: 'fake',
      operation: 'createUser',
      externalId: 'applicant-8841',
    });
    expect(error.message).toMatch(/found nothing/);
    expect((error.cause as { code?: string }).code).toBe('provider_unavailable');
    const text = everyRendering(error).toLowerCase();
    for (const secret of [...PERSONAL, KEY]) expect(text).not.toContain(secret.toLowerCase());
    expect(server.hits).toBe(1);
    expect(events.find((e) => e.hook === 'onAmbiguousOutcome')?.event).toMatchObject({
      outcome: 'unknown',
      errorCode: 'provider_unavailable',
      status: 502,
    });
  });

  it('no reconcile → outcome_unknown; the hint has no externalId when none was given', async () => {
    server.handler = resetAfterSend;
    const error = (await rejection(() =>
      makeClient(server.origin).request(create({ reconcileHint: undefined })),
    )) as OutcomeUnknownError;
    expect(error.code).toBe('outcome_unknown');
    expect(error.reconciliation).toEqual({ tenant: 't1', provider: 'fake', operation: 'createUser' });
    expect((error.cause as { code?: string }).code).toBe('network_error');
  });

  it('an externalId shaped like personal data (an email) is left out of the hint', async () => {
    server.handler = reply(503);
    const error = (await rejection(() =>
      makeClient(server.origin).request(create({ reconcileHint: { externalId: PERSON.email } })),
    )) as OutcomeUnknownError;
    expect(error.reconciliation.externalId).toBeUndefined();
    expect(everyRendering(error)).not.toContain(PERSON.email);
  });

  it('a lookup that fails → outcome_unknown naming the lookup failure', async () => {
    server.handler = hang;
    const error = await rejection(() =>
      makeClient(server.origin).request(
        create({
          options: { timeoutMs: 100 },
          reconcile: async () => {
            throw new Error(`lookup leaked ${PERSON.ssn}`);
          },
        }),
      ),
    );
    expect(error.code).toBe('outcome_unknown');
    expect(error.message).toMatch(/lookup to reconcile it failed/);
    expect(everyRendering(error)).not.toContain(PERSON.ssn);
  });

  it('reconcile gets its own deadline (the call length) even when the create used the whole deadline', async () => {
    server.handler = hang;
    let abortedAfter: number | undefined;
    const start = performance.now();
    const error = await rejection(() =>
      makeClient(server.origin).request(
        create({
          options: { timeoutMs: 100 },
          reconcile: (signal) =>
            new Promise((_resolve, reject) => {
              expect(signal?.aborted).toBe(false);
              signal?.addEventListener('abort', () => {
                abortedAfter = performance.now() - start;
                reject(new Error('lookup cut off'));
              });
            }),
        }),
      ),
    );
    expect(error.code).toBe('outcome_unknown');
    expect(abortedAfter).toBeGreaterThanOrEqual(190);
    expect(abortedAfter).toBeLessThan(600);
  });

  it('the caller cancelling during the lookup ends the call with aborted', async () => {
    server.handler = resetAfterSend;
    const controller = new AbortController();
    const error = await rejection(() =>
      makeClient(server.origin).request(
        create({
          options: { signal: controller.signal },
          reconcile: (signal) =>
            new Promise((_resolve, reject) => {
              signal?.addEventListener('abort', () => reject(new Error('cancelled')));
              controller.abort();
            }),
        }),
      ),
    );
    expect(error.code).toBe('aborted');
  });

  it('a 409 is never retried nor reconciled (Teal: "user already exists")', async () => {
    server.handler = reply(409, { message: 'This user already exists. Jane Roe must be unique' });
    let reconciled = 0;
    const error = await rejection(() =>
      makeClient(server.origin).request(
        create({
          reconcile: async () => {
            reconciled++;
            return { id: 'x' };
          },
        }),
      ),
    );
    expect(error.code).toBe('conflict');
    expect(reconciled).toBe(0);
    expect(server.hits).toBe(1);
    expect(everyRendering(error)).not.toContain('Jane Roe');
  });

  it('a definite answer (400, 429) is not ambiguous: no lookup', async () => {
    let reconciled = 0;
    const reconcile = async () => {
      reconciled++;
      return { id: 'x' };
    };
    server.handler = reply(400, { message: 'bad' });
    expect((await rejection(() => makeClient(server.origin).request(create({ reconcile })))).code).toBe(
      'invalid_input',
    );
    server.handler = reply(429);
    expect((await rejection(() => makeClient(server.origin).request(create({ reconcile })))).code).toBe(
      'rate_limited',
    );
    expect(reconciled).toBe(0);
    expect(server.hits).toBe(2);
  });
});

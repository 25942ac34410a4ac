/**
 * A create cancelled after its request may have left stays `aborted` (the caller asked to stop), but
 * says it may have taken effect, with the same reconciliation hint as `outcome_unknown` and no
 * personal data. A create cancelled before anything was sent, and any idempotent call, says it did not.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AbortedError } from '../../../src/errors.js';
import type { RequestSpec } from '../../../src/http/client.js';
import type { Transport } from '../../../src/http/transport.js';
import { everyRendering, rejection } from '../../contract/assertions.js';
import { closedPort, hang, KEY, makeClient, ScriptedServer, User } from './support.js';

const PERSON = { first_name: 'Jane', email: 'jane.roe@example.com', ssn: '123-45-6789' };

const server = new ScriptedServer();
beforeAll(() => server.start());
afterAll(() => server.stop());
afterEach(() => server.reset());

function create(signal: AbortSignal, extra: Partial<RequestSpec<{ id: string }>> = {}) {
  return {
    operation: 'createUser',
    method: 'POST',
    path: '/users',
    body: PERSON,
    response: User,
    sensitive: Object.values(PERSON),
    reconcileHint: { externalId: 'applicant-8841' },
    options: { signal },
    ...extra,
  } satisfies RequestSpec<{ id: string }>;
}

/** Resolves once the server has received `n` requests. */
async function received(n: number): Promise<void> {
  while (server.hits < n) await new Promise((r) => setTimeout(r, 2));
}

describe('a create cancelled after it was sent', () => {
  it('is aborted, may have taken effect, and carries the reconciliation hint', async () => {
    server.handler = hang;
    const controller = new AbortController();
    const pending = rejection(() => makeClient(server.origin).request(create(controller.signal)));
    await received(1);
    controller.abort();
    const error = (await pending) as AbortedError;
    expect(error.code).toBe('aborted');
    expect(error.retryable).toBe(false);
    expect(error.mayHaveTakenEffect).toBe(true);
    expect(error.reconciliation).toEqual({
      tenant: 't1',
      provider: 'fake',
      operation: 'createUser',
      externalId: 'applicant-8841',
    });
    expect(error.message).toMatch(/the user may exist/);
    expect(error.message).toMatch(/reconciliation\.externalId/);
    expect(error.toJSON()).toMatchObject({
      code: 'aborted',
      mayHaveTakenEffect: true,
      reconciliation: {
        tenant: 't1',
        provider: 'fake',
        operation: 'createUser',
        externalId: 'applicant-8841',
      },
    });
    const rendered = everyRendering(error);
    for (const value of [...Object.values(PERSON), KEY]) expect(rendered).not.toContain(value);
    expect(server.hits).toBe(1);
  });

  it('an externalId shaped like personal data is left out of the hint', async () => {
    server.handler = hang;
    const controller = new AbortController();
    const pending = rejection(() =>
      makeClient(server.origin).request(
        create(controller.signal, { reconcileHint: { externalId: PERSON.email } }),
      ),
    );
    await received(1);
    controller.abort();
    const error = (await pending) as AbortedError;
    expect(error.mayHaveTakenEffect).toBe(true);
    expect(error.reconciliation).toEqual({ tenant: 't1', provider: 'fake', operation: 'createUser' });
    expect(everyRendering(error)).not.toContain(PERSON.email);
  });

  it('with a custom transport (which cannot tell), any abort once the attempt started may have taken effect', async () => {
    const transport: Transport = (config) =>
      new Promise((_resolve, reject) => {
        config.signal?.addEventListener?.('abort', () => reject(new Error('canceled')));
      });
    const controller = new AbortController();
    const pending = rejection(() =>
      makeClient('http://127.0.0.1:1', { transport }).request(create(controller.signal)),
    );
    await new Promise((r) => setTimeout(r, 5));
    controller.abort();
    const error = (await pending) as AbortedError;
    expect(error.code).toBe('aborted');
    expect(error.mayHaveTakenEffect).toBe(true);
  });
});

describe('nothing sent, or nothing to fear', () => {
  it('a signal aborted before the call: no request, mayHaveTakenEffect false, no hint', async () => {
    const error = (await rejection(() =>
      makeClient(server.origin).request(create(AbortSignal.abort())),
    )) as AbortedError;
    expect(error.code).toBe('aborted');
    expect(error.mayHaveTakenEffect).toBe(false);
    expect(error.reconciliation).toBeUndefined();
    expect(error.toJSON()).toMatchObject({ mayHaveTakenEffect: false });
    expect(error.toJSON()).not.toHaveProperty('reconciliation');
    expect(server.hits).toBe(0);
  });

  it('cancelled before a socket was connected (same tick as the call): not sent, not taken effect', async () => {
    const controller = new AbortController();
    const pending = rejection(() => makeClient(server.origin).request(create(controller.signal)));
    controller.abort();
    const error = (await pending) as AbortedError;
    expect(error.code).toBe('aborted');
    expect(error.mayHaveTakenEffect).toBe(false);
    await new Promise((r) => setTimeout(r, 50));
    expect(server.hits).toBe(0);
  });

  it('cancelled during the backoff after a refused connection: nothing ever left', async () => {
    const port = await closedPort();
    const controller = new AbortController();
    const client = makeClient(`http://127.0.0.1:${port}`, {
      retry: { maxRetries: 5, baseDelayMs: 200, maxDelayMs: 200 },
    });
    setTimeout(() => controller.abort(), 60);
    const error = (await rejection(() => client.request(create(controller.signal)))) as AbortedError;
    expect(error.code).toBe('aborted');
    expect(error.mayHaveTakenEffect).toBe(false);
  });

  it('an idempotent call cancelled in flight: aborted, mayHaveTakenEffect false', async () => {
    server.handler = hang;
    const controller = new AbortController();
    const pending = rejection(() =>
      makeClient(server.origin).request({
        operation: 'getUser',
        method: 'GET',
        path: '/users/1',
        response: User,
        options: { signal: controller.signal },
      }),
    );
    await received(1);
    controller.abort();
    const error = (await pending) as AbortedError;
    expect(error.code).toBe('aborted');
    expect(error.mayHaveTakenEffect).toBe(false);
    expect(error.reconciliation).toBeUndefined();
  });
});

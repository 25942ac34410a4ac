/**
 * The response cap (`maxResponseBytes`) caps responses only: a create whose body is larger is sent
 * as usual. The request's own cap (`MAX_REQUEST_BYTES`) refuses a body before anything leaves, as
 * `invalid_input` saying nothing was sent: never an `outcome_unknown` that claims the create most
 * likely happened, and never a reconciliation lookup.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { PayrollIdentityError } from '../../../src/errors.js';
import { MAX_REQUEST_BYTES } from '../../../src/http/client.js';
import { makeClient, reply, ScriptedServer, User } from '../resilience/support.js';

const server = new ScriptedServer();
beforeAll(() => server.start());
afterAll(() => server.stop());
afterEach(() => server.reset());

function create(body: unknown, lookups: { count: number }) {
  return makeClient(server.origin, { maxResponseBytes: 1_024 }).request({
    operation: 'createUser',
    method: 'POST',
    path: '/users',
    body,
    response: User,
    reconcile: async () => {
      lookups.count++;
      return { id: 'found' };
    },
    reconcileHint: { externalId: 'ext-1' },
  });
}

describe('request bodies', () => {
  it('a create larger than maxResponseBytes is sent, and its answer read', async () => {
    server.handler = reply(201, { id: 'u1' });
    const lookups = { count: 0 };
    const body = { note: 'n'.repeat(8 * 1024) };
    const result = await create(body, lookups);
    expect(result).toMatchObject({ status: 201, data: { id: 'u1' } });
    expect(result.reconciled).toBeUndefined();
    expect(server.hits).toBe(1);
    expect(server.bodies[0]).toBe(JSON.stringify(body));
    expect(lookups.count).toBe(0);
  });

  it('a body over the request cap is invalid_input, nothing sent, nothing looked up', async () => {
    server.handler = reply(201, { id: 'u1' });
    const lookups = { count: 0 };
    let error: PayrollIdentityError | undefined;
    try {
      await create({ note: 'n'.repeat(MAX_REQUEST_BYTES) }, lookups);
    } catch (e) {
      error = e as PayrollIdentityError;
    }
    expect(error?.code).toBe('invalid_input');
    expect(error?.message).toMatch(/nothing was sent/);
    expect(error?.retryable).toBe(false);
    expect(server.hits).toBe(0);
    expect(lookups.count).toBe(0);
  });

  it('a body that cannot be written as JSON is invalid_input, nothing sent', async () => {
    const lookups = { count: 0 };
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    await expect(create(cyclic, lookups)).rejects.toMatchObject({ code: 'invalid_input' });
    await expect(create({ big: 10n }, lookups)).rejects.toMatchObject({ code: 'invalid_input' });
    expect(server.hits).toBe(0);
    expect(lookups.count).toBe(0);
  });
});

/**
 * No duplicates under faults (issue 6): many concurrent creates whose connections are dropped after
 * the provider processed them. Whatever happens, a create is sent once; afterwards the provider
 * holds exactly one user per successful or reconciled call (its own), and every other call ended in
 * `outcome_unknown` (its user exists, unclaimed: the caller reconciles it). No user is ever claimed
 * by two calls, even when two calls send the same input (issue 11 §4).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { PayrollIdentityError } from '../../src/errors.js';
import { createPayrollIdentity, type PayrollIdentity } from '../../src/index.js';
import { type Sandbox, startSandbox } from '../../src/sandbox/index.js';
import type { FaultRequest } from '../../src/sandbox/types.js';
import type { CreatedUser, CreateUserInput } from '../../src/user.js';
import { matching, settle, tenantConfig, ukApplicant, usApplicant } from './support.js';

let sandbox: Sandbox;
let identity: PayrollIdentity;

beforeAll(async () => {
  sandbox = await startSandbox();
  identity = createPayrollIdentity({
    tenants: {
      us: tenantConfig('argyle-v2', sandbox.argyle),
      uk: tenantConfig('teal', sandbox.teal),
    },
  });
});
beforeEach(() => {
  sandbox.argyle.reset();
  sandbox.teal.reset();
});
afterAll(async () => {
  await identity?.close();
  await sandbox?.close();
});

/** Drops the connection of every `every`-th create after the provider processed it. */
function dropCreatesAfterProcessing(path: string, every: number) {
  let creates = 0;
  return (request: FaultRequest) => {
    if (request.method !== 'POST' || request.path !== path) return undefined;
    creates += 1;
    return creates % every === 0 ? ({ kind: 'drop-after' } as const) : undefined;
  };
}

interface Tally {
  fresh: CreatedUser[];
  reconciled: CreatedUser[];
  unknown: PayrollIdentityError[];
  other: unknown[];
}

async function createAll(tenant: string, inputs: readonly CreateUserInput[]): Promise<Tally> {
  const service = identity.forTenant(tenant);
  const results = await Promise.all(inputs.map((input) => settle(() => service.createUser(input))));
  const tally: Tally = { fresh: [], reconciled: [], unknown: [], other: [] };
  for (const { value, error } of results) {
    // A reconciled Argyle create has no link token (the lookup returns none); Teal never returns one.
    if (value)
      (value.linkToken || !service.capabilities.linkTokenOnCreate ? tally.fresh : tally.reconciled).push(
        value,
      );
    else if ((error as PayrollIdentityError).code === 'outcome_unknown')
      tally.unknown.push(error as PayrollIdentityError);
    else tally.other.push(error);
  }
  return tally;
}

/** The users the Argyle emulator holds with `externalId`, read straight from its API. */
async function argyleUsersWith(externalId: string): Promise<string[]> {
  const ids: string[] = [];
  for await (const u of identity.forTenant('us').listUsers({ externalId })) ids.push(u.id);
  return ids;
}

describe('no duplicates under dropped connections', () => {
  it('Argyle v2, one externalId per call: every call gets its own user, once', async () => {
    sandbox.argyle.faults.configure({ inject: dropCreatesAfterProcessing('/v2/users', 2) });
    const inputs = Array.from({ length: 60 }, (_, i) => usApplicant(i, `dup-a-${i}`));
    const tally = await createAll('us', inputs);
    sandbox.argyle.faults.clear();

    const log = sandbox.argyle.requests();
    const posts = matching(log, 'POST', '/v2/users');
    const dropped = posts.filter((r) => r.fault === 'drop-after').length;
    expect(posts, 'each create was sent exactly once').toHaveLength(inputs.length);
    expect(dropped).toBe(30);
    expect(tally.other).toEqual([]);
    // A unique externalId always reconciles: every dropped call found its own user.
    expect(tally.reconciled).toHaveLength(dropped);
    expect(tally.fresh).toHaveLength(inputs.length - dropped);
    expect(tally.unknown).toHaveLength(0);
    expect(sandbox.argyle.userCount()).toBe(inputs.length);

    const claimed = [...tally.fresh, ...tally.reconciled];
    expect(new Set(claimed.map((c) => c.user.id)).size, 'no user claimed by two calls').toBe(claimed.length);
    for (const { user } of claimed) {
      expect(await argyleUsersWith(user.externalId!)).toEqual([user.id]);
    }
  });

  it('Argyle v2, pairs of identical calls racing on one externalId: each reconciles to its own user, never the other', async () => {
    // Every create dropped after processing; pairs of identical calls race. Each call's create
    // nonce tells the two users apart: each call finds exactly its own.
    sandbox.argyle.faults.configure({ inject: dropCreatesAfterProcessing('/v2/users', 1) });
    const pairs = 12;
    const inputs = Array.from({ length: pairs * 2 }, (_, i) =>
      usApplicant(Math.floor(i / 2), `dup-b-${Math.floor(i / 2)}`),
    );
    const tally = await createAll('us', inputs);
    sandbox.argyle.faults.clear();

    expect(matching(sandbox.argyle.requests(), 'POST', '/v2/users')).toHaveLength(inputs.length);
    expect(tally.other).toEqual([]);
    expect(tally.fresh).toHaveLength(0);
    expect(tally.unknown).toHaveLength(0);
    expect(tally.reconciled).toHaveLength(inputs.length);
    expect(sandbox.argyle.userCount()).toBe(inputs.length);
    const ids = tally.reconciled.map((c) => c.user.id);
    expect(new Set(ids).size, 'no user claimed by two calls').toBe(ids.length);
    for (let p = 0; p < pairs; p++) {
      const held = await argyleUsersWith(`dup-b-${p}`);
      expect(held).toHaveLength(2);
      const claimedHere = tally.reconciled.filter((c) => c.user.externalId === `dup-b-${p}`);
      expect(claimedHere.map((c) => c.user.id).sort()).toEqual([...held].sort());
    }
  });

  it("Argyle v2, two calls on one externalId, the second dropped before the provider stored it: outcome_unknown, never the first call's user", async () => {
    const pairs = 12;
    const service = identity.forTenant('us');
    // Call A of each pair creates its user without faults.
    const firsts = await Promise.all(
      Array.from({ length: pairs }, (_, p) => service.createUser(usApplicant(p, `dup-d-${p}`))),
    );
    // Call B, same input, is dropped before the provider processes it.
    sandbox.argyle.faults.configure({
      inject: (request) =>
        request.method === 'POST' && request.path === '/v2/users' ? { kind: 'drop-before' } : undefined,
    });
    const tally = await createAll(
      'us',
      Array.from({ length: pairs }, (_, p) => usApplicant(p, `dup-d-${p}`)),
    );
    sandbox.argyle.faults.clear();

    expect(tally.other).toEqual([]);
    expect(tally.fresh).toHaveLength(0);
    expect(tally.reconciled, "no B call resolved (with A's user)").toHaveLength(0);
    expect(tally.unknown).toHaveLength(pairs);
    expect(sandbox.argyle.userCount()).toBe(pairs);
    // Every B looked, found only A's user, and did not claim it.
    expect(matching(sandbox.argyle.requests(), 'GET', '/v2/users').length).toBeGreaterThanOrEqual(pairs);
    for (let p = 0; p < pairs; p++) expect(await argyleUsersWith(`dup-d-${p}`)).toEqual([firsts[p]!.user.id]);
  });

  it('Argyle v2 without an externalId and Teal (no lookup): dropped creates end in outcome_unknown, never resent', async () => {
    sandbox.argyle.faults.configure({ inject: dropCreatesAfterProcessing('/v2/users', 3) });
    sandbox.teal.faults.configure({ inject: dropCreatesAfterProcessing('/users', 3) });
    const us = Array.from({ length: 30 }, (_, i) => usApplicant(i));
    const uk = Array.from({ length: 30 }, (_, i) => ukApplicant(i, `dup-c-${i}`));
    const [argyle, teal] = await Promise.all([createAll('us', us), createAll('uk', uk)]);

    for (const [tally, emulator, path, count] of [
      [argyle, sandbox.argyle, '/v2/users', us.length],
      [teal, sandbox.teal, '/users', uk.length],
    ] as const) {
      const posts = matching(emulator.requests(), 'POST', path);
      const dropped = posts.filter((r) => r.fault === 'drop-after').length;
      expect(posts).toHaveLength(count);
      expect(dropped).toBe(10);
      expect(tally.other).toEqual([]);
      expect(tally.reconciled).toHaveLength(0);
      expect(tally.unknown).toHaveLength(dropped);
      expect(tally.fresh).toHaveLength(count - dropped);
      // One user per call that was processed: the fresh ones, and the unknown ones' unclaimed users.
      expect(emulator.userCount()).toBe(count);
      expect(new Set(tally.fresh.map((c) => c.user.id)).size).toBe(tally.fresh.length);
    }
  });
});

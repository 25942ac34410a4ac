/**
 * Argyle v2 create reconciliation (providers/argyle/reconcile.ts), end to end against the sandbox,
 * plus the matching rule on its own: a user is returned only when exactly one candidate with the
 * call's external_id holds the call's own create nonce, matches every field the call sent and was
 * created no earlier than the call's start minus the clock-skew allowance. Another call's user —
 * even one identical in every field — is never handed out.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MARKER_KEY, NONCE_FIELD } from '../../providers/argyle/create-marker.js';
import { CLOCK_SKEW_MS, matchesCreate } from '../../providers/argyle/reconcile.js';
import type { V2User } from '../../providers/argyle/wire/v2.js';
import type { OutcomeUnknownError, PayrollIdentityError } from '../../src/errors.js';
import { createPayrollIdentity, type PayrollIdentity } from '../../src/index.js';
import { type Sandbox, startSandbox } from '../../src/sandbox/index.js';
import type { UserService } from '../../src/user-service.js';
import { matching, settle, tenantConfig, usApplicant } from '../resilience/support.js';

let sandbox: Sandbox;
let identity: PayrollIdentity;
let service: UserService;

beforeAll(async () => {
  sandbox = await startSandbox();
  identity = createPayrollIdentity({ tenants: { us: tenantConfig('argyle-v2', sandbox.argyle) } });
  service = identity.forTenant('us');
});
beforeEach(() => sandbox.argyle.reset());
afterAll(async () => {
  await identity?.close();
  await sandbox?.close();
});

const dropNextCreate = () =>
  sandbox.argyle.faults.next({ kind: 'drop-after', method: 'POST', path: '/v2/users' });
const lookups = () => matching(sandbox.argyle.requests(), 'GET', '/v2/users').length;

describe('Argyle v2 createUser reconciliation (sandbox)', () => {
  it('a create processed but unanswered is reconciled: the stored user, without a link token', async () => {
    const input = usApplicant(1, 'applicant-r1');
    dropNextCreate();
    const created = await service.createUser(input);
    expect(created.linkToken).toBeUndefined();
    expect(created.user).toMatchObject({
      provider: 'argyle',
      externalId: 'applicant-r1',
      firstName: input.firstName,
      lastName: input.lastName,
      email: input.email,
      birthDate: input.birthDate,
      nationalId: input.nationalId,
      metadata: input.metadata,
    });
    expect(created.user.createdAt).toBeTypeOf('string');
    expect(sandbox.argyle.userCount()).toBe(1);
    expect(lookups()).toBe(1);
    // The caller gets its token the documented way.
    expect((await service.createLinkToken(created.user.id)).token.length).toBeGreaterThan(10);
  });

  it("other users sharing the externalId but not the body are not mistaken for this call's", async () => {
    await service.createUser(usApplicant(2, 'applicant-shared'));
    await service.createUser({ ...usApplicant(3, 'applicant-shared'), email: undefined });
    dropNextCreate();
    const created = await service.createUser(usApplicant(4, 'applicant-shared'));
    expect(created.linkToken).toBeUndefined();
    expect(created.user.lastName).toBe(usApplicant(4).lastName);
    expect(sandbox.argyle.userCount()).toBe(3);
  });

  it('a field not sent but held by the candidate rules it out (a fresh user would not have it)', async () => {
    const input = usApplicant(5, 'applicant-extra');
    const { email: _e, ...withoutEmail } = input;
    await service.createUser(input); // same everything, plus an email
    dropNextCreate();
    const created = await service.createUser(withoutEmail);
    expect(created.user.email).toBeUndefined();
    expect(created.user.lastName).toBe(input.lastName);
  });

  it("another call's identical user is never handed out: a call dropped BEFORE the provider stored it ends outcome_unknown", async () => {
    // Call A creates the user; call B, same input, is dropped before the provider stores anything.
    // B's lookup finds A's user (same externalId, same fields, created moments ago): without a
    // marker of its own B would resolve with it, and two calls would own one user.
    const input = usApplicant(6, 'applicant-twice');
    const a = await service.createUser(input);
    sandbox.argyle.faults.next({ kind: 'drop-before', method: 'POST', path: '/v2/users' });
    const { value, error } = await settle(() => service.createUser(input));
    expect(value?.user.id, "B must never get A's user").toBeUndefined();
    const e = error as OutcomeUnknownError;
    expect(e.code).toBe('outcome_unknown');
    expect(e.reconciliation).toMatchObject({
      tenant: 'us',
      provider: 'argyle',
      externalId: 'applicant-twice',
    });
    expect(e.message).toMatch(/found nothing/);
    expect(lookups()).toBe(1);
    expect(sandbox.argyle.userCount()).toBe(1);
    expect((await service.getUser(a.user.id)).id).toBe(a.user.id);
  });

  it('a call dropped AFTER the provider stored it reconciles to its own user, not the identical earlier one', async () => {
    const input = usApplicant(16, 'applicant-twice-b');
    const a = await service.createUser(input);
    dropNextCreate();
    const b = await service.createUser(input);
    expect(b.linkToken).toBeUndefined();
    expect(b.user.id).not.toBe(a.user.id);
    expect(sandbox.argyle.userCount()).toBe(2);
    const held: string[] = [];
    for await (const u of service.listUsers({ externalId: 'applicant-twice-b' })) held.push(u.id);
    expect(held.sort()).toEqual([a.user.id, b.user.id].sort());
    // What the caller gets back never shows the marker.
    expect(b.user.metadata).toEqual(input.metadata);
    expect(matching(sandbox.argyle.requests(), 'POST', '/v2/users')).toHaveLength(2);
  });

  it('every page is read (the match is on the second page of 200)', async () => {
    for (let i = 0; i < 200; i += 50) {
      await Promise.all(
        Array.from({ length: 50 }, (_, j) =>
          service.createUser({ ...usApplicant(i + j, 'applicant-many'), email: undefined }),
        ),
      );
    }
    dropNextCreate();
    const created = await service.createUser(usApplicant(999, 'applicant-many'));
    expect(created.linkToken).toBeUndefined();
    expect(created.user.lastName).toBe(usApplicant(999).lastName);
    const pages = matching(sandbox.argyle.requests(), 'GET', '/v2/users');
    expect(pages).toHaveLength(2);
    // That every page carries the filter and the page size (a cursor alone does not) is pinned on
    // the wire by test/providers/argyle/reconcile-lookup.test.ts: the sandbox's log keeps no query.
  });

  it('no externalId: nothing to look up → outcome_unknown without a lookup', async () => {
    dropNextCreate();
    const { error } = await settle(() => service.createUser(usApplicant(7)));
    expect((error as PayrollIdentityError).code).toBe('outcome_unknown');
    expect(lookups()).toBe(0);
    expect(sandbox.argyle.userCount()).toBe(1);
  });

  it('a lookup that fails → outcome_unknown naming the lookup failure; the create is not resent', async () => {
    dropNextCreate();
    sandbox.argyle.faults.next({ kind: 'server-error', status: 500, method: 'GET', path: '/v2/users' });
    const { error } = await settle(() => service.createUser(usApplicant(8, 'applicant-lookup-fails')));
    expect((error as PayrollIdentityError).code).toBe('outcome_unknown');
    expect((error as Error).message).toMatch(/lookup to reconcile it failed \(provider_unavailable\)/);
    expect(matching(sandbox.argyle.requests(), 'POST', '/v2/users')).toHaveLength(1);
  });
});

describe('matchesCreate', () => {
  const started = Date.parse('2026-01-01T12:00:00.000Z');
  const nonce = '3f2c1b8e-4d5a-4e6f-9a7b-8c9d0e1f2a3b';
  const marker = (n: string) => ({ [MARKER_KEY]: { [NONCE_FIELD]: n } });
  const body = {
    first_name: 'Sarah',
    last_name: 'Longfield',
    email: 'sarah@example.com',
    address: { line1: '1 Main Street', postal_code: '62701' },
    birth_date: { year: 1990, month: 5, day: 17 },
    external_metadata: { a: 1, b: { c: [1, 2] }, ...marker(nonce) },
    external_id: 'applicant-m',
  };
  const held = (over: Partial<V2User> = {}): V2User => ({
    id: '0f8fad5b-d9cb-469f-a165-70867728950e',
    created_at: '2026-01-01T12:00:01.000Z',
    first_name: 'Sarah',
    last_name: 'Longfield',
    email: 'sarah@example.com',
    phone_number: null,
    ssn: null,
    address: {
      line1: '1 Main Street',
      line2: null,
      city: null,
      state: null,
      country: null,
      postal_code: '62701',
    },
    birth_date: { year: 1990, month: 5, day: 17 },
    external_metadata: { ...marker(nonce), b: { c: [1, 2] }, a: 1 },
    external_id: 'applicant-m',
    ...over,
  });

  it("matches what was sent, with this call's nonce (metadata key order does not matter)", () => {
    expect(matchesCreate(held(), body, nonce, started)).toBe(true);
  });
  type Body = Parameters<typeof matchesCreate>[1];
  const cases: [string, Partial<V2User>, Body?][] = [
    ['another external id', { external_id: 'applicant-n' }],
    ['a different sent field', { email: 'other@example.com' }],
    ['a field not sent but held', { phone_number: '+14155550123' }],
    [
      'an address line not sent but held',
      { address: { line1: '1 Main Street', line2: 'Apt 4', postal_code: '62701' } },
    ],
    ['another birth day', { birth_date: { year: 1990, month: 5, day: 18 } }],
    ['other metadata', { external_metadata: { a: 2, b: { c: [1, 2] }, ...marker(nonce) } }],
    [
      "another call's nonce (same fields otherwise)",
      { external_metadata: { a: 1, b: { c: [1, 2] }, ...marker('0f8fad5b-d9cb-469f-a165-70867728950e') } },
    ],
    ['no nonce held (same fields otherwise)', { external_metadata: { a: 1, b: { c: [1, 2] } } }],
    ['a body sent without the nonce', {}, { ...body, external_metadata: { a: 1, b: { c: [1, 2] } } }],
    ['metadata held but not sent', {}, { ...body, external_metadata: undefined }],
    ['no creation time', { created_at: null }],
    [
      'created before the call, beyond the skew allowance',
      { created_at: new Date(started - CLOCK_SKEW_MS - 1000).toISOString() },
    ],
  ];
  it.each(cases)('rejects %s', (_what, over, sent = body) => {
    expect(matchesCreate(held(over), sent, nonce, started)).toBe(false);
  });
  it('an empty nonce never matches', () => {
    expect(
      matchesCreate(
        held({ external_metadata: marker('') }),
        { ...body, external_metadata: marker('') },
        '',
        started,
      ),
    ).toBe(false);
  });
  it('accepts a creation time within the skew allowance before the call', () => {
    expect(
      matchesCreate(
        held({ created_at: new Date(started - CLOCK_SKEW_MS + 1000).toISOString() }),
        body,
        nonce,
        started,
      ),
    ).toBe(true);
  });
});

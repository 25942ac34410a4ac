/**
 * Argyle deliveries as its reference shows them (https://docs.argyle.com/api-reference/accounts-webhooks,
 * https://docs.argyle.com/api-reference/users-webhooks): `{event, name, data: {account?, user, resource?}}`,
 * signed in `X-Argyle-Signature` with the hex HMAC-SHA512 of the raw body. The four events the library
 * maps read as their neutral types; any other event is a `provider_event`, never an error.
 */
import { inspect } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { rejection } from '../../../src/testing/assertions.js';
import {
  ACCOUNT_ID,
  ARGYLE_SECRET,
  argyleDelivery,
  identityWith,
  PERSON,
  sign,
  signedArgyle,
  USER_ID,
} from './support.js';

const identity = identityWith();
afterAll(() => identity.close());

const ACCOUNT_EVENTS = [
  ['accounts.added', 'user.account_added', 'An account was created'],
  ['accounts.connected', 'user.account_connected', 'An account was connected'],
  ['accounts.failed', 'user.account_failed', 'An account failed'],
] as const;

describe('Argyle deliveries', () => {
  it.each(ACCOUNT_EVENTS)('%s → %s, with the user and the account', async (providerEvent, type, name) => {
    const body = argyleDelivery(providerEvent, { account: ACCOUNT_ID, user: USER_ID }, name);
    const event = await identity.parseWebhook({ tenant: 'acme-us', ...signedArgyle(body) });
    expect({ ...event }).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{64}$/),
      type,
      provider: 'argyle',
      tenant: 'acme-us',
      userId: USER_ID,
      accountId: ACCOUNT_ID,
      providerEvent,
    });
    expect(event.payload).toEqual(JSON.parse(body));
  });

  it('users.fully_synced → user.fully_synced (its resource, as the reference shows it)', async () => {
    const body = argyleDelivery('users.fully_synced', {
      user: USER_ID,
      resource: {
        id: USER_ID,
        accounts_connected: [ACCOUNT_ID],
        items_connected: ['item_000000001'],
        employers_connected: ['Whole Goods'],
        external_metadata: {},
        external_id: 'applicant-0001',
        created_at: '2023-04-27T07:02:01.279Z',
      },
    });
    const event = await identity.parseWebhook({ tenant: 'acme-us', ...signedArgyle(body) });
    expect(event).toMatchObject({
      type: 'user.fully_synced',
      userId: USER_ID,
      providerEvent: 'users.fully_synced',
    });
    expect(event.accountId).toBeUndefined();
  });

  it('an event the library does not map is a provider_event, not an error', async () => {
    const body = argyleDelivery('paystubs.added', { account: ACCOUNT_ID, user: USER_ID, paystub: 'p_1' });
    const event = await identity.parseWebhook({ tenant: 'acme-us', ...signedArgyle(body) });
    expect(event).toMatchObject({ type: 'provider_event', providerEvent: 'paystubs.added', userId: USER_ID });
  });

  it('an unmapped event without a user (an Items webhook) is a provider_event too', async () => {
    const body = argyleDelivery('items.updated', { item: 'item_000000001' });
    const event = await identity.parseWebhook({ tenant: 'acme-us', ...signedArgyle(body) });
    expect(event).toMatchObject({ type: 'provider_event', providerEvent: 'items.updated' });
    expect(event.userId).toBeUndefined();
  });

  it('an unmapped event without data at all is still a provider_event', async () => {
    const body = JSON.stringify({ event: 'items.removed', name: 'payroll-identity-acme-us' });
    const event = await identity.parseWebhook({ tenant: 'acme-us', ...signedArgyle(body) });
    expect(event).toMatchObject({ type: 'provider_event', providerEvent: 'items.removed' });
  });

  it('a mapped event without its user or account is not the documented shape', async () => {
    for (const data of [
      { account: ACCOUNT_ID },
      { user: USER_ID },
      { user: 42, account: ACCOUNT_ID },
      undefined,
    ]) {
      const body =
        data === undefined
          ? JSON.stringify({ event: 'accounts.connected', name: 'x' })
          : argyleDelivery('accounts.connected', data);
      const error = await rejection(() =>
        identity.parseWebhook({ tenant: 'acme-us', ...signedArgyle(body) }),
      );
      expect(error).toMatchObject({ code: 'invalid_webhook', reason: 'payload', provider: 'argyle' });
    }
  });

  it('the included resource stays in the payload, which printing the event never shows', async () => {
    const body = argyleDelivery('accounts.connected', {
      account: ACCOUNT_ID,
      user: USER_ID,
      resource: { id: ACCOUNT_ID, user: USER_ID, employers: ['homedepot'], owner: { ssn: PERSON.ssn } },
    });
    const event = await identity.parseWebhook({ tenant: 'acme-us', ...signedArgyle(body) });
    expect((event.payload.data as { resource: { owner: { ssn: string } } }).resource.owner.ssn).toBe(
      PERSON.ssn,
    );
    for (const shown of [
      JSON.stringify(event),
      inspect(event, { depth: 10 }),
      String(Object.values(event)),
    ]) {
      expect(shown).not.toContain(PERSON.ssn);
      expect(shown).toContain(USER_ID);
    }
    expect(Object.isFrozen(event)).toBe(true);
  });
});

describe('headers, however the host has them', () => {
  const body = argyleDelivery('accounts.connected', { account: ACCOUNT_ID, user: USER_ID });
  const signature = sign(body, ARGYLE_SECRET);

  it.each([
    ['lower case (Node)', { 'x-argyle-signature': signature }],
    ['as documented', { 'X-Argyle-Signature': signature }],
    ['mixed case', { 'x-ArGyLe-SIGNATURE': signature, 'Content-Type': 'application/json' }],
    ['a one-value list', { 'x-argyle-signature': [signature] }],
    ['upper-case hex', { 'x-argyle-signature': signature.toUpperCase() }],
    ['surrounded by spaces', { 'x-argyle-signature': ` ${signature} ` }],
  ])('a record, %s', async (_what, headers) => {
    const event = await identity.parseWebhook({ tenant: 'acme-us', headers, body });
    expect(event.type).toBe('user.account_connected');
  });

  it('a fetch Headers object', async () => {
    const headers = new Headers({ 'X-Argyle-Signature': signature, 'Content-Type': 'application/json' });
    const event = await identity.parseWebhook({ tenant: 'acme-us', headers, body });
    expect(event.type).toBe('user.account_connected');
  });

  it.each([
    ['two spellings of the name', { 'x-argyle-signature': signature, 'X-Argyle-Signature': signature }],
    ['two values', { 'x-argyle-signature': [signature, signature] }],
  ])('the signature header given twice (%s) is ambiguous: refused', async (_what, headers) => {
    const error = await rejection(() => identity.parseWebhook({ tenant: 'acme-us', headers, body }));
    expect(error).toMatchObject({ code: 'invalid_webhook', reason: 'signature' });
    expect(error.message).toContain('more than once');
  });

  it('a Headers object with the signature appended twice is refused', async () => {
    const headers = new Headers();
    headers.append('X-Argyle-Signature', signature);
    headers.append('X-Argyle-Signature', signature);
    const error = await rejection(() => identity.parseWebhook({ tenant: 'acme-us', headers, body }));
    expect(error).toMatchObject({ code: 'invalid_webhook', reason: 'signature' });
  });

  it.each([
    ['a string', 'x-argyle-signature: abc'],
    ['an array', [['x-argyle-signature', signature]]],
    ['null', null],
  ])('headers that are %s: invalid_input, before any check', async (_what, headers) => {
    const error = await rejection(() =>
      identity.parseWebhook({ tenant: 'acme-us', headers: headers as never, body }),
    );
    expect(error).toMatchObject({ code: 'invalid_input', fieldErrors: { headers: [expect.any(String)] } });
  });

  it('headers whose getter throws: invalid_input, never the host’s own error', async () => {
    const headers = {
      get 'x-argyle-signature'(): string {
        throw new Error(`host secret ${ARGYLE_SECRET}`);
      },
    };
    const error = await rejection(() => identity.parseWebhook({ tenant: 'acme-us', headers, body }));
    expect(error).toMatchObject({ code: 'invalid_input' });
    expect(JSON.stringify(error)).not.toContain(ARGYLE_SECRET);
  });
});

/**
 * Teal deliveries (https://docs.goteal.co/api-reference/webhooks): in clear, and encrypted with
 * AES-256-GCM ("first encrypted and then signed"): the body is base64(ciphertext ‖ 16-byte tag), the
 * IV (base64) in `X-Teal-Encryption-IV`, the signature over the encrypted body. Encrypted here with
 * `node:crypto`, never with the library's code.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { expectNoLeak, rejection } from '../../../src/testing/assertions.js';
import {
  encrypt,
  encryptedTeal,
  identityWith,
  PERSON,
  sign,
  TEAL_KEY,
  TEAL_SECRET,
  TEAL_USER_ID,
  tealDelivery,
} from './support.js';

const identity = identityWith();
afterAll(() => identity.close());

/** The reference's `include_payload` example, with obviously fake people. */
const WITH_PAYLOAD = tealDelivery({
  entry_id: 'cc48a12c-0e98-47aa-b281-f203403470d0',
  account_id: 'f68961c9-a083-4bfd-a3c6-0ae169b48f35',
  payload: {
    entry_id: 'cc48a12c-0e98-47aa-b281-f203403470d0',
    payroll_submissions: [
      {
        identity_information: {
          name: PERSON.name,
          date_of_birth: PERSON.birthDate,
          email: PERSON.email,
          NI_number: PERSON.ni,
        },
      },
    ],
  },
});

describe('Teal deliveries in clear', () => {
  it('user-payroll-submitted → user.payroll_submitted, with the account and the timestamp', async () => {
    const body = WITH_PAYLOAD;
    const event = await identity.parseWebhook({
      tenant: 'brit-clear',
      headers: { 'x-teal-signature': sign(body, TEAL_SECRET) },
      body,
    });
    expect({ ...event }).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{64}$/),
      type: 'user.payroll_submitted',
      provider: 'teal',
      tenant: 'brit-clear',
      userId: TEAL_USER_ID,
      accountId: 'f68961c9-a083-4bfd-a3c6-0ae169b48f35',
      occurredAt: '2024-04-17T13:56:03.277Z',
      providerEvent: 'user-payroll-submitted',
    });
    expect(JSON.stringify(event)).not.toContain(PERSON.ni);
  });

  it('a payslip upload (account_id null) has no accountId', async () => {
    const body = tealDelivery({ account_id: null, entry_id: 'cc48a12c-0e98-47aa-b281-f203403470d0' });
    const event = await identity.parseWebhook({
      tenant: 'brit-clear',
      headers: { 'x-teal-signature': sign(body, TEAL_SECRET) },
      body,
    });
    expect(event.accountId).toBeUndefined();
  });

  it('another event name is a provider_event', async () => {
    const body = tealDelivery({ event: 'user-hmrc-data-submitted' });
    const event = await identity.parseWebhook({
      tenant: 'brit-clear',
      headers: { 'x-teal-signature': sign(body, TEAL_SECRET) },
      body,
    });
    expect(event).toMatchObject({ type: 'provider_event', providerEvent: 'user-hmrc-data-submitted' });
  });

  it('an encrypted delivery to a tenant without an encryptionKey: decryption, not a JSON error', async () => {
    const { headers, body } = encryptedTeal(tealDelivery());
    const error = await rejection(() => identity.parseWebhook({ tenant: 'brit-clear', headers, body }));
    expect(error).toMatchObject({ code: 'invalid_webhook', reason: 'decryption' });
  });
});

describe('encrypted Teal deliveries', () => {
  it('decrypts, verifies and reads one', async () => {
    const { headers, body } = encryptedTeal(WITH_PAYLOAD);
    const event = await identity.parseWebhook({ tenant: 'brit-lend', headers, body });
    expect(event).toMatchObject({ type: 'user.payroll_submitted', userId: TEAL_USER_ID, provider: 'teal' });
    expect(event.payload).toEqual(JSON.parse(WITH_PAYLOAD));
  });

  it('the same content encrypted twice (two IVs) has the same id: a redelivery is recognised', async () => {
    const first = await identity.parseWebhook({ tenant: 'brit-lend', ...encryptedTeal(WITH_PAYLOAD) });
    const second = await identity.parseWebhook({ tenant: 'brit-lend', ...encryptedTeal(WITH_PAYLOAD) });
    expect(second.id).toBe(first.id);
  });

  it('a 16-byte IV is accepted too', async () => {
    const { body, iv } = encrypt(tealDelivery(), TEAL_KEY, randomBytes(16));
    const event = await identity.parseWebhook({
      tenant: 'brit-lend',
      headers: { 'X-Teal-Signature': sign(body, TEAL_SECRET), 'X-Teal-Encryption-IV': iv },
      body,
    });
    expect(event.type).toBe('user.payroll_submitted');
  });

  /** A delivery altered after encryption, then signed again (so only the decryption can catch it). */
  function resigned(body: string, iv: string): { headers: Record<string, string>; body: string } {
    return { headers: { 'x-teal-signature': sign(body, TEAL_SECRET), 'x-teal-encryption-iv': iv }, body };
  }

  it('garbled ciphertext: decryption', async () => {
    const { ciphertext, tag, iv } = encrypt(tealDelivery());
    ciphertext[3] = (ciphertext[3] ?? 0) ^ 0xff;
    const body = Buffer.concat([ciphertext, tag]).toString('base64');
    const error = await rejection(() =>
      identity.parseWebhook({ tenant: 'brit-lend', ...resigned(body, iv) }),
    );
    expect(error).toMatchObject({ code: 'invalid_webhook', reason: 'decryption', provider: 'teal' });
  });

  it('the wrong IV: decryption', async () => {
    const { body } = encrypt(tealDelivery());
    const error = await rejection(() =>
      identity.parseWebhook({ tenant: 'brit-lend', ...resigned(body, randomBytes(12).toString('base64')) }),
    );
    expect(error).toMatchObject({ code: 'invalid_webhook', reason: 'decryption' });
  });

  it('a truncated tag: decryption', async () => {
    const { ciphertext, tag, iv } = encrypt(tealDelivery());
    const body = Buffer.concat([ciphertext, tag.subarray(0, 12)]).toString('base64');
    const error = await rejection(() =>
      identity.parseWebhook({ tenant: 'brit-lend', ...resigned(body, iv) }),
    );
    expect(error).toMatchObject({ code: 'invalid_webhook', reason: 'decryption' });
  });

  it('encrypted with another key: decryption', async () => {
    const { body, iv } = encrypt(tealDelivery(), randomBytes(32).toString('base64'));
    const error = await rejection(() =>
      identity.parseWebhook({ tenant: 'brit-lend', ...resigned(body, iv) }),
    );
    expect(error).toMatchObject({ code: 'invalid_webhook', reason: 'decryption' });
  });

  it('too short to hold a tag: decryption', async () => {
    const body = randomBytes(12).toString('base64');
    const error = await rejection(() =>
      identity.parseWebhook({ tenant: 'brit-lend', ...resigned(body, randomBytes(12).toString('base64')) }),
    );
    expect(error).toMatchObject({ code: 'invalid_webhook', reason: 'decryption' });
  });

  it('an unencrypted body when the tenant has a key: decryption (even signed right)', async () => {
    const body = tealDelivery();
    const signed = { 'x-teal-signature': sign(body, TEAL_SECRET) };
    const withoutIv = await rejection(() =>
      identity.parseWebhook({ tenant: 'brit-lend', headers: signed, body }),
    );
    expect(withoutIv).toMatchObject({ code: 'invalid_webhook', reason: 'decryption' });
    expect(withoutIv.message).toContain('not encrypted');
    const withIv = await rejection(() =>
      identity.parseWebhook({
        tenant: 'brit-lend',
        headers: { ...signed, 'x-teal-encryption-iv': randomBytes(12).toString('base64') },
        body,
      }),
    );
    expect(withIv).toMatchObject({ code: 'invalid_webhook', reason: 'decryption' });
  });

  it.each([
    ['not base64', '!!!not-base64!!!'],
    ['too short', Buffer.alloc(4).toString('base64')],
    ['too long', Buffer.alloc(64).toString('base64')],
  ])('an IV header that is %s: decryption', async (_what, iv) => {
    const { body } = encrypt(tealDelivery());
    const error = await rejection(() =>
      identity.parseWebhook({ tenant: 'brit-lend', ...resigned(body, iv) }),
    );
    expect(error).toMatchObject({ code: 'invalid_webhook', reason: 'decryption' });
  });

  it('the signature covers the encrypted body: a signature of the plaintext is refused', async () => {
    const plaintext = tealDelivery();
    const { body, iv } = encrypt(plaintext);
    const error = await rejection(() =>
      identity.parseWebhook({
        tenant: 'brit-lend',
        headers: { 'x-teal-signature': sign(plaintext, TEAL_SECRET), 'x-teal-encryption-iv': iv },
        body,
      }),
    );
    expect(error).toMatchObject({ code: 'invalid_webhook', reason: 'signature' });
  });

  it('a decrypted body that is not JSON, or not Teal’s shape: payload', async () => {
    for (const plaintext of ['not json at all', JSON.stringify({ event: 'user-payroll-submitted' })]) {
      const error = await rejection(() =>
        identity.parseWebhook({ tenant: 'brit-lend', ...encryptedTeal(plaintext) }),
      );
      expect(error).toMatchObject({ code: 'invalid_webhook', reason: 'payload' });
    }
  });

  it('no error of an encrypted delivery shows its plaintext, key or secret', async () => {
    const cases = [
      () => {
        const { ciphertext, tag, iv } = encrypt(WITH_PAYLOAD);
        ciphertext[0] = (ciphertext[0] ?? 0) ^ 1;
        return resigned(Buffer.concat([ciphertext, tag]).toString('base64'), iv);
      },
      () => encryptedTeal(WITH_PAYLOAD.replace('"event"', '"evnt"')),
      () => ({ headers: { 'x-teal-signature': sign(WITH_PAYLOAD, TEAL_SECRET) }, body: WITH_PAYLOAD }),
    ];
    for (const make of cases) {
      const error = await rejection(() => identity.parseWebhook({ tenant: 'brit-lend', ...make() }));
      expect(error.code).toBe('invalid_webhook');
      expectNoLeak(error, [
        TEAL_SECRET,
        TEAL_KEY,
        PERSON.ni,
        PERSON.email,
        PERSON.name,
        'payroll_submissions',
      ]);
    }
  });
});

/**
 * Teal's published example (https://docs.goteal.co/api-reference/webhooks, "Verifying Webhooks";
 * the page's source is `api-reference/webhooks.mdx` of Teal's docs repository): with the signing
 * secret `mysecret`, the delivery below must carry the signature below.
 *
 * The page shows the payload pretty-printed; the signature it gives is that of the payload on one
 * line with `": "` and `", "` separators (Python's `json.dumps` default), which is the body used
 * here, byte for byte. Checked independently with `openssl dgst -sha512 -hmac mysecret`.
 */
import { createHmac } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { createPayrollIdentity } from '../../../src/index.js';
import { rejection } from '../../../src/testing/assertions.js';

const PUBLISHED_SECRET = 'mysecret';
const PUBLISHED_BODY =
  '{"event": "user-payroll-submitted", "user_id": "4708334c-70b3-437d-8e46-91ff5c9a8d7d", "timestamp": "2024-04-04T12:00:00.00Z"}';
const PUBLISHED_SIGNATURE =
  'a30540779107a19069257432b775b74b16b32214616638fae2e6027a41a3f2dfb08f44daf3862c335d08fb83501fc769f73d49a1cb137f96f31c6a7db412c197';

const identity = createPayrollIdentity({
  tenants: {
    'teal-docs': {
      provider: 'teal',
      environment: 'sandbox',
      credentials: { apiKey: 'teal-api-key-0123456789' },
      webhooks: { secret: PUBLISHED_SECRET },
    },
  },
});
afterAll(() => identity.close());

describe("Teal's published webhook example", () => {
  it('is what HMAC-SHA512 of the body gives (the example, as copied, is consistent)', () => {
    expect(createHmac('sha512', PUBLISHED_SECRET).update(PUBLISHED_BODY).digest('hex')).toBe(
      PUBLISHED_SIGNATURE,
    );
  });

  it('is accepted, and reads as a neutral user.payroll_submitted', async () => {
    const event = await identity.parseWebhook({
      tenant: 'teal-docs',
      headers: { 'X-Teal-Signature': PUBLISHED_SIGNATURE },
      body: PUBLISHED_BODY,
    });
    expect({ ...event }).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{64}$/),
      type: 'user.payroll_submitted',
      provider: 'teal',
      tenant: 'teal-docs',
      userId: '4708334c-70b3-437d-8e46-91ff5c9a8d7d',
      occurredAt: '2024-04-04T12:00:00.00Z',
      providerEvent: 'user-payroll-submitted',
    });
    expect(event.payload).toEqual(JSON.parse(PUBLISHED_BODY));
  });

  it('is accepted as raw bytes too, and gives the same id', async () => {
    const asText = await identity.parseWebhook({
      tenant: 'teal-docs',
      headers: { 'x-teal-signature': PUBLISHED_SIGNATURE },
      body: PUBLISHED_BODY,
    });
    const asBytes = await identity.parseWebhook({
      tenant: 'teal-docs',
      headers: { 'x-teal-signature': PUBLISHED_SIGNATURE },
      body: Buffer.from(PUBLISHED_BODY, 'utf8'),
    });
    expect(asBytes.id).toBe(asText.id);
  });

  it('the pretty-printed form the page shows is a different body: refused', async () => {
    const pretty = JSON.stringify(JSON.parse(PUBLISHED_BODY), null, 4);
    const error = await rejection(() =>
      identity.parseWebhook({
        tenant: 'teal-docs',
        headers: { 'x-teal-signature': PUBLISHED_SIGNATURE },
        body: pretty,
      }),
    );
    expect(error).toMatchObject({ code: 'invalid_webhook', reason: 'signature' });
  });

  it('one changed character of the signature is refused', async () => {
    const last = PUBLISHED_SIGNATURE.at(-1) === '7' ? '8' : '7';
    const error = await rejection(() =>
      identity.parseWebhook({
        tenant: 'teal-docs',
        headers: { 'x-teal-signature': `${PUBLISHED_SIGNATURE.slice(0, -1)}${last}` },
        body: PUBLISHED_BODY,
      }),
    );
    expect(error).toMatchObject({ code: 'invalid_webhook', reason: 'signature' });
  });
});

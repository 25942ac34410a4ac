/**
 * Findings of an independent review of webhook verification: ids per tenant, the payload kept out of
 * every printing and frozen, subscription URLs sent as checked, and header objects that are not
 * records.
 */
import { createHmac } from 'node:crypto';
import { format, inspect } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { createPayrollIdentity } from '../../../src/index.js';
import { rejection } from '../../../src/testing/assertions.js';

const SECRET = 'review-webhook-secret-0001';
const tenant = (provider: 'argyle' | 'teal') => ({
  provider,
  environment: 'sandbox' as const,
  credentials:
    provider === 'argyle'
      ? { apiKeyId: 'review-key-id-0001', apiKeySecret: 'review-key-secret-0001' }
      : { apiKey: 'review-teal-key-0001' },
  webhooks: { secret: SECRET },
});
const identity = createPayrollIdentity({
  tenants: { 'brand-a': tenant('teal'), 'brand-b': tenant('teal'), us: tenant('argyle') },
});
afterAll(() => identity.close());

const teal = JSON.stringify({
  event: 'user-payroll-submitted',
  user_id: '4708334c-70b3-437d-8e46-91ff5c9a8d7d',
  timestamp: '2024-04-04T12:00:00.00Z',
});
const signed = (body: string) => ({
  'x-teal-signature': createHmac('sha512', SECRET).update(body).digest('hex'),
});
const argyleBody = JSON.stringify({
  event: 'users.fully_synced',
  name: 'lender-hook',
  data: {
    user: '0187c66e-e7e5-811c-b006-2232f00f426a',
    resource: { ssn: '123-45-6789', email: 'jane.doe@example.com' },
  },
});
const argyleHeaders = { 'X-Argyle-Signature': createHmac('sha512', SECRET).update(argyleBody).digest('hex') };

describe('webhook review fixes', () => {
  it('the same delivery to two tenants sharing a provider account gets two ids', async () => {
    const a = await identity.parseWebhook({ tenant: 'brand-a', headers: signed(teal), body: teal });
    const b = await identity.parseWebhook({ tenant: 'brand-b', headers: signed(teal), body: teal });
    expect(a.id).not.toBe(b.id);
    expect((await identity.parseWebhook({ tenant: 'brand-a', headers: signed(teal), body: teal })).id).toBe(
      a.id,
    );
  });

  it('the payload is in no printing (not even %o or showHidden) and is frozen all the way down', async () => {
    const event = await identity.parseWebhook({ tenant: 'us', headers: argyleHeaders, body: argyleBody });
    for (const text of [
      format('%o', event),
      inspect(event, { showHidden: true, depth: Number.POSITIVE_INFINITY }),
      JSON.stringify(event),
    ]) {
      expect(text).not.toContain('123-45-6789');
      expect(text).not.toContain('jane.doe@example.com');
    }
    const payload = event.payload as { data: { user: string; resource: { ssn: string } } };
    expect(payload.data.resource.ssn).toBe('123-45-6789');
    expect(Object.isFrozen(payload.data.resource)).toBe(true);
    expect(() => {
      (payload.data as { user: string }).user = 'someone-else';
    }).toThrow(TypeError);
  });

  it('a Map or a headers class that is not the global Headers is invalid_input, not "unsigned"', async () => {
    const headers = new Map(Object.entries(argyleHeaders));
    const error = await rejection(() =>
      identity.parseWebhook({ tenant: 'us', headers: headers as never, body: argyleBody }),
    );
    expect(error.code).toBe('invalid_input');
  });

  it.each([
    ' https://lender.example/x ',
    'https://lender.example/we\nbhooks',
    'https:lender.example/x',
    'https:\\\\lender.example\\x',
    'http://0x7f000001/x',
    'HTTPS://Lender.Example/x',
  ])('a subscription URL the parser would repair (%j) is invalid_input, unsent', async (url) => {
    const error = await rejection(() => identity.forTenant('us').webhooks.subscribe({ url }));
    expect(error.code).toBe('invalid_input');
  });
});

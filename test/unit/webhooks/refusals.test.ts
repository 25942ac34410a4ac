/**
 * Deliveries `parseWebhook` must refuse with `invalid_webhook` (and the step, as `reason`), and
 * what it must accept: rotation with two secrets, retained providers, the same delivery twice. No
 * error, however it is printed, shows a secret, the body or personal data from it.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createPayrollIdentity, isPayrollIdentityError } from '../../../src/index.js';
import { everyRendering, expectNoLeak, rejection } from '../../../src/testing/assertions.js';
import {
  ACCOUNT_ID,
  ARGYLE_CREDENTIALS,
  ARGYLE_OLD_SECRET,
  ARGYLE_SECRET,
  argyleDelivery,
  identityWith,
  OTHER_TENANT_SECRET,
  PERSON,
  sign,
  signedArgyle,
  TEAL_API_KEY,
  TEAL_KEY,
  TEAL_SECRET,
  tealDelivery,
  USER_ID,
} from './support.js';

const identity = identityWith();
afterAll(() => identity.close());

/** A delivery carrying personal data (an included resource), so that a leak would show. */
const BODY = argyleDelivery('accounts.connected', {
  account: ACCOUNT_ID,
  user: USER_ID,
  resource: { id: ACCOUNT_ID, owner: { ssn: PERSON.ssn, ni: PERSON.ni, email: PERSON.email } },
});

/** Everything no rendering of an error may show. */
const NEVER_SHOWN = [
  ARGYLE_SECRET,
  ARGYLE_OLD_SECRET,
  OTHER_TENANT_SECRET,
  TEAL_SECRET,
  TEAL_KEY,
  PERSON.ssn,
  PERSON.ni,
  PERSON.email,
  sign(BODY, ARGYLE_SECRET),
  sign(BODY, OTHER_TENANT_SECRET),
  '"resource"',
  'accounts.connected',
];

type Case = [
  what: string,
  tenant: string,
  delivery: () => { headers: unknown; body: unknown },
  reason: string,
];

const CASES: Case[] = [
  [
    'a tampered body',
    'acme-us',
    () => ({ headers: signedArgyle(BODY).headers, body: BODY.replace(USER_ID, ACCOUNT_ID) }),
    'signature',
  ],
  [
    'an unsigned delivery',
    'acme-us',
    () => ({ headers: { 'content-type': 'application/json' }, body: BODY }),
    'signature',
  ],
  [
    'a wrong signature',
    'acme-us',
    () => ({ headers: { 'x-argyle-signature': sign(`${BODY} `, ARGYLE_SECRET) }, body: BODY }),
    'signature',
  ],
  ["another tenant's secret", 'acme-us', () => signedArgyle(BODY, OTHER_TENANT_SECRET), 'signature'],
  ["this tenant's delivery sent to another tenant", 'other-us', () => signedArgyle(BODY), 'signature'],
  [
    'the signature header of a provider the tenant does not use',
    'acme-us',
    () => ({ headers: { 'x-teal-signature': sign(BODY, ARGYLE_SECRET) }, body: BODY }),
    'signature',
  ],
  ['a tenant without webhooks configured', 'no-hooks', () => signedArgyle(BODY), 'signature'],
  [
    'a signature of the wrong length',
    'acme-us',
    () => ({ headers: { 'x-argyle-signature': sign(BODY, ARGYLE_SECRET).slice(2) }, body: BODY }),
    'signature',
  ],
  [
    'a signature that is not hex',
    'acme-us',
    () => ({ headers: { 'x-argyle-signature': 'z'.repeat(128) }, body: BODY }),
    'signature',
  ],
  [
    'a 1 MiB signature header',
    'acme-us',
    () => ({ headers: { 'x-argyle-signature': 'a'.repeat(1 << 20) }, body: BODY }),
    'signature',
  ],
  ['a body that is not JSON', 'acme-us', () => signedArgyle(`${BODY.slice(0, -1)}`), 'payload'],
  ['a JSON body that is not an object', 'acme-us', () => signedArgyle(JSON.stringify([BODY])), 'payload'],
  [
    'a JSON body of the wrong shape (data not an object)',
    'acme-us',
    () => signedArgyle(JSON.stringify({ event: 'accounts.connected', data: PERSON.ssn })),
    'payload',
  ],
  [
    'a body without an event',
    'acme-us',
    () => signedArgyle(JSON.stringify({ data: { user: USER_ID, ssn: PERSON.ssn } })),
    'payload',
  ],
  [
    'a body that is not UTF-8',
    'acme-us',
    () => {
      const body = Buffer.concat([
        Buffer.from(BODY.slice(0, 20)),
        Buffer.from([0xff, 0xfe]),
        Buffer.from(BODY.slice(20)),
      ]);
      return { headers: { 'x-argyle-signature': sign(body, ARGYLE_SECRET) }, body };
    },
    'payload',
  ],
];

describe('refused deliveries', () => {
  it.each(CASES)('%s: invalid_webhook (%s)', async (_what, tenant, delivery, reason) => {
    const error = await rejection(() =>
      identity.parseWebhook({ tenant, ...(delivery() as { headers: never; body: never }) }),
    );
    expect(isPayrollIdentityError(error, 'invalid_webhook')).toBe(true);
    expect(error).toMatchObject({
      code: 'invalid_webhook',
      reason,
      tenant,
      retryable: false,
      operation: 'parseWebhook',
    });
    expectNoLeak(error, NEVER_SHOWN);
    // The message says who, never what the delivery held.
    expect(error.message).toMatch(new RegExp(`tenant "${tenant}"`));
    expect(everyRendering(error).length).toBeLessThan(20_000);
  });

  it('the leak check can fail: a body quoted in an error would be found', () => {
    expect(() => expectNoLeak(new Error(`refused ${BODY}`), NEVER_SHOWN)).toThrow();
  });

  it('an unknown tenant: unknown_tenant, its id escaped and cut', async () => {
    const error = await rejection(() =>
      identity.parseWebhook({ tenant: `nobody\n${'x'.repeat(500)}`, ...signedArgyle(BODY) }),
    );
    expect(error.code).toBe('unknown_tenant');
    expect(error.message.length).toBeLessThan(200);
    const missing = await rejection(() => identity.parseWebhook({ headers: {}, body: BODY } as never));
    expect(missing.code).toBe('unknown_tenant');
  });

  it.each([
    ['a parsed JSON object', { event: 'accounts.connected' }, 'JSON body parser'],
    ['a number', 42, 'got number'],
    ['undefined', undefined, 'got undefined'],
  ])('a body that is %s: invalid_input, telling what to pass', async (_what, body, hint) => {
    const error = await rejection(() =>
      identity.parseWebhook({ tenant: 'acme-us', headers: signedArgyle(BODY).headers, body: body as never }),
    );
    expect(error).toMatchObject({ code: 'invalid_input', fieldErrors: { body: [expect.any(String)] } });
    expect(error.message).toContain(hint);
  });

  it('input that is not an object: invalid_input', async () => {
    const error = await rejection(() => identity.parseWebhook('acme-us' as never));
    expect(error.code).toBe('unknown_tenant');
    const bad = await rejection(() =>
      identity.parseWebhook(
        new Proxy(
          { tenant: 'acme-us' },
          {
            get: (target, key) => {
              if (key === 'tenant') return target.tenant;
              throw new Error(`trap ${ARGYLE_SECRET}`);
            },
          },
        ) as never,
      ),
    );
    expect(bad.code).toBe('invalid_input');
    expectNoLeak(bad, [ARGYLE_SECRET]);
  });

  it('a closed identity refuses, like forTenant', async () => {
    const closing = identityWith();
    await closing.close();
    const error = await rejection(() => closing.parseWebhook({ tenant: 'acme-us', ...signedArgyle(BODY) }));
    expect(error.code).toBe('invalid_configuration');
  });
});

describe('what is accepted', () => {
  it('rotation: the new and the old secret are both accepted, a third is refused', async () => {
    const current = await identity.parseWebhook({ tenant: 'acme-us', ...signedArgyle(BODY, ARGYLE_SECRET) });
    const old = await identity.parseWebhook({ tenant: 'acme-us', ...signedArgyle(BODY, ARGYLE_OLD_SECRET) });
    expect(current.type).toBe('user.account_connected');
    expect(old.id).toBe(current.id);
    const third = await rejection(() =>
      identity.parseWebhook({ tenant: 'acme-us', ...signedArgyle(BODY, 'a-third-secret-never-configured') }),
    );
    expect(third).toMatchObject({ code: 'invalid_webhook', reason: 'signature' });
  });

  it('rotation finished: once the old secret is dropped, its deliveries are refused', async () => {
    const rotating = identityWith();
    try {
      await rotating.setTenant('acme-us', {
        provider: 'argyle',
        environment: 'sandbox',
        credentials: ARGYLE_CREDENTIALS,
        webhooks: { secret: ARGYLE_SECRET },
      });
      await expect(
        rotating.parseWebhook({ tenant: 'acme-us', ...signedArgyle(BODY) }),
      ).resolves.toBeDefined();
      const error = await rejection(() =>
        rotating.parseWebhook({ tenant: 'acme-us', ...signedArgyle(BODY, ARGYLE_OLD_SECRET) }),
      );
      expect(error).toMatchObject({ code: 'invalid_webhook', reason: 'signature' });
    } finally {
      await rotating.close();
    }
  });

  it('the same delivery twice has the same id; another body or provider, another id', async () => {
    const first = await identity.parseWebhook({ tenant: 'acme-us', ...signedArgyle(BODY) });
    const again = await identity.parseWebhook({ tenant: 'acme-us', ...signedArgyle(BODY) });
    expect(again.id).toBe(first.id);
    const other = argyleDelivery('accounts.connected', { account: ACCOUNT_ID, user: USER_ID });
    const different = await identity.parseWebhook({ tenant: 'acme-us', ...signedArgyle(other) });
    expect(different.id).not.toBe(first.id);
    const teal = tealDelivery();
    const fromTeal = await identity.parseWebhook({
      tenant: 'brit-clear',
      headers: { 'x-teal-signature': sign(teal, TEAL_SECRET) },
      body: teal,
    });
    // The same bytes from another provider are another delivery: the provider is part of the id.
    const asArgyle = await identity.parseWebhook({ tenant: 'acme-us', ...signedArgyle(teal) });
    expect(asArgyle).toMatchObject({ provider: 'argyle', type: 'provider_event' });
    expect(asArgyle.id).not.toBe(fromTeal.id);
    expect(fromTeal.id).not.toBe(first.id);
  });

  it('a retained provider’s deliveries are verified with its own secret; the current one’s with its own', async () => {
    const moved = createPayrollIdentity({
      tenants: {
        'acme-uk': {
          provider: 'teal',
          environment: 'sandbox',
          credentials: { apiKey: TEAL_API_KEY },
          webhooks: { secret: TEAL_SECRET },
          retainedProviders: [
            {
              provider: 'argyle',
              environment: 'sandbox',
              credentials: ARGYLE_CREDENTIALS,
              webhooks: { secret: ARGYLE_SECRET },
            },
          ],
        },
      },
    });
    try {
      const fromArgyle = await moved.parseWebhook({ tenant: 'acme-uk', ...signedArgyle(BODY) });
      expect(fromArgyle).toMatchObject({
        provider: 'argyle',
        tenant: 'acme-uk',
        type: 'user.account_connected',
      });
      const teal = tealDelivery();
      const fromTeal = await moved.parseWebhook({
        tenant: 'acme-uk',
        headers: { 'X-Teal-Signature': sign(teal, TEAL_SECRET) },
        body: teal,
      });
      expect(fromTeal.provider).toBe('teal');
      // Each provider's secret is its own: Argyle's delivery signed with Teal's secret is refused.
      const crossed = await rejection(() =>
        moved.parseWebhook({ tenant: 'acme-uk', ...signedArgyle(BODY, TEAL_SECRET) }),
      );
      expect(crossed).toMatchObject({ code: 'invalid_webhook', reason: 'signature', provider: 'argyle' });
      // Both signature headers at once: which provider sent it cannot be told.
      const both = await rejection(() =>
        moved.parseWebhook({
          tenant: 'acme-uk',
          headers: {
            'x-argyle-signature': sign(BODY, ARGYLE_SECRET),
            'x-teal-signature': sign(BODY, TEAL_SECRET),
          },
          body: BODY,
        }),
      );
      expect(both).toMatchObject({ code: 'invalid_webhook', reason: 'signature' });
    } finally {
      await moved.close();
    }
  });

  it('a retained provider without webhooks configured is not a signer', async () => {
    const moved = createPayrollIdentity({
      tenants: {
        'acme-uk': {
          provider: 'teal',
          environment: 'sandbox',
          credentials: { apiKey: TEAL_API_KEY },
          webhooks: { secret: TEAL_SECRET },
          retainedProviders: [
            { provider: 'argyle', environment: 'sandbox', credentials: ARGYLE_CREDENTIALS },
          ],
        },
      },
    });
    try {
      const error = await rejection(() => moved.parseWebhook({ tenant: 'acme-uk', ...signedArgyle(BODY) }));
      expect(error).toMatchObject({ code: 'invalid_webhook', reason: 'signature' });
      expect(error.message).toContain('X-Teal-Signature');
    } finally {
      await moved.close();
    }
  });
});

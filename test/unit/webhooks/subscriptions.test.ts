/**
 * `users.webhooks`: subscribe, list, unsubscribe over each provider's subscription API, through the
 * tenant's HTTP client (an in-process transport answers as the providers document). Checked: the
 * request each provider gets (path, body, neutral types mapped to its event names, the tenant's
 * first secret and Teal's encryption key), the neutral subscriptions returned (never a secret, even
 * when the provider echoes it), the checks made before anything is sent, and an ambiguous create.
 */
import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createPayrollIdentityWith } from '../../../src/container/identity.js';
import { createPayrollIdentity, type PayrollIdentity, type TenantConfigInput } from '../../../src/index.js';
import { defineProvider, secretField, type UsersDeclaration } from '../../../src/provider/index.js';
import { everyRendering, expectNoLeak, rejection } from '../../../src/testing/assertions.js';
import { loadDocument } from '../../openapi/validate.js';
import {
  ARGYLE_CREDENTIALS,
  ARGYLE_OLD_SECRET,
  ARGYLE_SECRET,
  type Recorded,
  scriptedTransport,
  TEAL_API_KEY,
  TEAL_KEY,
  TEAL_SECRET,
} from './support.js';

const QUIET = { retry: { maxRetries: 0 }, circuitBreaker: { enabled: false } } as const;
const HOOK_URL = 'https://hooks.example.com/payroll/acme';
const WEBHOOK_ID = '580dca76-c024-4458-bb10-a2111ad4063e';

function tenants(): Record<string, TenantConfigInput> {
  return {
    'acme-us': {
      provider: 'argyle',
      environment: 'sandbox',
      credentials: ARGYLE_CREDENTIALS,
      webhooks: { secret: [ARGYLE_SECRET, ARGYLE_OLD_SECRET] },
      ...QUIET,
    },
    'acme-v1': {
      provider: 'argyle',
      environment: 'sandbox',
      apiVersion: 'v1',
      credentials: ARGYLE_CREDENTIALS,
      webhooks: { secret: ARGYLE_SECRET },
      ...QUIET,
    },
    'brit-lend': {
      provider: 'teal',
      environment: 'sandbox',
      credentials: { apiKey: TEAL_API_KEY },
      webhooks: { secret: TEAL_SECRET, encryptionKey: TEAL_KEY },
      ...QUIET,
    },
    'brit-clear': {
      provider: 'teal',
      environment: 'sandbox',
      credentials: { apiKey: TEAL_API_KEY },
      webhooks: { secret: TEAL_SECRET },
      ...QUIET,
    },
    'no-hooks': { provider: 'argyle', environment: 'sandbox', credentials: ARGYLE_CREDENTIALS, ...QUIET },
  };
}

let identity: PayrollIdentity | undefined;
afterEach(async () => {
  await identity?.close();
  identity = undefined;
});

function start(reply: (request: Recorded) => { status: number; body?: unknown }): Recorded[] {
  const { transport, requests } = scriptedTransport(reply);
  identity = createPayrollIdentity({ tenants: tenants(), transport });
  return requests;
}

/** Argyle's webhook object, echoing the secret as its legacy reference shows (`"secret": …`). */
const argyleWebhook = (body: { events: string[]; name: string; url: string }, id = WEBHOOK_ID) => ({
  id,
  created_at: '2019-11-27T15:54:59.440Z',
  updated_at: '2019-11-27T15:54:59.440Z',
  events: body.events,
  name: body.name,
  secret: ARGYLE_SECRET,
  url: body.url,
  config: {},
});

const ALL_SECRETS = [ARGYLE_SECRET, ARGYLE_OLD_SECRET, TEAL_SECRET, TEAL_KEY];

describe('subscribe', () => {
  it('Argyle v2: POST /v2/webhooks with every event it delivers and the first secret; never returns it', async () => {
    const requests = start((request) => ({
      status: 201,
      body: argyleWebhook(request.body as { events: string[]; name: string; url: string }),
    }));
    const users = identity!.forTenant('acme-us');
    expect(users.webhooks.events).toEqual([
      'user.account_added',
      'user.account_connected',
      'user.account_failed',
      'user.fully_synced',
    ]);
    const subscription = await users.webhooks.subscribe({ url: HOOK_URL });
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({ method: 'POST', url: '/v2/webhooks' });
    expect(requests[0]?.headers.authorization).toMatch(/^Basic /);
    expect(requests[0]?.body).toEqual({
      events: ['accounts.added', 'accounts.connected', 'accounts.failed', 'users.fully_synced'],
      name: 'payroll-identity-acme-us',
      url: HOOK_URL,
      secret: ARGYLE_SECRET,
    });
    expect(subscription).toEqual({
      id: WEBHOOK_ID,
      provider: 'argyle',
      url: HOOK_URL,
      events: ['user.account_added', 'user.account_connected', 'user.account_failed', 'user.fully_synced'],
      providerEvents: ['accounts.added', 'accounts.connected', 'accounts.failed', 'users.fully_synced'],
      name: 'payroll-identity-acme-us',
    });
    for (const shown of [
      JSON.stringify(subscription),
      inspect(subscription, { depth: 10 }),
      inspect(users.webhooks),
    ]) {
      for (const secret of ALL_SECRETS) expect(shown).not.toContain(secret);
    }
  });

  it('Argyle: the neutral types asked for, mapped to its names, with a name of the caller’s', async () => {
    const requests = start((request) => ({
      status: 200,
      body: argyleWebhook(request.body as { events: string[]; name: string; url: string }),
    }));
    const subscription = await identity!.forTenant('acme-us').webhooks.subscribe({
      url: HOOK_URL,
      events: ['user.account_connected', 'user.fully_synced', 'user.account_connected'],
      name: 'lender-connections',
    });
    expect(requests[0]?.body).toMatchObject({
      events: ['accounts.connected', 'users.fully_synced'],
      name: 'lender-connections',
    });
    expect(subscription.events).toEqual(['user.account_connected', 'user.fully_synced']);
  });

  it('Argyle v1: the same on /v1/webhooks', async () => {
    const requests = start((request) => ({
      status: 200,
      body: argyleWebhook(request.body as { events: string[]; name: string; url: string }),
    }));
    await identity!
      .forTenant('acme-v1')
      .webhooks.subscribe({ url: HOOK_URL, events: ['user.account_failed'] });
    expect(requests[0]).toMatchObject({
      method: 'POST',
      url: '/v1/webhooks',
      body: { events: ['accounts.failed'] },
    });
  });

  it('Teal: POST /webhooks with signing_secret and encryption_key (its OpenAPI `Webhook`), 201 CreatedWebhook', async () => {
    const requests = start((request) => {
      const body = request.body as { events: string[]; name: string; url: string };
      return {
        status: 201,
        body: {
          webhook_id: '95a0e70b-fe02-4f47-aef9-2efff279df71',
          name: body.name,
          events: body.events,
          url: body.url,
          created_at: '2024-04-04T12:00:00.000Z',
        },
      };
    });
    const users = identity!.forTenant('brit-lend');
    expect(users.webhooks.events).toEqual(['user.payroll_submitted']);
    const subscription = await users.webhooks.subscribe({ url: HOOK_URL });
    expect(requests[0]).toMatchObject({ method: 'POST', url: '/webhooks' });
    expect(requests[0]?.headers['x-api-key']).toBe(TEAL_API_KEY);
    expect(requests[0]?.body).toEqual({
      events: ['user-payroll-submitted'],
      name: 'payroll-identity-brit-lend',
      url: HOOK_URL,
      signing_secret: TEAL_SECRET,
      encryption_key: TEAL_KEY,
    });
    // The request is what Teal's published OpenAPI describes (`Webhook`), and so is the answer used here.
    const teal = loadDocument('teal-openapi.yml');
    expect(teal.request('/webhooks', 'POST', requests[0]?.body)).toEqual({ valid: true, errors: [] });
    expect(
      teal.responseBody('/webhooks', 'POST', 201, {
        webhook_id: '95a0e70b-fe02-4f47-aef9-2efff279df71',
        name: 'payroll-identity-brit-lend',
        events: ['user-payroll-submitted'],
        url: HOOK_URL,
        created_at: '2024-04-04T12:00:00.000Z',
      }).valid,
    ).toBe(true);
    expect(teal.request('/webhooks', 'POST', { url: HOOK_URL }).valid).toBe(false);
    expect(subscription).toEqual({
      id: '95a0e70b-fe02-4f47-aef9-2efff279df71',
      provider: 'teal',
      url: HOOK_URL,
      events: ['user.payroll_submitted'],
      providerEvents: ['user-payroll-submitted'],
      name: 'payroll-identity-brit-lend',
    });
  });

  it('Teal without an encryption key sends none', async () => {
    const requests = start((request) => ({
      status: 201,
      body: { webhook_id: 'w_1', ...(request.body as object) },
    }));
    const subscription = await identity!.forTenant('brit-clear').webhooks.subscribe({ url: HOOK_URL });
    expect(requests[0]?.body).not.toHaveProperty('encryption_key');
    expect(requests[0]?.body).toHaveProperty('signing_secret', TEAL_SECRET);
    // Teal echoing the write-only secret back is never read.
    expect(JSON.stringify(subscription)).not.toContain(TEAL_SECRET);
  });

  it.each([
    ['an http URL off loopback', { url: 'http://hooks.example.com/x' }, 'url'],
    ['a URL with credentials', { url: 'https://user:pass@hooks.example.com/x' }, 'url'],
    ['a URL with a fragment', { url: `${HOOK_URL}#frag` }, 'url'],
    ['not a URL', { url: 'hooks.example.com/x' }, 'url'],
    ['an event type that does not exist', { url: HOOK_URL, events: ['user.deleted'] }, 'events.0'],
    ['an empty list of events', { url: HOOK_URL, events: [] }, 'events'],
    ['an unknown field', { url: HOOK_URL, secret: 'caller-secret-value' }, 'secret'],
    ['a name with a newline', { url: HOOK_URL, name: 'a\nb' }, 'name'],
  ])('%s: invalid_input, nothing sent', async (_what, input, field) => {
    const requests = start(() => ({ status: 500 }));
    const error = await rejection(() => identity!.forTenant('acme-us').webhooks.subscribe(input as never));
    expect(error.code).toBe('invalid_input');
    expect(Object.keys((error as { fieldErrors: object }).fieldErrors)).toContain(field);
    expect(requests).toHaveLength(0);
    expect(everyRendering(error)).not.toContain('user:pass');
  });

  it('http on loopback is accepted (the sandbox)', async () => {
    const requests = start((request) => ({
      status: 200,
      body: argyleWebhook(request.body as { events: string[]; name: string; url: string }),
    }));
    await identity!
      .forTenant('acme-us')
      .webhooks.subscribe({ url: 'http://127.0.0.1:8080/hooks?tenant=acme' });
    expect(requests).toHaveLength(1);
  });

  it('an event type the provider does not deliver: invalid_input naming what it does', async () => {
    const requests = start(() => ({ status: 500 }));
    const error = await rejection(() =>
      identity!.forTenant('brit-lend').webhooks.subscribe({ url: HOOK_URL, events: ['user.account_added'] }),
    );
    expect(error).toMatchObject({
      code: 'invalid_input',
      operation: 'createWebhookSubscription',
      fieldErrors: { events: ['teal delivers only: user.payroll_submitted'] },
    });
    expect(requests).toHaveLength(0);
  });

  it('a tenant without webhooks.secret: invalid_configuration, nothing sent', async () => {
    const requests = start(() => ({ status: 500 }));
    const error = await rejection(() =>
      identity!.forTenant('no-hooks').webhooks.subscribe({ url: HOOK_URL }),
    );
    expect(error).toMatchObject({
      code: 'invalid_configuration',
      problems: [
        { tenant: 'no-hooks', field: 'webhooks.secret', reason: expect.stringContaining('required') },
      ],
    });
    expect(requests).toHaveLength(0);
  });

  it('a provider 400 that echoes the secret: invalid_input, the secret scrubbed from every rendering', async () => {
    start(() => ({
      status: 400,
      body: { secret: [`${ARGYLE_SECRET} is not allowed here`], url: ['Enter a valid URL.'] },
    }));
    const error = await rejection(() => identity!.forTenant('acme-us').webhooks.subscribe({ url: HOOK_URL }));
    expect(error.code).toBe('invalid_input');
    expectNoLeak(error, ALL_SECRETS);
  });

  it('an ambiguous create (a 5xx) is never sent twice: found among the listed subscriptions', async () => {
    const requests = start((request) => {
      if (request.method === 'POST') return { status: 502 };
      return {
        status: 200,
        body: {
          results: [
            argyleWebhook({ events: ['accounts.added'], name: 'other', url: HOOK_URL }, 'w_other'),
            argyleWebhook({
              events: ['accounts.connected'],
              name: 'payroll-identity-acme-us',
              url: HOOK_URL,
            }),
          ],
          next: null,
        },
      };
    });
    const subscription = await identity!.forTenant('acme-us').webhooks.subscribe({
      url: HOOK_URL,
      events: ['user.account_connected'],
    });
    expect(subscription.id).toBe(WEBHOOK_ID);
    expect(requests.map((r) => r.method)).toEqual(['POST', 'GET']);
  });

  it('an ambiguous create that the list cannot settle: outcome_unknown, sent once', async () => {
    const requests = start((request) =>
      request.method === 'POST' ? { status: 503 } : { status: 200, body: { results: [] } },
    );
    const error = await rejection(() => identity!.forTenant('acme-us').webhooks.subscribe({ url: HOOK_URL }));
    expect(error).toMatchObject({ code: 'outcome_unknown', operation: 'createWebhookSubscription' });
    expect(requests.filter((r) => r.method === 'POST')).toHaveLength(1);
    expectNoLeak(error, ALL_SECRETS);
  });

  it('a custom provider without a subscription API: unsupported_operation', async () => {
    const users: UsersDeclaration = {
      stored: { firstName: true },
      clearable: false,
      user: {
        schema: z.object({ id: z.string() }),
        id: (u) => (u as { id: string }).id,
        toUser: () => ({}) as never,
      },
    };
    const plain = defineProvider({
      name: 'plain',
      tenantShape: { credentials: z.strictObject({ apiKey: secretField('apiKey') }) },
      baseUrls: { sandbox: 'https://sandbox.plain.example', production: 'https://api.plain.example' },
      describeError: () => ({ messages: [] }),
      auth: () => ({ headers: () => ({}), secrets: () => [] }),
      users: () => users,
      webhooks: () => ({
        signature: { header: 'X-Plain-Signature', algorithm: 'sha256', encoding: 'base64' },
        payload: z.looseObject({ type: z.string() }),
        toEvent: (p) => ({ type: 'provider_event', providerEvent: (p as { type: string }).type }),
      }),
    });
    identity = createPayrollIdentityWith(
      {
        tenants: {
          p: {
            provider: 'plain',
            environment: 'sandbox',
            credentials: { apiKey: 'plain-api-key-0001' },
            webhooks: { secret: 'plain-webhook-secret' },
          },
        },
      },
      [plain],
    );
    const error = await rejection(() => identity!.forTenant('p').webhooks.list());
    expect(error).toMatchObject({ code: 'unsupported_operation', operation: 'listWebhookSubscriptions' });
    expect(identity.forTenant('p').webhooks.events).toEqual([]);
  });
});

describe('list', () => {
  it('Argyle: every page, following only the cursor of `next` (never its host)', async () => {
    const requests = start((request) =>
      request.query.cursor === undefined
        ? {
            status: 200,
            body: {
              results: [
                argyleWebhook({ events: ['accounts.connected', 'paystubs.added'], name: 'a', url: HOOK_URL }),
              ],
              next: 'https://attacker.example/v2/webhooks?cursor=c2&limit=10',
            },
          }
        : {
            status: 200,
            body: {
              results: [argyleWebhook({ events: ['*'], name: 'all', url: HOOK_URL }, 'w_all')],
              next: null,
            },
          },
    );
    const listed = await identity!.forTenant('acme-us').webhooks.list();
    expect(requests.map((r) => [r.method, r.url, r.query])).toEqual([
      ['GET', '/v2/webhooks', {}],
      ['GET', '/v2/webhooks', { cursor: 'c2' }],
    ]);
    expect(listed).toEqual([
      {
        id: WEBHOOK_ID,
        provider: 'argyle',
        url: HOOK_URL,
        events: ['user.account_connected'],
        providerEvents: ['accounts.connected', 'paystubs.added'],
        name: 'a',
      },
      {
        id: 'w_all',
        provider: 'argyle',
        url: HOOK_URL,
        events: ['user.account_added', 'user.account_connected', 'user.account_failed', 'user.fully_synced'],
        providerEvents: ['*'],
        name: 'all',
      },
    ]);
    expect(JSON.stringify(listed)).not.toContain(ARGYLE_SECRET);
  });

  it('Argyle: pages that lead back to a page already read end in unexpected_response', async () => {
    start(() => ({
      status: 200,
      body: { results: [], next: 'https://api-sandbox.argyle.com/v2/webhooks?cursor=same' },
    }));
    const error = await rejection(() => identity!.forTenant('acme-us').webhooks.list());
    expect(error).toMatchObject({ code: 'unexpected_response', operation: 'listWebhookSubscriptions' });
  });

  it('Teal: offset pages of 100 until total_count', async () => {
    const hook = (i: number) => ({
      webhook_id: `w_${i}`,
      name: `n${i}`,
      events: ['user-payroll-submitted'],
      url: HOOK_URL,
    });
    const requests = start((request) => {
      const offset = Number(request.query.offset ?? 0);
      const count = offset === 0 ? 100 : 20;
      return {
        status: 200,
        body: {
          pagination: { offset, limit: 100, count, total_count: 120 },
          webhooks: Array.from({ length: count }, (_, i) => hook(offset + i)),
        },
      };
    });
    const listed = await identity!.forTenant('brit-lend').webhooks.list();
    expect(requests.map((r) => r.query)).toEqual([{ limit: 100 }, { offset: '100', limit: 100 }]);
    expect(listed).toHaveLength(120);
    expect(listed[119]).toEqual({
      id: 'w_119',
      provider: 'teal',
      url: HOOK_URL,
      events: ['user.payroll_submitted'],
      providerEvents: ['user-payroll-submitted'],
      name: 'n119',
    });
  });

  it('an answer of another shape: unexpected_response', async () => {
    start(() => ({ status: 200, body: { webhooks: [{ id: 'no webhook_id' }] } }));
    const error = await rejection(() => identity!.forTenant('brit-lend').webhooks.list());
    expect(error.code).toBe('unexpected_response');
  });
});

describe('unsubscribe', () => {
  it.each([
    ['acme-us', '/v2/webhooks/580dca76-c024-4458-bb10-a2111ad4063e'],
    ['acme-v1', '/v1/webhooks/580dca76-c024-4458-bb10-a2111ad4063e'],
    ['brit-lend', '/webhooks/580dca76-c024-4458-bb10-a2111ad4063e'],
  ])('%s: DELETE %s', async (tenant, path) => {
    const requests = start(() => ({ status: 204 }));
    await identity!.forTenant(tenant).webhooks.unsubscribe(WEBHOOK_ID);
    expect(requests.map((r) => [r.method, r.url])).toEqual([['DELETE', path]]);
  });

  it.each([['../users'], ['a/b'], [''], ['x'.repeat(200)]])(
    'an id that is not one (%s): invalid_input, nothing sent',
    async (id) => {
      const requests = start(() => ({ status: 204 }));
      const error = await rejection(() => identity!.forTenant('acme-us').webhooks.unsubscribe(id));
      expect(error).toMatchObject({ code: 'invalid_input', operation: 'deleteWebhookSubscription' });
      expect(requests).toHaveLength(0);
    },
  );

  it('a subscription the provider does not have: not_found', async () => {
    start(() => ({ status: 404, body: { detail: 'Not found.' } }));
    const error = await rejection(() => identity!.forTenant('acme-us').webhooks.unsubscribe(WEBHOOK_ID));
    expect(error.code).toBe('not_found');
  });
});

describe('the handle follows the tenant', () => {
  it('after the tenant moves to Teal, users.webhooks talks to Teal', async () => {
    const requests = start((request) =>
      request.url === '/webhooks'
        ? { status: 200, body: { webhooks: [] } }
        : { status: 200, body: { results: [] } },
    );
    const users = identity!.forTenant('acme-us');
    await users.webhooks.list();
    await identity!.setTenant('acme-us', tenants()['brit-lend']!);
    expect(users.webhooks.events).toEqual(['user.payroll_submitted']);
    await users.webhooks.list();
    expect(requests.map((r) => r.url)).toEqual(['/v2/webhooks', '/webhooks']);
  });
});

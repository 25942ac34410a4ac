/**
 * `webhooks verify` and `sandbox simulate`, in-process. verify is given deliveries signed (and
 * encrypted) here with node:crypto, independently of the library and of the emulators, and real
 * deliveries the sandbox sent after `sandbox simulate`: it exits 0 with the neutral event for a valid
 * one, 1 with `invalid_webhook (<reason>)` for a refused one, 2 for usage and configuration errors, and
 * never prints the body, a secret or the person's data on a failure.
 */
import { createCipheriv, createHmac, randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { createPayrollIdentity, type PayrollIdentity } from '../../src/index.js';
import { type Sandbox, startSandbox } from '../../src/sandbox/index.js';
import { runCli, scratchDir } from './support.js';

const ARGYLE_SECRET = 'argyle-webhook-secret-0001';
const TEAL_SECRET = 'teal-webhook-secret-0001';
const TEAL_KEY = randomBytes(32);
const USER = '018051aa-f7a9-a0db-2f38-6cfa325e9d69';
const ACCOUNT = '0187c66e-e7e5-811c-b006-2232f00f426a';
const TEAL_USER = '4a6b3c5d-1e2f-4a5b-8c9d-0e1f2a3b4c5d';

const scratch = scratchDir();
const config = scratch.file(
  'tenants.yaml',
  stringify({
    tenants: {
      'acme-us': {
        provider: 'argyle',
        environment: 'sandbox',
        baseUrl: 'http://127.0.0.1:9',
        credentials: { apiKeyId: 'key-id-0001', apiKeySecret: 'key-secret-0001' },
        webhooks: { secret: ARGYLE_SECRET },
      },
      'brit-lend': {
        provider: 'teal',
        environment: 'sandbox',
        baseUrl: 'http://127.0.0.1:9',
        credentials: { apiKey: 'teal-api-key-0001' },
        webhooks: { secret: TEAL_SECRET, encryptionKey: TEAL_KEY.toString('base64') },
      },
    },
  }),
);
afterAll(() => scratch.remove());

const sign = (secret: string, body: string) => createHmac('sha512', secret).update(body).digest('hex');

/** An Argyle delivery as Argyle sends it: JSON, its hex HMAC-SHA512 in X-Argyle-Signature. */
function argyleDelivery(event = 'accounts.connected') {
  const body = JSON.stringify({ event, name: 'lender', data: { account: ACCOUNT, user: USER } });
  return { body, signature: sign(ARGYLE_SECRET, body) };
}

/** A Teal delivery encrypted as Teal documents it: base64(ciphertext ‖ tag), the IV in a header, signed. */
function tealDelivery(key = TEAL_KEY) {
  const plain = JSON.stringify({
    event: 'user-payroll-submitted',
    user_id: TEAL_USER,
    timestamp: '2025-01-15T10:30:00Z',
  });
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final(), cipher.getAuthTag()]).toString(
    'base64',
  );
  return { body, iv: iv.toString('base64'), signature: sign(TEAL_SECRET, body) };
}

const verify = (tenant: string, ...flags: string[]) => [
  'webhooks',
  'verify',
  '--config',
  config,
  '--tenant',
  tenant,
  ...flags,
];

/** Nothing from the delivery, no secret: what a failure's output must never hold. */
function expectNothingLeaked(text: string, body: string): void {
  for (const secret of [ARGYLE_SECRET, TEAL_SECRET, TEAL_KEY.toString('base64'), 'key-secret-0001'])
    expect(text).not.toContain(secret);
  expect(text).not.toContain(body.slice(0, 24));
  expect(text).not.toContain(USER);
  expect(text).not.toContain(TEAL_USER);
}

describe('payroll-identity webhooks verify', () => {
  it('exits 0 and prints the neutral event of a valid Argyle delivery', async () => {
    const { body, signature } = argyleDelivery();
    const result = await runCli(verify('acme-us', '--header', `X-Argyle-Signature: ${signature}`), {
      stdin: body,
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Verified webhook (tenant acme-us, provider argyle)');
    expect(result.stdout).toMatch(/type: +user\.account_connected$/m);
    expect(result.stdout).toMatch(/provider event: +accounts\.connected$/m);
    expect(result.stdout).toMatch(new RegExp(`user: +${USER}$`, 'm'));
    expect(result.stdout).toMatch(new RegExp(`account: +${ACCOUNT}$`, 'm'));
    expect(result.stdout).not.toContain('lender'); // the payload is not printed
  });

  it('--json prints the event without its payload; the same delivery has the same id', async () => {
    const { body, signature } = argyleDelivery('users.fully_synced');
    const flags = ['--header', `x-argyle-signature: ${signature}`, '--json'];
    const first = await runCli(verify('acme-us', ...flags), { stdin: body });
    const again = await runCli(verify('acme-us', ...flags), { stdin: Buffer.from(body) });
    expect(first.code).toBe(0);
    const event = JSON.parse(first.stdout) as Record<string, unknown>;
    expect(event).toMatchObject({
      type: 'user.fully_synced',
      provider: 'argyle',
      tenant: 'acme-us',
      userId: USER,
    });
    expect(event).not.toHaveProperty('payload');
    expect(JSON.parse(again.stdout).id).toBe(event.id);
  });

  it('decrypts an encrypted Teal delivery whose headers come from --headers-file', async () => {
    const { body, iv, signature } = tealDelivery();
    const headers = scratch.file(
      'teal-headers.json',
      JSON.stringify({
        'X-Teal-Signature': signature,
        'X-Teal-Encryption-IV': iv,
        'Content-Type': 'text/plain',
      }),
    );
    const result = await runCli(verify('brit-lend', '--headers-file', headers), { stdin: body });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/type: +user\.payroll_submitted$/m);
    expect(result.stdout).toMatch(new RegExp(`user: +${TEAL_USER}$`, 'm'));
    expect(result.stdout).toMatch(/occurred at: +2025-01-15T10:30:00Z$/m);
  });

  it.each([
    [
      'a tampered body',
      () => {
        const { body, signature } = argyleDelivery();
        return { body: body.replace('connected', 'failed'), headers: [`X-Argyle-Signature: ${signature}`] };
      },
    ],
    [
      'no signature header',
      () => ({ body: argyleDelivery().body, headers: ['Content-Type: application/json'] }),
    ],
    [
      'a signature made with another secret',
      () => {
        const { body } = argyleDelivery();
        return { body, headers: [`X-Argyle-Signature: ${sign('another-secret-0001', body)}`] };
      },
    ],
    [
      'the signature header given twice',
      () => {
        const { body, signature } = argyleDelivery();
        return { body, headers: [`X-Argyle-Signature: ${signature}`, `X-Argyle-Signature: ${signature}`] };
      },
    ],
    ['a malformed signature', () => ({ body: argyleDelivery().body, headers: ['X-Argyle-Signature: zz'] })],
  ])('exits 1 with invalid_webhook (signature) for %s, printing nothing of it', async (_case, make) => {
    const { body, headers } = make();
    const result = await runCli(verify('acme-us', ...headers.flatMap((h) => ['--header', h])), {
      stdin: body,
    });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(
      /^invalid_webhook \(signature\): argyle webhook for tenant "acme-us" refused|^invalid_webhook \(signature\): webhook for tenant "acme-us" refused/,
    );
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expectNothingLeaked(result.stderr, body);
  });

  it("refuses another tenant's delivery: an Argyle delivery sent to the Teal tenant", async () => {
    const { body, signature } = argyleDelivery();
    const result = await runCli(verify('brit-lend', '--header', `X-Argyle-Signature: ${signature}`), {
      stdin: body,
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^invalid_webhook \(signature\): /);
    expectNothingLeaked(result.stderr, body);
  });

  it('exits 1 with invalid_webhook (decryption) for a Teal delivery without its IV or under another key', async () => {
    const { body, signature } = tealDelivery();
    const noIv = await runCli(verify('brit-lend', '--header', `X-Teal-Signature: ${signature}`), {
      stdin: body,
    });
    expect(noIv.code).toBe(1);
    expect(noIv.stderr).toMatch(
      /^invalid_webhook \(decryption\): teal webhook for tenant "brit-lend" refused/,
    );
    const other = tealDelivery(randomBytes(32));
    const wrongKey = await runCli(
      verify(
        'brit-lend',
        '--header',
        `X-Teal-Signature: ${other.signature}`,
        '--header',
        `X-Teal-Encryption-IV: ${other.iv}`,
        '--json',
      ),
      { stdin: other.body },
    );
    expect(wrongKey.code).toBe(1);
    expect(JSON.parse(wrongKey.stderr)).toMatchObject({
      code: 'invalid_webhook',
      reason: 'decryption',
      tenant: 'brit-lend',
    });
    expectNothingLeaked(noIv.stderr + wrongKey.stderr, body);
  });

  it('exits 1 with invalid_webhook (payload) for a body over 1 MiB, read no further', async () => {
    const body = `{"event":"accounts.connected","pad":"${'x'.repeat(1024 * 1024)}"}`;
    const result = await runCli(
      verify('acme-us', '--header', `X-Argyle-Signature: ${sign(ARGYLE_SECRET, body)}`),
      {
        stdin: body,
      },
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^invalid_webhook \(payload\): /);
  });

  describe('usage and configuration errors exit 2, quoting no value', () => {
    it('a --header that is not "Name: value"', async () => {
      const result = await runCli(verify('acme-us', '--header', 'Jane Doe 123-45-6789'), { stdin: '{}' });
      expect(result.code).toBe(2);
      expect(result.stderr).toBe("error: --header must be written 'Name: value'.\n");
    });

    it('a header name that is not a token, or a value on two lines', async () => {
      const name = await runCli(verify('acme-us', '--header', 'Jane Doe: x'), { stdin: '{}' });
      expect(name.code).toBe(2);
      expect(name.stderr).not.toContain('Jane');
      const value = await runCli(
        verify('acme-us', '--header', 'a: b', '--header', 'X-Argyle-Signature: a\nb'),
        {
          stdin: '{}',
        },
      );
      expect(value.code).toBe(2);
      expect(value.stderr).toMatch(/^error: --header #2: a header value is one line/);
    });

    it('a --headers-file that is missing, not JSON, or not an object of strings', async () => {
      const missing = await runCli(verify('acme-us', '--headers-file', `${scratch.dir}/jane-doe.json`), {
        stdin: '{}',
      });
      expect(missing.code).toBe(2);
      expect(missing.stderr).toBe('error: the --headers-file cannot be read (ENOENT).\n');
      const notJson = scratch.file('not-json.json', 'X-Argyle-Signature: 123-45-6789');
      const bad = await runCli(verify('acme-us', '--headers-file', notJson), { stdin: '{}' });
      expect(bad.stderr).toBe('error: the --headers-file is not JSON.\n');
      const nested = scratch.file(
        'nested.json',
        JSON.stringify({ 'X-Argyle-Signature': { ssn: '123-45-6789' } }),
      );
      const shape = await runCli(verify('acme-us', '--headers-file', nested), { stdin: '{}' });
      expect(shape.code).toBe(2);
      expect(shape.stderr).not.toContain('123-45-6789');
    });

    it('an unknown tenant, a missing --tenant, an invalid configuration', async () => {
      const unknown = await runCli(verify('nobody'), { stdin: '{}' });
      expect(unknown.code).toBe(2);
      expect(unknown.stderr).toMatch(/^unknown_tenant: /);
      const missing = await runCli(['webhooks', 'verify', '--config', config], { stdin: '{}' });
      expect(missing.code).toBe(2);
      const bad = scratch.file(
        'bad.yaml',
        stringify({
          tenants: {
            t: {
              provider: 'argyle',
              environment: 'sandbox',
              credentials: { apiKeyId: 'a', apiKeySecret: 'b' },
              webhooks: { secret: 'qzx7' },
            },
          },
        }),
      );
      const invalid = await runCli(['webhooks', 'verify', '--config', bad, '--tenant', 't'], { stdin: '{}' });
      expect(invalid.code).toBe(2);
      expect(invalid.stderr).toMatch(/^invalid_configuration: /);
      expect(invalid.stderr).toContain('webhooks.secret');
      expect(invalid.stderr).not.toContain('qzx7');
    });

    it('no standard input to read', async () => {
      const result = await runCli(verify('acme-us'));
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/^error: webhooks verify reads the delivery from standard input/);
    });
  });
});

/** A receiver that keeps every delivery's raw body and headers, and answers `status`. */
async function recorder(status = 200) {
  const received: { body: Buffer; headers: IncomingHttpHeaders }[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({ body: Buffer.concat(chunks), headers: request.headers });
      response.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
  const close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return { received, url, close };
}

describe('payroll-identity sandbox simulate', () => {
  let sandbox: Sandbox;
  let identity: PayrollIdentity;
  let tenants: string;
  const secret = randomBytes(24).toString('hex');
  const key = randomBytes(32).toString('base64');

  beforeAll(async () => {
    // One attempt per delivery: a refused one fails at once.
    const once = { webhooks: { attempts: 1 } };
    sandbox = await startSandbox({ emulators: { argyle: once, teal: once } });
    const config = {
      'demo-argyle': { ...sandbox.argyle.tenant(), webhooks: { secret } },
      'demo-teal': { ...sandbox.teal.tenant(), webhooks: { secret, encryptionKey: key } },
    };
    identity = createPayrollIdentity({ tenants: config });
    tenants = scratch.file('sandbox-tenants.yaml', stringify({ tenants: config }));
  });
  afterAll(async () => {
    await identity?.close();
    await sandbox?.close();
  });

  const simulate = (tenant: string, user: string, event: string, ...flags: string[]) =>
    runCli([
      'sandbox',
      'simulate',
      '--config',
      tenants,
      '--tenant',
      tenant,
      '--user',
      user,
      '--event',
      event,
      ...flags,
    ]);

  it("sends the emulator's deliveries, which webhooks verify then accepts from stdin and --headers-file", async () => {
    const receiver = await recorder();
    try {
      const users = identity.forTenant('demo-argyle');
      const subscription = await users.webhooks.subscribe({ url: receiver.url, name: 'cli-test' });
      const { user } = await users.createUser({
        firstName: 'Jane',
        lastName: 'Doe',
        email: 'jane.doe@example.com',
      });
      const result = await simulate('demo-argyle', user.id, 'connection');
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(result.stdout).toContain(
        `Simulated connection for user ${user.id} (tenant demo-argyle, provider argyle): 3 deliveries, 3 delivered, 0 failed.`,
      );
      for (const event of ['accounts.added', 'accounts.connected', 'users.fully_synced'])
        expect(result.stdout).toMatch(
          new RegExp(
            `^ {2}✓ ${event.replace('.', '\\.')} → ${receiver.url} \\(subscription ${subscription.id}; attempt: 200\\)$`,
            'm',
          ),
        );
      expect(receiver.received).toHaveLength(3);

      // A real delivery, as received, checked by the CLI.
      const delivery = receiver.received[1]!;
      const headers = scratch.file('argyle-headers.json', JSON.stringify(delivery.headers));
      const verified = await runCli(
        [
          'webhooks',
          'verify',
          '--config',
          tenants,
          '--tenant',
          'demo-argyle',
          '--headers-file',
          headers,
          '--json',
        ],
        { stdin: delivery.body },
      );
      expect(verified.code, verified.stderr).toBe(0);
      expect(JSON.parse(verified.stdout)).toMatchObject({ type: 'user.account_connected', userId: user.id });
      await users.webhooks.unsubscribe(subscription.id);
    } finally {
      await receiver.close();
    }
  });

  it('sends an encrypted Teal delivery; --json prints the report', async () => {
    const receiver = await recorder();
    try {
      const users = identity.forTenant('demo-teal');
      await users.webhooks.subscribe({ url: receiver.url, name: 'cli-test-teal' });
      const { user } = await users.createUser({
        firstName: 'John',
        lastName: 'Smith',
        birthDate: '1985-11-02',
        address: { postalCode: 'SW1A 2AA' },
        nationalId: { type: 'ni_number', value: 'QQ123456C' },
        providerOptions: { teal: { payrollPeriodMonths: 12 } },
      });
      const result = await simulate('demo-teal', user.id, 'user-payroll-submitted', '--json');
      expect(result.code, result.stderr).toBe(0);
      expect(JSON.parse(result.stdout)).toMatchObject({
        event: 'user-payroll-submitted',
        user_id: user.id,
        delivered: 1,
        failed: 0,
      });
      const [delivery] = receiver.received;
      expect(delivery?.headers['x-teal-encryption-iv']).toEqual(expect.any(String));
      const verified = await runCli(
        [
          'webhooks',
          'verify',
          '--config',
          tenants,
          '--tenant',
          'demo-teal',
          '--header',
          `X-Teal-Signature: ${delivery?.headers['x-teal-signature']}`,
          '--header',
          `X-Teal-Encryption-IV: ${delivery?.headers['x-teal-encryption-iv']}`,
        ],
        { stdin: delivery?.body ?? '' },
      );
      expect(verified.code, verified.stderr).toBe(0);
      expect(verified.stdout).toMatch(/type: +user\.payroll_submitted$/m);
    } finally {
      await receiver.close();
    }
  });

  it('exits 1 when a subscriber refuses a delivery, and reports each attempt', async () => {
    const receiver = await recorder(500);
    try {
      const users = identity.forTenant('demo-argyle');
      const subscription = await users.webhooks.subscribe({
        url: receiver.url,
        name: 'cli-test-failing',
        events: ['user.fully_synced'],
      });
      const { user } = await users.createUser({ firstName: 'Jane', lastName: 'Doe' });
      const result = await simulate('demo-argyle', user.id, 'users.fully_synced');
      expect(result.code).toBe(1);
      expect(result.stdout).toMatch(/^ {2}✗ users\.fully_synced → .*attempt: 500\)$/m);
      expect(result.stderr).toMatch(/^delivery_failed: 1 of \d deliveries were not accepted/);
      await users.webhooks.unsubscribe(subscription.id);
    } finally {
      await receiver.close();
    }
  });

  it("an unknown user is not_found, an unknown event invalid_input with the emulator's simulations", async () => {
    const unknownUser = await simulate('demo-argyle', '00000000-0000-4000-8000-000000000000', 'connection');
    expect(unknownUser.code).toBe(1);
    expect(unknownUser.stderr).toMatch(/^not_found: the emulator knows no such user/);
    const { user } = await identity
      .forTenant('demo-argyle')
      .createUser({ firstName: 'Jane', lastName: 'Doe' });
    const unknownEvent = await simulate('demo-argyle', user.id, 'payday');
    expect(unknownEvent.code).toBe(1);
    expect(unknownEvent.stderr).toMatch(/^invalid_input: the emulator refused the simulation/);
    expect(unknownEvent.stderr).toContain('connection, accounts.added');
  });

  it('wrong credentials are authentication_failed; a stopped sandbox is network_error', async () => {
    const wrong = scratch.file(
      'wrong.yaml',
      stringify({
        tenants: { t: { ...sandbox.teal.tenant(), credentials: { apiKey: 'not-this-runs-key' } } },
      }),
    );
    const refused = await runCli([
      'sandbox',
      'simulate',
      '--config',
      wrong,
      '--tenant',
      't',
      '--user',
      'u',
      '--event',
      'e',
    ]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^authentication_failed: /);
    expect(refused.stderr).not.toContain('not-this-runs-key');
    const stopped = scratch.file(
      'stopped.yaml',
      stringify({ tenants: { t: { ...sandbox.teal.tenant(), baseUrl: 'http://127.0.0.1:9' } } }),
    );
    const unreachable = await runCli([
      'sandbox',
      'simulate',
      '--config',
      stopped,
      '--tenant',
      't',
      '--user',
      'u',
      '--event',
      'e',
    ]);
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toMatch(/^network_error: cannot reach the tenant's emulator \(its baseUrl\)/);
  });

  it('only a sandbox tenant on loopback is accepted (exit 2): credentials never go anywhere else', async () => {
    const production = scratch.file(
      'production.yaml',
      stringify({
        tenants: {
          p: { provider: 'teal', environment: 'production', credentials: { apiKey: 'live-key-0001' } },
        },
      }),
    );
    const result = await runCli([
      'sandbox',
      'simulate',
      '--config',
      production,
      '--tenant',
      'p',
      '--user',
      'u',
      '--event',
      'e',
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'error: tenant p is not a sandbox tenant: sandbox simulate only talks to a running payroll-identity sandbox.\n',
    );
    const missing = await runCli(['sandbox', 'simulate', '--config', production, '--tenant', 'p']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/required option '--user <id>' not specified/);
  });
});

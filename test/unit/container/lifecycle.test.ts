/**
 * Tenants at run time: `reconfigure`, `setTenant` and `removeTenant` change an identity without a
 * restart. Handles follow changes; calls in flight finish on the configuration they started with;
 * after a change resolves, no request carries a replaced credential; an invalid change changes
 * nothing. A tenant moved from Argyle to Teal keeps its Argyle users reachable by reference.
 */
import { mkdirSync, mkdtempSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import type { AxiosResponse, InternalAxiosRequestConfig } from 'axios';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { watchConfigFile } from '../../../src/config/watch.js';
import {
  createPayrollIdentity,
  type InvalidConfigurationError,
  type PayrollIdentity,
  type TenantConfigInput,
} from '../../../src/index.js';
import type { ConfigurationChangeEvent } from '../../../src/observe/events.js';
import { type Sandbox, startSandbox } from '../../../src/sandbox/index.js';
import { rejection } from '../../../src/testing/assertions.js';

const USER_ID = '018051aa-f7a9-a0db-2f38-6cfa325e9d69';

/** Until the transport has seen `n` requests (the first request of a process loads the HTTP stack first). */
async function until(seen: () => number, n: number): Promise<void> {
  for (let i = 0; i < 1_000 && seen() < n; i++) await new Promise((r) => setTimeout(r, 2));
}
const KEY_A = { apiKeyId: 'key-id-AAAA-0001', apiKeySecret: 'secret-AAAA-not-real' };
const KEY_B = { apiKeyId: 'key-id-BBBB-0002', apiKeySecret: 'secret-BBBB-not-real' };

const argyleTenant = (
  credentials: typeof KEY_A,
  extra: Partial<TenantConfigInput> = {},
): TenantConfigInput => ({
  provider: 'argyle',
  environment: 'sandbox',
  credentials,
  retry: { maxRetries: 0 },
  circuitBreaker: { enabled: false },
  ...extra,
});

/** An in-process Argyle: answers every GET with the user, records each request's auth header. */
function recordingArgyle() {
  const seen: { path: string; auth: string }[] = [];
  let gate: Promise<void> | undefined;
  const transport = async (config: InternalAxiosRequestConfig): Promise<AxiosResponse> => {
    const headers = config.headers as unknown as Record<string, unknown>;
    seen.push({ path: String(config.url), auth: String(headers.Authorization ?? headers.authorization) });
    if (gate) {
      await Promise.race([
        gate,
        new Promise((_, reject) =>
          config.signal?.addEventListener?.('abort', () =>
            reject(Object.assign(new Error('aborted'), { code: 'ERR_CANCELED', name: 'CanceledError' })),
          ),
        ),
      ]);
    }
    return {
      status: 200,
      statusText: 'OK',
      headers: { 'content-type': 'application/json' },
      data: JSON.stringify({ id: USER_ID, first_name: 'Jane', created_at: '2026-01-01T00:00:00Z' }),
      config,
      request: {},
    };
  };
  const basic = (key: typeof KEY_A) =>
    `Basic ${Buffer.from(`${key.apiKeyId}:${key.apiKeySecret}`).toString('base64')}`;
  return {
    seen,
    transport,
    basic,
    hold(): () => void {
      let release!: () => void;
      gate = new Promise<void>((resolve) => {
        release = resolve;
      });
      return () => {
        gate = undefined;
        release();
      };
    },
  };
}

describe('reconfigure and key rotation', () => {
  it('a call in flight finishes on its configuration; later calls use the new key at once; none after resolve carries the old one', async () => {
    const wire = recordingArgyle();
    const events: ConfigurationChangeEvent[] = [];
    const identity = createPayrollIdentity({
      tenants: { acme: argyleTenant(KEY_A) },
      transport: wire.transport,
      hooks: { onConfigurationChange: (e) => events.push(e) },
    });
    const users = identity.forTenant('acme');
    const release = wire.hold();
    const inFlight = users.getUser(USER_ID);
    await until(() => wire.seen.length, 1);
    expect(wire.seen.map((s) => s.auth)).toEqual([wire.basic(KEY_A)]);

    let resolved = false;
    const change = identity.reconfigure({ tenants: { acme: argyleTenant(KEY_B) } }).then(() => {
      resolved = true;
    });
    // The change is applied at once: a call that starts now uses key B, on the same handle.
    const during = users.getUser(USER_ID);
    await until(() => wire.seen.length, 2);
    expect(wire.seen.map((s) => s.auth)).toEqual([wire.basic(KEY_A), wire.basic(KEY_B)]);
    expect(resolved).toBe(false); // still draining the call on key A
    release();
    await expect(inFlight).resolves.toMatchObject({ id: USER_ID });
    await expect(during).resolves.toMatchObject({ id: USER_ID });
    await change;
    const before = wire.seen.length;
    await users.getUser(USER_ID);
    await identity.forTenant('acme').getUser(USER_ID);
    expect(wire.seen.slice(before).map((s) => s.auth)).toEqual([wire.basic(KEY_B), wire.basic(KEY_B)]);
    expect(events).toEqual([
      { outcome: 'applied', added: ['acme'], changed: [], removed: [] },
      { outcome: 'applied', added: [], changed: ['acme'], removed: [] },
    ]);
    await identity.close();
  });

  it('an invalid configuration is rejected whole, every problem at once, and changes nothing', async () => {
    const wire = recordingArgyle();
    const rejected: ConfigurationChangeEvent[] = [];
    const identity = createPayrollIdentity({
      tenants: { acme: argyleTenant(KEY_A), other: argyleTenant(KEY_A) },
      transport: wire.transport,
      hooks: { onConfigurationChange: (e) => e.outcome === 'rejected' && rejected.push(e) },
    });
    const error = (await rejection(() =>
      identity.reconfigure({
        tenants: {
          acme: argyleTenant(KEY_B),
          broken: { provider: 'argyle', environment: 'staging', credentials: { apiKeyId: 'x' } } as never,
          teal: { provider: 'teal', environment: 'sandbox', credentials: { apiKey: 'q7z' } },
        },
      }),
    )) as InvalidConfigurationError;
    expect(error.code).toBe('invalid_configuration');
    expect(error.problems.map((p) => p.tenant).sort()).toEqual(['broken', 'broken', 'broken', 'teal']);
    expect([...identity.tenants]).toEqual(['acme', 'other']);
    await identity.forTenant('acme').getUser(USER_ID);
    expect(wire.seen.at(-1)?.auth).toBe(wire.basic(KEY_A));
    // Reported without values: the rejected credential is nowhere in the event.
    expect(rejected).toHaveLength(1);
    expect(JSON.stringify(rejected)).not.toContain('q7z');
    expect(JSON.stringify(rejected)).not.toContain(KEY_B.apiKeySecret);
    await identity.close();
  });

  it('removed tenants: forTenant throws unknown_tenant, and old handles reject it without sending', async () => {
    const wire = recordingArgyle();
    const identity = createPayrollIdentity({
      tenants: { acme: argyleTenant(KEY_A), other: argyleTenant(KEY_B) },
      transport: wire.transport,
    });
    const acme = identity.forTenant('acme');
    await identity.reconfigure({ tenants: { other: argyleTenant(KEY_B) } });
    expect((await rejection(() => acme.getUser(USER_ID))).code).toBe('unknown_tenant');
    expect(() => identity.forTenant('acme')).toThrow(expect.objectContaining({ code: 'unknown_tenant' }));
    expect(wire.seen).toEqual([]);
    // setTenant brings it back, and the old handle follows.
    await identity.setTenant('acme', argyleTenant(KEY_B));
    await acme.getUser(USER_ID);
    expect(wire.seen.map((s) => s.auth)).toEqual([wire.basic(KEY_B)]);
    await identity.removeTenant('other');
    expect([...identity.tenants]).toEqual(['acme']);
    expect((await rejection(() => identity.removeTenant('other'))).code).toBe('unknown_tenant');
    await identity.close();
  });

  it('refuses to change what is fixed at creation; an unchanged tenant keeps its client', async () => {
    const wire = recordingArgyle();
    const config = { tenants: { acme: argyleTenant(KEY_A) }, transport: wire.transport };
    const identity = createPayrollIdentity(config);
    const error = (await rejection(() =>
      identity.reconfigure({ tenants: config.tenants, transport: async () => ({}) as AxiosResponse }),
    )) as InvalidConfigurationError;
    expect(error.problems).toEqual([
      { field: 'transport', reason: 'is fixed when the identity is created; leave it out' },
    ]);
    // The same whole configuration object is accepted, and changes nothing.
    await identity.reconfigure(config);
    await identity.forTenant('acme').getUser(USER_ID);
    expect(wire.seen).toHaveLength(1);
    await identity.close();
  });
});

describe('a tenant moves from Argyle to Teal', () => {
  let sandbox: Sandbox;
  let identity: PayrollIdentity;
  const argyle = () => ({
    provider: 'argyle',
    environment: 'sandbox' as const,
    baseUrl: sandbox.argyle.baseUrl,
    credentials: { ...sandbox.argyle.credentials },
  });
  const teal = () => ({
    provider: 'teal',
    environment: 'sandbox' as const,
    baseUrl: sandbox.teal.baseUrl,
    credentials: { ...sandbox.teal.credentials },
    defaults: { payrollPeriodMonths: 12 },
  });

  beforeAll(async () => {
    sandbox = await startSandbox();
    identity = createPayrollIdentity({ tenants: { lender: argyle() } });
  });
  afterAll(async () => {
    await identity?.close();
    await sandbox?.close();
  });

  it('its Argyle users stay reachable by reference; new users go to Teal', async () => {
    const users = identity.forTenant('lender');
    const { user: before } = await users.createUser({
      firstName: 'Jane',
      lastName: 'Doe',
      email: 'jane.doe@example.com',
      externalId: 'move-1',
    });
    expect(before.provider).toBe('argyle');

    await identity.setTenant('lender', { ...teal(), retainedProviders: [argyle()] });
    expect(users.provider).toBe('teal');
    expect(users.providers).toEqual(['teal', 'argyle']);
    expect(users.capabilities.maxPageSize).toBe(100);
    expect(users.capabilitiesOf('argyle').maxPageSize).toBe(200);

    // By reference, by the User object itself; a bare id means the current provider (Teal).
    expect((await users.getUser({ provider: 'argyle', id: before.id })).email).toBe('jane.doe@example.com');
    expect((await users.getUser(before)).id).toBe(before.id);
    expect((await rejection(() => users.getUser(before.id))).code).not.toBe(undefined);
    await users.updateUser(before, { lastName: 'Doe-Moved' });
    expect((await users.createLinkToken(before)).token).toBeTruthy();

    const { user: after } = await users.createUser({
      firstName: 'John',
      lastName: 'Smith',
      birthDate: '1985-11-02',
      address: { postalCode: 'SW1A 2AA' },
      externalId: 'move-2',
    });
    expect(after.provider).toBe('teal');

    const argyleIds: string[] = [];
    for await (const u of users.listUsers({ provider: 'argyle' })) argyleIds.push(u.id);
    expect(argyleIds).toContain(before.id);
    const tealIds: string[] = [];
    for await (const u of users.listUsers()) tealIds.push(u.id);
    expect(tealIds).toContain(after.id);
    expect(tealIds).not.toContain(before.id);

    await users.deleteUser({ provider: 'argyle', id: before.id });
    expect((await rejection(() => users.getUser(before))).code).toBe('not_found');
  });

  it('a reference to a provider the tenant neither uses nor retains is invalid_input (userId), unsent', async () => {
    await identity.setTenant('lender', teal());
    const users = identity.forTenant('lender');
    const sent = sandbox.argyle.requests().length + sandbox.teal.requests().length;
    for (const ref of [
      { provider: 'argyle', id: USER_ID },
      { provider: 'acme', id: USER_ID },
      { provider: 7, id: USER_ID },
    ]) {
      const error = await rejection(() => users.getUser(ref as never));
      expect(error.code).toBe('invalid_input');
      expect((error as { fieldErrors?: Record<string, unknown> }).fieldErrors).toHaveProperty('userId');
    }
    const listing = await rejection(async () => {
      for await (const _ of users.listUsers({ provider: 'argyle' })) break;
    });
    expect(listing.code).toBe('invalid_input');
    expect(sandbox.argyle.requests().length + sandbox.teal.requests().length).toBe(sent);
  });

  it('a retained provider must differ from the current one and from the others', async () => {
    const error = (await rejection(() =>
      identity.setTenant('lender', { ...teal(), retainedProviders: [argyle(), argyle(), teal()] }),
    )) as InvalidConfigurationError;
    expect(error.problems.map((p) => p.field)).toEqual([
      'retainedProviders.1.provider',
      'retainedProviders.2.provider',
    ]);
  });

  it('printing a handle shows its tenant and current provider, never a credential', () => {
    const printed = `${inspect(identity.forTenant('lender'), { depth: 10, showHidden: true })}${JSON.stringify(identity.forTenant('lender'))}`;
    expect(printed).toContain('lender');
    expect(printed).not.toContain(sandbox.teal.credentials.apiKey);
  });
});

describe('watchConfigFile', () => {
  it('applies a changed file, keeps the last good configuration when the new one is invalid, and reports without values', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pi-watch-'));
    const file = join(dir, 'tenants.json');
    const wire = recordingArgyle();
    const write = (tenants: Record<string, TenantConfigInput>) =>
      writeFileSync(file, JSON.stringify({ tenants }));
    write({ acme: argyleTenant(KEY_A) });
    const logs: { level: string; obj: unknown }[] = [];
    const log = (level: string) => (obj: unknown) => logs.push({ level, obj });
    const identity = createPayrollIdentity({
      tenants: { acme: argyleTenant(KEY_A) },
      transport: wire.transport,
      logger: { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') },
    });
    const errors: unknown[] = [];
    let applied = 0;
    const watcher = watchConfigFile(file, identity, {
      debounceMs: 10,
      onError: (e) => errors.push(e),
      onApplied: () => applied++,
    });
    try {
      write({ acme: argyleTenant(KEY_B) });
      for (let i = 0; i < 200 && applied === 0; i++) await new Promise((r) => setTimeout(r, 10));
      await watcher.settled();
      expect(applied).toBe(1);
      await identity.forTenant('acme').getUser(USER_ID);
      expect(wire.seen.at(-1)?.auth).toBe(wire.basic(KEY_B));

      writeFileSync(
        file,
        JSON.stringify({ tenants: { acme: { ...argyleTenant(KEY_A), environment: 'staging' } } }),
      );
      for (let i = 0; i < 200 && errors.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
      await watcher.settled();
      expect((errors[0] as { code?: string }).code).toBe('invalid_configuration');
      await identity.forTenant('acme').getUser(USER_ID);
      expect(wire.seen.at(-1)?.auth).toBe(wire.basic(KEY_B));
      const warned = JSON.stringify(logs.filter((l) => l.level === 'warn'));
      expect(warned).toContain('configuration_rejected');
      expect(warned).not.toContain(KEY_A.apiKeySecret);

      writeFileSync(file, '{ not json');
      for (let i = 0; i < 200 && errors.length < 2; i++) await new Promise((r) => setTimeout(r, 10));
      await watcher.settled();
      expect(errors).toHaveLength(2);
      expect([...identity.tenants]).toEqual(['acme']);
    } finally {
      watcher.close();
      await identity.close();
    }
  });
});

describe('watchConfigFile, the harder cases', () => {
  const settle = async (until: () => boolean) => {
    for (let i = 0; i < 300 && !until(); i++) await new Promise((r) => setTimeout(r, 10));
  };

  it('sees a Kubernetes-style symlink swap, and an edit of the file a link points to', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pi-watch-k8s-'));
    const wire = recordingArgyle();
    const version = (name: string, key: typeof KEY_A) => {
      mkdirSync(join(dir, name));
      writeFileSync(
        join(dir, name, 'tenants.json'),
        JSON.stringify({ tenants: { acme: argyleTenant(key) } }),
      );
    };
    version('..v1', KEY_A);
    symlinkSync('..v1', join(dir, '..data'));
    symlinkSync(join('..data', 'tenants.json'), join(dir, 'tenants.json'));
    const identity = createPayrollIdentity({
      tenants: { acme: argyleTenant(KEY_A) },
      transport: wire.transport,
    });
    let applied = 0;
    const watcher = watchConfigFile(join(dir, 'tenants.json'), identity, {
      debounceMs: 10,
      onApplied: () => applied++,
    });
    try {
      version('..v2', KEY_B);
      symlinkSync('..v2', join(dir, '..data_tmp'));
      renameSync(join(dir, '..data_tmp'), join(dir, '..data'));
      await settle(() => applied === 1);
      await watcher.settled();
      await identity.forTenant('acme').getUser(USER_ID);
      expect(wire.seen.at(-1)?.auth).toBe(wire.basic(KEY_B));
    } finally {
      watcher.close();
      await identity.close();
    }
  });

  it('settled() resolves after close() even with a change pending; a throwing onApplied is not an error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pi-watch-close-'));
    const file = join(dir, 'tenants.json');
    writeFileSync(file, JSON.stringify({ tenants: { acme: argyleTenant(KEY_A) } }));
    const wire = recordingArgyle();
    const identity = createPayrollIdentity({
      tenants: { acme: argyleTenant(KEY_A) },
      transport: wire.transport,
    });
    const errors: unknown[] = [];
    let applied = 0;
    const watcher = watchConfigFile(file, identity, {
      debounceMs: 10,
      onError: (e) => errors.push(e),
      onApplied: () => {
        applied++;
        throw new Error('host bug');
      },
    });
    writeFileSync(file, JSON.stringify({ tenants: { acme: argyleTenant(KEY_B) } }));
    await settle(() => applied === 1);
    await watcher.settled();
    expect(errors).toEqual([]);
    writeFileSync(file, JSON.stringify({ tenants: { acme: argyleTenant(KEY_A) } }));
    watcher.close();
    await expect(
      Promise.race([
        watcher.settled().then(() => 'settled'),
        new Promise((r) => setTimeout(() => r('hung'), 1000)),
      ]),
    ).resolves.toBe('settled');
    await identity.close();
  });

  it('a folder that does not exist is invalid_configuration, not a raw file-system error', () => {
    const identity = createPayrollIdentity({
      tenants: { acme: argyleTenant(KEY_A) },
      transport: recordingArgyle().transport,
    });
    expect(() => watchConfigFile(join(tmpdir(), 'no-such-dir-pi', 'tenants.yaml'), identity)).toThrow(
      expect.objectContaining({ code: 'invalid_configuration' }),
    );
    void identity.close();
  });
});

describe('overlapping changes, close and host code', () => {
  it('a later change resolves only once every earlier configuration has stopped sending', async () => {
    const wire = recordingArgyle();
    const identity = createPayrollIdentity({
      tenants: { acme: argyleTenant(KEY_A) },
      transport: wire.transport,
    });
    const users = identity.forTenant('acme');
    const release = wire.hold();
    const inFlight = users.getUser(USER_ID);
    await until(() => wire.seen.length, 1);
    let second = false;
    let third = false;
    const p2 = identity.setTenant('acme', argyleTenant(KEY_B)).then(() => {
      second = true;
    });
    const p3 = identity
      .setTenant('acme', argyleTenant({ ...KEY_B, apiKeySecret: 'secret-CCCC-not-real' }))
      .then(() => {
        third = true;
      });
    await new Promise((r) => setTimeout(r, 20));
    // The call on key A is still running: neither change may claim that the old key is gone.
    expect([second, third]).toEqual([false, false]);
    release();
    await inFlight;
    await Promise.all([p2, p3]);
    expect(wire.seen.filter((s) => s.auth === wire.basic(KEY_A))).toHaveLength(1);
    await identity.close();
  });

  it('close() stops calls still draining from an earlier change, at once', async () => {
    const wire = recordingArgyle();
    const identity = createPayrollIdentity({
      tenants: { acme: argyleTenant(KEY_A, { timeoutMs: 60_000 }) },
      transport: wire.transport,
    });
    wire.hold();
    const inFlight = identity.forTenant('acme').getUser(USER_ID);
    await until(() => wire.seen.length, 1);
    void identity.setTenant('acme', argyleTenant(KEY_B));
    const started = Date.now();
    await identity.close();
    expect(Date.now() - started).toBeLessThan(5_000);
    expect((await rejection(() => inFlight)).code).toBe('aborted');
  });

  it('a hook that rejects and a logger that throws change nothing about a change', async () => {
    const wire = recordingArgyle();
    const throwing = () => {
      throw new Error('logger down');
    };
    const identity = createPayrollIdentity({
      tenants: { acme: argyleTenant(KEY_A) },
      transport: wire.transport,
      hooks: { onConfigurationChange: async () => Promise.reject(new Error('hook down')) },
      logger: { debug: throwing, info: throwing, warn: throwing, error: throwing },
    });
    await identity.setTenant('acme', argyleTenant(KEY_B));
    const refused = await rejection(() =>
      identity.setTenant('acme', { ...argyleTenant(KEY_B), environment: 'staging' } as never),
    );
    expect(refused.code).toBe('invalid_configuration');
    await new Promise((r) => setTimeout(r, 10));
    await identity.close();
  });

  it('a getter that throws in a new configuration is invalid_configuration, without its text', async () => {
    const identity = createPayrollIdentity({
      tenants: { acme: argyleTenant(KEY_A) },
      transport: recordingArgyle().transport,
    });
    const tenants = {
      get acme(): TenantConfigInput {
        throw new Error('getter saw secret-ZZZZ-not-real');
      },
    };
    const error = await rejection(() => identity.reconfigure({ tenants }));
    expect(error.code).toBe('invalid_configuration');
    expect(JSON.stringify(error)).not.toContain('secret-ZZZZ');
    expect(error.message).not.toContain('secret-ZZZZ');
    await identity.close();
  });

  it('a tenant left unchanged keeps its checked declaration (the provider is not asked again)', async () => {
    const { argyleProvider } = await import('../../../providers/argyle/index.js');
    const { createPayrollIdentityWith } = await import('../../../src/container/identity.js');
    let calls = 0;
    const counted = {
      ...argyleProvider,
      users: (config: Parameters<typeof argyleProvider.users>[0]) => {
        calls += 1;
        if (calls > 2) throw new Error('users() called again with secret-YYYY');
        return argyleProvider.users(config);
      },
    };
    const wire = recordingArgyle();
    const config = { tenants: { acme: argyleTenant(KEY_A) }, transport: wire.transport };
    const identity = createPayrollIdentityWith(config, [counted as typeof argyleProvider]);
    await identity.reconfigure({ tenants: { acme: argyleTenant(KEY_A) } });
    expect(calls).toBe(2);
    await expect(identity.forTenant('acme').getUser(USER_ID)).resolves.toMatchObject({ id: USER_ID });
    await identity.close();
  });
});

describe('configuration problems', () => {
  it('every problem at once, whichever stage finds it, retained providers named where they are', async () => {
    const identity = createPayrollIdentity({
      tenants: { acme: argyleTenant(KEY_A) },
      transport: recordingArgyle().transport,
    });
    const error = (await rejection(() =>
      identity.reconfigure({
        tenants: {
          schema: { provider: 'argyle', environment: 'staging', credentials: KEY_A } as never,
          url: argyleTenant(KEY_A, { baseUrl: 'https://api.argyle.example/v1' }),
          dup: { ...argyleTenant(KEY_A), retainedProviders: [argyleTenant(KEY_B)] },
          retainedUrl: {
            provider: 'teal',
            environment: 'sandbox',
            credentials: { apiKey: 'teal-key-0000-not-real' },
            retainedProviders: [argyleTenant(KEY_A, { baseUrl: 'https://api.argyle.example/v1' })],
          },
        },
      }),
    )) as InvalidConfigurationError;
    expect(error.problems.map((p) => `${p.tenant}:${p.field}`).sort()).toEqual([
      'dup:retainedProviders.0.provider',
      'retainedUrl:retainedProviders.0.baseUrl',
      'schema:environment',
      'url:baseUrl',
    ]);
    await identity.close();
  });

  it('an unknown key under credentials is never echoed (YAML reads `{apiKeySecret:value}` as one key)', async () => {
    const identity = createPayrollIdentity({
      tenants: { acme: argyleTenant(KEY_A) },
      transport: recordingArgyle().transport,
    });
    const events: ConfigurationChangeEvent[] = [];
    const error = (await rejection(() =>
      identity.setTenant('acme', {
        provider: 'argyle',
        environment: 'sandbox',
        credentials: { 'apiKeyId:live-key-id-0123456789': null, 'apiKeySecret:live-secret-ABCDEFGHIJ': null },
      } as never),
    )) as InvalidConfigurationError;
    const shown = `${JSON.stringify(error)}${error.message}${inspect(error, { depth: 10 })}`;
    expect(shown).not.toContain('live-secret-ABCDEFGHIJ');
    expect(shown).not.toContain('0123456789');
    expect(error.problems.map((p) => p.field)).toContain('credentials.(an unknown key)');
    void events;
    await identity.close();
  });
});

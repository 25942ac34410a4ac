/**
 * `startSandbox()`, the public entry point: one emulator per built-in provider, found through the
 * provider definitions, on free loopback ports (or consecutive ones from `firstPort`), with fresh
 * credentials each start; every running emulator describes itself (credentials, tenant, demo plan).
 */
import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createPayrollIdentityWith } from '../../src/container/identity.js';
import { BUILT_IN_PROVIDERS } from '../../src/providers.js';
import {
  type RunningEmulator,
  type Sandbox,
  type SandboxEmulator,
  startEmulator,
  startSandbox,
} from '../../src/sandbox/index.js';
import { basic, raw } from './raw-http.js';

/** The built-in providers that declare an emulator, in registration order. */
const EMULATED = BUILT_IN_PROVIDERS.filter((d) => d.sandbox !== undefined).map((d) => d.name);

/** A minimal emulator of a provider named `name`: `GET /ping` behind an `x-token` guard. */
function echoEmulator(name: string, extra: Partial<SandboxEmulator<{ token: string }, never>> = {}) {
  const emulator: SandboxEmulator<{ token: string }, never> = {
    name,
    createCredentials: () => ({ credentials: { token: `t-${name}` }, alternativeCredentials: [] }),
    errorBody: (_status, message) => ({ message }),
    register(router, context) {
      router.guard((request) =>
        request.headers['x-token'] === context.credentials.token ? undefined : { status: 401 },
      );
      router.route('GET', '/ping', () => ({ status: 200, body: { pong: name } }));
      return { userCount: () => 0, reset: () => {} };
    },
    ...extra,
  };
  return emulator;
}

const started: Sandbox[] = [];
async function start(...args: Parameters<typeof startSandbox>): Promise<Sandbox> {
  const sandbox = await startSandbox(...args);
  started.push(sandbox);
  return sandbox;
}
afterEach(async () => {
  await Promise.all(started.splice(0).map((s) => s.close()));
});

/** The first of `count` consecutive ports that are free now (retried: another process may take one). */
async function consecutiveFreePorts(count: number): Promise<number> {
  for (let tries = 0; tries < 20; tries++) {
    const base = await new Promise<number>((resolve, reject) => {
      const server = createServer();
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const address = server.address();
        server.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0));
      });
    });
    if (base === 0 || base + count - 1 > 65_535) continue;
    let free = true;
    for (let i = 1; i < count && free; i++) free = !(await portInUse(base + i));
    if (free) return base;
  }
  throw new Error(`no ${count} consecutive free ports`);
}

/** Whether something still listens on the port. */
async function portInUse(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(true));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(false)));
  });
}

describe('startSandbox', () => {
  it('every built-in provider definition declares its emulator', async () => {
    for (const definition of BUILT_IN_PROVIDERS) {
      expect(definition.sandbox, definition.name).toBeTypeOf('function');
      expect((await definition.sandbox?.())?.name).toBe(definition.name);
    }
  });

  it('serves Argyle and Teal on distinct loopback ports with working credentials', async () => {
    const sandbox = await start();
    for (const url of [sandbox.argyle.baseUrl, sandbox.teal.baseUrl]) {
      expect(new URL(url).hostname).toBe('127.0.0.1');
      expect(new URL(url).protocol).toBe('http:');
    }
    expect(sandbox.argyle.baseUrl).not.toBe(sandbox.teal.baseUrl);

    const { apiKeyId, apiKeySecret } = sandbox.argyle.credentials;
    const argyle = await raw(`${sandbox.argyle.baseUrl}/v2/users`, {
      headers: { authorization: basic(apiKeyId, apiKeySecret) },
    });
    expect(argyle.status).toBe(200);
    const teal = await raw(`${sandbox.teal.baseUrl}/users`, {
      headers: { 'x-api-key': sandbox.teal.credentials.apiKey },
    });
    expect(teal.status).toBe(200);
    const bearer = sandbox.teal.alternativeCredentials[0]?.bearerToken;
    const byBearer = await raw(`${sandbox.teal.baseUrl}/users`, {
      headers: { authorization: `Bearer ${bearer}` },
    });
    expect(byBearer.status).toBe(200);
    expect([...sandbox.emulators.keys()]).toEqual(EMULATED);
    expect(sandbox.emulator('teal')).toBe(sandbox.emulators.get('teal'));
    expect(() => sandbox.emulator('nobody')).toThrow(/nobody/);
  });

  it("hands out fresh random credentials each start; one run's do not open another", async () => {
    const one = await start();
    const two = await start();
    expect(one.argyle.credentials).not.toEqual(two.argyle.credentials);
    expect(one.teal.credentials.apiKey).not.toBe(two.teal.credentials.apiKey);
    expect(one.teal.credentials.apiKey).toMatch(/^sandbox-key-[0-9a-f]{32}$/);
    const res = await raw(`${two.teal.baseUrl}/users`, {
      headers: { 'x-api-key': one.teal.credentials.apiKey },
    });
    expect(res.status).toBe(401);
  });

  it('passes fault options to the named emulator only', async () => {
    const sandbox = await start({ emulators: { teal: { faults: { errorRate: 1 } } } });
    const teal = await raw(`${sandbox.teal.baseUrl}/users`, {
      headers: { 'x-api-key': sandbox.teal.credentials.apiKey },
    });
    expect(teal.status).toBe(503);
    const { apiKeyId, apiKeySecret } = sandbox.argyle.credentials;
    const argyle = await raw(`${sandbox.argyle.baseUrl}/v2/users`, {
      headers: { authorization: basic(apiKeyId, apiKeySecret) },
    });
    expect(argyle.status).toBe(200);
  });

  it('refuses options for an emulator that does not exist', async () => {
    await expect(startSandbox({ emulators: { argyl: {} } })).rejects.toThrow(/argyl/);
  });

  it("passes each emulator its own options, typed per built-in; the defaults follow the providers' documents", async () => {
    const sandbox = await start({
      emulators: {
        teal: { options: { duplicateRule: 'name-and-birth-date' } },
        argyle: { options: { v1ListShape: 'bare-array', v1PageCap: 5 } },
      },
    });
    expect(sandbox.teal.options).toEqual({ duplicateRule: 'name-and-birth-date', unknownFields: 'ignore' });
    expect(sandbox.argyle.options).toEqual({
      unknownFields: 'ignore',
      v1ListShape: 'bare-array',
      v1PageCap: 5,
    });
    const defaults = await start();
    expect(defaults.teal.options).toEqual({ duplicateRule: 'none', unknownFields: 'ignore' });
    expect(defaults.argyle.options).toEqual({ unknownFields: 'ignore', v1ListShape: 'envelope' });
    // The rule is in force where it was asked for, and only there.
    const john = {
      forename: 'John',
      surname: 'Smith',
      date_of_birth: '1990-05-17T00:00:00.000Z',
      post_codes: ['SW1A 1AA'],
      payroll_period_months: 12,
    };
    const twice = async (run: Sandbox) => {
      const post = () =>
        raw(`${run.teal.baseUrl}/users`, {
          method: 'POST',
          json: john,
          headers: { 'x-api-key': run.teal.credentials.apiKey },
        });
      return [(await post()).status, (await post()).status];
    };
    expect(await twice(sandbox)).toEqual([201, 409]);
    expect(await twice(defaults)).toEqual([201, 201]);
  });

  it('refuses invalid emulator options, unknown start options, and options for an emulator that takes none, before anything listens', async () => {
    await expect(
      startSandbox({ emulators: { teal: { options: { duplicateRule: 'same-name' as never } } } }),
    ).rejects.toThrow(/^startEmulator: invalid options for emulator teal: duplicateRule: /);
    await expect(startSandbox({ emulators: { argyle: { options: { v1PageCap: 500 } } } })).rejects.toThrow(
      /emulator argyle: v1PageCap: must be at most 200/,
    );
    // An emulator option one level too high is not silently ignored.
    await expect(
      startSandbox({ emulators: { teal: { duplicateRule: 'name-and-birth-date' } as never } }),
    ).rejects.toThrow(
      /unknown start option "duplicateRule" for emulator teal \(its own options go under "options"\)/,
    );
    await expect(
      startSandbox({ extraEmulators: [echoEmulator('echo')], emulators: { echo: { options: { x: 1 } } } }),
    ).rejects.toThrow(/emulator echo takes no options/);
    // An empty object is no options at all.
    const sandbox = await start({
      extraEmulators: [echoEmulator('echo')],
      emulators: { echo: { options: {} } },
    });
    expect(sandbox.emulator('echo').options).toEqual({});
  });

  it("an emulator's own parseOptions gets what was given and hands register what it returns", async () => {
    const seen: unknown[] = [];
    const emulator: SandboxEmulator<{ token: string }, never, { greeting: string }> = {
      ...(echoEmulator('hello') as unknown as SandboxEmulator<
        { token: string },
        never,
        { greeting: string }
      >),
      parseOptions: (given) => {
        seen.push(given);
        const greeting = (given as { greeting?: unknown } | undefined)?.greeting ?? 'hello';
        if (typeof greeting !== 'string') throw new Error('greeting must be a string');
        return { greeting };
      },
      register(router, context) {
        router.route('GET', '/greet', () => ({ status: 200, body: { says: context.options.greeting } }));
        return { userCount: () => 0, reset: () => {} };
      },
    };
    const plain = await startEmulator(emulator);
    const custom = await startEmulator(emulator, { options: { greeting: 'hi' } });
    try {
      expect(seen).toEqual([undefined, { greeting: 'hi' }]);
      expect((await raw(`${plain.baseUrl}/greet`)).body).toEqual({ says: 'hello' });
      expect((await raw(`${custom.baseUrl}/greet`)).body).toEqual({ says: 'hi' });
      expect(custom.options).toEqual({ greeting: 'hi' });
    } finally {
      await plain.close();
      await custom.close();
    }
    await expect(startEmulator(emulator, { options: { greeting: 1 as never } })).rejects.toThrow(
      /^startEmulator: invalid options for emulator hello: greeting must be a string$/,
    );
  });

  it('runs extra emulators beside the built-ins, after them', async () => {
    const sandbox = await start({ extraEmulators: [echoEmulator('echo')] });
    expect([...sandbox.emulators.keys()]).toEqual([...EMULATED, 'echo']);
    const res = await raw(`${sandbox.emulator('echo').baseUrl}/ping`, { headers: { 'x-token': 't-echo' } });
    expect(res.body).toEqual({ pong: 'echo' });
    expect((await raw(`${sandbox.emulator('echo').baseUrl}/nothing`)).body).toEqual({
      message: 'Not found.',
    });
  });

  it('an extra emulator with a built-in name replaces it in its place', async () => {
    expect(EMULATED.length).toBeGreaterThan(0);
    const first = EMULATED[0] as string;
    const other = echoEmulator('other');
    const sandbox = await start({ extraEmulators: [other, echoEmulator(first)] });
    expect([...sandbox.emulators.keys()]).toEqual([...EMULATED, 'other']);
    const replaced = await raw(`${sandbox.emulator(first).baseUrl}/ping`, {
      headers: { 'x-token': `t-${first}` },
    });
    expect(replaced.body).toEqual({ pong: first });
  });

  it('every emulator describes itself: labelled credentials, a working tenant, a demo plan', async () => {
    const sandbox = await start();
    const tenants: Record<string, ReturnType<RunningEmulator['tenant']>> = {};
    for (const emulator of sandbox.emulators.values()) {
      const values = [
        ...Object.values(emulator.credentials),
        ...emulator.alternativeCredentials.flatMap((c) => Object.values(c)),
      ];
      // Every credential of the run is printed, each once, labelled by its key.
      expect(emulator.credentialFields.map((f) => f.value).sort(), emulator.name).toEqual(values.sort());
      for (const field of emulator.credentialFields) expect(field.label).toMatch(/^[A-Za-z][\w.-]*$/);

      const tenant = emulator.tenant();
      expect(tenant).toMatchObject({
        provider: emulator.name,
        environment: 'sandbox',
        baseUrl: emulator.baseUrl,
        credentials: emulator.credentials,
      });
      // A fresh copy each time: changing one does not change the emulator's.
      tenant.credentials.changed = 'yes';
      expect(emulator.tenant().credentials).not.toHaveProperty('changed');
      tenants[`t-${emulator.name}`] = emulator.tenant();

      // Built-in demo plans use obviously fake people only.
      const plan = emulator.demo;
      expect(plan, emulator.name).toBeDefined();
      const text = JSON.stringify(plan);
      for (const email of text.match(/[\w.+-]+@[\w.-]+/g) ?? []) expect(email).toMatch(/@example\.com$/);
      const id = plan?.applicant.nationalId?.value;
      if (id !== undefined) expect(['123-45-6789', 'QQ123456C']).toContain(id);
      expect(plan?.update.lastName).not.toBe(plan?.applicant.lastName);
    }
    // The tenants are a valid configuration of the built-in providers.
    const identity = createPayrollIdentityWith({ tenants }, BUILT_IN_PROVIDERS);
    expect([...identity.tenants].sort()).toEqual(EMULATED.map((n) => `t-${n}`).sort());
    await identity.close();
  });

  it('by default labels every string credential by its key, alternatives after', async () => {
    const emulator: SandboxEmulator<{ id: string; secret: string; n: number }, { bearer: string }> = {
      ...(echoEmulator('plain') as unknown as SandboxEmulator<
        { id: string; secret: string; n: number },
        { bearer: string }
      >),
      createCredentials: () => ({
        credentials: { id: 'i-1', secret: 's-1', n: 3 },
        alternativeCredentials: [{ bearer: 'b-1' }],
      }),
    };
    const running = await startEmulator(emulator);
    try {
      expect(running.credentialFields).toEqual([
        { label: 'id', value: 'i-1', alternative: false },
        { label: 'secret', value: 's-1', alternative: false },
        { label: 'bearer', value: 'b-1', alternative: true },
      ]);
      expect(running.demo).toBeUndefined();
    } finally {
      await running.close();
    }
  });

  it("adds the emulator's tenant settings, which never replace the core's own keys", async () => {
    const running = await startEmulator(
      echoEmulator('settled', {
        tenantSettings: { region: 'eu', provider: 'someone-else', baseUrl: 'https://elsewhere.example' },
      }),
    );
    try {
      expect(running.tenant()).toEqual({
        region: 'eu',
        provider: 'settled',
        environment: 'sandbox',
        baseUrl: running.baseUrl,
        credentials: { token: 't-settled' },
      });
    } finally {
      await running.close();
    }
  });

  it('refuses a malformed self-description before listening, quoting no credential', async () => {
    const bad = echoEmulator('liar', {
      describeCredentials: (credentials) =>
        [{ label: 'token', value: credentials.token, alternative: 'no' }] as never,
    });
    const error = await startEmulator(bad).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/describeCredentials of emulator liar/);
    expect((error as Error).message).not.toContain('t-liar');

    const settings = echoEmulator('odd', { tenantSettings: { hook: () => 1 } });
    await expect(startEmulator(settings)).rejects.toThrow(/tenantSettings of emulator odd/);
  });

  it('firstPort: consecutive ports in registration order; a per-emulator port wins', async () => {
    const count = EMULATED.length + 1;
    const first = await consecutiveFreePorts(count + 1);
    const last = first + count;
    const sandbox = await start({
      firstPort: first,
      extraEmulators: [echoEmulator('echo')],
      emulators: { echo: { port: last } },
    });
    const ports = [...sandbox.emulators.values()].map((e) => Number(new URL(e.baseUrl).port));
    expect(ports).toEqual([...EMULATED.map((_, i) => first + i), last]);
  });

  it('firstPort must leave room for every emulator', async () => {
    await expect(startSandbox({ firstPort: 65_535 })).rejects.toThrow(/firstPort/);
    await expect(startSandbox({ firstPort: 0 })).rejects.toThrow(/firstPort/);
  });

  it('a typed shortcut checks its emulator when read; the map works whatever runs', async () => {
    // `argyle` replaced by an emulator with other credentials: the sandbox runs, its shortcut refuses.
    const sandbox = await start({ extraEmulators: [echoEmulator('argyle')] });
    expect(() => sandbox.argyle).toThrow();
    expect(sandbox.emulator('argyle').tenant().credentials).toEqual({ token: 't-argyle' });
    expect(sandbox.teal.credentials.apiKey).toMatch(/^sandbox-key-/);
    expect(sandbox.teal).toBe(sandbox.teal);
  });

  it('close() frees the ports', async () => {
    const sandbox = await startSandbox();
    const ports = [sandbox.argyle.baseUrl, sandbox.teal.baseUrl].map((u) => Number(new URL(u).port));
    expect(await portInUse(ports[0] ?? 0)).toBe(true);
    await sandbox.close();
    for (const port of ports) expect(await portInUse(port)).toBe(false);
  });
});

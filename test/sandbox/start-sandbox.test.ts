/**
 * `startSandbox()`, the public entry point: one emulator per built-in provider, found through the
 * provider definitions, on free loopback ports, with fresh credentials each start.
 */
import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { BUILT_IN_PROVIDERS } from '../../src/providers.js';
import { type Sandbox, type SandboxEmulator, startSandbox } from '../../src/sandbox/index.js';
import { basic, raw } from './raw-http.js';

const started: Sandbox[] = [];
async function start(...args: Parameters<typeof startSandbox>): Promise<Sandbox> {
  const sandbox = await startSandbox(...args);
  started.push(sandbox);
  return sandbox;
}
afterEach(async () => {
  await Promise.all(started.splice(0).map((s) => s.close()));
});

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
    expect([...sandbox.emulators.keys()].sort()).toEqual(['argyle', 'teal']);
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

  it('runs extra emulators beside the built-ins', async () => {
    const echo: SandboxEmulator<{ token: string }> = {
      name: 'echo',
      createCredentials: () => ({ credentials: { token: 't' }, alternativeCredentials: [] }),
      errorBody: (_status, message) => ({ message }),
      register(router) {
        router.route('GET', '/ping', () => ({ status: 200, body: { pong: true } }));
        return { userCount: () => 0, reset: () => {} };
      },
    };
    const sandbox = await start({ extraEmulators: [echo] });
    const res = await raw(`${sandbox.emulator('echo').baseUrl}/ping`);
    expect(res.body).toEqual({ pong: true });
    expect((await raw(`${sandbox.emulator('echo').baseUrl}/nothing`)).body).toEqual({
      message: 'Not found.',
    });
  });

  it('close() frees the ports', async () => {
    const sandbox = await startSandbox();
    const ports = [sandbox.argyle.baseUrl, sandbox.teal.baseUrl].map((u) => Number(new URL(u).port));
    expect(await portInUse(ports[0] ?? 0)).toBe(true);
    await sandbox.close();
    for (const port of ports) expect(await portInUse(port)).toBe(false);
  });
});

import 'reflect-metadata';
import nock from 'nock';
import { container as globalContainer } from 'tsyringe';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createPayrollIdentityWith, registerPayrollIdentity } from '../../src/container/identity.js';
import { TOKENS } from '../../src/container/tokens.js';
import { UnknownTenantError } from '../../src/errors.js';
import { HttpClient } from '../../src/http/client.js';
import type { ProviderDefinition } from '../../src/provider/definition.js';
import { fakeProvider } from '../support/fake-provider.js';

/** A second test provider: same adapter, another name, header and base URLs. */
const otherProvider = {
  ...fakeProvider,
  name: 'other',
  baseUrls: { sandbox: 'https://sandbox.other.test', production: 'https://api.other.test' },
  auth: (config: { credentials: { key: string } }) => ({
    headers: () => ({ 'X-Other-Key': config.credentials.key }),
    secrets: () => [config.credentials.key],
  }),
} as unknown as ProviderDefinition;

const config = {
  tenants: {
    alpha: { provider: 'fake', environment: 'production' as const, credentials: { key: 'alpha-key' } },
    beta: { provider: 'other', environment: 'sandbox' as const, credentials: { key: 'beta-key' } },
    gamma: {
      provider: 'fake',
      environment: 'sandbox' as const,
      credentials: { key: 'gamma-key' },
      baseUrl: 'https://gamma.fake.test/',
    },
  },
};

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

describe('createPayrollIdentity container', () => {
  it('gives each tenant the service, credentials and base URL its configuration names', async () => {
    const identity = createPayrollIdentityWith(config, [fakeProvider, otherProvider]);
    expect(identity.tenants).toEqual(['alpha', 'beta', 'gamma']);
    const alpha = identity.forTenant('alpha');
    const beta = identity.forTenant('beta');
    expect(alpha.provider).toBe('fake');
    expect(beta.provider).toBe('other');
    expect(alpha).not.toBe(beta);

    const a = nock('https://api.fake.test', { reqheaders: { 'x-fake-key': 'alpha-key' } })
      .get('/users/u1')
      .reply(200, { id: 'u1' });
    const b = nock('https://sandbox.other.test', {
      reqheaders: { 'x-other-key': 'beta-key' },
      badheaders: ['x-fake-key'],
    })
      .get('/users/u2')
      .reply(200, { id: 'u2' });
    const g = nock('https://gamma.fake.test', { reqheaders: { 'x-fake-key': 'gamma-key' } })
      .get('/users/u3')
      .reply(200, { id: 'u3' });
    expect((await alpha.getUser('u1')).id).toBe('u1');
    expect((await beta.getUser('u2')).id).toBe('u2');
    expect((await identity.forTenant('gamma').getUser('u3')).id).toBe('u3');
    expect(a.isDone() && b.isDone() && g.isDone()).toBe(true);
    await identity.close();
  });

  it('returns the same instance for the same tenant', async () => {
    const identity = createPayrollIdentityWith(config, [fakeProvider, otherProvider]);
    expect(identity.forTenant('alpha')).toBe(identity.forTenant('alpha'));
    await identity.close();
  });

  it('throws unknown_tenant giving the number of configured tenants, never their names', async () => {
    const identity = createPayrollIdentityWith(config, [fakeProvider, otherProvider]);
    expect(() => identity.forTenant('delta')).toThrow(UnknownTenantError);
    try {
      identity.forTenant('delta');
    } catch (error) {
      expect((error as UnknownTenantError).code).toBe('unknown_tenant');
      expect((error as Error).message).toContain('3 tenants');
      expect((error as Error).message).not.toMatch(/alpha|beta|gamma/);
    }
    await identity.close();
  });

  it("leaves tsyringe's global container untouched", async () => {
    const identity = createPayrollIdentityWith(config, [fakeProvider, otherProvider]);
    identity.forTenant('alpha');
    for (const token of Object.values(TOKENS) as symbol[])
      expect(globalContainer.isRegistered(token, true)).toBe(false);
    expect(identity.container.isRegistered(TOKENS.TenantConfigs)).toBe(true);
    expect(identity.container.resolve(TOKENS.PayrollIdentity)).toBe(identity);
    await identity.close();
  });

  it('lets a host resolve the identity from its own container', async () => {
    const identity = createPayrollIdentityWith(config, [fakeProvider, otherProvider]);
    const host = globalContainer.createChildContainer();
    registerPayrollIdentity(host, identity);
    expect(host.resolve(TOKENS.PayrollIdentity).forTenant('alpha').provider).toBe('fake');
    expect(globalContainer.isRegistered(TOKENS.PayrollIdentity, true)).toBe(false);
    await identity.close();
  });

  it('builds tenants lazily: configured-but-unused tenants create no client', async () => {
    const spy = vi.spyOn(HttpClient.prototype, 'close');
    const identity = createPayrollIdentityWith(config, [fakeProvider, otherProvider]);
    // A handle costs nothing; its tenant's client is made when it is first used.
    identity.forTenant('alpha');
    identity.forTenant('gamma');
    expect(identity.forTenant('alpha').capabilities).toBeDefined();
    expect(identity.forTenant('beta').capabilities).toBeDefined();
    await identity.close();
    expect(spy).toHaveBeenCalledTimes(2);
    spy.mockRestore();
  });

  it('close() disposes what it created; forTenant throws afterwards; close twice is harmless', async () => {
    const identity = createPayrollIdentityWith(config, [fakeProvider, otherProvider]);
    identity.forTenant('alpha');
    await identity.close();
    await identity.close();
    expect(() => identity.forTenant('alpha')).toThrow(/closed/);
  });

  it('lets configuration add a provider (or replace a built-in)', async () => {
    const identity = createPayrollIdentityWith({ ...config, providers: [otherProvider] }, [fakeProvider]);
    expect(identity.forTenant('beta').provider).toBe('other');
    await identity.close();
  });

  it('rejects configuration for a provider nobody registered', () => {
    expect(() => createPayrollIdentityWith(config, [fakeProvider])).toThrow(/provider must be one of "fake"/);
  });
});

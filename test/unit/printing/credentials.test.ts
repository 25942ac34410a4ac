/**
 * No printed object shows a credential: the identity, its container (tenant configurations, the
 * provider registry), each tenant's service, HTTP client, auth strategy and redactor, and the
 * credential values themselves, for every built-in provider and auth form (Argyle `apiKeyId` /
 * `apiKeySecret`, v2 and v1; Teal `apiKey` and `bearerToken`), under every way a host prints:
 * `util.inspect` at any depth with `showHidden`, `console.log`'s format, `JSON.stringify`,
 * `structuredClone` (which may refuse with a DataCloneError, but must not return a secret),
 * `String()` and template literals.
 */
import { format, inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { argyleProvider } from '../../../providers/argyle/index.js';
import { tealProvider } from '../../../providers/teal/index.js';
import { TOKENS } from '../../../src/container/tokens.js';
import { HttpClient } from '../../../src/http/client.js';
import { Secret } from '../../../src/http/secret.js';
import { createPayrollIdentity } from '../../../src/index.js';
import type { BaseTenantConfig, ProviderDefinition } from '../../../src/provider/definition.js';

const ARGYLE_ID = 'argyle-key-id-PRINTME-1111';
const ARGYLE_SECRET = 'argyle-key-secret-PRINTME-2222';
const TEAL_KEY = 'teal-api-key-PRINTME-3333';
const TEAL_BEARER = 'teal-bearer-token-PRINTME-4444';
const BASIC = Buffer.from(`${ARGYLE_ID}:${ARGYLE_SECRET}`).toString('base64');
/** Every form a credential could be printed in. */
const SECRETS = [ARGYLE_ID, ARGYLE_SECRET, TEAL_KEY, TEAL_BEARER, BASIC];

const TENANTS = {
  'argyle-v2': {
    provider: 'argyle',
    environment: 'sandbox' as const,
    baseUrl: 'http://127.0.0.1:9',
    credentials: { apiKeyId: ARGYLE_ID, apiKeySecret: ARGYLE_SECRET },
  },
  'argyle-v1': {
    provider: 'argyle',
    environment: 'sandbox' as const,
    apiVersion: 'v1',
    baseUrl: 'http://127.0.0.1:9',
    credentials: { apiKeyId: ARGYLE_ID, apiKeySecret: ARGYLE_SECRET },
  },
  'teal-api-key': {
    provider: 'teal',
    environment: 'sandbox' as const,
    baseUrl: 'http://127.0.0.1:9',
    credentials: { apiKey: TEAL_KEY },
  },
  'teal-bearer': {
    provider: 'teal',
    environment: 'sandbox' as const,
    baseUrl: 'http://127.0.0.1:9',
    credentials: { bearerToken: TEAL_BEARER },
  },
};
type Tenant = keyof typeof TENANTS;
const TENANT_IDS = Object.keys(TENANTS) as Tenant[];

/** Every way a host prints `value`; a view that refuses to print (throws) shows nothing. */
function views(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  const attempt = (name: string, render: () => string) => {
    try {
      out[name] = render();
    } catch (error) {
      // structuredClone's DataCloneError, JSON's "circular structure": nothing printed.
      out[name] = `(refused: ${(error as Error).name})`;
    }
  };
  attempt('inspect', () => inspect(value));
  attempt('inspect deep hidden', () => inspect(value, { depth: Number.POSITIVE_INFINITY, showHidden: true }));
  attempt('console.log', () => format('%s %o %O %j', value, value, value, value));
  attempt('JSON.stringify', () => JSON.stringify(value) ?? '');
  attempt('String', () => String(value));
  attempt('template', () => `${value as string}`);
  attempt('structuredClone', () =>
    inspect(structuredClone(value), { depth: Number.POSITIVE_INFINITY, showHidden: true }),
  );
  return out;
}

function expectNoSecret(what: string, value: unknown): void {
  for (const [view, text] of Object.entries(views(value))) {
    for (const secret of SECRETS) {
      expect(text.includes(secret), `${what} via ${view} shows ${secret}`).toBe(false);
    }
  }
}

function identity() {
  return createPayrollIdentity({ tenants: TENANTS });
}

describe('printing never shows a credential', () => {
  it('the identity, before and after each tenant is used, and after close', async () => {
    const id = identity();
    expectNoSecret('identity', id);
    for (const tenant of TENANT_IDS) id.forTenant(tenant);
    expectNoSecret('identity (tenants in use)', id);
    // What it does show: tenants and providers.
    expect(JSON.parse(JSON.stringify(id))).toEqual({
      tenants: {
        'argyle-v2': 'argyle',
        'argyle-v1': 'argyle',
        'teal-api-key': 'teal',
        'teal-bearer': 'teal',
      },
      closed: false,
    });
    expect(inspect(id)).toMatch(/^PayrollIdentity \{/);
    expect(inspect(id)).toContain("'teal-bearer': 'teal'");
    await id.close();
    expectNoSecret('identity (closed)', id);
  });

  it('the public container: every tenant configuration, the registry, the identity registered in it', async () => {
    const id = identity();
    for (const tenant of TENANT_IDS) id.forTenant(tenant);
    expectNoSecret('identity.container', id.container);
    const configs = id.container.resolve(TOKENS.TenantConfigs);
    expectNoSecret('TenantConfigs', configs);
    for (const tenant of TENANT_IDS) expectNoSecret(`TenantConfig ${tenant}`, configs.get(tenant));
    expectNoSecret('ProviderRegistry', id.container.resolve(TOKENS.ProviderRegistry));
    expectNoSecret('registered identity', id.container.resolve(TOKENS.PayrollIdentity));
    await id.close();
  });

  it.each(TENANT_IDS)('%s: its service', async (tenant) => {
    const id = identity();
    const users = id.forTenant(tenant);
    expectNoSecret(`forTenant(${tenant})`, users);
    await id.close();
  });

  it.each(TENANT_IDS)('%s: its credentials, auth strategy, HTTP client and redactor', async (tenant) => {
    const id = identity();
    const config = id.container.resolve(TOKENS.TenantConfigs).get(tenant)!;
    const credentials = config.credentials as Record<string, unknown>;
    // Held as Secrets: each shows `[REDACTED]` and only reveal() gives the value.
    for (const value of Object.values(credentials)) {
      expect(value).toBeInstanceOf(Secret);
      expect(String(value)).toBe('[REDACTED]');
      expect(JSON.stringify(value)).toBe('"[REDACTED]"');
      expect(structuredClone(value)).toEqual({});
      expect(SECRETS).toContain((value as Secret).reveal());
    }
    expectNoSecret('credentials', credentials);

    const definition = (
      config.provider === 'teal' ? tealProvider : argyleProvider
    ) as ProviderDefinition<BaseTenantConfig>;
    const auth = definition.auth(config);
    expectNoSecret('auth strategy', auth);
    // The strategy still hands out the real values where they are needed.
    expect(SECRETS).toEqual(expect.arrayContaining([...auth.secrets()]));
    expect(Object.values(auth.headers()).join(' ')).toMatch(/PRINTME|Basic /);

    const client = new HttpClient({
      tenant,
      provider: definition.name,
      baseUrl: 'http://127.0.0.1:9',
      auth,
      describeError: definition.describeError,
      timeoutMs: 1_000,
      maxResponseBytes: 1_024,
    });
    expectNoSecret('HttpClient', client);
    expect(JSON.parse(JSON.stringify(client))).toEqual({
      tenant,
      provider: definition.name,
      baseUrl: 'http://127.0.0.1:9',
      circuitState: 'closed',
      closed: false,
    });
    expectNoSecret('HttpClient.tenantRedactor', client.tenantRedactor);
    client.close();
    await id.close();
  });
});

/**
 * A tenant's `webhooks` (and each retained provider's): validated like credentials (every problem
 * at once, by tenant and field, never the value), held as `Secret`s that print `[REDACTED]`, and
 * checked against what the provider declares.
 */
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { validateTenants } from '../../../src/config/schema.js';
import { createPayrollIdentityWith, type TenantConfigInput } from '../../../src/container/identity.js';
import { InvalidConfigurationError } from '../../../src/errors.js';
import { Secret } from '../../../src/http/secret.js';
import { createPayrollIdentity } from '../../../src/index.js';
import { defineProvider, secretField, type UsersDeclaration } from '../../../src/provider/index.js';
import { BUILT_IN_PROVIDERS } from '../../../src/providers.js';
import { ARGYLE_CREDENTIALS, TEAL_API_KEY, TEAL_KEY } from './support.js';

const argyle = (webhooks: unknown): TenantConfigInput => ({
  provider: 'argyle',
  environment: 'sandbox',
  credentials: ARGYLE_CREDENTIALS,
  webhooks: webhooks as TenantConfigInput['webhooks'],
});
const teal = (webhooks: unknown): TenantConfigInput => ({
  provider: 'teal',
  environment: 'sandbox',
  credentials: { apiKey: TEAL_API_KEY },
  webhooks: webhooks as TenantConfigInput['webhooks'],
});

function problemsOf(tenants: Record<string, TenantConfigInput>): InvalidConfigurationError {
  try {
    createPayrollIdentity({ tenants });
  } catch (error) {
    if (error instanceof InvalidConfigurationError) return error;
    throw error;
  }
  throw new Error('the configuration was accepted');
}

describe('webhooks configuration', () => {
  it('one secret or a list, held as Secrets; an encryption key, held as a Secret', () => {
    const configs = validateTenants(
      {
        tenants: {
          one: argyle({ secret: '  argyle-webhook-secret-1  ' }),
          two: argyle({ secret: ['argyle-webhook-secret-1', 'argyle-webhook-secret-0'] }),
          enc: teal({ secret: 'teal-webhook-secret-1', encryptionKey: TEAL_KEY }),
        },
      },
      BUILT_IN_PROVIDERS,
    );
    const one = configs.get('one')?.webhooks;
    expect(one?.secret).toHaveLength(1);
    expect(one?.secret[0]).toBeInstanceOf(Secret);
    expect(one?.secret[0]?.reveal()).toBe('argyle-webhook-secret-1');
    expect(configs.get('two')?.webhooks?.secret.map((s) => s.reveal())).toEqual([
      'argyle-webhook-secret-1',
      'argyle-webhook-secret-0',
    ]);
    const enc = configs.get('enc')?.webhooks;
    expect(enc?.encryptionKey?.reveal()).toBe(TEAL_KEY);
    for (const shown of [
      JSON.stringify([...configs.values()]),
      inspect([...configs.values()], { depth: 10 }),
    ]) {
      expect(shown).not.toContain('argyle-webhook-secret');
      expect(shown).not.toContain(TEAL_KEY);
      expect(shown).toContain('[REDACTED]');
    }
  });

  it('every problem at once, by tenant and field, never with the value', () => {
    const error = problemsOf({
      short: argyle({ secret: 'tiny' }),
      empty: argyle({ secret: '   ' }),
      none: argyle({ secret: [] }),
      many: argyle({
        secret: ['s-0000001', 's-0000002', 's-0000003', 's-0000004', 's-0000005', 's-0000006'],
      }),
      twice: argyle({ secret: ['same-secret-value', 'same-secret-value'] }),
      listed: argyle({ secret: ['good-secret-value', 'bad'] }),
      number: argyle({ secret: 12345678 }),
      missing: argyle({}),
      extra: argyle({ secret: 'good-secret-value', signingSecret: 'good-secret-value' }),
      key: teal({ secret: 'teal-webhook-secret', encryptionKey: 'not-a-key-of-32-bytes' }),
      shortKey: teal({ secret: 'teal-webhook-secret', encryptionKey: Buffer.alloc(16).toString('base64') }),
    });
    const byTenant = new Map(error.problems.map((p) => [p.tenant, p]));
    expect(byTenant.get('short')).toEqual({
      tenant: 'short',
      field: 'webhooks.secret',
      reason: expect.stringContaining('too short'),
    });
    expect(byTenant.get('empty')?.reason).toContain('must not be empty');
    expect(byTenant.get('none')?.reason).toContain('must list a secret');
    expect(byTenant.get('many')?.reason).toContain('at most 5');
    expect(byTenant.get('twice')?.reason).toContain('the same secret twice');
    expect(byTenant.get('listed')?.reason).toContain('webhooks.secret[1]');
    expect(byTenant.get('number')?.reason).toContain('must be a string or a list');
    expect(byTenant.get('missing')).toMatchObject({ field: 'webhooks.secret', reason: 'is required' });
    // A key under webhooks may itself be a secret typed as a key: it is never echoed.
    expect(byTenant.get('extra')).toMatchObject({
      field: 'webhooks.(an unknown key)',
      reason: 'unknown field',
    });
    expect(byTenant.get('key')).toMatchObject({
      field: 'webhooks.encryptionKey',
      reason: expect.stringContaining('base64 of exactly 32 bytes'),
    });
    expect(byTenant.get('shortKey')?.field).toBe('webhooks.encryptionKey');
    const shown = `${error.message}${JSON.stringify(error)}${inspect(error)}`;
    for (const value of [
      'tiny',
      's-0000006',
      'same-secret-value',
      'good-secret-value',
      'not-a-key-of-32-bytes',
    ]) {
      expect(shown).not.toContain(value);
    }
  });

  it('an encryptionKey for a provider that never encrypts (Argyle) is refused', () => {
    const error = problemsOf({ us: argyle({ secret: 'argyle-webhook-secret', encryptionKey: TEAL_KEY }) });
    expect(error.problems).toEqual([
      {
        tenant: 'us',
        field: 'webhooks.encryptionKey',
        reason: 'provider argyle does not encrypt deliveries',
      },
    ]);
  });

  it('a retained provider takes webhooks too, checked under its own path', () => {
    const encrypted = problemsOf({
      moved: {
        ...teal({ secret: 'teal-webhook-secret' }),
        retainedProviders: [argyle({ secret: 'argyle-webhook-secret', encryptionKey: TEAL_KEY })],
      },
    });
    expect(encrypted.problems).toEqual([
      {
        tenant: 'moved',
        field: 'retainedProviders.0.webhooks.encryptionKey',
        reason: 'provider argyle does not encrypt deliveries',
      },
    ]);
    const error = problemsOf({
      moved: {
        ...teal({ secret: 'teal-webhook-secret' }),
        retainedProviders: [{ ...argyle({ secret: 'tiny' }) }, { ...argyle(undefined) }].map(
          ({ webhooks, ...r }) => (webhooks ? { ...r, webhooks } : r),
        ),
      },
    });
    expect(error.problems).toContainEqual({
      tenant: 'moved',
      field: expect.stringMatching(/^retainedProviders(\.0|\[0\])\.webhooks\.secret$/),
      reason: expect.stringContaining('too short'),
    });
  });

  it('a provider that declares no webhooks cannot take them', () => {
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
    });
    expect(() =>
      createPayrollIdentityWith(
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
      ),
    ).toThrow(
      expect.objectContaining({
        problems: [{ tenant: 'p', field: 'webhooks', reason: 'provider plain declares no webhooks' }],
      }),
    );
  });

  it('a broken webhooks declaration fails at load, without its text', () => {
    const base = BUILT_IN_PROVIDERS.find((p) => p.name === 'teal')!;
    const broken = {
      ...base,
      webhooks: () => ({ signature: { header: 'bad header!', algorithm: 'md5' } }),
    } as never;
    const throwing = {
      ...base,
      webhooks: () => {
        throw new Error(`declaration failed with ${TEAL_API_KEY}`);
      },
    } as never;
    for (const provider of [broken, throwing]) {
      let caught: unknown;
      try {
        createPayrollIdentityWith({ tenants: { t: teal({ secret: 'teal-webhook-secret' }) } }, [provider]);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(InvalidConfigurationError);
      expect(JSON.stringify(caught)).not.toContain(TEAL_API_KEY);
      expect((caught as InvalidConfigurationError).problems.length).toBeGreaterThan(0);
    }
  });
});

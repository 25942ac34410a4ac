/** Argyle tenant configuration and auth. */
import { describe, expect, it } from 'vitest';
import { argyleAuth } from '../../../providers/argyle/auth.js';
import { argyleProvider } from '../../../providers/argyle/index.js';
import { createPayrollIdentityWith, type PayrollIdentityConfig } from '../../../src/container/identity.js';
import type { InvalidConfigurationError } from '../../../src/errors.js';
import { Secret } from '../../../src/http/secret.js';
import { everyRendering } from '../../contract/assertions.js';

function problems(config: PayrollIdentityConfig): InvalidConfigurationError['problems'] {
  try {
    createPayrollIdentityWith(config, [argyleProvider]);
  } catch (error) {
    expect(everyRendering(error)).not.toContain('super-secret-value');
    return (error as InvalidConfigurationError).problems;
  }
  throw new Error('expected an invalid configuration');
}

describe('argyle tenant configuration', () => {
  it('defaults apiVersion to v2 and accepts v1', () => {
    const identity = createPayrollIdentityWith(
      {
        tenants: {
          a: {
            provider: 'argyle',
            environment: 'sandbox',
            credentials: { apiKeyId: 'fake-id-1234', apiKeySecret: 'secret-1234' },
          },
          b: {
            provider: 'argyle',
            environment: 'production',
            apiVersion: 'v1',
            credentials: { apiKeyId: 'fake-id-1234', apiKeySecret: 'secret-1234' },
          },
        },
      },
      [argyleProvider],
    );
    expect(identity.forTenant('a').capabilities.listFilters).toEqual(['externalId']);
    expect(identity.forTenant('b').capabilities.createFields).toEqual(['metadata']);
  });

  it('lists every problem by field, never echoing a secret', () => {
    const found = problems({
      tenants: {
        t: {
          provider: 'argyle',
          environment: 'sandbox',
          apiVersion: 'v3',
          credentials: { apiKeyId: 'super-secret-value', apiKey: 'super-secret-value' },
          defaults: { openBanking: { phone: '123' }, colour: 'blue' },
        },
      },
    });
    const fields = found.map((p) => p.field).sort();
    expect(fields).toEqual(
      expect.arrayContaining([
        'apiVersion',
        // An unknown key under credentials is never echoed: it may be a secret typed as a key.
        'credentials.(an unknown key)',
        'credentials.apiKeySecret',
        'defaults.colour',
        'defaults.openBanking.phone',
      ]),
    );
  });

  it('base URLs are the Argyle hosts; the paths carry /v2 or /v1', () => {
    expect(argyleProvider.baseUrls).toEqual({
      sandbox: 'https://api-sandbox.argyle.com',
      production: 'https://api.argyle.com',
    });
  });
});

describe('argyle auth', () => {
  it('is HTTP Basic with api_key_id:api_key_secret, and knows what to redact', () => {
    const auth = argyleAuth({ apiKeyId: new Secret('key-id-1'), apiKeySecret: new Secret('key-secret-2') });
    const encoded = Buffer.from('key-id-1:key-secret-2').toString('base64');
    expect(auth.headers()).toEqual({ Authorization: `Basic ${encoded}` });
    expect(auth.secrets()).toEqual(expect.arrayContaining(['key-id-1', 'key-secret-2', encoded]));
  });
});

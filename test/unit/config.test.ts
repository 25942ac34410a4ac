import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfigFile } from '../../src/config/load.js';
import { validateTenants } from '../../src/config/schema.js';
import { InvalidConfigurationError } from '../../src/errors.js';
import { fakeProvider } from '../support/fake-provider.js';

const SECRET = 'sk_live_0123456789abcdef_TOPSECRET';
const dir = mkdtempSync(join(tmpdir(), 'pi-config-'));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

function configError(fn: () => unknown): InvalidConfigurationError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidConfigurationError);
    return error as InvalidConfigurationError;
  }
  throw new Error('expected an invalid configuration');
}

describe('validateTenants', () => {
  it('applies defaults', () => {
    const tenants = validateTenants(
      { tenants: { a: { provider: 'fake', environment: 'sandbox', credentials: { key: SECRET } } } },
      [fakeProvider],
    );
    expect(tenants.get('a')).toMatchObject({
      tenant: 'a',
      provider: 'fake',
      unsupportedFields: 'drop',
      timeoutMs: 30_000,
      maxResponseBytes: 10 * 1024 * 1024,
    });
  });

  it('reports every problem at once, by tenant and field, with no secret value', () => {
    const error = configError(() =>
      validateTenants(
        {
          tenants: {
            a: {
              provider: 'fake',
              environment: 'staging',
              credentials: { key: SECRET },
              baseUrl: `http://api.example.com/${SECRET}`,
            },
            b: { provider: 'nope', environment: 'sandbox', credentials: { key: SECRET } },
            c: {
              provider: 'fake',
              environment: 'production',
              credentials: { key: '' },
              unsupportedFields: 'ignore',
            },
            d: {
              provider: 'fake',
              environment: 'production',
              credentials: { key: SECRET, extra: SECRET },
              colour: 'red',
            },
            e: { provider: 'fake', environment: 'production' },
            'bad id!': { provider: 'fake', environment: 'production', credentials: { key: SECRET } },
          },
        },
        [fakeProvider],
      ),
    );
    const where = error.problems.map((p) => `${p.tenant ?? ''}|${p.field}`);
    expect(where).toEqual(
      expect.arrayContaining([
        'a|environment',
        'a|baseUrl',
        'b|provider',
        'c|credentials.key',
        'c|unsupportedFields',
        'd|credentials.(an unknown key)',
        'd|colour',
        'e|credentials',
      ]),
    );
    expect(where.some((w) => w.startsWith('bad id!'))).toBe(true);
    expect(error.problems.find((p) => p.tenant === 'b')?.reason).toContain('"fake"');
    expect(error.problems.find((p) => p.field === 'baseUrl')?.reason).toMatch(/https/);
    expect(error.problems.find((p) => p.tenant === 'e')?.reason).toBe('is required');
    const rendered = `${error.message}${JSON.stringify(error)}${String(error)}`;
    expect(rendered).not.toContain(SECRET);
    expect(error.message).toContain('tenant "a": environment');
  });

  it('refuses a credential too short to be one (and too short to redact), without echoing it', () => {
    const tenant = (key: string) => ({
      tenants: { t: { provider: 'fake', environment: 'sandbox', credentials: { key } } },
    });
    for (const key of ['k9', 'abc1234', '  abc1234  ']) {
      const error = configError(() => validateTenants(tenant(key), [fakeProvider]));
      expect(error.problems).toEqual([
        {
          tenant: 't',
          field: 'credentials.key',
          reason: 'key looks too short to be a credential (under 8 characters)',
        },
      ]);
      expect(JSON.stringify(error)).not.toContain(key.trim());
    }
    // Empty is one problem, not two.
    expect(configError(() => validateTenants(tenant('   '), [fakeProvider])).problems).toEqual([
      { tenant: 't', field: 'credentials.key', reason: 'key must not be empty' },
    ]);
    expect(() => validateTenants(tenant('abcd1234'), [fakeProvider])).not.toThrow();
  });

  it('refuses a credential holding a control character (a line break would alter the header sent), without echoing it', () => {
    const tenant = (key: string) => ({
      tenants: { t: { provider: 'fake', environment: 'sandbox', credentials: { key } } },
    });
    for (const key of [
      'fake-key\r\nX-Evil: 1',
      'fake-key-\u0000-123',
      'fake\tkey-123',
      'fake-key-\u007f123',
    ]) {
      const error = configError(() => validateTenants(tenant(key), [fakeProvider]));
      expect(error.problems).toEqual([
        {
          tenant: 't',
          field: 'credentials.key',
          reason: 'key must not contain control characters (such as a line break)',
        },
      ]);
      expect(JSON.stringify(error)).not.toContain('fake-key');
    }
  });

  it('accepts http only on loopback and refuses credentials in URLs', () => {
    const base = { provider: 'fake', environment: 'sandbox', credentials: { key: 'fake-key-123' } };
    for (const ok of [
      'https://api.example.com',
      'http://127.0.0.1:4010',
      'http://localhost:1',
      'http://[::1]:8080/',
    ]) {
      expect(() =>
        validateTenants({ tenants: { t: { ...base, baseUrl: ok } } }, [fakeProvider]),
      ).not.toThrow();
    }
    for (const bad of [
      'http://10.0.0.1',
      'ftp://x.test',
      'https://user:pw@api.example.com',
      'not a url',
      'https://a.test/?q=1',
    ]) {
      expect(() => validateTenants({ tenants: { t: { ...base, baseUrl: bad } } }, [fakeProvider])).toThrow(
        InvalidConfigurationError,
      );
    }
  });
});

describe('loadConfigFile', () => {
  const env = { FAKE_KEY: SECRET, REGION: 'eu' };

  it('loads YAML with ${ENV} substitution', () => {
    const path = file(
      'tenants.yaml',
      'tenants:\n  acme:\n    provider: fake\n    environment: sandbox\n    region: ${REGION}\n    credentials:\n      key: ${FAKE_KEY}\n',
    );
    const config = loadConfigFile(path, { env });
    expect(config.tenants.acme).toMatchObject({ region: 'eu', credentials: { key: SECRET } });
    expect(validateTenants(config, [fakeProvider]).get('acme')?.credentials).toEqual({ key: SECRET });
  });

  it('loads JSON with ${ENV} substitution and keeps $${literal}', () => {
    const path = file(
      'tenants.json',
      JSON.stringify({
        tenants: {
          acme: {
            provider: 'fake',
            environment: 'sandbox',
            credentials: { key: 'pre-${FAKE_KEY}-$${KEEP}' },
          },
        },
      }),
    );
    expect(loadConfigFile(path, { env }).tenants.acme?.credentials).toEqual({
      key: `pre-${SECRET}-\${KEEP}`,
    });
  });

  it('names every missing variable and where it is used', () => {
    const path = file(
      'missing.yaml',
      'tenants:\n  a:\n    provider: fake\n    environment: sandbox\n    credentials: { key: "${NOPE_ONE}" }\n  b:\n    provider: fake\n    environment: sandbox\n    credentials: { key: "${NOPE_TWO}" }\n',
    );
    const error = configError(() => loadConfigFile(path, { env }));
    expect(error.problems).toEqual([
      { tenant: 'a', field: 'credentials.key', reason: 'environment variable NOPE_ONE is not set' },
      { tenant: 'b', field: 'credentials.key', reason: 'environment variable NOPE_TWO is not set' },
    ]);
  });

  it('reports a syntax error by position without quoting the file', () => {
    const path = file('broken.yaml', `tenants:\n  a:\n    credentials: { key: "${SECRET}"\n  : : :\n`);
    const error = configError(() => loadConfigFile(path, { env }));
    expect(error.message).toMatch(/not valid YAML/);
    expect(`${error.message}${JSON.stringify(error)}`).not.toContain(SECRET);
  });

  it('names the line and column of a YAML error, and still quotes nothing', () => {
    // `${` cannot start a value inside a flow mapping: the error is at the `{` of `${FAKE_KEY}`,
    // line 5, column 26. The credential on line 4 must not come back in any form.
    const text = `tenants:\n  a:\n    provider: fake\n    note: "${SECRET}"\n    credentials: { key: \${FAKE_KEY} }\n`;
    const error = configError(() => loadConfigFile(file('flow.yaml', text), { env }));
    expect(error.problems).toEqual([
      {
        field: '(file)',
        reason: expect.stringMatching(/flow\.yaml is not valid YAML at line 5, column 26$/),
      },
    ]);
    const [, line, column] = /line (\d+), column (\d+)/.exec(error.message) ?? [];
    expect(text.split('\n')[Number(line) - 1]?.slice(Number(column) - 1)).toMatch(/^\{/);
    expect(`${error.message}${JSON.stringify(error)}`).not.toContain(SECRET);
  });

  it('counts lines and columns from 1 (an unclosed flow sequence, a duplicate key)', () => {
    const open = configError(() => loadConfigFile(file('open.yaml', 'tenants: [a\n'), { env }));
    expect(open.message).toMatch(/open\.yaml is not valid YAML at line 2, column 1$/m);
    const dup = configError(() => loadConfigFile(file('dup.yaml', 'tenants: {}\ntenants: {}\n'), { env }));
    expect(dup.message).toMatch(/dup\.yaml is not valid YAML at line 2, column 1$/m);
  });

  it('reports an unreadable file and a non-object document', () => {
    expect(configError(() => loadConfigFile(join(dir, 'absent.yaml'))).message).toMatch(
      /cannot read .*ENOENT/,
    );
    expect(configError(() => loadConfigFile(file('list.yaml', '- a\n- b\n'))).message).toMatch(
      /must hold an object/,
    );
  });
});

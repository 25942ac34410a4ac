/**
 * Configuration is data the library trusts once validated, so nothing in it may reach past the
 * schema: no `${…}` reference resolves to something the environment does not hold itself, no
 * `__proto__` / `constructor` / `prototype` key smuggles fields in (JSON, YAML or an object in code),
 * and no key or tenant id, however long or odd, is echoed whole or raw in an error.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfigFile } from '../../../src/config/load.js';
import { validateTenants } from '../../../src/config/schema.js';
import { InvalidConfigurationError } from '../../../src/errors.js';
import { createPayrollIdentity } from '../../../src/index.js';
import { fakeProvider } from '../../support/fake-provider.js';

const dir = mkdtempSync(join(tmpdir(), 'pi-config-hardening-'));
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

const rendered = (error: InvalidConfigurationError) => `${error.message}\n${JSON.stringify(error)}`;
const EVIL = 'https://evil.example';
const MIB = 1024 * 1024;
/** Most problems one error lists (then one more saying how many are left out). */
const MAX_CONFIGURATION_PROBLEMS = 50;

describe('${NAME} resolves only variables the environment itself holds', () => {
  it.each(['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf'])(
    '${%s} is an unset variable, not function text',
    (name) => {
      const path = file(
        `proto-ref-${name}.yaml`,
        `tenants:\n  acme:\n    provider: fake\n    environment: sandbox\n    credentials: { key: "\${${name}}" }\n`,
      );
      for (const env of [{}, process.env, { KEY: 'fake-key-123' }]) {
        const error = configError(() => loadConfigFile(path, { env }));
        expect(error.problems).toEqual([
          { tenant: 'acme', field: 'credentials.key', reason: `environment variable ${name} is not set` },
        ]);
        expect(rendered(error)).not.toMatch(/function|native code|\[object/);
      }
    },
  );

  it('an own variable of that name is used', () => {
    const path = file(
      'own-constructor.yaml',
      'tenants:\n  acme:\n    provider: fake\n    environment: sandbox\n    credentials: { key: "${constructor}" }\n',
    );
    expect(loadConfigFile(path, { env: { constructor: 'fake-key-123' } }).tenants.acme?.credentials).toEqual({
      key: 'fake-key-123',
    });
  });
});

describe('__proto__, constructor and prototype keys are refused anywhere in configuration', () => {
  const tenantJson = (extra: string) =>
    `{"tenants": {"acme": {"provider": "fake", "environment": "sandbox", "credentials": {"key": "fake-key-123"}${extra}}}}`;

  it.each([
    ['JSON', 'proto.json', tenantJson(`, "__proto__": {"baseUrl": "${EVIL}", "colour": "red"}`)],
    [
      'YAML',
      'proto.yaml',
      `tenants:\n  acme:\n    provider: fake\n    environment: sandbox\n    credentials: { key: fake-key-123 }\n    __proto__:\n      baseUrl: ${EVIL}\n      colour: red\n`,
    ],
  ])('a __proto__ tenant key in %s is invalid_configuration, naming the path', (_format, name, text) => {
    const error = configError(() => loadConfigFile(file(name, text), { env: {} }));
    expect(error.code).toBe('invalid_configuration');
    expect(error.problems).toEqual([
      { tenant: 'acme', field: '__proto__', reason: 'the key "__proto__" is not allowed in configuration' },
    ]);
    expect(rendered(error)).not.toContain('evil');
  });

  it.each([
    ['JSON', 'nested.json', tenantJson(', "retry": {"constructor": {"maxRetries": 9}}')],
    [
      'YAML',
      'nested.yaml',
      'tenants:\n  acme:\n    provider: fake\n    environment: sandbox\n    credentials:\n      key: fake-key-123\n      prototype: { key: x }\n',
    ],
    ['JSON (root)', 'root.json', '{"__proto__": {"tenants": {}}, "tenants": {}}'],
    [
      'YAML (tenant id)',
      'tenant-id.yaml',
      'tenants:\n  constructor:\n    provider: fake\n    environment: sandbox\n    credentials: { key: fake-key-123 }\n',
    ],
  ])('at any depth (%s)', (_format, name, text) => {
    const error = configError(() => loadConfigFile(file(name, text), { env: {} }));
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]?.reason).toMatch(/^the key "(__proto__|constructor|prototype)" is not allowed/);
  });

  it('the loaded configuration never inherits a field (nothing reaches createPayrollIdentity)', () => {
    const path = file('inherit.json', tenantJson(`, "__proto__": {"baseUrl": "${EVIL}"}`));
    expect(() => createPayrollIdentity(loadConfigFile(path, { env: {} }) as never)).toThrow(
      InvalidConfigurationError,
    );
  });

  it('objects passed in code: an own __proto__ key (JSON.parse) and a literal prototype', () => {
    const parsed = JSON.parse(tenantJson(`, "__proto__": {"baseUrl": "${EVIL}"}`)) as { tenants: unknown };
    const own = configError(() => validateTenants(parsed, [fakeProvider]));
    expect(own.problems).toEqual([
      { tenant: 'acme', field: '__proto__', reason: 'the key "__proto__" is not allowed in configuration' },
    ]);

    const literal = {
      tenants: {
        acme: {
          __proto__: { baseUrl: EVIL, timeoutMs: 1 },
          provider: 'fake',
          environment: 'sandbox',
          credentials: { key: 'fake-key-123' },
        },
      },
    };
    const inherited = configError(() => validateTenants(literal, [fakeProvider]));
    expect(inherited.problems).toEqual([
      {
        tenant: 'acme',
        field: '(tenant)',
        reason: 'must be plain data (an object literal, JSON or YAML), not an object with a prototype',
      },
    ]);
    expect(rendered(inherited)).not.toContain('evil');
    expect(() => createPayrollIdentity(literal as never)).toThrow(InvalidConfigurationError);

    const ctor = {
      tenants: { acme: { ...literal.tenants.acme, credentials: { key: 'fake-key-123', constructor: 1 } } },
    };
    expect(configError(() => validateTenants(ctor, [fakeProvider])).problems[0]).toMatchObject({
      tenant: 'acme',
      field: 'credentials.constructor',
    });
  });

  it('a cycle or absurd nesting is a problem, not a stack overflow', () => {
    const credentials: Record<string, unknown> = { key: 'fake-key-123' };
    credentials.self = credentials;
    const error = configError(() =>
      validateTenants({ tenants: { acme: { provider: 'fake', environment: 'sandbox', credentials } } }, [
        fakeProvider,
      ]),
    );
    expect(error.problems[0]?.reason).toMatch(/nested deeper than \d+ levels/);
  });
});

describe('tenant ids and keys are bounded, escaped and never echoed whole', () => {
  const tenant = { provider: 'fake', environment: 'sandbox', credentials: { key: 'fake-key-123' } };

  it('a 1 MiB tenant id is refused cheaply, shown as its first 64 characters', () => {
    const id = 'a'.repeat(MIB);
    const started = performance.now();
    const error = configError(() => validateTenants({ tenants: { [id]: tenant } }, [fakeProvider]));
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(error.problems).toEqual([
      {
        tenant: `${'a'.repeat(64)}…`,
        field: '(tenant id)',
        reason: 'tenant ids use letters, digits, ".", "_", ":" and "-" (at most 128)',
      },
    ]);
    expect(error.message.length).toBeLessThan(400);
  });

  it('tenant ids are at most 128 printable characters; others are shown escaped', () => {
    expect(() => validateTenants({ tenants: { ['t'.repeat(128)]: tenant } }, [fakeProvider])).not.toThrow();
    for (const id of ['t'.repeat(129), 'acme\n- tenant "b": all good', 'acme\u202e', 'ac me', '\u0000']) {
      const error = configError(() => validateTenants({ tenants: { [id]: tenant } }, [fakeProvider]));
      expect(error.problems[0]?.field).toBe('(tenant id)');
      expect(error.message).not.toContain('\u0000');
      expect(error.message).not.toContain('\u202e');
      expect(error.message.split('\n')).toHaveLength(2);
    }
    const newline = configError(() => validateTenants({ tenants: { 'acme\nb': tenant } }, [fakeProvider]));
    expect(newline.problems[0]?.tenant).toBe('acme\\nb');
    const bidi = configError(() => validateTenants({ tenants: { 'acme\u202e': tenant } }, [fakeProvider]));
    expect(bidi.problems[0]?.tenant).toBe('acme\\u{202e}');
  });

  it('an unknown key of 1 MiB (no field name: it may be a value typed in the wrong place) is not echoed', () => {
    const key = `x\u001b[31m${'k'.repeat(MIB)}`;
    const error = configError(() =>
      validateTenants({ tenants: { acme: { ...tenant, [key]: 'value-not-shown' } } }, [fakeProvider]),
    );
    expect(error.problems).toEqual([{ tenant: 'acme', field: '(an unknown key)', reason: 'unknown field' }]);
    expect(rendered(error)).not.toContain('value-not-shown');
    expect(error.message.length).toBeLessThan(400);
  });

  it(`10,000 unknown keys are one error listing ${MAX_CONFIGURATION_PROBLEMS} problems and a count`, () => {
    const extra = Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`field${i}`, i]));
    const error = configError(() =>
      validateTenants({ tenants: { acme: { ...tenant, ...extra } } }, [fakeProvider]),
    );
    expect(error.problems).toHaveLength(MAX_CONFIGURATION_PROBLEMS + 1);
    expect(error.problems.at(-1)).toEqual({ field: '(more)', reason: '9950 more problems not listed' });
    expect(error.message).toContain('(10000 problems)');
    expect(error.message.split('\n').length).toBeLessThanOrEqual(MAX_CONFIGURATION_PROBLEMS + 2);
  });

  it('a value is never echoed, whatever the field', () => {
    const values = ['Jane Doe 123-45-6789', 'jane.doe@example.com', 'sk_live_value_0123456789'];
    for (const value of values) {
      const error = configError(() =>
        validateTenants(
          {
            tenants: {
              acme: {
                provider: 'fake',
                environment: value,
                unsupportedFields: value,
                baseUrl: `http://${value.replace(/\W/g, '')}.test`,
                timeoutMs: value,
                region: value,
                credentials: { key: 'fake-key-123' },
              },
            },
          },
          [fakeProvider],
        ),
      );
      expect(error.problems.length).toBeGreaterThanOrEqual(5);
      for (const part of value.split(/\W+/).filter((p) => p.length > 3)) {
        expect(rendered(error)).not.toContain(part);
      }
    }
  });
});

describe('large YAML files are parsed in linear time', () => {
  // The YAML parser's own duplicate-key check compares each key with every other in its mapping:
  // 16,000 keys took 4 s, 30,000 about 14 s. The bound below is far above the linear cost and far below the old one.
  const manyKeys = (n: number) => {
    const lines = ['tenants:', '  a:', '    provider: fake', '    credentials:', '      token: "${TOKEN}"'];
    for (let i = 0; i < n; i++) lines.push(`    k${i}: ${i}`);
    return `${lines.join('\n')}\n`;
  };

  it('a mapping of 30,000 keys loads', () => {
    const started = performance.now();
    const config = loadConfigFile(file('many.yaml', manyKeys(30_000)), { env: { TOKEN: 'tok-123456789' } });
    const tenant = config.tenants.a as Record<string, unknown>;
    expect(Object.keys(tenant)).toHaveLength(30_002);
    expect(tenant.credentials).toEqual({ token: 'tok-123456789' });
    expect(tenant.k29999).toBe(29_999);
    expect(performance.now() - started).toBeLessThan(10_000);
  });

  it('a duplicate key deep in a large mapping is refused at its line and column, its value never shown', () => {
    const text = `${manyKeys(20_000)}    k7: "tok-1"\n`;
    const error = configError(() => loadConfigFile(file('dup-late.yaml', text), { env: { TOKEN: 'x' } }));
    const line = 5 + 20_000 + 1;
    expect(error.message).toMatch(
      new RegExp(`dup-late\\.yaml is not valid YAML at line ${line}, column 5$`, 'm'),
    );
    expect(rendered(error)).not.toContain('tok-');
  });

  it('duplicates count per mapping: the same key in two tenants is fine, twice in one is not', () => {
    const ok = 'tenants:\n  a:\n    provider: fake\n  b:\n    provider: fake\n';
    expect(Object.keys(loadConfigFile(file('per-map.yaml', ok)).tenants)).toEqual(['a', 'b']);
    const bad = 'tenants:\n  a:\n    provider: fake\n    provider: other\n';
    expect(configError(() => loadConfigFile(file('per-map-dup.yaml', bad))).message).toMatch(
      /per-map-dup\.yaml is not valid YAML at line 4, column 5$/m,
    );
  });

  it('a file over 16 MiB is refused before it is parsed', () => {
    const path = file('huge.yaml', `# ${'x'.repeat(16 * MIB)}\ntenants: {}\n`);
    expect(configError(() => loadConfigFile(path)).message).toMatch(
      /huge\.yaml is larger than 16777216 bytes/,
    );
  });
});

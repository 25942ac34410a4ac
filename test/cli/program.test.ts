/**
 * The program's surface without a provider: help, version, usage errors and configuration errors,
 * their exit codes (0 / 2) and that nothing secret is printed.
 */
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { VERSION } from '../../src/cli/program.js';
import { runCli, scratchDir } from './support.js';

const scratch = scratchDir();
afterAll(() => scratch.remove());

const SECRET = 'sk-live-SUPERSECRET-0f3a9';
const BEARER = 'bearer-SUPERSECRET-77c1';

const badConfig = scratch.file(
  'bad.yaml',
  [
    'tenants:',
    '  acme-us:',
    '    provider: argyle',
    '    environment: sandbox',
    '    credentials:',
    `      apiKeyId: ${SECRET}`,
    '      apiKeySecret: ""',
    '    colour: blue',
    '  brit-lend:',
    '    provider: teal',
    '    environment: live',
    `    credentials: { apiKey: ${SECRET}, bearerToken: ${BEARER} }`,
    '',
  ].join('\n'),
);
const goodConfig = scratch.file(
  'good.yaml',
  [
    'tenants:',
    '  acme-us:',
    '    provider: argyle',
    '    environment: sandbox',
    '    baseUrl: http://127.0.0.1:9',
    `    credentials: { apiKeyId: fake-id-123, apiKeySecret: ${SECRET} }`,
    '',
  ].join('\n'),
);
const common = ['--config', goodConfig, '--tenant', 'acme-us'];

describe('help and version', () => {
  it.each([
    [[], 'Usage: payroll-identity [options] [command]'],
    [['demo'], 'Usage: payroll-identity demo'],
    [['sandbox'], 'Usage: payroll-identity sandbox [options]'],
    [['users'], 'Usage: payroll-identity users [options] [command]'],
    [['users', 'create'], '--payroll-period-months <n>'],
    [['users', 'get'], 'Usage: payroll-identity users get [options] <userId>'],
    [['users', 'update'], '--clear <field>'],
    [['users', 'delete'], 'Usage: payroll-identity users delete [options] <userId>'],
    [['users', 'list'], '--limit <n>'],
    [['users', 'list'], '--page-size <n>'],
    [['users', 'list'], '--pages <n>'],
    [['users', 'list'], '--cursor <cursor>'],
    [['users', 'token'], 'Usage: payroll-identity users token [options] <userId>'],
    [['demo'], '--provider-module <path>'],
    [['sandbox'], '--provider-module <path>'],
    [['users', 'list'], '--provider-module <path>'],
  ])('%j --help prints its usage and exits 0', async (command, expected) => {
    const result = await runCli([...command, '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(expected);
    expect(result.stderr).toBe('');
  });

  it('--version prints the package version', async () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      version: string;
    };
    expect(VERSION).toBe(pkg.version);
    const result = await runCli(['--version']);
    expect(result).toMatchObject({ code: 0, stdout: `${pkg.version}\n` });
  });

  it('no command is a usage error (2) with the help on stderr', async () => {
    const result = await runCli([]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Usage: payroll-identity');
  });
});

describe('usage errors exit 2 with a clear message', () => {
  it.each([
    [['frobnicate'], "unknown command 'frobnicate'"],
    [['users', 'get', 'usr_1'], "required option '--config <file>' not specified"],
    [['users', 'get', '--config', goodConfig], "required option '--tenant <id>' not specified"],
    [['users', 'get', ...common], "missing required argument 'userId'"],
    [['users', 'get', 'a', 'b', ...common], 'too many arguments'],
    [['users', 'list', '--limit', 'ten', ...common], '--limit must be a whole number ≥ 1'],
    [['users', 'list', '--limit', '0', ...common], '--limit must be a whole number ≥ 1'],
    [['users', 'list', '--page-size', '0', ...common], '--page-size must be a whole number ≥ 1'],
    [['users', 'list', '--pages', 'all', ...common], '--pages must be a whole number ≥ 1'],
    [['users', 'create', '--payroll-period-months', '-3', ...common], '--payroll-period-months'],
    [
      ['users', 'create', '--ssn', '123-45-6789', '--ni-number', 'QQ123456C', ...common],
      'cannot be used with',
    ],
    [['users', 'create', '--frobnicate', ...common], "unknown option '--frobnicate'"],
    [['sandbox', '--port', 'eighty'], '--port must be a whole number ≥ 1'],
    [['users', 'update', 'usr_1', ...common], 'nothing to update'],
    [['users', 'update', 'usr_1', '--clear', 'shoeSize', ...common], 'not a profile field'],
    [['users', 'update', 'usr_1', '--email', 'a@example.com', '--clear', 'email', ...common], 'also sets it'],
    [['users', 'create', '--input', '/nonexistent/profile.json', ...common], 'cannot read the --input file'],
  ])('%j', async (argv, message) => {
    const result = await runCli(argv);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(result.stdout).toBe('');
  });

  it('does not echo personal data quoted in a bad flag', async () => {
    const result = await runCli(['users', 'create', '--social=123-45-6789', ...common]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("unknown option '--social'");
    expect(result.stderr).not.toContain('123-45-6789');
  });

  it('rejects --metadata that is not a JSON object without echoing it', async () => {
    for (const bad of ['{"ssn": "123-45-6789"', '["123-45-6789"]']) {
      const result = await runCli(['users', 'create', '--metadata', bad, ...common]);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/--metadata must be (valid JSON|a JSON object)/);
      expect(result.stderr).not.toContain('123-45-6789');
    }
  });

  it('rejects an --input file that is not a JSON object, quoting neither its name nor its content', async () => {
    const input = scratch.file('jane-doe.json', '{"nationalId": {"type": "ssn", "value": "123-45-6789"}');
    const result = await runCli(['users', 'create', '--input', input, ...common]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('the --input file is not valid JSON');
    expect(result.stderr).not.toContain('123-45-6789');
    expect(result.stderr).not.toContain('jane-doe');
  });
});

describe('usage errors never print a value given to a flag', () => {
  it.each([
    [
      ['users', 'create', '--ssn', '123-45-6789', '--bogus', ...common],
      "unknown option '--bogus'",
      ['123-45-6789'],
    ],
    [['users', 'create', '--bogus=Jane Doe', ...common], "unknown option '--bogus'", ['Jane', 'Doe']],
    [['users', 'get', '--ssn=123456789', 'usr_1', ...common], "unknown option '--ssn'", ['123456789']],
    [['users', 'create', '--first-name', 'Jane', '-Doe', ...common], 'unknown option', ['Doe']],
    [
      ['users', 'create', '--emial=jane.doe@example.com', ...common],
      "unknown option '--emial'",
      ['jane', 'example'],
    ],
    [['users', 'create', '--emial', 'jane.doe@example.com', ...common], '(Did you mean --email?)', ['jane']],
    [
      ['users', 'list', '--limit', 'Jane', ...common],
      "option '--limit <n>' argument is invalid. --limit must be a whole number ≥ 1.",
      ['Jane'],
    ],
    [['users', 'create', '--payroll-period-months', 'Doe', ...common], 'argument is invalid', ['Doe']],
    [['Jane Doe'], 'unknown command', ['Jane', 'Doe']],
    [['users', 'update', 'usr_1', '--clear', 'Jane Doe', ...common], 'not a profile field', ['Jane', 'Doe']],
    [
      ['users', 'create', '--input', '/nonexistent/jane-doe.json', ...common],
      'cannot read the --input file',
      ['jane'],
    ],
  ])('%j', async (argv, message, values) => {
    const result = await runCli(argv);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    for (const value of values) expect(result.stderr).not.toContain(value);
  });

  it('a mistyped command is still named, with the suggestion', async () => {
    const result = await runCli(['users', 'crate']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("unknown command 'crate'\n(Did you mean create?)");
  });

  it('an invalid --email that is really a name is refused without echoing it (nothing is sent)', async () => {
    const argv = ['users', 'create', '--first-name', 'Jane', '--last-name', 'Doe', '--email', 'Jane Doe'];
    const result = await runCli([...argv, ...common]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^invalid_input: /);
    expect(result.stderr).toContain('email');
    expect(result.stderr).not.toMatch(/Jane|Doe/);
  });
});

describe('configuration errors exit 2, list every problem and never print a secret', () => {
  it('lists each problem by tenant and field', async () => {
    const result = await runCli(['users', 'get', 'usr_1', '--config', badConfig, '--tenant', 'acme-us']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      'invalid_configuration: Invalid payroll-identity configuration (4 problems)',
    );
    expect(result.stderr).toContain(
      'tenant "acme-us": credentials.apiKeySecret: apiKeySecret must not be empty',
    );
    expect(result.stderr).toContain('tenant "acme-us": colour: unknown field');
    expect(result.stderr).toContain('tenant "brit-lend": environment: must be "sandbox" or "production"');
    expect(result.stderr).toContain(
      'tenant "brit-lend": credentials: give exactly one of apiKey or bearerToken',
    );
    expect(result.stdout).toBe('');
    expect(result.stderr).not.toContain('SUPERSECRET');
  });

  it('with --json, prints the error as JSON on stderr', async () => {
    const result = await runCli(['users', 'list', '--json', '--config', badConfig, '--tenant', 'acme-us']);
    expect(result.code).toBe(2);
    const error = JSON.parse(result.stderr) as {
      code: string;
      problems: { tenant: string; field: string }[];
    };
    expect(error.code).toBe('invalid_configuration');
    expect(error.problems).toHaveLength(4);
    expect(error.problems).toContainEqual(
      expect.objectContaining({ tenant: 'acme-us', field: 'credentials.apiKeySecret' }),
    );
    expect(result.stderr).not.toContain('SUPERSECRET');
  });

  it('reports a file that cannot be read or parsed, without quoting it', async () => {
    const missing = await runCli([
      'users',
      'list',
      '--config',
      `${scratch.dir}/absent.yaml`,
      '--tenant',
      'x',
    ]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('cannot read');
    expect(missing.stderr).toContain('ENOENT');

    const broken = scratch.file(
      'broken.yaml',
      `tenants:\n  x: { provider: argyle, credentials: [${SECRET}\n`,
    );
    const parsed = await runCli(['users', 'list', '--config', broken, '--tenant', 'x']);
    expect(parsed.code).toBe(2);
    expect(parsed.stderr).toContain('is not valid YAML');
    expect(parsed.stderr).not.toContain('SUPERSECRET');
  });

  it('names an unset ${ENV_VAR} reference', async () => {
    const name = 'PI_CLI_TEST_UNSET';
    delete process.env[name];
    const config = scratch.file(
      'env.yaml',
      `tenants:\n  uk:\n    provider: teal\n    environment: sandbox\n    credentials: { apiKey: "\${${name}}" }\n`,
    );
    const result = await runCli(['users', 'list', '--config', config, '--tenant', 'uk']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`environment variable ${name} is not set`);
  });

  it('an unknown tenant is a configuration error (2) counting the configured ones, never naming them', async () => {
    const result = await runCli(['users', 'get', 'usr_1', '--config', goodConfig, '--tenant', 'nope']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      'unknown_tenant: No tenant "nope" is configured (the configuration has 1 tenant).',
    );
    expect(result.stderr).not.toContain('acme-us');
    expect(result.stderr).not.toContain(SECRET);
  });
});

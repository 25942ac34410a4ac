/**
 * `users …` in-process against the embedded sandbox, through a configuration file: every command,
 * `--json` output, exit codes 0 / 1, no personal data or credential where it must not be, and
 * `--provider` for a tenant's retained providers.
 */
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { EXIT } from '../../src/cli/io.js';
import { run } from '../../src/cli/program.js';
import { sandboxTenantsYaml } from '../../src/cli/sandbox-tenants.js';
import type { CreatedUser, LinkToken, UpdatedUser, User } from '../../src/index.js';
import { BUILT_IN_PROVIDERS } from '../../src/providers.js';
import { type Sandbox, startSandbox } from '../../src/sandbox/index.js';
import { captureIo, runCli, scratchDir } from './support.js';

/** The built-in providers with an emulator, in registration order: what `sandbox` runs. */
const EMULATED = BUILT_IN_PROVIDERS.filter((d) => d.sandbox !== undefined).map((d) => d.name);
const ACMEPAY_MODULE = fileURLToPath(new URL('./fixtures/acmepay-provider.ts', import.meta.url));

let sandbox: Sandbox;
let config: string;
const scratch = scratchDir();

beforeAll(async () => {
  // Teal's duplicate rule is an emulator option (Teal documents the 409, not the rule): the conflict
  // test below needs it.
  sandbox = await startSandbox({
    emulators: { teal: { options: { duplicateRule: 'name-and-birth-date' } } },
  });
  config = scratch.file('tenants.yaml', sandboxTenantsYaml(sandbox));
});
afterAll(async () => {
  await sandbox?.close();
  scratch.remove();
});
beforeEach(() => {
  sandbox.argyle.reset();
  sandbox.teal.reset();
});

const argyle = () => ['--config', config, '--tenant', 'demo-argyle'];
const teal = () => ['--config', config, '--tenant', 'demo-teal'];

const JANE = [
  '--first-name',
  'Jane',
  '--last-name',
  'Doe',
  '--email',
  'jane.doe@example.com',
  '--phone',
  '+14155550123',
  '--birth-date',
  '1990-05-17',
  '--address-line1',
  '123 Example Street',
  '--city',
  'San Francisco',
  '--state',
  'CA',
  '--postal-code',
  '94105',
  '--country',
  'US',
  '--previous-postal-code',
  '94107',
  '--ssn',
  '123-45-6789',
  '--external-id',
  'applicant-0001',
  '--metadata',
  '{"loanStage":2}',
];
const JOHN = [
  '--first-name',
  'John',
  '--last-name',
  'Smith',
  '--birth-date',
  '1985-11-02',
  '--postal-code',
  'SW1A 2AA',
  '--previous-postal-code',
  'SW1A 1AA',
  '--previous-postal-code',
  'SW1A 0AA',
  '--ni-number',
  'QQ123456C',
  '--email',
  'john.smith@example.com',
  '--payroll-period-months',
  '12',
];

function json<T>(text: string): T {
  return JSON.parse(text) as T;
}

/** What `users list --json` prints. */
interface Listed {
  users: User[];
  nextCursor?: string;
}

async function createJane(): Promise<CreatedUser> {
  const result = await runCli(['users', 'create', ...JANE, ...argyle(), '--json']);
  expect(result.code, result.stderr).toBe(EXIT.ok);
  return json<CreatedUser>(result.stdout);
}

describe('users against an Argyle tenant', () => {
  it('create --json maps every flag to the neutral profile and returns a link token', async () => {
    const created = await createJane();
    expect(created.user).toMatchObject({
      provider: 'argyle',
      firstName: 'Jane',
      lastName: 'Doe',
      email: 'jane.doe@example.com',
      phone: '+14155550123',
      birthDate: '1990-05-17',
      address: {
        line1: '123 Example Street',
        city: 'San Francisco',
        state: 'CA',
        postalCode: '94105',
        country: 'US',
      },
      nationalId: { type: 'ssn', value: '123-45-6789' },
      externalId: 'applicant-0001',
      metadata: { loanStage: 2 },
    });
    expect(created.ignoredFields).toEqual(['previousPostalCodes']);
    expect(created.linkToken?.token).toEqual(expect.any(String));
    expect(sandbox.argyle.userCount()).toBe(1);
  });

  it('get, update, token, list and delete, each with --json', async () => {
    const { user } = await createJane();

    const got = await runCli(['users', 'get', user.id, ...argyle(), '--json']);
    expect(got.code).toBe(EXIT.ok);
    expect(json<User>(got.stdout)).toMatchObject({ id: user.id, lastName: 'Doe' });

    const updated = await runCli([
      'users',
      'update',
      user.id,
      '--last-name',
      'Doe-Example',
      ...argyle(),
      '--json',
    ]);
    expect(updated.code, updated.stderr).toBe(EXIT.ok);
    expect(json<UpdatedUser>(updated.stdout)).toMatchObject({
      user: { id: user.id, lastName: 'Doe-Example' },
    });

    const token = await runCli(['users', 'token', user.id, ...argyle(), '--json']);
    expect(token.code).toBe(EXIT.ok);
    expect(json<LinkToken>(token.stdout).token.length).toBeGreaterThan(0);

    const listed = await runCli(['users', 'list', '--external-id', 'applicant-0001', ...argyle(), '--json']);
    expect(listed.code).toBe(EXIT.ok);
    expect(json<Listed>(listed.stdout)).toEqual({ users: [expect.objectContaining({ id: user.id })] });

    const deleted = await runCli(['users', 'delete', user.id, ...argyle(), '--json']);
    expect(deleted.code).toBe(EXIT.ok);
    expect(json(deleted.stdout)).toEqual({ deleted: true, id: user.id, provider: 'argyle' });
    expect(sandbox.argyle.userCount()).toBe(0);

    const gone = await runCli(['users', 'get', user.id, ...argyle(), '--json']);
    expect(gone.code).toBe(EXIT.failure);
    expect(gone.stdout).toBe('');
    expect(json(gone.stderr)).toMatchObject({ code: 'not_found', tenant: 'demo-argyle', provider: 'argyle' });
  });

  it('human output: a readable record with the national id masked', async () => {
    const { user } = await createJane();
    const got = await runCli(['users', 'get', user.id, ...argyle()]);
    expect(got.code).toBe(EXIT.ok);
    expect(got.stdout).toContain(`id:`);
    expect(got.stdout).toContain(user.id);
    expect(got.stdout).toMatch(/name: +Jane Doe/);
    expect(got.stdout).toMatch(/national id: +ssn ending 6789/);
    expect(got.stdout).not.toContain('123-45-6789');

    const created = await runCli(['users', 'create', '--first-name', 'Ann', ...argyle()]);
    expect(created.code).toBe(EXIT.ok);
    expect(created.stdout).toMatch(/^Created user \S+ \(tenant demo-argyle, provider argyle\)/);
    expect(created.stdout).toMatch(/ignored fields: none/);
    expect(created.stdout).toMatch(/Link token:\n {2}token: +\S+/);
  });

  it('list --limit stops after N users', async () => {
    for (let i = 0; i < 3; i += 1) {
      const r = await runCli([
        'users',
        'create',
        '--first-name',
        `Test${i}`,
        '--external-id',
        'batch',
        ...argyle(),
      ]);
      expect(r.code).toBe(EXIT.ok);
    }
    const all = await runCli(['users', 'list', ...argyle(), '--json']);
    expect(json<Listed>(all.stdout).users).toHaveLength(3);

    const two = await runCli(['users', 'list', '--limit', '2', ...argyle()]);
    expect(two.code).toBe(EXIT.ok);
    const lines = two.stdout.trimEnd().split('\n');
    // Two users, then the count, then where the next page starts (the limit ended a whole page).
    expect(lines).toHaveLength(4);
    expect(lines[2]).toBe('2 users');
    expect(lines[3]).toMatch(/^next cursor: \S+$/);
    expect(lines[0]).toMatch(/^\S+ {2}\S+ {2}batch$/);
  });

  describe('list pages: --page-size, --pages, --cursor', () => {
    /** Five users, two of them with external id `pair`, in creation order. */
    async function createFive(): Promise<string[]> {
      const ids: string[] = [];
      for (const [i, externalId] of ['solo-a', 'pair', 'solo-b', 'pair', 'solo-c'].entries()) {
        const r = await runCli([
          'users',
          'create',
          '--first-name',
          `Paged${'abcde'[i]}`,
          '--external-id',
          externalId,
          ...argyle(),
          '--json',
        ]);
        expect(r.code, r.stderr).toBe(EXIT.ok);
        ids.push(json<CreatedUser>(r.stdout).user.id);
      }
      return ids;
    }

    it('--pages 1 prints one page and the cursor that resumes after it, to the end', async () => {
      const ids = await createFive();
      const first = await runCli(['users', 'list', '--page-size', '2', '--pages', '1', ...argyle()]);
      expect(first.code, first.stderr).toBe(EXIT.ok);
      const lines = first.stdout.trimEnd().split('\n');
      expect(lines).toHaveLength(4);
      expect(lines.slice(0, 2).map((l) => l.split('  ')[0])).toEqual(ids.slice(0, 2));
      expect(lines[2]).toBe('2 users');
      const cursor = /^next cursor: (\S+)$/.exec(lines[3] ?? '')?.[1];
      expect(cursor).toBeDefined();
      // Only page requests, each of two users: no more was fetched than the page shown.
      expect(sandbox.argyle.requests().filter((r) => r.method === 'GET')).toHaveLength(1);

      const second = await runCli([
        'users',
        'list',
        '--page-size',
        '2',
        '--pages',
        '1',
        '--cursor',
        cursor!,
        ...argyle(),
        '--json',
      ]);
      expect(second.code, second.stderr).toBe(EXIT.ok);
      const page2 = json<Listed>(second.stdout);
      expect(page2.users.map((u) => u.id)).toEqual(ids.slice(2, 4));
      expect(page2.nextCursor).toEqual(expect.any(String));

      // Without --pages, a cursor resumes to the end; the last page has no cursor to print.
      const rest = await runCli([
        'users',
        'list',
        '--page-size',
        '2',
        '--cursor',
        page2.nextCursor!,
        ...argyle(),
        '--json',
      ]);
      expect(rest.code, rest.stderr).toBe(EXIT.ok);
      expect(json<Listed>(rest.stdout)).toEqual({ users: [expect.objectContaining({ id: ids[4] })] });
      const human = await runCli([
        'users',
        'list',
        '--page-size',
        '2',
        '--cursor',
        page2.nextCursor!,
        ...argyle(),
      ]);
      expect(human.stdout).not.toContain('next cursor');
      expect(human.stdout.trimEnd().split('\n').at(-1)).toBe('1 user');
    });

    it('a listing that ends within --pages prints no cursor', async () => {
      await createFive();
      const all = await runCli(['users', 'list', '--page-size', '5', '--pages', '3', ...argyle(), '--json']);
      expect(all.code, all.stderr).toBe(EXIT.ok);
      const listed = json<Listed>(all.stdout);
      expect(listed.users).toHaveLength(5);
      expect(listed).not.toHaveProperty('nextCursor');
    });

    it('--external-id pages through the filtered listing', async () => {
      const ids = await createFive();
      const first = await runCli([
        'users',
        'list',
        '--external-id',
        'pair',
        '--page-size',
        '1',
        '--pages',
        '1',
        ...argyle(),
        '--json',
      ]);
      const page1 = json<Listed>(first.stdout);
      expect(page1.users.map((u) => u.id)).toEqual([ids[1]]);
      const second = await runCli([
        'users',
        'list',
        '--external-id',
        'pair',
        '--page-size',
        '1',
        '--cursor',
        page1.nextCursor!,
        ...argyle(),
        '--json',
      ]);
      expect(json<Listed>(second.stdout).users.map((u) => u.id)).toEqual([ids[3]]);
    });

    it('--limit at the end of a page prints the cursor; inside a page, a note instead', async () => {
      const ids = await createFive();
      // --limit sets the page size when --page-size is absent: two users, one whole page.
      const atEnd = await runCli(['users', 'list', '--limit', '2', ...argyle(), '--json']);
      const listed = json<Listed>(atEnd.stdout);
      expect(listed.users.map((u) => u.id)).toEqual(ids.slice(0, 2));
      expect(atEnd.stderr).toBe('');
      const resumed = await runCli([
        'users',
        'list',
        '--limit',
        '2',
        '--cursor',
        listed.nextCursor!,
        ...argyle(),
        '--json',
      ]);
      expect(json<Listed>(resumed.stdout).users.map((u) => u.id)).toEqual(ids.slice(2, 4));

      const inside = await runCli([
        'users',
        'list',
        '--limit',
        '2',
        '--page-size',
        '3',
        ...argyle(),
        '--json',
      ]);
      expect(inside.code).toBe(EXIT.ok);
      expect(json<Listed>(inside.stdout)).toEqual({ users: [expect.anything(), expect.anything()] });
      expect(inside.stderr).toBe(
        "note: --limit stopped the listing inside a page, so there is no cursor to resume from (--pages stops at a page's end).\n",
      );
    });

    it('a cursor of another page size, or not a cursor, is invalid_input (exit 1) quoting nothing', async () => {
      await createFive();
      const first = await runCli([
        'users',
        'list',
        '--page-size',
        '2',
        '--pages',
        '1',
        ...argyle(),
        '--json',
      ]);
      const { nextCursor } = json<Listed>(first.stdout);
      const other = await runCli(['users', 'list', '--page-size', '3', '--cursor', nextCursor!, ...argyle()]);
      expect(other.code).toBe(EXIT.failure);
      expect(other.stderr).toMatch(/^invalid_input: .*\n {2}cursor: /);
      expect(other.stderr).not.toContain(nextCursor!);
      const garbage = await runCli(['users', 'list', '--cursor', 'jane.doe@example.com', ...argyle()]);
      expect(garbage.code).toBe(EXIT.failure);
      expect(garbage.stderr).toMatch(/^invalid_input: /);
      expect(garbage.stderr).not.toContain('jane.doe');
      const long = await runCli([
        'users',
        'list',
        '--cursor',
        `pi1.${'a'.repeat(5000)}`,
        ...argyle(),
        '--json',
      ]);
      expect(long.code).toBe(EXIT.failure);
      expect(json<{ code: string }>(long.stderr).code).toBe('invalid_input');
      expect(long.stdout).toBe('');
    });
  });

  it('an invalid email exits 1 with invalid_input and the field, and sends nothing', async () => {
    const result = await runCli(['users', 'create', '--email', 'jane.doe(at)example', ...argyle()]);
    expect(result.code).toBe(EXIT.failure);
    expect(result.stderr).toMatch(/^invalid_input: .*\n {2}email: Must be a valid email address\n$/);
    expect(result.stderr).not.toContain('jane.doe');
    expect(sandbox.argyle.requests()).toHaveLength(0);
  });

  it('a wrong credential exits 1 with authentication_failed and does not print it', async () => {
    const wrong = scratch.file(
      'wrong.yaml',
      [
        'tenants:',
        '  acme:',
        '    provider: argyle',
        '    environment: sandbox',
        `    baseUrl: ${sandbox.argyle.baseUrl}`,
        '    credentials: { apiKeyId: wrong-key-id, apiKeySecret: wrong-SUPERSECRET }',
        '',
      ].join('\n'),
    );
    const result = await runCli(['users', 'list', '--config', wrong, '--tenant', 'acme']);
    expect(result.code).toBe(EXIT.failure);
    expect(result.stderr).toMatch(/^authentication_failed: /);
    expect(result.stderr).not.toContain('SUPERSECRET');
    expect(result.stderr).not.toContain('wrong-key-id');
  });
});

describe('users against a Teal tenant', () => {
  it('create names what Teal cannot store; the same person again is a conflict (exit 1)', async () => {
    const first = await runCli(['users', 'create', ...JOHN, ...teal(), '--json']);
    expect(first.code, first.stderr).toBe(EXIT.ok);
    const created = json<CreatedUser>(first.stdout);
    expect(created.ignoredFields).toEqual(['email']);
    expect(created.user).toMatchObject({
      provider: 'teal',
      previousPostalCodes: ['SW1A 1AA', 'SW1A 0AA'],
      nationalId: { type: 'ni_number', value: 'QQ123456C' },
    });
    expect(created.user.providerData).toMatchObject({ payrollPeriodMonths: 12 });

    const again = await runCli(['users', 'create', ...JOHN, ...teal()]);
    expect(again.code).toBe(EXIT.failure);
    expect(again.stderr).toMatch(/^conflict: /);
    expect(again.stderr).not.toContain('QQ123456C');
    expect(sandbox.teal.userCount()).toBe(1);
  });

  it("Teal's required fields are checked before any request (exit 1, neutral names)", async () => {
    const result = await runCli(['users', 'create', '--first-name', 'John', ...teal(), '--json']);
    expect(result.code).toBe(EXIT.failure);
    const error = json<{ code: string; fieldErrors: Record<string, string[]> }>(result.stderr);
    expect(error.code).toBe('invalid_input');
    expect(Object.keys(error.fieldErrors)).toEqual(
      expect.arrayContaining(['lastName', 'birthDate', 'address.postalCode']),
    );
    expect(sandbox.teal.requests()).toHaveLength(0);
  });

  it('--input supplies the profile and the flags override it', async () => {
    const input = scratch.file(
      'john.json',
      JSON.stringify({
        firstName: 'Johnny',
        lastName: 'Smith',
        birthDate: '1985-11-02',
        address: { postalCode: 'SW1A 2AA' },
        nationalId: { type: 'ni_number', value: 'QQ123456C' },
        providerOptions: { teal: { payrollPeriodMonths: 6 } },
      }),
    );
    const result = await runCli([
      'users',
      'create',
      '--input',
      input,
      '--first-name',
      'John',
      ...teal(),
      '--json',
    ]);
    expect(result.code, result.stderr).toBe(EXIT.ok);
    const { user } = json<CreatedUser>(result.stdout);
    expect(user).toMatchObject({ firstName: 'John', address: { postalCode: 'SW1A 2AA' } });
    expect(user.providerData).toMatchObject({ payrollPeriodMonths: 6 });
  });

  it('update --clear asks the provider to clear a field', async () => {
    const first = await runCli(['users', 'create', ...JOHN, ...teal(), '--json']);
    const { user } = json<CreatedUser>(first.stdout);
    const cleared = await runCli(['users', 'update', user.id, '--clear', 'nationalId', ...teal(), '--json']);
    expect(cleared.code, cleared.stderr).toBe(EXIT.ok);
    expect(json<UpdatedUser>(cleared.stdout).user.nationalId).toBeUndefined();
  });
});

describe('--provider: a tenant that moved from Argyle to Teal, Argyle retained', () => {
  let moved: string;
  beforeAll(() => {
    // As a tenants.yaml says it: Teal is the provider now, Argyle's users stay reachable.
    moved = scratch.file(
      'moved.yaml',
      stringify({
        tenants: {
          'brit-lend': { ...sandbox.teal.tenant(), retainedProviders: [sandbox.argyle.tenant()] },
        },
      }),
    );
  });
  const britLend = () => ['--config', moved, '--tenant', 'brit-lend'];

  it('get, update, token, list and delete reach an Argyle user with --provider argyle; creates go to Teal', async () => {
    // Registered at Argyle before the move (through the Argyle tenant).
    const { user } = await createJane();

    const got = await runCli(['users', 'get', user.id, '--provider', 'argyle', ...britLend(), '--json']);
    expect(got.code, got.stderr).toBe(EXIT.ok);
    expect(json<User>(got.stdout)).toMatchObject({ id: user.id, provider: 'argyle', lastName: 'Doe' });
    const human = await runCli(['users', 'get', user.id, '--provider', 'argyle', ...britLend()]);
    expect(human.stdout).toMatch(/provider: +argyle/);
    expect(human.stdout).toMatch(/name: +Jane Doe/);

    // A bare id is the current provider's (Teal), which has no such user; Argyle is not asked.
    const argyleRequests = sandbox.argyle.requests().length;
    const bare = await runCli(['users', 'get', user.id, ...britLend()]);
    expect(bare.code).toBe(EXIT.failure);
    expect(bare.stderr).toMatch(/^not_found: /);
    expect(sandbox.argyle.requests()).toHaveLength(argyleRequests);

    const updated = await runCli([
      'users',
      'update',
      user.id,
      '--last-name',
      'Doe-Example',
      '--provider',
      'argyle',
      ...britLend(),
    ]);
    expect(updated.code, updated.stderr).toBe(EXIT.ok);
    expect(updated.stdout).toMatch(/^Updated user \S+ \(tenant brit-lend, provider argyle\)/);

    const token = await runCli(['users', 'token', user.id, '--provider', 'argyle', ...britLend(), '--json']);
    expect(token.code, token.stderr).toBe(EXIT.ok);
    expect(json<LinkToken>(token.stdout).token.length).toBeGreaterThan(0);

    // A new user goes to Teal, the tenant's provider now.
    const created = await runCli(['users', 'create', ...JOHN, ...britLend(), '--json']);
    expect(created.code, created.stderr).toBe(EXIT.ok);
    const john = json<CreatedUser>(created.stdout).user;
    expect(john.provider).toBe('teal');

    const argyleList = await runCli(['users', 'list', '--provider', 'argyle', ...britLend(), '--json']);
    expect(argyleList.code, argyleList.stderr).toBe(EXIT.ok);
    expect(json<Listed>(argyleList.stdout).users).toEqual([
      expect.objectContaining({ id: user.id, provider: 'argyle', lastName: 'Doe-Example' }),
    ]);
    const tealList = await runCli(['users', 'list', ...britLend(), '--json']);
    expect(json<Listed>(tealList.stdout).users.map((u) => [u.provider, u.id])).toEqual([['teal', john.id]]);
    const tealByName = await runCli(['users', 'list', '--provider', 'teal', ...britLend(), '--json']);
    expect(json<Listed>(tealByName.stdout)).toEqual(json<Listed>(tealList.stdout));

    const deleted = await runCli([
      'users',
      'delete',
      user.id,
      '--provider',
      'argyle',
      ...britLend(),
      '--json',
    ]);
    expect(deleted.code, deleted.stderr).toBe(EXIT.ok);
    expect(json(deleted.stdout)).toEqual({ deleted: true, id: user.id, provider: 'argyle' });
    expect(sandbox.argyle.userCount()).toBe(0);
    const deletedJohn = await runCli(['users', 'delete', john.id, ...britLend()]);
    expect(deletedJohn.stdout).toBe(`Deleted user ${john.id} (tenant brit-lend, provider teal)\n`);
    expect(sandbox.teal.userCount()).toBe(0);
  });

  it("a cursor of a retained provider's listing resumes with the same --provider only", async () => {
    const ids: string[] = [];
    for (const name of ['Ann', 'Bea', 'Cy']) {
      const r = await runCli(['users', 'create', '--first-name', name, ...argyle(), '--json']);
      ids.push(json<CreatedUser>(r.stdout).user.id);
    }
    const page = ['--page-size', '2', '--provider', 'argyle'];
    const first = await runCli(['users', 'list', ...page, '--pages', '1', ...britLend(), '--json']);
    expect(first.code, first.stderr).toBe(EXIT.ok);
    const page1 = json<Listed>(first.stdout);
    expect(page1.users.map((u) => u.id)).toEqual(ids.slice(0, 2));
    const rest = await runCli([
      'users',
      'list',
      ...page,
      '--cursor',
      page1.nextCursor!,
      ...britLend(),
      '--json',
    ]);
    expect(json<Listed>(rest.stdout).users.map((u) => u.id)).toEqual(ids.slice(2));
    // The same cursor at the current provider (Teal) is refused, unquoted.
    const elsewhere = await runCli([
      'users',
      'list',
      '--page-size',
      '2',
      '--cursor',
      page1.nextCursor!,
      ...britLend(),
    ]);
    expect(elsewhere.code).toBe(EXIT.failure);
    expect(elsewhere.stderr).toMatch(/^invalid_input: .*\n {2}cursor: /);
    expect(elsewhere.stderr).not.toContain(page1.nextCursor!);
  });

  it('a provider the tenant does not reach is invalid_input (exit 1), names no value and sends nothing', async () => {
    const before = sandbox.argyle.requests().length + sandbox.teal.requests().length;
    // demo-teal retains nothing: Argyle is out of its reach, and so is a provider that does not exist.
    for (const command of [['get'], ['update', '--last-name', 'Doe'], ['delete'], ['token']]) {
      const result = await runCli(['users', ...command, 'usr-1', '--provider', 'argyle', ...teal()]);
      expect(result.code, command.join(' ')).toBe(EXIT.failure);
      expect(result.stderr).toMatch(
        /^invalid_input: .*neither uses nor retains \(it uses teal\)\n {2}userId: /,
      );
    }
    const json1 = await runCli(['users', 'get', 'usr-1', '--provider', 'jane-doe', ...britLend(), '--json']);
    expect(json1.code).toBe(EXIT.failure);
    expect(json<{ code: string; fieldErrors: Record<string, string[]> }>(json1.stderr)).toMatchObject({
      code: 'invalid_input',
      fieldErrors: { userId: [expect.any(String)] },
    });
    expect(json1.stderr).not.toContain('jane-doe');
    const listed = await runCli(['users', 'list', '--provider', 'jane-doe', ...britLend()]);
    expect(listed.code).toBe(EXIT.failure);
    expect(listed.stderr).toMatch(/^invalid_input: .*\n {2}provider: /);
    expect(listed.stderr).not.toContain('jane-doe');
    expect(sandbox.argyle.requests().length + sandbox.teal.requests().length).toBe(before);
  });

  it('a retained provider listed twice, or the current one retained, is invalid_configuration (exit 2)', async () => {
    const bad = scratch.file(
      'bad-retained.yaml',
      stringify({
        tenants: {
          'brit-lend': {
            ...sandbox.teal.tenant(),
            retainedProviders: [sandbox.argyle.tenant(), sandbox.argyle.tenant(), sandbox.teal.tenant()],
          },
        },
      }),
    );
    const result = await runCli(['users', 'list', '--config', bad, '--tenant', 'brit-lend']);
    expect(result.code).toBe(EXIT.usage);
    expect(result.stderr).toMatch(/^invalid_configuration: /);
    expect(result.stderr).toContain('retainedProviders.1.provider: appears twice');
    expect(result.stderr).toContain('retainedProviders.2.provider: is the tenant’s current provider');
    expect(result.stderr).not.toContain(sandbox.argyle.credentials.apiKeySecret);
  });
});

describe('Ctrl-C', () => {
  it('aborts the call in flight: exit 1 with code aborted', async () => {
    sandbox.argyle.faults.next({ kind: 'latency', ms: 5_000 });
    const stop = new AbortController();
    const io = captureIo(stop.signal);
    const running = run(['users', 'list', ...argyle()], io);
    setTimeout(() => stop.abort(), 100);
    expect(await running).toBe(EXIT.failure);
    expect(io.err()).toMatch(/^aborted: /);
  });
});

describe('payroll-identity sandbox', () => {
  async function bindable(port: number): Promise<number | undefined> {
    const server = createServer();
    const bound = await new Promise<boolean>((resolve) => {
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => resolve(true));
    });
    const address = server.address();
    if (bound) await new Promise((resolve) => server.close(resolve));
    return bound && typeof address === 'object' && address !== null ? address.port : undefined;
  }

  /** A port p with p + 1, … p + count - 1 free too: the sandbox serves one emulator per port, from --port on. */
  async function freePort(count: number): Promise<number> {
    for (let tries = 0; tries < 20; tries++) {
      const port = await bindable(0);
      if (port === undefined || port + count - 1 > 65_535) continue;
      let free = true;
      for (let i = 1; i < count && free; i++) free = (await bindable(port + i)) !== undefined;
      if (free) return port;
    }
    throw new Error(`no ${count} consecutive free ports`);
  }

  async function waitFor(condition: () => boolean): Promise<void> {
    for (let i = 0; i < 200 && !condition(); i += 1) await new Promise((r) => setTimeout(r, 25));
    if (!condition()) throw new Error('timed out');
  }

  it('runs until interrupted, printing base URLs, credentials and a usable tenants.yaml', async () => {
    const stop = new AbortController();
    const io = captureIo(stop.signal);
    const port = await freePort(EMULATED.length);
    let exited = false;
    const running = run(['sandbox', '--port', String(port)], io).finally(() => {
      exited = true;
    });
    await waitFor(() => exited || io.out().includes('Press Ctrl-C'));
    expect(exited, io.err()).toBe(false);

    const out = io.out();
    // One emulator per built-in provider, on consecutive ports in registration order.
    EMULATED.forEach((name, index) => {
      expect(out).toMatch(new RegExp(`^${name} +http://127\\.0\\.0\\.1:${port + index}$`, 'm'));
    });
    expect(out).toMatch(/^ +apiKeyId: +\S+$/m);
    expect(out).toMatch(/^ +apiKeySecret: +\S+$/m);
    expect(out).toMatch(/^ +apiKey: +\S+$/m);
    expect(out).toMatch(/^ +bearerToken: +\S+ +\(alternative/m);

    // The printed YAML is a working configuration.
    const yaml = out.slice(out.indexOf('  tenants:'), out.indexOf('Press Ctrl-C')).replace(/^ {2}/gm, '');
    const printed = scratch.file('printed.yaml', yaml);
    const created = await runCli([
      'users',
      'create',
      '--first-name',
      'Ann',
      '--config',
      printed,
      '--tenant',
      'demo-argyle',
    ]);
    expect(created.code, created.stderr).toBe(EXIT.ok);

    stop.abort();
    expect(await running).toBe(EXIT.ok);
    expect(io.out()).toContain('Sandbox stopped.');
    await expect(fetch(`http://127.0.0.1:${port}/v2/users`)).rejects.toThrow();
  });

  it('a port in use exits 1 with a clear message', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const address = blocker.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    try {
      const result = await runCli(['sandbox', '--port', String(port)]);
      expect(result.code).toBe(EXIT.failure);
      expect(result.stderr).toBe(
        `sandbox_failed: port ${port} is already in use on 127.0.0.1 (the emulators use ports ${port}–${port + EMULATED.length - 1}).\n`,
      );
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  it('--port must leave room for every emulator', async () => {
    const result = await runCli(['sandbox', '--port', '65535']);
    expect(result.code).toBe(EXIT.usage);
    expect(result.stderr).toMatch(/^error: --port 65535 leaves no room for every emulator/);
  });

  it('--provider-module adds its emulator: printed, on the next port, in a tenants.yaml that loads it', async () => {
    const stop = new AbortController();
    const io = captureIo(stop.signal);
    const port = await freePort(EMULATED.length + 1);
    let exited = false;
    const running = run(['sandbox', '--port', String(port), '--provider-module', ACMEPAY_MODULE], io).finally(
      () => {
        exited = true;
      },
    );
    await waitFor(() => exited || io.out().includes('Press Ctrl-C'));
    expect(exited, io.err()).toBe(false);
    expect(io.err()).toBe('');

    const out = io.out();
    const acmeLine = new RegExp(`^acmepay +http://127\\.0\\.0\\.1:${port + EMULATED.length}$`, 'm');
    expect(out).toMatch(acmeLine);
    const after = out.slice(out.search(acmeLine));
    expect(after).toMatch(/^ +apiKey: +acme-sandbox-[0-9a-f]{32}$/m);

    // The printed YAML names the module (absolute) and a tenant per emulator; it is a working configuration.
    const yaml = out
      .slice(out.indexOf('  providerModules:'), out.indexOf('Press Ctrl-C'))
      .replace(/^ {2}/gm, '');
    expect(yaml).toContain(`- ${ACMEPAY_MODULE}`);
    expect(yaml).toContain('demo-acmepay:');
    const printed = scratch.file('printed-acme.yaml', yaml);
    const created = await runCli([
      'users',
      'create',
      '--first-name',
      'Ann',
      '--config',
      printed,
      '--tenant',
      'demo-argyle',
    ]);
    expect(created.code, created.stderr).toBe(EXIT.ok);

    stop.abort();
    expect(await running).toBe(EXIT.ok);
  });
});

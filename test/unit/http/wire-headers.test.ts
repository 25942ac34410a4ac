/**
 * What goes on the wire: every operation of every built-in provider (Argyle v2, Argyle v1, Teal by
 * API key, Teal by member bearer token) sends only the headers on the allow-list below, with the
 * values we chose. The requests go over real loopback sockets to the embedded sandbox through a
 * recording relay, so whatever axios, Node or the library adds is seen exactly as a provider sees it:
 * the next default of a dependency cannot leak onto the wire unnoticed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIBRARY_VERSION, USER_AGENT } from '../../../src/http/user-agent.js';
import { createPayrollIdentity } from '../../../src/index.js';
import { type Sandbox, startSandbox } from '../../../src/sandbox/index.js';
import type { CreateUserInput } from '../../../src/user.js';
import type { UserService } from '../../../src/user-service.js';
import { type Exchange, type RecordingRelay, recordingRelay } from '../../support/recording-relay.js';

// Not the shared fixtures: they load nock, whose interceptor would replace Node's HTTP client and
// so change what goes on the wire.
const US: CreateUserInput = {
  firstName: 'Sarah',
  lastName: 'Wirefield',
  email: 'sarah.wirefield@example.com',
  phone: '+14155550123',
  birthDate: '1990-05-17',
  address: { line1: '1 Main Street', city: 'Springfield', state: 'IL', postalCode: '62701', country: 'US' },
  nationalId: { type: 'ssn', value: '123-45-6789' },
  metadata: { loanStage: 'stage-two' },
};
const UK: CreateUserInput = {
  firstName: 'Johnathan',
  lastName: 'Wireson',
  birthDate: '1985-11-02',
  phone: '+447700900123',
  address: { line1: '10 Downing Street', city: 'London', postalCode: 'SW1A 2AA', country: 'GB' },
  nationalId: { type: 'ni_number', value: 'QQ123456C' },
};

type Variant = 'argyle-v2' | 'argyle-v1' | 'teal-api-key' | 'teal-bearer';
const VARIANTS: readonly Variant[] = ['argyle-v2', 'argyle-v1', 'teal-api-key', 'teal-bearer'];

/** Headers Node's HTTP client itself sends on every request (HTTP/1.1 needs Host; keep-alive agent). */
const TRANSPORT = ['host', 'connection'];
/** Ours, on every request. */
const ALWAYS = ['accept', 'accept-encoding', 'user-agent'];
/** Ours, only with a body. */
const WITH_BODY = ['content-type', 'content-length'];
/** The provider's documented authentication header. */
const AUTH: Record<Variant, string> = {
  'argyle-v2': 'authorization',
  'argyle-v1': 'authorization',
  'teal-api-key': 'x-api-key',
  'teal-bearer': 'authorization',
};

let sandbox: Sandbox;
const relays: RecordingRelay[] = [];
const seen = {} as Record<Variant, Exchange[]>;
let identity: ReturnType<typeof createPayrollIdentity>;

beforeAll(async () => {
  sandbox = await startSandbox();
  const origins = {} as Record<Variant, string>;
  for (const variant of VARIANTS) {
    const target = variant.startsWith('argyle') ? sandbox.argyle.baseUrl : sandbox.teal.baseUrl;
    const relay = await recordingRelay(target);
    relays.push(relay);
    seen[variant] = relay.exchanges;
    origins[variant] = relay.origin;
  }
  const bearer = sandbox.teal.alternativeCredentials[0];
  if (!bearer) throw new Error('the Teal sandbox offers no bearer token');
  const common = { environment: 'sandbox' as const, retry: { maxRetries: 0 } };
  identity = createPayrollIdentity({
    tenants: {
      'argyle-v2': {
        ...common,
        provider: 'argyle',
        baseUrl: origins['argyle-v2'],
        credentials: { ...sandbox.argyle.credentials },
      },
      'argyle-v1': {
        ...common,
        provider: 'argyle',
        apiVersion: 'v1',
        baseUrl: origins['argyle-v1'],
        credentials: { ...sandbox.argyle.credentials },
      },
      'teal-api-key': {
        ...common,
        provider: 'teal',
        defaults: { payrollPeriodMonths: 12 },
        baseUrl: origins['teal-api-key'],
        credentials: { ...sandbox.teal.credentials },
      },
      'teal-bearer': {
        ...common,
        provider: 'teal',
        defaults: { payrollPeriodMonths: 12 },
        baseUrl: origins['teal-bearer'],
        credentials: { ...bearer },
      },
    },
  });
});

afterAll(async () => {
  await identity?.close();
  for (const relay of relays) await relay.close();
  await sandbox?.close();
});

/** Every operation once: create, get, update, list, link token, delete. */
async function everyOperation(users: UserService, variant: Variant): Promise<void> {
  const lastName = `Wire${'abcd'[VARIANTS.indexOf(variant)]}`;
  const input = { ...(variant.startsWith('teal') ? UK : US), lastName, externalId: `wire-${variant}` };
  const { user } = await users.createUser(input);
  await users.getUser(user.id);
  await users.updateUser(
    user.id,
    variant === 'argyle-v1' ? { metadata: { loanStage: 'stage-three' } } : { lastName: 'Wireson' },
  );
  for await (const _ of users.listUsers()) {
    // every page is a request; the users themselves do not matter here
  }
  await users.createLinkToken(user.id);
  await users.deleteUser(user.id);
}

describe('the wire: only the documented headers', () => {
  it('the User-Agent names this library and Node, and the version is package.json’s', async () => {
    const { readFile } = await import('node:fs/promises');
    const pkg = JSON.parse(await readFile(new URL('../../../package.json', import.meta.url), 'utf8')) as {
      version: string;
    };
    expect(LIBRARY_VERSION).toBe(pkg.version);
    expect(USER_AGENT).toBe(`payroll-identity/${pkg.version} node/${process.versions.node}`);
  });

  it.each(VARIANTS)('%s: every operation sends exactly the allow-listed headers', async (variant) => {
    const users = identity.forTenant(variant);
    await everyOperation(users, variant);
    const requests = seen[variant];
    const methods = new Set(requests.map((r) => r.method));
    // All six operations went over the wire: POST (create, link token), GET, PATCH, DELETE.
    expect([...methods].sort()).toEqual(['DELETE', 'GET', 'PATCH', 'POST']);
    expect(requests.length).toBeGreaterThanOrEqual(6);

    for (const r of requests) {
      const where = `${r.method} ${r.path}`;
      const bodyLength = Buffer.byteLength(r.requestBody);
      const hasBody = bodyLength > 0;
      const allowed = [...TRANSPORT, ...ALWAYS, AUTH[variant], ...(hasBody ? WITH_BODY : [])];
      // Nothing else (no `query: [object Object]`, no axios User-Agent), and nothing twice.
      expect([...r.names].sort(), where).toEqual([...allowed].sort());
      expect(r.headers.accept, where).toBe('application/json');
      expect(r.headers['user-agent'], where).toBe(USER_AGENT);
      expect(r.headers['accept-encoding'], where).toBe('gzip, deflate, br');
      expect(r.headers.connection, where).toBe('keep-alive');
      if (hasBody) {
        expect(r.headers['content-type'], where).toBe('application/json');
        expect(r.headers['content-length'], where).toBe(String(bodyLength));
      }
      const auth = r.headers[AUTH[variant]] ?? '';
      if (variant.startsWith('argyle')) expect(auth, where).toMatch(/^Basic [A-Za-z0-9+/]+=*$/);
      else if (variant === 'teal-bearer') expect(auth, where).toMatch(/^Bearer \S+$/);
      else expect(auth, where).toBe(sandbox.teal.credentials.apiKey);
    }
  });
});

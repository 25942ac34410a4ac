/**
 * The boundary between the core and a provider's own code: whatever a provider's function throws
 * becomes a `PayrollIdentityError` that names the failing part without its text; a provider's own
 * `InvalidInputError` passes unchanged; mapped users are checked (same id, this provider, neutral
 * fields only); a server-side filter is re-checked; declarations are checked when the identity is
 * created; resume cursors never hold the filter value.
 *
 * The provider ("bdry") is declared with `defineProvider` and answered in process by a scripted
 * transport; every tenant has retries and the circuit breaker off (no real sleeps).
 */
import { createHash } from 'node:crypto';
import { inspect } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createPayrollIdentityWith, type PayrollIdentity } from '../../../src/container/identity.js';
import type { Transport } from '../../../src/http/transport.js';
import {
  type ConfigurationProblem,
  defineProvider,
  InvalidConfigurationError,
  InvalidInputError,
  isPayrollIdentityError,
  type PayrollIdentityError,
  type StoredFields,
  secretField,
  type User,
  type UsersDeclaration,
} from '../../../src/provider/index.js';
import { drain, everyRendering, rejection } from '../../../src/testing/assertions.js';

// Obviously fake data: the person, the tenant's credential, and a provider-internal detail.
const SSN = '123-45-6789';
const EMAIL = 'jane.doe@example.com';
const API_KEY = 'bdry-live-key-FAKE-0123456789';
const DETAIL = 'provider-internal-detail-7c1e';
/** Everything a provider's thrown message quotes; none of it may reach an error. */
const SECRETS = [SSN, EMAIL, API_KEY, DETAIL] as const;

/** Where a provider function can be made to throw. */
type FaultPoint =
  | 'user.toUser'
  | 'user.id'
  | 'createUser.body'
  | 'createUser.result'
  | 'updateUser.body'
  | 'listUsers.paging.read'
  | 'listUsers.paging.query'
  | 'createLinkToken.result'
  | 'check'
  | 'auth'
  | 'describeError';

/** What the provider's code does in the current test (reset before each). */
interface Behaviour {
  fault: FaultPoint | undefined;
  /** What `check` throws instead of the leaky error (a provider's own library error). */
  checkThrows: Error | undefined;
  toUser: 'as-is' | 'other-id' | 'other-provider' | 'extra-field';
  externalIdFilter: 'server' | 'client';
}
let behaviour: Behaviour;
/** Every error the provider's code threw, to prove the fixture threw what the test thinks it did. */
let thrown: Error[];

/** A plain Error whose message quotes the person's data and the credential (as careless code would). */
function leaky(where: FaultPoint): Error {
  const error = new Error(`${where}: cannot handle ${EMAIL} (SSN ${SSN}) with key ${API_KEY}; ${DETAIL}`);
  thrown.push(error);
  return error;
}

function maybeThrow(where: FaultPoint): void {
  if (behaviour.fault === where) throw leaky(where);
}

const WireUser = z.object({
  id: z.string(),
  external_id: z.string().optional(),
  email: z.string().optional(),
});
type WireUser = z.infer<typeof WireUser>;
const WirePage = z.object({ data: z.array(WireUser), next: z.string().optional() });
type WirePage = z.infer<typeof WirePage>;
const WireToken = z.object({ token: z.string() });

function toUser(wire: unknown): User {
  maybeThrow('user.toUser');
  const w = wire as WireUser;
  const user: User = {
    id: w.id,
    provider: 'bdry',
    ...(w.external_id !== undefined ? { externalId: w.external_id } : {}),
    ...(w.email !== undefined ? { email: w.email } : {}),
  };
  switch (behaviour.toUser) {
    case 'other-id':
      return { ...user, id: `${w.id}-other` };
    case 'other-provider':
      return { ...user, provider: 'someone-else' };
    case 'extra-field':
      return { ...user, ssnRaw: SSN } as User;
    default:
      return user;
  }
}

const STORED: StoredFields = {
  firstName: true,
  lastName: true,
  email: true,
  nationalId: true,
  externalId: true,
};

/** How a tenant's `users(config)` answers (property 5 sets one per tenant). */
const MODES = [
  'ok',
  'stored-extra-key',
  'page-nan',
  'page-zero',
  'reconcile-client',
  'throws-plain',
  'throws-configuration',
] as const;

const bdry = defineProvider({
  name: 'bdry',
  tenantShape: {
    credentials: z.strictObject({ apiKey: secretField('apiKey') }),
    mode: z.enum(MODES).optional(),
  },
  baseUrls: { sandbox: 'https://sandbox.bdry.example', production: 'https://api.bdry.example' },
  describeError: (_status, body) => {
    maybeThrow('describeError');
    const message = (body as { message?: unknown } | undefined)?.message;
    return { messages: typeof message === 'string' ? [message] : [] };
  },
  auth: (config) => {
    if (behaviour.fault === 'auth') {
      const error = new Error(
        `auth: key ${config.credentials.apiKey.reveal()} refused for ${EMAIL}; ${DETAIL}`,
      );
      thrown.push(error);
      throw error;
    }
    return {
      headers: () => ({ 'X-Bdry-Key': config.credentials.apiKey.reveal() }),
      secrets: () => [config.credentials.apiKey.reveal()],
    };
  },
  users: (config): UsersDeclaration => {
    const mode = config.mode ?? 'ok';
    if (mode === 'throws-plain') {
      const error = new Error(`users: cannot use key ${config.credentials.apiKey.reveal()}; ${DETAIL}`);
      thrown.push(error);
      throw error;
    }
    if (mode === 'throws-configuration') {
      throw InvalidConfigurationError.of([
        { tenant: config.tenant, field: 'apiVersion', reason: 'bdry serves only apiVersion v2' },
      ]);
    }
    const filter = mode === 'reconcile-client' ? 'client' : behaviour.externalIdFilter;
    return {
      stored: mode === 'stored-extra-key' ? ({ ...STORED, bogus: true } as StoredFields) : STORED,
      clearable: false,
      check: () => {
        if (behaviour.checkThrows) throw behaviour.checkThrows;
        maybeThrow('check');
      },
      user: {
        schema: WireUser,
        id: (wire) => {
          maybeThrow('user.id');
          return (wire as WireUser).id;
        },
        toUser,
      },
      createUser: {
        method: 'POST',
        path: '/users',
        response: WireUser,
        body: (fields) => {
          maybeThrow('createUser.body');
          return fields;
        },
        result: (answer) => {
          maybeThrow('createUser.result');
          return { user: toUser(answer) };
        },
        ...(mode === 'reconcile-client'
          ? {
              reconcile: {
                mark: (body: unknown, nonce: string) => ({ ...(body as object), nonce }),
                matches: () => false,
              },
            }
          : {}),
      },
      getUser: { method: 'GET', path: (id) => `/users/${id}` },
      updateUser: {
        method: 'PATCH',
        path: (id) => `/users/${id}`,
        body: (fields) => {
          maybeThrow('updateUser.body');
          return fields;
        },
      },
      listUsers: {
        method: 'GET',
        path: '/users',
        response: WirePage,
        maxPageSize: mode === 'page-nan' ? Number.NaN : mode === 'page-zero' ? 0 : 50,
        externalIdFilter: filter,
        paging: {
          kind: 'cursor',
          query: (cursor, limit, f) => {
            maybeThrow('listUsers.paging.query');
            return { cursor, limit, external_id: f.externalId };
          },
          read: (answer) => {
            maybeThrow('listUsers.paging.read');
            const page = answer as WirePage;
            return page.next !== undefined ? { users: page.data, next: page.next } : { users: page.data };
          },
        },
      },
      createLinkToken: {
        method: 'POST',
        path: (id) => `/users/${id}/token`,
        response: WireToken,
        result: (answer) => {
          maybeThrow('createLinkToken.result');
          return { token: (answer as { token: string }).token };
        },
      },
    };
  },
});

// The scripted provider: each test sets `script`; every request is recorded.
interface Request {
  method: string;
  url: string;
  query: Record<string, unknown>;
}
interface Reply {
  status: number;
  body?: unknown;
}
let script: (request: Request) => Reply;
let requests: Request[];
const transport: Transport = async (config) => {
  const request = {
    method: String(config.method).toUpperCase(),
    url: String(config.url),
    query: (config.params ?? {}) as Record<string, unknown>,
  };
  requests.push(request);
  const reply = script(request);
  return {
    status: reply.status,
    statusText: '',
    headers: { 'content-type': 'application/json' },
    config,
    data: reply.body === undefined ? '' : JSON.stringify(reply.body),
  };
};

const JANE: WireUser = { id: 'u_1', external_id: 'ext-0001', email: EMAIL };

/** A tenant of `bdry` (retries and the breaker off: one request per call). */
const tenant = (mode: (typeof MODES)[number] = 'ok') => ({
  provider: 'bdry',
  environment: 'sandbox' as const,
  credentials: { apiKey: API_KEY },
  mode,
  retry: { maxRetries: 0 },
  circuitBreaker: { enabled: false },
});

let identity: PayrollIdentity | undefined;
function create(): PayrollIdentity {
  identity = createPayrollIdentityWith({ tenants: { t1: tenant() }, transport }, [bdry]);
  return identity;
}

beforeEach(() => {
  behaviour = { fault: undefined, checkThrows: undefined, toUser: 'as-is', externalIdFilter: 'server' };
  thrown = [];
  requests = [];
  script = () => ({ status: 500 });
});
afterEach(async () => {
  await identity?.close();
  identity = undefined;
});

/** An own property's value, or `undefined` when reading it throws. */
function read(value: object, key: string | symbol): unknown {
  try {
    return (value as Record<string | symbol, unknown>)[key];
  } catch {
    return undefined;
  }
}

/** Every string reachable through own properties (enumerable or not, symbols too) of errors and plain data. */
function reachableStrings(
  value: unknown,
  out: string[] = [],
  seen = new Set<unknown>(),
  depth = 0,
): string[] {
  if (typeof value === 'string') out.push(value);
  if (typeof value !== 'object' || value === null || seen.has(value) || depth > 8) return out;
  seen.add(value);
  for (const key of Reflect.ownKeys(value)) reachableStrings(read(value, key), out, seen, depth + 1);
  return out;
}

/**
 * The error rendered every way a host might print or log it, its cause chain included:
 * `String()`, `.message`, `.stack`, `JSON.stringify`, `util.inspect` (depth Infinity, showHidden),
 * and every string its own properties reach.
 */
function renderings(error: unknown): string {
  const parts = [everyRendering(error)];
  let current: unknown = error;
  for (let i = 0; current !== undefined && current !== null && i < 6; i++) {
    const e = current as Error & { cause?: unknown };
    parts.push(
      String(e),
      String(e.message),
      String(e.stack),
      String(JSON.stringify(e)),
      inspect(e, { depth: Number.POSITIVE_INFINITY, showHidden: true }),
      inspect(e, { depth: Number.POSITIVE_INFINITY, showHidden: true, customInspect: false }),
    );
    current = e.cause;
  }
  parts.push(...reachableStrings(error));
  return parts.join('\n').toLowerCase();
}

/** No secret (nor the whole thrown message) in any rendering; named by index, never quoted. */
function expectNothingLeaks(error: unknown, also: readonly string[] = []): void {
  const text = renderings(error);
  [...SECRETS, ...also].forEach((secret, i) => {
    expect(text.includes(secret.toLowerCase()), `secret #${i} leaked into a rendering`).toBe(false);
  });
}

/** The provider's code did throw, and what it threw quotes every secret (the fixture is meaningful). */
function expectProviderThrewSecrets(): Error {
  expect(thrown.length).toBeGreaterThan(0);
  const first = thrown[0]!;
  for (const secret of [API_KEY, DETAIL]) expect(first.message).toContain(secret);
  return first;
}

async function failure(run: () => Promise<unknown>): Promise<PayrollIdentityError> {
  const error = await rejection(run);
  expect(isPayrollIdentityError(error), 'a PayrollIdentityError').toBe(true);
  return error;
}

const APPLICANT = {
  firstName: 'Jane',
  lastName: 'Doe',
  email: EMAIL,
  nationalId: { type: 'ssn' as const, value: SSN },
  externalId: 'ext-0001',
};

interface FaultCase {
  fault: FaultPoint;
  code: PayrollIdentityError['code'];
  /** Whether the call must fail before any request. */
  unsent: boolean;
  script: (request: Request) => Reply;
  call: (identity: PayrollIdentity) => Promise<unknown>;
}

const ok = (body: unknown) => (): Reply => ({ status: 200, body });

const FAULTS: FaultCase[] = [
  {
    fault: 'user.toUser',
    code: 'unexpected_response',
    unsent: false,
    script: ok(JANE),
    call: (i) => i.forTenant('t1').getUser('u_1'),
  },
  {
    fault: 'user.id',
    code: 'unexpected_response',
    unsent: false,
    script: ok(JANE),
    call: (i) => i.forTenant('t1').getUser('u_1'),
  },
  {
    fault: 'createUser.body',
    code: 'invalid_configuration',
    unsent: true,
    script: () => ({ status: 201, body: JANE }),
    call: (i) => i.forTenant('t1').createUser(APPLICANT),
  },
  {
    fault: 'updateUser.body',
    code: 'invalid_configuration',
    unsent: true,
    script: ok(JANE),
    call: (i) =>
      i.forTenant('t1').updateUser('u_1', { email: EMAIL, nationalId: { type: 'ssn', value: SSN } }),
  },
  {
    fault: 'listUsers.paging.read',
    code: 'unexpected_response',
    unsent: false,
    script: ok({ data: [JANE] }),
    call: (i) => drain(i.forTenant('t1').listUsers({ externalId: 'ext-0001' })),
  },
  {
    fault: 'listUsers.paging.query',
    code: 'invalid_configuration',
    unsent: true,
    script: ok({ data: [JANE] }),
    call: (i) => drain(i.forTenant('t1').listUsers({ externalId: 'ext-0001' })),
  },
  {
    fault: 'createLinkToken.result',
    code: 'unexpected_response',
    unsent: false,
    script: ok({ token: 'tok_FAKE_0001' }),
    call: (i) => i.forTenant('t1').createLinkToken('u_1'),
  },
  {
    fault: 'check',
    code: 'invalid_configuration',
    unsent: true,
    script: () => ({ status: 201, body: JANE }),
    call: (i) => i.forTenant('t1').createUser(APPLICANT),
  },
  {
    fault: 'auth',
    code: 'invalid_configuration',
    unsent: true,
    script: ok(JANE),
    call: (i) => i.forTenant('t1').getUser('u_1'),
  },
];

describe('1. a provider function that throws becomes a typed error without its text', () => {
  it.each(FAULTS)('$fault → $code', async ({ fault, code, unsent, script: answer, call }) => {
    behaviour.fault = fault;
    script = answer;
    const error = await failure(() => call(create()));
    expect(error.code).toBe(code);
    if (unsent) expect(requests).toHaveLength(0);
    else expect(requests.length).toBeGreaterThan(0);
    const raw = expectProviderThrewSecrets();
    expectNothingLeaks(error, [raw.message]);
    if (code === 'invalid_configuration') {
      const problems = (error as InvalidConfigurationError).problems;
      expect(problems.some((p) => p.field === 'provider bdry')).toBe(true);
    }
  });

  it('createUser.result throwing after a 201 → outcome_unknown with a reconciliation hint, sent once', async () => {
    behaviour.fault = 'createUser.result';
    script = () => ({ status: 201, body: JANE });
    const error = await failure(() => create().forTenant('t1').createUser(APPLICANT));
    expect(error.code).toBe('outcome_unknown');
    expect(isPayrollIdentityError(error, 'outcome_unknown') && error.reconciliation).toMatchObject({
      tenant: 't1',
      provider: 'bdry',
      operation: 'createUser',
      externalId: 'ext-0001',
    });
    expect(requests).toHaveLength(1);
    const raw = expectProviderThrewSecrets();
    // The raw message quotes the person's data too: the guard, not the fixture, keeps it out.
    expect(raw.message).toContain(SSN);
    expect(raw.message).toContain(EMAIL);
    expectNothingLeaks(error, [raw.message]);
  });

  // The status alone decides the error when the provider's describeError throws (its text is dropped).
  it.each([
    { status: 400, code: 'invalid_input' as const },
    { status: 404, code: 'not_found' as const },
  ])('describeError throwing on a $status → $code', async ({ status, code }) => {
    behaviour.fault = 'describeError';
    script = () => ({ status, body: { message: 'rejected' } });
    const error = await rejection(() =>
      create()
        .forTenant('t1')
        .updateUser('u_1', { email: EMAIL, nationalId: { type: 'ssn', value: SSN } }),
    );
    expect(requests).toHaveLength(1);
    const raw = expectProviderThrewSecrets();
    expect(isPayrollIdentityError(error), 'a PayrollIdentityError').toBe(true);
    expect(error.code).toBe(code);
    expectNothingLeaks(error, [raw.message]);
  });
});

describe('2. a provider’s own library error passes unchanged', () => {
  it('an InvalidInputError thrown by check keeps its code and fieldErrors (the same object)', async () => {
    const own = new InvalidInputError('bdry createUser: firstName is too long for bdry', {
      provider: 'bdry',
      tenant: 't1',
      operation: 'createUser',
      fieldErrors: { firstName: ['At most 20 characters at bdry'] },
    });
    behaviour.checkThrows = own;
    const error = await failure(() => create().forTenant('t1').createUser(APPLICANT));
    expect(error).toBe(own);
    expect(error.code).toBe('invalid_input');
    expect((error as InvalidInputError).fieldErrors).toEqual({
      firstName: ['At most 20 characters at bdry'],
    });
    expect(error.message).toBe('bdry createUser: firstName is too long for bdry');
    expect(requests).toHaveLength(0);
  });
});

describe('3. mapped users are checked', () => {
  it.each([
    ['other-id', 'another id than the wire id'],
    ['other-provider', 'another provider name'],
  ] as const)('toUser returning %s (%s) → unexpected_response', async (mode, _what) => {
    behaviour.toUser = mode;
    script = ok(JANE);
    const error = await failure(() => create().forTenant('t1').getUser('u_1'));
    expect(error.code).toBe('unexpected_response');
    expectNothingLeaks(error);
  });

  it('the same mapper as-is passes (the check is what fails the cases above)', async () => {
    script = ok(JANE);
    const user = await create().forTenant('t1').getUser('u_1');
    expect(user).toEqual({ id: 'u_1', provider: 'bdry', externalId: 'ext-0001', email: EMAIL });
  });

  it('extra fields a mapper returns are dropped from the user', async () => {
    behaviour.toUser = 'extra-field';
    script = ok(JANE);
    const user = await create().forTenant('t1').getUser('u_1');
    expect(user).toEqual({ id: 'u_1', provider: 'bdry', externalId: 'ext-0001', email: EMAIL });
    expect(Object.hasOwn(user, 'ssnRaw')).toBe(false);
    expect(JSON.stringify(user)).not.toContain(SSN);
  });
});

describe('4. a server-side filter is re-checked', () => {
  const OTHER: WireUser = { id: 'u_2', external_id: 'ext-9999', email: 'john.roe@example.com' };
  // Page 1 honours the filter; page 2 ignores it.
  const pages = (request: Request): Reply =>
    request.query.cursor === undefined
      ? { status: 200, body: { data: [JANE], next: 'c2' } }
      : { status: 200, body: { data: [OTHER] } };

  it("'server': a user outside the filter ends the listing unexpected_response, never yielded", async () => {
    script = pages;
    const yielded: User[] = [];
    const error = await failure(async () => {
      for await (const user of create().forTenant('t1').listUsers({ externalId: 'ext-0001' }))
        yielded.push(user);
    });
    expect(error.code).toBe('unexpected_response');
    expect(yielded.map((u) => u.id)).toEqual(['u_1']);
    expect(requests).toHaveLength(2);
    expect(requests[0]?.query.external_id).toBe('ext-0001');
  });

  it("'server', by pages: the page holding the other user is never handed out", async () => {
    script = pages;
    const seen: string[] = [];
    const error = await failure(async () => {
      for await (const page of create().forTenant('t1').listUsers({ externalId: 'ext-0001' }).pages())
        seen.push(...page.users.map((u) => u.id));
    });
    expect(error.code).toBe('unexpected_response');
    expect(seen).toEqual(['u_1']);
  });

  it("'client': the other user is silently skipped", async () => {
    behaviour.externalIdFilter = 'client';
    script = pages;
    const yielded: User[] = [];
    for await (const user of create().forTenant('t1').listUsers({ externalId: 'ext-0001' }))
      yielded.push(user);
    expect(yielded.map((u) => u.id)).toEqual(['u_1']);
    expect(requests).toHaveLength(2);
    // Client-side: the filter never goes on the wire.
    expect(requests.every((r) => r.query.external_id === undefined)).toBe(true);
  });
});

describe('5. declarations are checked when the identity is created', () => {
  function creation(run: () => unknown): InvalidConfigurationError {
    try {
      run();
    } catch (error) {
      expect(isPayrollIdentityError(error, 'invalid_configuration'), 'invalid_configuration').toBe(true);
      return error as InvalidConfigurationError;
    }
    throw new Error('expected creating the identity to fail');
  }

  it('bad provider names: one error listing each, without the names', () => {
    const ansi = '\u001b[31mbdry\u001b[0m';
    const long = `b${'d'.repeat(99)}`;
    expect(long).toHaveLength(100);
    const error = creation(() =>
      createPayrollIdentityWith({ tenants: {}, transport }, [
        { ...bdry, name: ansi },
        { ...bdry, name: long },
      ]),
    );
    expect(error.problems.map((p) => p.field)).toEqual(['providers[0].name', 'providers[1].name']);
    const text = renderings(error);
    expect(text.includes('\u001b')).toBe(false);
    expect(text.includes(long)).toBe(false);
    expect(requests).toHaveLength(0);
  });

  it('every tenant’s declaration problem in one invalid_configuration, before any request', () => {
    const tenants = Object.fromEntries(MODES.map((mode) => [mode, tenant(mode)]));
    const error = creation(() => createPayrollIdentityWith({ tenants, transport }, [bdry]));
    const byTenant = (t: string): ConfigurationProblem[] => error.problems.filter((p) => p.tenant === t);

    expect(byTenant('ok')).toEqual([]);
    expect(byTenant('stored-extra-key')).toEqual([
      expect.objectContaining({
        reason: expect.stringMatching(/^stored names 1 field\(s\) that are not neutral/),
      }),
    ]);
    for (const t of ['page-nan', 'page-zero']) {
      expect(byTenant(t)).toEqual([
        expect.objectContaining({
          reason: expect.stringMatching(/^listUsers\.maxPageSize must be a whole number/),
        }),
      ]);
    }
    expect(byTenant('reconcile-client')).toEqual([
      expect.objectContaining({
        reason: expect.stringMatching(/^createUser\.reconcile needs a listUsers endpoint/),
      }),
    ]);
    expect(byTenant('throws-plain')).toEqual([
      { tenant: 'throws-plain', field: 'provider bdry', reason: 'its users(config) failed' },
    ]);
    // A provider's own InvalidConfigurationError: its problems are kept as they were.
    expect(byTenant('throws-configuration')).toEqual([
      { tenant: 'throws-configuration', field: 'apiVersion', reason: 'bdry serves only apiVersion v2' },
    ]);
    expect(error.problems).toHaveLength(6);
    // The bogus key is counted, not named.
    expect(renderings(error).includes('bogus')).toBe(false);

    // users() did throw its credential; the error holds none of it.
    const raw = thrown.find((e) => e.message.startsWith('users:'));
    expect(raw?.message).toContain(API_KEY);
    expectNothingLeaks(error, [raw!.message]);
    expect(requests).toHaveLength(0);
  });
});

describe('6. a resume cursor holds no filter value', () => {
  it('neither the externalId nor a sha256 of it (with the page size) is in the cursor', async () => {
    const value = EMAIL;
    script = (request) =>
      request.query.cursor === undefined
        ? { status: 200, body: { data: [{ ...JANE, external_id: value }], next: 'c2' } }
        : { status: 200, body: { data: [] } };
    const listing = create().forTenant('t1').listUsers({ externalId: value, pageSize: 1 }).pages();
    let cursor: string | undefined;
    for await (const page of listing) {
      cursor = page.cursor;
      break;
    }
    expect(requests[0]?.query.external_id).toBe(value);
    expect(cursor).toMatch(/^pi1\.[A-Za-z0-9_-]+$/);
    const decoded = Buffer.from(cursor!.slice('pi1.'.length), 'base64url').toString('utf8');
    // It is JSON with the binding the cursor carries (what the listing resumes from).
    expect(JSON.parse(decoded)).toMatchObject({ t: 't1', p: 'bdry', s: { cursor: 'c2' } });

    const digest = createHash('sha256')
      .update(JSON.stringify([value, 1]))
      .digest();
    const digestOfValue = createHash('sha256').update(value).digest();
    const forbidden = [
      value,
      'jane.doe',
      digest.toString('hex'),
      digest.toString('base64url'),
      digest.toString('base64'),
      digestOfValue.toString('hex'),
      digestOfValue.toString('base64url'),
    ];
    for (const [i, text] of forbidden.entries()) {
      expect(
        decoded.toLowerCase().includes(text.toLowerCase()),
        `forbidden #${i} in the decoded cursor`,
      ).toBe(false);
      expect(cursor!.includes(text), `forbidden #${i} in the cursor`).toBe(false);
    }
    // Also no 16+ character slice of a digest (a truncated hash is a hash too).
    for (const hex of [digest.toString('hex'), digestOfValue.toString('hex')]) {
      expect(decoded.toLowerCase().includes(hex.slice(0, 16))).toBe(false);
    }
  });
});

/**
 * Fidelity to the providers' published OpenAPI documents, on the wire: every operation of Argyle v2,
 * Argyle's legacy v1 and Teal runs through the library against the embedded sandbox over a
 * recording loopback relay, error paths included (an unknown user, input the emulator refuses, a
 * duplicate under the Teal emulator's `duplicateRule` option, wrong credentials, Argyle v1's
 * bare-array list under the Argyle emulator's `v1ListShape` option). Each request the adapter sends is checked against the document
 * (method and path template, path and query parameters with their types and bounds, the auth
 * scheme, the JSON body) and each answer the emulator gives against the response the document gives
 * for its status, error bodies included.
 *
 * A step that sends what the document itself refuses (a malformed id, a body missing required
 * fields sent raw, since the library never sends one) says which problem it expects; everything
 * else must match, or be a declared deviation (deviations.ts), and so must every documented-shaped
 * answer the library does not take (`unexpected_response`, `outcome_unknown`). Documents, overlays
 * and sources: README.md.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPayrollIdentity, type TenantUserService } from '../../src/index.js';
import { type Sandbox, startSandbox } from '../../src/sandbox/index.js';
import type { CreateUserInput } from '../../src/user.js';
import { type Exchange, type RecordingRelay, recordingRelay } from '../support/recording-relay.js';
import { type Api, contract, LIBRARY_OPERATIONS } from './contracts.js';
import { DeviationLedger, refusal } from './deviations.js';
import { type ApiContract, operationName } from './validate.js';

// Obviously fake applicants; not the shared fixtures (they load nock, which would replace Node's HTTP client).
const US: CreateUserInput = {
  firstName: 'Sarah',
  lastName: 'Openfield',
  email: 'sarah.openfield@example.com',
  phone: '+14155550123',
  birthDate: '1990-05-17',
  address: { line1: '1 Main Street', city: 'Springfield', state: 'IL', postalCode: '62701', country: 'US' },
  nationalId: { type: 'ssn', value: '123-45-6789' },
  externalId: 'openapi-argyle',
  metadata: { loanStage: 'stage-two' },
};
const UK: CreateUserInput = {
  firstName: 'Johnathan',
  lastName: 'Openson',
  birthDate: '1985-11-02',
  phone: '+447700900123',
  address: { line1: '10 Downing Street', city: 'London', postalCode: 'SW1A 2AA', country: 'GB' },
  previousPostalCodes: ['SW1A 1AA'],
  nationalId: { type: 'ni_number', value: 'QQ123456C' },
  externalId: 'openapi-teal',
};
/** A well-formed id no emulator holds. */
const UNKNOWN = '00000000-0000-4000-8000-0000000000ff';

type Tenant =
  | 'argyle'
  | 'argyle-bad-key'
  | 'argyle-v1'
  | 'argyle-v1-bare-array'
  | 'teal'
  | 'teal-bad-key'
  | 'teal-bearer'
  | 'teal-duplicate-rule';
const API_OF: Record<Tenant, Api> = {
  argyle: 'argyle-v2',
  'argyle-bad-key': 'argyle-v2',
  'argyle-v1': 'argyle-v1',
  'argyle-v1-bare-array': 'argyle-v1',
  teal: 'teal',
  'teal-bad-key': 'teal',
  'teal-bearer': 'teal',
  'teal-duplicate-rule': 'teal',
};
/** The relay each tenant goes through (a bad key shares its tenant's). */
const RELAY_OF: Record<Tenant, Tenant> = {
  argyle: 'argyle',
  'argyle-bad-key': 'argyle',
  'argyle-v1': 'argyle-v1',
  'argyle-v1-bare-array': 'argyle-v1-bare-array',
  teal: 'teal',
  'teal-bad-key': 'teal',
  'teal-bearer': 'teal',
  'teal-duplicate-rule': 'teal-duplicate-rule',
};

/** A request sent as it is, past the library, with the tenant's credentials. */
type Raw = (method: string, path: string, body?: unknown) => Promise<number>;

interface Expected {
  /** `METHOD /template`. */
  operation: string;
  status: number;
  /** The problem the document itself finds in this request (the step sends it on purpose). */
  refused?: RegExp;
}

interface Step {
  tenant: Tenant;
  name: string;
  run: (users: TenantUserService, ids: Record<string, string>, raw: Raw) => Promise<unknown>;
  /** `ok`, or the neutral error code the library must answer with. */
  outcome: string;
  wire: readonly Expected[];
}

const ok = (operation: string, status = 200): Expected => ({ operation, status });

/** Drains a listing (every page is one request). */
async function drain(listing: AsyncIterable<unknown>): Promise<number> {
  let n = 0;
  for await (const _ of listing) n++;
  return n;
}

const STEPS: readonly Step[] = [
  // ---------- Argyle v2 ----------
  {
    tenant: 'argyle',
    name: 'create a user',
    run: async (users, ids) => {
      ids.a = (await users.createUser(US)).user.id;
    },
    outcome: 'ok',
    wire: [ok('POST /v2/users')],
  },
  {
    tenant: 'argyle',
    name: 'create a second user',
    run: async (users, ids) => {
      ids.b = (await users.createUser({ ...US, lastName: 'Opensecond', externalId: 'openapi-2' })).user.id;
    },
    outcome: 'ok',
    wire: [ok('POST /v2/users')],
  },
  {
    tenant: 'argyle',
    name: 'get the user',
    run: (users, ids) => users.getUser(ids.a!),
    outcome: 'ok',
    wire: [ok('GET /v2/users/{id}')],
  },
  {
    tenant: 'argyle',
    name: 'update one field',
    run: (users, ids) => users.updateUser(ids.a!, { email: 'sarah.updated@example.com' }),
    outcome: 'ok',
    wire: [ok('PATCH /v2/users/{id}')],
  },
  {
    tenant: 'argyle',
    name: 'list page by page (limit 1, then the cursor of next)',
    run: (users) => drain(users.listUsers({ pageSize: 1 })),
    outcome: 'ok',
    wire: [ok('GET /v2/users'), ok('GET /v2/users')],
  },
  {
    tenant: 'argyle',
    name: 'list by external id (limit 200, external_id)',
    run: (users) => drain(users.listUsers({ externalId: 'openapi-2' })),
    outcome: 'ok',
    wire: [ok('GET /v2/users')],
  },
  {
    tenant: 'argyle',
    name: 'create a link token',
    run: (users, ids) => users.createLinkToken(ids.a!),
    outcome: 'ok',
    wire: [ok('POST /v2/user-tokens')],
  },
  {
    tenant: 'argyle',
    name: 'an email the emulator refuses is 400 {"email": [...]}',
    // Valid to the library's syntax check, refused by Argyle's (a domain label cannot end in "-").
    run: (users) => users.createUser({ ...US, email: 'sarah@example-.com', externalId: 'openapi-bad' }),
    outcome: 'invalid_input',
    wire: [ok('POST /v2/users', 400)],
  },
  {
    tenant: 'argyle',
    name: 'get an unknown user',
    run: (users) => users.getUser(UNKNOWN),
    outcome: 'not_found',
    wire: [ok('GET /v2/users/{id}', 404)],
  },
  {
    tenant: 'argyle',
    name: 'get a user by an id that is no UUID',
    run: (users) => users.getUser('not-a-uuid'),
    outcome: 'not_found',
    wire: [
      { operation: 'GET /v2/users/{id}', status: 404, refused: /^path id: format must match format "uuid"$/ },
    ],
  },
  {
    tenant: 'argyle',
    name: 'update an unknown user',
    run: (users) => users.updateUser(UNKNOWN, { firstName: 'Nobody' }),
    outcome: 'not_found',
    wire: [ok('PATCH /v2/users/{id}', 404)],
  },
  {
    tenant: 'argyle',
    name: 'a link token for an unknown user',
    run: (users) => users.createLinkToken(UNKNOWN),
    outcome: 'not_found',
    wire: [ok('POST /v2/user-tokens', 404)],
  },
  {
    tenant: 'argyle-bad-key',
    name: 'wrong credentials',
    run: (users, ids) => users.getUser(ids.a!),
    outcome: 'authentication_failed',
    wire: [ok('GET /v2/users/{id}', 401)],
  },
  {
    tenant: 'argyle',
    name: 'delete both users',
    run: async (users, ids) => {
      await users.deleteUser(ids.a!);
      await users.deleteUser(ids.b!);
    },
    outcome: 'ok',
    wire: [ok('DELETE /v2/users/{id}', 204), ok('DELETE /v2/users/{id}', 204)],
  },
  {
    tenant: 'argyle',
    name: 'delete an unknown user',
    run: (users) => users.deleteUser(UNKNOWN),
    outcome: 'not_found',
    wire: [ok('DELETE /v2/users/{id}', 404)],
  },

  // ---------- Argyle legacy v1 ----------
  {
    tenant: 'argyle-v1',
    name: 'create a user with metadata',
    run: async (users, ids) => {
      ids.a = (await users.createUser({ metadata: { loanStage: 'one' } })).user.id;
    },
    outcome: 'ok',
    wire: [ok('POST /v1/users')],
  },
  {
    tenant: 'argyle-v1',
    name: 'create a user without payload',
    run: async (users, ids) => {
      ids.b = (await users.createUser({})).user.id;
    },
    outcome: 'ok',
    wire: [ok('POST /v1/users')],
  },
  {
    tenant: 'argyle-v1',
    name: 'get the user',
    run: (users, ids) => users.getUser(ids.a!),
    outcome: 'ok',
    wire: [ok('GET /v1/users/{id}')],
  },
  {
    tenant: 'argyle-v1',
    name: 'update the metadata',
    run: (users, ids) => users.updateUser(ids.a!, { metadata: { loanStage: 'two' } }),
    outcome: 'ok',
    wire: [ok('PATCH /v1/users/{id}')],
  },
  {
    tenant: 'argyle-v1',
    name: 'list page by page',
    run: (users) => drain(users.listUsers({ pageSize: 1 })),
    outcome: 'ok',
    wire: [ok('GET /v1/users'), ok('GET /v1/users')],
  },
  {
    tenant: 'argyle-v1',
    name: 'create a link token',
    run: (users, ids) => users.createLinkToken(ids.a!),
    outcome: 'ok',
    wire: [ok('POST /v1/user-tokens')],
  },
  {
    tenant: 'argyle-v1',
    name: 'get an unknown user',
    run: (users) => users.getUser(UNKNOWN),
    outcome: 'not_found',
    wire: [ok('GET /v1/users/{id}', 404)],
  },
  {
    tenant: 'argyle-v1',
    name: 'delete both users',
    run: async (users, ids) => {
      await users.deleteUser(ids.a!);
      await users.deleteUser(ids.b!);
    },
    outcome: 'ok',
    wire: [ok('DELETE /v1/users/{id}', 204), ok('DELETE /v1/users/{id}', 204)],
  },
  {
    tenant: 'argyle-v1',
    name: 'delete an unknown user',
    run: (users) => users.deleteUser(UNKNOWN),
    outcome: 'not_found',
    wire: [ok('DELETE /v1/users/{id}', 404)],
  },

  {
    tenant: 'argyle-v1-bare-array',
    name: "a bare-array list, the reference example's shape (v1ListShape: bare-array)",
    run: async (users) => {
      await users.createUser({});
      await users.createUser({});
      let listed = 0;
      try {
        for await (const _ of users.listUsers()) listed++;
      } finally {
        // Both users are handed out before the listing says it may be incomplete.
        expect(listed).toBe(2);
      }
    },
    outcome: 'unexpected_response',
    wire: [ok('POST /v1/users'), ok('POST /v1/users'), ok('GET /v1/users')],
  },

  // ---------- Teal ----------
  {
    tenant: 'teal',
    name: 'create a user',
    run: async (users, ids) => {
      ids.a = (await users.createUser(UK)).user.id;
    },
    outcome: 'ok',
    wire: [ok('POST /users', 201)],
  },
  {
    tenant: 'teal',
    name: 'create a second user',
    run: async (users, ids) => {
      ids.b = (await users.createUser({ ...UK, lastName: 'Opensecond', externalId: 'openapi-2' })).user.id;
    },
    outcome: 'ok',
    wire: [ok('POST /users', 201)],
  },
  {
    tenant: 'teal',
    name: 'get the user',
    run: (users, ids) => users.getUser(ids.a!),
    outcome: 'ok',
    wire: [ok('GET /users/{user_id}')],
  },
  {
    tenant: 'teal-bearer',
    name: "get the user with a member's bearer token (MemberBearerAuth)",
    run: (users, ids) => users.getUser(ids.a!),
    outcome: 'ok',
    wire: [ok('GET /users/{user_id}')],
  },
  {
    tenant: 'teal',
    name: 'update one field (a partial PATCH)',
    run: (users, ids) => users.updateUser(ids.a!, { lastName: 'Opensmith' }),
    outcome: 'ok',
    wire: [ok('PATCH /users/{user_id}')],
  },
  {
    tenant: 'teal',
    name: 'list page by page (limit=1, then offset=1)',
    run: (users) => drain(users.listUsers({ pageSize: 1 })),
    outcome: 'ok',
    wire: [ok('GET /users'), ok('GET /users')],
  },
  {
    tenant: 'teal',
    name: 'create a link token',
    run: (users, ids) => users.createLinkToken(ids.a!),
    outcome: 'ok',
    wire: [ok('POST /user-tokens', 201)],
  },
  {
    tenant: 'teal',
    name: 'subscribe, list and unsubscribe a webhook',
    run: async (users) => {
      const subscription = await users.webhooks.subscribe({
        url: 'https://lender.example.com/webhooks/openapi',
      });
      expect((await users.webhooks.list()).map((s) => s.id)).toContain(subscription.id);
      await users.webhooks.unsubscribe(subscription.id);
    },
    outcome: 'ok',
    wire: [ok('POST /webhooks', 201), ok('GET /webhooks'), ok('DELETE /webhooks/{webhook_id}', 204)],
  },
  {
    tenant: 'teal',
    name: 'unsubscribe an unknown webhook',
    run: (users) => users.webhooks.unsubscribe(UNKNOWN),
    outcome: 'not_found',
    wire: [ok('DELETE /webhooks/{webhook_id}', 404)],
  },
  {
    tenant: 'teal',
    name: 'a body missing the required fields is 400 {"errors": [...]} (sent raw: the library never sends one)',
    run: (_, __, raw) => raw('POST', '/users', {}),
    outcome: 'ok',
    wire: [
      {
        operation: 'POST /users',
        status: 400,
        refused: /^body \/ required must have required property '[a-z_]+'$/,
      },
    ],
  },
  {
    tenant: 'teal-duplicate-rule',
    name: 'the same person twice is 409 {"errors": [...]} (duplicateRule: name-and-birth-date)',
    run: async (users) => {
      await users.createUser(UK);
      await users.createUser({ ...UK, externalId: 'openapi-again' });
    },
    outcome: 'conflict',
    wire: [ok('POST /users', 201), ok('POST /users', 409)],
  },
  {
    tenant: 'teal',
    name: 'get an unknown user',
    run: (users) => users.getUser(UNKNOWN),
    outcome: 'not_found',
    wire: [ok('GET /users/{user_id}', 404)],
  },
  {
    tenant: 'teal',
    name: 'update an unknown user',
    run: (users) => users.updateUser(UNKNOWN, { firstName: 'Nobody' }),
    outcome: 'not_found',
    wire: [ok('PATCH /users/{user_id}', 404)],
  },
  {
    tenant: 'teal',
    name: 'a link token for an unknown user',
    run: (users) => users.createLinkToken(UNKNOWN),
    outcome: 'not_found',
    wire: [ok('POST /user-tokens', 404)],
  },
  {
    tenant: 'teal-bad-key',
    name: 'wrong credentials',
    run: (users, ids) => users.getUser(ids.a!),
    outcome: 'authentication_failed',
    wire: [ok('GET /users/{user_id}', 401)],
  },
  {
    tenant: 'teal',
    name: 'delete both users',
    run: async (users, ids) => {
      await users.deleteUser(ids.a!);
      await users.deleteUser(ids.b!);
    },
    outcome: 'ok',
    wire: [ok('DELETE /users/{user_id}', 204), ok('DELETE /users/{user_id}', 204)],
  },
  {
    tenant: 'teal',
    name: 'delete an unknown user',
    run: (users) => users.deleteUser(UNKNOWN),
    outcome: 'not_found',
    wire: [ok('DELETE /users/{user_id}', 404)],
  },
];

const CONTRACTS = {} as Record<Api, ApiContract>;
const ledger = new DeviationLedger('emulator');
/** The sandbox with the emulators' defaults, and one with the options some steps need. */
const sandboxes: Sandbox[] = [];
const relays = {} as Record<Tenant, RecordingRelay>;
const credentials = {} as Record<Tenant, Record<string, string>>;
let identity: ReturnType<typeof createPayrollIdentity>;
/** Ids created by earlier steps, per API. */
const ids: Record<Api, Record<string, string>> = { 'argyle-v2': {}, 'argyle-v1': {}, teal: {} };
/** Every checked exchange, per API: `METHOD /template status`. */
const seen: Record<Api, string[]> = { 'argyle-v2': [], 'argyle-v1': [], teal: [] };

beforeAll(async () => {
  for (const api of ['argyle-v2', 'argyle-v1', 'teal'] as const) CONTRACTS[api] = contract(api);
  const defaults = await startSandbox();
  sandboxes.push(defaults);
  const optioned = await startSandbox({
    emulators: {
      argyle: { options: { v1ListShape: 'bare-array' } },
      teal: { options: { duplicateRule: 'name-and-birth-date' } },
    },
  });
  sandboxes.push(optioned);
  relays.argyle = await recordingRelay(defaults.argyle.baseUrl);
  relays['argyle-v1'] = await recordingRelay(defaults.argyle.baseUrl);
  relays['argyle-v1-bare-array'] = await recordingRelay(optioned.argyle.baseUrl);
  relays.teal = await recordingRelay(defaults.teal.baseUrl);
  relays['teal-duplicate-rule'] = await recordingRelay(optioned.teal.baseUrl);
  const common = { environment: 'sandbox' as const, retry: { maxRetries: 0 } };
  const argyle = (tenant: Tenant, keys: { apiKeyId: string; apiKeySecret: string }) => {
    credentials[tenant] = { ...keys };
    return {
      ...common,
      provider: 'argyle' as const,
      baseUrl: relays[RELAY_OF[tenant]].origin,
      credentials: keys,
    };
  };
  const teal = (tenant: Tenant, keys: { apiKey: string } | { bearerToken: string }) => {
    credentials[tenant] = { ...keys };
    return {
      ...common,
      provider: 'teal' as const,
      defaults: { payrollPeriodMonths: 12 },
      baseUrl: relays[RELAY_OF[tenant]].origin,
      credentials: keys,
    };
  };
  identity = createPayrollIdentity({
    tenants: {
      argyle: argyle('argyle', { ...defaults.argyle.credentials }),
      'argyle-bad-key': argyle('argyle-bad-key', {
        apiKeyId: 'openapi-wrong-id',
        apiKeySecret: 'openapi-wrong-secret',
      }),
      'argyle-v1': { ...argyle('argyle-v1', { ...defaults.argyle.credentials }), apiVersion: 'v1' },
      'argyle-v1-bare-array': {
        ...argyle('argyle-v1-bare-array', { ...optioned.argyle.credentials }),
        apiVersion: 'v1',
      },
      teal: {
        ...teal('teal', { ...defaults.teal.credentials }),
        webhooks: { secret: 'openapi-webhook-secret' },
      },
      'teal-bad-key': teal('teal-bad-key', { apiKey: 'openapi-wrong-key' }),
      'teal-bearer': teal('teal-bearer', { ...defaults.teal.alternativeCredentials[0]! }),
      'teal-duplicate-rule': teal('teal-duplicate-rule', { ...optioned.teal.credentials }),
    },
  });
});

afterAll(async () => {
  await identity?.close();
  for (const relay of Object.values(relays)) await relay.close();
  for (const sandbox of sandboxes) await sandbox.close();
});

/** The tenant's credentials as the provider's documented header. */
function authHeaders(tenant: Tenant): Record<string, string> {
  const c = credentials[tenant]!;
  return c.apiKey !== undefined
    ? { 'x-api-key': c.apiKey }
    : { authorization: `Basic ${Buffer.from(`${c.apiKeyId}:${c.apiKeySecret}`).toString('base64')}` };
}

function rawFor(tenant: Tenant): Raw {
  return async (method, path, body) => {
    const answer = await fetch(`${relays[RELAY_OF[tenant]].origin}${path}`, {
      method,
      headers: {
        ...authHeaders(tenant),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    await answer.arrayBuffer();
    return answer.status;
  };
}

/** What the documents find in one exchange, deviations and the step's expected refusal left out. */
function problemsOf(api: Api, exchange: Exchange, expected: Expected | undefined): string[] {
  const located = CONTRACTS[api].locate(exchange.method, exchange.path);
  const at = `${exchange.method} ${exchange.path}`;
  if ('problem' in located) return [`${at}: ${located.problem}`];
  const operation = operationName(located);
  const request = located.document.requestProblems(located, {
    method: exchange.method,
    path: exchange.path,
    query: exchange.query,
    headers: exchange.headers,
    body: exchange.requestBody,
  });
  const refused = request.filter((p) => expected?.refused?.test(p));
  if (expected?.refused && refused.length === 0)
    request.push(`(expected the document to refuse: ${expected.refused})`);
  const response = located.document.responseProblems(located, {
    status: exchange.status,
    type: exchange.responseType,
    body: exchange.responseBody,
  });
  return [
    ...ledger
      .unexcused(
        api,
        operation,
        'request',
        request.filter((p) => !refused.includes(p)),
      )
      .map((p) => `${operation} request: ${p}`),
    ...ledger
      .unexcused(api, operation, 'response', response)
      .map((p) => `${operation} ${exchange.status}: ${p}`),
  ];
}

describe.each(['argyle-v2', 'argyle-v1', 'teal'] as const)('%s: the wire against the documents', (api) => {
  it.each(STEPS.filter((s) => API_OF[s.tenant] === api).map((s) => [s.name, s] as const))(
    '%s',
    async (_, step) => {
      const relay = relays[RELAY_OF[step.tenant]];
      const before = relay.exchanges.length;
      let outcome = 'ok';
      const problems: string[] = [];
      try {
        await step.run(identity.forTenant(step.tenant), ids[api], rawFor(step.tenant));
      } catch (error) {
        outcome = (error as { code?: string }).code ?? String(error);
        const refused = refusal(error);
        const last = relay.exchanges.at(-1);
        const located = last ? CONTRACTS[api].locate(last.method, last.path) : undefined;
        if (refused !== undefined && located && !('problem' in located)) {
          problems.push(...ledger.unexcused(api, operationName(located), 'library', [refused]));
        } else if (refused !== undefined) {
          problems.push(refused);
        }
      }
      const exchanges = relay.exchanges.slice(before);
      const wire = exchanges.map((e) => {
        const located = CONTRACTS[api].locate(e.method, e.path);
        return `${'problem' in located ? `${e.method} ${e.path}` : operationName(located)} ${e.status}`;
      });
      expect({ outcome, wire }).toEqual({
        outcome: step.outcome,
        wire: step.wire.map((w) => `${w.operation} ${w.status}`),
      });
      problems.push(...exchanges.flatMap((e, i) => problemsOf(api, e, step.wire[i])));
      expect(problems).toEqual([]);
      seen[api].push(...wire);
    },
  );

  it('every operation the library sends went over the wire, with a success and an error answer', () => {
    const operations = new Set(seen[api].map((w) => w.replace(/ \d+$/, '')));
    expect([...operations].sort()).toEqual([...LIBRARY_OPERATIONS[api]].sort());
    for (const operation of LIBRARY_OPERATIONS[api]) {
      const statuses = seen[api]
        .filter((w) => w.startsWith(`${operation} `))
        .map((w) => Number(w.split(' ')[2]));
      expect(
        statuses.some((s) => s < 300),
        operation,
      ).toBe(true);
    }
    expect(seen[api].some((w) => / 4\d\d$/.test(w))).toBe(true);
  });
});

describe('the deviations table', () => {
  it('every deviation shown against the emulators is still needed', () => {
    expect(ledger.stale()).toEqual([]);
  });
});

/**
 * The independent check: the library against a strict mock built from the providers' OpenAPI
 * documents alone (strict-mock.ts), never from the emulators. A tenant of each API (Argyle v2,
 * Argyle's legacy v1, Teal) points at its mock, and every operation the library has runs against
 * it:
 *
 * - every request must be accepted by the mock (documented path, method, parameters, credentials
 *   and body), or the test names the refusal;
 * - every answer the documents give must be read: each operation's documented success (the
 *   document's example, or a body generated from its schema) must succeed, and each documented
 *   error status must become its neutral error (400 `invalid_input`, 401 `authentication_failed`,
 *   404 `not_found`, 409 `conflict`), never `unexpected_response`. A documented answer the library
 *   does not take is a finding, and fails unless DEVIATIONS (deviations.ts) explains it.
 *
 * Ids come from the documents: each call asks for the user its example answer is about.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPayrollIdentity, type TenantUserService } from '../../src/index.js';
import type { CreateUserInput } from '../../src/user.js';
import { type Api, contract, LIBRARY_OPERATIONS, OVERLAYS } from './contracts.js';
import { DeviationLedger, refusal } from './deviations.js';
import { mockId, StrictMock } from './strict-mock.js';
import { ApiContract, isObject, jsonMedia, nodeAt, OpenApiDocument, sample } from './validate.js';

const US: CreateUserInput = {
  firstName: 'Sarah',
  lastName: 'Mockfield',
  email: 'sarah.mockfield@example.com',
  phone: '+14155550123',
  birthDate: '1990-05-17',
  address: { line1: '1 Main Street', city: 'Springfield', state: 'IL', postalCode: '62701', country: 'US' },
  nationalId: { type: 'ssn', value: '123-45-6789' },
  externalId: 'strict-mock-argyle',
  metadata: { loanStage: 'stage-two' },
};
const UK: CreateUserInput = {
  firstName: 'Johnathan',
  lastName: 'Mockson',
  birthDate: '1985-11-02',
  address: { postalCode: 'SW1A 2AA' },
  previousPostalCodes: ['SW1A 1AA'],
  nationalId: { type: 'ni_number', value: 'QQ123456C' },
  externalId: 'strict-mock-teal',
  providerOptions: {
    teal: { recurringChecks: { enabled: true, frequency: 'WEEKLY', endDate: '2030-01-31' } },
  },
};

/** The neutral error each documented error status must become. */
const CODE: Readonly<Record<number, string>> = {
  400: 'invalid_input',
  401: 'authentication_failed',
  403: 'authentication_failed',
  404: 'not_found',
  409: 'conflict',
};

const ledger = new DeviationLedger('mock');
const CONTRACTS = {} as Record<Api, ApiContract>;
const mocks = {} as Record<Api, StrictMock>;
let identity: ReturnType<typeof createPayrollIdentity>;

/** What `status` of `operation` is in the API's documents (the example, else generated), for ids. */
function documented(api: Api, operation: string, status: number): Record<string, unknown> {
  const [method, template] = operation.split(' ') as [string, string];
  const located = CONTRACTS[api].locate(method, template.replace(/\{[^}]+\}/g, mockId(9)));
  if ('problem' in located) throw new Error(`${api} documents no ${operation}`);
  const { document } = located;
  const body =
    document.example(template, method, status) ??
    sample(document.responseSchema(template, method, status) ?? {});
  if (!isObject(body)) throw new Error(`${operation} ${status} documents no object`);
  return body;
}

/** The `user_id` claim of a documented user token. */
function tokenUser(token: unknown): string {
  const payload = String(token).split('.')[1] ?? '';
  return String(
    (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { user_id: unknown }).user_id,
  );
}

type Call = (users: TenantUserService) => Promise<unknown>;

/** How the library calls each operation, asking for the user the document's answer is about. */
function calls(api: Api): Record<string, Call> {
  const drain = async (users: TenantUserService, filter: { externalId?: string; pageSize?: number } = {}) => {
    const listed: string[] = [];
    for await (const user of users.listUsers(filter)) listed.push(user.id);
    return listed;
  };
  if (api === 'argyle-v2') {
    const user = String(documented(api, 'GET /v2/users/{id}', 200).id);
    const tokenFor = tokenUser(documented(api, 'POST /v2/user-tokens', 200).user_token);
    return {
      'POST /v2/users': (users) => users.createUser(US),
      'GET /v2/users': async (users) => {
        expect(await drain(users)).toHaveLength(2);
        // The documented filter: the example's users whose external_id is exactly the one asked.
        expect(await drain(users, { externalId: 'July Connection' })).toHaveLength(1);
      },
      'GET /v2/users/{id}': async (users) => expect((await users.getUser(user)).id).toBe(user),
      'PATCH /v2/users/{id}': (users) => users.updateUser(user, { email: 'sarah.updated@example.com' }),
      'DELETE /v2/users/{id}': (users) => users.deleteUser(user),
      'POST /v2/user-tokens': (users) => users.createLinkToken(tokenFor),
    };
  }
  if (api === 'argyle-v1') {
    const user = String(documented(api, 'GET /v1/users/{id}', 200).id);
    const updated = String(documented(api, 'PATCH /v1/users/{id}', 200).id);
    const tokenFor = tokenUser(documented(api, 'POST /v1/user-tokens', 200).access);
    return {
      'POST /v1/users': (users) => users.createUser({ metadata: { group: 'A' } }),
      'GET /v1/users': async (users) => {
        const listed: string[] = [];
        try {
          for await (const u of users.listUsers()) listed.push(u.id);
        } finally {
          // The example's two users are handed out, whatever the listing says after them.
          expect(listed).toHaveLength(2);
        }
      },
      'GET /v1/users/{id}': async (users) =>
        expect((await users.getUser(user)).metadata).toEqual({ group_id: 'Group A5' }),
      'PATCH /v1/users/{id}': (users) =>
        users.updateUser(updated, { metadata: { 'customer group': 'lending' } }),
      'DELETE /v1/users/{id}': (users) => users.deleteUser(user),
      'POST /v1/user-tokens': (users) => users.createLinkToken(tokenFor),
    };
  }
  const user = String(documented(api, 'GET /users/{user_id}', 200).user_id);
  const webhook = String(documented(api, 'POST /webhooks', 201).webhook_id);
  return {
    'POST /users': async (users) => expect((await users.createUser(UK)).user.id).toBe(user),
    'GET /users': async (users) =>
      expect(await drain(users, { pageSize: 1 })).toEqual([mockId(1), mockId(2)]),
    'GET /users/{user_id}': async (users) => expect((await users.getUser(user)).firstName).toBe('John'),
    'PATCH /users/{user_id}': (users) => users.updateUser(user, { lastName: 'Mocksmith' }),
    'DELETE /users/{user_id}': (users) => users.deleteUser(user),
    'POST /user-tokens': async (users) => expect((await users.createLinkToken(user)).token).toMatch(/^eyJ/),
    'POST /webhooks': async (users) =>
      expect((await users.webhooks.subscribe({ url: 'https://lender.example.com/webhooks/mock' })).id).toBe(
        webhook,
      ),
    'GET /webhooks': async (users) => expect(await users.webhooks.list()).toHaveLength(2),
    'DELETE /webhooks/{webhook_id}': (users) => users.webhooks.unsubscribe(webhook),
  };
}

beforeAll(async () => {
  const tenants: Record<string, unknown> = {};
  for (const api of ['argyle-v2', 'argyle-v1', 'teal'] as const) {
    CONTRACTS[api] = contract(api);
    mocks[api] = await new StrictMock(CONTRACTS[api], (operation, problems) =>
      ledger.unexcused(api, operation, 'request', problems),
    ).start();
    const common = { environment: 'sandbox', baseUrl: mocks[api].origin, retry: { maxRetries: 0 } };
    tenants[api] =
      api === 'teal'
        ? {
            ...common,
            provider: 'teal',
            credentials: { apiKey: 'strict-mock-api-key' },
            defaults: { payrollPeriodMonths: 12 },
            webhooks: { secret: 'strict-mock-webhook-secret' },
          }
        : {
            ...common,
            provider: 'argyle',
            apiVersion: api === 'argyle-v1' ? 'v1' : 'v2',
            credentials: { apiKeyId: 'strict-mock-key-id', apiKeySecret: 'strict-mock-key-secret' },
          };
  }
  identity = createPayrollIdentity({ tenants } as Parameters<typeof createPayrollIdentity>[0]);
});

afterAll(async () => {
  await identity?.close();
  for (const mock of Object.values(mocks)) await mock.close();
});

/** Runs `call` and reports its outcome, and every problem: refusals by the mock, undeclared refusals by the library. */
async function run(
  api: Api,
  operation: string,
  call: Call,
): Promise<{ outcome: string; problems: string[] }> {
  const mock = mocks[api];
  const before = mock.exchanges.length;
  let outcome = 'ok';
  const problems: string[] = [];
  try {
    await call(identity.forTenant(api));
  } catch (error) {
    outcome = (error as { code?: string }).code ?? String(error);
    const refused = refusal(error);
    if (refused !== undefined) {
      const excused = ledger.unexcused(api, operation, 'library', [refused]);
      problems.push(...excused.map((p) => `the library refused the documented answer: ${p}`));
      if (excused.length === 0) outcome = 'ok (declared deviation)';
    }
  }
  const exchanges = mock.exchanges.slice(before);
  for (const e of exchanges) {
    if (e.problems.length > 0)
      problems.push(`${e.request.method} ${e.request.path} refused by the mock: ${e.problems.join('; ')}`);
  }
  if (!exchanges.some((e) => e.operation === operation)) problems.push(`${operation} was never sent`);
  return { outcome, problems };
}

describe.each(['argyle-v2', 'argyle-v1', 'teal'] as const)(
  '%s: the library against the documents alone',
  (api) => {
    it('every operation the library has is documented and driven here', () => {
      expect(Object.keys(calls(api)).sort()).toEqual([...LIBRARY_OPERATIONS[api]].sort());
      for (const operation of LIBRARY_OPERATIONS[api])
        expect(CONTRACTS[api].operations()).toContain(operation);
    });

    it.each(LIBRARY_OPERATIONS[api].map((operation) => [operation]))(
      '%s: its documented success is accepted and read',
      async (operation) => {
        const { outcome, problems } = await run(api, operation, calls(api)[operation]!);
        expect(problems).toEqual([]);
        expect(outcome).toMatch(/^ok/);
      },
    );

    it.each(LIBRARY_OPERATIONS[api].map((operation) => [operation]))(
      '%s: each documented error answer becomes its neutral error',
      async (operation) => {
        const [method, template] = operation.split(' ') as [string, string];
        const document = CONTRACTS[api].documents.find((d) => d.operation(template, method))!;
        const errors = document
          .statuses(template, method)
          .map(Number)
          .filter((s) => s >= 400);
        const seen: Record<string, string> = {};
        const problems: string[] = [];
        // Each body twice: the document's example, and one of its schema's types alone (they disagree for Teal's 401 and 404).
        for (const status of errors) {
          for (const from of ['example', 'schema'] as const) {
            mocks[api].answerNext(operation, status, from);
            const result = await run(api, operation, calls(api)[operation]!);
            seen[`${status} ${from}`] = result.outcome;
            problems.push(...result.problems);
          }
        }
        expect(problems).toEqual([]);
        const expected = errors.flatMap((s) =>
          (['example', 'schema'] as const).map((from) => [
            `${s} ${from}`,
            CODE[s] ?? `(no neutral error for ${s})`,
          ]),
        );
        expect(seen).toEqual(Object.fromEntries(expected));
      },
    );
  },
);

describe('the strict mock refuses what the document does not describe', () => {
  const document = new OpenApiDocument({
    name: 'inline',
    document: {
      openapi: '3.0.0',
      security: [{ key: [] }],
      components: { securitySchemes: { key: { type: 'apiKey', in: 'header', name: 'X-Key' } } },
      paths: {
        '/things': {
          get: {
            parameters: [
              { in: 'query', name: 'limit', schema: { type: 'integer', minimum: 1, maximum: 100 } },
              { in: 'query', name: 'kind', required: true, schema: { type: 'string', enum: ['a', 'b'] } },
            ],
            responses: {
              '200': {
                description: 'things',
                content: {
                  'application/json': {
                    schema: {
                      type: 'object',
                      properties: { things: { type: 'array', items: { type: 'string' } } },
                    },
                    example: { things: ['one'] },
                  },
                },
              },
            },
          },
          post: {
            requestBody: {
              required: true,
              content: {
                'application/json': {
                  schema: {
                    type: 'object',
                    required: ['name'],
                    additionalProperties: false,
                    properties: { name: { type: 'string' }, secret: { type: 'string', readOnly: true } },
                  },
                },
              },
            },
            responses: {
              '201': {
                description: 'made',
                content: {
                  'application/json': {
                    schema: {
                      type: 'object',
                      properties: {
                        id: { type: 'string', format: 'uuid' },
                        token: { type: 'string', writeOnly: true },
                      },
                    },
                  },
                },
              },
            },
          },
        },
        '/things/{id}': {
          delete: {
            parameters: [
              { in: 'path', name: 'id', required: true, schema: { type: 'string', format: 'uuid' } },
            ],
            responses: { '204': { description: 'gone' } },
          },
        },
      },
    },
  });
  const declared: string[] = [];
  let mock: StrictMock;
  beforeAll(async () => {
    mock = await new StrictMock(new ApiContract('inline', [document]), (_, problems) =>
      problems.filter((p) => !declared.includes(p)),
    ).start();
  });
  afterAll(() => mock.close());

  const send = async (method: string, path: string, init: { body?: unknown; key?: boolean } = {}) => {
    const answer = await fetch(`${mock.origin}${path}`, {
      method,
      headers: {
        ...(init.key === false ? {} : { 'x-key': 'k' }),
        ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
    });
    const text = await answer.text();
    return { status: answer.status, body: text === '' ? undefined : (JSON.parse(text) as unknown) };
  };

  it('answers a documented request with the example, or a body generated from the schema', async () => {
    expect(await send('GET', '/things?kind=a&limit=100')).toEqual({ status: 200, body: { things: ['one'] } });
    // Generated: the uuid format's value; the write-only token is never answered.
    expect(await send('POST', '/things', { body: { name: 'x' } })).toEqual({
      status: 201,
      body: { id: mockId(1) },
    });
    expect(await send('DELETE', `/things/${mockId(3)}`)).toEqual({ status: 204, body: undefined });
    expect(mock.rejections()).toEqual([]);
  });

  it.each([
    ['an unknown path', 'GET', '/nothing?kind=a', {}, 404, 'path: not documented'],
    [
      'an undocumented method',
      'PUT',
      '/things',
      { body: { name: 'x' } },
      405,
      'method PUT: not documented for this path',
    ],
    [
      'a query above its maximum',
      'GET',
      '/things?kind=a&limit=101',
      {},
      400,
      'query limit: maximum must be <= 100',
    ],
    [
      'a query below its minimum',
      'GET',
      '/things?kind=a&limit=0',
      {},
      400,
      'query limit: minimum must be >= 1',
    ],
    ['a query of the wrong type', 'GET', '/things?kind=a&limit=ten', {}, 400, 'query limit: not a number'],
    [
      'a query value outside its enum',
      'GET',
      '/things?kind=c',
      {},
      400,
      'query kind: enum must be equal to one of the allowed values',
    ],
    ['a missing required query parameter', 'GET', '/things', {}, 400, 'query kind: required'],
    [
      'an undocumented query parameter',
      'GET',
      '/things?kind=a&sort=x',
      {},
      400,
      'query sort: not documented',
    ],
    ['a repeated query parameter', 'GET', '/things?kind=a&kind=b', {}, 400, 'query kind: given 2 times'],
    [
      'a malformed path parameter',
      'DELETE',
      '/things/abc',
      {},
      400,
      'path id: format must match format "uuid"',
    ],
    [
      'no credentials',
      'GET',
      '/things?kind=a',
      { key: false },
      400,
      'header: no documented credentials (key)',
    ],
    ['a missing body', 'POST', '/things', {}, 400, 'body: required, none sent'],
    [
      'a missing required field',
      'POST',
      '/things',
      { body: {} },
      400,
      "body / required must have required property 'name'",
    ],
    [
      'an extra field where additionalProperties is false',
      'POST',
      '/things',
      { body: { name: 'x', other: 1 } },
      400,
      'body / additionalProperties must NOT have additional properties',
    ],
    [
      'a read-only field in a request',
      'POST',
      '/things',
      { body: { name: 'x', secret: 's' } },
      400,
      'body /secret false schema boolean schema is false',
    ],
    [
      'a wrongly typed field',
      'POST',
      '/things',
      { body: { name: 1 } },
      400,
      'body /name type must be string',
    ],
    [
      'a body where none is documented',
      'DELETE',
      `/things/${mockId(3)}`,
      { body: {} },
      400,
      'body: the operation documents no request body',
    ],
  ] as const)('refuses %s', async (_, method, path, init, status, problem) => {
    const before = mock.exchanges.length;
    const answer = await send(method, path, init);
    expect(answer.status).toBe(status);
    expect(mock.exchanges.slice(before).flatMap((e) => e.problems)).toContain(problem);
  });

  it('lets a declared deviation through, and only that problem', async () => {
    declared.push('query sort: not documented');
    expect((await send('GET', '/things?kind=a&sort=x')).status).toBe(200);
    expect((await send('GET', '/things?kind=c&sort=x')).status).toBe(400);
  });
});

describe('the documents as read here', () => {
  it('every overlay quotes the document it adds to', () => {
    for (const [file, overlays] of Object.entries(OVERLAYS)) {
      const raw = new OpenApiDocument(file);
      for (const overlay of overlays) {
        const source = nodeAt(raw.root, overlay.source);
        expect(isObject(source) ? String(source.description) : '', `${file}: ${overlay.rule}`).toContain(
          overlay.quote,
        );
        expect(nodeAt(raw.root, overlay.target), `${file}: ${overlay.rule}`).toBeDefined();
      }
    }
  });

  it("reads Teal's 404, declared as applcation/json (sic), as JSON", () => {
    const teal = CONTRACTS.teal.documents[0]!;
    const raw = nodeAt(teal.root, ['components', 'responses', 'ResourceNotFound', 'content']);
    expect(Object.keys(raw as object)).toEqual(['applcation/json']);
    expect(jsonMedia(raw)).toBeDefined();
    expect(
      teal.responseProblems(
        { template: '/users/{user_id}', method: 'DELETE' },
        { status: 404, type: 'application/json', body: '{"errors":"gone"}' },
      ),
    ).toEqual([]);
  });

  it('translates nullable: null passes where the document says nullable, and only there', () => {
    const teal = CONTRACTS.teal.documents[0]!;
    const user = {
      forename: 'Johnathan',
      surname: 'Openson',
      date_of_birth: '1985-11-02T00:00:00.000Z',
      post_codes: ['SW1A 2AA'],
      payroll_period_months: 12,
    };
    expect(teal.request('/users', 'POST', user).errors).toEqual([]);
    expect(teal.request('/users', 'POST', { ...user, ext_id: null }).errors).toEqual([]);
    expect(teal.request('/users', 'POST', { ...user, forename: null }).errors).not.toEqual([]);
    expect(teal.request('/users', 'POST', { ...user, post_codes: [] }).errors).toEqual([
      '/post_codes minItems must NOT have fewer than 1 items',
    ]);
  });

  it('refuses wrongly typed bodies: a Teal create, an Argyle user token without its user', () => {
    const teal = CONTRACTS.teal.documents[0]!;
    expect(teal.request('/users', 'POST', { forename: 42, payroll_period_months: 'twelve' }).valid).toBe(
      false,
    );
    const tokens = CONTRACTS['argyle-v2'].documents[1]!;
    expect(tokens.request('/v2/user-tokens', 'POST', {}).valid).toBe(false);
    expect(tokens.request('/v2/user-tokens', 'POST', { user: 'not-a-uuid' }).valid).toBe(false);
  });

  it("applies Argyle's prose limits: limit at most 200, external_id at most 100 characters, birth_date parts", () => {
    const users = CONTRACTS['argyle-v2'].documents[0]!;
    const located = { template: '/v2/users', method: 'GET', params: {} };
    const request = (query: string) => ({
      method: 'GET',
      path: '/v2/users',
      query,
      headers: { authorization: `Basic ${Buffer.from('a:b').toString('base64')}` },
      body: '',
    });
    expect(users.requestProblems(located, request('limit=200'))).toEqual([]);
    expect(users.requestProblems(located, request('limit=201'))).toEqual([
      'query limit: maximum must be <= 200',
    ]);
    expect(users.request('/v2/users', 'POST', { external_id: 'x'.repeat(101) }).errors).toEqual([
      '/external_id maxLength must NOT have more than 100 characters',
    ]);
    expect(
      users.request('/v2/users/{id}', 'PATCH', { birth_date: { year: 1899, month: 13, day: 0 } }).errors,
    ).toHaveLength(3);
  });

  it('refuses a Teal answer carrying a write-only secret', () => {
    const teal = CONTRACTS.teal.documents[0]!;
    const created = {
      webhook_id: mockId(1),
      name: 'n',
      events: ['user-payroll-submitted'],
      url: 'https://lender.example.com/hook',
      created_at: '2024-01-01T00:00:00.000Z',
    };
    const answer = (body: unknown) => ({ status: 201, type: 'application/json', body: JSON.stringify(body) });
    const at = { template: '/webhooks', method: 'POST' };
    expect(teal.responseProblems(at, answer(created))).toEqual([]);
    expect(teal.responseProblems(at, answer({ ...created, signing_secret: 's' }))).toEqual([
      'body /signing_secret false schema boolean schema is false',
    ]);
  });

  it('every deviation shown against the strict mock is still needed', () => {
    expect(ledger.stale()).toEqual([]);
  });
});

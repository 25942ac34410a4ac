/**
 * The UserService contract (src/testing), run against the Teal adapter with nock (as Teal's
 * documents describe its API), plus Teal's own wire rules in `extra`.
 */
import nock from 'nock';
import { afterAll, describe, expect, it } from 'vitest';
import type {
  ConflictError,
  InvalidInputError,
  OutcomeUnknownError,
  PayrollIdentityError,
} from '../../src/errors.js';
import {
  describeUserServiceContract,
  everyRendering,
  expectNoLeak,
  FAST_RETRY,
  personalValues,
  rejection,
} from '../../src/testing/index.js';
import type { UpdateUserInput } from '../../src/user.js';
import type { UserService } from '../../src/user-service.js';
import {
  API_KEY,
  BEARER_TOKEN,
  closeTealServices,
  createInput,
  ORIGIN,
  REQUIRED_KEYS,
  tealService,
  USER_ID,
  USER_KEYS,
  wireUser,
} from '../providers/teal/fixtures.js';

const updateInput: UpdateUserInput = {
  lastName: 'Smithers',
  externalId: 'applicant-8842',
  email: 'new@example.com',
};
const PERSONAL = [...personalValues(createInput), ...personalValues(updateInput)];

afterAll(closeTealServices);

let shared: UserService | undefined;
const service = () => {
  shared ??= tealService({ retry: FAST_RETRY });
  return shared;
};

/** A user other than {@link USER_ID}: what a confused provider might answer with. */
const OTHER_USER_ID = '7c1e9b40-2d5a-4f3e-8b6c-0a9d8e7f6b52';
const fieldErrorsOf = (e: PayrollIdentityError) => (e as InvalidInputError).fieldErrors;

/** Records what reached Teal for `method path`, replying `reply`. */
function record(
  method: 'get' | 'post' | 'patch' | 'delete',
  path: string,
  reply: { status: number; body?: unknown },
  query?: Record<string, string>,
  origin = ORIGIN,
) {
  const seen: { headers: Record<string, unknown>; body: unknown }[] = [];
  const scope = nock(origin)
    [method](path)
    .query(query ?? {})
    .reply(function (this: { req: { headers: Record<string, unknown> } }, _uri, body) {
      seen.push({ headers: { ...this.req.headers }, body: body === '' ? undefined : body });
      return [
        reply.status,
        reply.body === undefined ? '' : JSON.stringify(reply.body),
        { 'content-type': 'application/json' },
      ];
    });
  return { scope, seen };
}

function page(users: Record<string, unknown>[], offset: number, limit: number, total: number) {
  return { pagination: { offset, limit, count: users.length, total_count: total }, users };
}

describeUserServiceContract('teal', {
  wire: {
    origin: ORIGIN,
    service,
    credentials: [API_KEY],
    authHeader: { name: 'X-API-KEY', value: API_KEY },
    userId: USER_ID,
    createInput,
    updateInput,
    calls: {
      createUser: {
        method: 'POST',
        path: '/users',
        allowedBodyKeys: USER_KEYS,
        requiredBodyKeys: REQUIRED_KEYS,
        reply: { status: 201, body: wireUser() },
      },
      getUser: { method: 'GET', path: `/users/${USER_ID}`, reply: { status: 200, body: wireUser() } },
      updateUser: {
        method: 'PATCH',
        path: `/users/${USER_ID}`,
        allowedBodyKeys: USER_KEYS,
        requiredBodyKeys: ['surname', 'ext_id'],
        reply: { status: 200, body: wireUser({ surname: 'Smithers', ext_id: 'applicant-8842' }) },
      },
      deleteUser: { method: 'DELETE', path: `/users/${USER_ID}`, reply: { status: 204 } },
      listUsers: {
        method: 'GET',
        path: '/users',
        // The first page leaves `offset` out: the reference's own minimum (1) forbids 0.
        query: { limit: '100' },
        reply: { status: 200, body: page([wireUser()], 0, 100, 1) },
      },
      createLinkToken: {
        method: 'POST',
        path: '/user-tokens',
        allowedBodyKeys: ['user_id'],
        requiredBodyKeys: ['user_id'],
        reply: {
          status: 201,
          body: {
            token: 'tok_abcdefghijklmnop',
            webapp_link: 'https://app.goteal.co/x',
            created_at: '2024-03-01T10:00:00.000Z',
          },
        },
      },
    },
    answersAboutAnotherUser: {
      getUser: wireUser({ user_id: OTHER_USER_ID }),
      updateUser: wireUser({ user_id: OTHER_USER_ID, surname: 'Smithers', ext_id: 'applicant-8842' }),
    },
    errors: [
      {
        operation: 'createUser',
        status: 400,
        body: { errors: ['The request is missing the required field `forename`'] },
        code: 'invalid_input',
        check: (e) => {
          expect(Object.keys(e.fieldErrors)).toEqual(['firstName']);
          expect(e.fieldErrors.firstName?.[0]).toContain('`firstName`');
        },
      },
      {
        operation: 'createUser',
        status: 400,
        body: { errors: 'Something is wrong with the request' },
        code: 'invalid_input',
        // A create carries the person's data: Teal's text is kept (redacted), outside the message.
        check: (e) => {
          expect(e.providerMessages).toEqual(['Something is wrong with the request']);
          expect(e.message).not.toContain('Something is wrong');
        },
      },
      {
        operation: 'createUser',
        status: 401,
        body: { errors: 'No X-API-KEY header provided or wrong value' },
        code: 'authentication_failed',
      },
      {
        operation: 'createUser',
        status: 401,
        body: { errors: ['No X-API-KEY header provided or wrong value'] },
        code: 'authentication_failed',
      },
      {
        operation: 'createUser',
        status: 409,
        body: {
          errors: [
            'This user already exists. [Johnathan Smithson] and [john.smithson@example.com] must be a unique combination',
          ],
        },
        code: 'conflict',
        check: (e) => {
          expect(e.retryable).toBe(false);
          const messages = e.providerMessages;
          expect(messages).toHaveLength(1);
          expect(messages[0]).toContain('This user already exists');
          expect(messages[0]).toContain('[REDACTED]');
          expect(messages[0]).not.toMatch(/johnathan|smithson|example\.com/i);
        },
      },
      { operation: 'createUser', status: 429, headers: { 'retry-after': '2' }, code: 'rate_limited' },
      {
        operation: 'getUser',
        status: 400,
        body: { errors: ['Invalid user_id'] },
        code: 'invalid_input',
        check: (e) => expect(Object.keys(e.fieldErrors)).toEqual(['userId']),
      },
      {
        operation: 'getUser',
        status: 401,
        body: { errors: 'No X-API-KEY header provided or wrong value' },
        code: 'authentication_failed',
      },
      {
        operation: 'getUser',
        status: 404,
        body: { errors: `The resource with id [${USER_ID}] does not exist` },
        code: 'not_found',
      },
      {
        operation: 'getUser',
        status: 404,
        body: { errors: [`The resource with id [${USER_ID}] does not exist`] },
        code: 'not_found',
      },
      {
        operation: 'updateUser',
        status: 400,
        body: { errors: ['date_of_birth must be a valid date', 'surname is too long'] },
        code: 'invalid_input',
        check: (e) => expect(Object.keys(e.fieldErrors).sort()).toEqual(['birthDate', 'lastName']),
      },
      {
        operation: 'updateUser',
        status: 401,
        body: { errors: ['No X-API-KEY header provided or wrong value'] },
        code: 'authentication_failed',
      },
      {
        operation: 'updateUser',
        status: 404,
        body: { errors: [`The resource with id [${USER_ID}] does not exist`] },
        code: 'not_found',
      },
      {
        operation: 'deleteUser',
        status: 401,
        body: { errors: 'No X-API-KEY header provided or wrong value' },
        code: 'authentication_failed',
      },
      {
        operation: 'deleteUser',
        status: 404,
        body: { errors: [`The resource with id [${USER_ID}] does not exist`] },
        code: 'not_found',
      },
      {
        operation: 'listUsers',
        status: 400,
        body: { errors: ['limit must be between 1 and 100'] },
        code: 'invalid_input',
      },
      {
        operation: 'listUsers',
        status: 401,
        body: { errors: ['No X-API-KEY header provided or wrong value'] },
        code: 'authentication_failed',
      },
      {
        operation: 'createLinkToken',
        status: 401,
        body: { errors: 'No X-API-KEY header provided or wrong value' },
        code: 'authentication_failed',
      },
      {
        operation: 'createLinkToken',
        status: 404,
        body: { errors: ['The resource with id [x] does not exist'] },
        code: 'not_found',
      },
    ],
    extra: () => {
      describe('teal specifics', () => {
        it('createUser maps every stored field and reports what Teal cannot store', async () => {
          const { scope, seen } = record('post', '/users', { status: 201, body: wireUser() });
          const created = await service().createUser(createInput);
          expect(scope.isDone()).toBe(true);
          expect(seen[0]?.body).toEqual({
            forename: 'Johnathan',
            surname: 'Smithson',
            date_of_birth: '1990-05-17T00:00:00.000Z',
            post_codes: ['SW1A 2AA', 'SW1A 1AA'],
            ni_number: 'QQ123456C',
            ext_id: 'applicant-8841',
            payroll_period_months: 12,
            recurring_checks_enabled: true,
            recurring_check_frequency: 'WEEKLY',
          });
          expect(created.ignoredFields.sort()).toEqual(
            ['address.city', 'address.country', 'address.line1', 'email', 'metadata', 'phone'].sort(),
          );
          expect(created.linkToken).toBeUndefined();
          expect(created.user).toEqual({
            id: USER_ID,
            provider: 'teal',
            createdAt: '2024-03-01T10:00:00.000Z',
            firstName: 'Johnathan',
            lastName: 'Smithson',
            birthDate: '1990-05-17',
            address: { postalCode: 'SW1A 2AA' },
            previousPostalCodes: ['SW1A 1AA'],
            nationalId: { type: 'ni_number', value: 'QQ123456C' },
            externalId: 'applicant-8841',
            providerData: {
              payrollPeriodMonths: 12,
              recurringChecks: { enabled: true, frequency: 'WEEKLY' },
            },
          });
        });

        it('409: conflict, sent exactly once, Teal message kept without the echoed personal data', async () => {
          let calls = 0;
          nock(ORIGIN)
            .post('/users')
            .times(3)
            .reply(() => {
              calls += 1;
              return [
                409,
                JSON.stringify({
                  errors: [
                    'This user already exists. [Johnathan Smithson] and [john.smithson@example.com] must be a unique combination',
                  ],
                }),
                { 'content-type': 'application/json' },
              ];
            });
          const error = await rejection(() => service().createUser(createInput));
          expect(error.code).toBe('conflict');
          expect(error.retryable).toBe(false);
          expect(calls).toBe(1);
          expect((error as ConflictError).providerMessages[0]).toMatch(/^This user already exists\./);
          // The message never quotes the provider; Teal's words are in providerMessages only.
          expect(error.message).not.toContain('This user already exists');
          expect(JSON.stringify(error)).toContain('This user already exists');
          expectNoLeak(error, [...PERSONAL, 'Johnathan Smithson', API_KEY]);
        });

        it('a 5xx to a create is never replayed: outcome_unknown naming the externalId only', async () => {
          let calls = 0;
          nock(ORIGIN)
            .post('/users')
            .times(3)
            .reply(() => {
              calls += 1;
              return [503, '', {}];
            });
          const error = await rejection(() => service().createUser(createInput));
          expect(error.code).toBe('outcome_unknown');
          expect(calls).toBe(1);
          expect((error as OutcomeUnknownError).reconciliation.externalId).toBe('applicant-8841');
          expectNoLeak(
            error,
            PERSONAL.filter((v) => v !== 'applicant-8841'),
          );
        });

        it('a 200 with a valid CreatedUser on create is a created user; another 2xx is outcome_unknown', async () => {
          // A user was created either way: refusing the 200 would invite a second create.
          record('post', '/users', { status: 200, body: wireUser() });
          const { user } = await service().createUser(createInput);
          expect(user.id).toBe(USER_ID);
          record('post', '/users', { status: 202, body: wireUser() });
          const error = await rejection(() => service().createUser(createInput));
          expect(error.code).toBe('outcome_unknown');
          expect((error as OutcomeUnknownError).reconciliation.externalId).toBe('applicant-8841');
        });

        it('a CreatedUser without user_id or with a bad date_of_birth is unexpected_response', async () => {
          record('get', `/users/${USER_ID}`, { status: 200, body: wireUser({ user_id: undefined }) });
          expect((await rejection(() => service().getUser(USER_ID))).code).toBe('unexpected_response');
          record('get', `/users/${USER_ID}`, {
            status: 200,
            body: wireUser({ date_of_birth: '17/05/1990' }),
          });
          const error = await rejection(() => service().getUser(USER_ID));
          expect(error.code).toBe('unexpected_response');
          expect(everyRendering(error)).not.toContain('17/05/1990');
        });

        it('unknown extra fields and nulls on unset fields are read (tolerant reader)', async () => {
          record('get', `/users/${USER_ID}`, {
            status: 200,
            body: wireUser({
              ni_number: null,
              ext_id: null,
              recurring_check_frequency: null,
              future_field: { a: 1 },
            }),
          });
          const user = await service().getUser(USER_ID);
          expect(user.nationalId).toBeUndefined();
          expect(user.externalId).toBeUndefined();
          // Undocumented fields are kept, as sent, under unknownFields.
          expect(user.providerData).toEqual({
            payrollPeriodMonths: 12,
            recurringChecks: { enabled: true },
            unknownFields: { future_field: { a: 1 } },
          });
        });

        it('payrollPeriodMonths missing in the call and the defaults → invalid_input, no request', async () => {
          const bare = tealService({ defaults: undefined });
          expect(bare.capabilities.requiredOnCreate).toContain('providerOptions.teal.payrollPeriodMonths');
          const error = await rejection(() => bare.createUser(createInput));
          expect(error.code).toBe('invalid_input');
          expect(Object.keys(fieldErrorsOf(error))).toEqual(['providerOptions.teal.payrollPeriodMonths']);
          expectNoLeak(error, [...PERSONAL, API_KEY]);
          expect(nock.pendingMocks()).toEqual([]);
        });

        it('the required fields are checked before any request, by neutral name', async () => {
          const error = await rejection(() =>
            service().createUser({ email: 'a@example.com', address: { city: 'Leeds' } }),
          );
          expect(error.code).toBe('invalid_input');
          expect(Object.keys(fieldErrorsOf(error)).sort()).toEqual(
            ['address.postalCode', 'birthDate', 'firstName', 'lastName'].sort(),
          );
        });

        it('a previous post code alone satisfies "at least one post code"', async () => {
          const { seen } = record('post', '/users', {
            status: 201,
            body: wireUser({ post_codes: ['SW1A 1AA'] }),
          });
          const { address: _a, ...rest } = createInput;
          await service().createUser({ ...rest, previousPostalCodes: ['SW1A 1AA', 'sw1a1aa'] });
          expect(seen[0]?.body).toMatchObject({ post_codes: ['SW1A 1AA'] });
        });

        it('providerOptions.teal overrides the tenant defaults field by field', async () => {
          const svc = tealService({
            defaults: {
              payrollPeriodMonths: 12,
              payslipUploadEnabled: false,
              recurringChecks: { frequency: 'DAILY' },
            },
          });
          const { seen } = record('post', '/users', { status: 201, body: wireUser() });
          await svc.createUser({
            ...createInput,
            providerOptions: {
              teal: {
                payrollPeriodMonths: 6,
                recurringChecks: { enabled: true, endDate: '2025-03-30' },
                payrollConnectionsEnabled: true,
              },
              argyle: { items: ['item_1'] },
            },
          });
          expect(seen[0]?.body).toMatchObject({
            payroll_period_months: 6,
            payslip_upload_enabled: false,
            payroll_connections_enabled: true,
            recurring_checks_enabled: true,
            recurring_check_frequency: 'DAILY',
            recurring_check_end_date: '2025-03-30T00:00:00.000Z',
          });
        });

        it('an unknown or invalid providerOptions.teal key → invalid_input under its neutral path', async () => {
          const error = await rejection(() =>
            service().createUser({
              ...createInput,
              email: 'bad',
              providerOptions: {
                teal: { payrollPeriodMonths: 0, recurringChecks: { frequency: 'weekly' }, colour: 'red' },
              },
            }),
          );
          expect(error.code).toBe('invalid_input');
          expect(Object.keys(fieldErrorsOf(error)).sort()).toEqual(
            [
              'email',
              'providerOptions.teal.colour',
              'providerOptions.teal.payrollPeriodMonths',
              'providerOptions.teal.recurringChecks.frequency',
            ].sort(),
          );
        });

        it("unsupportedFields: 'reject' refuses email, phone, metadata, an SSN before any request", async () => {
          const strict = tealService({ unsupportedFields: 'reject' });
          const error = await rejection(() =>
            strict.createUser({
              ...createInput,
              address: { postalCode: 'SW1A 2AA' },
              nationalId: { type: 'ssn', value: '123-45-6789' },
            }),
          );
          expect(error.code).toBe('invalid_input');
          expect(Object.keys(fieldErrorsOf(error)).sort()).toEqual([
            'email',
            'metadata',
            'nationalId',
            'phone',
          ]);
          expectNoLeak(error, [...PERSONAL, '123-45-6789']);
        });

        it('an SSN is dropped (never sent) and named in ignoredFields', async () => {
          const { seen } = record('post', '/users', {
            status: 201,
            body: wireUser({ ni_number: undefined }),
          });
          const created = await service().createUser({
            ...createInput,
            nationalId: { type: 'ssn', value: '123-45-6789' },
          });
          expect(created.ignoredFields).toContain('nationalId');
          expect(JSON.stringify(seen[0]?.body)).not.toContain('123');
          expect(seen[0]?.body).not.toHaveProperty('ni_number');
        });

        it('updateUser: null clears ni_number and ext_id; per-user settings can be unset', async () => {
          const { seen } = record('patch', `/users/${USER_ID}`, {
            status: 200,
            body: wireUser({ ni_number: null, ext_id: null }),
          });
          const updated = await service().updateUser(USER_ID, {
            nationalId: null,
            externalId: null,
            phone: null,
            providerOptions: { teal: { recurringChecks: { frequency: null }, payslipUploadEnabled: true } },
          });
          expect(seen[0]?.body).toEqual({
            ni_number: null,
            ext_id: null,
            recurring_check_frequency: null,
            payslip_upload_enabled: true,
          });
          expect(updated.ignoredFields).toEqual(['phone']);
          expect(updated.user.nationalId).toBeUndefined();
        });

        it('updateUser: the tenant defaults are not re-sent', async () => {
          const { seen } = record('patch', `/users/${USER_ID}`, { status: 200, body: wireUser() });
          await service().updateUser(USER_ID, { firstName: 'Jon' });
          expect(seen[0]?.body).toEqual({ forename: 'Jon' });
        });

        it('updateUser: a field Teal requires cannot be cleared; post codes go as one list', async () => {
          const cleared = await rejection(() =>
            service().updateUser(USER_ID, { firstName: null, birthDate: null, address: null }),
          );
          expect(cleared.code).toBe('invalid_input');
          expect(Object.keys(fieldErrorsOf(cleared)).sort()).toEqual(['address', 'birthDate', 'firstName']);
          const partial = await rejection(() =>
            service().updateUser(USER_ID, { address: { postalCode: 'SW1A 2AA' } }),
          );
          expect(Object.keys(fieldErrorsOf(partial))).toEqual(['previousPostalCodes']);
          const onlyPrevious = await rejection(() =>
            service().updateUser(USER_ID, { previousPostalCodes: ['SW1A 1AA'] }),
          );
          expect(Object.keys(fieldErrorsOf(onlyPrevious))).toEqual(['address.postalCode']);

          const { seen } = record('patch', `/users/${USER_ID}`, {
            status: 200,
            body: wireUser({ post_codes: ['SW1A 2AA'] }),
          });
          await service().updateUser(USER_ID, {
            address: { postalCode: 'SW1A 2AA' },
            previousPostalCodes: null,
          });
          expect(seen[0]?.body).toEqual({ post_codes: ['SW1A 2AA'] });
        });

        it('updateUser with nothing Teal stores sends no PATCH: it reads the user', async () => {
          const { scope } = record('get', `/users/${USER_ID}`, { status: 200, body: wireUser() });
          const updated = await service().updateUser(USER_ID, { email: 'new@example.com' });
          expect(scope.isDone()).toBe(true);
          expect(updated).toEqual({
            user: expect.objectContaining({ id: USER_ID }),
            ignoredFields: ['email'],
          });
        });

        it('deleteUser: a body on the 204 is tolerated, and so is a 200', async () => {
          nock(ORIGIN)
            .delete(`/users/${USER_ID}`)
            .reply(204, JSON.stringify({ message: 'User deleted' }));
          await expect(service().deleteUser(USER_ID)).resolves.toBeUndefined();
          nock(ORIGIN)
            .delete(`/users/${USER_ID}`)
            .reply(200, JSON.stringify({ message: 'User deleted' }));
          await expect(service().deleteUser(USER_ID)).resolves.toBeUndefined();
        });

        it('listUsers walks offset/limit pages until total_count is reached', async () => {
          const users = [1, 2, 3, 4, 5].map((n) => wireUser({ user_id: `user-${n}`, ext_id: `ext-${n}` }));
          const pages = [
            record('get', '/users', { status: 200, body: page(users.slice(0, 2), 0, 2, 5) }, { limit: '2' }),
            record(
              'get',
              '/users',
              { status: 200, body: page(users.slice(2, 4), 2, 2, 5) },
              { offset: '2', limit: '2' },
            ),
            record(
              'get',
              '/users',
              { status: 200, body: page(users.slice(4), 4, 2, 5) },
              { offset: '4', limit: '2' },
            ),
          ];
          const ids: string[] = [];
          for await (const u of service().listUsers({ pageSize: 2 })) ids.push(u.id);
          expect(ids).toEqual(['user-1', 'user-2', 'user-3', 'user-4', 'user-5']);
          for (const p of pages) {
            expect(p.scope.isDone()).toBe(true);
            expect(p.seen).toHaveLength(1);
            expect(p.seen[0]?.headers['x-api-key']).toBe(API_KEY);
          }
        });

        it('listUsers stops on an empty page even if total_count says more; pageSize is capped at 100', async () => {
          record('get', '/users', { status: 200, body: page([wireUser()], 0, 100, 50) }, { limit: '100' });
          const last = record(
            'get',
            '/users',
            { status: 200, body: page([], 1, 100, 50) },
            { offset: '1', limit: '100' },
          );
          const ids: string[] = [];
          for await (const u of service().listUsers({ pageSize: 500 })) ids.push(u.id);
          expect(ids).toEqual([USER_ID]);
          expect(last.scope.isDone()).toBe(true);
        });

        it('listUsers filters by externalId client-side (Teal documents no list filter)', async () => {
          const users = [
            wireUser({ user_id: 'a', ext_id: 'x-1' }),
            wireUser({ user_id: 'b', ext_id: 'x-2' }),
          ];
          record('get', '/users', { status: 200, body: page(users, 0, 100, 2) }, { limit: '100' });
          const ids: string[] = [];
          for await (const u of service().listUsers({ externalId: 'x-2' })) ids.push(u.id);
          expect(ids).toEqual(['b']);
        });

        it('createLinkToken: POST /user-tokens {user_id} → { token, url: webapp_link, createdAt }', async () => {
          const { seen } = record('post', '/user-tokens', {
            status: 201,
            body: {
              token: 'tok_abcdefghijklmnop',
              webapp_link: 'https://app.goteal.co/x',
              created_at: '2024-03-01T10:00:00.000Z',
            },
          });
          const token = await service().createLinkToken(USER_ID);
          expect(seen[0]?.body).toEqual({ user_id: USER_ID });
          expect(token).toEqual({
            token: 'tok_abcdefghijklmnop',
            url: 'https://app.goteal.co/x',
            createdAt: '2024-03-01T10:00:00.000Z',
          });
        });

        it('bearer-token tenants send Authorization: Bearer and no X-API-KEY', async () => {
          const bearer = tealService({ credentials: { bearerToken: BEARER_TOKEN } });
          const create = record('post', '/users', { status: 201, body: wireUser() });
          const get = record('get', `/users/${USER_ID}`, { status: 200, body: wireUser() });
          await bearer.createUser(createInput);
          await bearer.getUser(USER_ID);
          for (const { seen } of [create, get]) {
            expect(seen[0]?.headers.authorization).toBe(`Bearer ${BEARER_TOKEN}`);
            expect(seen[0]?.headers).not.toHaveProperty('x-api-key');
          }
          record('get', `/users/${USER_ID}`, {
            status: 401,
            body: { errors: `Bearer ${BEARER_TOKEN} is not valid` },
          });
          const error = await rejection(() => bearer.getUser(USER_ID));
          expect(error.code).toBe('authentication_failed');
          expectNoLeak(error, [BEARER_TOKEN]);
        });

        it('without baseUrl a tenant talks to the documented host for its environment', async () => {
          const sandbox = record(
            'get',
            `/users/${USER_ID}`,
            { status: 200, body: wireUser() },
            undefined,
            'https://api.sandbox.goteal.co',
          );
          await tealService({ baseUrl: undefined }).getUser(USER_ID);
          expect(sandbox.scope.isDone()).toBe(true);
          const production = record(
            'get',
            `/users/${USER_ID}`,
            { status: 200, body: wireUser() },
            undefined,
            'https://api.goteal.co',
          );
          await tealService({ baseUrl: undefined, environment: 'production' }).getUser(USER_ID);
          expect(production.scope.isDone()).toBe(true);
        });

        it('credentials must be exactly one of apiKey or bearerToken; no value is echoed', () => {
          const both = (() => {
            try {
              tealService({ credentials: { apiKey: API_KEY, bearerToken: BEARER_TOKEN } });
            } catch (e) {
              return e as PayrollIdentityError;
            }
            throw new Error('expected invalid_configuration');
          })();
          expect(both.code).toBe('invalid_configuration');
          expect(both.message).toContain('exactly one of apiKey or bearerToken');
          expectNoLeak(both, [API_KEY, BEARER_TOKEN]);
          expect(() => tealService({ credentials: {} })).toThrow(/apiKey .*or bearerToken/);
          expect(() => tealService({ credentials: { apiKey: '  ' } })).toThrow(/apiKey must not be empty/);
          expect(() => tealService({ defaults: { payrollPeriodMonths: -1 } })).toThrow(
            /defaults\.payrollPeriodMonths/,
          );
        });

        it('capabilities describe Teal', () => {
          const caps = service().capabilities;
          expect(caps.requiredOnCreate).toEqual(['firstName', 'lastName', 'birthDate', 'address.postalCode']);
          expect(caps.maxPageSize).toBe(100);
          expect(caps.linkTokenOnCreate).toBe(false);
          expect(Object.values(caps.operations).every(Boolean)).toBe(true);
          expect(caps.createFields).not.toContain('email');
        });
      });
    },
  },
});

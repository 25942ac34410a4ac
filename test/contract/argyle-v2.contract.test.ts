/**
 * The shared UserService contract on an Argyle API v2 tenant (nock), plus Argyle's own wire rules:
 * exact bodies, ignored/rejected fields, cursor pagination that never follows `next`, limit ≤ 200.
 */
import nock from 'nock';
import { describe, expect, it } from 'vitest';
import type { InvalidInputError, PayrollIdentityError } from '../../src/errors.js';
import {
  describeUserServiceContract,
  expectNoLeak,
  FAST_RETRY,
  personalValues,
  rejection,
} from '../../src/testing/index.js';
import type { User } from '../../src/user.js';
import {
  AUTH_HEADER,
  argyleService,
  CREDENTIALS,
  createBodyV2,
  createInputV2,
  fakeJwt,
  ORIGIN,
  OTHER_ID,
  SEED_V2_BODY_KEYS,
  USER_ID,
  wireUserV2,
} from '../providers/argyle/fixtures.js';

const updateInput = {
  email: 'sarah.new@example.com',
  phone: '+14155550199',
  metadata: { loanStage: 'stage-three' },
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

const fieldErrorsOf = (e: PayrollIdentityError) => (e as InvalidInputError).fieldErrors;

async function collect(iterable: AsyncIterable<User>): Promise<User[]> {
  const out: User[] = [];
  for await (const u of iterable) out.push(u);
  return out;
}

/** Captures request bodies for one interceptor. */
function capture(bodies: unknown[]) {
  return (body: unknown) => {
    bodies.push(body);
    return true;
  };
}

describeUserServiceContract('argyle (API v2)', {
  wire: {
    origin: ORIGIN,
    service: () => argyleService({ retry: FAST_RETRY }),
    credentials: [CREDENTIALS.apiKeyId, CREDENTIALS.apiKeySecret],
    authHeader: { name: 'Authorization', value: AUTH_HEADER },
    userId: USER_ID,
    createInput: createInputV2,
    updateInput,
    calls: {
      createUser: {
        method: 'POST',
        path: '/v2/users',
        allowedBodyKeys: SEED_V2_BODY_KEYS,
        requiredBodyKeys: SEED_V2_BODY_KEYS,
        reply: { status: 200, body: { user_token: fakeJwt(), id: USER_ID } },
      },
      getUser: { method: 'GET', path: `/v2/users/${USER_ID}`, reply: { status: 200, body: wireUserV2() } },
      updateUser: {
        method: 'PATCH',
        path: `/v2/users/${USER_ID}`,
        allowedBodyKeys: SEED_V2_BODY_KEYS,
        requiredBodyKeys: ['email', 'phone_number', 'external_metadata'],
        reply: { status: 200, body: wireUserV2({ email: 'sarah.new@example.com' }) },
      },
      deleteUser: { method: 'DELETE', path: `/v2/users/${USER_ID}`, reply: { status: 204 } },
      listUsers: {
        method: 'GET',
        path: '/v2/users',
        query: { limit: '200' },
        reply: { status: 200, body: { next: null, previous: null, results: [wireUserV2()] } },
      },
      createLinkToken: {
        method: 'POST',
        path: '/v2/user-tokens',
        allowedBodyKeys: ['user'],
        requiredBodyKeys: ['user'],
        reply: { status: 200, body: { user_token: fakeJwt() } },
      },
    },
    answersAboutAnotherUser: {
      getUser: wireUserV2({ id: OTHER_ID }),
      updateUser: wireUserV2({ id: OTHER_ID, email: 'sarah.new@example.com' }),
    },
    errors: [
      {
        operation: 'createUser',
        status: 400,
        body: { email: ['Enter a valid email address.'] },
        code: 'invalid_input',
        check: (e) => expect(e.fieldErrors).toEqual({ email: ['Enter a valid email address.'] }),
      },
      {
        operation: 'createUser',
        status: 400,
        body: {
          phone_number: ['Enter a valid phone number.'],
          birth_date: { year: ['Ensure this value is greater than or equal to 1900.'] },
        },
        code: 'invalid_input',
        check: (e) => expect(Object.keys(e.fieldErrors).sort()).toEqual(['birthDate', 'phone']),
      },
      {
        operation: 'createUser',
        status: 400,
        // Argyle echoing the value it refused: the value must not survive into the error.
        body: {
          email: ['sarah.longfield@example.com is not valid.'],
          'birth_date.year': ['Invalid.'],
          address: { postal_code: ['Invalid.'] },
        },
        code: 'invalid_input',
        check: (e) => {
          expect(Object.keys(e.fieldErrors).sort()).toEqual(['address.postalCode', 'birthDate', 'email']);
          expect(e.fieldErrors.email?.[0]).toContain('[REDACTED]');
        },
      },
      {
        operation: 'updateUser',
        status: 400,
        body: { phone_number: ['Enter a valid phone number.'] },
        code: 'invalid_input',
        check: (e) => expect(e.fieldErrors).toEqual({ phone: ['Enter a valid phone number.'] }),
      },
      { operation: 'createUser', status: 400, body: '<html>Bad Request</html>', code: 'invalid_input' },
      { operation: 'createUser', status: 400, body: ['Something went wrong.'], code: 'invalid_input' },
      {
        operation: 'listUsers',
        status: 400,
        body: { limit: ['Ensure this value is less than or equal to 200.'] },
        code: 'invalid_input',
        check: (e) => expect(Object.keys(e.fieldErrors)).toEqual(['pageSize']),
      },
      {
        operation: 'createUser',
        status: 401,
        body: { detail: 'Invalid username/password.' },
        code: 'authentication_failed',
        // A create carries the person's data: Argyle's text is kept (redacted), outside the message.
        check: (e) => {
          expect(e.providerMessages).toEqual(['Invalid username/password.']);
          expect(e.message).not.toContain('Invalid username');
        },
      },
      {
        operation: 'getUser',
        status: 401,
        body: { detail: 'Invalid environment.' },
        code: 'authentication_failed',
        // A get carries nothing to redact the provider's text against: it is dropped.
        check: (e) => expect(e.providerMessages).toEqual([]),
      },
      {
        operation: 'listUsers',
        status: 401,
        body: { detail: 'Invalid username/password.' },
        code: 'authentication_failed',
      },
      { operation: 'createLinkToken', status: 401, code: 'authentication_failed' },
      { operation: 'deleteUser', status: 403, body: { detail: 'Forbidden.' }, code: 'authentication_failed' },
      { operation: 'getUser', status: 404, body: { detail: 'Not found.' }, code: 'not_found' },
      { operation: 'updateUser', status: 404, body: { detail: 'Not found.' }, code: 'not_found' },
      { operation: 'deleteUser', status: 404, code: 'not_found' },
      { operation: 'createLinkToken', status: 404, body: '<html>Not Found</html>', code: 'not_found' },
      {
        operation: 'createUser',
        status: 429,
        headers: { 'Retry-After': '7' },
        body: { detail: 'Request was throttled.' },
        code: 'rate_limited',
        check: (e) => expect(e.retryAfterMs).toBe(7000),
      },
      {
        operation: 'listUsers',
        status: 429,
        code: 'rate_limited',
        check: (e) => expect(e.retryAfterMs).toBeUndefined(),
      },
      {
        operation: 'getUser',
        status: 429,
        headers: { 'Retry-After': new Date(Date.now() + 60_000).toUTCString() },
        code: 'rate_limited',
        check: (e) => expect(e.retryAfterMs).toBeGreaterThan(0),
      },
      { operation: 'updateUser', status: 503, body: 'Service Unavailable', code: 'provider_unavailable' },
      // A 5xx to a create may follow a write: never replayed, the outcome is unknown.
      { operation: 'createUser', status: 504, code: 'outcome_unknown' },
    ],
    extra: () => {
      describe('argyle v2 wire details', () => {
        it('createUser sends the documented body and returns the user, its link token and no ignored fields', async () => {
          const bodies: unknown[] = [];
          const scope = nock(ORIGIN)
            .post('/v2/users', capture(bodies))
            .reply(200, { user_token: fakeJwt(), id: USER_ID });
          const created = await argyleService().createUser(createInputV2);
          expect(scope.isDone()).toBe(true);
          // The caller's metadata, plus this call's create marker (it has an externalId to reconcile by).
          expect(bodies[0]).toEqual({
            ...createBodyV2,
            external_metadata: {
              ...createBodyV2.external_metadata,
              payroll_identity: { create_nonce: expect.stringMatching(UUID) },
            },
          });
          expect(created.ignoredFields).toEqual([]);
          expect(created.linkToken).toEqual({ token: fakeJwt(), expiresAt: '2023-03-09T05:59:03.000Z' });
          const { providerOptions: _p, ...profile } = createInputV2;
          expect(created.user).toEqual({ id: USER_ID, provider: 'argyle', ...profile });
        });

        it('createUser drops what Argyle cannot hold and names it in ignoredFields', async () => {
          const bodies: unknown[] = [];
          nock(ORIGIN).post('/v2/users', capture(bodies)).reply(200, { user_token: fakeJwt(), id: USER_ID });
          const created = await argyleService().createUser({
            firstName: 'Sarah',
            previousPostalCodes: ['62702'],
            nationalId: { type: 'ni_number', value: 'QQ123456C' },
          });
          expect(created.ignoredFields).toEqual(['previousPostalCodes', 'nationalId']);
          expect(bodies[0]).toEqual({ first_name: 'Sarah' });
          expect(JSON.stringify(bodies[0])).not.toContain('QQ123456C');
          expect(created.user.nationalId).toBeUndefined();
        });

        it('unsupportedFields "reject": invalid_input naming each field, before any request', async () => {
          const error = await rejection(() =>
            argyleService({ unsupportedFields: 'reject' }).createUser({
              firstName: 'Sarah',
              previousPostalCodes: ['62702'],
              nationalId: { type: 'ni_number', value: 'QQ123456C' },
            }),
          );
          expect(error.code).toBe('invalid_input');
          expect(Object.keys(fieldErrorsOf(error))).toEqual(['previousPostalCodes', 'nationalId']);
          expectNoLeak(error, ['QQ123456C', '62702']);
          expect(nock.pendingMocks()).toEqual([]);
        });

        it('tenant defaults supply open_banking; a per-call openBanking replaces them whole', async () => {
          const bodies: unknown[] = [];
          nock(ORIGIN)
            .post('/v2/users', capture(bodies))
            .times(2)
            .reply(200, { user_token: fakeJwt(), id: USER_ID });
          const service = argyleService({
            defaults: { openBanking: { name: 'Default Lender', zip: '10001' } },
          });
          await service.createUser({ firstName: 'Sarah' });
          await service.createUser({
            firstName: 'Sarah',
            providerOptions: { argyle: { openBanking: { name: 'Other Lender' } } },
          });
          expect(bodies[0]).toEqual({
            first_name: 'Sarah',
            open_banking: { end_user: { name: 'Default Lender', zip: '10001' } },
          });
          expect(bodies[1]).toEqual({
            first_name: 'Sarah',
            open_banking: { end_user: { name: 'Other Lender' } },
          });
        });

        it('openBanking phone must be 10 or 11 digits; unknown options are refused', async () => {
          for (const phone of ['415-555-010', '4155550100123', '+14155550100', '415--555-0100']) {
            const error = await rejection(() =>
              argyleService().createUser({ providerOptions: { argyle: { openBanking: { phone } } } }),
            );
            expect(error.code).toBe('invalid_input');
            expect(Object.keys(fieldErrorsOf(error))).toEqual(['providerOptions.argyle.openBanking.phone']);
          }
          const unknown = await rejection(() =>
            argyleService().createUser({ providerOptions: { argyle: { lender: 'x' } } }),
          );
          expect(Object.keys(fieldErrorsOf(unknown))).toEqual(['providerOptions.argyle.lender']);
          expect(nock.pendingMocks()).toEqual([]);
        });

        it('updateUser sends only the changed fields; null is refused (Argyle cannot clear a field)', async () => {
          const bodies: unknown[] = [];
          nock(ORIGIN).patch(`/v2/users/${USER_ID}`, capture(bodies)).reply(200, wireUserV2());
          const updated = await argyleService({
            defaults: { openBanking: { name: 'Default Lender' } },
          }).updateUser(USER_ID, {
            birthDate: '1985-12-01',
            address: { postalCode: '10001' },
          });
          expect(bodies[0]).toEqual({
            birth_date: { year: 1985, month: 12, day: 1 },
            address: { postal_code: '10001' },
          });
          expect(updated.ignoredFields).toEqual([]);

          const error = await rejection(() =>
            argyleService().updateUser(USER_ID, { email: null, firstName: 'Sarah' }),
          );
          expect(error.code).toBe('invalid_input');
          expect(Object.keys(fieldErrorsOf(error))).toEqual(['email']);
        });

        it('getUser: null fields are absent, connections surface, a full birth date and SSN map back', async () => {
          nock(ORIGIN)
            .get(`/v2/users/${USER_ID}`)
            .reply(
              200,
              wireUserV2({
                ssn: '123-45-6789',
                birth_date: { year: 1990, month: 5, day: 17 },
                address: { city: 'Springfield', line1: null, postal_code: '62701', surprise: 1 },
                extra_field: true,
              }),
            );
          const user = await argyleService().getUser(USER_ID);
          expect(user).toEqual({
            id: USER_ID,
            provider: 'argyle',
            createdAt: '2023-01-30T22:25:38.971Z',
            firstName: 'Sarah',
            lastName: 'Longfield',
            email: 'sarah.longfield@example.com',
            phone: '+14155550123',
            birthDate: '1990-05-17',
            address: { city: 'Springfield', postalCode: '62701' },
            nationalId: { type: 'ssn', value: '123-45-6789' },
            externalId: 'applicant-8841',
            metadata: { notes: 'In stage 3 of loan approval.' },
            connections: { items: ['item_123456789'], employers: ['Whole Goods'] },
          });
        });

        it('a documented field of the wrong type, or an id unsafe for a path, is unexpected_response (a create: outcome_unknown)', async () => {
          nock(ORIGIN)
            .get(`/v2/users/${USER_ID}`)
            .reply(200, wireUserV2({ email: 42 }));
          expect((await rejection(() => argyleService().getUser(USER_ID))).code).toBe('unexpected_response');
          // A 200 to a create that cannot be read: the user most likely exists, so it is not reported
          // as a plain failure (no externalId, nothing to look up: outcome_unknown).
          nock(ORIGIN).post('/v2/users').reply(200, { user_token: fakeJwt(), id: '../admin' });
          expect((await rejection(() => argyleService().createUser({ firstName: 'Sarah' }))).code).toBe(
            'outcome_unknown',
          );
        });

        it('an undocumented 2xx status is unexpected_response (get 201, delete 200)', async () => {
          nock(ORIGIN).get(`/v2/users/${USER_ID}`).reply(201, wireUserV2());
          expect((await rejection(() => argyleService().getUser(USER_ID))).code).toBe('unexpected_response');
          nock(ORIGIN).delete(`/v2/users/${USER_ID}`).reply(200, {});
          expect((await rejection(() => argyleService().deleteUser(USER_ID))).code).toBe(
            'unexpected_response',
          );
        });

        it('createLinkToken sends {"user": id} and returns the user_token', async () => {
          const bodies: unknown[] = [];
          nock(ORIGIN)
            .post('/v2/user-tokens', capture(bodies))
            .reply(200, { user_token: 'opaque-token-value' });
          expect(await argyleService().createLinkToken(USER_ID)).toEqual({ token: 'opaque-token-value' });
          expect(bodies[0]).toEqual({ user: USER_ID });
        });

        it('listUsers follows the cursor across pages, resending limit and external_id to the base URL', async () => {
          const scope = nock(ORIGIN)
            .get('/v2/users')
            .query({ limit: '50', external_id: 'applicant-8841' })
            .reply(200, {
              next: `${ORIGIN}/v2/users?cursor=Y3Vyc29yLTE&limit=50`,
              previous: null,
              results: [wireUserV2()],
            })
            .get('/v2/users')
            .query({ limit: '50', external_id: 'applicant-8841', cursor: 'Y3Vyc29yLTE' })
            .reply(200, {
              next: `${ORIGIN}/v2/users?cursor=Y3Vyc29yLTI`,
              previous: `${ORIGIN}/v2/users?cursor=Y3Vyc29yLTA`,
              results: [wireUserV2({ id: OTHER_ID })],
            })
            .get('/v2/users')
            .query({ limit: '50', external_id: 'applicant-8841', cursor: 'Y3Vyc29yLTI' })
            .reply(200, { next: null, previous: null, results: [] });
          const users = await collect(
            argyleService().listUsers({ externalId: 'applicant-8841', pageSize: 50 }),
          );
          expect(users.map((u) => u.id)).toEqual([USER_ID, OTHER_ID]);
          expect(scope.isDone()).toBe(true);
        });

        it('listUsers never requests a `next` URL on another host: only its cursor goes to the base URL', async () => {
          const elsewhere = nock('https://attacker.example')
            .get(/.*/)
            .reply(200, { next: null, previous: null, results: [] });
          const scope = nock(ORIGIN)
            .get('/v2/users')
            .query({ limit: '200' })
            .reply(200, {
              next: 'https://attacker.example/v2/users?cursor=c2Vjb25k',
              previous: null,
              results: [wireUserV2()],
            })
            .get('/v2/users')
            .query({ limit: '200', cursor: 'c2Vjb25k' })
            .matchHeader('authorization', AUTH_HEADER)
            .reply(200, { next: null, previous: null, results: [wireUserV2({ id: OTHER_ID })] });
          const users = await collect(argyleService().listUsers());
          expect(users.map((u) => u.id)).toEqual([USER_ID, OTHER_ID]);
          expect(scope.isDone()).toBe(true);
          expect(elsewhere.isDone(), 'no request reached the other host').toBe(false);
        });

        it('listUsers asks for at most 200 per page', async () => {
          for (const [pageSize, limit] of [
            [500, '200'],
            [200, '200'],
            [1, '1'],
          ] as const) {
            const scope = nock(ORIGIN)
              .get('/v2/users')
              .query({ limit })
              .reply(200, { next: null, previous: null, results: [] });
            await collect(argyleService().listUsers({ pageSize }));
            expect(scope.isDone(), `pageSize ${pageSize} → limit ${limit}`).toBe(true);
          }
          const error = await rejection(() => collect(argyleService().listUsers({ pageSize: 0 })));
          expect(error.code).toBe('invalid_input');
        });

        it('listUsers: a `next` that is not a URL with a cursor, or a repeated cursor, is unexpected_response', async () => {
          for (const next of ['not a url', `${ORIGIN}/v2/users?page=2`, '/v2/users?cursor=relative']) {
            nock(ORIGIN)
              .get('/v2/users')
              .query({ limit: '200' })
              .reply(200, { next, previous: null, results: [] });
            const error = await rejection(() => collect(argyleService().listUsers()));
            expect(error.code, next).toBe('unexpected_response');
          }
          nock(ORIGIN)
            .get('/v2/users')
            .query({ limit: '200' })
            .reply(200, { next: `${ORIGIN}/v2/users?cursor=c2FtZQ`, results: [] })
            .get('/v2/users')
            .query({ limit: '200', cursor: 'c2FtZQ' })
            .reply(200, { next: `${ORIGIN}/v2/users?cursor=c2FtZQ`, results: [] });
          const loop = await rejection(() => collect(argyleService().listUsers()));
          expect(loop.code).toBe('unexpected_response');
        });

        it('without a baseUrl, sandbox and production tenants talk to Argyle hosts under /v2', async () => {
          nock('https://api-sandbox.argyle.com').get(`/v2/users/${USER_ID}`).reply(200, wireUserV2());
          nock('https://api.argyle.com')
            .get(`/v2/users/${OTHER_ID}`)
            .reply(200, wireUserV2({ id: OTHER_ID }));
          expect((await argyleService({ baseUrl: undefined }).getUser(USER_ID)).id).toBe(USER_ID);
          expect(
            (await argyleService({ baseUrl: undefined, environment: 'production' }).getUser(OTHER_ID)).id,
          ).toBe(OTHER_ID);
        });

        it('capabilities describe the v2 API', () => {
          const caps = argyleService().capabilities;
          expect(Object.values(caps.operations).every(Boolean)).toBe(true);
          expect(caps.createFields).not.toContain('previousPostalCodes');
          expect(caps.createFields).toContain('nationalId');
          expect(caps.listFilters).toEqual(['externalId']);
          expect(caps.maxPageSize).toBe(200);
          expect(caps.clearOnUpdate).toBe(false);
          expect(caps.linkTokenOnCreate).toBe(true);
        });

        it('a 400 never carries the applicant data into any rendering of the error', async () => {
          nock(ORIGIN)
            .post('/v2/users')
            .reply(400, { ssn: ['123-45-6789 is not a valid SSN'], detail: 'sarah.longfield@example.com' });
          const error = await rejection(() => argyleService().createUser(createInputV2));
          expect(Object.keys(fieldErrorsOf(error))).toEqual(['nationalId']);
          expectNoLeak(error, [
            ...personalValues(createInputV2),
            CREDENTIALS.apiKeyId,
            CREDENTIALS.apiKeySecret,
          ]);
        });
      });
    },
  },
});

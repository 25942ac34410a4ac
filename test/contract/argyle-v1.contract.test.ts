/**
 * The UserService contract (src/testing) on an Argyle legacy v1 tenant (`apiVersion: 'v1'`, as
 * Argyle documents it), plus what v1 cannot do: every field but metadata ignored or refused, no
 * externalId filter, and the paging rules for both list shapes Argyle's documents show.
 */
import nock from 'nock';
import { describe, expect, it } from 'vitest';
import type { InvalidInputError, PayrollIdentityError } from '../../src/errors.js';
import { describeUserServiceContract, FAST_RETRY, rejection } from '../../src/testing/index.js';
import type { User } from '../../src/user.js';
import {
  AUTH_HEADER,
  argyleService,
  CREDENTIALS,
  createInputV2,
  fakeJwt,
  ORIGIN,
  OTHER_ID,
  USER_ID,
  wireUserV1,
} from '../providers/argyle/fixtures.js';

const v1 = () => argyleService({ apiVersion: 'v1', retry: FAST_RETRY });
const createInput = {
  metadata: { group_id: 'group-a5' },
  externalId: 'applicant-8841',
  email: 'sarah.longfield@example.com',
};
const updateInput = { metadata: { 'customer group': 'lending' } };
const fieldErrorsOf = (e: PayrollIdentityError) => (e as InvalidInputError).fieldErrors;

async function collect(iterable: AsyncIterable<User>): Promise<User[]> {
  const out: User[] = [];
  for await (const u of iterable) out.push(u);
  return out;
}

function capture(bodies: unknown[]) {
  return (body: unknown) => {
    bodies.push(body);
    return true;
  };
}

describeUserServiceContract('argyle (legacy API v1)', {
  wire: {
    origin: ORIGIN,
    service: v1,
    credentials: [CREDENTIALS.apiKeyId, CREDENTIALS.apiKeySecret],
    authHeader: { name: 'Authorization', value: AUTH_HEADER },
    userId: USER_ID,
    createInput,
    updateInput,
    calls: {
      createUser: {
        method: 'POST',
        path: '/v1/users',
        allowedBodyKeys: ['external_metadata'],
        requiredBodyKeys: ['external_metadata'],
        reply: { status: 200, body: { token: fakeJwt(), id: USER_ID } },
      },
      getUser: { method: 'GET', path: `/v1/users/${USER_ID}`, reply: { status: 200, body: wireUserV1() } },
      updateUser: {
        method: 'PATCH',
        path: `/v1/users/${USER_ID}`,
        allowedBodyKeys: ['external_metadata'],
        requiredBodyKeys: ['external_metadata'],
        reply: { status: 200, body: wireUserV1({ external_metadata: { 'customer group': 'lending' } }) },
      },
      deleteUser: { method: 'DELETE', path: `/v1/users/${USER_ID}`, reply: { status: 204 } },
      listUsers: {
        method: 'GET',
        path: '/v1/users',
        query: { limit: '200' },
        // The envelope the reference's prose describes: a bare array never passes for a whole list.
        reply: {
          status: 200,
          body: { next: null, results: [wireUserV1(), wireUserV1({ id: OTHER_ID, external_metadata: {} })] },
        },
      },
      createLinkToken: {
        method: 'POST',
        path: '/v1/user-tokens',
        allowedBodyKeys: ['user'],
        requiredBodyKeys: ['user'],
        reply: { status: 200, body: { access: fakeJwt(), refresh: 'refresh-token-never-returned' } },
      },
    },
    answersAboutAnotherUser: {
      getUser: wireUserV1({ id: OTHER_ID }),
      updateUser: wireUserV1({ id: OTHER_ID, external_metadata: { 'customer group': 'lending' } }),
    },
    errors: [
      {
        operation: 'createUser',
        status: 400,
        body: { external_metadata: ['Invalid JSON.'] },
        code: 'invalid_input',
        check: (e) => expect(e.fieldErrors).toEqual({ metadata: ['Invalid JSON.'] }),
      },
      { operation: 'updateUser', status: 400, body: 'oops', code: 'invalid_input' },
      {
        operation: 'createLinkToken',
        status: 400,
        body: { user: ['Not a valid UUID.'] },
        code: 'invalid_input',
        check: (e) => expect(Object.keys(e.fieldErrors)).toEqual(['userId']),
      },
      {
        operation: 'createUser',
        status: 401,
        body: { detail: 'Invalid username/password.' },
        code: 'authentication_failed',
      },
      {
        operation: 'listUsers',
        status: 401,
        body: { detail: 'Invalid username/password.' },
        code: 'authentication_failed',
      },
      { operation: 'getUser', status: 404, body: { detail: 'Not found.' }, code: 'not_found' },
      { operation: 'deleteUser', status: 404, code: 'not_found' },
      { operation: 'createLinkToken', status: 404, code: 'not_found' },
      {
        // On a create (never retried automatically) so that the test does not wait out the retries.
        operation: 'createUser',
        status: 429,
        headers: { 'Retry-After': '2' },
        code: 'rate_limited',
        check: (e) => expect(e.retryAfterMs).toBe(2000),
      },
      { operation: 'getUser', status: 500, code: 'provider_unavailable' },
    ],
    extra: () => {
      describe('argyle v1 wire details', () => {
        it('createUser sends only external_metadata; every other field is named in ignoredFields', async () => {
          const bodies: unknown[] = [];
          nock(ORIGIN).post('/v1/users', capture(bodies)).reply(200, { token: fakeJwt(), id: USER_ID });
          const created = await v1().createUser(createInputV2);
          expect(bodies[0]).toEqual({ external_metadata: createInputV2.metadata });
          expect(created.ignoredFields).toEqual([
            'firstName',
            'lastName',
            'email',
            'phone',
            'birthDate',
            'address.line1',
            'address.line2',
            'address.city',
            'address.state',
            'address.postalCode',
            'address.country',
            'nationalId',
            'externalId',
            'providerOptions.argyle.openBanking',
          ]);
          expect(created.user).toEqual({ id: USER_ID, provider: 'argyle', metadata: createInputV2.metadata });
          expect(created.linkToken?.token).toBe(fakeJwt());
        });

        it('createUser without metadata sends an empty JSON object ("No payload is required")', async () => {
          const seen: { body: unknown; contentType: unknown }[] = [];
          nock(ORIGIN)
            .post('/v1/users')
            .reply(function (_uri, body) {
              seen.push({ body, contentType: this.req.headers['content-type'] });
              return [200, { token: fakeJwt(), id: USER_ID }];
            });
          const created = await v1().createUser({});
          expect(seen).toEqual([{ body: {}, contentType: 'application/json' }]);
          expect(created.ignoredFields).toEqual([]);
        });

        it('unsupportedFields "reject" refuses what v1 cannot hold, before any request', async () => {
          const error = await rejection(() =>
            argyleService({ apiVersion: 'v1', unsupportedFields: 'reject' }).createUser({
              metadata: { a: 1 },
              email: 'sarah.longfield@example.com',
            }),
          );
          expect(error.code).toBe('invalid_input');
          expect(Object.keys(fieldErrorsOf(error))).toEqual(['email']);
        });

        it('updateUser: metadata is sent, other fields ignored, null refused', async () => {
          const bodies: unknown[] = [];
          nock(ORIGIN).patch(`/v1/users/${USER_ID}`, capture(bodies)).reply(200, wireUserV1());
          const updated = await v1().updateUser(USER_ID, { metadata: { stage: 2 }, firstName: 'Sarah' });
          expect(bodies[0]).toEqual({ external_metadata: { stage: 2 } });
          expect(updated.ignoredFields).toEqual(['firstName']);
          const error = await rejection(() => v1().updateUser(USER_ID, { metadata: null }));
          expect(Object.keys(fieldErrorsOf(error))).toEqual(['metadata']);
        });

        it('getUser: string metadata, employers as connections, data providers under providerData', async () => {
          nock(ORIGIN)
            .get(`/v1/users/${USER_ID}`)
            .reply(200, wireUserV1({ external_metadata: 'User group A' }));
          expect(await v1().getUser(USER_ID)).toEqual({
            id: USER_ID,
            provider: 'argyle',
            createdAt: '2019-11-27T15:56:50.583Z',
            metadata: 'User group A',
            connections: { items: [], employers: ['employerCo'] },
            providerData: { dataProvidersConnected: ['payrollCo'] },
          });
        });

        it('createLinkToken returns `access` and never the refresh token', async () => {
          const bodies: unknown[] = [];
          nock(ORIGIN)
            .post('/v1/user-tokens', capture(bodies))
            .reply(200, { access: 'access-token-value', refresh: 'refresh-token-value' });
          const token = await v1().createLinkToken(USER_ID);
          expect(token).toEqual({ token: 'access-token-value' });
          expect(JSON.stringify(token)).not.toContain('refresh-token-value');
          expect(bodies[0]).toEqual({ user: USER_ID });
        });

        it('listUsers: a `{next, results}` envelope is paged by cursor, never by following `next`', async () => {
          const elsewhere = nock('https://attacker.example').get(/.*/).reply(200, []);
          const scope = nock(ORIGIN)
            .get('/v1/users')
            .query({ limit: '2' })
            .reply(200, {
              next: 'https://attacker.example/v1/users?cursor=djEtMg',
              results: [wireUserV1(), wireUserV1({ id: OTHER_ID })],
            })
            .get('/v1/users')
            .query({ limit: '2', cursor: 'djEtMg' })
            .reply(200, { next: null, results: [] });
          const users = await collect(v1().listUsers({ pageSize: 2 }));
          expect(users.map((u) => u.id)).toEqual([USER_ID, OTHER_ID]);
          expect(scope.isDone()).toBe(true);
          expect(elsewhere.isDone()).toBe(false);
        });

        it('listUsers: a bare array, short or full, is unexpected_response after its users (it cannot be paged)', async () => {
          nock(ORIGIN).get('/v1/users').query({ limit: '2' }).reply(200, [wireUserV1()]);
          const shortSeen: string[] = [];
          const short = await rejection(async () => {
            for await (const u of v1().listUsers({ pageSize: 2 })) shortSeen.push(u.id);
          });
          expect(shortSeen).toEqual([USER_ID]);
          expect(short.code).toBe('unexpected_response');

          nock(ORIGIN)
            .get('/v1/users')
            .query({ limit: '2' })
            .reply(200, [wireUserV1(), wireUserV1({ id: OTHER_ID })]);
          const seen: string[] = [];
          const error = await rejection(async () => {
            for await (const u of v1().listUsers({ pageSize: 2 })) seen.push(u.id);
          });
          expect(seen).toEqual([USER_ID, OTHER_ID]);
          expect(error.code).toBe('unexpected_response');
        });

        it('listUsers: v1 cannot filter by externalId, so the filter is refused rather than ignored', async () => {
          const error = await rejection(() => collect(v1().listUsers({ externalId: 'applicant-8841' })));
          expect(error.code).toBe('invalid_input');
          expect(Object.keys(fieldErrorsOf(error))).toEqual(['externalId']);
        });

        it('a v1 tenant with defaults.openBanking is a configuration error', () => {
          let caught: unknown;
          try {
            argyleService({ apiVersion: 'v1', defaults: { openBanking: { name: 'Acme Lending' } } });
          } catch (error) {
            caught = error;
          }
          expect((caught as PayrollIdentityError).code).toBe('invalid_configuration');
        });

        it('capabilities say what v1 cannot do', () => {
          const caps = v1().capabilities;
          expect(caps.createFields).toEqual(['metadata']);
          expect(caps.updateFields).toEqual(['metadata']);
          expect(caps.listFilters).toEqual([]);
          expect(caps.clearOnUpdate).toBe(false);
        });
      });
    },
  },
});

/**
 * The contract every `UserService` adapter must honour, as a vitest suite: run it from a test file
 * of your provider's (`describeUserServiceContract(name, harness)` registers `describe`/`it` blocks).
 *
 * - the **wire** section (with nock) when `harness.wire` is given: each operation's exact method,
 *   path, query, auth header and body keys; every documented error status → its neutral code;
 *   malformed JSON, an HTML 502 page, a 2xx of the wrong shape; unsupported operations and invalid
 *   input fail before any request; no credential or personal datum in any error;
 * - the **live** section when `harness.live` is given: the whole lifecycle against a stateful
 *   backend over real HTTP (an emulator: `startEmulator`, or `startSandbox` from
 *   `payroll-identity/sandbox`), input refused before any request (counted with
 *   `harness.live.requestCount`), and listings: page size 1 yields each user once, the `externalId`
 *   filter holds on every page, `.pages()` cursors resume after their page and are refused with
 *   another page size.
 *
 * The wire section disables real connections while it runs and restores them after; it needs
 * `nock` installed beside `vitest`.
 *
 * @module
 */
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorClassByCode, ErrorCode, Operation, PayrollIdentityError } from '../errors.js';
import type { CreateUserInput, UpdateUserInput } from '../user.js';
import type { UserService } from '../user-service.js';
import { everyRendering, expectNoLeak, personalValues, rejection } from './assertions.js';
import {
  createListingUsers,
  deleteListingUsers,
  expectCursorBoundToPageSize,
  expectEachUserOnce,
  expectFilterOnEveryPage,
  expectInvalidEmailBeforeRequest,
  expectPagesResume,
  type ListingUsers,
  listingApplicant,
} from './live-checks.js';

/** The HTTP methods a {@link WireCall} may use. */
export type WireMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';

/**
 * Retry settings for the tenants under contract (a tenant's `retry`): the same retries (2 by
 * default) with 1–5 ms of backoff instead of 200 ms–5 s. The contract asserts what each answer
 * becomes and how many requests it takes, not how long the client waits.
 */
export const FAST_RETRY = {
  /** Backoff before the first retry, in milliseconds. */
  baseDelayMs: 1,
  /** Longest backoff between retries, in milliseconds. */
  maxDelayMs: 5,
} as const;

/** One operation's documented request and success reply, for the wire section. */
export interface WireCall {
  /** The HTTP method. */
  method: WireMethod;
  /** Exact path, without the query. */
  path: string;
  /** Exact query; omitted means none. */
  query?: Record<string, string>;
  /** Top-level body keys the provider's documents allow for this request; omitted means no body is sent. */
  allowedBodyKeys?: readonly string[];
  /** Keys that must be present in the body (e.g. Teal's required fields). */
  requiredBodyKeys?: readonly string[];
  /** The documented success reply. */
  reply: {
    /** The HTTP status. */
    status: number;
    /** Provider-shaped body (object → JSON; string → sent as is). */
    body?: unknown;
    /** Response headers. */
    headers?: Record<string, string>;
  };
}

/**
 * A documented error reply to one operation, and the neutral code `C` it must become. `check`
 * receives the error as the class of that code, so its own properties are typed without a cast
 * (`fieldErrors` for `invalid_input`, `retryAfterMs` for `rate_limited`, …).
 *
 * @example
 * ```ts
 * const cases: WireErrorCase[] = [
 *   {
 *     operation: 'createUser',
 *     status: 400,
 *     body: { email: ['Enter a valid email address.'] },
 *     code: 'invalid_input',
 *     check: (error) => expect(Object.keys(error.fieldErrors)).toEqual(['email']),
 *   },
 *   {
 *     operation: 'getUser',
 *     status: 429,
 *     headers: { 'Retry-After': '7' },
 *     code: 'rate_limited',
 *     check: (error) => expect(error.retryAfterMs).toBe(7000),
 *   },
 * ];
 * ```
 */
export type WireErrorCase<C extends ErrorCode = ErrorCode> = {
  [K in C]: WireErrorCaseOf<K>;
}[C];

/** A {@link WireErrorCase} of one code. */
export interface WireErrorCaseOf<C extends ErrorCode> {
  /** The operation that gets the error reply. */
  operation: Operation;
  /** The reply's HTTP status. */
  status: number;
  /** Provider-shaped body (object → JSON; string → sent as is). */
  body?: unknown;
  /** Reply headers (e.g. `Retry-After`). */
  headers?: Record<string, string>;
  /** The neutral error code the reply must become. */
  code: C;
  /** Extra checks on the error, typed as the class of `code` (e.g. field errors under neutral names). */
  check?: (error: ErrorClassByCode[C]) => void;
}

/** What the wire section needs: a service pointed at `origin`, whose requests nock intercepts. */
export interface WireHarness {
  /** Origin the service is configured with, e.g. `https://argyle.contract.test`. */
  origin: string;
  /** A service for a tenant configured with `origin` as its base URL. */
  service(): UserService;
  /** Credential values: they may appear only in the auth header. */
  credentials: readonly string[];
  /** The auth header every request must carry, exactly. */
  authHeader: {
    /** The header's name. */
    name: string;
    /** The header's exact value. */
    value: string;
  };
  /** The user id the wire calls of one user (`getUser`, `updateUser`, …) are made with. */
  userId: string;
  /** The input of the wire `createUser` call. */
  createInput: CreateUserInput;
  /** The input of the wire `updateUser` call. */
  updateInput: UpdateUserInput;
  /** The request each supported operation sends. Operations left out must be `unsupported_operation`. */
  calls: Partial<Record<Operation, WireCall>>;
  /** Documented error statuses and what they must become. */
  errors: readonly WireErrorCase[];
  /**
   * Documented success answers to `getUser` / `updateUser` that describe ANOTHER user than
   * `userId`: each must be `unexpected_response`, never resolve as that other user.
   */
  answersAboutAnotherUser?: Partial<Record<'getUser' | 'updateUser', unknown>>;
  /** Provider-specific tests, run inside the wire section (nock is active, net connect disabled). */
  extra?: () => void;
}

/** What the live section needs: services pointed at a running stateful backend (an emulator). */
export interface LiveHarness {
  /** A service for a tenant pointed at a running stateful backend (the sandbox). */
  service(): UserService | Promise<UserService>;
  /** The same tenant with wrong credentials. */
  badCredentialsService(): UserService | Promise<UserService>;
  /** The applicant the lifecycle creates (and the other live checks start from). */
  createInput: CreateUserInput;
  /** The changes the lifecycle makes to that user. */
  updateInput: UpdateUserInput;
  /** Values that must never appear in an error (credentials, personal data). */
  secrets: readonly string[];
  /** Checks that `user` reflects `input` for the fields this provider stores. */
  expectStored?: (
    user: Awaited<ReturnType<UserService['getUser']>>,
    input: CreateUserInput | UpdateUserInput,
  ) => void;
  /**
   * How many requests the backend has received so far (a sandbox emulator's
   * `requests().length`). When given, the checks that input is refused "before any request" count
   * the requests instead of trusting the error.
   */
  requestCount?: () => number;
  /**
   * An applicant for the listing checks, which create five users (`index` 0 to 4), two of them with
   * the same `externalId`. By default `createInput` with another last name (else first name) for
   * each (a provider may refuse the same person twice) and the given `externalId`, which is
   * `undefined` when the provider cannot store or filter by one.
   */
  listingApplicant?: (index: number, externalId: string | undefined) => CreateUserInput;
  /** Runs after the live section (e.g. closes the identity or the emulator). */
  close?: () => Promise<void>;
}

/** The sections to run: the wire one, the live one, or both. */
export interface ContractHarness {
  /** The wire section's harness; the section is not registered without it. */
  wire?: WireHarness;
  /** The live section's harness; the section is not registered without it. */
  live?: LiveHarness;
}

async function invoke(
  service: UserService,
  op: Operation,
  h: { userId: string; createInput: CreateUserInput; updateInput: UpdateUserInput },
): Promise<unknown> {
  switch (op) {
    case 'createUser':
      return service.createUser(h.createInput);
    case 'getUser':
      return service.getUser(h.userId);
    case 'updateUser':
      return service.updateUser(h.userId, h.updateInput);
    case 'deleteUser':
      return service.deleteUser(h.userId);
    case 'createLinkToken':
      return service.createLinkToken(h.userId);
    case 'listUsers': {
      const all = [];
      for await (const u of service.listUsers()) all.push(u);
      return all;
    }
  }
}

const OPERATIONS: readonly Operation[] = [
  'createUser',
  'getUser',
  'updateUser',
  'deleteUser',
  'listUsers',
  'createLinkToken',
];

interface Seen {
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

/**
 * Error replies are served repeatedly: the client retries idempotent calls on 429/502/503/504 and
 * network errors (docs/reliability.md), and every retry must meet the same answer.
 */
const ERROR_REPLY_TIMES = 10;

function intercept(
  origin: string,
  call: WireCall,
  reply: { status: number; body?: unknown; headers?: Record<string, string> },
  seen: Seen[],
  times = 1,
) {
  const scope = nock(origin);
  const base =
    call.method === 'GET'
      ? scope.get(call.path)
      : call.method === 'DELETE'
        ? scope.delete(call.path)
        : call.method === 'POST'
          ? scope.post(call.path)
          : scope.patch(call.path);
  return base
    .query(call.query ?? {})
    .times(times)
    .reply(function (this: { req: { headers: Seen['headers'] } }, _uri, requestBody) {
      let body: unknown = requestBody;
      if (typeof body === 'string' && body !== '') {
        try {
          body = JSON.parse(body);
        } catch {
          // leave as text
        }
      }
      seen.push({ headers: { ...this.req.headers }, body: body === '' ? undefined : body });
      const text =
        reply.body === undefined
          ? ''
          : typeof reply.body === 'string'
            ? reply.body
            : JSON.stringify(reply.body);
      return [reply.status, text, { 'content-type': 'application/json', ...(reply.headers ?? {}) }];
    });
}

/**
 * A 5xx to a create may follow a write on the provider's side: the client never replays it, and
 * unless the adapter reconciles it, the create ends in `outcome_unknown` (docs/reliability.md).
 */
function fiveXxCode(op: Operation): ErrorCode {
  return op === 'createUser' ? 'outcome_unknown' : 'provider_unavailable';
}

/**
 * A 2xx we cannot read: for a create the provider most likely did it, so it is settled like an
 * ambiguous create (no lookup is intercepted here: `outcome_unknown`), never `unexpected_response`.
 */
function unreadable2xxCode(op: Operation): ErrorCode {
  return op === 'createUser' ? 'outcome_unknown' : 'unexpected_response';
}

function describeWire(w: WireHarness): void {
  describe('wire contract (nock)', () => {
    beforeAll(() => {
      nock.disableNetConnect();
    });
    afterEach(() => {
      nock.cleanAll();
    });
    afterAll(() => {
      nock.enableNetConnect();
    });

    for (const op of OPERATIONS) {
      const call = w.calls[op];
      if (!call) {
        it(`${op}: unsupported_operation, no request sent`, async () => {
          const error = await rejection(() => invoke(w.service(), op, w));
          expect(error.code).toBe('unsupported_operation');
        });
        continue;
      }

      it(`${op}: ${call.method} ${call.path}${call.query ? `?${new URLSearchParams(call.query)}` : ''} with auth and documented body keys only`, async () => {
        const seen: Seen[] = [];
        const scope = intercept(w.origin, call, call.reply, seen);
        await invoke(w.service(), op, w);
        expect(scope.isDone(), 'the exact request was sent').toBe(true);
        expect(seen).toHaveLength(1);
        const { headers, body } = seen[0]!;
        expect(headers[w.authHeader.name.toLowerCase()]).toBe(w.authHeader.value);
        for (const [name, value] of Object.entries(headers)) {
          if (name === w.authHeader.name.toLowerCase()) continue;
          for (const secret of w.credentials) expect(String(value)).not.toContain(secret);
        }
        if (call.allowedBodyKeys) {
          expect(typeof body).toBe('object');
          const keys = Object.keys(body as object);
          for (const k of keys) expect(call.allowedBodyKeys, `body key "${k}" is documented`).toContain(k);
          for (const k of call.requiredBodyKeys ?? []) expect(keys).toContain(k);
          for (const secret of w.credentials) expect(JSON.stringify(body)).not.toContain(secret);
        } else {
          expect(body, 'no body is documented for this request').toBeUndefined();
        }
      });

      if (call.reply.body !== undefined) {
        it(`${op}: malformed JSON on ${call.reply.status} → ${unreadable2xxCode(op)}`, async () => {
          intercept(w.origin, call, { status: call.reply.status, body: '{"id": "abc", oops' }, []);
          const error = await rejection(() => invoke(w.service(), op, w));
          expect(error.code).toBe(unreadable2xxCode(op));
          expectNoLeak(error, [...w.credentials, ...personalValues(w.createInput)]);
        });

        it(`${op}: a ${call.reply.status} of the wrong shape → ${unreadable2xxCode(op)}`, async () => {
          intercept(w.origin, call, { status: call.reply.status, body: [1, 2, 3] }, []);
          const error = await rejection(() => invoke(w.service(), op, w));
          expect(error.code).toBe(unreadable2xxCode(op));
        });
      }

      it(`${op}: an HTML 502 page → ${fiveXxCode(op)} without the page in the message`, async () => {
        const html =
          '<html><body><h1>502 Bad Gateway</h1><p>nginx secret-upstream-10.0.0.7</p></body></html>';
        intercept(
          w.origin,
          call,
          { status: 502, body: html, headers: { 'content-type': 'text/html' } },
          [],
          ERROR_REPLY_TIMES,
        );
        const error = await rejection(() => invoke(w.service(), op, w));
        expect(error.code).toBe(fiveXxCode(op));
        expect(error.status).toBe(502);
        expect(everyRendering(error)).not.toContain('nginx');
      });

      it(`${op}: 500 → ${fiveXxCode(op)}`, async () => {
        intercept(w.origin, call, { status: 500, body: { detail: 'boom' } }, [], ERROR_REPLY_TIMES);
        const error = await rejection(() => invoke(w.service(), op, w));
        expect(error.code).toBe(fiveXxCode(op));
        expect(error.retryable).toBe(op !== 'createUser');
      });
    }

    for (const c of w.errors) {
      const call = w.calls[c.operation];
      if (!call) continue;
      it(`${c.operation}: HTTP ${c.status} → ${c.code}, nothing secret in the error`, async () => {
        intercept(
          w.origin,
          call,
          { status: c.status, body: c.body, headers: c.headers },
          [],
          ERROR_REPLY_TIMES,
        );
        const error = await rejection(() => invoke(w.service(), c.operation, w));
        expect(error.code).toBe(c.code);
        expect(error.status).toBe(c.status);
        expect(error.provider).toBeTypeOf('string');
        expect(error.tenant).toBeTypeOf('string');
        expectNoLeak(error, [
          ...w.credentials,
          ...personalValues(w.createInput),
          ...personalValues(w.updateInput),
        ]);
        // The code was checked above: the error is of the class `check` is typed with.
        (c.check as ((error: PayrollIdentityError) => void) | undefined)?.(error);
      });
    }

    it('createUser: invalid input fails with neutral field paths before any request', async () => {
      const error = await rejection(() =>
        w.service().createUser({
          ...w.createInput,
          email: 'not-an-email',
          birthDate: '1990-02-30',
          address: { postalCode: '' },
        }),
      );
      expect(error.code).toBe('invalid_input');
      const fields = Object.keys(
        (error as PayrollIdentityError & { fieldErrors: Record<string, string[]> }).fieldErrors,
      );
      expect(fields).toEqual(expect.arrayContaining(['email', 'birthDate', 'address.postalCode']));
      expectNoLeak(error, ['not-an-email', '1990-02-30']);
    });

    for (const [op, body] of Object.entries(w.answersAboutAnotherUser ?? {}) as [
      'getUser' | 'updateUser',
      unknown,
    ][]) {
      const call = w.calls[op];
      if (!call) continue;
      it(`${op}: a ${call.reply.status} about another user than the one asked for → unexpected_response`, async () => {
        const scope = intercept(w.origin, call, { status: call.reply.status, body }, []);
        const error = await rejection(() => invoke(w.service(), op, w));
        expect(scope.isDone()).toBe(true);
        expect(error.code).toBe('unexpected_response');
        expect(error.retryable).toBe(false);
      });
    }

    it('getUser: an id that could change the path is refused before any request', async () => {
      const error = await rejection(() => w.service().getUser('../admin?x=1'));
      expect(error.code).toBe('invalid_input');
    });

    w.extra?.();
  });
}

function describeLive(l: LiveHarness): void {
  describe('live contract (real HTTP)', () => {
    let service: UserService;
    beforeAll(async () => {
      service = await l.service();
    });
    afterAll(async () => {
      await l.close?.();
    });

    it('create → get → update → list → link token → delete → get is not_found', async () => {
      const created = await service.createUser(l.createInput);
      expect(created.user.id).toBeTruthy();
      expect(created.user.provider).toBe(service.provider);
      expect(Array.isArray(created.ignoredFields)).toBe(true);

      const fetched = await service.getUser(created.user.id);
      expect(fetched.id).toBe(created.user.id);
      l.expectStored?.(fetched, l.createInput);

      if (service.capabilities.operations.updateUser) {
        const updated = await service.updateUser(created.user.id, l.updateInput);
        expect(updated.user.id).toBe(created.user.id);
        l.expectStored?.(await service.getUser(created.user.id), l.updateInput);
      }

      const ids: string[] = [];
      for await (const u of service.listUsers()) ids.push(u.id);
      expect(ids).toContain(created.user.id);

      if (service.capabilities.operations.createLinkToken) {
        const token = await service.createLinkToken(created.user.id);
        expect(token.token.length).toBeGreaterThan(10);
      }

      await service.deleteUser(created.user.id);
      const gone = await rejection(() => service.getUser(created.user.id));
      expect(gone.code).toBe('not_found');
      expectNoLeak(gone, l.secrets);
    });

    it('unknown user → not_found', async () => {
      const error = await rejection(() => service.getUser('00000000-0000-4000-8000-000000000000'));
      expect(error.code).toBe('not_found');
    });

    it('wrong credentials → authentication_failed, credentials not in the error', async () => {
      const bad = await l.badCredentialsService();
      const error = await rejection(() => bad.createUser(l.createInput));
      expect(error.code).toBe('authentication_failed');
      expectNoLeak(error, l.secrets);
    });

    it(`invalid email → invalid_input before any request${l.requestCount ? ' (requests counted)' : ''}`, async () => {
      await expectInvalidEmailBeforeRequest(service, l.createInput, l.requestCount);
    });

    describe('listings: pages, the externalId filter, resume cursors', () => {
      let users: ListingUsers | undefined;
      const listable = () =>
        service.capabilities.operations.listUsers && service.capabilities.operations.createUser;
      beforeAll(async () => {
        if (!listable()) return;
        users = await createListingUsers(
          service,
          l.listingApplicant ?? ((index, externalId) => listingApplicant(l.createInput, index, externalId)),
        );
      });
      afterAll(async () => {
        await deleteListingUsers(service, users);
      });

      it('listUsers({ pageSize: 1 }) yields each created user exactly once', async (context) => {
        context.skip(!users, 'the provider does not list or create users');
        await expectEachUserOnce(service, users!);
      });

      it('listUsers({ externalId, pageSize: 1 }) yields only users with that externalId, on every page', async (context) => {
        context.skip(!users?.shared, 'the provider does not store or filter by externalId');
        await expectFilterOnEveryPage(service, users!.shared!);
      });

      it('.pages() gives a cursor on every page but the last; listUsers({ cursor }) resumes after its page', async (context) => {
        context.skip(!users, 'the provider does not list or create users');
        await expectPagesResume(service, users!);
      });

      it(`a cursor used with another pageSize is invalid_input before any request${l.requestCount ? ' (requests counted)' : ''}`, async (context) => {
        context.skip(!users || service.capabilities.maxPageSize < 2, 'no second page size to try');
        await expectCursorBoundToPageSize(service, l.requestCount);
      });
    });
  });
}

/**
 * Registers the contract's tests for one adapter under `describe('UserService contract: <name>')`:
 * the wire section when `harness.wire` is given, the live section when `harness.live` is.
 *
 * @example
 * ```ts
 * describeUserServiceContract('acmepay', {
 *   live: {
 *     service: () => identity.forTenant('acme'),
 *     badCredentialsService: () => identity.forTenant('acme-wrong-key'),
 *     createInput: { firstName: 'Jane', lastName: 'Doe', email: 'jane.doe@example.com' },
 *     updateInput: { email: 'jane.new@example.com' },
 *     secrets: [apiKey, 'jane.doe@example.com'],
 *     requestCount: () => sandbox.emulator('acmepay').requests().length,
 *   },
 * });
 * ```
 */
export function describeUserServiceContract(name: string, harness: ContractHarness): void {
  describe(`UserService contract: ${name}`, () => {
    if (harness.wire) describeWire(harness.wire);
    if (harness.live) describeLive(harness.live);
  });
}

/**
 * Which transport failures count as "the request never left" (so even a create is sent again).
 * Only what provably happens before any byte is written: DNS failures and a refused connect. An
 * unreachable host or network can be reported on a reused keep-alive socket after the request was
 * written: a create that got one must not be sent twice.
 */
import http, { type ClientRequest } from 'node:http';
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { NetworkError } from '../../../src/errors.js';
import { errorFromTransport } from '../../../src/http/errors.js';
import { classifyFailure } from '../../../src/http/retry-policy.js';
import { rejection } from '../../contract/assertions.js';
import { makeClient, ScriptedServer, User } from './support.js';

const STATE = { abortedByCaller: false, timedOut: false, timeoutMs: 1_000, maxResponseBytes: 1_024 };
const CONTEXT = { provider: 'fake', tenant: 't1', operation: 'createUser' } as const;

function systemError(code: string): Error {
  return Object.assign(new Error(`connect ${code} 10.0.0.7:443`), { code, syscall: 'connect' });
}

describe('errorFromTransport: beforeRequestSent', () => {
  it.each(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN'])('%s: never sent, so a create is retried', (code) => {
    const error = errorFromTransport(systemError(code), STATE, CONTEXT);
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as NetworkError).beforeRequestSent).toBe(true);
    expect(classifyFailure(error, false)).toBe('retry');
  });

  it.each(['EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET', 'EPIPE'])(
    '%s: may come after the request left, so a create is ambiguous (an idempotent call is retried)',
    (code) => {
      const error = errorFromTransport(systemError(code), STATE, CONTEXT);
      expect((error as NetworkError).beforeRequestSent).toBe(false);
      expect(error.message).not.toMatch(/never reached/);
      expect(classifyFailure(error, false)).toBe('ambiguous');
      expect(classifyFailure(error, true)).toBe('retry');
    },
  );
});

describe('a create whose socket reports an unreachable host after the request left', () => {
  const server = new ScriptedServer();
  let lastRequest: ClientRequest | undefined;
  let posts = 0;

  beforeAll(async () => {
    nock.disableNetConnect();
    nock.enableNetConnect('127.0.0.1');
    await server.start();
    // The transport looks `http.request` up at call time: wrap it to get hold of the client side.
    const original = http.request.bind(http) as (...args: unknown[]) => ClientRequest;
    vi.spyOn(http, 'request').mockImplementation(((...args: unknown[]) => {
      lastRequest = original(...args);
      return lastRequest;
    }) as typeof http.request);
  });
  afterAll(async () => {
    vi.restoreAllMocks();
    nock.enableNetConnect();
    await server.stop();
  });
  afterEach(() => {
    server.reset();
    posts = 0;
  });

  it.each(['EHOSTUNREACH', 'ENETUNREACH'])(
    '%s: the provider got one POST and gets no second one (outcome_unknown)',
    async (code) => {
      server.handler = (req, res) => {
        req.resume();
        req.on('end', () => {
          posts++;
          if (posts === 1) {
            // The provider has the request (and may act on it); then the route vanishes.
            lastRequest?.destroy(Object.assign(new Error(`read ${code}`), { code, syscall: 'read' }));
            return;
          }
          res.setHeader('content-type', 'application/json');
          res.end(JSON.stringify({ id: 'second-user' }));
        });
      };
      const error = await rejection(() =>
        makeClient(server.origin).request({
          operation: 'createUser',
          method: 'POST',
          path: '/users',
          body: { first_name: 'John' },
          response: User,
        }),
      );
      expect(error.code).toBe('outcome_unknown');
      expect((error.cause as NetworkError).beforeRequestSent).toBe(false);
      expect(posts).toBe(1);
      expect(server.hits).toBe(1);
    },
  );
});

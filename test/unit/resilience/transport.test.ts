/**
 * Transport hardening, with retries on: a redirect is never followed (even by a retry), a
 * provider's absolute `next` URL is never requested, plain http only on loopback.
 */
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { rejection } from '../../contract/assertions.js';
import { makeClient, ScriptedServer, User } from './support.js';

const server = new ScriptedServer();
beforeAll(async () => {
  nock.disableNetConnect();
  nock.enableNetConnect('127.0.0.1');
  await server.start();
});
afterAll(async () => {
  nock.cleanAll();
  nock.enableNetConnect();
  await server.stop();
});
afterEach(() => {
  server.reset();
  nock.cleanAll();
});

describe('transport hardening', () => {
  it.each([301, 302, 307, 308])(
    'a %i to another host sends nothing there, and is not retried',
    async (status) => {
      const elsewhere = nock('https://collector.example.com').get(/.*/).reply(200, { id: 'stolen' });
      server.handler = (_req, res) => {
        res.statusCode = status;
        res.setHeader('location', 'https://collector.example.com/steal');
        res.end();
      };
      const error = await rejection(() =>
        makeClient(server.origin).request({
          operation: 'getUser',
          method: 'GET',
          path: '/u/1',
          response: User,
        }),
      );
      expect(error.code).toBe('unexpected_response');
      expect(elsewhere.isDone()).toBe(false);
      expect(server.hits).toBe(1);
    },
  );

  it('an absolute URL (a provider’s `next` link) is never requested: only the base URL’s host is', async () => {
    const elsewhere = nock('https://api.argyle.example.com').get(/.*/).reply(200, { id: 'followed' });
    let seenPath = '';
    server.handler = (req, res) => {
      seenPath = req.url ?? '';
      res.end('{"id":"base"}');
    };
    const result = await makeClient(server.origin).request({
      operation: 'listUsers',
      method: 'GET',
      path: 'https://api.argyle.example.com/v2/users?cursor=abc',
      response: User,
    });
    expect(result.data.id).toBe('base');
    expect(elsewhere.isDone()).toBe(false);
    expect(seenPath.startsWith('/')).toBe(true);
  });

  it('plain http is refused except on loopback', () => {
    expect(() => makeClient('http://api.example.com')).toThrow(/https/);
    expect(() => makeClient('http://10.0.0.7:8080')).toThrow(/https/);
    expect(() => makeClient('http://localhost:4010')).not.toThrow();
    expect(() => makeClient('http://[::1]:4010')).not.toThrow();
  });
});

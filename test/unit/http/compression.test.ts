/**
 * Compressed answers: the built-in transport reads every encoding axios's own Node adapter reads
 * (gzip in any case, brotli, zlib-wrapped and raw deflate, two Content-Encoding lines, identity),
 * and fails where it fails.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import zlib from 'node:zlib';
import axios from 'axios';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { z } from 'zod';
import { HttpClient } from '../../../src/http/client.js';

const BODY = JSON.stringify({ id: 'u1', note: 'x'.repeat(2000) });
const cases: Record<string, [string[], Buffer]> = {
  gzip: [['Content-Encoding', 'gzip'], zlib.gzipSync(BODY)],
  GZIP: [['Content-Encoding', 'GZIP'], zlib.gzipSync(BODY)],
  br: [['Content-Encoding', 'br'], zlib.brotliCompressSync(BODY)],
  deflate: [['Content-Encoding', 'deflate'], zlib.deflateSync(BODY)],
  rawdeflate: [['Content-Encoding', 'deflate'], zlib.deflateRawSync(BODY)],
  twolines: [['Content-Encoding', 'gzip', 'Content-Encoding', 'gzip'], zlib.gzipSync(zlib.gzipSync(BODY))],
  identity: [['Content-Encoding', 'identity'], Buffer.from(BODY)],
};
let server: Server;
let origin: string;
beforeAll(async () => {
  server = createServer((req, res) => {
    const [headers, body] = cases[req.url!.slice(1)]!;
    res.writeHead(200, [...headers, 'Content-Type', 'application/json', 'X-Request-Id', 'req-1']);
    res.end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

const client = () =>
  new HttpClient({
    tenant: 't',
    provider: 'fake',
    baseUrl: origin,
    auth: { headers: () => ({}), secrets: () => [] },
    describeError: () => ({ messages: [] }),
    timeoutMs: 2_000,
    maxResponseBytes: 64 * 1024,
  });

for (const name of Object.keys(cases)) {
  it(`${name}: the built-in transport reads what axios's own adapter reads`, async () => {
    const viaAxios = await axios
      .get(`${origin}/${name}`, { adapter: 'http', responseType: 'text', transformResponse: [(d) => d] })
      .then(
        (r) => {
          try {
            return JSON.parse(r.data).id;
          } catch {
            return 'unparseable';
          }
        },
        (e) => `error ${e.code}`,
      );
    const c = client();
    const ours = await c
      .request({
        operation: 'getUser',
        method: 'GET',
        path: `/${name}`,
        response: z.object({ id: z.string() }),
      })
      .then(
        (r) => r.data.id,
        (e) => `error ${e.code}`,
      );
    c.close();
    const norm = (s: string) => (s.startsWith('error') || s === 'unparseable' ? 'failed' : s);
    expect(norm(ours)).toBe(norm(viaAxios));
  });
}

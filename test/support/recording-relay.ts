/**
 * A loopback relay between the library and a provider emulator that records every exchange exactly
 * as it crossed the wire: header names in the order sent, the request body, the answer's status and
 * body. Tests that inspect the wire use it rather than nock, whose interceptor replaces Node's HTTP
 * client and so changes what is sent.
 */
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request and its answer, as the relay saw them. */
export interface Exchange {
  method: string;
  /** Path as sent, query removed. */
  path: string;
  /** The query string as sent, without its `?` (`''` when there is none). */
  query: string;
  /** Header names as sent (lower-cased), in order, repeated ones repeated. */
  names: string[];
  /** Header values by lower-cased name (the last of a repeated one). */
  headers: Record<string, string>;
  requestBody: string;
  status: number;
  /** The answer's `content-type` (`''` when there is none). */
  responseType: string;
  responseBody: string;
}

export interface RecordingRelay {
  /** Where to point a tenant's `baseUrl`. */
  origin: string;
  /** Every exchange so far, in the order the answers completed. */
  exchanges: Exchange[];
  close(): Promise<void>;
}

/** Starts a relay on 127.0.0.1 to `target` (an emulator's base URL). */
export async function recordingRelay(target: string): Promise<RecordingRelay> {
  const to = new URL(target);
  const exchanges: Exchange[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = req.url ?? '';
      const body = Buffer.concat(chunks);
      const names: string[] = [];
      const headers: Record<string, string> = {};
      for (let i = 0; i < req.rawHeaders.length; i += 2) {
        const name = req.rawHeaders[i]!.toLowerCase();
        names.push(name);
        headers[name] = req.rawHeaders[i + 1]!;
      }
      const forward = httpRequest(
        {
          hostname: to.hostname,
          port: to.port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, host: to.host },
        },
        (answer) => {
          const answered: Buffer[] = [];
          answer.on('data', (c: Buffer) => answered.push(c));
          answer.on('end', () => {
            const responseBody = Buffer.concat(answered);
            exchanges.push({
              method: req.method ?? '',
              path: url.split('?', 1)[0] ?? '',
              query: url.includes('?') ? url.slice(url.indexOf('?') + 1) : '',
              names,
              headers,
              requestBody: body.toString('utf8'),
              status: answer.statusCode ?? 0,
              responseType: answer.headers['content-type'] ?? '',
              responseBody: responseBody.toString('utf8'),
            });
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            res.end(responseBody);
          });
        },
      );
      forward.on('error', () => res.destroy());
      forward.end(body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    exchanges,
    async close() {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}

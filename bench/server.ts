/**
 * The benchmark's provider stand-in: a minimal loopback HTTP server that answers canned Argyle and
 * Teal responses. It is deliberately not the sandbox: its cost must be tiny and identical for every
 * contender. Run in its own process (`node --import tsx bench/server.ts`, as `run.ts` does), it prints its
 * port on stdout. Fake people only.
 *
 * The SDK peers of the `peers` section get the very bodies the library's Argyle calls get: Stripe's
 * customers (`/v1/customers…`: stripe-node has a host and a port but no base path) and everything
 * under `PEER_PREFIX` (Octokit's and Finch's base URLs).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { argyleUserRecord, PEER_PREFIX, tealUserRecord } from './lib.js';

const TOTAL_USERS = Number(process.env.BENCH_TOTAL_USERS ?? 100_000);
const ID = '018051aa-f7a9-a0db-2f38-6cfa325e9d69';

const argyleUser = (i: number) => argyleUserRecord(i);
const tealUser = (i: number) => tealUserRecord(i);

const CREATED_ARGYLE = JSON.stringify({
  user_token: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJiZW5jaCJ9.c2ln',
  id: ID,
});
const GET_ARGYLE = JSON.stringify(argyleUserRecord(1, ID));
const CREATED_TEAL = JSON.stringify(tealUserRecord(1, ID));

function send(res: import('node:http').ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://bench');
  // Drain the request body before answering (as a real server would).
  req.resume();
  req.on('end', () => {
    const p = url.pathname;
    if (p.startsWith(PEER_PREFIX) || p === '/v1/customers' || p.startsWith('/v1/customers/')) {
      if (req.method === 'POST') return send(res, 200, CREATED_ARGYLE);
      if (req.method === 'GET') return send(res, 200, GET_ARGYLE);
    }
    if (req.method === 'POST' && p === '/v2/users') return send(res, 200, CREATED_ARGYLE);
    if (req.method === 'GET' && p.startsWith('/v2/users/')) return send(res, 200, GET_ARGYLE);
    if (req.method === 'GET' && p === '/v2/users') {
      const limit = Math.min(Number(url.searchParams.get('limit') ?? 10), 200);
      const start = Number(url.searchParams.get('cursor') ?? 0);
      const end = Math.min(start + limit, TOTAL_USERS);
      const results = [];
      for (let i = start; i < end; i++) results.push(argyleUser(i));
      const next =
        end < TOTAL_USERS ? `http://${req.headers.host}/v2/users?cursor=${end}&limit=${limit}` : null;
      return send(res, 200, JSON.stringify({ next, previous: null, results }));
    }
    if (req.method === 'POST' && p === '/users') return send(res, 201, CREATED_TEAL);
    if (req.method === 'GET' && p.startsWith('/users/')) return send(res, 200, CREATED_TEAL);
    if (req.method === 'GET' && p === '/users') {
      const limit = Math.min(Number(url.searchParams.get('limit') ?? 20), 100);
      const offset = Number(url.searchParams.get('offset') ?? 0);
      const end = Math.min(offset + limit, TOTAL_USERS);
      const users = [];
      for (let i = offset; i < end; i++) users.push(tealUser(i));
      return send(
        res,
        200,
        JSON.stringify({
          pagination: { offset, limit, count: users.length, total_count: TOTAL_USERS },
          users,
        }),
      );
    }
    send(res, 404, JSON.stringify({ detail: 'Not found.' }));
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${(server.address() as AddressInfo).port}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
process.on('disconnect', () => process.exit(0));

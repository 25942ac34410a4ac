/**
 * The Argyle adapter's listing against the emulator, end to end, under the emulator options that
 * reach the branches a default emulator never does: a legacy v1 list answered as a bare array (the v1
 * reference's example) by a server that caps its pages, which the adapter must end with
 * `unexpected_response` rather than pass off as complete; and v2 cursors that need URL encoding
 * (standard base64: `+`, `/`, `=`), which the adapter must carry across several pages intact.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { emulator } from '../../providers/argyle/sandbox/index.js';
import {
  createPayrollIdentity,
  type PayrollIdentity,
  type UnexpectedResponseError,
} from '../../src/index.js';
import type { ArgyleEmulatorOptions } from '../../src/sandbox/index.js';
import { startEmulator } from '../../src/sandbox/server.js';
import type { EmulatorStartOptions, RunningEmulator } from '../../src/sandbox/types.js';
import type { User } from '../../src/user.js';

type Argyle = RunningEmulator<{ apiKeyId: string; apiKeySecret: string }, never>;

const running: Argyle[] = [];
const identities: PayrollIdentity[] = [];

afterEach(async () => {
  for (const identity of identities.splice(0)) await identity.close();
  for (const emulatorRun of running.splice(0)) await emulatorRun.close();
});

async function start(options: EmulatorStartOptions<ArgyleEmulatorOptions>): Promise<Argyle> {
  const run = await startEmulator(emulator, options);
  running.push(run);
  return run;
}

/** The users service of a tenant at `run`, on `apiVersion`, with `users` users created there first. */
async function tenantWith(run: Argyle, apiVersion: 'v1' | 'v2', users: number) {
  const identity = createPayrollIdentity({
    tenants: {
      t: {
        provider: 'argyle',
        environment: 'sandbox',
        apiVersion,
        baseUrl: run.baseUrl,
        credentials: { ...run.credentials },
        retry: { maxRetries: 0 },
      },
    },
  });
  identities.push(identity);
  const service = identity.forTenant('t');
  const ids: string[] = [];
  for (let i = 0; i < users; i += 1) ids.push((await service.createUser({})).user.id);
  return { service, ids };
}

/** The users a listing yields, and the error that ended it, if any. */
async function drain(listing: AsyncIterable<User>): Promise<{ ids: string[]; error?: unknown }> {
  const ids: string[] = [];
  try {
    for await (const user of listing) ids.push(user.id);
  } catch (error) {
    return { ids, error };
  }
  return { ids };
}

const GET_V1_LIST = (r: { method: string; url: string }) => r.method === 'GET' && r.url === '/v1/users';

describe('Argyle v1 list shape and page cap (emulator options), through the adapter', () => {
  it('envelope with pages capped below the limit: the adapter follows next to every user', async () => {
    const run = await start({ options: { v1PageCap: 2 } });
    const { service, ids } = await tenantWith(run, 'v1', 5);
    const listed = await drain(service.listUsers({ pageSize: 10 }));
    expect(listed.error).toBeUndefined();
    expect(listed.ids).toEqual(ids);
    // Three pages of at most two: the cap held, the links were followed.
    expect(run.requests().filter(GET_V1_LIST)).toHaveLength(3);
  });

  it('bare array, capped below the limit asked: the users it got, then unexpected_response (body): unpaged_list', async () => {
    const run = await start({ options: { v1ListShape: 'bare-array', v1PageCap: 2 } });
    const { service, ids } = await tenantWith(run, 'v1', 5);
    const listed = await drain(service.listUsers({ pageSize: 10 }));
    expect(listed.ids).toEqual(ids.slice(0, 2));
    expect((listed.error as UnexpectedResponseError).code).toBe('unexpected_response');
    expect((listed.error as UnexpectedResponseError).issues).toEqual(['(body): unpaged_list']);
    expect(run.requests().filter(GET_V1_LIST)).toHaveLength(1);
  });

  it('bare array, a full page: the users, then unexpected_response (body): no_next_page', async () => {
    const run = await start({ options: { v1ListShape: 'bare-array', v1PageCap: 3 } });
    const { service, ids } = await tenantWith(run, 'v1', 5);
    const listed = await drain(service.listUsers({ pageSize: 3 }));
    expect(listed.ids).toEqual(ids.slice(0, 3));
    expect((listed.error as UnexpectedResponseError).issues).toEqual(['(body): no_next_page']);
  });

  it('bare array: only an empty one is a complete listing (a short one cannot be told from a capped one)', async () => {
    const run = await start({ options: { v1ListShape: 'bare-array' } });
    const { service } = await tenantWith(run, 'v1', 0);
    expect(await drain(service.listUsers())).toEqual({ ids: [] });
    await service.createUser({});
    const short = await drain(service.listUsers({ pageSize: 10 }));
    expect(short.ids).toHaveLength(1);
    expect((short.error as UnexpectedResponseError).issues).toEqual(['(body): unpaged_list']);
  });

  it('the bare array on the wire is the page alone, capped whatever limit asks; v2 is untouched', async () => {
    const run = await start({ options: { v1ListShape: 'bare-array', v1PageCap: 2 } });
    await tenantWith(run, 'v2', 3);
    const auth = `Basic ${Buffer.from(`${run.credentials.apiKeyId}:${run.credentials.apiKeySecret}`).toString('base64')}`;
    const v1 = await fetch(`${run.baseUrl}/v1/users?limit=200`, { headers: { authorization: auth } });
    const page = (await v1.json()) as { id: string }[];
    expect(Array.isArray(page)).toBe(true);
    expect(page).toHaveLength(2);
    const v2 = await fetch(`${run.baseUrl}/v2/users?limit=200`, { headers: { authorization: auth } });
    expect(((await v2.json()) as { results: unknown[] }).results).toHaveLength(3);
  });

  it.each([
    [{ v1PageCap: 0 }, /v1PageCap: must be at least 1/],
    [{ v1PageCap: 201 }, /v1PageCap: must be at most 200/],
    [{ v1PageCap: 1.5 }, /v1PageCap: must be a whole number/],
    [{ v1ListShape: 'array' }, /v1ListShape: /],
  ])('refuses the options %o when the emulator starts', async (options, message) => {
    await expect(startEmulator(emulator, { options: options as never })).rejects.toThrow(message);
  });
});

describe('Argyle v2 cursors that need URL encoding, through the adapter', () => {
  let run: Argyle;
  beforeAll(async () => {
    run = await startEmulator(emulator);
  });
  afterAll(() => run.close());

  it('a listing over several pages carries each cursor ("+", "/", "=") intact and yields every user once', async () => {
    const { service, ids } = await tenantWith(run, 'v2', 5);
    const listed = await drain(service.listUsers({ pageSize: 2 }));
    expect(listed.error).toBeUndefined();
    expect(listed.ids).toEqual(ids);
    const pages = run.requests().filter((r) => r.method === 'GET' && r.url === '/v2/users');
    // Three pages, each answered 200: an unencoded or mangled cursor would have been a 400.
    expect(pages.map((r) => r.status)).toEqual([200, 200, 200]);
  });
});

/** Hostile strings and every position a caller's string reaches, for the hostile-input tests. */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createPayrollIdentity, type PayrollIdentity } from '../../../src/index.js';
import type { UserService } from '../../../src/user-service.js';

export const MIB = 1 << 20;
/** The hostile strings: one word, the email pattern's worst cases, digits, a mix of everything. */
export const HOSTILE: Readonly<Record<string, string>> = {
  letters: 'a'.repeat(MIB),
  ats: '@'.repeat(MIB),
  'a@': 'a@'.repeat(MIB / 2),
  digits: '1'.repeat(MIB),
  mixed: 'a1@.-_ %&;#eyJ+('.repeat(MIB / 16),
};

type Call = (users: UserService) => Promise<unknown>;

/** Every position a caller's string reaches, as a call. */
export function hostileCalls(s: string): Record<string, Call> {
  const create =
    (input: Record<string, unknown>): Call =>
    (u) =>
      u.createUser(input as never);
  const update =
    (input: Record<string, unknown>): Call =>
    (u) =>
      u.updateUser('user-1', input as never);
  const calls: Record<string, Call> = {};
  const fields: Record<string, unknown> = {
    firstName: s,
    lastName: s,
    email: s,
    phone: s,
    birthDate: s,
    externalId: s,
    'address.line1': { line1: s },
    'address.line2': { line2: s },
    'address.city': { city: s },
    'address.state': { state: s },
    'address.postalCode': { postalCode: s },
    'address.country': { country: s },
    previousPostalCodes: [s],
    'nationalId (ssn)': { type: 'ssn', value: s },
    'nationalId (ni)': { type: 'ni_number', value: s },
    'nationalId.type': { type: s, value: s },
    'metadata value': { note: s },
    'metadata key': { [s]: 1 },
    'metadata nested key': { a: { b: { [s]: s } } },
    'providerOptions namespace key': { [s]: {} },
    'providerOptions.argyle key': { argyle: { [s]: 1 } },
    'providerOptions.argyle.openBanking.name': { argyle: { openBanking: { name: s } } },
    'providerOptions.teal key': { teal: { [s]: 1 } },
    'providerOptions.teal frequency': { teal: { recurringChecks: { frequency: s } } },
  };
  for (const [label, value] of Object.entries(fields)) {
    // The label's first word is the top-level field: `address.city` → `address`.
    const key = label.split(/[ .]/)[0] as string;
    calls[`createUser ${label}`] = create({ firstName: 'Sarah', lastName: 'Longfield', [key]: value });
    calls[`updateUser ${label}`] = update({ [key]: value });
  }
  calls['createUser unknown top-level key'] = create({ firstName: 'Sarah', [s]: 1 });
  calls['createUser unknown address key'] = create({ address: { [s]: 1 } });
  calls['updateUser unknown top-level key'] = update({ [s]: 1 });
  calls['createUser many unknown keys'] = create(
    Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`${s.slice(0, 100)}${i}`, 1])),
  );
  calls['getUser id'] = (u) => u.getUser(s);
  calls['updateUser id'] = (u) => u.updateUser(s, { firstName: 'Sarah' });
  calls['deleteUser id'] = (u) => u.deleteUser(s);
  calls['createLinkToken id'] = (u) => u.createLinkToken(s);
  calls['listUsers externalId'] = async (u) => {
    for await (const _ of u.listUsers({ externalId: s })) {
      // nothing: the filter is refused before the first page
    }
  };
  return calls;
}

/** A request the fake provider received. */
export interface Received {
  method: string;
  url: string;
  body: string;
}

/** What the fake provider answers: a status, a JSON body, headers. */
export interface Answer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/**
 * A local HTTP server standing in for a provider, answering every request with `answer` (settable)
 * and recording what it received; and an identity with one tenant per built-in variant pointed at it.
 */
export async function fakeProvider(): Promise<{
  identity: PayrollIdentity;
  received: Received[];
  answer: Answer;
  close: () => Promise<void>;
}> {
  const received: Received[] = [];
  const state = { answer: { status: 400, body: {} } as Answer };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ method: req.method ?? '', url: req.url ?? '', body: Buffer.concat(chunks).toString() });
      const { status, body, headers = {} } = state.answer;
      const text = JSON.stringify(body);
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const common = {
    environment: 'sandbox',
    baseUrl,
    retry: { maxRetries: 0 },
    circuitBreaker: { enabled: false },
  } as const;
  const argyle = { apiKeyId: 'key-id-1', apiKeySecret: 'key-secret-1' };
  const identity = createPayrollIdentity({
    tenants: {
      'argyle-v2': { provider: 'argyle', credentials: argyle, ...common },
      'argyle-v1': { provider: 'argyle', apiVersion: 'v1', credentials: argyle, ...common },
      teal: {
        provider: 'teal',
        credentials: { apiKey: 'api-key-1' },
        defaults: { payrollPeriodMonths: 12 },
        ...common,
      },
    },
  } as never);
  return {
    identity,
    received,
    get answer() {
      return state.answer;
    },
    set answer(value: Answer) {
      state.answer = value;
    },
    close: async () => {
      await identity.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** What a rejected call threw. */
export async function rejection(call: () => Promise<unknown>): Promise<unknown> {
  try {
    await call();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to be rejected');
}

/**
 * Shared fixtures of the fault-injection suites: obviously fake applicants, tenants pointed at the
 * embedded sandbox with tiny retry delays, each operation as a callable, and a recorder for every
 * error, log line and event the library produces (for the leak scans).
 */
import { inspect } from 'node:util';
import type { Operation } from '../../src/errors.js';
import type { createPayrollIdentity } from '../../src/index.js';
import type { ArgyleSandboxCredentials, TealSandboxCredentials } from '../../src/sandbox/index.js';
import type { RecordedRequest, RunningEmulator } from '../../src/sandbox/types.js';
import type { CreateUserInput, UpdateUserInput } from '../../src/user.js';
import type { UserService } from '../../src/user-service.js';
import {
  type HookRecord,
  type LogRecord,
  RecordingLogger,
  recordingHooks,
} from '../unit/resilience/support.js';

export type Variant = 'argyle-v2' | 'argyle-v1' | 'teal';
export const VARIANTS: readonly Variant[] = ['argyle-v2', 'argyle-v1', 'teal'];

export const OPERATIONS: readonly Operation[] = [
  'createUser',
  'getUser',
  'updateUser',
  'deleteUser',
  'listUsers',
  'createLinkToken',
];

/** A US applicant (Argyle): SSN 123-45-6789, example.com, +1 415 555 0123. */
export function usApplicant(n: number | string = 1, externalId?: string): CreateUserInput {
  return {
    firstName: 'Sarah',
    lastName: `Longfield${letters(n)}`,
    email: `sarah.longfield.${n}@example.com`,
    phone: '+14155550123',
    birthDate: '1990-05-17',
    address: { line1: '1 Main Street', city: 'Springfield', state: 'IL', postalCode: '62701', country: 'US' },
    nationalId: { type: 'ssn', value: '123-45-6789' },
    ...(externalId !== undefined ? { externalId } : {}),
    metadata: { loanStage: 'stage-two' },
  };
}

/** A UK applicant (Teal): NI QQ123456C, +44 7700 900123. Teal refuses two with the same name and birth date. */
export function ukApplicant(n: number | string = 1, externalId?: string): CreateUserInput {
  return {
    firstName: 'Johnathan',
    lastName: `Smithson${letters(n)}`,
    birthDate: '1985-11-02',
    phone: '+447700900123',
    address: { line1: '10 Downing Street', city: 'London', postalCode: 'SW1A 2AA', country: 'GB' },
    previousPostalCodes: ['SW1A 1AA'],
    nationalId: { type: 'ni_number', value: 'QQ123456C' },
    ...(externalId !== undefined ? { externalId } : {}),
  };
}

/** `12` → `bc`: names made of letters (a digit in a name would look like an id to the redactor). */
export function letters(n: number | string): string {
  return String(n)
    .split('')
    .map((c) => (/\d/.test(c) ? String.fromCharCode(97 + Number(c)) : c))
    .join('');
}

export function applicantFor(variant: Variant, n: number | string = 1, externalId?: string): CreateUserInput {
  return variant === 'teal' ? ukApplicant(n, externalId) : usApplicant(n, externalId);
}

export function updateFor(variant: Variant): UpdateUserInput {
  if (variant === 'teal') return { lastName: 'Smithers' };
  if (variant === 'argyle-v1') return { metadata: { loanStage: 'stage-three' } };
  return { email: 'sarah.updated@example.com' };
}

/** Every string of an input, `externalId` excepted (the lender's own key, not personal data). */
export { personalValues } from '../contract/assertions.js';

/** Credentials of an emulator as every form they travel in (raw values, the Basic header's base64). */
export function credentialValues(emulator: RunningEmulator<object, object>): string[] {
  const c = emulator.credentials as Partial<ArgyleSandboxCredentials & TealSandboxCredentials>;
  const out = Object.values(emulator.credentials).filter((v): v is string => typeof v === 'string');
  for (const alt of emulator.alternativeCredentials) out.push(...Object.values(alt).map(String));
  if (c.apiKeyId && c.apiKeySecret)
    out.push(Buffer.from(`${c.apiKeyId}:${c.apiKeySecret}`).toString('base64'));
  return out;
}

/** What the library emitted: log records and hook events. */
export class Recorder {
  readonly logs: LogRecord[] = [];
  readonly events: HookRecord[] = [];
  readonly logger = new RecordingLogger(this.logs);
  readonly hooks = recordingHooks(this.events);

  clear(): void {
    this.logs.length = 0;
    this.events.length = 0;
  }
}

export interface TenantOptions {
  timeoutMs?: number;
  attemptTimeoutMs?: number;
  maxResponseBytes?: number;
  maxRetryAfterMs?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
}

/** A tenant of `variant` pointed at `emulator`, with tiny retry delays and no circuit breaker. */
export function tenantConfig(
  variant: Variant,
  emulator: RunningEmulator<object, object>,
  o: TenantOptions = {},
): Parameters<typeof createPayrollIdentity>[0]['tenants'][string] {
  return {
    provider: variant === 'teal' ? 'teal' : 'argyle',
    ...(variant === 'argyle-v1' ? { apiVersion: 'v1' } : {}),
    ...(variant === 'teal' ? { defaults: { payrollPeriodMonths: 12 } } : {}),
    environment: 'sandbox',
    baseUrl: emulator.baseUrl,
    credentials: { ...emulator.credentials },
    timeoutMs: o.timeoutMs ?? 5_000,
    ...(o.maxResponseBytes !== undefined ? { maxResponseBytes: o.maxResponseBytes } : {}),
    retry: {
      maxRetries: 2,
      baseDelayMs: o.baseDelayMs ?? 1,
      maxDelayMs: o.maxDelayMs ?? 5,
      maxRetryAfterMs: o.maxRetryAfterMs ?? 1_000,
      ...(o.attemptTimeoutMs !== undefined ? { attemptTimeoutMs: o.attemptTimeoutMs } : {}),
    },
    circuitBreaker: { enabled: false },
  };
}

/** Runs `operation` on `service` against the user `userId`; resolves to what the call returned. */
export async function invoke(
  service: UserService,
  variant: Variant,
  operation: Operation,
  userId: string,
  input: CreateUserInput,
): Promise<unknown> {
  switch (operation) {
    case 'createUser':
      return service.createUser(input);
    case 'getUser':
      return service.getUser(userId);
    case 'updateUser':
      return service.updateUser(userId, updateFor(variant));
    case 'deleteUser':
      return service.deleteUser(userId);
    case 'createLinkToken':
      return service.createLinkToken(userId);
    case 'listUsers': {
      const ids: string[] = [];
      for await (const u of service.listUsers()) ids.push(u.id);
      return ids;
    }
  }
}

/** The method and path (no query) each operation sends, per variant. */
export function requestOf(
  variant: Variant,
  operation: Operation,
  userId: string,
): { method: string; path: string } {
  const users = variant === 'teal' ? '/users' : variant === 'argyle-v1' ? '/v1/users' : '/v2/users';
  const tokens =
    variant === 'teal' ? '/user-tokens' : variant === 'argyle-v1' ? '/v1/user-tokens' : '/v2/user-tokens';
  switch (operation) {
    case 'createUser':
      return { method: 'POST', path: users };
    case 'listUsers':
      return { method: 'GET', path: users };
    case 'getUser':
      return { method: 'GET', path: `${users}/${userId}` };
    case 'updateUser':
      return { method: 'PATCH', path: `${users}/${userId}` };
    case 'deleteUser':
      return { method: 'DELETE', path: `${users}/${userId}` };
    case 'createLinkToken':
      return { method: 'POST', path: tokens };
  }
}

/** Requests of the log that match `method` and `path` (query ignored). */
export function matching(log: readonly RecordedRequest[], method: string, path: string): RecordedRequest[] {
  return log.filter((r) => r.method === method && r.url.split('?', 1)[0] === path);
}

/** Runs `fn` and returns what it threw (or `undefined` when it resolved), with its result. */
export async function settle<T>(fn: () => Promise<T>): Promise<{ value?: T; error?: unknown }> {
  try {
    return { value: await fn() };
  } catch (error) {
    return { error };
  }
}

/** Every way a host might print a value: JSON, util.inspect, String, the stack and the cause chain. */
export function renderEverything(value: unknown): string {
  const parts: string[] = [];
  let current: unknown = value;
  for (let i = 0; current !== undefined && current !== null && i < 6; i++) {
    parts.push(String(current), safeJson(current), inspect(current, { depth: 10, showHidden: true }));
    if (current instanceof Error) parts.push(current.message, current.stack ?? '');
    current = (current as { cause?: unknown }).cause;
  }
  return parts.join('\n');
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? '';
  } catch {
    return '';
  }
}

/** The needles of `secrets` found in `haystack` (case-insensitive); `[]` means no leak. */
export function leaks(haystack: string, secrets: Iterable<string>): string[] {
  const text = haystack.toLowerCase();
  const found = new Set<string>();
  for (const s of secrets) if (s.length >= 3 && text.includes(s.toLowerCase())) found.add(s);
  return [...found];
}

/** Waits until `predicate` holds (polling), or `ms` has passed. */
export async function until(predicate: () => boolean, ms = 2_000): Promise<void> {
  const end = Date.now() + ms;
  while (!predicate() && Date.now() < end) await new Promise((r) => setTimeout(r, 5));
}

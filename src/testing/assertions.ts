/**
 * Assertions for tests of a `UserService`: what an error must not leak, and how to catch one. They
 * load vitest (for `expect`) but not nock, so a test that needs only these does not put nock in its
 * process (nock replaces `node:http`'s request functions for the whole process once loaded).
 *
 * @module
 */
import { inspect } from 'node:util';
import { expect } from 'vitest';
import type { PayrollIdentityError } from '../errors.js';
import type { CreateUserInput, UpdateUserInput } from '../user.js';

/**
 * Every string value of an input (3 characters or more): the personal data that must never appear
 * in an error. `externalId` is left out: it is the caller's own reference for the person, which an
 * `outcome_unknown` error carries on purpose so that the caller can reconcile. Of a national id only
 * the number counts: its type label (`'ssn'`, `'ni_number'`) is the library's own word, which a
 * provider's message may rightly use ("… is not a valid SSN").
 */
export function personalValues(input: CreateUserInput | UpdateUserInput): string[] {
  const out: string[] = [];
  const walk = (v: unknown): void => {
    if (typeof v === 'string' && v.length >= 3) out.push(v);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (typeof v === 'object' && v !== null) Object.values(v).forEach(walk);
  };
  const { externalId: _reference, nationalId, ...personal } = input;
  walk(personal);
  if (nationalId) walk(nationalId.value);
  return out;
}

/**
 * An error rendered every way a host might print or log it (`String`, `message`, `stack`,
 * `JSON.stringify`, `util.inspect`), its `cause` chain included: the text to search for leaks.
 */
export function everyRendering(error: unknown): string {
  const e = error as Error & { cause?: unknown };
  const parts = [String(e), e.message, e.stack ?? '', JSON.stringify(e), inspect(e, { depth: 10 })];
  let cause = e.cause;
  for (let i = 0; cause !== undefined && i < 5; i++) {
    parts.push(String(cause), JSON.stringify(cause), inspect(cause, { depth: 10 }));
    cause = (cause as { cause?: unknown }).cause;
  }
  return parts.join('\n');
}

/**
 * Fails the test when any of `secrets` (credentials, personal data; case-insensitive, values under
 * 3 characters skipped) appears in any rendering of `error`. The failure names the value by its index
 * in `secrets`, never quotes it (a test log is a log too).
 */
export function expectNoLeak(error: unknown, secrets: readonly string[]): void {
  const text = everyRendering(error).toLowerCase();
  secrets.forEach((s, i) => {
    if (s.length < 3) return;
    expect(
      text.includes(s.toLowerCase()),
      `secrets[${i}] (a secret or personal datum) leaked into an error`,
    ).toBe(false);
  });
}

/** Iterates a listing to its end; resolves to how many users it yielded. */
export async function drain(iterable: AsyncIterable<unknown>): Promise<number> {
  let n = 0;
  for await (const _ of iterable) n++;
  return n;
}

/** Runs `fn` and returns the `PayrollIdentityError` it rejects with (throws if it resolves). */
export async function rejection(fn: () => Promise<unknown>): Promise<PayrollIdentityError> {
  try {
    await fn();
  } catch (error) {
    return error as PayrollIdentityError;
  }
  throw new Error('expected the call to fail, but it succeeded');
}

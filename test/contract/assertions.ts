/**
 * Assertion helpers shared by the contract and by many other tests. Kept apart from
 * ./user-service-contract.ts, which loads nock: nock patches `node:http` for the whole process once
 * loaded, so a test that only needs these helpers must not load it (vitest.config.ts runs the files
 * that load nock in processes of their own).
 */
import { inspect } from 'node:util';
import { expect } from 'vitest';
import type { PayrollIdentityError } from '../../src/errors.js';
import type { CreateUserInput, UpdateUserInput } from '../../src/user.js';

/** Every string value of a create input (the personal data that must never leak). */
export function personalValues(input: CreateUserInput | UpdateUserInput): string[] {
  const out: string[] = [];
  const walk = (v: unknown): void => {
    if (typeof v === 'string' && v.length >= 3) out.push(v);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (typeof v === 'object' && v !== null) Object.values(v).forEach(walk);
  };
  // `externalId` is the lender's own reference for the applicant, not personal data: it is what an
  // `outcome_unknown` error must carry so that the caller can reconcile (DESIGN.md §5). Everything
  // else in the input is treated as personal.
  const { externalId: _reference, nationalId, ...personal } = input;
  walk(personal);
  // The number is personal; its type label ('ssn', 'ni_number') is the library's own word, which a
  // provider's message may rightly use ("… is not a valid SSN").
  if (nationalId) walk(nationalId.value);
  return out;
}

/** Serialises an error every way a host might, to search for leaks. */
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

export function expectNoLeak(error: unknown, secrets: readonly string[]): void {
  const text = everyRendering(error).toLowerCase();
  for (const s of secrets) {
    if (s.length < 3) continue;
    expect(text, 'a secret or personal datum leaked into an error').not.toContain(s.toLowerCase());
  }
}

/** Iterates a listing to its end; resolves to how many users it yielded. */
export async function drain(iterable: AsyncIterable<unknown>): Promise<number> {
  let n = 0;
  for await (const _ of iterable) n++;
  return n;
}

/** Runs `fn` and returns the `PayrollIdentityError` it rejects with (fails if it resolves). */
export async function rejection(fn: () => Promise<unknown>): Promise<PayrollIdentityError> {
  try {
    await fn();
  } catch (error) {
    return error as PayrollIdentityError;
  }
  throw new Error('expected the call to fail, but it succeeded');
}

/**
 * A body over 1 MiB is refused before anything else is done with it, whatever form it comes in:
 * not even the headers are read (so no signer is looked for, no HMAC computed, nothing decrypted).
 * The headers here count their reads.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { rejection } from '../../../src/testing/assertions.js';
import { ARGYLE_SECRET, identityWith, sign } from './support.js';

const identity = identityWith();
afterAll(() => identity.close());

const MIB = 1024 * 1024;

/** Headers whose every read is counted. */
function countedHeaders(signature: string): { headers: Record<string, string>; reads: () => number } {
  let reads = 0;
  const headers = {
    get 'x-argyle-signature'(): string {
      reads++;
      return signature;
    },
  };
  return { headers, reads: () => reads };
}

describe('an oversize body', () => {
  it('a signed body just under the bound is verified (and its headers read: the counter counts)', async () => {
    const body = JSON.stringify({ event: 'x.y', data: { pad: 'a'.repeat(MIB - 64) } });
    expect(Buffer.byteLength(body)).toBeLessThanOrEqual(MIB);
    const { headers, reads } = countedHeaders(sign(body, ARGYLE_SECRET));
    const event = await identity.parseWebhook({ tenant: 'acme-us', headers, body });
    expect(event.type).toBe('provider_event');
    expect(reads()).toBeGreaterThanOrEqual(1);
  });

  it.each([
    ['a Buffer of 64 MiB', () => Buffer.alloc(64 * MIB, 0x61)],
    ['a Uint8Array of 1 MiB + 1 byte', () => new Uint8Array(MIB + 1)],
    ['an ArrayBuffer of 2 MiB', () => new ArrayBuffer(2 * MIB)],
    ['a string of 16 MiB', () => 'a'.repeat(16 * MIB)],
    // Under the bound in characters, over it in UTF-8 bytes (three bytes each).
    ['a string of 512 Ki three-byte characters', () => '€'.repeat(512 * 1024)],
  ])('%s: payload, before the headers are even read', async (_what, make) => {
    const body = make();
    const { headers, reads } = countedHeaders('a'.repeat(128));
    const started = performance.now();
    const error = await rejection(() => identity.parseWebhook({ tenant: 'acme-us', headers, body }));
    const elapsed = performance.now() - started;
    expect(error).toMatchObject({ code: 'invalid_webhook', reason: 'payload' });
    expect(error.message).toContain('larger than 1 MiB');
    expect(reads()).toBe(0);
    // Generous: only the size is looked at.
    expect(elapsed).toBeLessThan(1_000);
  });
});

/** Randomness for the sandbox: a seedable generator for fault draws, and unguessable secrets. */
import { randomBytes } from 'node:crypto';

/** A uniform number in [0, 1). */
export type Random = () => number;

/**
 * mulberry32: tiny, fast and good enough for deciding faults. Seedable so a failing run with a
 * given `seed` can be repeated exactly; not for secrets.
 */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** A random seed, used when the options give none. */
export function randomSeed(): number {
  return randomBytes(4).readUInt32BE(0);
}

/** `<prefix>-<32 hex chars>`: a per-run credential nobody could mistake for a real one. */
export function randomSecret(prefix: string): string {
  return `${prefix}-${randomBytes(16).toString('hex')}`;
}

/** Base64url without padding, as JWT segments use. */
export function base64Url(data: string | Buffer): string {
  return Buffer.from(data).toString('base64url');
}

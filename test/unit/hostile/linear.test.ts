/**
 * Redaction and key formatting are linear and bounded on any text: every error message goes
 * through `redactPatterns`, and messages used to quote caller keys whole. On the old code the email
 * pattern (no left anchor) rescanned a word from each of its positions: 64 KiB took 4 to 5 s.
 */
import { describe, expect, it } from 'vitest';
import { MAX_REDACTED_LENGTH, Redactor, redactPatterns } from '../../../src/redact.js';
import { MAX_KEY_LENGTH, safeKey } from '../../../src/validation.js';
import { HOSTILE } from './support.js';

const SHAPES: Readonly<Record<string, string>> = {
  ...HOSTILE,
  'eyJ-': 'eyJ-'.repeat(1 << 18),
  'a-a-': 'a-a1'.repeat(1 << 18),
  'a.': 'x@'.concat('a.'.repeat(1 << 19)),
  '&': '&'.repeat(1 << 20),
  '%': '%C3'.repeat(1 << 18),
  'Basic ': `Basic ${' '.repeat(1 << 20)}`,
  '1 ': '1 '.repeat(1 << 19),
};

function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

describe('linear and bounded', () => {
  it('redactPatterns, a call’s Redactor and safeKey on 1 MiB of every hostile shape', () => {
    const redactor = new Redactor(['Sarah', 'Longfield', '1987-03-09', '+14155550123', 'QQ123456C']);
    const started = cpuMs();
    for (const [shape, s] of Object.entries(SHAPES)) {
      for (const text of [s, `Invalid input: 1 field failed validation (${s})`, s.slice(0, 65_536)]) {
        expect(redactPatterns(text).length, shape).toBeLessThanOrEqual(MAX_REDACTED_LENGTH + 1);
        expect(redactor.redact(text).length, shape).toBeLessThanOrEqual(MAX_REDACTED_LENGTH + 1);
      }
      expect(safeKey(s).length, shape).toBeLessThanOrEqual(MAX_KEY_LENGTH + 1);
    }
    // Generous: ~0.3 s here; a single 64 KiB word took 4 s before.
    expect(cpuMs() - started).toBeLessThan(5_000);
  });

  it('a cut never leaves half a value: the last, partial word goes', () => {
    const text = `${'word '.repeat(MAX_REDACTED_LENGTH / 5 - 2)}sarah.longfield@example.com`;
    const out = redactPatterns(text);
    expect(out).not.toContain('sarah');
    expect(out.endsWith('…')).toBe(true);
  });

  it('safeKey escapes control characters, redacts, and never yields a prototype key', () => {
    expect(safeKey('a\u0000b\u202Ec')).toBe('a\\u0000b\\u202ec');
    expect(safeKey('sarah.longfield@example.com')).toBe('[REDACTED]');
    expect(safeKey('__proto__')).toBe('[__proto__]');
    expect(safeKey(`${'k'.repeat(100)}`)).toBe(`${'k'.repeat(MAX_KEY_LENGTH)}…`);
  });
});

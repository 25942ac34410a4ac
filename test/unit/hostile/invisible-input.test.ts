/**
 * Text that shows nothing, or stands for nothing, is refused before anything is sent: Hangul fillers
 * (letters to `\p{L}`, invisible on screen) and the other default-ignorable characters,
 * noncharacters, private-use characters, U+FFFC / U+FFFD, the blank Braille pattern, strings made
 * only of combining marks or joiners, and piles of combining marks. Names need a visible letter,
 * other text a visible character; the external id (the host's opaque key, sent as given) also
 * refuses whitespace other than the plain space.
 */
import { describe, expect, it } from 'vitest';
import { CreateUserInputSchema } from '../../../src/user.js';

function refused(input: Record<string, unknown>): boolean {
  return !CreateUserInputSchema.safeParse(input).success;
}

const INVISIBLE: Readonly<Record<string, string>> = {
  'Hangul filler U+3164': '\u3164',
  'Hangul choseong filler U+115F': '\u115F',
  'Hangul jungseong filler U+1160': '\u1160',
  'halfwidth Hangul filler U+FFA0': '\uFFA0',
  'combining grapheme joiner U+034F': '\u034F',
  'variation selector U+FE0F': '\uFE0F',
  'combining marks only': '\u0301\u0301',
  'ZWJ only': '\u200D',
  'ZWNJ only': '\u200C',
  'object replacement U+FFFC': '\uFFFC',
  'replacement character U+FFFD': '\uFFFD',
  'blank Braille pattern U+2800': '\u2800',
  'private use U+E000': '\uE000',
  'supplementary private use': '\u{F0000}',
};

const POISONED: Readonly<Record<string, string>> = {
  'a noncharacter U+FFFF': 'Sa\uFFFF',
  'a noncharacter U+FDD0': 'Sa\uFDD0rah',
  'a supplementary noncharacter': 'Sarah\u{1FFFE}',
  'a Hangul filler inside': 'Sa\u3164rah',
  'a soft hyphen': 'Sa\u00ADrah',
  'a private-use character': 'Sarah\uE000',
  'a replacement character': 'Sar\uFFFDh',
  'Zalgo (90 marks)': `S${'\u0301'.repeat(90)}`,
  'a leading combining mark': '\u0301Sarah',
};

describe('names', () => {
  it.each(Object.entries({ ...INVISIBLE, ...POISONED }))('refuses a name with %s', (_label, name) => {
    expect(refused({ firstName: name })).toBe(true);
    expect(refused({ lastName: name })).toBe(true);
  });

  it.each([
    'Sarah',
    'José',
    'Nguye\u0302\u0303n', // decomposed: two marks on one letter
    '김서연', // Hangul syllables, not fillers
    'می\u200Cخواهم', // ZWNJ inside a Persian word
    'Zoë Ann',
  ])('accepts %s', (name) => {
    expect(refused({ firstName: name })).toBe(false);
  });
});

describe('address lines and other text', () => {
  it.each(Object.entries({ ...INVISIBLE, ...POISONED }))(
    'refuses an address line with %s',
    (_label, text) => {
      expect(refused({ address: { line1: text } })).toBe(true);
      expect(refused({ address: { city: text } })).toBe(true);
    },
  );

  it.each(['221 Baker Street', '4-6 Rue de l’Église', '東京都千代田区1-1', '#12'])('accepts %s', (line) => {
    expect(refused({ address: { line1: line } })).toBe(false);
  });
});

describe('the external id', () => {
  it.each(Object.entries({ ...INVISIBLE, ...POISONED }))('refuses %s', (_label, id) => {
    expect(refused({ externalId: id })).toBe(true);
  });

  it.each([
    ['only a no-break space', '\u00A0'],
    ['only an ideographic space', '\u3000'],
    ['a no-break space inside', 'applicant\u00A042'],
    ['only spaces', '   '],
  ])('refuses %s', (_label, id) => {
    expect(refused({ externalId: id })).toBe(true);
  });

  it.each(['applicant-42', 'applicant 42', 'app|42:x/y', 'Ünïcødé-1', '申请人-42'])('accepts %j', (id) => {
    expect(refused({ externalId: id })).toBe(false);
  });
});

describe('printable ASCII is never hidden text (the fast path of the checks)', () => {
  it('every printable ASCII character between two letters passes textProblem, nameProblem and externalIdProblem', async () => {
    const { externalIdProblem, nameProblem, textProblem } = await import('../../../src/input-limits.js');
    for (let code = 0x20; code <= 0x7e; code++) {
      const value = `a${String.fromCharCode(code)}b`;
      expect([textProblem(value), nameProblem(value), externalIdProblem(value)]).toEqual([
        undefined,
        undefined,
        undefined,
      ]);
    }
  });

  it('one character outside it still goes through every check', async () => {
    const { textProblem } = await import('../../../src/input-limits.js');
    expect(textProblem('Jane\u200bRoe')).toMatch(/invisible/);
    expect(textProblem('Jane\u0007Roe')).toMatch(/control/);
    expect(textProblem('Jane\u00a0Roe')).toBeUndefined();
  });
});

import { describe, expect, it } from 'vitest';
import type { Runtime } from '../../../../src/analysis/facts/values/model.js';
import { NotStatic } from '../../../../src/analysis/facts/values/model.js';
import {
  MAX_REGEX_ALTERNATIVES,
  REGEX_WORK_LIMIT,
  compileSafeRegex,
  makeRegex,
  regexAlternatives,
  regexWorkLog2,
} from '../../../../src/analysis/facts/values/regex.js';

describe('regexAlternatives', () => {
  it.each<[string, string, string[] | null]>([
    ['^(Europe\\/Moscow|Asia\\/Tehran)$', '', ['Europe/Moscow', 'Asia/Tehran']],
    ['ru|by|kz', 'i', ['ru', 'by', 'kz']],
    ['^(?:ru|by)$', '', ['ru', 'by']],
    ['^Europe\\/(Moscow|Minsk)$', '', ['Europe/Moscow', 'Europe/Minsk']],
    ['^(a|b)(c|d)$', '', ['ac', 'ad', 'bc', 'bd']],
    ['^(a|(b|c))$', '', ['a', 'b', 'c']],
    ['corp\\.example', '', ['corp.example']],
    ['\\x41\\u0042\\t', '', ['AB\t']],
    ['\\u{1F600}', 'u', ['\u{1f600}']],
    ['^ru$|^by$', '', null],
    ['^\\$x$', '', ['$x']],
    ['', '', ['']],
    ['^ru.*$', '', null],
    ['^[a-z]+$', '', null],
    ['^ru?$', '', null],
    ['\\d', '', null],
    ['(?=ru)ru', '', null],
    ['(ru', '', null],
    ['ru)', '', null],
  ])('/%s/%s', (pattern, flags, expected) => {
    expect(regexAlternatives(pattern, flags)).toEqual(expected);
  });

  it('refuses alternations that expand past the limit, and groups nested too deeply', () => {
    const bits = '(0|1)'.repeat(Math.ceil(Math.log2(MAX_REGEX_ALTERNATIVES)) + 1);
    expect(regexAlternatives(bits, '')).toBeNull();
    expect(regexAlternatives(`${'('.repeat(100)}a${')'.repeat(100)}`, '')).toBeNull();
    expect(regexAlternatives(`${'('.repeat(10)}a${')'.repeat(10)}`, '')).toEqual(['a']);
  });
});

describe('compileSafeRegex', () => {
  const spent: number[] = [];
  const runtime: Runtime = {
    call: () => undefined,
    charge: (units) => spent.push(units),
    tag: () => undefined,
    topLevel: true,
  };
  const regex = (pattern: string, flags = '') => ({ kind: 'regex', pattern, flags }) as const;
  const compiles = (pattern: string, inputLength: number, flags = ''): boolean => {
    try {
      compileSafeRegex(regex(pattern, flags), inputLength, runtime);
      return true;
    } catch (error) {
      if (error instanceof NotStatic) return false;
      throw error;
    }
  };

  it.each<[string, number, boolean]>([
    ['ru|by', 1_000_000, true],
    ['a+', 10, true],
    ['[;,]', 1_000_000, true],
    ['a+', 5_792, true],
    ['a+', 5_793, false],
    ['\\s*,\\s*', 212, true],
    ['\\s*,\\s*', 213, false],
    ['(a+)+b', 10, false],
    ['(a|aa)*', 10, false],
    ['(?:ab)?', 10, false],
    ['(a)\\1', 10, false],
    ['(?<x>a)\\k<x>', 10, false],
    ['a[+*]b', 1_000_000, true],
    ['a{2,3}', 2_048, true],
    ['a{2,3}', 4_096, false],
    ['a*?', 4_096, true],
    // Alternations multiply the paths a failing match tries: forty two-way groups are 2^40.
    [`${'(a|a)'.repeat(40)}b`, 100, false],
    ['(Moscow|Minsk|Omsk)', 100_000, true],
    // V8 has no linear-time fallback inside lookarounds.
    ['(?=a+)b', 10, false],
    ['(?!x|y)z', 10, false],
    ['(?=ab)c', 10, true],
  ])('/%s/ on %i characters: %s', (pattern, inputLength, expected) => {
    expect(compiles(pattern, inputLength)).toBe(expected);
  });

  it('refuses flags whose state or matching we do not model', () => {
    expect(compiles('a', 1, 'gimsu')).toBe(true);
    expect(compiles('a', 1, 'y')).toBe(false);
    expect(compiles('a', 1, 'd')).toBe(false);
  });

  it('bounds the worst case by pattern length times input length to the power of quantifiers plus one', () => {
    expect(2 * 5_792 ** 2).toBeLessThanOrEqual(REGEX_WORK_LIMIT);
    expect(2 * 5_793 ** 2).toBeGreaterThan(REGEX_WORK_LIMIT);
    expect(regexWorkLog2(7, 212, 2)).toBeLessThanOrEqual(Math.log2(REGEX_WORK_LIMIT));
    expect(compiles('x'.repeat(64), 2 ** 20)).toBe(true);
    expect(compiles('x'.repeat(65), 2 ** 20)).toBe(false);
  });

  it('charges the work against the budget', () => {
    spent.length = 0;
    compileSafeRegex(regex('a+'), 1_000, runtime);
    expect(spent).toEqual([2_000]);
  });
});

describe('makeRegex', () => {
  it('validates a pattern built at run time without running it', () => {
    expect(makeRegex('^(a|b)$', 'i')).toEqual({ kind: 'regex', pattern: '^(a|b)$', flags: 'i' });
    expect(() => makeRegex('(', '')).toThrow(NotStatic);
    expect(() => makeRegex('a', 'q')).toThrow(NotStatic);
  });
});

describe('a catastrophic pattern in a decoding chain', () => {
  it('is refused at once, so the chain is unknown instead of hanging the scan', async () => {
    const { evaluateDecoded } = await import('../../../../src/analysis/facts/values/evaluate.js');
    const { parse } = await import('../../../../src/analysis/parse.js');
    const payload = Buffer.from(`${'a'.repeat(60)},corp.example`).toString('base64');
    const code = `const L = atob('${payload}').replace(/${'(a|a)'.repeat(40)}b/g, '').split(',');`;
    const outcome = parse(code);
    if (!outcome.ok) throw new Error(outcome.reason);
    const declaration = (outcome.program.body[0] as unknown as { declarations: { init: import('acorn').Node }[] }).declarations[0];
    // Returning at all is the point (2^40 paths would take hours; the test's own timeout would fail it).
    expect(evaluateDecoded(declaration?.init as import('acorn').Node, () => null)).toBeNull();
  });
});

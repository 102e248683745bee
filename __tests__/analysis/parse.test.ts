import { describe, expect, it } from 'vitest';
import { decodeSource, parse, TOO_DEEP_REASON } from '../../src/analysis/parse.js';

describe('parse', () => {
  it.each([
    ['an ES module', "import os from 'os';\nexport const h = os.hostname();", 'module'],
    ['top-level await', 'const m = await import("os");', 'module'],
    ['a sloppy script with `with`', 'with (obj) { x = 1; }', 'script'],
    ['a script with a top-level return', "if (done) return;\nmodule.exports = 1;", 'script'],
    ['a legacy octal literal', 'var mode = 0755;', 'script'],
    ['a hashbang', '#!/usr/bin/env node\nconsole.log(1);', 'module'],
  ] as const)('parses %s', (_label, source, sourceType) => {
    const outcome = parse(source);
    expect(outcome.ok).toBe(true);
    if (outcome.ok) expect(outcome.sourceType).toBe(sourceType);
  });

  it('does not compute locations', () => {
    const outcome = parse('let a = 1;');
    expect(outcome.ok && outcome.program.body[0]?.loc).toBeFalsy();
  });

  it('reports a syntax error with its position', () => {
    const outcome = parse('const a = 1;\nlet = ;');
    expect(outcome).toEqual({ ok: false, reason: expect.stringMatching(/^syntax error: .*\(2:\d+\)$/) });
  });

  it('reports the error of the attempt that got further', () => {
    // As a script this fails at `import` (1:0); as a module at the real typo on line 2.
    const outcome = parse("import a from 'a';\nconst = 2;");
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) expect(outcome.reason).toContain('(2:');
  });

  it('turns hostile nesting into a reason instead of a stack overflow', () => {
    const depth = 100_000;
    const outcome = parse(`${'['.repeat(depth)}${']'.repeat(depth)}`);
    expect(outcome).toEqual({ ok: false, reason: TOO_DEEP_REASON });
  });
});

describe('decodeSource', () => {
  it('strips a UTF-8 byte-order mark', () => {
    const text = decodeSource(Buffer.from([0xef, 0xbb, 0xbf, ...Buffer.from('let a = 1;')]));
    expect(text).toBe('let a = 1;');
    expect(parse(text).ok).toBe(true);
  });

  it('keeps non-ASCII text and a BOM-less file intact', () => {
    expect(decodeSource(Buffer.from('const s = "Zürich — 東京";'))).toBe('const s = "Zürich — 東京";');
  });

  it('reads a view into a larger buffer without its neighbours', () => {
    const whole = Buffer.from('xxlet a;yy');
    expect(decodeSource(whole.subarray(2, 8))).toBe('let a;');
  });
});

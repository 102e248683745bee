import { describe, expect, it } from 'vitest';
import { decodeSource, decodeText, parse, TOO_DEEP_REASON } from '../../src/analysis/parse.js';

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

  it('recovers from a syntax error with acorn-loose and says the analysis is partial, with the position', () => {
    const outcome = parse('const a = 1;\nlet = ;\nprocess.env.TZ;');
    expect(outcome).toMatchObject({ ok: true, partial: expect.stringMatching(/^syntax error: .*\(2:\d+\)$/), errorOffset: 19 });
    // The code after the error is still in the tree.
    if (outcome.ok) expect(JSON.stringify(outcome.program)).toContain('"TZ"');
  });

  it('names the error of the attempt that got further', () => {
    // As a script this fails at `import` (1:0); as a module at the real typo on line 2.
    const outcome = parse("import a from 'a';\nconst = 2;");
    expect(outcome.ok && outcome.partial).toContain('(2:');
  });

  it.each([
    ['JSX in a .js file', 'export const el = <div className="a">{x}</div>;', 'module', false],
    ['JSX returned by a function', 'function C() { return <A.B {...p} />; }', 'module', false],
    ['a JSX fragment in a sloppy script', 'with (o) { y = <>{z}</>; }', 'script', false],
    ['JSX in a .jsx file whose error is not at a `<`', 'const a = <b>text</b>;', 'module', true],
  ] as const)('parses %s with the JSX grammar', (_label, source, sourceType, jsx) => {
    const outcome = parse(source, { jsx });
    expect(outcome).toMatchObject({ ok: true, dialect: 'jsx', sourceType });
    expect(outcome.ok && outcome.partial).toBeFalsy();
  });

  it.each([
    ['Flow annotations', '// @flow\nexport function f(a: number, b: ?string): Array<string> { return [b]; }'],
    ['TypeScript syntax', 'interface A { b: string }\nexport const c = (d: A): void => {};'],
    ['a template that is not JavaScript', 'module.exports = <%= JSON.stringify(config) %>;'],
  ])('reads %s only partially, never as a failure', (_label, source) => {
    const outcome = parse(source);
    expect(outcome).toMatchObject({ ok: true, partial: expect.stringContaining('syntax error') });
  });

  it.each([
    ['arrays', (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`],
    ['parentheses', (n: number) => `x = ${'('.repeat(n)}1${')'.repeat(n)};`],
    ['JSX elements', (n: number) => `x = ${'<a>'.repeat(n)}${'</a>'.repeat(n)};`],
    ['unclosed blocks (through acorn-loose)', (n: number) => `${'{'.repeat(n)} @`],
  ])('turns 100k nested %s into a reason instead of a stack overflow', (_label, build) => {
    expect(parse(build(100_000))).toEqual({ ok: false, kind: 'too-deep', reason: TOO_DEEP_REASON });
  });

  it('stops retrying once the file is over its time budget', () => {
    const outcome = parse('const = 1;', { overBudget: () => true });
    expect(outcome).toMatchObject({ ok: false, kind: 'time-budget', reason: expect.stringContaining('syntax error') });
  });

  it('validates a pathological regex literal without running it', () => {
    const source = `const r = /${'(a+)+'.repeat(2_000)}b/; const s = /(${'a|'.repeat(50_000)}a)*$/u;`;
    expect(parse(source)).toMatchObject({ ok: true, sourceType: 'module' });
  });

  it('keeps a huge string literal and a giant single line', () => {
    const big = 'x'.repeat(5_000_000);
    const outcome = parse(`const s = "${big}";${'a=1;'.repeat(100_000)}`);
    expect(outcome.ok && outcome.program.body.length).toBe(100_001);
  });
});

describe('decodeText', () => {
  it.each([
    ['valid UTF-8', Buffer.from('const s = "ü";'), false],
    ['a real replacement character', Buffer.from('const s = "\uFFFD";'), false],
    ['a lone continuation byte', Buffer.from([0x61, 0x3d, 0x22, 0x80, 0x22, 0x3b]), true],
    ['Latin-1 text', Buffer.from('const s = "café";', 'latin1'), true],
  ])('flags %s: %s', (_label, bytes, invalid) => {
    const decoded = decodeText(bytes);
    expect(decoded.invalidUtf8).toBe(invalid);
    expect(parse(decoded.text).ok).toBe(true);
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

describe('parse with error recovery', () => {
  /** Every node object reachable from the program, counting repeats. */
  function visits(root: unknown): { total: number; distinct: number } {
    const seen = new Set<unknown>();
    let total = 0;
    const stack: unknown[] = [root];
    while (stack.length > 0) {
      const node = stack.pop() as Record<string, unknown>;
      total++;
      seen.add(node);
      for (const value of Object.values(node)) {
        for (const child of Array.isArray(value) ? value : [value]) {
          if (typeof child === 'object' && child !== null && typeof (child as { type?: unknown }).type === 'string') stack.push(child);
        }
      }
    }
    return { total, distinct: seen.size };
  }

  it.each([40, 400])('returns a tree, never a DAG whose walk explodes (%i levels of `[...[...({`)', (depth) => {
    const source = `${'[...[...({'.repeat(depth / 4)}x;${'})]]'.repeat(depth / 4)}`;
    const outcome = parse(source);
    expect(outcome.ok && outcome.partial).toBeTruthy();
    if (!outcome.ok) return;
    const { total, distinct } = visits(outcome.program);
    expect(total).toBe(distinct);
  });
});

import { describe, expect, it } from 'vitest';
import { exceedsParseNesting, MAX_BRACKET_NESTING, MAX_TEMPLATE_NESTING } from '../../src/analysis/nesting-depth.js';

const nested = (open: string, close: string, depth: number, inner = '1') => open.repeat(depth) + inner + close.repeat(depth);
const templates = (depth: number): string => {
  let text = '1';
  for (let i = 0; i < depth; i++) text = `\`\${${text}}\``;
  return `x = ${text};`;
};

describe('exceedsParseNesting', () => {
  // Many flat substitutions make the full scan run; they nest one level only.
  const flat = `const x = \`${'${a}'.repeat(MAX_TEMPLATE_NESTING + 5)}\`;\n`;
  it.each([
    ['brackets under the limit (with the scan running)', flat + nested('(', ')', MAX_BRACKET_NESTING), false],
    ['brackets over the limit (with the scan running)', flat + nested('(', ')', MAX_BRACKET_NESTING + 1), true],
    ['100k nested arrays', nested('[', ']', 100_000), true],
    ['brackets over the limit without any template', nested('(', ')', MAX_BRACKET_NESTING + 1), true],
    ['templates at the limit', templates(MAX_TEMPLATE_NESTING), false],
    ['600 nested templates (V8 aborts on these)', templates(600), true],
    ['many flat substitutions', flat.repeat(20), false],
  ])('%s -> %s', (_name, source, expected) => {
    expect(exceedsParseNesting(source)).toBe(expected);
  });

  it.each([
    ['strings', `const s = "${'('.repeat(5000)}"; const t = '${'['.repeat(5000)}';`],
    ['comments', `// ${'('.repeat(5000)}\n/* ${'{'.repeat(5000)} */ f();`],
    ['template text', `const t = \`${'('.repeat(5000)}\${a}${'['.repeat(5000)}\`;`],
    ['regex literals', `const r = /${'\\('.repeat(3000)}[(]{2}/g; if (x) return /(((/.test(y);`],
    ['a division is not a regex', `a = b / (c) / d; e = f[0] / 2; ${'g((1));'.repeat(2000)}`],
  ])('does not count brackets inside %s', (_name, source) => {
    expect(exceedsParseNesting(flat + source)).toBe(false);
  });

  it('is linear: a 4 MB ordinary line is scanned without blowing up', () => {
    const line = 'a=function(b){return[b,{c:(d)=>d}]};'.repeat(110_000);
    expect(exceedsParseNesting(flat + line)).toBe(false);
  });
});

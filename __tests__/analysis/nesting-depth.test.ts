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

  // Small limits make the count exact: each case is `depth` deep, so false at `depth` and true below it.
  it.each([
    ['quotes escaped inside strings', `f("a\\")(", 'b\\')[')`, 1],
    ['a string cut by a line break', `f("abc\n(x))`, 2],
    ['a line comment', `// ((\n(a)`, 1],
    ['a line comment ending in CRLF', `// ((\r\n(a)`, 1],
    ['a block comment', `/* (( */ (a)`, 1],
    ['a block comment open at the end', `(a) /* ((`, 1],
    ['a string open at the end, after an escape', `(a) "((\\`, 1],
    ['a regex after (', `f(/[(/]\\//)`, 1],
    ['a regex class holding ] and (', `x = /[\\]((]/; (a)`, 1],
    ['a regex cut by a line break', `x = /((\n(a)`, 1],
    ['a regex at the start of the file', `/((/; (a)`, 1],
    ['a regex right after return', `f(function(){return/((/})`, 2],
    ['a regex right after typeof', `(typeof/((/)`, 1],
    ['a regex after return and spaces', `f(function(){ return  /((/ })`, 2],
    ['a regex after a keyword and a line break', `(a instanceof\n/[(]/)`, 1],
    ['a regex right after instanceof, the longest keyword', `(a instanceof/((/)`, 1],
    ['a regex after a comment after (', `f( /* c */ /((/ )`, 1],
    ['a division after )', `(a) / ((b)) / 2`, 2],
    ['a division after a name and a space', `a / ((b)) / 2`, 2],
    ['a division after a non-ASCII name', `名前 / ((b)) / 2`, 2],
    ['a division after a regex', `x = /a/ / ((b)) / 2`, 2],
    ['a division after a name ending in a keyword', `(xreturn/((b))/2)`, 3],
    ['a division after a long name ending in a keyword', `(a.xxinstanceof/((b))/2)`, 3],
    ['a division after a comment after a name', `a /* c */ / ((b)) / 2`, 2],
    ['template text around a substitution', 'x = `((${ (a) }((`', 2],
    ['an escaped backtick and ${ in template text', 'x = `\\`(\\${(`; (a)', 1],
    ['a $ without { in template text', 'x = `$((`; (a)', 1],
    ['a template open at the end', '(a) `${', 1],
    ['a template open at the end, after an escape', '(a) `((\\', 1],
    ['braces inside a substitution', 'x = `${ {a: `${ (b) }`} }`', 4],
  ])('counts %s as %i deep', (_name, source, depth) => {
    expect(exceedsParseNesting(source, depth)).toBe(false);
    expect(exceedsParseNesting(source, depth - 1)).toBe(true);
  });

  it.each([1, 2, 5])('counts %i nested templates exactly', (depth) => {
    expect(exceedsParseNesting(templates(depth), MAX_BRACKET_NESTING, depth)).toBe(false);
    expect(exceedsParseNesting(templates(depth), MAX_BRACKET_NESTING, depth - 1)).toBe(true);
  });

  it('is linear: a 4 MB ordinary line is scanned without blowing up', () => {
    const line = 'a=function(b){return[b,{c:(d)=>d}]};'.repeat(110_000);
    expect(exceedsParseNesting(flat + line)).toBe(false);
  });
});

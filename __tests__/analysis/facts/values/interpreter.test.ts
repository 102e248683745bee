import { Buffer } from 'node:buffer';
import fc from 'fast-check';
import type { Node } from 'acorn';
import { describe, expect, it } from 'vitest';
import { type StaticValue, evaluateDecoded, evaluateStatic, stringsOf } from '../../../../src/analysis/facts/values/evaluate.js';
import { MAX_CALL_DEPTH } from '../../../../src/analysis/facts/values/interpreter.js';
import { decodeSnippet, literal, readSnippet, snippetStrings } from './resolver.js';

// Encoders the test applies to a known list; the evaluator must give the list back.
function xorBytesBase64(text: string, key: number): string {
  return Buffer.from(text.split('').map((char) => char.charCodeAt(0) ^ key)).toString('base64');
}
function xorWithKey(text: string, key: string): string {
  return text.split('').map((char, index) =>
    String.fromCharCode(char.charCodeAt(0) ^ key.charCodeAt(index % key.length)),
  ).join('');
}
function shift(text: string, by: number): string {
  return text.split('').map((char) => String.fromCharCode((char.charCodeAt(0) + by + 65_536) % 65_536)).join('');
}
function hex(text: string): string {
  return Buffer.from(text, 'utf8').toString('hex');
}
function base64(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64');
}
function reversed(text: string): string {
  return text.split('').reverse().join('');
}
function rot13(text: string): string {
  return text.replace(/[a-z]/g, (char) => String.fromCharCode(((char.charCodeAt(0) - 97 + 13) % 26) + 97));
}

const TIMEZONES = ['Europe/Moscow', 'Europe/Minsk', 'Asia/Tehran'];
const DOMAINS = ['corp.example', 'bank.example', 'gov.example'];
const TZ_LIST = TIMEZONES.join(',');
const DOMAIN_LIST = DOMAINS.join(',');

describe('decoding helpers called with literal arguments', () => {
  it.each<[string, string, string[]]>([
    [
      'a decoder whose loop sits in a try block that completes (bundlers wrap module code in try)',
      `function d(s) { let o = ''; try { for (const c of s) o += String.fromCharCode(c.charCodeAt(0) ^ 1); } finally { o += ''; } return o.split(','); }
       const L = d(${literal(Array.from('a.example,b.example', (c) => String.fromCharCode(c.charCodeAt(0) ^ 1)).join(''))});`,
      ['a.example', 'b.example'],
    ],
    [
      'XOR over base64 bytes, key in a module const',
      `const K = 42;
       function d(s) { return Array.from(Buffer.from(s, 'base64'), b => String.fromCharCode(b ^ K)).join(''); }
       const L = [${DOMAINS.map((domain) => literal(xorBytesBase64(domain, 42))).join(', ')}].map(d);`,
      DOMAINS,
    ],
    [
      'the same, minified',
      `var a=42;function b(c){return Array.from(Buffer.from(c,"base64"),function(e){return String.fromCharCode(e^a)}).join("")}var f=[${DOMAINS.map((domain) => literal(xorBytesBase64(domain, 42))).join(',')}].map(b);`,
      DOMAINS,
    ],
    [
      'classic loop with a rotating key',
      `function d(s, k) { let o = ''; for (let i = 0; i < s.length; i++) o += String.fromCharCode(s.charCodeAt(i) ^ k.charCodeAt(i % k.length)); return o; }
       const L = d(${literal(xorWithKey(TZ_LIST, 'k3y!'))}, 'k3y!').split(',');`,
      TIMEZONES,
    ],
    [
      'classic loop, minified, key in a module var',
      `var k="s3cr3t";function x(a){for(var b="",c=0;c<a.length;c++)b+=String.fromCharCode(a.charCodeAt(c)^k.charCodeAt(c%k.length));return b}var z=x(${literal(xorWithKey(DOMAIN_LIST, 's3cr3t'))}).split(",");`,
      DOMAINS,
    ],
    [
      'while loop with a Caesar shift',
      `function d(s) { var o = '', i = 0; while (i < s.length) { o += String.fromCharCode(s.charCodeAt(i) - 3); i++; } return o; }
       const L = d(${literal(shift(TZ_LIST, 3))}).split(',');`,
      TIMEZONES,
    ],
    [
      'do-while loop',
      `function d(s) { let o = '', i = 0; do { o += String.fromCharCode(s.charCodeAt(i) + 1); i += 1; } while (i < s.length); return o; }
       const L = d(${literal(shift(DOMAIN_LIST, -1))}).split(',');`,
      DOMAINS,
    ],
    [
      'for...of over the characters',
      `function d(s) { let o = ''; for (const c of s) o += String.fromCharCode(c.charCodeAt(0) ^ 7); return o; }
       const L = d(${literal(xorWithKey(TZ_LIST, '\u0007'))}).split(',');`,
      TIMEZONES,
    ],
    [
      'ROT13 through a replace callback',
      `function r(s) { return s.replace(/[a-z]/g, c => String.fromCharCode((c.charCodeAt(0) - 97 + 13) % 26 + 97)); }
       const L = r(${literal(rot13(DOMAIN_LIST))}).split(',');`,
      DOMAINS,
    ],
    [
      'map with the index and a repeating key, arrow in a const',
      `const d = (s, k) => s.split('').map((c, i) => String.fromCharCode(c.charCodeAt(0) ^ k.charCodeAt(i % k.length))).join('');
       const L = d(${literal(xorWithKey(TZ_LIST, 'ab'))}, 'ab').split(',');`,
      TIMEZONES,
    ],
    [
      'function expression in a const: base64 then reversed',
      `const d = function (s) { return atob(s).split('').reverse().join(''); };
       const L = [${DOMAINS.map((domain) => literal(Buffer.from(reversed(domain), 'latin1').toString('base64'))).join(', ')}].map(d);`,
      DOMAINS,
    ],
    [
      'hex pairs through parseInt',
      `function h(s) { let o = ''; for (let i = 0; i < s.length; i += 2) o += String.fromCharCode(parseInt(s.substr(i, 2), 16)); return o; }
       const L = h(${literal(Buffer.from(TZ_LIST, 'latin1').toString('hex'))}).split(',');`,
      TIMEZONES,
    ],
    [
      'char codes shifted by map and applied',
      `const C = [${Array.from(shift('ru,by', 1), (char) => char.charCodeAt(0)).join(',')}];
       const s = String.fromCharCode.apply(null, C.map(c => c - 1)).split(',');`,
      ['ru', 'by'],
    ],
    [
      'JSON inside base64',
      `const L = JSON.parse(atob(${literal(base64(JSON.stringify(TIMEZONES)))}));`,
      TIMEZONES,
    ],
    [
      'TextDecoder over bytes built from atob',
      `const L = new TextDecoder().decode(Uint8Array.from(atob(${literal(base64(DOMAIN_LIST))}), c => c.charCodeAt(0))).split(',');`,
      DOMAINS,
    ],
    [
      'nested helpers, hoisted inner function and module table',
      `const T = { a: 'Europe/', b: 'Asia/' };
       function z(p, n) { function j(x, y) { return T[x] + y; } return j(p, n); }
       const L = [z('a', 'Moscow'), z('a', 'Minsk'), z('b', 'Tehran')];`,
      TIMEZONES,
    ],
    [
      'control flow flattened into a switch',
      `function d(s) { const order = '2|0|1'.split('|'); let i = 0, out = []; while (true) { switch (order[i++]) {
         case '0': out.push(s.split(',')[1]); continue;
         case '1': out.push(s.split(',')[2]); continue;
         case '2': out.push(s.split(',')[0]); continue; }
         break; } return out; }
       const L = d(${literal(TZ_LIST)});`,
      TIMEZONES,
    ],
    [
      'object lookup table built by reduce',
      `const L = ${literal(TZ_LIST)}.split(',').reduce((o, k) => (o[k] = 1, o), {});`,
      TIMEZONES,
    ],
    [
      'regex built from a decoded list',
      `const L = new RegExp('^(' + atob(${literal(base64(DOMAINS.map((domain) => domain.replace('.', '\\.')).join('|')))}) + ')$', 'i');`,
      DOMAINS,
    ],
    [
      'destructured parameters, defaults and rest',
      `function d({ s, k = 5 }, ...rest) { const [a, b] = rest; return s.split('').map(c => String.fromCharCode(c.charCodeAt(0) ^ k)).join('') + a + b; }
       const L = d({ s: ${literal(xorWithKey('Europe/Mos', '\u0005'))} }, 'co', 'w');`,
      ['Europe/Moscow'],
    ],
    [
      'arguments, for...in and a closure over a loop variable',
      `function d() { const fns = []; for (let i = 0; i < arguments.length; i++) fns.push(() => arguments[i].toUpperCase()); const o = []; for (const k in fns) o.push(fns[k]()); return o; }
       const L = d('ru', 'by');`,
      ['RU', 'BY'],
    ],
  ])('%s', (_name, source, expected) => {
    expect(snippetStrings(source)).toEqual(expected);
  });
});

describe('unknowns are null, never a guess', () => {
  it.each<[string, string]>([
    ['a call of an unknown function', "const x = decode('abc');"],
    ['Math.random', 'const x = Math.random();'],
    ['Date.now', 'const x = Date.now();'],
    ['process.env', 'const x = process.env.HOME;'],
    ['require', "const x = require('os').hostname();"],
    ['eval', "const x = eval('1 + 1');"],
    ['Function constructor', "const x = new Function('return 1')();"],
    ['this', 'const x = this.list;'],
    ['a parameter of a helper called without it', 'function d(s) { return s; } const x = d();'],
    ['a helper reading the environment', 'function d(s) { return s + process.env.HOME; } const x = d("a");'],
    ['a helper that throws', 'function d() { throw new Error("no"); } const x = d();'],
    ['a try block that throws', 'function d() { try { throw new Error("x"); } catch { return "b"; } } const x = d();'],
    ['Math.random inside a map', "const x = ['a'].map(c => c + Math.random());"],
    ['an inherited member', 'const x = ({}).toString();'],
    ['an infinite loop', 'function d() { let i = 0; for (;;) { i++; } } const x = d();'],
    ['an infinite while', "function d() { while (true) {} } const x = d();"],
    ['a string growing without end', "function d() { let s = 'a'; while (true) s += s; } const x = d();"],
    ['an array growing without end', 'function d() { const a = []; for (;;) a.push(1); } const x = d();'],
    ['a huge repeat', "const x = 'ab'.repeat(1 << 20);"],
    ['a big array turned to text again and again', "function f() { const a = Array.from({ length: 100000 }, () => 'x'); let n = 0; for (;;) n += (a + '').length; } const x = f();"],
    ['a long string copied again and again', "function f() { let s = 'a'; for (let i = 0; i < 19; i++) s += s; for (;;) { const t = s + 'x'; t.charCodeAt(0); } } const x = f();"],
    ['a big array spread again and again', 'function f() { const a = Array.from({ length: 90000 }, (_, i) => i); for (;;) [...a]; } const x = f();'],
    ['a cyclic definition', 'const a = b; const b = a; const x = a;'],
    ['a self-referencing definition', "const a = a + 'x'; const x = a;"],
    ['unbounded recursion', "function f(n) { return 'a' + f(n + 1); } const x = f(0);"],
    ['assignment to module state', "let n = 'a'; function f() { n = 'b'; return n; } const x = f();"],
    ['assignment to a constant', "function f() { const a = 'x'; a = 'y'; return a; } const x = f();"],
    ['a catastrophic regex', `const x = ${literal('a'.repeat(30))}.replace(/(a+)+b/, '');`],
    ['a getter', "const x = ({ get a() { return 'x'; } }).a;"],
    ['an async helper', "async function f() { return 'x'; } const x = f();"],
    ['undefined', 'const x = undefined;'],
    ['a function value', 'const x = function () {};'],
  ])('%s', (_name, source) => {
    expect(decodeSnippet(source)).toBeNull();
  });
});

describe('limits', () => {
  it('allows recursion up to the call depth and no further', () => {
    const source = (n: number): string => `function f(n) { return n <= 0 ? '' : 'a' + f(n - 1); } const x = f(${n});`;
    expect(snippetStrings(source(MAX_CALL_DEPTH - 1))).toEqual(['a'.repeat(MAX_CALL_DEPTH - 1)]);
    expect(snippetStrings(source(MAX_CALL_DEPTH + 1))).toBeNull();
  });

  it('stops a loop when the shared budget runs out and leaves it spent', () => {
    const { target, resolve } = readSnippet(
      "function d() { let o = ''; for (let i = 0; i < 1000; i++) o += 'a'; return o; } const x = d();",
    );
    const small = { steps: 500 };
    expect(evaluateStatic(target, resolve, small)).toBeNull();
    expect(small.steps).toBeLessThan(0);
    const large = { steps: 100_000 };
    expect(evaluateStatic(target, resolve, large)).toEqual({ kind: 'string', value: 'a'.repeat(1000) });
    expect(large.steps).toBeGreaterThan(0);
    expect(large.steps).toBeLessThan(100_000 - 1000);
  });

  it('folds a 100k-long left-nested concatenation without recursing, and gives up within the default budget', () => {
    let chain: Node = { type: 'Literal', value: 'a', start: 0, end: 0 } as Node;
    for (let i = 1; i < 100_000; i++) {
      const right = { type: 'Literal', value: 'a', start: 0, end: 0 };
      chain = { type: 'BinaryExpression', operator: '+', left: chain, right, start: 0, end: 0 } as Node;
    }
    expect(evaluateStatic(chain, () => null)).toBeNull();
    // Past FREE_CONCATENATION_LENGTH each link pays for its length: a long chain needs a large budget.
    expect(evaluateStatic(chain, () => null, { steps: 50_000_000 })).toEqual({ kind: 'string', value: 'a'.repeat(100_000) });
  });

  it('folds a 100k-long numeric chain in linear time', () => {
    let chain: Node = { type: 'Literal', value: 1, start: 0, end: 0 } as Node;
    for (let i = 1; i < 100_000; i++) {
      const right = { type: 'Literal', value: 1, start: 0, end: 0 };
      chain = { type: 'BinaryExpression', operator: '+', left: chain, right, start: 0, end: 0 } as Node;
    }
    expect(evaluateStatic(chain, () => null, { steps: 1_000_000 })).toEqual({ kind: 'number', value: 100_000 });
  });

  it('returns null for a 100k-deep right-nested chain instead of overflowing the stack', () => {
    let chain: Node = { type: 'Literal', value: 'a', start: 0, end: 0 } as Node;
    for (let i = 1; i < 100_000; i++) {
      const left = { type: 'Literal', value: 'a', start: 0, end: 0 };
      chain = { type: 'BinaryExpression', operator: '+', left, right: chain, start: 0, end: 0 } as Node;
    }
    expect(evaluateStatic(chain, () => null, { steps: 10_000_000 })).toBeNull();
  });

  it('returns null for deeply nested arrays and for a self-containing array', () => {
    const nested = (depth: number): string => `const x = ${'['.repeat(depth)}'a'${']'.repeat(depth)};`;
    expect(snippetStrings(nested(20))).toEqual(['a']);
    expect(decodeSnippet(nested(500))).toBeNull();
    expect(decodeSnippet('function f() { const a = []; a.push(a); return a; } const x = f();')).toBeNull();
  });

  it('returns null rather than throwing when the caller has already used up most of the JS stack', () => {
    // 300 nested unary minus: deep evaluation, a plain value.
    const { target, resolve } = readSnippet(`const x = ${'- '.repeat(300)}1;`);
    const probe = (depth: number): number => {
      try {
        return probe(depth + 1);
      } catch {
        return depth;
      }
    };
    const available = probe(0);
    const evaluateAt = (depth: number): StaticValue | null => (depth === 0 ? evaluateStatic(target, resolve) : evaluateAt(depth - 1));
    const answers: Array<StaticValue | null> = [];
    for (let depth = available - 20; depth >= 0 && answers.at(-1) == null; depth -= Math.max(20, Math.floor(available / 100))) {
      answers.push(evaluateAt(depth));
    }
    expect(answers[0]).toBeNull();
    expect(answers.at(-1)).toEqual({ kind: 'number', value: 1 });
  });
});

describe('encodings the report names', () => {
  it.each<[string, string]>([
    ["const x = ['Europe/Moscow'];", 'literal'],
    ["const x = 'Eur' + 'ope/Moscow';", 'concatenation'],
    ["const x = 'ru,by'.split(',');", 'split'],
    ["const x = 'ur'.split('').reverse().join('');", 'split+reversed'],
    [
      `const K = 42; function d(s) { return Array.from(Buffer.from(s, 'base64'), b => String.fromCharCode(b ^ K)).join(''); } const x = [${literal(xorBytesBase64('corp', 42))}].map(d);`,
      'base64+xor+char-codes',
    ],
    [
      `function d(s) { let o = ''; for (let i = 0; i < s.length; i++) o += String.fromCharCode(s.charCodeAt(i) - 3); return o; } const x = d(${literal(shift('corp', 3))}).split(',');`,
      'add-shift+char-codes+split',
    ],
    [`const x = Buffer.from(${literal(hex('corp'))}, 'hex').toString();`, 'hex'],
    [
      `function r(s) { return s.replace(/[a-z]/g, c => String.fromCharCode((c.charCodeAt(0) - 97 + 13) % 26 + 97)); } const x = r(${literal(rot13('corp,bank'))}).split(',');`,
      'add-shift+char-codes+split',
    ],
    ["const x = decodeURIComponent('%72%75');", 'uri'],
    ['const x = (1295).toString(36);', 'radix'],
  ])('%s -> %s', (source, encoding) => {
    expect(decodeSnippet(source)?.encoding).toBe(encoding);
  });
});

describe('round trips through encodings built by the test', () => {
  const item = fc.string({ unit: 'binary', minLength: 1, maxLength: 12 });
  const list = fc.array(item, { minLength: 1, maxLength: 5 });
  const latin1 = fc.string({ unit: fc.integer({ min: 0, max: 255 }).map((code) => String.fromCharCode(code)), minLength: 1, maxLength: 12 });
  const runs = { numRuns: 40 };

  function roundTrip(helper: string, encoded: readonly string[], extra = ''): string[] | null {
    return snippetStrings(`${helper}\nconst L = [${encoded.map(literal).join(', ')}].map(s => d(s${extra}));`);
  }

  it('XOR with a rotating key, in a classic loop', () => {
    fc.assert(
      fc.property(list, fc.string({ unit: 'binary', minLength: 1, maxLength: 6 }), (strings, key) => {
        const helper = `function d(s, k) { let o = ''; for (let i = 0; i < s.length; i++) o += String.fromCharCode(s.charCodeAt(i) ^ k.charCodeAt(i % k.length)); return o; }`;
        expect(roundTrip(helper, strings.map((text) => xorWithKey(text, key)), `, ${literal(key)}`)).toEqual(strings);
      }),
      runs,
    );
  });

  it('XOR over base64 bytes with a numeric key', () => {
    fc.assert(
      fc.property(fc.array(latin1, { minLength: 1, maxLength: 5 }), fc.integer({ min: 0, max: 255 }), (strings, key) => {
        const helper = `const K = ${key}; function d(s) { return Array.from(Buffer.from(s, 'base64'), b => String.fromCharCode(b ^ K)).join(''); }`;
        expect(roundTrip(helper, strings.map((text) => xorBytesBase64(text, key)))).toEqual(strings);
      }),
      runs,
    );
  });

  it('base64 of UTF-8, through Buffer', () => {
    fc.assert(
      fc.property(list, (strings) => {
        const helper = "const d = s => Buffer.from(s, 'base64').toString('utf8');";
        expect(roundTrip(helper, strings.map(base64))).toEqual(strings);
      }),
      runs,
    );
  });

  it('hex of UTF-8, through Buffer', () => {
    fc.assert(
      fc.property(list, (strings) => {
        const helper = "function d(s) { return Buffer.from(s, 'hex').toString(); }";
        expect(roundTrip(helper, strings.map(hex))).toEqual(strings);
      }),
      runs,
    );
  });

  it('reversed code units', () => {
    fc.assert(
      fc.property(list, (strings) => {
        const helper = "const d = s => s.split('').reverse().join('');";
        expect(roundTrip(helper, strings.map(reversed))).toEqual(strings);
      }),
      runs,
    );
  });

  it('char codes spread into fromCharCode', () => {
    fc.assert(
      fc.property(list, (strings) => {
        const source = `const L = [${strings
          .map((text) => `String.fromCharCode(...[${text.split('').map((_, i) => text.charCodeAt(i)).join(',')}])`)
          .join(', ')}];`;
        expect(snippetStrings(source)).toEqual(strings);
      }),
      runs,
    );
  });

  it('an add shift over char codes with wrap-around', () => {
    fc.assert(
      fc.property(list, fc.integer({ min: 1, max: 65_535 }), (strings, by) => {
        const helper = `const d = s => s.split('').map(c => String.fromCharCode((c.charCodeAt(0) + ${by}) % 65536)).join('');`;
        expect(roundTrip(helper, strings.map((text) => shift(text, -by)))).toEqual(strings);
      }),
      runs,
    );
  });

  it('a list joined, encoded once, decoded and split', () => {
    const word = fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz./-_'), minLength: 1, maxLength: 10 });
    fc.assert(
      fc.property(fc.array(word, { minLength: 1, maxLength: 8 }), fc.integer({ min: 1, max: 255 }), (words, key) => {
        const encoded = xorBytesBase64(words.join(','), key);
        const source = `const k = ${key}; function d(s) { const b = Buffer.from(s, 'base64'); let o = ''; for (const x of b) o += String.fromCharCode(x ^ k); return o; } const L = d(${literal(encoded)}).split(',');`;
        const decoded = decodeSnippet(source);
        expect(decoded === null ? null : stringsOf(decoded.value)).toEqual(words);
        expect(decoded?.encoding).toBe('base64+xor+char-codes+split');
      }),
      runs,
    );
  });
});

describe('evaluateDecoded', () => {
  it('gives the same value as evaluateStatic, with the encoding alongside', () => {
    const { target, resolve } = readSnippet("const x = atob('cnUsYnk=').split(',');");
    expect(evaluateDecoded(target, resolve)).toEqual({
      value: evaluateStatic(target, resolve),
      encoding: 'base64+split',
    });
  });
});

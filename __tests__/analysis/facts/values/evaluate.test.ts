import { parse, parseExpressionAt } from 'acorn';
import { describe, expect, it } from 'vitest';
import {
  type StaticValue,
  MAX_CONCAT_PARTS,
  encodingOf,
  evaluateStatic,
  staticString,
  stringsOf,
} from '../../../../src/analysis/facts/values/evaluate.js';
import { readSnippet, topLevelResolver } from './resolver.js';

describe('staticString', () => {
  const expression = (code: string) => parseExpressionAt(code, 0, { ecmaVersion: 'latest' });

  it.each([
    ["'env'", 'env'],
    ['`env`', 'env'],
    ["'e' + 'n' + 'v'", 'env'],
    ["'e' + ('n' + `v`)", 'env'],
    ["'v' + 1 + 2", 'v12'],
    ['1 + 2 + "x"', null],
    ['`e${n}v`', null],
    ["'e' - 'n'", null],
    ["String.fromCharCode(101)", null],
    ['name', null],
    ['42', null],
  ])('%s -> %j', (code, value) => {
    expect(staticString(expression(code))).toBe(value);
  });

  it('gives up on concatenations longer than the limit without recursing', () => {
    const long = Array.from({ length: MAX_CONCAT_PARTS + 1 }, () => "'a'").join('+');
    expect(staticString(expression(long))).toBeNull();
    const ok = Array.from({ length: 10 }, () => "'a'").join('+');
    expect(staticString(expression(ok))).toBe('a'.repeat(10));
  });
});

describe('evaluateStatic', () => {
  it.each<[string, StaticValue]>([
    ["const x = 'Europe/Moscow';", { kind: 'string', value: 'Europe/Moscow' }],
    ['const x = 0x72 ^ 0;', { kind: 'number', value: 114 }],
    ['const x = !0;', { kind: 'boolean', value: true }],
    ["const x = ['ru', 1];", { kind: 'array', items: [{ kind: 'string', value: 'ru' }, { kind: 'number', value: 1 }] }],
    ["const x = new Set(['ru', 'ru', 'by']);", { kind: 'array', items: [{ kind: 'string', value: 'ru' }, { kind: 'string', value: 'by' }] }],
    ["const x = Buffer.from('cnU=', 'base64');", { kind: 'bytes', value: Uint8Array.from([114, 117]) }],
    ['const x = /^(ru|by)$/i;', { kind: 'regex', pattern: '^(ru|by)$', flags: 'i' }],
    ["const x = { b: 1, 2: 'two', a: true };", {
      kind: 'object',
      entries: new Map<string, StaticValue>([
        ['2', { kind: 'string', value: 'two' }],
        ['b', { kind: 'number', value: 1 }],
        ['a', { kind: 'boolean', value: true }],
      ]),
    }],
    ["const x = new Map([['ru', 1]]);", { kind: 'object', entries: new Map<string, StaticValue>([['ru', { kind: 'number', value: 1 }]]) }],
  ])('%s', (source, expected) => {
    const { target, resolve } = readSnippet(source);
    expect(evaluateStatic(target, resolve)).toEqual(expected);
  });

  it.each([
    ['null', 'const x = null;'],
    ['an array holding undefined', 'const x = [undefined];'],
    ['an object holding a function', 'const x = { f() {} };'],
  ])('has no StaticValue for %s', (_name, source) => {
    const { target, resolve } = readSnippet(source);
    expect(evaluateStatic(target, resolve)).toBeNull();
  });

  it('asks the resolver only for names its own environment does not bind', () => {
    const { target, program } = readSnippet("const K = 1; function d(s) { const t = s + K; return t; } const x = d('a');");
    const asked: string[] = [];
    const resolve = topLevelResolver(program);
    const value = evaluateStatic(target, (identifier) => {
      asked.push(identifier.name);
      return resolve(identifier);
    });
    expect(value).toEqual({ kind: 'string', value: 'a1' });
    expect(asked.sort()).toEqual(['K', 'd']);
  });

  it('treats a binding position the resolver returns as a known name with an unknown value', () => {
    const { target, program } = readSnippet('function f(tz) { return tz; } const x = f;');
    const fn = program.body[0];
    if (fn?.type !== 'FunctionDeclaration') throw new Error('expected a function');
    const param = fn.params[0];
    if (param === undefined) throw new Error('expected a parameter');
    const call = parseExpressionAt("tz + 'x'", 0, { ecmaVersion: 'latest' });
    expect(evaluateStatic(call, () => param)).toBeNull();
    expect(evaluateStatic(target, topLevelResolver(program))).toBeNull();
  });

  it('never throws, whatever the resolver hands back', () => {
    const call = parseExpressionAt('a + b', 0, { ecmaVersion: 'latest' });
    const program = parse('class C {} import("x"); label: for (;;) break label;', { ecmaVersion: 'latest', sourceType: 'module' });
    for (const node of program.body) expect(evaluateStatic(call, () => node)).toBeNull();
  });
});

describe('stringsOf', () => {
  const string = (value: string): StaticValue => ({ kind: 'string', value });
  it.each<[string, StaticValue, string[] | null]>([
    ['a string', string('ru'), ['ru']],
    ['an array of strings', { kind: 'array', items: [string('ru'), string('by')] }, ['ru', 'by']],
    ['nested arrays, other items skipped', {
      kind: 'array',
      items: [{ kind: 'array', items: [string('ru'), { kind: 'number', value: 1 }] }, string('by')],
    }, ['ru', 'by']],
    ['an empty array', { kind: 'array', items: [] }, []],
    ['an array without strings', { kind: 'array', items: [{ kind: 'number', value: 1 }] }, null],
    ['an object: its keys', { kind: 'object', entries: new Map([['Europe/Moscow', { kind: 'number', value: 1 }]]) }, ['Europe/Moscow']],
    ['a regex alternation', { kind: 'regex', pattern: '^(Europe\\/Moscow|Asia\\/Tehran)$', flags: '' }, ['Europe/Moscow', 'Asia/Tehran']],
    ['an array of regexes', { kind: 'array', items: [{ kind: 'regex', pattern: 'ru|by', flags: 'i' }] }, ['ru', 'by']],
    ['a regex pattern that is no list', { kind: 'regex', pattern: '^ru.*$', flags: '' }, null],
    ['a number', { kind: 'number', value: 3 }, null],
    ['bytes', { kind: 'bytes', value: Uint8Array.from([1]) }, null],
  ])('%s', (_name, value, expected) => {
    expect(stringsOf(value)).toEqual(expected);
  });

  it('flattens arrays nested far deeper than evaluation ever makes them without recursing', () => {
    let value: StaticValue = { kind: 'string', value: 'ru' };
    for (let i = 0; i < 100_000; i++) value = { kind: 'array', items: [value] };
    expect(stringsOf(value)).toEqual(['ru']);
  });
});

describe('encodingOf', () => {
  it.each([
    ["const x = 'ru';", 'literal'],
    ["const x = atob('cnU=');", 'base64'],
    ["const x = atob('cnU=').split('').reverse().join('');", 'base64+split+reversed'],
    ['const x = unknownName;', 'unknown'],
  ])('%s -> %s', (source, encoding) => {
    const { target, resolve } = readSnippet(source);
    expect(encodingOf(target, resolve)).toBe(encoding);
  });
});

import { describe, expect, it } from 'vitest';
import {
  type Runtime,
  type Value,
  Env,
  MAX_ARRAY_LENGTH,
  NotStatic,
  arrayIndex,
  iterate,
  makeArray,
  ownKeys,
  toStr,
  typeOf,
} from '../../../../src/analysis/facts/values/model.js';

const runtime: Runtime = { call: () => undefined, charge: () => undefined, tag: () => undefined, topLevel: true };

describe('toStr', () => {
  it.each<[string, Value, string]>([
    ['a number', 1.5, '1.5'],
    ['null', null, 'null'],
    ['an array with holes and nesting', makeArray(['a', undefined, null, makeArray([1, 2])]), 'a,,,1,2'],
    ['a Buffer, decoded', { kind: 'bytes', value: Uint8Array.from([114, 117]), buffer: true }, 'ru'],
    ['a Uint8Array, joined', { kind: 'bytes', value: Uint8Array.from([114, 117]), buffer: false }, '114,117'],
    ['a regex', { kind: 'regex', pattern: 'a|b', flags: 'g' }, '/a|b/g'],
    ['an object', { kind: 'object', entries: new Map() }, '[object Object]'],
  ])('%s', (_name, value, expected) => {
    expect(toStr(value, runtime)).toBe(expected);
  });

  it('charges the meter for the size of what it converts', () => {
    const charged: number[] = [];
    toStr(makeArray(['a', makeArray([1, 2, 3])]), { charge: (units) => charged.push(units) });
    expect(charged).toEqual([2, 3]);
  });

  it('has no string for a function, and stops at a self-containing array', () => {
    expect(() => toStr({ kind: 'builtin', name: 'atob' }, runtime)).toThrow(NotStatic);
    const cyclic = makeArray([]);
    cyclic.items.push(cyclic);
    expect(() => toStr(cyclic, runtime)).toThrow(NotStatic);
  });
});

describe('keys and indices', () => {
  it('orders own keys as JS does: integer keys ascending, then insertion order', () => {
    const entries = new Map<string, Value>([['b', 1], ['10', 2], ['a', 3], ['2', 4], ['01', 5]]);
    expect(ownKeys(entries)).toEqual(['2', '10', 'b', 'a', '01']);
  });

  it.each<[Value, number | null]>([
    [0, 0],
    ['7', 7],
    ['07', null],
    [-1, null],
    [1.5, null],
    ['x', null],
  ])('arrayIndex(%j) is %j', (key, expected) => {
    expect(arrayIndex(key)).toBe(expected);
  });
});

describe('iterate', () => {
  it('walks strings by code point and bytes by number', () => {
    expect(iterate('a\u{1f600}', runtime)).toEqual(['a', '\u{1f600}']);
    expect(iterate({ kind: 'bytes', value: Uint8Array.from([1, 2]), buffer: true }, runtime)).toEqual([1, 2]);
    expect(() => iterate(1, runtime)).toThrow(NotStatic);
  });

  it('refuses arrays past the length limit', () => {
    expect(() => makeArray(Array.from({ length: MAX_ARRAY_LENGTH + 1 }, () => 0))).toThrow(NotStatic);
  });
});

describe('Env', () => {
  it('finds names through parents and sends var to the function scope', () => {
    const fn = new Env(null, true);
    const block = new Env(fn, false);
    fn.vars.set('a', { value: 1, mutable: true });
    expect(block.lookup('a')?.value).toBe(1);
    expect(block.lookup('b')).toBeUndefined();
    expect(block.nearestFunctionScope()).toBe(fn);
  });

  it('names types as typeof does', () => {
    expect([typeOf(null), typeOf(makeArray([])), typeOf({ kind: 'builtin', name: 'Math' }), typeOf({ kind: 'builtin', name: 'atob' })]).toEqual([
      'object',
      'object',
      'object',
      'function',
    ]);
  });
});

import type { Expression } from 'acorn';
import { parseExpressionAt } from 'acorn';
import { describe, expect, it } from 'vitest';
import { memberName, propertyKey, somePatternKey } from '../../../src/analysis/facts/member-name.js';
import { parse } from '../../../src/analysis/parse.js';

function expression(code: string): Expression {
  return parseExpressionAt(code, 0, { ecmaVersion: 'latest' });
}

describe('memberName', () => {
  it.each([
    ['o.env', 'env'],
    ["o['env']", 'env'],
    ["o['e' + 'nv']", 'env'],
    ['o[`env`]', 'env'],
    ['o[0]', '0'],
    ['o[key]', null],
    ['o[`e${x}`]', null],
    ['f()', null],
  ])('%s names %j', (code, name) => {
    expect(memberName(expression(code))).toBe(name);
  });

  it('gives no name to a #private member', () => {
    const klass = expression('class K { #p; m(o) { return o.#p; } }');
    let found: unknown = 'not found';
    JSON.stringify(klass, (_key, value: unknown) => {
      const node = value as { type?: string; property?: { type?: string } } | null;
      if (node?.type === 'MemberExpression' && node.property?.type === 'PrivateIdentifier') {
        found = memberName(node as unknown as Expression);
      }
      return value;
    });
    expect(found).toBeNull();
  });
});

describe('propertyKey', () => {
  it('reads object keys, computed or not', () => {
    const object = expression("({ a: 1, 'b': 2, ['c' + 'd']: 3, [e]: 4, 5: 6, ...f })");
    if (object.type !== 'ObjectExpression') throw new Error('not an object');
    const keys = object.properties.map((p) => (p.type === 'Property' ? propertyKey(p.key, p.computed) : 'spread'));
    expect(keys).toEqual(['a', 'b', 'cd', null, '5', 'spread']);
  });
});

describe('somePatternKey', () => {
  function pattern(code: string) {
    const outcome = parse(`const ${code} = x;`);
    if (!outcome.ok) throw new Error(outcome.reason);
    const declaration = outcome.program.body[0];
    if (declaration?.type !== 'VariableDeclaration') throw new Error('no declaration');
    return (declaration.declarations[0] as { id: Parameters<typeof somePatternKey>[0] }).id;
  }
  it.each([
    ['{a, b}', ['a', 'b']],
    ["{env: {TZ: zone = 'UTC'}, ['ho' + 'me']: h}", ['env', 'TZ', 'home']],
    ['{a: {b: {c}} = {}, ...rest}', ['a', 'b', 'c']],
    ['{[k]: v}', []],
  ])('%s has the keys %j, nested ones included', (code, keys) => {
    const seen: string[] = [];
    expect(somePatternKey(pattern(code), (key) => (seen.push(key), false))).toBe(false);
    expect(seen.sort()).toEqual([...keys].sort());
    if (keys.length > 0) expect(somePatternKey(pattern(code), (key) => key === keys[keys.length - 1])).toBe(true);
  });
});

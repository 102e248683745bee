import type { AnyNode, Node } from 'acorn';
import { describe, expect, it } from 'vitest';
import { findReads } from '../../../src/analysis/facts/flow.js';
import { References } from '../../../src/analysis/facts/references.js';
import { createScope } from '../../../src/analysis/facts/scope.js';
import { parse } from '../../../src/analysis/parse.js';
import { walk } from '../../../src/analysis/walk.js';

function program(code: string) {
  const outcome = parse(code);
  if (!outcome.ok) throw new Error(outcome.reason);
  return outcome.program;
}

/** Brute force: identifiers named `name` in range, minus property names, in source order. */
function expected(code: string, name: string, scope: Node): number[] {
  const root = program(code);
  const propertyNames = new Set<Node>();
  const found: Node[] = [];
  walk(root, (node) => {
    const current = node as AnyNode;
    if (current.type === 'MemberExpression' && !current.computed) propertyNames.add(current.property);
    if ((current.type === 'Property' || current.type === 'MethodDefinition') && !current.computed && current.key !== current.value) {
      propertyNames.add(current.key);
    }
  });
  walk(root, (node) => {
    const current = node as AnyNode;
    if (current.type === 'Identifier' && current.name === name && !propertyNames.has(node) && node.start >= scope.start && node.end <= scope.end) found.push(node);
  });
  return found.map((node) => node.start).sort((a, b) => a - b);
}

describe('References', () => {
  it('lists variable references of a name in a scope, not property names', () => {
    const code = 'const a = 1; o.a = a; const p = { a: a, b() { return a; }, [a]: 2 }; function f(a) { return a + x.a; }';
    const root = program(code);
    const refs = new References(findReads(root, createScope()).references);
    expect(refs.in('a', root).map((n) => n.start)).toEqual(expected(code, 'a', root));
    const fn = root.body[3] as Node;
    expect(refs.in('a', fn).map((n) => code.slice(n.start, n.end))).toEqual(['a', 'a']);
  });

  it('finds the same through the buckets in a wide scope, colliding names included', () => {
    // Over the scan limit; `ab`/`ba`-like names share length and end characters with others.
    const names = ['ab', 'ba', 'aab', 'abb', 'a', 'b', '$a', '_b', 'élan', 'x'];
    const code = Array.from({ length: 3_000 }, (_, i) => `${names[i % names.length]}(${names[(i * 7) % names.length]}.ab);`).join('\n');
    const root = program(code);
    const refs = new References(findReads(root, createScope()).references);
    for (const name of [...names, 'missing']) {
      expect(refs.in(name, root).map((n) => n.start)).toEqual(expected(code, name, root));
      const middle = { start: Math.floor(code.length / 3), end: Math.floor((2 * code.length) / 3) } as Node;
      expect(refs.in(name, middle).map((n) => n.start)).toEqual(expected(code, name, middle));
    }
  });
});

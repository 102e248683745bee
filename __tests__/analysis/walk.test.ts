import type { Node, Program } from 'acorn';
import { describe, expect, it } from 'vitest';
import { parse } from '../../src/analysis/parse.js';
import { walk } from '../../src/analysis/walk.js';

function program(source: string): Program {
  const outcome = parse(source);
  if (!outcome.ok) throw new Error(outcome.reason);
  return outcome.program;
}

describe('walk', () => {
  it('walks 100k-deep nesting without overflowing the stack', () => {
    const depth = 100_000;
    let node: Node = { type: 'Identifier', start: 0, end: 1, name: 'x' } as Node;
    for (let i = 0; i < depth; i++) node = { type: 'ArrayExpression', start: 0, end: 1, elements: [node] } as Node;
    const root = {
      type: 'Program',
      start: 0,
      end: 1,
      sourceType: 'script',
      body: [{ type: 'ExpressionStatement', start: 0, end: 1, expression: node }],
    } as Node;
    let visited = 0;
    let deepest = 0;
    walk(root, (_node, ancestors) => {
      visited++;
      deepest = Math.max(deepest, ancestors.length);
    });
    expect(visited).toBe(depth + 3);
    expect(deepest).toBe(depth + 3);
  });

  it('walks node types the table does not know through their own keys', () => {
    const root = {
      type: 'Program',
      start: 0,
      end: 1,
      body: [{ type: 'FutureStatement', start: 0, end: 1, payload: { type: 'Identifier', start: 0, end: 1, name: 'x' } }],
    } as Node;
    const types: string[] = [];
    walk(root, (node) => types.push(node.type));
    expect(types).toEqual(['Identifier', 'FutureStatement', 'Program']);
  });

  it('walks what acorn can parse at depth', () => {
    // acorn's own recursion gives out near a thousand levels; the walk must not be the limit.
    const depth = 300;
    const source = `${'('.repeat(depth)}x${')'.repeat(depth)};`;
    let identifiers = 0;
    walk(program(source), (node) => {
      if (node.type === 'Identifier') identifiers++;
    });
    expect(identifiers).toBe(1);
  });
});

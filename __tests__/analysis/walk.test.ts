import type { Node, Program } from 'acorn';
import { describe, expect, it } from 'vitest';
import { parse } from '../../src/analysis/parse.js';
import { pushChildren } from '../../src/analysis/visitor-keys.js';
import { RECURSION_LIMIT, walk, walkByType } from '../../src/analysis/walk.js';

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

/** The reference order: children by `VISITOR_KEYS` (`pushChildren`), with an explicit stack and no shortcuts. */
function tableOrder(root: Node): Node[] {
  const order: Node[] = [];
  const stack: (Node | { exit: Node })[] = [root];
  while (stack.length > 0) {
    const top = stack.pop() as Node | { exit: Node };
    if ('exit' in top) {
      order.push(top.exit);
      continue;
    }
    stack.push({ exit: top });
    pushChildren(stack, top);
  }
  return order;
}

/** Every syntax the walk reads by name, plus neighbours it leaves to the table. */
const SYNTAX = [
  'a.b; a[b]; a?.b.c; f(x, ...y); new C(1, , 2); (0, a.b)(c);',
  'x = y + z * w || v && u; x ??= y; -x; !x; typeof x; x++; --x;',
  'var a = 1, b; let {c, d: [e, , f] = [], ...g} = h; const [i = 2, ...j] = k;',
  'function f(a, {b}, [c], d = 1, ...e) { return a ? b : c; } function* g() { yield 1; yield* g(); }',
  'const h = async (a, b) => { await a; return; }; const i = (x) => x; (function named() {})();',
  'if (a) b(); else if (c) d(); else { e(); } label: for (;;) { break label; }',
  'for (const k in o) {} for (const v of o) {} while (x) { continue; } do {} while (y);',
  'switch (x) { case 1: a(); break; default: b(); } try { t(); } catch (e) { u(e); } finally { v(); }',
  'class A extends B { static #p = 1; q = 2; static { init(); } constructor() { super(); this.#p; } get r() { return 1; } }',
  'const t = `a${b}c${`d${e}`}`; tag`x${y}`; const o = { a, b: 1, [c]: 2, d() {}, get e() { return 1; }, ...f };',
  '/re/g.test(s); [1, , 2]; x = (1, 2, 3); import.meta.url; import("./m.js");',
  'import d, { a as b, "c" as e } from "m"; import * as ns from "n"; export { b as default2 }; export * as all from "o"; export default 1;',
  'export const z = 1; export function q() {} export * from "p"; import j from "./j.json" with { type: "json" };',
];

describe('walk order', () => {
  it.each(SYNTAX)('visits %s exactly as the visitor-key table orders it', (source) => {
    const root = program(source);
    const visited: Node[] = [];
    walk(root, (node) => visited.push(node));
    expect(visited).toEqual(tableOrder(root));
    const byType: Node[] = [];
    const types = new Set(visited.map((node) => node.type));
    walkByType(root, new Map([...types].map((type) => [type, (node: Node) => byType.push(node)] as const)));
    expect(byType).toEqual(visited);
  });

  it('gives the recursion and the explicit stack the same order and ancestors', () => {
    // A member chain nests without brackets: deeper than the recursion limit, so the walk changes
    // method half way down, and then goes on with a sibling of ordinary depth.
    const depth = RECURSION_LIMIT * 2;
    const source = `f(x${'.a'.repeat(depth)}, y${'[0]'.repeat(depth)}); [${'['.repeat(50)}z${']'.repeat(50)}];`;
    const root = program(source);
    const visited: string[] = [];
    walk(root, (node, ancestors) => {
      expect(ancestors[ancestors.length - 1]).toBe(node);
      visited.push(`${node.type}@${node.start}/${ancestors.length}`);
    });
    const expected = tableOrder(root);
    expect(visited.length).toBe(expected.length);
    expect(visited.map((entry) => entry.slice(0, entry.indexOf('/')))).toEqual(expected.map((node) => `${node.type}@${node.start}`));
  });

  it('calls only the visitors of the types asked for', () => {
    const root = program('a.b(c, "d"); e = 1;');
    const seen: string[] = [];
    walkByType(root, new Map([['Literal', (node: Node) => seen.push(`${node.type}:${node.start}`)]]));
    expect(seen).toEqual(['Literal:7', 'Literal:17']);
  });
});

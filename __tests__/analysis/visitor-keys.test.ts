import { describe, expect, it } from 'vitest';
import { parse } from '../../src/analysis/parse.js';
import { VISITOR_KEYS, visitorKeys } from '../../src/analysis/visitor-keys.js';

/** Syntax of every ESTree node type acorn produces, so the table can be checked against acorn. */
const KITCHEN_SINK = `
import def, { a as b, 'str' as c } from 'm' with { type: 'json' };
import * as ns from 'n';
export { b as d, ns };
export * as all from 'o';
export default class K extends (def) { #p = 1; static { this.x = 1; } get g() { return this.#p; } static m() { super.m(); } }
export const [x = 1, ...rest] = [1, , ...def];
label: for (let i = 0; i < 1; i++) { if (i) continue label; else break label; }
for (const k in ns) ;
for await (const v of []) {}
while (0) {} do {} while (0);
switch (x) { case 1: debugger; default: }
try { throw new Error(); } catch ({ message }) {} finally {}
const o = { a, b: 1, [c]: 2, m() {}, get z() { return 1; }, ...rest };
const { a: aa = 1, ...others } = o;
const f = async function* gen(p = 1, ...q) { yield* q; await p; };
const arrow = (y) => y?.z ?? tag\`t\${y}\`;
function nt() { return new.target; } import.meta.url; import('x', { with: {} });
x = typeof x, !x, -x, x++, x += 1, x && x || x, x ? 1 : 2, 1n, /re/g;
const C = class {};
using;
`;

function collectTypes(source: string): Map<string, Set<string>> {
  const outcome = parse(source);
  if (!outcome.ok) throw new Error(outcome.reason);
  const found = new Map<string, Set<string>>();
  const stack: unknown[] = [outcome.program];
  while (stack.length > 0) {
    const value = stack.pop();
    if (Array.isArray(value)) {
      stack.push(...(value as unknown[]));
      continue;
    }
    if (typeof value !== 'object' || value === null) continue;
    const node = value as Record<string, unknown>;
    if (typeof node.type !== 'string') continue;
    const keys = found.get(node.type) ?? new Set<string>();
    found.set(node.type, keys);
    for (const [key, child] of Object.entries(node)) {
      const isChild = (v: unknown): boolean =>
        typeof v === 'object' && v !== null && typeof (v as { type?: unknown }).type === 'string';
      if (isChild(child) || (Array.isArray(child) && child.some(isChild))) keys.add(key);
      stack.push(child);
    }
  }
  return found;
}

describe('VISITOR_KEYS', () => {
  const found = collectTypes(KITCHEN_SINK);

  it('covers a broad sample of syntax', () => {
    expect(found.size).toBeGreaterThan(60);
  });

  it.each([...found.entries()].map(([type, keys]) => [type, [...keys]] as const))(
    '%s lists every child key acorn fills',
    (type, keys) => {
      expect(VISITOR_KEYS[type]).toBeDefined();
      for (const key of keys) expect(VISITOR_KEYS[type]).toContain(key);
    },
  );

  it('falls back to own keys for unknown node types', () => {
    expect(visitorKeys({ type: 'Future', start: 0, end: 1, left: {}, loc: null } as { type: string })).toEqual(['left']);
  });
});

import type { AnyNode, Node } from 'acorn';
import { describe, expect, it } from 'vitest';
import { FlowAnalysis } from '../../../src/analysis/facts/flow.js';
import { createScope } from '../../../src/analysis/facts/scope.js';
import { parse } from '../../../src/analysis/parse.js';
import { pushChildren } from '../../../src/analysis/visitor-keys.js';

const TZ = 'Intl.DateTimeFormat().resolvedOptions().timeZone';

/** Every node of the program, except identifiers that name a property rather than a variable. */
function referenceNodes(program: Node): Node[] {
  const nodes: Node[] = [];
  const propertyNames = new Set<Node>();
  const stack: Node[] = [program];
  while (stack.length > 0) {
    const node = stack.pop() as AnyNode;
    if (node.type === 'MemberExpression' && !node.computed) propertyNames.add(node.property);
    if ((node.type === 'Property' || node.type === 'MethodDefinition' || node.type === 'PropertyDefinition') && !node.computed) {
      if (node.type !== 'Property' || node.key !== node.value) propertyNames.add(node.key);
    }
    if (!propertyNames.has(node)) nodes.push(node);
    pushChildren(stack, node);
  }
  return nodes;
}

function analyse(code: string): { exhaustive: FlowAnalysis; filtered: FlowAnalysis; nodes: Node[]; text: (n: Node) => string } {
  const outcome = parse(code);
  if (!outcome.ok) throw new Error(outcome.reason);
  // Two analyses of the same tree: memoised answers must not leak from one into the other.
  return {
    exhaustive: new FlowAnalysis(outcome.program, createScope(), { exhaustive: true }),
    filtered: new FlowAnalysis(outcome.program, createScope()),
    nodes: referenceNodes(outcome.program),
    text: (n) => code.slice(n.start, n.end),
  };
}

/** Flows through every step `taintOf` knows, each with a name that must stay unmarked. */
const CASES: [name: string, code: string, quiet: string | null][] = [
  ['a direct read compared', `if (${TZ} === 'Europe/Moscow') x();`, null],
  ['a variable, a transform, a split', "const h = require('os').hostname().toLowerCase().split('.'); const k = other(); use(h[0], k);", 'k'],
  ['destructured env, nested', 'const { env: { TZ: zone } } = process; const plain = 1; check(zone, plain);', 'plain'],
  ['a memoising getter', `let c, d; function tz() { if (!c) c = ${TZ}; return c; } d = 2; tz() === 'x';`, 'd'],
  ['a minified memo with a sequence', `var c,e;function t(){return c||(c=${TZ}),c}e=t();e==="x";var f=e+"";`, null],
  ['a parameter fed by a call site', "function f(v, w) { return v === w; } f(require('os').userInfo().username, 'root');", 'w'],
  ['an arrow returning a read, called by name', 'const g = () => process.env.LANG; const n = () => 1; g() === n();', 'n'],
  ['an immediately called function', '(function () { return navigator.language; })().startsWith("ru");', null],
  ['a function expression calling itself', 'const r = function again(n) { return n ? again(n - 1) : process.env.TZ; }; r(2);', null],
  ['conditional and logical defaults', 'const u = process.env.USER || "x"; const v = cond ? u : "y"; const t = u ? 1 : 2; v === "z";', 't'],
  ['templates, arrays and objects', 'const h = location.hostname; send(`${h}/x`, [h], { h }, { ...{ h } });', null],
  ['hashing', "const d = require('crypto').createHash('sha256').update(process.env.USER).digest('hex'); d === 'ab';", null],
  ['a converter and a machine-id file', "const id = String(require('fs').readFileSync('/etc/machine-id')); id.trim();", null],
  ['new URL(...).hostname', 'const host = new URL(process.env.X_BASE_URL).hostname; const z = new Foo(host); host.endsWith(".cn");', 'z'],
  ['a comparison result is no carrier', `const inRu = ['ru'].includes(${TZ}); const other = inRu; other;`, 'other'],
  ['shadowing in an inner function', `var a = ${TZ}; function f(a) { return a === 'x'; } f(1); a === 'y';`, null],
  ['assignments, chains, awaits', 'let o; async function f() { o = await dns.getServers(); return o?.[0]; } f().then(x => x);', null],
  ['a switch over a read', "switch (require('os').hostname()) { case 'a': break; }", null],
  ['an undeclared variable', "host = require('os').hostname(); other = 1; send(host, other);", 'other'],
  ['properties of shared objects', "globalThis.h = require('os').hostname(); module.exports.u = process.env.USER; exports.k = 1; send(globalThis.h, module.exports.u, exports.k);", null],
  ['an object filled in property by property', "const data = {}, keep = {}; data.host = require('os').hostname(); keep.n = 1; send(JSON.stringify(data), keep);", 'keep'],
  ['array destructuring and disguised reads', "const os = require('os'); const [, fn] = Object.entries(os).find(([k]) => k === 'hostname'); const [a, b] = [1, 2]; const n = String.fromCharCode(104, 111, 115, 116, 110, 97, 109, 101); send(fn(), os[n](), Reflect.get(os, 'userInfo')(), b);", 'b'],
  ['query strings', "const q = require('querystring').stringify({ h: process.env.USER }); const p = new URLSearchParams({ q }); fetch('/?' + p);", null],
];

describe('markCarriers', () => {
  it.each(CASES)('%s: every node taintOf finds is marked', (_name, code, quiet) => {
    const { exhaustive, filtered, nodes, text } = analyse(code);
    const missed = nodes.filter((node) => exhaustive.taintOf(node) !== null && !filtered.mayCarry(node)).map(text);
    expect(missed).toEqual([]);
    // Filtered and exhaustive answers agree node for node.
    const disagree = nodes.filter((node) => (exhaustive.taintOf(node) === null) !== (filtered.taintOf(node) === null));
    expect(disagree.map(text)).toEqual([]);
    expect(nodes.some((node) => filtered.mayCarry(node))).toBe(true);
    if (quiet !== null) {
      const named = nodes.filter((node) => (node as AnyNode).type === 'Identifier' && text(node) === quiet);
      expect(named.length).toBeGreaterThan(0);
      expect(named.filter((node) => filtered.mayCarry(node)).map(text)).toEqual([]);
    }
  });

  it('marks nothing in a file without a source, however much it compares', () => {
    const { filtered, nodes } = analyse("const a = x.y; if (a === 'ru' || ['by'].includes(b)) exit(); function f(v) { return v; } f(a);");
    expect(nodes.filter((node) => filtered.mayCarry(node))).toEqual([]);
  });

  it('stays within the binding: the same one-letter name elsewhere is not marked', () => {
    const code = `function p(e) { return e === 'x'; } function q() { var e = ${TZ}; return e; } p(1); q() === 'y';`;
    const { filtered, nodes, text } = analyse(code);
    const firstE = nodes.filter((node) => (node as AnyNode).type === 'Identifier' && text(node) === 'e' && node.start < code.indexOf('function q'));
    expect(firstE.length).toBe(2);
    expect(firstE.filter((node) => filtered.mayCarry(node))).toEqual([]);
  });
});

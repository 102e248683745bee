import type { Node } from 'acorn';
import { describe, expect, it } from 'vitest';
import { fileFacts } from '../../../src/analysis/facts/file-facts.js';
import { FlowAnalysis, MAX_TAINT_DEPTH, type Taint } from '../../../src/analysis/facts/flow.js';
import { createScope } from '../../../src/analysis/facts/scope.js';
import { parse } from '../../../src/analysis/parse.js';
import { walk } from '../../../src/analysis/walk.js';
import { pushChildren } from '../../../src/analysis/visitor-keys.js';

/** The taint of the argument of the last `sink(...)` call in the code. */
function taintAtSink(code: string): Taint | null {
  const outcome = parse(code);
  if (!outcome.ok) throw new Error(outcome.reason);
  const flow = new FlowAnalysis(outcome.program, createScope());
  const sinks: Node[] = [];
  walk(outcome.program, (node) => {
    const callee = (node as unknown as { callee?: { type: string; name?: string } }).callee;
    if (node.type === 'CallExpression' && callee?.type === 'Identifier' && callee.name === 'sink') sinks.push(node);
  });
  sinks.sort((a, b) => a.start - b.start);
  const last = sinks[sinks.length - 1] as unknown as { arguments: Node[] } | undefined;
  const argument = last?.arguments[0];
  if (argument === undefined) throw new Error('no sink(...) call');
  return flow.taintOf(argument);
}

const TZ = 'Intl.DateTimeFormat().resolvedOptions().timeZone';

describe('FlowAnalysis.taintOf', () => {
  it.each<[string, string, string | null]>([
    ['a direct read', `sink(${TZ});`, 'timezone'],
    ['the locale of the same options object', 'const o = Intl.DateTimeFormat().resolvedOptions();\nsink(o.locale);', 'locale'],
    ['destructured from process.env', 'const { HOSTNAME: h } = process.env;\nsink(h);', 'hostname'],
    ['through a variable and a transform', "const h = require('os').hostname().toLowerCase().split('.');\nsink(h[0]);", 'hostname'],
    ['through new URL(...).hostname', 'sink(new URL(process.env.X_BASE_URL).hostname);', 'endpoint'],
    ['through a template and a || default', 'const u = process.env.USER || "x";\nsink(`u=${u}`);', 'user'],
    ['returned by a helper', 'function g() { return process.env.TZ; }\nsink(g());', 'timezone'],
    ['memoised in a module-level variable', `let c;\nfunction tz() { if (!c) c = ${TZ}; return c; }\nsink(tz());`, 'timezone'],
    ['minified memo with a sequence', `var c;function t(){return c||(c=${TZ}),c}sink(t());`, 'timezone'],
    ['a parameter fed a tainted argument', "function f(v) { sink(v); }\nf(require('os').userInfo().username);", 'user'],
    ['an object holding a source', "sink({ id: require('os').networkInterfaces() });", 'network'],
    ['a file read of a machine id', "sink(require('fs').readFileSync('/etc/machine-id', 'utf8'));", 'machine-id'],
    ['a comparison result is not the value', `sink(['a'].includes(${TZ}));`, null],
    ['a shadowed process is not the environment', 'function f(process) { sink(process.env.USER); }', null],
    ['a plain constant', "sink('Europe/Moscow');", null],
    ['a parameter nobody passes a source', 'function f(v) { sink(v); }\nf(1);', null],
  ])('%s', (_name, code, kind) => {
    expect(taintAtSink(code)?.source.kind ?? null).toBe(kind);
  });

  it('marks a hashed value with its algorithm', () => {
    const taint = taintAtSink("const c = require('crypto');\nsink(c.createHash('sha1').update(require('os').hostname()).digest('hex'));");
    expect(taint).toMatchObject({ hashed: 'sha1', source: { kind: 'hostname' } });
  });

  it('survives cycles and gives up past its depth limit without overflowing', () => {
    expect(taintAtSink('var a = b, b = a;\nsink(a);')).toBeNull();
    const deep = `const v = ${'('.repeat(MAX_TAINT_DEPTH * 3)}process.env.USER${')'.repeat(MAX_TAINT_DEPTH * 3)};\nsink(v);`;
    expect(() => taintAtSink(deep)).not.toThrow();
  });
});

describe('flowFacts', () => {
  const run = (code: string): boolean => {
    const outcome = parse(code);
    if (!outcome.ok) throw new Error(outcome.reason);
    const facts = fileFacts();
    walk(outcome.program, (node, ancestors) => facts.flow.observe(node, ancestors));
    return facts.flow.analysis(outcome.program) !== null;
  };

  it('builds the analysis only for a file that reads a fingerprint', () => {
    expect(run("const x = process.env.NODE_ENV === 'production';")).toBe(false);
    expect(run('const h = location.hash;')).toBe(false);
    expect(run('const h = location.hostname;')).toBe(true);
    expect(run("const { TZ } = process.env;")).toBe(true);
    expect(run("require('fs').readFileSync('/etc/machine-id');")).toBe(true);
  });
});

describe('ParentLinks (found on demand by source range)', () => {
  /** The true parent of every node, from one walk. */
  function trueParents(root: Node): Map<Node, Node> {
    const parents = new Map<Node, Node>();
    const stack: Node[] = [root];
    while (stack.length > 0) {
      const node = stack.pop() as Node;
      const before = stack.length;
      pushChildren(stack, node);
      for (let i = before; i < stack.length; i++) parents.set(stack[i] as Node, node);
    }
    return parents;
  }

  it.each([
    ['statements sharing a range with their expression', 'a; (b); c = d;'],
    ['shorthand properties and defaults (key and value share a range)', 'const {a, b = 1, c: {d = 2} = {}} = x; f({a, b});'],
    ['templates with empty text between substitutions', 'const t = `${a}${b}${`${c}`}`;'],
    ['a wide top level and wide arrays (bisected)', `${'x;'.repeat(200)} const arr = [${'1,'.repeat(100)}, , y, ...z];`],
    ['holes in a long array', `const holes = [${', '.repeat(50)}q, ${', '.repeat(50)}r];`],
    ['classes, getters, optional chains, sequences', 'class K extends L { #p = 1; get g() { return this.#p?.q; } static { (0, m.n)(); } }'],
    ['an empty program part and labels', 'outer: for (const k of ks) { if (k) continue outer; }'],
  ])('%s: every node gets its true parent, asked in any order', (_name, code) => {
    const outcome = parse(code);
    if (!outcome.ok) throw new Error(outcome.reason);
    const expected = trueParents(outcome.program);
    const nodes = [...expected.keys()];
    // Deepest first, then the rest in reverse: links made for one question serve the next.
    const flow = new FlowAnalysis(outcome.program, createScope());
    const asked = [...nodes].reverse();
    for (const node of asked) expect(flow.parents.get(node)).toBe(expected.get(node));
    expect(flow.parents.get(outcome.program)).toBeUndefined();
  });
});

import type { Node } from 'acorn';
import { describe, expect, it } from 'vitest';
import { createScope, modulePath, type RefPath } from '../../../src/analysis/facts/scope.js';
import { parse } from '../../../src/analysis/parse.js';
import { walk } from '../../../src/analysis/walk.js';

/** Resolves the argument of every `probe(...)` call in `code`, in source order. */
function probes(code: string): (string | null)[] {
  const outcome = parse(code);
  if (!outcome.ok) throw new Error(outcome.reason);
  const scope = createScope();
  const results: { start: number; path: RefPath | null }[] = [];
  walk(outcome.program, (node, ancestors) => {
    const call = node as Node & { callee?: Node & { name?: string }; arguments?: Node[] };
    const argument = call.arguments?.[0];
    if (node.type === 'CallExpression' && call.callee?.name === 'probe' && argument !== undefined) {
      results.push({ start: node.start, path: scope.resolve(argument, ancestors) });
    }
  });
  return results.sort((a, b) => a.start - b.start).map((r) => (r.path === null ? null : r.path.join('.')));
}

describe('scope.resolve', () => {
  it.each([
    ['the global process', 'probe(process.env)', ['process.env']],
    ['globalThis and window', 'probe(globalThis.process); probe(window.navigator.language); probe(self.self.Intl)', ['process', 'navigator.language', 'Intl']],
    ['require with any local name', 'const z = require("os"); probe(z.hostname)', ['os.hostname']],
    ['node: prefixed modules', 'const o = require("node:os"); probe(o)', ['os']],
    ['module.require and an aliased require', 'const r = require; probe(r("os")); probe(module.require("dns"))', ['os', 'dns']],
    ['import default, namespace and named', "import a from 'os'; import * as b from 'node:os'; import { hostname as c } from 'os'; probe(a); probe(b.homedir); probe(c)", ['os', 'os.homedir', 'os.hostname']],
    ['destructuring with paths', 'const { env } = process; const { env: { TZ: t } } = process; probe(env.LANG); probe(t)', ['process.env.LANG', 'process.env.TZ']],
    ['computed constant keys', "probe(process['en' + 'v']); probe(process[`env`])", ['process.env', 'process.env']],
    ['alias chains', 'var a = process, b = a, c = b.env; probe(c.CI)', ['process.env.CI']],
    ['compiler interop', 'var m = __importDefault(require("os")); var n = _interopRequireWildcard(require("os")); probe(m.default.hostname); probe(n.hostname)', ['os.hostname', 'os.hostname']],
    ['sequence and optional chains', 'probe((0, require("os").hostname)); probe(process?.env?.TZ)', ['os.hostname', 'process.env.TZ']],
    ['dynamic import awaited', 'const os = await import("os"); probe(os.hostname)', ['os.hostname']],
    ['hoisted var used before its declaration', 'function f() { probe(o.hostname); if (x) { var o = require("os"); } }', ['os.hostname']],
    ['a redeclaration without value keeps the value', 'var o = require("os"); var o; probe(o)', ['os']],
  ])('follows %s', (_label, code, expected) => {
    expect(probes(code)).toEqual(expected);
  });

  it.each([
    ['a parameter named process', 'function f(process) { probe(process.env) }'],
    ['a local const named os', 'const os = { hostname() {} }; probe(os.hostname)'],
    ['a block-scoped shadow', 'const o = require("os"); { const o = {}; probe(o.hostname) }'],
    ['a catch parameter', 'try {} catch (process) { probe(process.env) }'],
    ['a for-of binding', 'for (const navigator of list) probe(navigator.language)'],
    ['a function declaration', 'function Intl() {} probe(Intl.DateTimeFormat)'],
    ['a class expression name', 'const K = class process { m() { probe(process.env) } }'],
    ['an unknown module', 'const lp = require("left-pad"); probe(lp.pad)'],
    ['a non-constant key', 'probe(process[key])'],
    ['an array pattern', 'const [o] = [require("os")]; probe(o.hostname)'],
    ['two conflicting declarations', 'var o = require("os"); var o = {}; probe(o)'],
    ['a cycle', 'var a = b, b = a; probe(a.x)'],
    ['a require of a prototype key', 'probe(require("constructor"))'],
    ['a member chain longer than the limit', 'probe(process.a.b.c.d.e.f.g.h.i.j)'],
  ])('resolves %s to nothing', (_label, code) => {
    expect(probes(code)).toEqual([null]);
  });

  it('resolves unknown globals to their name (detectors decide what counts)', () => {
    expect(probes('probe(someGlobal.x)')).toEqual(['someGlobal.x']);
  });

  it('survives a very long member chain and deep blocks without recursion', () => {
    const chain = `probe(process${'.a'.repeat(50_000)})`;
    expect(probes(chain)).toEqual([null]);
    const blocks = `function f() { ${'{'.repeat(300)} var o = require("os"); ${'}'.repeat(300)} probe(o) }`;
    expect(probes(blocks)).toEqual(['os']);
  });
});

describe('scope.isGlobal', () => {
  it('tells declared names from globals', () => {
    const outcome = parse('const os = 1; function f(process) { x; }');
    if (!outcome.ok) throw new Error(outcome.reason);
    const scope = createScope();
    const answers: Record<string, boolean> = {};
    walk(outcome.program, (node, ancestors) => {
      if (node.type === 'Identifier' && (node as Node & { name: string }).name === 'x') {
        for (const name of ['os', 'process', 'navigator']) answers[name] = scope.isGlobal(name, ancestors);
      }
    });
    expect(answers).toEqual({ os: false, process: false, navigator: true });
  });
});

describe('modulePath', () => {
  it.each([
    ['os', 'os'],
    ['node:dns/promises', 'dns.promises'],
    ['toString', null],
    ['left-pad', null],
  ])('%s -> %s', (specifier, path) => {
    expect(modulePath(specifier)?.join('.') ?? null).toBe(path);
  });
});

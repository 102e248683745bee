import type { Program } from 'acorn';
import { describe, expect, it } from 'vitest';
import { entryPoints } from '../../src/analysis/entry-points.js';
import { parse } from '../../src/analysis/parse.js';
import { reachability, resolveImport, scanImports, type ReachStep } from '../../src/analysis/reachability.js';

/**
 * Plans a package of `files` (path -> source) and feeds each file's real imports back. The install
 * scripts' inline code joins the analysed files under its name, as `analyzePackage` adds it.
 */
function plan(manifest: unknown, files: Record<string, string>, extra: string[] = []): Record<string, string> {
  const entries = entryPoints(manifest);
  const sources: Record<string, string> = { ...files };
  for (const code of entries.inline) sources[code.name] = code.code;
  const paths = Object.keys(sources);
  const planner = reachability(entries, paths, new Set([...Object.keys(files), ...extra, 'package.json']));
  const kinds: Record<string, string> = {};
  const order: ReachStep[] = [];
  for (let step = planner.next(); step !== undefined; step = planner.next()) {
    order.push(step);
    const outcome = parse(sources[step.file] ?? '');
    planner.record(step.file, outcome.ok && outcome.partial === undefined ? scanImports(outcome.program) : null);
    kinds[step.file] = step.script === undefined ? `${step.kind}/${step.reach}` : `${step.kind}/${step.script}`;
  }
  expect(order.map((step) => step.file).sort()).toEqual([...paths].sort());
  // Handed out ahead of the records wherever the planner allows, the files come out the same.
  const scans = new Map(
    paths.map((path) => {
      const outcome = parse(sources[path] ?? '');
      return [path, outcome.ok && outcome.partial === undefined ? scanImports(outcome.program) : null] as const;
    }),
  );
  const ahead = reachability(entries, paths, new Set([...Object.keys(files), ...extra, 'package.json']));
  const aheadOrder: ReachStep[] = [];
  const unrecorded: ReachStep[] = [];
  for (;;) {
    if (!ahead.mayRunAhead(unrecorded)) {
      const oldest = unrecorded.shift() as ReachStep;
      ahead.record(oldest.file, scans.get(oldest.file) ?? null);
      continue;
    }
    const step = ahead.next();
    if (step === undefined) break;
    aheadOrder.push(step);
    unrecorded.push(step);
  }
  expect(aheadOrder).toEqual(order);
  return kinds;
}

describe('reachability', () => {
  it.each([
    [
      'install scripts and what they require, entries and what they import, the rest unreached',
      { main: 'lib/index.js', scripts: { postinstall: 'node scripts/post.js', prepare: 'node build.js' } },
      {
        'scripts/post.js': "require('./helper'); require('../lib/shared.js');",
        'scripts/helper.js': '',
        'lib/index.js': "const u = require('./util'); import('./lazy.mjs'); require('lodash');",
        'lib/util.js': "module.exports = require('./deep/index.cjs');",
        'lib/deep/index.cjs': '',
        'lib/lazy.mjs': "export * from './esm-a.mjs'; export { b } from './esm-b.mjs'; import c from './esm-c.mjs';",
        'lib/esm-a.mjs': '',
        'lib/esm-b.mjs': '',
        'lib/esm-c.mjs': '',
        'lib/shared.js': '',
        'build.js': '',
        'test/fixture.js': "require('../lib/index.js');",
      },
      {
        'scripts/post.js': 'install/postinstall',
        'scripts/helper.js': 'install/postinstall',
        'lib/shared.js': 'install/postinstall',
        'lib/index.js': 'entry/entry',
        'lib/util.js': 'reachable/static',
        'lib/deep/index.cjs': 'reachable/static',
        'lib/lazy.mjs': 'reachable/static',
        'lib/esm-a.mjs': 'reachable/static',
        'lib/esm-b.mjs': 'reachable/static',
        'lib/esm-c.mjs': 'reachable/static',
        // `prepare` never runs for a registry tarball.
        'build.js': 'unreached/none',
        'test/fixture.js': 'unreached/none',
      },
    ],
    [
      'an entry required by install code is install code',
      { main: 'index.js', scripts: { install: 'node install.js' } },
      { 'install.js': "require('./index.js')", 'index.js': "require('./a')", 'a.js': '' },
      { 'install.js': 'install/install', 'index.js': 'install/install', 'a.js': 'install/install' },
    ],
    [
      'a computed require makes its directory reachable, not unreached',
      { main: 'index.js' },
      {
        'index.js': "require('./lib/' + name); require(path.join(__dirname, 'plugins', p));",
        'lib/a.js': '',
        'plugins/b.js': '',
        'plugins/sub/c.js': '',
        'other/d.js': '',
      },
      {
        'index.js': 'entry/entry',
        'lib/a.js': 'reachable/dynamic',
        'plugins/b.js': 'reachable/dynamic',
        'plugins/sub/c.js': 'reachable/dynamic',
        'other/d.js': 'unreached/none',
      },
    ],
    [
      'an aliased require or createRequire makes the whole directory reachable',
      { main: 'index.js' },
      { 'index.js': 'const r = require; r("./x/hidden")', 'x/hidden.js': '', 'y.js': 'typeof require; require.resolve("./z")', 'z.js': '' },
      { 'index.js': 'entry/entry', 'x/hidden.js': 'reachable/dynamic', 'y.js': 'reachable/dynamic', 'z.js': 'reachable/dynamic' },
    ],
    [
      'plain uses of require leave the graph complete; require.resolve loads nothing',
      { main: 'index.js' },
      { 'index.js': 'typeof require; require.resolve("./z"); require.cache; ({ require: 1 });', 'z.js': '' },
      { 'index.js': 'entry/entry', 'z.js': 'unreached/none' },
    ],
    [
      'static __dirname paths, a computed import() and an unparsable reached file',
      { main: 'index.js' },
      {
        'index.js': "require(__dirname + '/lib/a.js'); require(path.resolve(__dirname, 'lib', 'b'));",
        'lib/a.js': 'import(`./locales/${lang}.js`)',
        'lib/b.js': 'this is ( not javascript',
        'lib/locales/en.js': '',
        'lib/c.js': '',
        'd.js': '',
      },
      {
        'index.js': 'entry/entry',
        'lib/a.js': 'reachable/static',
        'lib/b.js': 'reachable/static',
        'lib/locales/en.js': 'reachable/dynamic',
        // The unparsable lib/b.js may load anything beside it.
        'lib/c.js': 'reachable/dynamic',
        'd.js': 'unreached/none',
      },
    ],
    [
      'a static import upgrades a file first offered through a computed one',
      { main: 'index.js' },
      { 'index.js': "require('./a'); require('./lib/' + x)", 'a.js': "require('./lib/b')", 'lib/b.js': '' },
      { 'index.js': 'entry/entry', 'a.js': 'reachable/static', 'lib/b.js': 'reachable/static' },
    ],
    [
      'exports conditions, bin, browser and self-references by name',
      { name: 'pkg', exports: { '.': { import: './esm/i.mjs', require: './cjs/i.cjs' } }, bin: { p: 'cli.js' }, browser: { './cjs/i.cjs': './web.js' } },
      { 'esm/i.mjs': '', 'cjs/i.cjs': '', 'cli.js': "require('pkg/lib/x')", 'web.js': '', 'lib/x.js': '', 'index.js': '' },
      {
        'esm/i.mjs': 'entry/entry',
        'cjs/i.cjs': 'entry/entry',
        'cli.js': 'entry/entry',
        'web.js': 'entry/entry',
        'lib/x.js': 'reachable/static',
        // node's default main, even beside `exports`: older resolvers and bundlers still load it.
        'index.js': 'entry/entry',
      },
    ],
  ])('%s', (_label, manifest, files, expected) => {
    expect(plan(manifest, files)).toEqual(expected);
  });

  it.each([
    [
      'inline code requiring a file, its failure swallowed (issue 11)',
      { main: 'index.js', scripts: { postinstall: `node -e "try{require('./_postinstall')}catch(e){}" || exit 0` } },
      { '_postinstall.js': "require('./lib/msg')", 'lib/msg.js': '', 'index.js': '', 'other.js': '' },
      {
        'package.json#scripts.postinstall': 'install/postinstall',
        '_postinstall.js': 'install/postinstall',
        'lib/msg.js': 'install/postinstall',
        'index.js': 'entry/entry',
        'other.js': 'unreached/none',
      },
    ],
    [
      'inline code requires from the directory it runs in',
      { scripts: { install: `cd lib && node -p "require('./x')"` } },
      { 'lib/x.js': '', 'x.js': '' },
      { 'package.json#scripts.install': 'install/install', 'lib/x.js': 'install/install', 'x.js': 'unreached/none' },
    ],
    [
      'inline code run in an unknown directory reaches the package only by its name',
      { name: 'p', scripts: { postinstall: `cd "$INIT_CWD" && node -e "require('./x'); require('p/lib/y')"` } },
      { 'x.js': '', 'lib/y.js': '' },
      { 'package.json#scripts.postinstall': 'install/postinstall', 'lib/y.js': 'install/postinstall', 'x.js': 'unreached/none' },
    ],
    [
      'a computed require in inline code makes its directory reachable',
      { scripts: { postinstall: `cd tools && node -e "require('./' + process.argv[1])" setup` } },
      { 'tools/setup.js': '', 'lib/a.js': '' },
      { 'package.json#scripts.postinstall': 'install/postinstall', 'tools/setup.js': 'reachable/dynamic', 'lib/a.js': 'unreached/none' },
    ],
    [
      'a script run by name, its inline code and its files',
      { scripts: { postinstall: 'npm run setup', setup: `node -e "require('./a')" && node b.js` } },
      { 'a.js': '', 'b.js': '' },
      { 'package.json#scripts.setup': 'install/postinstall', 'a.js': 'install/postinstall', 'b.js': 'install/postinstall' },
    ],
    [
      'a node -e that only prints reaches nothing',
      { scripts: { postinstall: `node -e "console.log('thanks')"` } },
      { 'index.js': '', 'lib/a.js': '' },
      { 'package.json#scripts.postinstall': 'install/postinstall', 'index.js': 'entry/entry', 'lib/a.js': 'unreached/none' },
    ],
  ])('%s', (_label, manifest, files, expected) => {
    expect(plan(manifest, files)).toEqual(expected);
  });

  it('lets entry points and what they import statically run ahead of their records, never install code, dynamic reach or the leftovers', () => {
    const entries = entryPoints({ main: 'index.js', bin: { b: 'bin.js' }, scripts: { postinstall: 'node setup.js' } });
    const paths = ['setup.js', 'index.js', 'bin.js', 'a.js', 'b.js', 'loaded/x.js', 'test/t.js'];
    const planner = reachability(entries, paths, new Set(paths));
    const install = planner.next() as ReachStep;
    expect(install.kind).toBe('install');
    expect(planner.mayRunAhead([install])).toBe(false);
    planner.record('setup.js', { specifiers: [], dynamic: [] });
    const first = planner.next() as ReachStep;
    // The other entry point is certain before the first is recorded.
    expect(planner.mayRunAhead([first])).toBe(true);
    const second = planner.next() as ReachStep;
    expect([first.file, second.file].sort()).toEqual(['bin.js', 'index.js']);
    // Nothing queued: what comes next depends on their imports.
    expect(planner.mayRunAhead([first, second])).toBe(false);
    planner.record(first.file, { specifiers: ['./a', './b'], dynamic: ['./loaded/'] });
    expect(planner.mayRunAhead([second])).toBe(true);
    const a = planner.next() as ReachStep;
    expect(planner.mayRunAhead([second, a])).toBe(true);
    const b = planner.next() as ReachStep;
    expect([a.reach, b.reach]).toEqual(['static', 'static']);
    // A file reached only by a computed import could yet be imported by name.
    expect(planner.mayRunAhead([second, a, b])).toBe(false);
    planner.record(second.file, { specifiers: [], dynamic: [] });
    planner.record(a.file, { specifiers: [], dynamic: [] });
    planner.record(b.file, { specifiers: [], dynamic: [] });
    expect(planner.next()).toMatchObject({ file: 'loaded/x.js', reach: 'dynamic' });
    expect(planner.mayRunAhead([{ file: 'loaded/x.js', kind: 'reachable', reach: 'dynamic', from: first.file }])).toBe(false);
    planner.record('loaded/x.js', { specifiers: [], dynamic: [] });
    const leftover = planner.next() as ReachStep;
    expect(leftover).toMatchObject({ file: 'test/t.js', kind: 'unreached' });
    expect(planner.mayRunAhead([leftover])).toBe(true);
    expect(planner.next()).toBeUndefined();
  });

  it('hands out every file once, even offered at several ranks', () => {
    const kinds = plan({ main: 'a.js' }, { 'a.js': "require('./b'); require('./b.js'); require(x)", 'b.js': "require('./a')" });
    expect(kinds).toEqual({ 'a.js': 'entry/entry', 'b.js': 'reachable/static' });
  });
});

describe('resolveImport', () => {
  const files = new Set(['lib/a.js', 'lib/data.json', 'lib/data/index.js', 'lib/dir/index.js', 'lib/x.mjs', 'int/db.js', 'int/p/q.js']);
  const entries = { name: '@s/p', importTargets: ['./int/db.js', './int/p/*.js'] };
  it.each([
    ['./a', ['lib/a.js']],
    ['./a.js', ['lib/a.js']],
    // node: a file before a directory of the same name.
    ['./data', ['lib/data.json']],
    ['./dir', ['lib/dir/index.js']],
    ['./x', ['lib/x.mjs']],
    ['../lib/a', ['lib/a.js']],
    ['../../escape', []],
    ['/etc/passwd', []],
    ['lodash', []],
    ['node:os', []],
    ['@s/p/lib/a', ['lib/a.js']],
    ['#db', ['int/db.js', 'int/p/q.js']],
    ['./missing', []],
  ])('%s from lib/main.js -> %j', (specifier, expected) => {
    expect(resolveImport('lib/main.js', specifier, entries, files)).toEqual(expected);
  });
});

describe('scanImports', () => {
  it.each([
    ["require('a'); require(`b`); module.require('c');", ['a', 'b', 'c'], []],
    ["import x from 'd'; export * from 'e'; export { y } from 'f'; export const z = 1; import('g');", ['d', 'e', 'f', 'g'], []],
    ['require(a + "x"); import(b);', [], ['./']],
    ["require('./lang/' + l); import(`./locales/${x}.js`)", [], ['./lang/', './locales/']],
    ["require(require.resolve('./q'))", [], ['./']],
    ['obj.require("./not-a-loader")', [], []],
  ])('%s', (source, specifiers, dynamic) => {
    const outcome = parse(source);
    if (!outcome.ok) throw new Error('fixture must parse');
    expect(scanImports(outcome.program)).toEqual({ specifiers, dynamic });
  });

  it('walks 100k nested expressions without overflowing', () => {
    // Built by hand: acorn itself cannot parse this depth, error-recovering parsers might.
    const call = parse("require('./deep')");
    if (!call.ok) throw new Error('fixture must parse');
    let node: unknown = call.program.body[0];
    for (let i = 0; i < 100_000; i++) node = { type: 'BlockStatement', start: 0, end: 0, body: [node] };
    const program = { type: 'Program', start: 0, end: 0, body: [node], sourceType: 'script' };
    expect(scanImports(program as unknown as Program).specifiers).toEqual(['./deep']);
  });
});

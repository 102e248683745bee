import { describe, expect, it } from 'vitest';
import { codeKindPhrase, entryPoints, exportTargets } from '../../src/analysis/entry-points.js';

describe('entryPoints.codeKind', () => {
  const manifest = {
    main: './lib/index',
    bin: { tool: './bin/tool', other: 'bin/other.js' },
    browser: { './lib/node.js': './lib/browser.js', fs: false },
    exports: {
      '.': { import: { node: './esm/node.mjs', default: './esm/index.mjs' }, require: './lib/index.js' },
      './features/*': './src/features/*.js',
      './legacy': ['./legacy/a.js', './legacy/b.js'],
      './hidden/*': null,
    },
    scripts: {
      postinstall: 'node ./scripts/setup.js && echo done',
      prepare: 'cross-env NODE_ENV=1 node -r ./scripts/preload.cjs scripts/build',
      test: 'node test/run.js',
    },
  };
  const entries = entryPoints(manifest);

  it.each([
    ['scripts/setup.js', 'install'],
    // `prepare` runs for git and directory installs only, never for a registry tarball.
    ['scripts/preload.cjs', 'reachable'],
    ['scripts/build.js', 'reachable'],
    ['lib/index.js', 'entry'],
    ['bin/tool', 'entry'],
    ['bin/other.js', 'entry'],
    ['lib/browser.js', 'entry'],
    ['esm/node.mjs', 'entry'],
    ['esm/index.mjs', 'entry'],
    ['src/features/x/y.js', 'entry'],
    ['legacy/b.js', 'entry'],
    ['./lib/index.js', 'entry'],
    // Not install code: only lifecycle scripts that run on install count.
    ['test/run.js', 'reachable'],
    ['lib/util.js', 'reachable'],
    ['src/features/x.ts', 'reachable'],
  ] as const)('%s is %s', (file, kind) => {
    expect(entries.codeKind(file)).toBe(kind);
  });

  it('declares bin, main and install files so extensionless ones are parsed', () => {
    expect([...entries.declared].sort()).toEqual(
      ['bin/other.js', 'bin/tool', 'lib/index', 'scripts/setup.js'].sort(),
    );
  });

  it.each([
    [{ preinstall: 'node pre.js', postinstall: 'node pre.js && node post' }, 'pre.js', 'preinstall'],
    [{ preinstall: 'node pre.js', postinstall: 'node pre.js && node post' }, 'post.js', 'postinstall'],
    [{ install: 'node lib/install' }, 'lib/install/index.js', 'install'],
    [{ prepare: 'node build.js' }, 'build.js', undefined],
    [{ postinstall: 'node-gyp rebuild' }, 'index.js', undefined],
  ])('names the install script of %j for %s', (scripts, file, script) => {
    expect(entryPoints({ scripts }).installScript(file)).toBe(script);
  });

  it.each([
    ['a node -e', { postinstall: `node -e "require('./_postinstall')" || exit 0` }, 'package.json#scripts.postinstall', 'postinstall'],
    ['a script run by name', { preinstall: 'npm run setup', setup: 'node -p 1' }, 'package.json#scripts.setup', 'preinstall'],
    ['prepare', { prepare: 'node -e "build()"' }, 'package.json#scripts.prepare', undefined],
    ['a file of that name', { postinstall: 'node x.js' }, 'package.json#scripts.postinstall', undefined],
  ])('names the install script of inline code in %s', (_label, scripts, name, script) => {
    expect(entryPoints({ scripts }).installScript(name)).toBe(script);
    expect(entryPoints({ scripts }).codeKind(name)).toBe(script === undefined ? 'reachable' : 'install');
  });

  it('hands out inline code with the directory it runs in, and the files of followed scripts as declared', () => {
    const entries = entryPoints({ scripts: { postinstall: `cd lib && node -e "require('./x')" && cd .. && npm run build`, build: 'node tools/build' } });
    expect(entries.inline).toEqual([{ name: 'package.json#scripts.postinstall', code: "require('./x')", script: 'postinstall', directory: 'lib' }]);
    expect([...entries.declared]).toContain('tools/build');
    expect(entries.codeKind('tools/build/index.js')).toBe('install');
    expect(entries.problems).toEqual([]);
  });

  it('follows install scripts into the shell scripts they run, through readFile', () => {
    const files: Record<string, string> = { 'scripts/install.sh': '#!/bin/sh\nnode scripts/real.js "$@"\n' };
    const entries = entryPoints({ scripts: { install: 'sh scripts/install.sh' } }, { readFile: (path) => files[path] ?? null });
    expect(entries.installScript('scripts/real.js')).toBe('install');
    expect(entryPoints({ scripts: { install: 'sh scripts/install.sh' } }).install.size).toBe(0);
  });

  it('passes on the problems of command lines it could not read in full', () => {
    const entries = entryPoints({ scripts: { postinstall: 'node a.js && node "b.js' } });
    expect(entries.problems).toEqual([{ file: 'package.json', reason: expect.stringContaining('scripts.postinstall: command line not readable in full') }]);
    expect([...entries.install]).toEqual(['a.js', 'b.js']);
  });

  it('reads the package name and the targets of `imports`', () => {
    const entries = entryPoints({ name: '@s/p', imports: { '#db': { node: './lib/db.js', default: './lib/db-web.js' }, '#x/*': './x/*.js' } });
    expect(entries.name).toBe('@s/p');
    expect(entries.importTargets).toEqual(['./lib/db-web.js', './lib/db.js', './x/*.js']);
    expect(entryPoints({ name: 3 }).name).toBeNull();
  });

  it.each([
    ['no manifest', null],
    ['a manifest that is not an object', ['main']],
    ['fields of the wrong type', { main: 3, bin: [1], scripts: 'x', exports: 7 }],
  ])('falls back to node defaults for %s', (_label, manifest) => {
    const fallback = entryPoints(manifest);
    expect(fallback.codeKind('index.js')).toBe('entry');
    expect(fallback.codeKind('lib/a.js')).toBe('reachable');
    expect(fallback.install.size).toBe(0);
  });

  it('takes a string bin and a string browser field', () => {
    const single = entryPoints({ bin: 'cli.js', browser: 'dist/browser.js' });
    expect(single.codeKind('cli.js')).toBe('entry');
    expect(single.codeKind('dist/browser.js')).toBe('entry');
  });
});

describe('exportTargets', () => {
  it('collects every string, nested, and survives deep or odd shapes', () => {
    let deep: unknown = './deep.js';
    for (let i = 0; i < 1_000; i++) deep = { default: deep };
    expect(exportTargets({ a: ['./x.js', { b: './y.js' }], c: null, d: 4 })).toEqual(['./x.js', './y.js']);
    expect(exportTargets(deep)).toEqual([]);
  });
});

describe('codeKindPhrase', () => {
  it.each([
    ['install', {}, 'install-time code'],
    ['install', { script: 'postinstall' }, 'install-time code (postinstall)'],
    ['entry', {}, 'entry code'],
    ['reachable', {}, 'code reached from an entry point'],
    ['reachable', { computed: true }, 'code a computed require may load'],
    ['unreached', {}, 'code never reached from an entry point'],
  ] as const)('%s %j reads "%s"', (kind, how, phrase) => {
    expect(codeKindPhrase(kind, how)).toBe(phrase);
  });
});

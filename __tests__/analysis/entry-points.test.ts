import { describe, expect, it } from 'vitest';
import { entryPoints, exportTargets, normalizePath, scriptFiles } from '../../src/analysis/entry-points.js';

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
    ['scripts/preload.cjs', 'install'],
    ['scripts/build.js', 'install'],
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
      ['bin/other.js', 'bin/tool', 'lib/index', 'scripts/build', 'scripts/preload.cjs', 'scripts/setup.js'].sort(),
    );
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

describe('scriptFiles', () => {
  it.each([
    ['node install.js', ['install.js']],
    ['node --max-old-space-size 4096 ./a.js arg', ['a.js']],
    ['node --require=./hook.js main.js', ['hook.js', 'main.js']],
    ['node -e "require(\'./x\')"', []],
    ['node-gyp rebuild', []],
    ['./scripts/post.js', ['scripts/post.js']],
    ['FOO=1 node "dir with space/x.js"', ['dir with space/x.js']],
    ['husky install || node fallback.mjs; nodejs other.js', ['fallback.mjs', 'other.js']],
    ['node /usr/lib/x.js', []],
    ['node ../outside.js', []],
  ])('%s runs %j', (command, files) => {
    expect(scriptFiles(command)).toEqual(files);
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

describe('normalizePath', () => {
  it.each([
    ['./a/b.js', 'a/b.js'],
    ['a//b/./c.js', 'a/b/c.js'],
    ['a/../b.js', 'b.js'],
    ['a\\b.js', 'a/b.js'],
    ['../x.js', null],
    ['/etc/passwd', null],
    ['C:/x.js', null],
    ['.', null],
  ])('%s -> %s', (spec, path) => {
    expect(normalizePath(spec)).toBe(path);
  });
});

import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { diffLockfiles } from '../../src/lockfile/diff.js';
import { parseLockfile } from '../../src/lockfile/index.js';
import type { LockedPackage, PackageChange } from '../../src/lockfile/types.js';

function pkg(name: string, version: string, more: Partial<LockedPackage> = {}): LockedPackage {
  return {
    name,
    version,
    integrity: `sha512-${name}-${version}`,
    resolved: null,
    source: 'registry',
    dev: false,
    optional: false,
    path: `node_modules/${name}`,
    ...more,
  };
}

/** One line per change: the easiest shape to read a failing diff in. */
function summary(changes: PackageChange[]): string[] {
  return changes.map((c) => `${c.change} ${c.name} ${c.previousVersion ?? '-'} -> ${c.version} @${c.path ?? ''}`);
}

describe('diffLockfiles', () => {
  it.each<[string, LockedPackage[] | null, LockedPackage[], string[]]>([
    ['nothing changed', [pkg('a', '1.0.0')], [pkg('a', '1.0.0')], []],
    [
      'new lockfile: everything is added, sorted by name then version',
      null,
      [pkg('b', '1.0.0'), pkg('a', '10.0.0'), pkg('a', '9.0.0', { path: 'node_modules/b/node_modules/a' })],
      [
        'added a - -> 9.0.0 @node_modules/b/node_modules/a',
        'added a - -> 10.0.0 @node_modules/a',
        'added b - -> 1.0.0 @node_modules/b',
      ],
    ],
    ['added', [pkg('a', '1.0.0')], [pkg('a', '1.0.0'), pkg('b', '2.0.0')], ['added b - -> 2.0.0 @node_modules/b']],
    ['removed', [pkg('a', '1.0.0'), pkg('b', '2.0.0')], [pkg('a', '1.0.0')], ['removed b - -> 2.0.0 @node_modules/b']],
    ['updated in place', [pkg('a', '1.0.0')], [pkg('a', '2.0.0')], ['updated a 1.0.0 -> 2.0.0 @node_modules/a']],
    [
      'update at a location that is gone pairs with the vanished version of the same name',
      [pkg('a', '1.0.0', { path: 'node_modules/x/node_modules/a' })],
      [pkg('a', '2.0.0', { path: 'node_modules/y/node_modules/a' })],
      ['updated a 1.0.0 -> 2.0.0 @node_modules/y/node_modules/a'],
    ],
    [
      'two versions in the tree both updated, each paired with the one at its location',
      [pkg('a', '1.0.0'), pkg('a', '2.0.0', { path: 'node_modules/b/node_modules/a' })],
      [pkg('a', '1.5.0'), pkg('a', '2.5.0', { path: 'node_modules/b/node_modules/a' })],
      ['updated a 1.0.0 -> 1.5.0 @node_modules/a', 'updated a 2.0.0 -> 2.5.0 @node_modules/b/node_modules/a'],
    ],
    [
      'second version added beside one that stays',
      [pkg('a', '1.0.0')],
      [pkg('a', '1.0.0'), pkg('a', '2.0.0', { path: 'node_modules/b/node_modules/a' })],
      ['added a - -> 2.0.0 @node_modules/b/node_modules/a'],
    ],
    [
      'two versions collapse into one: the other is removed',
      [pkg('a', '1.0.0'), pkg('a', '2.0.0', { path: 'node_modules/b/node_modules/a' })],
      [pkg('a', '3.0.0'), pkg('a', '3.0.0', { path: 'node_modules/b/node_modules/a' })],
      ['removed a - -> 2.0.0 @node_modules/b/node_modules/a', 'updated a 1.0.0 -> 3.0.0 @node_modules/a'],
    ],
    [
      'a hoisting swap replaces in place even though the old version stays elsewhere',
      [pkg('a', '1.0.0')],
      [pkg('a', '2.0.0'), pkg('a', '1.0.0', { path: 'node_modules/c/node_modules/a' })],
      ['updated a 1.0.0 -> 2.0.0 @node_modules/a'],
    ],
    [
      'without a location match, the closest lower vanished version is the predecessor',
      [pkg('a', '1.0.0', { path: 'x/1' }), pkg('a', '3.0.0', { path: 'x/2' }), pkg('a', '5.0.0', { path: 'x/3' })],
      [pkg('a', '4.0.0', { path: 'y/1' })],
      ['removed a - -> 1.0.0 @x/1', 'updated a 3.0.0 -> 4.0.0 @y/1', 'removed a - -> 5.0.0 @x/3'],
    ],
    [
      'same name@version at several paths is one change, first path kept',
      [],
      [pkg('a', '1.0.0', { path: 'node_modules/b/node_modules/a' }), pkg('a', '1.0.0', { path: 'node_modules/c/node_modules/a' })],
      ['added a - -> 1.0.0 @node_modules/b/node_modules/a'],
    ],
    [
      'integrity changed under the same version',
      [pkg('a', '1.0.0', { integrity: 'sha512-old' })],
      [pkg('a', '1.0.0', { integrity: 'sha512-new' })],
      ['updated a 1.0.0 -> 1.0.0 @node_modules/a'],
    ],
    [
      'integrity appearing where there was none is not a change',
      [pkg('a', '1.0.0', { integrity: null })],
      [pkg('a', '1.0.0', { integrity: 'sha512-new' })],
      [],
    ],
    [
      'registry URL host moving is not a change',
      [pkg('a', '1.0.0', { resolved: 'https://one.invalid/a/-/a-1.0.0.tgz' })],
      [pkg('a', '1.0.0', { resolved: 'https://two.invalid/a/-/a-1.0.0.tgz' })],
      [],
    ],
    [
      'same version now from a remote tarball',
      [pkg('a', '1.0.0')],
      [pkg('a', '1.0.0', { source: 'remote', resolved: 'https://example.invalid/a.tgz' })],
      ['updated a 1.0.0 -> 1.0.0 @node_modules/a'],
    ],
    [
      'git dependency moved to another commit without a version bump',
      [pkg('g', '1.0.0', { source: 'git', resolved: 'git+ssh://git@github.com/o/g.git#aaa' })],
      [pkg('g', '1.0.0', { source: 'git', resolved: 'git+ssh://git@github.com/o/g.git#bbb' })],
      ['updated g 1.0.0 -> 1.0.0 @node_modules/g'],
    ],
  ])('%s', (_label, base, head, expected) => {
    expect(summary(diffLockfiles(base, head, 'package-lock.json'))).toEqual(expected);
  });

  it('fills targets, previous, lockfile, alias and flags', () => {
    const changes = diffLockfiles(
      [pkg('real', '1.0.0', { alias: 'x', path: 'node_modules/x' }), pkg('gone', '1.0.0', { dev: true })],
      [
        pkg('real', '2.0.0', { alias: 'x', path: 'node_modules/x', resolved: 'https://registry.invalid/real/-/real-2.0.0.tgz' }),
        pkg('g', '0.1.0', { source: 'git', resolved: 'git+ssh://git@github.com/o/g.git#abc', integrity: null, optional: true }),
      ],
      'apps/web/package-lock.json',
    );
    expect(changes).toEqual([
      {
        name: 'g',
        version: '0.1.0',
        previousVersion: null,
        change: 'added',
        target: {
          name: 'g',
          version: '0.1.0',
          spec: 'git+ssh://git@github.com/o/g.git#abc',
          integrity: null,
          resolved: 'git+ssh://git@github.com/o/g.git#abc',
          source: 'git',
        },
        previous: null,
        lockfile: 'apps/web/package-lock.json',
        path: 'node_modules/g',
        dev: false,
        optional: true,
      },
      {
        name: 'gone',
        version: '1.0.0',
        previousVersion: null,
        change: 'removed',
        target: null,
        previous: expect.objectContaining({ name: 'gone', version: '1.0.0', spec: 'gone@1.0.0', source: 'registry' }),
        lockfile: 'apps/web/package-lock.json',
        path: 'node_modules/gone',
        dev: true,
        optional: false,
      },
      {
        name: 'real',
        version: '2.0.0',
        previousVersion: '1.0.0',
        change: 'updated',
        target: {
          name: 'real',
          version: '2.0.0',
          spec: 'real@2.0.0',
          integrity: 'sha512-real-2.0.0',
          resolved: 'https://registry.invalid/real/-/real-2.0.0.tgz',
          source: 'registry',
        },
        previous: {
          name: 'real',
          version: '1.0.0',
          spec: 'real@1.0.0',
          integrity: 'sha512-real-1.0.0',
          resolved: null,
          source: 'registry',
        },
        lockfile: 'apps/web/package-lock.json',
        path: 'node_modules/x',
        alias: 'x',
        dev: false,
        optional: false,
      },
    ]);
  });

  it('carries the old integrity as previous when content changed under one version', () => {
    const [change] = diffLockfiles(
      [pkg('a', '1.0.0', { integrity: 'sha512-old' })],
      [pkg('a', '1.0.0', { integrity: 'sha512-new' })],
      'package-lock.json',
    );
    expect(change?.target?.integrity).toBe('sha512-new');
    expect(change?.previous?.integrity).toBe('sha512-old');
    expect(change?.previousVersion).toBe('1.0.0');
  });

  it('is dev only when every copy is dev', () => {
    const [change] = diffLockfiles(null, [pkg('a', '1.0.0', { dev: true }), pkg('a', '1.0.0', { path: 'p/a' })], 'l');
    expect(change?.dev).toBe(false);
  });

  it('links are reported with their path as the spec', () => {
    const [change] = diffLockfiles(null, [pkg('w', '0.0.0', { source: 'link', resolved: null, path: 'packages/w' })], 'l');
    expect(change?.target?.spec).toBe('packages/w');
  });
});

describe('diffLockfiles on base/head pairs written by the real tools', () => {
  const FIXTURES = fileURLToPath(new URL('../fixtures/lockfiles/', import.meta.url));

  function read(tool: string, side: 'base' | 'head'): { name: string; packages: LockedPackage[] } {
    const folder = join(FIXTURES, tool, side);
    const name = readdirSync(folder).find((f) => /^(package-lock\.json|yarn\.lock|pnpm-lock\.yaml|bun\.lock)$/.test(f));
    if (name === undefined) throw new Error(`no lockfile in ${folder}`);
    return { name, packages: parseLockfile(name, readFileSync(join(folder, name), 'utf8')) };
  }

  function lines(changes: PackageChange[]): string[] {
    return changes.map((c) =>
      [c.change, c.name, c.previousVersion ?? '-', c.version, c.alias ?? '-', c.target?.spec ?? '-', c.dev ? 'dev' : 'prod'].join(' '),
    );
  }

  // chalk 4.1.2 -> 5.3.0 (which has no dependencies), ms 2.1.3 added, my-ms -> npm:ms@2.1.2 added.
  const SAMPLE = [
    'removed ansi-styles - 4.3.0 - - prod',
    'updated chalk 4.1.2 5.3.0 - chalk@5.3.0 prod',
    'removed color-convert - 2.0.1 - - prod',
    'removed color-name - 1.1.4 - - prod',
    'removed has-flag - 4.0.0 - - prod',
    'added ms - 2.1.2 my-ms ms@2.1.2 prod',
    'added ms - 2.1.3 - ms@2.1.3 prod',
    'removed supports-color - 7.2.0 - - prod',
  ];

  it.each(['npm6', 'npm11', 'yarn1', 'yarn4', 'pnpm8', 'pnpm9', 'bun'])('%s', (tool) => {
    const base = read(tool, 'base');
    const head = read(tool, 'head');
    const changes = diffLockfiles(base.packages, head.packages, head.name);
    expect(lines(changes)).toEqual(SAMPLE);
    for (const change of changes) expect(change.lockfile).toBe(head.name);
    // yarn berry's checksum is not an npm integrity: the registry's is used instead.
    const chalk = changes.find((c) => c.name === 'chalk');
    expect(chalk?.target?.integrity ?? null).toBe(
      tool === 'yarn4' ? null : 'sha512-dLitG79d+GV1Nb/VYcCDFivJeK1hiukt9QjRNVOsUtTy1rR1YJsmpGGTZ3qJos+uw7WmWF4wUwBd9jxjocFC2w==',
    );
    expect(chalk?.previous?.spec).toBe('chalk@4.1.2');
  });

  it('a new lockfile is all added', () => {
    const head = read('pnpm9', 'base');
    const changes = diffLockfiles(null, head.packages, head.name);
    expect(changes.map((c) => c.change)).toEqual(Array.from({ length: 7 }, () => 'added'));
  });

  it('npm workspaces: links, a dev package hoisted over a version that stays nested', () => {
    const base = read('npm11-workspaces', 'base');
    const head = read('npm11-workspaces', 'head');
    expect(lines(diffLockfiles(base.packages, head.packages, head.name))).toEqual([
      'updated @mono/a 1.0.0 1.1.0 - packages/a prod',
      'added @mono/b - 0.1.0 - packages/b prod',
      'removed ansi-styles - 4.3.0 - - prod',
      'updated chalk 4.1.2 5.3.0 - chalk@5.3.0 prod',
      'removed color-convert - 2.0.1 - - prod',
      'removed color-name - 1.1.4 - - prod',
      'updated has-flag 4.0.0 5.0.1 - has-flag@5.0.1 dev',
      'added ms - 2.1.3 - ms@2.1.3 prod',
    ]);
  });
});

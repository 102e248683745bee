import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LockfileError } from '../../src/errors.js';
import { MAX_V1_NESTING_DEPTH, parseNpmLockfile } from '../../src/lockfile/npm.js';
import type { LockedPackage } from '../../src/lockfile/types.js';

const SHARED = new URL('../../../shared/fixtures/lockfiles/', import.meta.url);

const EXPECTED_SAMPLE = [
  '@sindresorhus/is@4.6.0',
  'ansi-styles@4.3.0',
  'chalk@4.1.2',
  'color-convert@2.0.1',
  'color-name@1.1.4',
  'has-flag@4.0.0',
  'supports-color@7.2.0',
];

function v3(packages: Record<string, unknown>): string {
  return JSON.stringify({ name: 'root', lockfileVersion: 3, packages: { '': { name: 'root' }, ...packages } });
}

function v1(dependencies: Record<string, unknown>): string {
  return JSON.stringify({ name: 'root', lockfileVersion: 1, dependencies });
}

function only(packages: LockedPackage[]): LockedPackage {
  expect(packages).toHaveLength(1);
  return packages[0] as LockedPackage;
}

describe('parseNpmLockfile on lockfiles npm wrote', () => {
  it.each(['npm1', 'npm2', 'npm3'])('%s yields chalk 4.1.2, @sindresorhus/is 4.6.0 and chalk deps', (folder) => {
    const text = readFileSync(new URL(`${folder}/package-lock.json`, SHARED), 'utf8');
    const packages = parseNpmLockfile(text, `${folder}/package-lock.json`);
    expect(packages.map((p) => `${p.name}@${p.version}`).sort()).toEqual(EXPECTED_SAMPLE);
    for (const pkg of packages) {
      expect(pkg.source).toBe('registry');
      expect(pkg.integrity).toMatch(/^sha512-/);
      expect(pkg.dev).toBe(false);
      expect(pkg.optional).toBe(false);
      expect(pkg.path).toBe(`node_modules/${pkg.name}`);
      expect(pkg.alias).toBeUndefined();
    }
    const chalk = packages.find((p) => p.name === 'chalk');
    expect(chalk?.integrity).toBe(
      'sha512-oKnbhFyRIXpUuez8iBMmyEa4nbj4IOQyuhc/wy9kY7/WVPcwIO9VA668Pu8RkO7+0G76SLROeyw9CpQ061i4mA==',
    );
  });
});

describe('parseNpmLockfile, lockfileVersion 2 and 3 entries', () => {
  const registry = 'https://registry.invalid';
  it.each<[string, Record<string, unknown>, Partial<LockedPackage>]>([
    [
      'nested copy under another package',
      {
        'node_modules/a/node_modules/@s/b': {
          version: '2.0.0',
          resolved: `${registry}/@s/b/-/b-2.0.0.tgz`,
          integrity: 'sha512-b',
        },
      },
      { name: '@s/b', version: '2.0.0', path: 'node_modules/a/node_modules/@s/b', source: 'registry', integrity: 'sha512-b' },
    ],
    [
      'npm: alias reported under the real name',
      { 'node_modules/x': { name: 'real', version: '1.2.3', resolved: `${registry}/real/-/real-1.2.3.tgz` } },
      { name: 'real', version: '1.2.3', alias: 'x', source: 'registry', path: 'node_modules/x' },
    ],
    [
      'link entry',
      { 'node_modules/a': { resolved: 'packages/a', link: true }, 'packages/a': { name: 'a', version: '3.0.0' } },
      { name: 'a', version: '3.0.0', source: 'link', resolved: 'packages/a', integrity: null },
    ],
    [
      'git over ssh',
      { 'node_modules/g': { version: '1.0.0', resolved: 'git+ssh://git@github.com/o/g.git#0123abc' } },
      { name: 'g', source: 'git', resolved: 'git+ssh://git@github.com/o/g.git#0123abc' },
    ],
    [
      'remote tarball outside the registry layout',
      { 'node_modules/r': { version: '1.0.0', resolved: 'https://example.invalid/downloads/r.tgz', integrity: 'sha512-r' } },
      { name: 'r', source: 'remote' },
    ],
    [
      'registry-shaped URL for another package is remote',
      { 'node_modules/r': { version: '1.0.0', resolved: `${registry}/evil/-/evil-1.0.0.tgz` } },
      { name: 'r', source: 'remote' },
    ],
    [
      'file: tarball',
      { 'node_modules/f': { version: '1.0.0', resolved: 'file:../vendor/f-1.0.0.tgz', integrity: 'sha512-f' } },
      { name: 'f', source: 'file', resolved: 'file:../vendor/f-1.0.0.tgz' },
    ],
    [
      'dev dependency',
      { 'node_modules/d': { version: '1.0.0', dev: true } },
      { name: 'd', dev: true, optional: false },
    ],
    [
      'optional dependency',
      { 'node_modules/o': { version: '1.0.0', optional: true } },
      { name: 'o', dev: false, optional: true },
    ],
    [
      'optional dependency of a dev dependency',
      { 'node_modules/o': { version: '1.0.0', dev: true, optional: true } },
      { name: 'o', dev: true, optional: true },
    ],
    [
      'devOptional is optional in production, so not dev-only',
      { 'node_modules/o': { version: '1.0.0', devOptional: true } },
      { name: 'o', dev: false, optional: true },
    ],
    [
      'a flag that is not literally true is false',
      { 'node_modules/o': { version: '1.0.0', dev: 'yes', optional: 1 } },
      { name: 'o', dev: false, optional: false },
    ],
    [
      'no resolved means the registry',
      { 'node_modules/n': { version: '1.0.0' } },
      { name: 'n', source: 'registry', resolved: null, integrity: null },
    ],
  ])('%s', (_label, packages, expected) => {
    const parsed = parseNpmLockfile(v3(packages), 'package-lock.json').filter((p) => !p.path.startsWith('packages/'));
    expect(only(parsed)).toMatchObject(expected);
  });

  it('reports a workspace folder as a link under its own name and skips the root', () => {
    const text = v3({
      'packages/web': { name: '@me/web', version: '0.1.0', dependencies: { a: '^1' } },
      'node_modules/@me/web': { resolved: 'packages/web', link: true },
    });
    const packages = parseNpmLockfile(text, 'package-lock.json');
    expect(packages).toEqual([
      { name: '@me/web', version: '0.1.0', integrity: null, resolved: 'packages/web', source: 'link', dev: false, optional: false, path: 'packages/web' },
      { name: '@me/web', version: '0.1.0', integrity: null, resolved: 'packages/web', source: 'link', dev: false, optional: false, path: 'node_modules/@me/web' },
    ]);
  });

  it('keeps both copies of a package present at two versions', () => {
    const text = v3({
      'node_modules/a': { version: '1.0.0' },
      'node_modules/b/node_modules/a': { version: '2.0.0' },
    });
    expect(parseNpmLockfile(text, 'package-lock.json').map((p) => `${p.path} ${p.version}`)).toEqual([
      'node_modules/a 1.0.0',
      'node_modules/b/node_modules/a 2.0.0',
    ]);
  });

  it('reads packages, not the legacy dependencies tree, in version 2', () => {
    const text = JSON.stringify({
      lockfileVersion: 2,
      packages: { '': {}, 'node_modules/a': { version: '2.0.0' } },
      dependencies: { a: { version: '1.0.0' } },
    });
    expect(parseNpmLockfile(text, 'package-lock.json').map((p) => p.version)).toEqual(['2.0.0']);
  });
});

describe('parseNpmLockfile, lockfileVersion 1 tree', () => {
  it('walks nested dependencies, shallowest first', () => {
    const text = v1({
      a: { version: '1.0.0', integrity: 'sha512-a', dependencies: { b: { version: '2.0.0', dependencies: { c: { version: '3.0.0' } } } } },
      b: { version: '1.0.0', dev: true },
    });
    expect(parseNpmLockfile(text, 'package-lock.json').map((p) => `${p.path}@${p.version}:${p.dev}`)).toEqual([
      'node_modules/a@1.0.0:false',
      'node_modules/b@1.0.0:true',
      'node_modules/a/node_modules/b@2.0.0:false',
      'node_modules/a/node_modules/b/node_modules/c@3.0.0:false',
    ]);
  });

  it.each<[string, Record<string, unknown>, Partial<LockedPackage>]>([
    [
      'npm: alias in the version',
      { x: { version: 'npm:@s/real@1.2.3', integrity: 'sha512-x' } },
      { name: '@s/real', version: '1.2.3', alias: 'x', source: 'registry', integrity: 'sha512-x' },
    ],
    [
      'git URL as the version',
      { g: { version: 'git+ssh://git@github.com/o/g.git#abc', from: 'github:o/g' } },
      { name: 'g', version: 'git+ssh://git@github.com/o/g.git#abc', source: 'git', resolved: 'git+ssh://git@github.com/o/g.git#abc' },
    ],
    ['github: shorthand', { g: { version: 'github:o/g#abc' } }, { name: 'g', source: 'git' }],
    [
      'remote tarball as the version',
      { r: { version: 'https://example.invalid/r.tgz', integrity: 'sha512-r' } },
      { name: 'r', source: 'remote', resolved: 'https://example.invalid/r.tgz' },
    ],
    ['file: tarball', { f: { version: 'file:../f-1.0.0.tgz' } }, { name: 'f', source: 'file' }],
    ['file: folder inside the project', { f: { version: 'file:packages/f' } }, { name: 'f', source: 'link' }],
    ['file: folder outside the project', { f: { version: 'file:../elsewhere/f' } }, { name: 'f', source: 'file' }],
    ['optional', { o: { version: '1.0.0', optional: true } }, { optional: true, dev: false }],
  ])('%s', (_label, dependencies, expected) => {
    expect(only(parseNpmLockfile(v1(dependencies), 'package-lock.json'))).toMatchObject(expected);
  });

  function nested(depth: number): string {
    // Built as text: JSON.stringify itself recurses.
    let text = '{"version":"1.0.0"}';
    for (let i = 1; i < depth; i += 1) text = `{"version":"1.0.0","dependencies":{"a":${text}}}`;
    return `{"lockfileVersion":1,"dependencies":{"a":${text}}}`;
  }

  it('reads nesting up to the limit', () => {
    const packages = parseNpmLockfile(nested(MAX_V1_NESTING_DEPTH), 'package-lock.json');
    expect(packages).toHaveLength(MAX_V1_NESTING_DEPTH);
    expect(packages.at(-1)?.path).toBe(Array.from({ length: MAX_V1_NESTING_DEPTH }, () => 'node_modules/a').join('/'));
  });

  it('refuses nesting past the limit instead of building quadratic paths', () => {
    expect(() => parseNpmLockfile(nested(MAX_V1_NESTING_DEPTH + 1), 'deep/package-lock.json')).toThrow(
      /deep\/package-lock\.json: dependencies nest deeper than 256 levels/,
    );
  });
});

describe('parseNpmLockfile errors', () => {
  it.each<[string, string, RegExp]>([
    ['unknown lockfileVersion', JSON.stringify({ lockfileVersion: 4, packages: {} }), /lock\/package-lock\.json: unsupported npm lockfileVersion 4/],
    ['missing lockfileVersion', JSON.stringify({ packages: {} }), /lock\/package-lock\.json: unsupported npm lockfileVersion none/],
    ['invalid JSON names the position', '{\n  "lockfileVersion": 3,\n  "packages": {,}\n}', /lock\/package-lock\.json is not valid JSON: .*line 3 column 16/],
    ['top level not an object', '[]', /top level is not a JSON object/],
    ['entry not an object', JSON.stringify({ lockfileVersion: 3, packages: { 'node_modules/a': 'x' } }), /packages\["node_modules\/a"\] is not an object/],
    ['entry without version', JSON.stringify({ lockfileVersion: 3, packages: { 'node_modules/a': {} } }), /packages\["node_modules\/a"\] has no version/],
    ['key that climbs out', JSON.stringify({ lockfileVersion: 3, packages: { 'node_modules/a/..': { version: '1.0.0' } } }), /does not end in a package name/],
    ['v1 entry without version', v1({ a: {} }), /dependency "node_modules\/a" has no version/],
    ['v1 unreadable alias', v1({ a: { version: 'npm:@1' } }), /unreadable alias "npm:@1"/],
  ])('%s', (_label, text, message) => {
    expect(() => parseNpmLockfile(text, 'lock/package-lock.json')).toThrow(LockfileError);
    expect(() => parseNpmLockfile(text, 'lock/package-lock.json')).toThrow(message);
  });

  it('reads hostile keys as data, not inherited properties', () => {
    const text = '{"lockfileVersion":3,"packages":{"node_modules/constructor":{"version":"1.0.0"},"node_modules/__proto__":{"version":"2.0.0"}}}';
    expect(parseNpmLockfile(text, 'package-lock.json').map((p) => `${p.name}@${p.version}`)).toEqual([
      'constructor@1.0.0',
      '__proto__@2.0.0',
    ]);
  });
});

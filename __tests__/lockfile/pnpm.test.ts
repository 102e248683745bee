import { describe, expect, it } from 'vitest';
import { LockfileError } from '../../src/errors.js';
import { parsePnpmLockfile } from '../../src/lockfile/pnpm.js';
import type { LockedPackage } from '../../src/lockfile/types.js';

const SHA = 'sha512-x';

function names(packages: LockedPackage[]): string[] {
  return packages.map((p) => `${p.name}@${p.version}${p.alias ? ` as ${p.alias}` : ''}${p.dev ? ' dev' : ''}${p.optional ? ' optional' : ''}`);
}

describe('parsePnpmLockfile keys and peer suffixes', () => {
  it('5.4: /name/version keys, _peer suffixes stripped, one package per name@version', () => {
    const text = `lockfileVersion: 5.4

specifiers:
  x: npm:real@^1

dependencies:
  x: /real/1.0.0
  '@s/a': 2.0.0_react@18.2.0

packages:

  /@s/a/2.0.0_react@18.2.0:
    resolution: {integrity: ${SHA}}
    dev: false

  /@s/a/2.0.0_react@17.0.2:
    resolution: {integrity: ${SHA}}
    dev: false

  /under_score/1.0.0_@types+node@18.0.0:
    resolution: {integrity: ${SHA}}
    dev: true
    optional: true

  /real/1.0.0:
    resolution: {integrity: ${SHA}}
    dev: false
`;
    const packages = parsePnpmLockfile(text, 'pnpm-lock.yaml');
    expect(names(packages)).toEqual(['@s/a@2.0.0', 'under_score@1.0.0 dev optional', 'real@1.0.0 as x']);
    expect(packages[0]).toMatchObject({ path: '/@s/a/2.0.0', integrity: SHA, source: 'registry' });
  });

  it('6.0: /name@version(peer) keys', () => {
    const text = `lockfileVersion: '6.0'

dependencies:
  '@s/a':
    specifier: ^2
    version: 2.0.0(react@18.2.0)

packages:

  /@s/a@2.0.0(react@18.2.0):
    resolution: {integrity: ${SHA}}
    dev: false

  /@s/a@2.0.0(react@17.0.2):
    resolution: {integrity: ${SHA}}
    dev: false

  /react@18.2.0:
    resolution: {integrity: ${SHA}}
    dev: true
`;
    expect(names(parsePnpmLockfile(text, 'pnpm-lock.yaml'))).toEqual(['@s/a@2.0.0', 'react@18.2.0 dev']);
  });

  it('9.0: packages plus snapshots; optional from snapshots; dev recomputed from importers', () => {
    const text = `lockfileVersion: '9.0'

importers:

  .:
    dependencies:
      a:
        specifier: ^1
        version: 1.0.0(peer@2.0.0)
      x:
        specifier: npm:real@^1
        version: real@1.0.0
    devDependencies:
      tool:
        specifier: ^3
        version: 3.0.0

packages:

  a@1.0.0:
    resolution: {integrity: ${SHA}}

  peer@2.0.0:
    resolution: {integrity: ${SHA}}

  real@1.0.0:
    resolution: {integrity: ${SHA}}

  tool@3.0.0:
    resolution: {integrity: ${SHA}}

  shared@1.0.0:
    resolution: {integrity: ${SHA}}

  fsevents@2.3.3:
    resolution: {integrity: ${SHA}}

snapshots:

  a@1.0.0(peer@2.0.0):
    dependencies:
      peer: 2.0.0
      shared: 1.0.0
    optionalDependencies:
      fsevents: 2.3.3

  peer@2.0.0: {}

  real@1.0.0: {}

  tool@3.0.0:
    dependencies:
      shared: 1.0.0

  shared@1.0.0: {}

  fsevents@2.3.3:
    optional: true
`;
    expect(names(parsePnpmLockfile(text, 'pnpm-lock.yaml'))).toEqual([
      'a@1.0.0',
      'peer@2.0.0',
      'real@1.0.0 as x',
      'tool@3.0.0 dev',
      'shared@1.0.0',
      'fsevents@2.3.3 optional',
    ]);
  });

  it('9.0: marks nothing dev when a reference cannot be followed', () => {
    const text = `lockfileVersion: '9.0'
importers:
  .:
    dependencies:
      gone: {specifier: ^1, version: 1.0.0}
    devDependencies:
      tool: {specifier: ^3, version: 3.0.0}
packages:
  tool@3.0.0:
    resolution: {integrity: ${SHA}}
snapshots:
  tool@3.0.0: {}
`;
    expect(names(parsePnpmLockfile(text, 'pnpm-lock.yaml'))).toEqual(['tool@3.0.0']);
  });

  it('reads both documents of a file with a leading env document', () => {
    const text = `---
lockfileVersion: '9.0'

importers:

  .:
    configDependencies: {}
    packageManagerDependencies:
      pnpm:
        specifier: 12.0.0
        version: 12.0.0

packages:

  pnpm@12.0.0:
    resolution: {integrity: ${SHA}}

  shared@1.0.0:
    resolution: {integrity: ${SHA}}

snapshots:

  pnpm@12.0.0: {}

  shared@1.0.0: {}

---
lockfileVersion: '9.0'

importers:

  .:
    dependencies:
      a:
        specifier: ^1
        version: 1.0.0
      shared:
        specifier: ^1
        version: 1.0.0

packages:

  a@1.0.0:
    resolution: {integrity: ${SHA}}

  shared@1.0.0:
    resolution: {integrity: ${SHA}}

snapshots:

  a@1.0.0: {}

  shared@1.0.0: {}
`;
    // pnpm installs and runs its own binaries and config dependencies: they are packages too.
    expect(names(parsePnpmLockfile(text, 'pnpm-lock.yaml'))).toEqual(['pnpm@12.0.0', 'shared@1.0.0', 'a@1.0.0']);
  });

  it('refuses a document of an unknown version even beside a known one', () => {
    const text = `---\nlockfileVersion: '9.0'\npackages: {}\n---\nlockfileVersion: '11.0'\npackages: {}\n`;
    expect(() => parsePnpmLockfile(text, 'p/pnpm-lock.yaml')).toThrow(/unsupported pnpm lockfileVersion 11\.0/);
  });
});

describe('parsePnpmLockfile sources', () => {
  it.each<[string, string, string, Partial<LockedPackage>]>([
    ['9.0', 'g@https://codeload.github.com/o/g/tar.gz/abc', '{tarball: https://codeload.github.com/o/g/tar.gz/abc}\n    version: 0.1.0', { name: 'g', version: '0.1.0', source: 'git' }],
    ['9.0', 'g@git+https://github.com/o/g.git#abc', '{commit: abc, repo: https://github.com/o/g.git, type: git}\n    version: 0.1.0', { source: 'git', resolved: 'https://github.com/o/g.git#abc' }],
    ['6.0', 'github.com/o/g/abc', '{tarball: https://codeload.github.com/o/g/tar.gz/abc}\n    name: g\n    version: 0.1.0', { name: 'g', source: 'git' }],
    ['9.0', 'r@https://example.invalid/r.tgz', '{tarball: https://example.invalid/r.tgz}\n    version: 1.0.0', { source: 'remote', integrity: null }],
    ['9.0', 'f@file:v/f.tgz', `{integrity: ${SHA}, tarball: file:v/f.tgz}\n    version: 1.0.0`, { source: 'file', integrity: SHA }],
    ['9.0', 'd@file:../outside', '{directory: ../outside, type: directory}', { name: 'd', version: 'file:../outside', source: 'file' }],
    ['6.0', '/a@1.0.0', `{integrity: ${SHA}, tarball: https://mirror.invalid/a/-/a-1.0.0.tgz}`, { source: 'registry' }],
  ])('%s %s', (version, key, resolution, expected) => {
    const text = `lockfileVersion: '${version}'\n\npackages:\n\n  '${key}':\n    resolution: ${resolution}\n`;
    const packages = parsePnpmLockfile(text, 'pnpm-lock.yaml');
    expect(packages).toHaveLength(1);
    expect(packages[0]).toMatchObject(expected);
  });

  it('reports workspace packages as links', () => {
    const text = `lockfileVersion: '9.0'\nimporters:\n  .:\n    dependencies:\n      w:\n        specifier: workspace:*\n        version: link:packages/w\n  packages/w: {}\n`;
    expect(parsePnpmLockfile(text, 'pnpm-lock.yaml')).toEqual([
      { name: 'w', version: '0.0.0', integrity: null, resolved: 'link:packages/w', source: 'link', dev: false, optional: false, path: 'packages/w' },
    ]);
  });
});

describe('parsePnpmLockfile errors', () => {
  it.each<[string, string, RegExp]>([
    ['unknown lockfileVersion', "lockfileVersion: '10.0'\npackages: {}\n", /p\/pnpm-lock\.yaml: unsupported pnpm lockfileVersion 10\.0/],
    ['lockfileVersion missing', 'packages: {}\n', /unsupported pnpm lockfileVersion none/],
    ['invalid YAML, with its line', "lockfileVersion: '9.0'\npackages:\n  a: [\n", /p\/pnpm-lock\.yaml is not valid YAML at line \d+/],
    ['an unreadable key', "lockfileVersion: '9.0'\npackages:\n  nonsense:\n    resolution: {integrity: x}\n", /packages\["nonsense"\] has no readable name and version/],
  ])('%s', (_label, text, message) => {
    expect(() => parsePnpmLockfile(text, 'p/pnpm-lock.yaml')).toThrow(LockfileError);
    expect(() => parsePnpmLockfile(text, 'p/pnpm-lock.yaml')).toThrow(message);
  });

  it('stops an alias bomb with the YAML alias limit', () => {
    const lines = ["lockfileVersion: '9.0'", 'a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 10; i += 1) lines.push(`a${i}: &a${i} [${Array.from({ length: 10 }, () => `*a${i - 1}`).join(', ')}]`);
    lines.push('packages: {}');
    expect(() => parsePnpmLockfile(`${lines.join('\n')}\n`, 'p/pnpm-lock.yaml')).toThrow(/p\/pnpm-lock\.yaml could not be read as YAML/);
  });
});

import { describe, expect, it } from 'vitest';
import { LockfileError } from '../../src/errors.js';
import { parseBunLockfile } from '../../src/lockfile/bun.js';
import type { LockedPackage } from '../../src/lockfile/types.js';

function lockfile(packages: string, workspaces = '"": { "name": "root" },'): string {
  return `{\n  "lockfileVersion": 1,\n  "workspaces": {\n    ${workspaces}\n  },\n  "packages": {\n    ${packages}\n  },\n}\n`;
}

describe('parseBunLockfile', () => {
  it('reads registry entries with trailing commas, nested keys as paths', () => {
    const packages = parseBunLockfile(
      lockfile('"a": ["a@1.0.0", "", {}, "sha512-a"],\n    "a/@s/b": ["@s/b@2.0.0", "", { "dependencies": {} }, "sha512-b"],'),
      'bun.lock',
    );
    expect(packages).toEqual([
      { name: 'a', version: '1.0.0', integrity: 'sha512-a', resolved: null, source: 'registry', dev: false, optional: false, path: 'a' },
      { name: '@s/b', version: '2.0.0', integrity: 'sha512-b', resolved: null, source: 'registry', dev: false, optional: false, path: 'a/@s/b' },
    ]);
  });

  it.each<[string, string, Partial<LockedPackage>]>([
    ['npm: alias', '"x": ["real@1.0.0", "", {}, "sha512-r"],', { name: 'real', alias: 'x', source: 'registry' }],
    ['scoped alias under a parent', '"p/@s/x": ["@o/real@1.0.0", "", {}, "sha512-r"],', { name: '@o/real', alias: '@s/x' }],
    ['github', '"g": ["g@github:o/g#abc", {}, "o-g-abc"],', { name: 'g', source: 'git', version: 'github:o/g#abc', integrity: null }],
    ['git+ssh', '"g": ["g@git+ssh://git@github.com/o/g.git#abc", {}, "abc"],', { source: 'git' }],
    ['remote tarball', '"r": ["r@https://example.invalid/r.tgz", {}, "sha512-r"],', { source: 'remote', integrity: 'sha512-r' }],
    ['local tarball written as a bare path', '"f": ["f@./v/f-1.0.0.tgz", {}, "sha512-f"],', { source: 'file' }],
    ['file: folder', '"d": ["d@file:d", {}],', { source: 'link' }],
    ['link:', '"l": ["l@link:l", {}],', { source: 'link' }],
    ['custom registry URL', '"a": ["a@1.0.0", "https://mirror.invalid/", {}, "sha512-a"],', { source: 'registry', resolved: 'https://mirror.invalid/' }],
    ['tarball URL of another package', '"a": ["a@1.0.0", "https://mirror.invalid/evil/-/evil-1.0.0.tgz", {}, "sha512-a"],', { source: 'remote' }],
    ['tarball URL in the registry layout', '"a": ["a@1.0.0", "https://mirror.invalid/a/-/a-1.0.0.tgz", {}, "sha512-a"],', { source: 'registry' }],
  ])('%s', (_label, entries, expected) => {
    const packages = parseBunLockfile(lockfile(entries), 'bun.lock');
    expect(packages).toHaveLength(1);
    expect(packages[0]).toMatchObject(expected);
  });

  it('reports workspaces as links with the version their workspace entry records', () => {
    const text = lockfile('"w": ["w@workspace:packages/w"],', '"": { "name": "root" },\n    "packages/w": { "name": "w", "version": "3.0.0" },');
    expect(parseBunLockfile(text, 'bun.lock')).toMatchObject([{ name: 'w', version: '3.0.0', source: 'link', resolved: 'workspace:packages/w' }]);
  });

  it.each<[string, string, RegExp]>([
    ['unknown lockfileVersion', '{"lockfileVersion": 9, "packages": {}}', /b\/bun\.lock: unsupported bun lockfileVersion 9/],
    ['not JSONC, with its position', '{\n  "lockfileVersion": 1\n  "packages": {}\n}', /b\/bun\.lock is not valid JSONC: CommaExpected at line 3 column 3/],
    ['an entry that is not an array', '{"lockfileVersion": 1, "packages": {"a": "a@1.0.0"}}', /packages\["a"\] is not an array/],
    ['an unreadable resolution', '{"lockfileVersion": 1, "packages": {"a": ["nonsense"]}}', /packages\["a"\] has an unreadable resolution "nonsense"/],
  ])('%s', (_label, text, message) => {
    expect(() => parseBunLockfile(text, 'b/bun.lock')).toThrow(LockfileError);
    expect(() => parseBunLockfile(text, 'b/bun.lock')).toThrow(message);
  });
});

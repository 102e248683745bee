import { describe, expect, it } from 'vitest';
import { classifySource, isRegistryTarballUrl } from '../../src/lockfile/classify-source.js';
import type { DependencySource } from '../../src/lockfile/types.js';

describe('classifySource', () => {
  it.each<[string | null, string, string, DependencySource]>([
    [null, 'a', '1.0.0', 'registry'],
    ['https://registry.invalid/a/-/a-1.0.0.tgz', 'a', '1.0.0', 'registry'],
    ['https://registry.invalid/a/-/a-1.0.0.tgz#sha1', 'a', '1.0.0', 'registry'],
    ['https://mirror.invalid/npm/@s/a/-/a-1.0.0.tgz', '@s/a', '1.0.0', 'registry'],
    ['https://mirror.invalid/@s%2fa/-/a-1.0.0.tgz', '@s/a', '1.0.0', 'registry'],
    ['https://registry.invalid/a/-/a-1.0.1.tgz', 'a', '1.0.0', 'remote'],
    ['https://registry.invalid/b/-/b-1.0.0.tgz', 'a', '1.0.0', 'remote'],
    ['https://example.invalid/a.tgz', 'a', '1.0.0', 'remote'],
    ['https://codeload.github.com/o/a/tar.gz/abc', 'a', '1.0.0', 'remote'],
    ['https://github.com/o/a.git', 'a', '1.0.0', 'git'],
    ['git+ssh://git@github.com/o/a.git#abc', 'a', '1.0.0', 'git'],
    ['git+https://github.com/o/a.git', 'a', '1.0.0', 'git'],
    ['git://github.com/o/a.git', 'a', '1.0.0', 'git'],
    ['github:o/a#abc', 'a', '1.0.0', 'git'],
    ['gitlab:o/a', 'a', '1.0.0', 'git'],
    ['file:../a-1.0.0.tgz', 'a', '1.0.0', 'file'],
    ['file:/abs/a', 'a', '1.0.0', 'file'],
    ['file:../outside', 'a', '1.0.0', 'file'],
    ['file:packages/a', 'a', '1.0.0', 'link'],
    ['link:../a', 'a', '1.0.0', 'link'],
    ['workspace:packages/a', 'a', '1.0.0', 'link'],
    ['portal:./a', 'a', '1.0.0', 'link'],
    ['not a url', 'a', '1.0.0', 'remote'],
  ])('%s (%s@%s) -> %s', (resolved, name, version, expected) => {
    expect(classifySource(resolved, name, version)).toBe(expected);
  });

  it('does not throw on a malformed URL', () => {
    expect(isRegistryTarballUrl('https://%zz', 'a', '1.0.0')).toBe(false);
    expect(classifySource('https://%zz/a/-/a-1.0.0.tgz', 'a', '1.0.0')).toBe('remote');
  });
});

import { describe, expect, it } from 'vitest';
import { classifySource, confineRegistryHosts, isRegistryTarballUrl } from '../../src/lockfile/classify-source.js';
import type { DependencySource, LockedPackage } from '../../src/lockfile/types.js';

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

describe('confineRegistryHosts', () => {
  const pkg = (name: string, resolved: string | null, source: DependencySource = 'registry'): LockedPackage => ({
    name,
    version: '1.0.0',
    integrity: null,
    resolved,
    source,
    dev: false,
    optional: false,
    path: `node_modules/${name}`,
  });
  const onlyRegistry = (_name: string, host: string): boolean => host === 'registry.invalid';

  it('turns a registry-shaped URL on another host into a remote source, naming the host', () => {
    const injected = pkg('a', 'https://collector.invalid:8443/a/-/a-1.0.0.tgz');
    const { packages, foreign } = confineRegistryHosts([injected], onlyRegistry);
    expect(packages).toEqual([{ ...injected, source: 'remote' }]);
    expect(foreign).toEqual([{ name: 'a', version: '1.0.0', host: 'collector.invalid:8443', resolved: injected.resolved }]);
  });

  it('keeps registry packages on an allowed host, packages without a URL and other sources', () => {
    const kept = [
      pkg('a', 'https://REGISTRY.invalid/a/-/a-1.0.0.tgz'),
      pkg('b', null),
      pkg('c', 'https://elsewhere.invalid/c.tgz', 'remote'),
      pkg('d', 'git+ssh://git@elsewhere.invalid/d.git', 'git'),
    ];
    expect(confineRegistryHosts(kept, onlyRegistry)).toEqual({ packages: kept, foreign: [] });
  });

  it('asks about each package by its own name (scopes have their own registries)', () => {
    const asked: string[] = [];
    confineRegistryHosts([pkg('@corp/a', 'https://registry.invalid/@corp/a/-/a-1.0.0.tgz')], (name, host) => {
      asked.push(`${name} ${host}`);
      return true;
    });
    expect(asked).toEqual(['@corp/a registry.invalid']);
  });
});

import { afterEach, describe, expect, it, vi } from 'vitest';
import { auditChanges } from '../../src/audit/audit-changes.js';
import { auditScope, describeShard } from '../../src/audit/audit-scope.js';
import type { LockedPackage } from '../../src/lockfile/types.js';

const locked = (name: string, version: string, integrity: string | null = null): LockedPackage => ({
  name,
  version,
  integrity,
  resolved: null,
  source: 'registry',
  dev: false,
  optional: false,
  path: `node_modules/${name}`,
});

const TREE = [locked('a', '1.0.0', 'sha512-aaa'), locked('b', '2.0.0', 'sha512-bbb'), locked('c', '3.0.0')];
const scopeOf = (tree: LockedPackage[], lockfile = 'package-lock.json') => auditScope(auditChanges(tree, lockfile));

describe('auditScope', () => {
  afterEach(() => {
    vi.doUnmock('../../src/version.js');
    vi.resetModules();
  });

  it('names the whole package set, the same for every shard and whatever order the packages came in', () => {
    const whole = scopeOf(TREE);
    expect(whole).toEqual({ packageSet: expect.stringMatching(/^[0-9a-f]{64}$/), packageCount: 3 });
    expect(scopeOf([...TREE].reverse()).packageSet).toBe(whole.packageSet);
    const shard = auditScope(auditChanges(TREE, 'package-lock.json'), { index: 2, count: 4 });
    expect(shard).toEqual({ ...whole, shard: { index: 2, count: 4 } });
  });

  it('changes with any package, its integrity, the lockfile path or the engine version', async () => {
    const whole = scopeOf(TREE).packageSet;
    const variants = [
      scopeOf(TREE.slice(0, 2)),
      scopeOf([...TREE, locked('d', '1.0.0')]),
      scopeOf(TREE.map((pkg) => (pkg.name === 'b' ? { ...pkg, version: '2.0.1' } : pkg))),
      scopeOf(TREE.map((pkg) => (pkg.name === 'a' ? { ...pkg, integrity: 'sha512-zzz' } : pkg))),
      scopeOf(TREE, 'apps/web/package-lock.json'),
    ].map((scope) => scope.packageSet);
    expect(new Set([whole, ...variants]).size).toBe(variants.length + 1);

    vi.resetModules();
    vi.doMock('../../src/version.js', () => ({ ENGINE_VERSION: '99.0.0' }));
    const other = await import('../../src/audit/audit-scope.js');
    expect(other.auditScope(auditChanges(TREE, 'package-lock.json')).packageSet).not.toBe(whole);
  });

  it('describes a shard as i/n', () => {
    expect(describeShard({ index: 3, count: 8 })).toBe('3/8');
  });
});

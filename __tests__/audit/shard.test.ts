import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { auditChanges } from '../../src/audit/audit-changes.js';
import { MAX_SHARDS, parseShard, shardOf } from '../../src/audit/shard.js';
import { UsageError } from '../../src/errors.js';
import type { LockedPackage } from '../../src/lockfile/types.js';

function locked(name: string, version: string, path = `node_modules/${name}`): LockedPackage {
  return { name, version, integrity: null, resolved: null, source: 'registry', dev: false, optional: false, path };
}

const tree = (count: number): LockedPackage[] => Array.from({ length: count }, (_, i) => locked(`pkg-${i % 97}`, `1.${Math.floor(i / 97)}.0`));

describe('parseShard', () => {
  it('reads i/n', () => {
    expect(parseShard('2/4')).toEqual({ index: 2, count: 4 });
    expect(parseShard(`1/${MAX_SHARDS}`)).toEqual({ index: 1, count: MAX_SHARDS });
  });

  it.each(['0/4', '5/4', '1/0', '4', 'a/b', '1/4/2', '-1/4', `1/${MAX_SHARDS + 1}`, ''])('refuses %j, naming it', (value) => {
    expect(() => parseShard(value)).toThrow(UsageError);
    expect(() => parseShard(value)).toThrow(JSON.stringify(value));
  });
});

describe('shards of an audit', () => {
  it('partition the locked packages: every package in exactly one shard, for any shard count', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 400 }), fc.integer({ min: 1, max: 16 }), (size, count) => {
        const packages = tree(size);
        const whole = auditChanges(packages, 'package-lock.json').map((c) => `${c.name}@${c.version}`);
        const parts = Array.from({ length: count }, (_, i) => auditChanges(packages, 'package-lock.json', { index: i + 1, count }).map((c) => `${c.name}@${c.version}`));
        const all = parts.flat();
        expect(new Set(all).size).toBe(all.length);
        expect([...all].sort()).toEqual([...whole].sort());
      }),
      { numRuns: 50 },
    );
  });

  it('are stable: the shard depends on name@version alone, not on the order or the other packages', () => {
    const packages = tree(300);
    const shards = (list: LockedPackage[]) => new Map(auditChanges(list, 'x').map((c) => [`${c.name}@${c.version}`, shardOf(c.name, c.version, 8)]));
    const forwards = shards(packages);
    const backwards = shards([...packages].reverse().slice(0, 150));
    for (const [id, shard] of backwards) expect(forwards.get(id)).toBe(shard);
    // A fixed value guards against a hash changed by accident: a matrix split by two versions would skip packages.
    expect([shardOf('left-pad', '1.3.0', 4), shardOf('react', '18.3.1', 7)]).toEqual([1, 3]);
  });

  it('spread a tree roughly evenly', () => {
    const counts = Array.from({ length: 4 }, (_, i) => auditChanges(tree(400), 'x', { index: i + 1, count: 4 }).length);
    for (const count of counts) expect(count).toBeGreaterThan(60);
  });

  it('lists copies of one name@version once, status scanned, in name then version order', () => {
    const changes = auditChanges([locked('b', '1.0.0'), locked('a', '2.0.0'), locked('b', '1.0.0', 'node_modules/x/node_modules/b'), locked('a', '10.0.0')], 'package-lock.json');
    expect(changes.map((c) => [c.name, c.version, c.change])).toEqual([
      ['a', '10.0.0', 'scanned'],
      ['a', '2.0.0', 'scanned'],
      ['b', '1.0.0', 'scanned'],
    ]);
  });
});

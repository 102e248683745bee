/**
 * A whole-tree audit: every package a lockfile locks, as changes the gate scans like any other.
 * Each is `scanned` (not `added`): nothing changed, the tree is being read as it stands.
 */
import { diffLockfiles } from '../lockfile/diff.js';
import type { LockedPackage, PackageChange } from '../lockfile/types.js';
import { comparePackages } from './package-order.js';
import { inShard, type Shard } from './shard.js';

/**
 * Every `name@version` of `packages` once (copies at several tree paths are one package), in
 * `comparePackages` order, only those of `shard` when given.
 */
export function auditChanges(packages: LockedPackage[], lockfile: string, shard?: Shard): PackageChange[] {
  // The diff against nothing groups copies and sets dev/optional exactly as a pull request's would.
  const changes = diffLockfiles(null, packages, lockfile).map((change): PackageChange => ({ ...change, change: 'scanned' }));
  return changes.filter((change) => shard === undefined || inShard(change, shard)).sort(comparePackages);
}

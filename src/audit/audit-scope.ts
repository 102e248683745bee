/**
 * What a whole-tree audit report covers, recorded in it so `merge` can tell a complete set of
 * shard reports from a set with a shard missing, given twice, or taken from another lockfile or
 * engine: the shards of one matrix run on different runners and meet only as files.
 */
import { createHash } from 'node:crypto';
import type { PackageChange } from '../lockfile/types.js';
import type { AuditScope } from '../report/report.js';
import { ENGINE_VERSION } from '../version.js';
import type { Shard } from './shard.js';

/** The scope of an audit of `all` (every package of every lockfile audited, unsharded). */
export function auditScope(all: readonly PackageChange[], shard?: Shard): AuditScope {
  const packages = all.map((change) => [change.lockfile ?? '', change.name, change.version, change.target?.integrity ?? null]);
  // Sorted as JSON text, so the digest does not depend on the order the lockfiles were read in.
  const lines = packages.map((entry) => JSON.stringify(entry)).sort();
  const packageSet = createHash('sha256').update(JSON.stringify({ engineVersion: ENGINE_VERSION, packages: lines })).digest('hex');
  return { packageSet, packageCount: all.length, ...(shard !== undefined ? { shard } : {}) };
}

/** `i/n`, as `--shard` takes it and messages name it. */
export function describeShard(shard: Shard): string {
  return `${shard.index}/${shard.count}`;
}

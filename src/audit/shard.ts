/**
 * Splitting a whole-tree audit into shards for an Actions matrix. A package's shard depends on
 * its `name@version` alone (a stable hash), so every job of the matrix, on any runner, computes
 * the same partition from the same lockfile without talking to the others.
 */
import { createHash } from 'node:crypto';
import { UsageError } from '../errors.js';

/** An Actions matrix holds at most 256 jobs; more shards than that could never all run. */
export const MAX_SHARDS = 256;

export interface Shard {
  /** 1-based, as a matrix lists them: `1/4` ... `4/4`. */
  index: number;
  count: number;
}

/** `i/n` as given to `--shard`; a UsageError naming the value otherwise. */
export function parseShard(value: string): Shard {
  const match = /^(\d+)\/(\d+)$/.exec(value.trim());
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (match === null || count < 1 || count > MAX_SHARDS || index < 1 || index > count) {
    throw new UsageError(`--shard must be i/n with 1 <= i <= n <= ${MAX_SHARDS} (e.g. 2/4); got ${JSON.stringify(value)}`);
  }
  return { index, count };
}

/** The shard (1-based) that `name@version` belongs to among `count`. */
export function shardOf(name: string, version: string, count: number): number {
  const digest = createHash('sha256').update(`${name}@${version}`).digest();
  return (digest.readUInt32BE(0) % count) + 1;
}

export function inShard(item: { name: string; version: string }, shard: Shard): boolean {
  return shardOf(item.name, item.version, shard.count) === shard.index;
}

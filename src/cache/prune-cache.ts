/**
 * Housekeeping of the result cache, run by the entries after each scan, so a directory kept
 * between runs (actions/cache, ~/.cache) stays bounded: results nobody has used for a while go,
 * another engine's results (an upgrade, another project on an older pin) go sooner, and past a
 * size bound the least recently used go first. A pruned result only costs a re-scan.
 *
 * "Used" is the entry's modification time: written on a store, set again on every hit
 * (`createDirectoryCache`). actions/cache keeps modification times through its tar archive.
 *
 * Only the cache's own files are ever removed: regular files named as entries (or as their
 * temporary copies) inside RESULTS_DIR/<engine folder>/. A `--cache-dir` pointed at a folder that
 * holds anything else loses nothing else.
 */
import { lstat, readdir, rm, rmdir } from 'node:fs/promises';
import { join } from 'node:path';
import { errorMessage } from '../errors.js';
import type { Logger } from '../logger.js';
import { RESULTS_DIR, engineDirName } from './result-cache.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/** This engine's results unused for this long go: a package no lockfile locks any more. */
export const MAX_IDLE_MS = 30 * DAY_MS;

/**
 * Another engine's results unused for this long go. Not at once: two projects on one machine may
 * pin different versions and share ~/.cache/fingerprint-gate, and should not evict each other.
 */
export const MAX_OTHER_ENGINE_IDLE_MS = 7 * DAY_MS;

/**
 * The bound on all entries together. A 248-package tree takes about 1 MB, so this holds the
 * trees of a large monorepo many times over, and keeps an actions/cache archive quick to restore.
 */
export const MAX_CACHE_BYTES = 256 * 1024 * 1024;

/** A temporary copy older than this was left by a writer that was killed mid-write. */
export const MAX_TEMPORARY_AGE_MS = 60 * 60 * 1000;

const ENGINE_DIR = /^[0-9a-f]{32}$/;
const ENTRY_FILE = /^[0-9a-f]{64}\.json$/;
const TEMPORARY_FILE = /^[0-9a-f]{64}\.json\.\d+\.[0-9a-f]{12}\.tmp$/;

export interface PruneOptions {
  dir: string;
  /** `engineKey(...)` of the engine that runs: its results are kept longer than others'. */
  engine: string;
  logger: Logger;
  /** The clock; tests hand in a later day. */
  now?: Date;
  maxBytes?: number;
}

export interface PruneSummary {
  /** Entries (and leftover temporary copies) removed, and their bytes. */
  removed: number;
  removedBytes: number;
  /** Entries kept, and their bytes. */
  kept: number;
  keptBytes: number;
}

interface EntryFile {
  path: string;
  bytes: number;
  usedAt: number;
  current: boolean;
}

/** Never throws: a cache that cannot be pruned is only larger than it should be (a warning). */
export async function pruneResultCache(options: PruneOptions): Promise<PruneSummary> {
  const summary: PruneSummary = { removed: 0, removedBytes: 0, kept: 0, keptBytes: 0 };
  try {
    await prune(options, summary);
  } catch (error) {
    options.logger.warn(`cache: ${options.dir} could not be pruned (${errorMessage(error)}); it is left as it is`);
  }
  return summary;
}

async function prune(options: PruneOptions, summary: PruneSummary): Promise<void> {
  const now = (options.now ?? new Date()).getTime();
  const maxBytes = options.maxBytes ?? MAX_CACHE_BYTES;
  const root = join(options.dir, RESULTS_DIR);
  const current = engineDirName(options.engine);
  const engineDirs = (await readdirOrEmpty(root)).filter((entry) => entry.isDirectory() && ENGINE_DIR.test(entry.name));

  const entries: EntryFile[] = [];
  const remove = async (path: string, bytes: number): Promise<void> => {
    // Another process may have removed or replaced it meanwhile: either way it is gone.
    await rm(path, { force: true });
    summary.removed += 1;
    summary.removedBytes += bytes;
  };
  const reasons = { idle: 0, otherEngine: 0, size: 0, temporary: 0 };
  for (const engineDir of engineDirs) {
    const isCurrent = engineDir.name === current;
    const folder = join(root, engineDir.name);
    for (const file of await readdirOrEmpty(folder)) {
      const isEntry = ENTRY_FILE.test(file.name);
      if (!file.isFile() || (!isEntry && !TEMPORARY_FILE.test(file.name))) continue;
      const path = join(folder, file.name);
      const stats = await lstat(path).catch(() => null);
      if (stats === null || !stats.isFile()) continue;
      const idle = now - stats.mtimeMs;
      if (!isEntry) {
        if (idle > MAX_TEMPORARY_AGE_MS) {
          await remove(path, stats.size);
          reasons.temporary += 1;
        }
        continue;
      }
      if (idle > (isCurrent ? MAX_IDLE_MS : MAX_OTHER_ENGINE_IDLE_MS)) {
        await remove(path, stats.size);
        reasons[isCurrent ? 'idle' : 'otherEngine'] += 1;
        continue;
      }
      entries.push({ path, bytes: stats.size, usedAt: stats.mtimeMs, current: isCurrent });
    }
  }

  let total = entries.reduce((sum, entry) => sum + entry.bytes, 0);
  if (total > maxBytes) {
    // Other engines' results first, then the least recently used.
    const order = [...entries].sort((a, b) => Number(a.current) - Number(b.current) || a.usedAt - b.usedAt);
    for (const entry of order) {
      if (total <= maxBytes) break;
      await remove(entry.path, entry.bytes);
      reasons.size += 1;
      total -= entry.bytes;
      entries.splice(entries.indexOf(entry), 1);
    }
  }
  summary.kept = entries.length;
  summary.keptBytes = total;

  // Folders emptied here (an old engine's) go too; one another process is writing into stays.
  for (const engineDir of engineDirs) {
    if (engineDir.name !== current) await rmdir(join(root, engineDir.name)).catch(() => {});
  }
  if (summary.removed > 0) {
    const parts = [
      reasons.idle > 0 ? `${reasons.idle} unused for ${MAX_IDLE_MS / DAY_MS} days` : '',
      reasons.otherEngine > 0 ? `${reasons.otherEngine} of another engine unused for ${MAX_OTHER_ENGINE_IDLE_MS / DAY_MS} days` : '',
      reasons.size > 0 ? `${reasons.size} least recently used over the ${Math.round(maxBytes / 1024 / 1024)} MiB bound` : '',
      reasons.temporary > 0 ? `${reasons.temporary} left by an interrupted write` : '',
    ].filter((part) => part !== '');
    options.logger.info(`cache: removed ${summary.removed} file(s), ${formatMiB(summary.removedBytes)} (${parts.join('; ')}); ${summary.kept} entries, ${formatMiB(summary.keptBytes)} kept`);
  }
}

async function readdirOrEmpty(path: string) {
  try {
    return await readdir(path, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

function formatMiB(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

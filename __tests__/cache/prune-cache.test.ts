import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAX_CACHE_BYTES, MAX_IDLE_MS, MAX_OTHER_ENGINE_IDLE_MS, MAX_TEMPORARY_AGE_MS, pruneResultCache } from '../../src/cache/prune-cache.js';
import { RESULTS_DIR, createDirectoryCache, engineDirName, type CachedResult } from '../../src/cache/result-cache.js';
import { SILENT_LOGGER, type Logger } from '../../src/logger.js';

const ENGINE = 'engine-now';
const OLD_ENGINE = 'engine-before';
const NOW = new Date('2026-06-01T12:00:00Z');
const DAY = 24 * 60 * 60 * 1000;

const hex = (text: string) => createHash('sha256').update(text).digest('hex');

function cacheDir(): string {
  return mkdtempSync(join(tmpdir(), 'fg-prune-'));
}

/** Writes a file of `bytes` bytes used (modified) `ago` milliseconds before NOW; returns its path. */
function put(dir: string, engine: string, name: string, ago: number, bytes = 100): string {
  const folder = join(dir, RESULTS_DIR, engineDirName(engine));
  mkdirSync(folder, { recursive: true });
  const path = join(folder, name);
  writeFileSync(path, 'x'.repeat(bytes));
  const at = new Date(NOW.getTime() - ago);
  utimesSync(path, at, at);
  return path;
}

const entryName = (id: string) => `${hex(id)}.json`;

function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return { lines, debug() {}, info: (message) => void lines.push(message), warn: (message) => void lines.push(`warn: ${message}`) };
}

describe('pruneResultCache', () => {
  it("removes this engine's results unused for 30 days, another engine's unused for 7, and interrupted writes", async () => {
    const dir = cacheDir();
    const fresh = put(dir, ENGINE, entryName('fresh'), 29 * DAY);
    const stale = put(dir, ENGINE, entryName('stale'), MAX_IDLE_MS + DAY);
    const otherRecent = put(dir, OLD_ENGINE, entryName('other-recent'), 2 * DAY);
    const otherIdle = put(dir, OLD_ENGINE, entryName('other-idle'), MAX_OTHER_ENGINE_IDLE_MS + DAY);
    const leftover = put(dir, ENGINE, `${entryName('a')}.123.0123456789ab.tmp`, MAX_TEMPORARY_AGE_MS + 60_000);
    const writing = put(dir, ENGINE, `${entryName('b')}.124.0123456789ab.tmp`, 1000);
    const logger = recordingLogger();

    const summary = await pruneResultCache({ dir, engine: ENGINE, logger, now: NOW });
    expect([fresh, otherRecent, writing].map(existsSync)).toEqual([true, true, true]);
    expect([stale, otherIdle, leftover].map(existsSync)).toEqual([false, false, false]);
    expect(summary).toEqual({ removed: 3, removedBytes: 300, kept: 2, keptBytes: 200 });
    expect(logger.lines).toEqual([
      expect.stringMatching(/^cache: removed 3 file\(s\), .*1 unused for 30 days; 1 of another engine unused for 7 days; 1 left by an interrupted write\); 2 entries/),
    ]);
  });

  it("removes an old engine's folder once it is empty, and nothing that is not the cache's own", async () => {
    const dir = cacheDir();
    put(dir, OLD_ENGINE, entryName('gone'), 30 * DAY);
    const oldFolder = join(dir, RESULTS_DIR, engineDirName(OLD_ENGINE));
    // What a --cache-dir pointed at a busy folder might hold: none of it is an entry.
    const notes = put(dir, ENGINE, 'notes.json', 400 * DAY);
    const strangerFolder = join(dir, RESULTS_DIR, 'not-an-engine');
    mkdirSync(strangerFolder);
    writeFileSync(join(strangerFolder, entryName('x')), 'x');
    utimesSync(join(strangerFolder, entryName('x')), new Date(0), new Date(0));
    writeFileSync(join(dir, 'README.md'), 'mine');
    utimesSync(join(dir, 'README.md'), new Date(0), new Date(0));
    const outside = join(cacheDir(), 'precious.json');
    writeFileSync(outside, 'keep');
    utimesSync(outside, new Date(0), new Date(0));
    const link = join(dir, RESULTS_DIR, engineDirName(ENGINE), entryName('link'));
    symlinkSync(outside, link);

    const summary = await pruneResultCache({ dir, engine: ENGINE, logger: SILENT_LOGGER, now: NOW });
    expect(summary.removed).toBe(1);
    expect(existsSync(oldFolder)).toBe(false);
    expect([notes, join(strangerFolder, entryName('x')), join(dir, 'README.md'), outside, link].map(existsSync)).toEqual([true, true, true, true, true]);
  });

  it('keeps the cache under its size bound: other engines first, then the least recently used', async () => {
    const dir = cacheDir();
    const other = put(dir, OLD_ENGINE, entryName('other'), 1 * DAY, 1000);
    const oldest = put(dir, ENGINE, entryName('oldest'), 5 * DAY, 1000);
    const middle = put(dir, ENGINE, entryName('middle'), 3 * DAY, 1000);
    const newest = put(dir, ENGINE, entryName('newest'), 1 * DAY, 1000);
    const logger = recordingLogger();

    const summary = await pruneResultCache({ dir, engine: ENGINE, logger, now: NOW, maxBytes: 2500 });
    expect([other, oldest, middle, newest].map(existsSync)).toEqual([false, false, true, true]);
    expect(summary).toEqual({ removed: 2, removedBytes: 2000, kept: 2, keptBytes: 2000 });
    expect(logger.lines[0]).toMatch(/2 least recently used over the 0 MiB bound/);
    expect(MAX_CACHE_BYTES).toBeGreaterThanOrEqual(64 * 1024 * 1024);
  });

  it('a hit marks the entry used, so what a run reads survives and what it no longer reads ages out', async () => {
    const dir = cacheDir();
    const cache = createDirectoryCache({ dir, engine: ENGINE, logger: SILENT_LOGGER });
    const result: CachedResult = { analysis: { findings: [], files: { total: 1, parsed: 1, problems: [] } }, notes: [] };
    const read = `sha512-${'A'.repeat(86)}==`;
    const unread = `sha512-${'B'.repeat(86)}==`;
    await cache.set(read, result);
    await cache.set(unread, result);
    const folder = join(dir, RESULTS_DIR, engineDirName(ENGINE));
    const long = new Date(Date.now() - MAX_IDLE_MS - DAY);
    for (const name of readdirSync(folder)) utimesSync(join(folder, name), long, long);

    expect(await cache.get(read)).toEqual(result);
    await pruneResultCache({ dir, engine: ENGINE, logger: SILENT_LOGGER });
    expect(await cache.get(read)).toEqual(result);
    expect(await cache.get(unread)).toBeNull();
    expect(readdirSync(folder)).toHaveLength(1);
  });

  it('is quiet on a cache that does not exist yet, and never throws', async () => {
    const logger = recordingLogger();
    const missing = join(cacheDir(), 'not-yet');
    expect(await pruneResultCache({ dir: missing, engine: ENGINE, logger })).toEqual({ removed: 0, removedBytes: 0, kept: 0, keptBytes: 0 });
    // A file where the results folder should be: a warning, not an exception.
    const blocked = cacheDir();
    writeFileSync(join(blocked, RESULTS_DIR), 'not a folder');
    await expect(pruneResultCache({ dir: blocked, engine: ENGINE, logger })).resolves.toMatchObject({ removed: 0 });
    expect(logger.lines).toEqual([expect.stringMatching(/^warn: cache: .* could not be pruned/)]);
  });
});

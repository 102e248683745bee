/**
 * The result cache: one package's analysis (findings before policy, file inventory, read notes)
 * stored under its tarball's integrity and the engine's key, so a re-run over the same packages
 * neither fetches nor parses them again.
 *
 * Nothing read back is trusted: an entry is used only when it parses, names the exact key it is
 * looked up by, its payload matches the checksum it carries, and the payload has the shape of an
 * analysis. Anything else (a truncated write, garbage, an entry copied from another key or
 * engine) is a miss, and the fresh result overwrites it. The checksum guards against damage, not
 * against a writer: whoever can write the directory can write a valid entry, so the cache is as
 * trusted as the directory (run the gate before any step that runs dependency code).
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { PackageAnalysis } from '../analysis/analyze-package.js';
import { isRuleId } from '../analysis/detectors/rule-ids.js';
import { errorMessage } from '../errors.js';
import type { Logger } from '../logger.js';
import { isSeverity } from '../report/severity.js';
import type { CacheKey } from './cache-key.js';

/** What a package's scan leaves that does not depend on the run: its analysis and how it was read. */
export interface CachedResult {
  analysis: PackageAnalysis;
  /** The fetcher's notes (entries refused, limits hit), reported again with the cached result. */
  notes: string[];
}

/**
 * The gate's view of a cache (`GateDeps.cache`), bound to one engine: it is asked by integrity
 * only (`cacheableIntegrity`). Neither method throws: a broken cache is a miss.
 */
export interface ResultCache {
  get(integrity: string): Promise<CachedResult | null>;
  set(integrity: string, result: CachedResult): Promise<void>;
}

/** Bumped when the entry layout changes; entries of another format are misses. */
export const ENTRY_FORMAT = 'fingerprint-gate-result/1';

/**
 * An entry larger than this is not read: no honest analysis comes near it (findings carry short
 * snippets), and reading a planted multi-gigabyte file would cost more than the scan it saves.
 */
export const MAX_ENTRY_BYTES = 32 * 1024 * 1024;

interface EntryFile {
  format: typeof ENTRY_FORMAT;
  key: CacheKey;
  /** sha256 (hex) of `payload`, exactly as written. */
  checksum: string;
  /** The `CachedResult` as JSON text, so the checksum covers exact bytes. */
  payload: string;
}

export interface DirectoryCacheOptions {
  dir: string;
  /** `engineKey(...)` of the engine whose results this cache holds. */
  engine: string;
  logger: Logger;
}

/** The folder under the cache directory that holds every engine's entries (`pruneResultCache` walks it). */
export const RESULTS_DIR = 'results-1';

/** The folder of one engine's entries, under RESULTS_DIR. */
export function engineDirName(engine: string): string {
  return sha256(engine).slice(0, 32);
}

/**
 * A cache in `dir`: `<dir>/results-1/<engine digest>/<sha256 of the integrity>.json`. The integrity
 * comes from a lockfile, so it is hashed into the file name, never used as a path. A hit sets the
 * entry's modification time to now: that is how `pruneResultCache` knows what is still in use.
 */
export function createDirectoryCache(options: DirectoryCacheOptions): ResultCache {
  const root = join(options.dir, RESULTS_DIR);
  const engineDir = join(root, engineDirName(options.engine));
  const keyOf = (integrity: string): CacheKey => ({ integrity, engine: options.engine });
  const pathOf = (key: CacheKey): string => join(engineDir, `${sha256(key.integrity)}.json`);
  return {
    async get(integrity) {
      const key = keyOf(integrity);
      const path = pathOf(key);
      let text: string;
      try {
        const read = await readBounded(path);
        if (read === null) {
          options.logger.debug(`cache: ${path} is larger than ${MAX_ENTRY_BYTES} bytes; ignored`);
          return null;
        }
        text = read;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') options.logger.debug(`cache: ${path} could not be read (${errorMessage(error)}); ignored`);
        return null;
      }
      const result = decodeEntry(text, key);
      if (result === null) {
        options.logger.warn(`cache: ${path} is damaged or belongs to another key; ignored, and rewritten after the scan`);
        return null;
      }
      // A read-only cache (restored by another job's permissions) still serves; it just ages.
      const now = new Date();
      await utimes(path, now, now).catch(() => {});
      return result;
    },
    async set(integrity, result) {
      const key = keyOf(integrity);
      const path = pathOf(key);
      const payload = JSON.stringify(result);
      const entry: EntryFile = { format: ENTRY_FORMAT, key, checksum: sha256(payload), payload };
      // Written aside and renamed into place, so a reader (another package of this run, a job
      // killed mid-write) sees the old entry or the new one, never half of one.
      const temporary = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
      try {
        await mkdir(join(path, '..'), { recursive: true });
        await writeFile(temporary, JSON.stringify(entry));
        await rename(temporary, path);
      } catch (error) {
        options.logger.warn(`cache: could not write ${path} (${errorMessage(error)}); the result is not cached`);
        await rm(temporary, { force: true }).catch(() => {});
      }
    },
  };
}

/** An entry's result when it is whole and is the one for `key`; null otherwise. */
export function decodeEntry(text: string, key: CacheKey): CachedResult | null {
  let entry: unknown;
  try {
    entry = JSON.parse(text);
  } catch {
    return null;
  }
  if (!isRecord(entry) || entry.format !== ENTRY_FORMAT) return null;
  const stored = entry.key;
  if (!isRecord(stored) || stored.integrity !== key.integrity || stored.engine !== key.engine) return null;
  if (typeof entry.payload !== 'string' || entry.checksum !== sha256(entry.payload)) return null;
  let payload: unknown;
  try {
    payload = JSON.parse(entry.payload);
  } catch {
    return null;
  }
  return narrowCachedResult(payload);
}

/** The payload narrowed to what the report will carry; null at the first thing out of shape. */
export function narrowCachedResult(value: unknown): CachedResult | null {
  if (!isRecord(value) || !isStringArray(value.notes)) return null;
  const analysis = value.analysis;
  if (!isRecord(analysis) || !Array.isArray(analysis.findings)) return null;
  const files = analysis.files;
  if (!isRecord(files) || !isCount(files.total) || !isCount(files.parsed) || !Array.isArray(files.problems)) return null;
  if (!files.problems.every((problem) => isRecord(problem) && typeof problem.file === 'string' && typeof problem.reason === 'string')) return null;
  if (!analysis.findings.every(isFindingShape)) return null;
  return value as unknown as CachedResult;
}

function isFindingShape(value: unknown): boolean {
  return (
    isRecord(value) &&
    isRuleId(value.ruleId) &&
    isSeverity(value.severity) &&
    typeof value.file === 'string' &&
    isCount(value.line) &&
    isCount(value.column) &&
    typeof value.message === 'string' &&
    typeof value.introduced === 'boolean' &&
    typeof value.identity === 'string' &&
    isRecord(value.evidence) &&
    typeof value.evidence.snippet === 'string'
  );
}

/** The file's text, or null when it is larger than MAX_ENTRY_BYTES (checked on the open handle). */
async function readBounded(path: string): Promise<string | null> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    if (size > MAX_ENTRY_BYTES) return null;
    return await handle.readFile('utf8');
  } finally {
    await handle.close();
  }
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}

/**
 * The entries' way to a cache: a directory (given, or the default for their environment) bound
 * to the engine that runs, or none.
 */
import { readFileSync } from 'node:fs';
import type { Detector } from '../analysis/detector.js';
import { errorMessage } from '../errors.js';
import type { Logger } from '../logger.js';
import { bundleDigest, engineKey } from './cache-key.js';
import { defaultCacheDir } from './default-cache-dir.js';
import { pruneResultCache, type PruneSummary } from './prune-cache.js';
import { createDirectoryCache, type ResultCache } from './result-cache.js';

export interface OpenCacheOptions {
  /** An explicit directory; empty or undefined means the default for `env`. */
  dir: string | undefined;
  env: Readonly<Record<string, string | undefined>>;
  detectors: readonly Detector[];
  /** The file that runs (the bundle): its digest is part of the engine key. */
  bundlePath: string;
  logger: Logger;
}

export interface OpenedCache {
  cache: ResultCache;
  dir: string;
  /** Housekeeping after the run (`pruneResultCache`), so the directory stays bounded. */
  prune(): Promise<PruneSummary>;
}

export function openResultCache(options: OpenCacheOptions): OpenedCache | null {
  const dir = options.dir !== undefined && options.dir !== '' ? options.dir : defaultCacheDir(options.env);
  if (dir === null) return null;
  let build: string;
  try {
    build = bundleDigest(readFileSync(options.bundlePath));
  } catch (error) {
    // Without knowing which build runs, a result could be reused by a different engine: no cache.
    options.logger.warn(`cache: ${options.bundlePath} could not be read (${errorMessage(error)}); results are not cached`);
    return null;
  }
  const engine = engineKey({ detectors: options.detectors, build });
  return {
    cache: createDirectoryCache({ dir, engine, logger: options.logger }),
    dir,
    prune: () => pruneResultCache({ dir, engine, logger: options.logger }),
  };
}

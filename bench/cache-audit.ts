/**
 * `bench.js cache-audit [--cache-dir <dir>] [--shard i/n] --out <file>`: one whole-tree audit of
 * the cache bench's lockfile as its own process, the way the CLI's `audit` runs it (registry
 * fetcher, worker pool, result cache, `gate()`, the report's audit scope), but fetching from the
 * bench's pacote cache so no run waits on the network. `bench/cache.ts` starts it, times it and
 * samples its memory. Prints the time inside `gate()` as JSON on the last line.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { DETECTORS } from '../src/analysis/detectors/index.js';
import { createAnalysisPool, defaultPoolSize } from '../src/analysis/pool/pool.js';
import { poolAnalyzer } from '../src/analysis/pool/pool-analyzer.js';
import { auditChanges } from '../src/audit/audit-changes.js';
import { auditScope } from '../src/audit/audit-scope.js';
import { parseShard } from '../src/audit/shard.js';
import { openResultCache } from '../src/cache/open-cache.js';
import { DEFAULT_POLICY } from '../src/config/schema.js';
import { readNpmrc } from '../src/fetch/npmrc.js';
import { createRegistryFetcher } from '../src/fetch/registry.js';
import { gate } from '../src/gate.js';
import { parseLockfile } from '../src/lockfile/index.js';
import { SILENT_LOGGER } from '../src/logger.js';
import { renderJson } from '../src/report/render/json.js';

export const CACHE_LOCKFILE = 'cache-lockfile/package-lock.json';

/** Every finding of every package counts, at the default threshold: a verdict worth comparing. */
export const CACHE_BENCH_POLICY = { ...DEFAULT_POLICY, allow: [], mode: 'all' as const };

export async function cacheAuditCommand(argv: readonly string[], benchDir: string): Promise<number> {
  const option = (name: string): string | undefined => {
    const at = argv.indexOf(name);
    return at === -1 ? undefined : argv[at + 1];
  };
  const out = option('--out');
  if (out === undefined) throw new Error('cache-audit needs --out <file>');
  const shardValue = option('--shard');
  const shard = shardValue === undefined ? undefined : parseShard(shardValue);
  const cacheDir = option('--cache-dir');

  const lockPath = join(benchDir, CACHE_LOCKFILE);
  const locked = parseLockfile(lockPath, await readFile(lockPath, 'utf8'));
  const all = auditChanges(locked, CACHE_LOCKFILE);
  const changes = shard === undefined ? all : auditChanges(locked, CACHE_LOCKFILE, shard);
  const fetcher = createRegistryFetcher({
    npmrc: readNpmrc(join(benchDir, 'cache-lockfile'), {}),
    cacheDir: join(benchDir, '.cache', 'gate-fetch'),
    logger: SILENT_LOGGER,
  });
  const script = fileURLToPath(import.meta.url);
  const opened = cacheDir === undefined ? null : openResultCache({ dir: cacheDir, env: {}, detectors: DETECTORS, bundlePath: script, logger: SILENT_LOGGER });
  const pool = createAnalysisPool({ size: defaultPoolSize(), script });
  try {
    const started = performance.now();
    const report = await gate(changes, {
      fetcher,
      detectors: DETECTORS,
      policy: CACHE_BENCH_POLICY,
      logger: SILENT_LOGGER,
      analyze: poolAnalyzer(pool, DETECTORS),
      ...(opened !== null ? { cache: opened.cache } : {}),
    });
    const gateMs = performance.now() - started;
    await opened?.prune();
    await writeFile(out, renderJson({ ...report, audit: auditScope(all, shard) }));
    process.stdout.write(`${JSON.stringify({ gateMs })}\n`);
    return 0;
  } finally {
    await pool.close();
  }
}

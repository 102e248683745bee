/**
 * `npm run bench -- cache`: a whole-tree audit of a real lockfile (bench/cache-lockfile/, 256
 * packages) the way the CLI runs it (registry fetcher, worker pool, gate), cold (empty result
 * cache) against warm (the cache the cold run left), same findings required. Tarballs are
 * fetched once into bench/.cache/ before timing, so cold measures unpacking and analysis, not
 * the network. Also the sharded audit: each shard cold on its own, the slowest being the wall
 * time of a matrix with one runner per shard, against one process.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { DETECTORS } from '../src/analysis/detectors/index.js';
import { createAnalysisPool, defaultPoolSize } from '../src/analysis/pool/pool.js';
import { poolAnalyzer } from '../src/analysis/pool/pool-analyzer.js';
import { auditChanges } from '../src/audit/audit-changes.js';
import { mergeReports } from '../src/audit/merge-reports.js';
import { bundleDigest, engineKey } from '../src/cache/cache-key.js';
import { createDirectoryCache, type ResultCache } from '../src/cache/result-cache.js';
import { DEFAULT_POLICY } from '../src/config/schema.js';
import { readNpmrc } from '../src/fetch/npmrc.js';
import { createRegistryFetcher } from '../src/fetch/registry.js';
import { gate } from '../src/gate.js';
import { parseLockfile } from '../src/lockfile/index.js';
import type { PackageChange } from '../src/lockfile/types.js';
import { SILENT_LOGGER } from '../src/logger.js';
import { renderJson } from '../src/report/render/json.js';
import type { PackageReport, Report } from '../src/report/report.js';
import { median } from './median.js';

const LOCKFILE = 'cache-lockfile/package-lock.json';
const SHARD_COUNTS = [2, 4] as const;

export interface CacheBenchOptions {
  rounds: number;
  log: (line: string) => void;
}

export interface CacheBenchResult {
  date: string;
  node: string;
  workers: number;
  lockfile: string;
  packages: number;
  rounds: number;
  coldMs: number[];
  warmMs: number[];
  coldMedianMs: number;
  warmMedianMs: number;
  speedup: number;
  /** Packages the warm run reported `cached`, of `packages`. */
  cachedOnWarm: number;
  sameFindings: boolean;
  findings: number;
  /** Peak resident set of this process (workers not included) after the cold and after the warm runs. */
  peakRssMB: { afterCold: number; afterWarm: number };
  shards: { count: number; shardMs: number[]; matrixWallMs: number; mergeMs: number; sameAsOneProcess: boolean }[];
}

export async function runCacheBench(benchDir: string, options: CacheBenchOptions): Promise<CacheBenchResult> {
  const lockPath = join(benchDir, LOCKFILE);
  const all = auditChanges(parseLockfile(lockPath, await readFile(lockPath, 'utf8')), LOCKFILE);
  const fetcher = createRegistryFetcher({
    npmrc: readNpmrc(join(benchDir, 'cache-lockfile'), {}),
    cacheDir: join(benchDir, '.cache', 'gate-fetch'),
    logger: SILENT_LOGGER,
  });
  const workers = defaultPoolSize();
  const script = fileURLToPath(import.meta.url);
  const engine = engineKey({ detectors: DETECTORS, build: bundleDigest(await readFile(script)) });
  const policy = { ...DEFAULT_POLICY, allow: [], failOn: 'none' as const, mode: 'all' as const };

  const run = async (changes: PackageChange[], cache: ResultCache | undefined): Promise<{ report: Report; ms: number }> => {
    const pool = createAnalysisPool({ size: workers, script });
    try {
      const started = performance.now();
      const report = await gate(changes, { fetcher, detectors: DETECTORS, policy, logger: SILENT_LOGGER, analyze: poolAnalyzer(pool, DETECTORS), ...(cache ? { cache } : {}) });
      return { report, ms: performance.now() - started };
    } finally {
      await pool.close();
    }
  };
  const freshCache = async (): Promise<{ cache: ResultCache; dir: string }> => {
    const dir = await mkdtemp(join(tmpdir(), 'fg-bench-results-'));
    return { cache: createDirectoryCache({ dir, engine, logger: SILENT_LOGGER }), dir };
  };

  options.log(`cache bench: ${all.length} packages of ${LOCKFILE}, ${workers} workers, ${options.rounds} rounds`);
  // Untimed: every tarball into the fetch cache, so no timed run waits on the network.
  await Promise.all(all.map((change) => (change.target ? fetcher.fetch(change.target).catch(() => null) : null)));

  const coldMs: number[] = [];
  const warmMs: number[] = [];
  let sameFindings = true;
  let cachedOnWarm = Number.POSITIVE_INFINITY;
  let findings = 0;
  let afterCold = 0;
  let afterWarm = 0;
  let reference: Report | null = null;
  for (let round = 1; round <= options.rounds; round++) {
    const { cache, dir } = await freshCache();
    const cold = await run(all, cache);
    afterCold = Math.max(afterCold, process.resourceUsage().maxRSS / 1024);
    const warm = await run(all, cache);
    afterWarm = Math.max(afterWarm, process.resourceUsage().maxRSS / 1024);
    await rm(dir, { recursive: true, force: true });
    coldMs.push(cold.ms);
    warmMs.push(warm.ms);
    reference ??= cold.report;
    sameFindings &&= isDeepStrictEqual(warm.report.packages.map(content), cold.report.packages.map(content)) && warm.report.verdict === cold.report.verdict;
    cachedOnWarm = Math.min(cachedOnWarm, warm.report.packages.filter((pkg) => pkg.status === 'cached').length);
    findings = cold.report.packages.reduce((n, pkg) => n + pkg.findings.length, 0);
    const failed = cold.report.packages.filter((pkg) => pkg.status === 'failed');
    options.log(`  round ${round}: cold ${(cold.ms / 1000).toFixed(2)} s, warm ${(warm.ms / 1000).toFixed(3)} s; warm cached ${warm.report.packages.filter((pkg) => pkg.status === 'cached').length}/${all.length}${failed.length > 0 ? `; failed: ${failed.map((pkg) => pkg.name).join(', ')}` : ''}`);
  }

  const shards: CacheBenchResult['shards'] = [];
  for (const count of SHARD_COUNTS) {
    const shardMs: number[] = [];
    const texts: { file: string; text: string }[] = [];
    for (let index = 1; index <= count; index++) {
      const changes = auditChanges(parseLockfile(lockPath, await readFile(lockPath, 'utf8')), LOCKFILE, { index, count });
      const { report, ms } = await run(changes, undefined);
      shardMs.push(ms);
      texts.push({ file: `shard-${index}.json`, text: renderJson(report) });
    }
    const started = performance.now();
    const merged = mergeReports(texts);
    const mergeMs = performance.now() - started;
    // A shard report went through JSON (key order of renderJson): compared as values, not as text.
    const sameAsOneProcess = reference !== null && isDeepStrictEqual(merged.packages, reference.packages) && merged.verdict === reference.verdict && merged.blocking === reference.blocking;
    if (!sameAsOneProcess && reference !== null) {
      const differing = merged.packages.findIndex((pkg, i) => !isDeepStrictEqual(pkg, reference?.packages[i]));
      options.log(`  ${count} shards differ from one process at package ${differing}: ${JSON.stringify(merged.packages[differing]).slice(0, 600)} vs ${JSON.stringify(reference.packages[differing]).slice(0, 600)}`);
    }
    shards.push({ count, shardMs, matrixWallMs: Math.max(...shardMs) + mergeMs, mergeMs, sameAsOneProcess });
    options.log(`  ${count} shards: ${shardMs.map((ms) => (ms / 1000).toFixed(2)).join(' s, ')} s; merge ${mergeMs.toFixed(0)} ms; same as one process: ${sameAsOneProcess}`);
  }

  const coldMedianMs = median(coldMs);
  const warmMedianMs = median(warmMs);
  return {
    date: new Date().toISOString(),
    node: process.version,
    workers,
    lockfile: LOCKFILE,
    packages: all.length,
    rounds: options.rounds,
    coldMs,
    warmMs,
    coldMedianMs,
    warmMedianMs,
    speedup: coldMedianMs / warmMedianMs,
    cachedOnWarm: Number.isFinite(cachedOnWarm) ? cachedOnWarm : 0,
    sameFindings,
    findings,
    peakRssMB: { afterCold: Math.round(afterCold), afterWarm: Math.round(afterWarm) },
    shards,
  };
}

/** A package's outcome without how it was obtained this time. */
function content({ status: _status, reason: _reason, ...rest }: PackageReport): Omit<PackageReport, 'status' | 'reason'> {
  return rest;
}

export function renderCacheMarkdown(result: CacheBenchResult): string {
  const s = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
  const oneProcess = result.coldMedianMs;
  return [
    `## Result cache: whole-tree audit of ${result.lockfile} (${result.packages} packages)`,
    '',
    `${result.date}, node ${result.node}, ${result.workers} workers, ${result.rounds} rounds (median).`,
    '',
    '| run | median | rounds |',
    '|---|---|---|',
    `| cold (empty cache) | ${s(result.coldMedianMs)} | ${result.coldMs.map(s).join(', ')} |`,
    `| warm (same cache) | ${s(result.warmMedianMs)} | ${result.warmMs.map(s).join(', ')} |`,
    '',
    `Warm is **${result.speedup.toFixed(1)}x** faster; ${result.cachedOnWarm}/${result.packages} packages reported cached; ` +
      `same findings (${result.findings}) cold and warm: ${result.sameFindings ? 'yes' : '**no**'}. ` +
      `Peak RSS of the gate's process (workers not counted): ${result.peakRssMB.afterCold} MB after the cold runs, ${result.peakRssMB.afterWarm} MB after the warm ones.`,
    '',
    '### Sharded audit (cold, each shard alone; a matrix runs them at once on separate runners)',
    '',
    '| shards | each shard | matrix wall time (slowest + merge) | vs one process | merge equals one process |',
    '|---|---|---|---|---|',
    ...result.shards.map(
      (shard) =>
        `| ${shard.count} | ${shard.shardMs.map(s).join(', ')} | ${s(shard.matrixWallMs)} | ${(oneProcess / shard.matrixWallMs).toFixed(2)}x | ${shard.sameAsOneProcess ? 'yes' : '**no**'} |`,
    ),
    '',
  ].join('\n');
}

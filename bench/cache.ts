/**
 * `npm run bench -- cache`: whole-tree audits of a real lockfile (bench/cache-lockfile/, 248
 * packages), each one a process of its own (`cache-audit.ts`: registry fetcher, worker pool,
 * result cache, `gate()`), timed from start to exit with the peak memory of the process and its
 * workers together.
 *
 * - Cold (empty result cache) against warm (the cache the cold run left): same findings required.
 * - Sharded: one process auditing everything, against 2 shards as 2 processes at once on this
 *   machine plus the merge, and against each shard alone (what a matrix with one runner per shard
 *   waits for: the slowest shard plus the merge). The merge must equal the one-process report.
 *
 * Tarballs are fetched once into bench/.cache/ before timing, so no run waits on the network.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { auditChanges } from '../src/audit/audit-changes.js';
import { mergeReports } from '../src/audit/merge-reports.js';
import { defaultPoolSize } from '../src/analysis/pool/pool.js';
import { readNpmrc } from '../src/fetch/npmrc.js';
import { createRegistryFetcher } from '../src/fetch/registry.js';
import { parseLockfile } from '../src/lockfile/index.js';
import { SILENT_LOGGER } from '../src/logger.js';
import type { PackageReport, Report } from '../src/report/report.js';
import { CACHE_LOCKFILE } from './cache-audit.js';
import { median } from './median.js';
import { sampleTreeRss } from './process-tree-rss.js';

const SHARDS = 2;

export interface CacheBenchOptions {
  rounds: number;
  log: (line: string) => void;
}

/** One measured process (or set of processes run at once). */
interface Run {
  wallMs: number;
  /** Time inside `gate()`, without process start, pool start and writing the report. */
  gateMs: number;
  peakRssMB: number;
}

interface Series {
  wallMs: number[];
  gateMs: number[];
  peakRssMB: number[];
  medianWallMs: number;
  medianGateMs: number;
  maxPeakRssMB: number;
}

export interface CacheBenchResult {
  date: string;
  node: string;
  machine: string;
  workers: number;
  lockfile: string;
  packages: number;
  rounds: number;
  cold: Series;
  warm: Series;
  /** Cold over warm, by wall time of the whole process and by time inside gate(). */
  speedup: { wall: number; gate: number };
  /** Packages the warm runs reported `cached` (the fewest of any round), of `packages`. */
  cachedOnWarm: number;
  sameFindings: boolean;
  findings: number;
  verdict: Report['verdict'];
  /** The result cache directory after a cold run: what actions/cache would save. */
  cacheBytes: number;
  cacheEntries: number;
  sharded: {
    shards: number;
    oneProcess: Series;
    /** The shards as processes at once on this machine; wall time includes the merge. */
    concurrent: Series & { mergeMs: number[] };
    /** Each shard alone; the matrix's wall time is the slowest shard plus the merge. */
    separate: { shardWallMs: number[][]; matrixWallMs: number[]; medianMatrixWallMs: number; maxPeakRssMB: number };
    sameAsOneProcess: boolean;
  };
}

export async function runCacheBench(benchDir: string, options: CacheBenchOptions): Promise<CacheBenchResult> {
  const lockPath = join(benchDir, CACHE_LOCKFILE);
  const all = auditChanges(parseLockfile(lockPath, await readFile(lockPath, 'utf8')), CACHE_LOCKFILE);
  const fetcher = createRegistryFetcher({
    npmrc: readNpmrc(join(benchDir, 'cache-lockfile'), {}),
    cacheDir: join(benchDir, '.cache', 'gate-fetch'),
    logger: SILENT_LOGGER,
  });
  const script = fileURLToPath(import.meta.url);
  const scratch = await mkdtemp(join(tmpdir(), 'fg-bench-cache-'));
  const log = options.log;
  log(`cache bench: ${all.length} packages of ${CACHE_LOCKFILE}, ${defaultPoolSize()} workers per process, ${options.rounds} rounds; shared machine, timings may be noisy`);
  // Untimed: every tarball into the fetch cache, so no timed run waits on the network.
  await Promise.all(all.map((change) => (change.target ? fetcher.fetch(change.target).catch(() => null) : null)));

  let file = 0;
  /** Starts the audits given at once; done when all have exited; their reports read back. */
  const audits = async (argsList: string[][]): Promise<{ run: Run; reports: Report[]; files: string[] }> => {
    const outs = argsList.map(() => join(scratch, `report-${++file}.json`));
    const started = performance.now();
    const children = argsList.map((args, i) => spawn(process.execPath, [script, 'cache-audit', ...args, '--out', outs[i] as string], { stdio: ['ignore', 'pipe', 'inherit'] }));
    const sampler = sampleTreeRss(children.map((child) => child.pid ?? -1));
    const gateMs = await Promise.all(
      children.map(
        (child) =>
          new Promise<number>((done, fail) => {
            let stdout = '';
            child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
            child.on('error', fail);
            child.on('close', (code) => {
              if (code !== 0) fail(new Error(`cache-audit ${child.spawnargs.slice(3).join(' ')} exited ${code}`));
              else done((JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as { gateMs: number }).gateMs);
            });
          }),
      ),
    );
    const wallMs = performance.now() - started;
    const peakRssMB = sampler.stop();
    const reports = await Promise.all(outs.map(async (out) => JSON.parse(await readFile(out, 'utf8')) as Report));
    return { run: { wallMs, gateMs: Math.max(...gateMs), peakRssMB }, reports, files: outs };
  };

  const cold: Run[] = [];
  const warm: Run[] = [];
  let sameFindings = true;
  let cachedOnWarm = Number.POSITIVE_INFINITY;
  let reference: Report | null = null;
  let cacheBytes = 0;
  let cacheEntries = 0;
  for (let round = 1; round <= options.rounds; round++) {
    const cacheDir = await mkdtemp(join(scratch, 'results-'));
    const first = await audits([['--cache-dir', cacheDir]]);
    ({ bytes: cacheBytes, files: cacheEntries } = await directorySize(cacheDir));
    const second = await audits([['--cache-dir', cacheDir]]);
    await rm(cacheDir, { recursive: true, force: true });
    const [coldReport, warmReport] = [first.reports[0] as Report, second.reports[0] as Report];
    cold.push(first.run);
    warm.push(second.run);
    reference ??= coldReport;
    sameFindings &&= isDeepStrictEqual(warmReport.packages.map(content), coldReport.packages.map(content)) && warmReport.verdict === coldReport.verdict;
    const cached = warmReport.packages.filter((pkg) => pkg.status === 'cached').length;
    cachedOnWarm = Math.min(cachedOnWarm, cached);
    const failed = coldReport.packages.filter((pkg) => pkg.status === 'failed');
    log(`  round ${round}: cold ${s(first.run.wallMs)} (gate ${s(first.run.gateMs)}, ${first.run.peakRssMB} MB), warm ${s(second.run.wallMs)} (gate ${s(second.run.gateMs)}, ${second.run.peakRssMB} MB); warm cached ${cached}/${all.length}${failed.length > 0 ? `; failed: ${failed.map((pkg) => pkg.name).join(', ')}` : ''}`);
  }

  const one: Run[] = [];
  const concurrent: (Run & { mergeMs: number })[] = [];
  const shardWallMs: number[][] = [];
  const matrixWallMs: number[] = [];
  let separatePeak = 0;
  let sameAsOneProcess = true;
  const shardArgs = Array.from({ length: SHARDS }, (_, i) => ['--shard', `${i + 1}/${SHARDS}`]);
  const merge = async (files: string[]): Promise<{ report: Report; ms: number }> => {
    const started = performance.now();
    const texts = await Promise.all(files.map(async (path) => ({ file: path, text: await readFile(path, 'utf8') })));
    const report = mergeReports(texts);
    return { report, ms: performance.now() - started };
  };
  const equalsOne = (merged: Report, whole: Report): boolean =>
    isDeepStrictEqual(merged.packages, whole.packages) && merged.verdict === whole.verdict && merged.blocking === whole.blocking && isDeepStrictEqual(merged.audit, whole.audit);
  for (let round = 1; round <= options.rounds; round++) {
    const whole = await audits([[]]);
    one.push(whole.run);
    const together = await audits(shardArgs);
    const mergedTogether = await merge(together.files);
    concurrent.push({ ...together.run, wallMs: together.run.wallMs + mergedTogether.ms, mergeMs: mergedTogether.ms });
    const alone: number[] = [];
    const aloneFiles: string[] = [];
    for (const args of shardArgs) {
      const shard = await audits([args]);
      alone.push(shard.run.wallMs);
      aloneFiles.push(...shard.files);
      separatePeak = Math.max(separatePeak, shard.run.peakRssMB);
    }
    const mergedAlone = await merge(aloneFiles);
    shardWallMs.push(alone);
    matrixWallMs.push(Math.max(...alone) + mergedAlone.ms);
    const wholeReport = whole.reports[0] as Report;
    sameAsOneProcess &&= equalsOne(mergedTogether.report, wholeReport) && equalsOne(mergedAlone.report, wholeReport);
    log(`  sharded round ${round}: one process ${s(whole.run.wallMs)} (${whole.run.peakRssMB} MB); ${SHARDS} at once + merge ${s(together.run.wallMs + mergedTogether.ms)} (${together.run.peakRssMB} MB together); each alone ${alone.map(s).join(', ')}, matrix ${s(Math.max(...alone) + mergedAlone.ms)}; merge equals one process: ${sameAsOneProcess}`);
  }
  await rm(scratch, { recursive: true, force: true });

  const coldSeries = series(cold);
  const warmSeries = series(warm);
  const findings = reference?.packages.reduce((n, pkg) => n + pkg.findings.length, 0) ?? 0;
  return {
    date: new Date().toISOString(),
    node: process.version,
    machine: 'shared 2-core machine (other engineers running tests at the same time): timings are noisy',
    workers: defaultPoolSize(),
    lockfile: CACHE_LOCKFILE,
    packages: all.length,
    rounds: options.rounds,
    cold: coldSeries,
    warm: warmSeries,
    speedup: { wall: coldSeries.medianWallMs / warmSeries.medianWallMs, gate: coldSeries.medianGateMs / warmSeries.medianGateMs },
    cachedOnWarm: Number.isFinite(cachedOnWarm) ? cachedOnWarm : 0,
    sameFindings,
    findings,
    verdict: reference?.verdict ?? 'pass',
    cacheBytes,
    cacheEntries,
    sharded: {
      shards: SHARDS,
      oneProcess: series(one),
      concurrent: { ...series(concurrent), mergeMs: concurrent.map((run) => run.mergeMs) },
      separate: { shardWallMs, matrixWallMs, medianMatrixWallMs: median(matrixWallMs), maxPeakRssMB: separatePeak },
      sameAsOneProcess,
    },
  };
}

function series(runs: readonly Run[]): Series {
  return {
    wallMs: runs.map((run) => run.wallMs),
    gateMs: runs.map((run) => run.gateMs),
    peakRssMB: runs.map((run) => run.peakRssMB),
    medianWallMs: median(runs.map((run) => run.wallMs)),
    medianGateMs: median(runs.map((run) => run.gateMs)),
    maxPeakRssMB: Math.max(...runs.map((run) => run.peakRssMB)),
  };
}

async function directorySize(dir: string): Promise<{ bytes: number; files: number }> {
  let bytes = 0;
  let files = 0;
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    bytes += (await stat(join(entry.parentPath, entry.name))).size;
    files += 1;
  }
  return { bytes, files };
}

/** A package's outcome without how it was obtained this time. */
function content({ status: _status, reason: _reason, ...rest }: PackageReport): Omit<PackageReport, 'status' | 'reason'> {
  return rest;
}

function s(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`;
}

export function renderCacheMarkdown(result: CacheBenchResult): string {
  const { sharded } = result;
  const vsOne = (ms: number): string => `${(sharded.oneProcess.medianWallMs / ms).toFixed(2)}x`;
  const row = (name: string, series: Series): string =>
    `| ${name} | ${s(series.medianWallMs)} | ${series.wallMs.map(s).join(', ')} | ${s(series.medianGateMs)} | ${series.maxPeakRssMB} MB |`;
  return [
    `## Result cache and sharded audit: ${result.lockfile} (${result.packages} packages)`,
    '',
    `${result.date}, node ${result.node}, ${result.workers} analysis workers per process, ${result.rounds} rounds (medians).`,
    `**Noise:** ${result.machine}; read ratios, not absolute times. Each run is its own process, timed`,
    'from start to exit (node start, worker pool start and report writing included; "in gate()" leaves',
    'them out). Peak RSS: the process and its workers together, sampled every 50 ms from /proc.',
    '',
    '### Cold and warm',
    '',
    '| run | wall (median) | wall (rounds) | in gate() (median) | peak RSS |',
    '|---|---|---|---|---|',
    row('cold (empty result cache)', result.cold),
    row('warm (the cache the cold run left)', result.warm),
    '',
    `Warm is **${result.speedup.wall.toFixed(1)}x** faster by wall time (${result.speedup.gate.toFixed(0)}x inside gate()); ` +
      `${result.cachedOnWarm}/${result.packages} packages reported cached; same findings (${result.findings}) and verdict (${result.verdict}) cold and warm: ${result.sameFindings ? 'yes' : '**no**'}. ` +
      `The result cache after a cold run: ${result.cacheEntries} entries, ${(result.cacheBytes / 1024 / 1024).toFixed(2)} MiB.`,
    '',
    `### Sharded audit (${sharded.shards} shards, cold, no result cache)`,
    '',
    '| run | wall (median) | wall (rounds) | vs one process | peak RSS |',
    '|---|---|---|---|---|',
    `| one process | ${s(sharded.oneProcess.medianWallMs)} | ${sharded.oneProcess.wallMs.map(s).join(', ')} | 1.00x | ${sharded.oneProcess.maxPeakRssMB} MB |`,
    `| ${sharded.shards} shards at once on this machine, then merge | ${s(sharded.concurrent.medianWallMs)} | ${sharded.concurrent.wallMs.map(s).join(', ')} | ${vsOne(sharded.concurrent.medianWallMs)} | ${sharded.concurrent.maxPeakRssMB} MB (both) |`,
    `| matrix: each shard alone (slowest + merge) | ${s(sharded.separate.medianMatrixWallMs)} | ${sharded.separate.matrixWallMs.map(s).join(', ')} | ${vsOne(sharded.separate.medianMatrixWallMs)} | ${sharded.separate.maxPeakRssMB} MB (one shard) |`,
    '',
    `Each shard alone, per round: ${sharded.separate.shardWallMs.map((round) => round.map(s).join(' + ')).join('; ')}. ` +
      `Merge: ${sharded.concurrent.mergeMs.map(s).join(', ')}. Merged report equals the one-process report (packages, findings, verdict, audit scope): ${sharded.sameAsOneProcess ? 'yes' : '**no**'}.`,
    '',
    `Two shards at once on one 2-core machine share its cores (each process starts one worker per core), so`,
    `they cannot be much faster than one process there; on a matrix each shard has a runner of its own.`,
    '',
  ].join('\n');
}

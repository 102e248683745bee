/**
 * `npm run bench -- pool`: wall time of the corpus analysed through the worker pool with one
 * worker against a pool of one worker per core, the way the gate runs it (files handed to
 * workers, several packages in flight). The same slice of each package as the speed bench.
 *
 * Per round, besides wall time: the CPU time of the bench's process and of the workers (each
 * reports its own), the CPU other processes took meanwhile (the machine is shared: such rounds
 * are noise, and are marked), and, as the baseline of the CPU ratio, a bare acorn parse of the
 * same files and the analysis of the same packages in this thread.
 *
 * The control: the same files' bare parse in one process against as many processes as workers,
 * each a share, all at once. What that gains is what the machine gives any node program split in
 * processes (V8 collects and compiles on threads of its own, so one process already uses more than
 * a core, and the cores share caches and memory): the ceiling the pool's speed-up is read against.
 */
import { spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { analyzePackage, analyzePackageWith } from '../src/analysis/analyze-package.js';
import { DETECTORS } from '../src/analysis/detectors/index.js';
import { createAnalysisPool, defaultPoolSize } from '../src/analysis/pool/pool.js';
import { bareParse } from './bare-parse.js';
import type { LoadedPackage } from './corpus.js';
import { machineBusyMs } from './machine-load.js';
import { median } from './median.js';
import { sliceForSpeed } from './speed.js';

/** Packages in flight at once, as the gate's default `concurrency`: enough to keep every worker fed. */
const PACKAGES_IN_FLIGHT = 4;
/** The target of issue 13 on a 2-core machine. */
export const TARGET_SPEEDUP = 1.6;
/** A round in which other processes took more than this share of one core is marked as noisy. */
export const QUIET_OTHERS_CORES = 0.15;
const MB = 1024 * 1024;

export interface PoolBenchOptions {
  rounds: number;
  stride: number;
  /** Where `bare-parse-share-child.mjs` is. */
  benchDir: string;
  /** Where the control's copy of the files is written. */
  workDir: string;
  log: (line: string) => void;
}

export interface PoolRun {
  workers: number;
  ms: number;
  /** CPU of the bench's own process: planning, sending files, collecting results. */
  mainCpuMs: number;
  workerCpuMs: number;
  workersStarted: number;
  /** Idle workers stopped because a file needed the memory they kept. */
  stoppedForMemory: number;
  sentAhead: number;
  /** Cores other processes kept busy on average during the run. */
  othersCores: number;
}

export interface PoolRound {
  round: number;
  runs: PoolRun[];
  bareParseCpuMs: number;
  inThreadCpuMs: number;
  speedup: number;
  /** The control: the bare parse in one process, and split over as many processes as workers; wall and CPU (all processes). */
  bareProcesses: { oneMs: number; splitMs: number; speedup: number; oneCpuMs: number; splitCpuMs: number };
  quiet: boolean;
}

export interface PoolBenchResult {
  date: string;
  node: string;
  cpus: number;
  availableParallelism: number;
  rounds: PoolRound[];
  packages: number;
  files: number;
  megabytes: number;
  /** `coresUsed`: CPU of the bench process and its workers over wall time (V8's own threads make one worker use more than one core). */
  variants: { workers: number; medianMs: number; MBps: number; mainCpuMs: number; workerCpuMs: number; cpuRatio: number; coresUsed: number }[];
  /** Median wall time with one worker over median wall time with one per core. */
  speedup: number;
  /** The control's speed-up (median over rounds): the bare parse split over as many processes. */
  controlSpeedup: number;
  /** Median over rounds of the pool's speed-up over the control's in the same round. */
  shareOfControl: number;
  /** Median over rounds of the control's CPU split over its CPU in one process: what sharing the cores costs each CPU second. */
  controlSplitCpuRatio: number;
  /** The same over the rounds where no other process took more than `QUIET_OTHERS_CORES`; null without such rounds. */
  quietSpeedup: number | null;
  quietRounds: number;
  medianBareParseCpuMs: number;
  /** In-thread analysis CPU over bare-parse CPU: the speed bench's ratio, for the same packages. */
  inThreadCpuRatio: number;
  /** Files whose worker gave no result (died, timed out): must be none on the corpus. */
  unanalysed: number;
  target: number;
}

export async function runPoolBench(loaded: readonly LoadedPackage[], options: PoolBenchOptions): Promise<PoolBenchResult> {
  const packages = loaded.filter((_, i) => i % options.stride === 0).map(sliceForSpeed);
  const files = packages.reduce((n, p) => n + p.js.length, 0);
  const bytes = packages.reduce((n, p) => n + p.bytes, 0);
  // The bench bundle is its own worker script, as dist/cli.js is the CLI's.
  const script = fileURLToPath(import.meta.url);
  const sizes = [...new Set([1, defaultPoolSize()])];
  const gc = (globalThis as { gc?: () => void }).gc;
  let unanalysed = 0;
  const rounds: PoolRound[] = [];
  options.log(`pool bench: ${packages.length} packages, ${files} files, ${(bytes / MB).toFixed(1)} MB; workers ${sizes.join(' vs ')}`);
  const control = await writeControlFiles(packages, options.workDir);
  const childScript = join(options.benchDir, 'bare-parse-share-child.mjs');

  const throughPool = async (size: number, countFailures: boolean): Promise<PoolRun> => {
    gc?.();
    const pool = createAnalysisPool({ size, script });
    const busyBefore = machineBusyMs();
    const started = performance.now();
    const cpuStarted = process.cpuUsage();
    let next = 0;
    const feed = async (): Promise<void> => {
      while (next < packages.length) {
        const pkg = packages[next++];
        if (pkg === undefined) return;
        await analyzePackageWith(pkg.files, DETECTORS, async (task) => {
          const outcome = await pool.analyse(task);
          if (!outcome.ok && countFailures) unanalysed++;
          return outcome;
        });
      }
    };
    await Promise.all(Array.from({ length: PACKAGES_IN_FLIGHT }, feed));
    const ms = performance.now() - started;
    const cpu = process.cpuUsage(cpuStarted);
    await pool.close();
    const stats = pool.stats();
    const mainCpuMs = (cpu.user + cpu.system) / 1000;
    const othersMs = Math.max(0, machineBusyMs() - busyBefore - mainCpuMs - stats.workerCpuMs);
    return { workers: size, ms, mainCpuMs, workerCpuMs: stats.workerCpuMs, workersStarted: stats.workersStarted, stoppedForMemory: stats.stoppedForMemory, sentAhead: stats.sentAhead, othersCores: othersMs / ms };
  };
  const cpuOf = (work: () => void): number => {
    gc?.();
    const started = process.cpuUsage();
    work();
    const cpu = process.cpuUsage(started);
    return (cpu.user + cpu.system) / 1000;
  };

  // Round 0 warms the page cache, the bundle load and this thread's JIT and is not counted; the variants alternate.
  for (let round = 0; round <= options.rounds; round++) {
    const runs: PoolRun[] = [];
    for (const size of round % 2 === 0 ? sizes : [...sizes].reverse()) runs.push(await throughPool(size, round === 0));
    const bareParseCpuMs = cpuOf(() => {
      for (const pkg of packages) for (const file of pkg.js) bareParse(file.content, false);
    });
    const inThreadCpuMs = cpuOf(() => {
      for (const pkg of packages) analyzePackage(pkg.files, DETECTORS);
    });
    if (round === 0) continue;
    // The control needs no warm-up: its processes start cold in every round, as the pool's workers do.
    const { ms: oneMs, cpuMs: oneCpuMs } = await bareParseProcesses(childScript, control, 1);
    const { ms: splitMs, cpuMs: splitCpuMs } = await bareParseProcesses(childScript, control, sizes.at(-1) ?? 1);
    runs.sort((a, b) => a.workers - b.workers);
    const one = runs[0];
    const all = runs.at(-1);
    const speedup = one !== undefined && all !== undefined ? one.ms / all.ms : Number.NaN;
    const quiet = runs.every((run) => run.othersCores <= QUIET_OTHERS_CORES);
    const bareProcesses = { oneMs, splitMs, speedup: oneMs / splitMs, oneCpuMs, splitCpuMs };
    rounds.push({ round, runs, bareParseCpuMs, inThreadCpuMs, speedup, bareProcesses, quiet });
    for (const run of runs) {
      options.log(
        `  round ${round}: ${run.workers} worker${run.workers === 1 ? '' : 's'} ${(run.ms / 1000).toFixed(2)} s ` +
          `(CPU: this process ${(run.mainCpuMs / 1000).toFixed(2)} s, workers ${(run.workerCpuMs / 1000).toFixed(2)} s; ` +
          `${run.workersStarted} started (${run.stoppedForMemory} stopped for memory), ${run.sentAhead} files sent ahead; other processes ${run.othersCores.toFixed(2)} cores)`,
      );
    }
    options.log(
      `  round ${round}: control (bare parse in 1 process ${(oneMs / 1000).toFixed(2)} s, CPU ${(oneCpuMs / 1000).toFixed(2)} s; ` +
        `in ${sizes.at(-1)} at once ${(splitMs / 1000).toFixed(2)} s, CPU ${(splitCpuMs / 1000).toFixed(2)} s): ${bareProcesses.speedup.toFixed(2)}x`,
    );
    options.log(`  round ${round}: speed-up ${speedup.toFixed(2)}x${quiet ? '' : ' (noisy: other processes were busy)'}; bare parse ${(bareParseCpuMs / 1000).toFixed(2)} s CPU, in-thread analysis ${(inThreadCpuMs / 1000).toFixed(2)} s CPU`);
  }
  const medianBareParseCpuMs = median(rounds.map((r) => r.bareParseCpuMs));
  const variants = sizes.map((workers) => {
    const runs = rounds.flatMap((r) => r.runs.filter((run) => run.workers === workers));
    const medianMs = median(runs.map((run) => run.ms));
    const mainCpuMs = median(runs.map((run) => run.mainCpuMs));
    const workerCpuMs = median(runs.map((run) => run.workerCpuMs));
    const coresUsed = median(runs.map((run) => (run.mainCpuMs + run.workerCpuMs) / run.ms));
    return { workers, medianMs, MBps: bytes / MB / (medianMs / 1000), mainCpuMs, workerCpuMs, cpuRatio: (mainCpuMs + workerCpuMs) / medianBareParseCpuMs, coresUsed };
  });
  const quietRounds = rounds.filter((r) => r.quiet);
  return {
    date: new Date().toISOString(),
    node: process.version,
    cpus: os.cpus().length,
    availableParallelism: os.availableParallelism(),
    rounds,
    packages: packages.length,
    files,
    megabytes: bytes / MB,
    variants,
    speedup: (variants[0]?.medianMs ?? Number.NaN) / (variants.at(-1)?.medianMs ?? Number.NaN),
    controlSpeedup: median(rounds.map((r) => r.bareProcesses.speedup)),
    shareOfControl: median(rounds.map((r) => r.speedup / r.bareProcesses.speedup)),
    controlSplitCpuRatio: median(rounds.map((r) => r.bareProcesses.splitCpuMs / r.bareProcesses.oneCpuMs)),
    quietSpeedup: quietRounds.length === 0 ? null : median(quietRounds.map((r) => r.speedup)),
    quietRounds: quietRounds.length,
    medianBareParseCpuMs,
    inThreadCpuRatio: median(rounds.map((r) => r.inThreadCpuMs)) / medianBareParseCpuMs,
    unanalysed,
    target: TARGET_SPEEDUP,
  };
}

export function renderPoolMarkdown(r: PoolBenchResult): string {
  const fmt = (n: number): string => n.toFixed(2);
  const s = (ms: number): string => `${fmt(ms / 1000)} s`;
  return [
    '# Analysis pool: one worker against one per core',
    '',
    `${r.date}, node ${r.node}, ${r.cpus} CPUs (availableParallelism ${r.availableParallelism}), median of ${r.rounds.length} rounds after a warm-up.`,
    `${r.packages} packages, ${r.files} files, ${fmt(r.megabytes)} MB of JavaScript, ${PACKAGES_IN_FLIGHT} packages in flight.`,
    '',
    '| workers | median wall time | MB/s | CPU: bench process | CPU: workers | cores used | CPU / bare-parse CPU |',
    '|---:|---:|---:|---:|---:|---:|---:|',
    ...r.variants.map((v) => `| ${v.workers} | ${s(v.medianMs)} | ${fmt(v.MBps)} | ${s(v.mainCpuMs)} | ${s(v.workerCpuMs)} | ${fmt(v.coresUsed)} | ${fmt(v.cpuRatio)} |`),
    '',
    `Speed-up: **${fmt(r.speedup)}x** (target ${r.target}x); over the ${r.quietRounds} round(s) where other processes took at most ${QUIET_OTHERS_CORES} of a core: ${r.quietSpeedup === null ? 'none' : `**${fmt(r.quietSpeedup)}x**`}.`,
    `Control: the same files' bare acorn parse in one process against ${r.variants.at(-1)?.workers ?? 1} processes at once, each a share: **${fmt(r.controlSpeedup)}x** (the machine's own ceiling for work split over processes); the pool's speed-up is ${Math.round(r.shareOfControl * 100)} % of the control's in the same round (median). Split, the control took ${fmt(r.controlSplitCpuRatio)}x the CPU of one process for the same parse: what sharing the cores costs each CPU second.`,
    `Bare parse of the same files: ${s(r.medianBareParseCpuMs)} CPU; the same packages analysed in this thread: ${fmt(r.inThreadCpuRatio)}x that. Files without a result (worker died or timed out): ${r.unanalysed}.`,
    '',
    '| round | workers | wall | CPU: bench process | CPU: workers | workers started | stopped for memory | sent ahead | other processes (cores) | control: 1 process | control: split |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...r.rounds.flatMap((round) =>
      round.runs.map(
        (run) =>
          `| ${round.round} | ${run.workers} | ${s(run.ms)} | ${s(run.mainCpuMs)} | ${s(run.workerCpuMs)} | ${run.workersStarted} | ${run.stoppedForMemory} | ${run.sentAhead} | ${fmt(run.othersCores)} | ${s(round.bareProcesses.oneMs)} | ${s(round.bareProcesses.splitMs)} |`,
      ),
    ),
    '',
  ].join('\n');
}

interface ControlFiles {
  blob: string;
  index: string;
}

/** The files of the slice, one after another in one file, and their [offset, length], largest first (shares balance). */
async function writeControlFiles(packages: readonly { js: readonly { content: Uint8Array }[] }[], workDir: string): Promise<ControlFiles> {
  const contents = packages.flatMap((pkg) => pkg.js.map((file) => file.content)).sort((a, b) => b.byteLength - a.byteLength);
  const index: [number, number][] = [];
  let offset = 0;
  for (const content of contents) {
    index.push([offset, content.byteLength]);
    offset += content.byteLength;
  }
  await mkdir(workDir, { recursive: true });
  const files = { blob: join(workDir, 'files.bin'), index: join(workDir, 'index.json') };
  await writeFile(files.blob, Buffer.concat(contents));
  await writeFile(files.index, JSON.stringify(index));
  return files;
}

/** `count` bare-parse processes started at once, each a share: wall time from start to the last exit, and their CPU together. */
async function bareParseProcesses(script: string, files: ControlFiles, count: number): Promise<{ ms: number; cpuMs: number }> {
  const started = performance.now();
  const cpu = await Promise.all(
    Array.from(
      { length: count },
      (_, k) =>
        new Promise<number>((resolve, reject) => {
          const child = spawn(process.execPath, [script, files.blob, files.index, String(k), String(count)], { stdio: ['ignore', 'pipe', 'inherit'] });
          let out = '';
          child.stdout.setEncoding('utf8');
          child.stdout.on('data', (chunk: string) => (out += chunk));
          child.on('error', reject);
          child.on('close', (code) => {
            if (code !== 0) reject(new Error(`the bare-parse control exited with ${code}`));
            else resolve((JSON.parse(out) as { cpuMs: number }).cpuMs);
          });
        }),
    ),
  );
  return { ms: performance.now() - started, cpuMs: cpu.reduce((sum, ms) => sum + ms, 0) };
}

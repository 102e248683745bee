/**
 * `npm run bench -- pool`: wall time of the corpus analysed through the worker pool with one
 * worker against a pool of one worker per core, the way the gate runs it (files handed to
 * workers, several packages in flight). The same slice of each package as the speed bench.
 */
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { analyzePackageWith } from '../src/analysis/analyze-package.js';
import { DETECTORS } from '../src/analysis/detectors/index.js';
import { createAnalysisPool, defaultPoolSize } from '../src/analysis/pool/pool.js';
import type { LoadedPackage } from './corpus.js';
import { median } from './median.js';
import { sliceForSpeed } from './speed.js';

/** Packages in flight at once, as the gate's default `concurrency`: enough to keep every worker fed. */
const PACKAGES_IN_FLIGHT = 4;
const MB = 1024 * 1024;

export interface PoolBenchOptions {
  rounds: number;
  stride: number;
  log: (line: string) => void;
}

export interface PoolBenchResult {
  date: string;
  node: string;
  cpus: number;
  availableParallelism: number;
  rounds: number;
  packages: number;
  files: number;
  megabytes: number;
  /** `mainCpuMs`: CPU time of the gate's side (planning, sending files, collecting results). */
  variants: { workers: number; medianMs: number; rawMs: number[]; MBps: number; mainCpuMs: number }[];
  speedup: number;
  /** Files whose worker gave no result (died, timed out): must be none on the corpus. */
  unanalysed: number;
}

export async function runPoolBench(loaded: readonly LoadedPackage[], options: PoolBenchOptions): Promise<PoolBenchResult> {
  const packages = loaded.filter((_, i) => i % options.stride === 0).map(sliceForSpeed);
  const files = packages.reduce((n, p) => n + p.js.length, 0);
  const bytes = packages.reduce((n, p) => n + p.bytes, 0);
  // The bench bundle is its own worker script, as dist/cli.js is the CLI's.
  const script = fileURLToPath(import.meta.url);
  const sizes = [...new Set([1, defaultPoolSize()])];
  const times = new Map<number, number[]>(sizes.map((size) => [size, []]));
  const mainCpu = new Map<number, number[]>(sizes.map((size) => [size, []]));
  let unanalysed = 0;
  options.log(`pool bench: ${packages.length} packages, ${files} files, ${(bytes / MB).toFixed(1)} MB; workers ${sizes.join(' vs ')}`);
  // Round 0 warms the page cache and the bundle load and is not counted; the variants alternate.
  for (let round = 0; round <= options.rounds; round++) {
    for (const size of round % 2 === 0 ? sizes : [...sizes].reverse()) {
      const pool = createAnalysisPool({ size, script });
      const started = performance.now();
      const cpuStarted = process.cpuUsage();
      let next = 0;
      const feed = async (): Promise<void> => {
        while (next < packages.length) {
          const pkg = packages[next++];
          if (pkg === undefined) return;
          await analyzePackageWith(pkg.files, DETECTORS, async (task) => {
            const outcome = await pool.analyse(task);
            if (!outcome.ok && round === 0) unanalysed++;
            return outcome;
          });
        }
      };
      await Promise.all(Array.from({ length: PACKAGES_IN_FLIGHT }, feed));
      const ms = performance.now() - started;
      const cpu = process.cpuUsage(cpuStarted);
      const cpuMs = (cpu.user + cpu.system) / 1000;
      await pool.close();
      if (round === 0) continue;
      times.get(size)?.push(ms);
      mainCpu.get(size)?.push(cpuMs);
      options.log(`  round ${round}: ${size} worker${size === 1 ? '' : 's'} ${(ms / 1000).toFixed(2)} s (this process: ${(cpuMs / 1000).toFixed(2)} s CPU)`);
    }
  }
  const variants = sizes.map((workers) => {
    const rawMs = times.get(workers) ?? [];
    const medianMs = median(rawMs);
    return { workers, medianMs, rawMs, MBps: bytes / MB / (medianMs / 1000), mainCpuMs: median(mainCpu.get(workers) ?? []) };
  });
  const one = variants[0]?.medianMs ?? Number.NaN;
  const all = variants.at(-1)?.medianMs ?? Number.NaN;
  return {
    date: new Date().toISOString(),
    node: process.version,
    cpus: os.cpus().length,
    availableParallelism: os.availableParallelism(),
    rounds: options.rounds,
    packages: packages.length,
    files,
    megabytes: bytes / MB,
    variants,
    speedup: one / all,
    unanalysed,
  };
}

export function renderPoolMarkdown(r: PoolBenchResult): string {
  const fmt = (n: number): string => n.toFixed(2);
  return [
    '# Analysis pool: one worker against one per core',
    '',
    `${r.date}, node ${r.node}, ${r.cpus} CPUs (availableParallelism ${r.availableParallelism}), median of ${r.rounds} rounds after a warm-up.`,
    `${r.packages} packages, ${r.files} files, ${fmt(r.megabytes)} MB of JavaScript, ${PACKAGES_IN_FLIGHT} packages in flight.`,
    '',
    '| workers | median wall time | MB/s | CPU of the gate\'s own process |',
    '|---:|---:|---:|---:|',
    ...r.variants.map((v) => `| ${v.workers} | ${fmt(v.medianMs / 1000)} s | ${fmt(v.MBps)} | ${fmt(v.mainCpuMs / 1000)} s |`),
    '',
    `Speed-up: **${fmt(r.speedup)}x**. Files without a result (worker died or timed out): ${r.unanalysed}.`,
    '',
  ].join('\n');
}

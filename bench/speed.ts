/**
 * Speed: the full analysis against a bare acorn parse of the same bytes, in one process, with the
 * files already in memory (fetch and gunzip are not timed). Runs are interleaved (parse, analyse,
 * parse with locations, parse, analyse, ...) so drift in machine load hits every variant alike,
 * and medians are reported.
 */
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { analyzePackage } from '../src/analysis/analyze-package.js';
import { DETECTORS } from '../src/analysis/detectors/index.js';
import type { PackageFile, PackageFiles } from '../src/fetch/types.js';
import { bareParse } from './bare-parse.js';
import type { LoadedPackage } from './corpus.js';
import { describeError } from './corpus.js';
import { selectJsFiles } from './js-files.js';
import { median } from './median.js';

/** The analyzer's budget: the full analysis may cost at most this many bare parses. */
export const TARGET_RATIO = 1.5;

/**
 * JavaScript bytes timed per package. A few packages (googleapis, aws-sdk, next, monaco-editor)
 * ship tens of MB each and would otherwise swamp the set and the time budget; each package keeps
 * its largest file plus files in path order up to this budget, so bundles stay represented.
 */
export const SPEED_PACKAGE_BUDGET_BYTES = 6 * 1024 * 1024;

const MB = 1024 * 1024;

export interface SpeedOptions {
  rounds: number;
  /** Every `stride`-th package only (`--quick`). */
  stride: number;
  log: (line: string) => void;
}

interface TimedPackage {
  spec: string;
  /** A copy of the package with its JavaScript limited to the timed slice. */
  files: PackageFiles;
  js: PackageFile[];
  bytes: number;
}

export interface PackageSpeed {
  spec: string;
  files: number;
  bytes: number;
  parseMs: number;
  analyseMs: number;
  ratio: number;
}

export interface LargestFileSpeed {
  spec: string;
  file: string;
  bytes: number;
  parseMs: number;
  analyseMs: number;
  parseLocationsMs: number;
  ratio: number;
  parseMBps: number;
  analyseMBps: number;
}

export interface SpeedResult {
  date: string;
  node: string;
  cpu: string;
  rounds: number;
  quick: boolean;
  detectors: string[];
  packageBudgetBytes: number;
  packages: number;
  files: number;
  bytes: number;
  megabytes: number;
  /** Files the bare parse rejected (the analyzer reports them as problems). */
  unparsableFiles: number;
  parseMs: number;
  analyseMs: number;
  parseLocationsMs: number;
  ratio: number;
  locationsRatio: number;
  parseMBps: number;
  analyseMBps: number;
  parseLocationsMBps: number;
  largestFile: LargestFileSpeed | null;
  target: { ratio: number; overallMet: boolean; largestFileMet: boolean };
  peakRssMB: number;
  /** Packages excluded because the analysis threw: the analyzer must never throw. */
  analysisErrors: { spec: string; reason: string }[];
  slowest: PackageSpeed[];
  rawMs: { parse: number[]; analyse: number[]; parseLocations: number[] };
}

export function sliceForSpeed(pkg: LoadedPackage): TimedPackage {
  const js = selectJsFiles(pkg.files);
  let largest: PackageFile | undefined;
  for (const file of js) if (largest === undefined || file.content.length > largest.content.length) largest = file;
  const kept = new Set<PackageFile>();
  let bytes = 0;
  if (largest !== undefined) {
    kept.add(largest);
    bytes += largest.content.length;
  }
  for (const file of [...js].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
    if (kept.has(file) || bytes + file.content.length > SPEED_PACKAGE_BUDGET_BYTES) continue;
    kept.add(file);
    bytes += file.content.length;
  }
  const jsSet = new Set(js);
  // Non-JS files (package.json above all) stay: the analyzer reads the manifest for entry points.
  const files = pkg.files.files.filter((f) => !jsSet.has(f) || kept.has(f));
  return {
    spec: pkg.spec,
    files: { ...pkg.files, files },
    js: js.filter((f) => kept.has(f)),
    bytes,
  };
}

function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc !== undefined) gc();
}

/** Times `fn` once per package; returns the total and fills per-package times. */
function timeEach(packages: readonly TimedPackage[], perPackage: number[][], fn: (p: TimedPackage) => void): number {
  collectGarbage();
  const start = performance.now();
  for (let i = 0; i < packages.length; i++) {
    const t0 = performance.now();
    fn(packages[i] as TimedPackage);
    (perPackage[i] as number[]).push(performance.now() - t0);
  }
  return performance.now() - start;
}

function parsePackage(pkg: TimedPackage, locations: boolean): void {
  for (const file of pkg.js) bareParse(file.content, locations);
}

function analyse(pkg: TimedPackage): void {
  analyzePackage(pkg.files, DETECTORS);
}

function timeOne(fn: () => void): number {
  collectGarbage();
  const start = performance.now();
  fn();
  return performance.now() - start;
}

function measureLargest(packages: readonly TimedPackage[], rounds: number, log: (line: string) => void): LargestFileSpeed | null {
  let best: { pkg: TimedPackage; file: PackageFile } | undefined;
  for (const pkg of packages) {
    for (const file of pkg.js) {
      if (best === undefined || file.content.length > best.file.content.length) best = { pkg, file };
    }
  }
  if (best === undefined) return null;
  const { pkg, file } = best;
  const jsSet = new Set(pkg.js);
  const alone: PackageFiles = {
    ...pkg.files,
    files: pkg.files.files.filter((f) => f === file || !jsSet.has(f)),
  };
  const parse: number[] = [];
  const analyseMs: number[] = [];
  const parseLocations: number[] = [];
  log(`largest file: ${pkg.spec} ${file.path} (${(file.content.length / MB).toFixed(2)} MB)`);
  // The first round warms the JIT and is not counted.
  for (let round = 0; round <= rounds; round++) {
    const p = timeOne(() => bareParse(file.content, false));
    const a = timeOne(() => analyzePackage(alone, DETECTORS));
    const l = timeOne(() => bareParse(file.content, true));
    if (round === 0) continue;
    parse.push(p);
    analyseMs.push(a);
    parseLocations.push(l);
    log(`  round ${round}: parse ${p.toFixed(0)} ms, analyse ${a.toFixed(0)} ms, parse+locations ${l.toFixed(0)} ms`);
  }
  const bytes = file.content.length;
  const parseMs = median(parse);
  const analyseMedian = median(analyseMs);
  return {
    spec: pkg.spec,
    file: file.path,
    bytes,
    parseMs,
    analyseMs: analyseMedian,
    parseLocationsMs: median(parseLocations),
    ratio: analyseMedian / parseMs,
    parseMBps: bytes / MB / (parseMs / 1000),
    analyseMBps: bytes / MB / (analyseMedian / 1000),
  };
}

export function runSpeed(loaded: readonly LoadedPackage[], options: SpeedOptions): SpeedResult {
  const { log } = options;
  const candidates = loaded.filter((_, i) => i % options.stride === 0).map(sliceForSpeed);

  // A warm-up pass (not timed) brings the JIT to steady state and finds packages whose analysis
  // throws: they are left out of both sides so the ratio compares the same work.
  const analysisErrors: { spec: string; reason: string }[] = [];
  const packages: TimedPackage[] = [];
  let unparsableFiles = 0;
  for (const pkg of candidates) {
    for (const file of pkg.js) if (!bareParse(file.content, false)) unparsableFiles++;
    try {
      analyse(pkg);
      packages.push(pkg);
    } catch (error) {
      analysisErrors.push({ spec: pkg.spec, reason: describeError(error) });
    }
  }
  const files = packages.reduce((n, p) => n + p.js.length, 0);
  const bytes = packages.reduce((n, p) => n + p.bytes, 0);
  log(`speed set: ${packages.length} packages, ${files} files, ${(bytes / MB).toFixed(1)} MB; ${options.rounds} rounds`);

  const perParse = packages.map((): number[] => []);
  const perAnalyse = packages.map((): number[] => []);
  const perLocations = packages.map((): number[] => []);
  const parse: number[] = [];
  const analyseMs: number[] = [];
  const parseLocations: number[] = [];
  for (let round = 1; round <= options.rounds; round++) {
    const p = timeEach(packages, perParse, (pkg) => parsePackage(pkg, false));
    const a = timeEach(packages, perAnalyse, analyse);
    const l = timeEach(packages, perLocations, (pkg) => parsePackage(pkg, true));
    parse.push(p);
    analyseMs.push(a);
    parseLocations.push(l);
    log(`round ${round}: parse ${(p / 1000).toFixed(2)} s, analyse ${(a / 1000).toFixed(2)} s (${(a / p).toFixed(2)}x), parse+locations ${(l / 1000).toFixed(2)} s`);
  }

  const largestFile = measureLargest(packages, options.rounds, log);
  const parseMedian = median(parse);
  const analyseMedian = median(analyseMs);
  const locationsMedian = median(parseLocations);
  const megabytes = bytes / MB;
  const ratio = analyseMedian / parseMedian;
  const perPackage: PackageSpeed[] = packages.map((pkg, i) => {
    const parseMs = median(perParse[i] as number[]);
    const analyse = median(perAnalyse[i] as number[]);
    return { spec: pkg.spec, files: pkg.js.length, bytes: pkg.bytes, parseMs, analyseMs: analyse, ratio: analyse / parseMs };
  });
  // The ones that cost the most time beyond the parse, where an optimisation pays.
  const slowest = perPackage
    .filter((p) => p.parseMs > 0)
    .sort((a, b) => b.analyseMs - b.parseMs - (a.analyseMs - a.parseMs))
    .slice(0, 15);

  return {
    date: new Date().toISOString(),
    node: process.version,
    cpu: cpuModel(),
    rounds: options.rounds,
    quick: options.stride > 1,
    detectors: DETECTORS.map((d) => d.id),
    packageBudgetBytes: SPEED_PACKAGE_BUDGET_BYTES,
    packages: packages.length,
    files,
    bytes,
    megabytes,
    unparsableFiles,
    parseMs: parseMedian,
    analyseMs: analyseMedian,
    parseLocationsMs: locationsMedian,
    ratio,
    locationsRatio: locationsMedian / parseMedian,
    parseMBps: megabytes / (parseMedian / 1000),
    analyseMBps: megabytes / (analyseMedian / 1000),
    parseLocationsMBps: megabytes / (locationsMedian / 1000),
    largestFile,
    target: {
      ratio: TARGET_RATIO,
      overallMet: ratio <= TARGET_RATIO,
      largestFileMet: largestFile !== null && largestFile.ratio <= TARGET_RATIO,
    },
    peakRssMB: process.resourceUsage().maxRSS / 1024,
    analysisErrors,
    slowest,
    rawMs: { parse, analyse: analyseMs, parseLocations },
  };
}

function cpuModel(): string {
  const cpus = os.cpus();
  return `${cpus[0]?.model ?? process.arch} x${cpus.length}`;
}

const fmt = (n: number, digits = 2): string => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');

export function renderSpeedMarkdown(r: SpeedResult): string {
  const verdict = (met: boolean): string => (met ? 'met' : '**NOT met**');
  const lines = [
    '# Speed: full analysis vs bare acorn parse',
    '',
    `${r.date}, node ${r.node}, ${r.cpu}; ${r.rounds} interleaved rounds, medians${r.quick ? '; **quick run (subset)**' : ''}.`,
    `Detectors: ${r.detectors.length === 0 ? '(none registered)' : r.detectors.join(', ')}.`,
    '',
    `Set: ${r.packages} packages, ${r.files} JavaScript files, ${fmt(r.megabytes, 1)} MB ` +
      `(at most ${fmt(r.packageBudgetBytes / MB, 0)} MB per package, its largest file always included); ` +
      `${r.unparsableFiles} files parse under neither goal.`,
    '',
    '| run | median time | MB/s | x bare parse |',
    '|---|---:|---:|---:|',
    `| bare \`acorn.parse\` | ${fmt(r.parseMs / 1000)} s | ${fmt(r.parseMBps)} | 1.00 |`,
    `| full analysis (\`analyzePackage\` + \`DETECTORS\`) | ${fmt(r.analyseMs / 1000)} s | ${fmt(r.analyseMBps)} | ${fmt(r.ratio)} |`,
    `| reference: parse with \`locations: true\` | ${fmt(r.parseLocationsMs / 1000)} s | ${fmt(r.parseLocationsMBps)} | ${fmt(r.locationsRatio)} |`,
    '',
  ];
  if (r.largestFile !== null) {
    const l = r.largestFile;
    lines.push(
      `Largest file: \`${l.spec}\` \`${l.file}\`, ${fmt(l.bytes / MB)} MB: parse ${fmt(l.parseMs)} ms ` +
        `(${fmt(l.parseMBps)} MB/s), analyse ${fmt(l.analyseMs)} ms (${fmt(l.analyseMBps)} MB/s), ` +
        `**${fmt(l.ratio)}x**; parse with locations ${fmt(l.parseLocationsMs)} ms.`,
      '',
    );
  }
  lines.push(
    `Target <= ${r.target.ratio}x: overall ${verdict(r.target.overallMet)} (${fmt(r.ratio)}x), ` +
      `largest file ${verdict(r.target.largestFileMet)}${r.largestFile === null ? '' : ` (${fmt(r.largestFile.ratio)}x)`}.`,
    '',
    `Peak RSS: ${fmt(r.peakRssMB, 0)} MB (whole process, corpus held in memory).`,
    '',
  );
  if (r.analysisErrors.length > 0) {
    lines.push('Analysis threw (left out of both sides; the analyzer must not throw):', '');
    for (const e of r.analysisErrors) lines.push(`- \`${e.spec}\`: ${e.reason}`);
    lines.push('');
  }
  lines.push('Most time beyond the parse, per package:', '', '| package | files | MB | parse ms | analyse ms | ratio |', '|---|---:|---:|---:|---:|---:|');
  for (const p of r.slowest) {
    lines.push(`| \`${p.spec}\` | ${p.files} | ${fmt(p.bytes / MB)} | ${fmt(p.parseMs, 0)} | ${fmt(p.analyseMs, 0)} | ${fmt(p.ratio)} |`);
  }
  lines.push('');
  return lines.join('\n');
}

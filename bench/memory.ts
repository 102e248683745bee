/**
 * `npm run bench -- memory`: peak resident memory of the gate scanning a package of one big file
 * (the 13 MB `cli.js` of `@anthropic-ai/claude-code@2.1.91` and its package.json) against a bare
 * acorn parse of that file, each in processes of their own, several rounds (issue 13: at most
 * 1.5x). The gate is the CLI bundle `bench/run.mjs` builds from `src/cli.ts`, run as a user runs
 * it; its figure is the sum of the peaks of its own process and its analysis workers. Linux only
 * (the tree is read from /proc).
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { create } from 'tar';
import { extractTarball } from '../src/fetch/extract.js';
import { fetchTarball } from './corpus.js';
import { median } from './median.js';
import { canMeasureTrees, measureTree } from './process-tree-memory.js';

export const MEMORY_SPEC = '@anthropic-ai/claude-code@2.1.91';
export const MEMORY_FILE = 'cli.js';
export const TARGET_MEMORY_RATIO = 1.5;
const MIB = 1024 * 1024;

export interface MemoryBenchOptions {
  rounds: number;
  offline: boolean;
  /** The CLI bundle to run (built by `bench/run.mjs` into .tmp/bench/). */
  cliScript: string;
  /** Where the one-file package is written (git-ignored). */
  workDir: string;
  log: (line: string) => void;
}

export interface MemoryRound {
  bareBytes: number;
  /** The gate's process and each worker it started, each at its own peak. */
  gateProcessesBytes: number[];
  gateSumOfPeaksBytes: number;
  gateSampledPeakBytes: number;
}

export interface MemoryBenchResult {
  date: string;
  node: string;
  spec: string;
  file: string;
  fileBytes: number;
  rounds: MemoryRound[];
  medianBareBytes: number;
  medianGateBytes: number;
  medianGateSampledBytes: number;
  medianMainBytes: number;
  medianWorkerBytes: number;
  ratio: number;
  target: number;
}

export async function runMemoryBench(benchDir: string, options: MemoryBenchOptions): Promise<MemoryBenchResult> {
  if (!canMeasureTrees()) throw new Error('the memory bench reads /proc: run it on Linux');
  const { tgz, file, fileBytes } = await onePackage(benchDir, options);
  const bareChild = fileURLToPath(new URL('bare-parse-child.mjs', `file://${benchDir}/`));
  options.log(`memory bench: ${MEMORY_SPEC} ${MEMORY_FILE} (${(fileBytes / MIB).toFixed(1)} MiB), ${options.rounds} rounds, bare parse and gate alternating`);
  const rounds: MemoryRound[] = [];
  for (let round = 1; round <= options.rounds; round++) {
    const bare = await measureTree(process.execPath, [bareChild, file]);
    const reported = JSON.parse(bare.stdout) as { ok: boolean; maxRssBytes: number };
    if (bare.code !== 0 || !reported.ok) throw new Error(`the bare parse failed: ${bare.stderr}`);
    const gate = await measureTree(process.execPath, [options.cliScript, 'scan', tgz, '--format', 'json', '--no-cache', '--fail-on', 'none']);
    checkReport(gate.code, gate.stdout, gate.stderr);
    const bareBytes = Math.max(reported.maxRssBytes, ...bare.peaksBytes);
    const sum = gate.peaksBytes.reduce((total, bytes) => total + bytes, 0);
    rounds.push({ bareBytes, gateProcessesBytes: gate.peaksBytes, gateSumOfPeaksBytes: sum, gateSampledPeakBytes: gate.sampledPeakBytes });
    const mib = (bytes: number): string => `${Math.round(bytes / MIB)}`;
    options.log(`  round ${round}: bare ${mib(bareBytes)} MiB; gate ${mib(sum)} MiB (${gate.peaksBytes.map(mib).join(' + ')}; sampled together ${mib(gate.sampledPeakBytes)})`);
  }
  const medianBareBytes = median(rounds.map((r) => r.bareBytes));
  const medianGateBytes = median(rounds.map((r) => r.gateSumOfPeaksBytes));
  return {
    date: new Date().toISOString(),
    node: process.version,
    spec: MEMORY_SPEC,
    file: MEMORY_FILE,
    fileBytes,
    rounds,
    medianBareBytes,
    medianGateBytes,
    medianGateSampledBytes: median(rounds.map((r) => r.gateSampledPeakBytes)),
    medianMainBytes: median(rounds.map((r) => r.gateProcessesBytes[0] ?? 0)),
    medianWorkerBytes: median(rounds.map((r) => Math.max(0, ...r.gateProcessesBytes.slice(1)))),
    ratio: medianGateBytes / medianBareBytes,
    target: TARGET_MEMORY_RATIO,
  };
}

/** The published package cut down to its manifest and the big file, as a tarball and the file on disk. */
async function onePackage(benchDir: string, options: MemoryBenchOptions): Promise<{ tgz: string; file: string; fileBytes: number }> {
  const published = await extractTarball(await fetchTarball(MEMORY_SPEC, { cacheDir: join(benchDir, '.cache'), offline: options.offline }), MEMORY_SPEC);
  const dir = join(options.workDir, 'package');
  await rm(options.workDir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  let fileBytes = 0;
  for (const name of ['package.json', MEMORY_FILE]) {
    const found = published.files.find((f) => f.path === name);
    if (found === undefined || found.truncated === true) throw new Error(`${MEMORY_SPEC} has no whole ${name}`);
    await writeFile(join(dir, name), found.content);
    if (name === MEMORY_FILE) fileBytes = found.content.byteLength;
  }
  const tgz = join(options.workDir, 'one-file-package.tgz');
  await create({ gzip: true, file: tgz, cwd: options.workDir, portable: true }, ['package']);
  return { tgz, file: join(dir, MEMORY_FILE), fileBytes };
}

/** A run counts only if it printed a report in which the file was parsed. */
function checkReport(code: number | null, stdout: string, stderr: string): void {
  let parsed = -1;
  try {
    const report = JSON.parse(stdout) as { packages: { files?: { parsed: number } }[] };
    parsed = report.packages[0]?.files?.parsed ?? -1;
  } catch {
    // Reported below.
  }
  if (code !== 0 || parsed < 1) throw new Error(`the gate run gave no report with the file parsed (exit ${code}): ${stderr.slice(-500)}`);
}

export function renderMemoryMarkdown(r: MemoryBenchResult): string {
  const mib = (bytes: number): string => `${Math.round(bytes / MIB).toLocaleString('en-US')} MiB`;
  return [
    '# Memory: a run with one big file against a bare parse of it',
    '',
    `${r.date}, node ${r.node}. \`${r.spec}\` \`${r.file}\` (${(r.fileBytes / MIB).toFixed(1)} MiB) and its package.json, as a tarball;`,
    `medians of ${r.rounds.length} rounds, each process measured by the kernel's own peak (VmHWM).`,
    '',
    '| | peak |',
    '|---|---:|',
    `| bare \`acorn.parse\` (node, acorn, the file) | ${mib(r.medianBareBytes)} |`,
    `| gate: \`fingerprint-gate scan\`, its process + its worker, sum of their peaks | ${mib(r.medianGateBytes)} |`,
    `| of which the gate's own process | ${mib(r.medianMainBytes)} |`,
    `| of which the analysis worker | ${mib(r.medianWorkerBytes)} |`,
    `| gate, the tree's largest simultaneous size seen by sampling every 5 ms | ${mib(r.medianGateSampledBytes)} |`,
    '',
    `Gate / bare: **${r.ratio.toFixed(2)}x** (target at most ${r.target}x).`,
    '',
  ].join('\n');
}

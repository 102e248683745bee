/**
 * The benchmark entry, bundled by `bench/run.mjs` and run as one process:
 *   speed (default)  full analysis vs bare acorn parse, interleaved rounds, medians
 *   survey           every corpus package analysed, medium-or-above findings listed for review
 *   fetch            only fetch and unpack the corpus (fills bench/.cache/)
 *   pool             wall time through the worker pool: one worker against one per core
 *   memory           peak memory of the CLI scanning one big file against a bare parse of it (memory.ts)
 *   cache            whole-tree audit of bench/cache-lockfile/ cold and warm (result cache), and sharded,
 *                    each run a process of its own (`cache-audit`, started by it)
 *   cases            the real-package suite of bench/real-cases.json (see cases.ts); first
 *                    argument only, with its own flags: --only <name>[,<name>...], --offline
 * Flags: --quick (3 rounds, every 4th package), --rounds N, --offline (cache only).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { cacheAuditCommand } from './cache-audit.js';
import { renderCacheMarkdown, runCacheBench } from './cache.js';
import { casesCommand } from './cases.js';
import { loadCorpus, readCorpus, type LoadedCorpus } from './corpus.js';
import { renderMemoryMarkdown, runMemoryBench } from './memory.js';
import { renderPoolMarkdown, runPoolBench } from './pool.js';
import { renderSpeedMarkdown, runSpeed } from './speed.js';
import { renderSurveyMarkdown, runSurvey } from './survey.js';

const COMMANDS = ['speed', 'survey', 'fetch', 'pool', 'cache', 'memory'] as const;
type Command = (typeof COMMANDS)[number];

/** The brief's floor: fewer rounds make the medians noise. */
const DEFAULT_ROUNDS = 5;
const QUICK_ROUNDS = 3;
const QUICK_STRIDE = 4;

interface Args {
  command: Command;
  rounds: number;
  stride: number;
  offline: boolean;
}

function parseArgs(argv: readonly string[]): Args {
  let command: Command = 'speed';
  let rounds: number | undefined;
  let quick = false;
  let offline = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if ((COMMANDS as readonly string[]).includes(arg)) command = arg as Command;
    else if (arg === '--quick') quick = true;
    else if (arg === '--offline') offline = true;
    else if (arg === '--rounds') {
      const value = Number(argv[++i]);
      if (!Number.isInteger(value) || value < 1) throw new Error('--rounds needs a positive integer');
      rounds = value;
    } else throw new Error(`unknown argument "${arg}"; use: ${COMMANDS.join('|')} [--quick] [--rounds N] [--offline], or cases [--only <name>] [--offline]`);
  }
  return {
    command,
    rounds: rounds ?? (quick ? QUICK_ROUNDS : DEFAULT_ROUNDS),
    stride: quick ? QUICK_STRIDE : 1,
    offline,
  };
}

const log = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

async function load(benchDir: string, offline: boolean): Promise<LoadedCorpus> {
  const entries = await readCorpus(join(benchDir, 'corpus.json'));
  log(`corpus: ${entries.length} pins; fetching into bench/.cache/ (cached tarballs are not fetched again)`);
  const corpus = await loadCorpus(entries, {
    cacheDir: join(benchDir, '.cache'),
    offline,
    onProgress: (done, total) => {
      if (done % 20 === 0 || done === total) log(`  ${done}/${total}`);
    },
  });
  for (const f of corpus.failures) log(`  not loaded: ${f.spec} (${f.stage}): ${f.reason}`);
  return corpus;
}

async function writeResults(benchDir: string, name: string, json: unknown, markdown: string): Promise<void> {
  const dir = join(benchDir, 'results');
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, `${name}.json`), `${JSON.stringify(json, null, 2)}\n`);
  await writeFile(join(dir, `${name}.md`), markdown);
  log(`wrote bench/results/${name}.json and bench/results/${name}.md`);
}

/** Returns the process's exit code: non-zero when a real-package case fails. */
export async function main(argv: readonly string[], benchDir: string): Promise<number> {
  // One audit of the cache bench as its own process, started by `cache` (not for the command line).
  if (argv[0] === 'cache-audit') return cacheAuditCommand(argv.slice(1), benchDir);
  if (argv[0] === 'cases') {
    return casesCommand(argv.slice(1), benchDir, log, (name, json, markdown) => writeResults(benchDir, name, json, markdown));
  }
  const args = parseArgs(argv);
  if (args.command === 'cache') {
    const result = await runCacheBench(benchDir, { rounds: args.rounds, log });
    const markdown = renderCacheMarkdown(result);
    log('');
    log(markdown);
    await writeResults(benchDir, 'cache', result, markdown);
    return result.sameFindings && result.cachedOnWarm === result.packages && result.sharded.sameAsOneProcess ? 0 : 1;
  }
  if (args.command === 'memory') {
    const cliScript = process.env['FINGERPRINT_GATE_BENCH_CLI'];
    if (cliScript === undefined) throw new Error('the memory bench runs the CLI bundle bench/run.mjs builds');
    const result = await runMemoryBench(benchDir, {
      rounds: args.rounds,
      offline: args.offline,
      cliScript,
      workDir: join(dirname(benchDir), '.tmp', 'bench', 'memory'),
      log,
    });
    const markdown = renderMemoryMarkdown(result);
    log('');
    log(markdown);
    await writeResults(benchDir, 'memory', result, markdown);
    return result.ratio <= result.target ? 0 : 1;
  }
  const corpus = await load(benchDir, args.offline);
  if (args.command === 'fetch') {
    const MB = 1024 * 1024;
    const bytes = corpus.packages.reduce((n, p) => n + p.tarballBytes, 0);
    log(`${corpus.packages.length} packages loaded, ${(bytes / MB).toFixed(1)} MB of tarballs`);
    return 0;
  }
  if (args.command === 'pool') {
    const result = await runPoolBench(corpus.packages, { rounds: args.rounds, stride: args.stride, benchDir, workDir: join(dirname(benchDir), '.tmp', 'bench', 'pool'), log });
    const markdown = renderPoolMarkdown(result);
    log('');
    log(markdown);
    await writeResults(benchDir, 'pool', result, markdown);
    return 0;
  }
  if (args.command === 'survey') {
    const result = runSurvey(corpus.packages, corpus.failures, log);
    const markdown = renderSurveyMarkdown(result);
    log('');
    log(markdown);
    await writeResults(benchDir, 'survey', result, markdown);
    return 0;
  }
  const result = runSpeed(corpus.packages, { rounds: args.rounds, stride: args.stride, log });
  const failed = corpus.failures.map((f) => `- \`${f.spec}\` (${f.stage}): ${f.reason}`);
  const markdown =
    renderSpeedMarkdown(result) + (failed.length === 0 ? '' : ['Not loaded:', '', ...failed, ''].join('\n'));
  log('');
  log(markdown);
  await writeResults(benchDir, 'speed', { ...result, corpusFailures: corpus.failures }, markdown);
  return 0;
}

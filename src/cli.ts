/**
 * The terminal entry: translates argv into a call of gate() and its Report into output and an
 * exit status (0 pass, 1 the verdict fails, 2 usage or operational error).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DETECTORS } from './analysis/detectors/index.js';
import { MAX_POOL_WORKERS, createAnalysisPool, defaultPoolSize } from './analysis/pool/pool.js';
import { poolAnalyzer } from './analysis/pool/pool-analyzer.js';
import { isPoolWorkerProcess } from './analysis/pool/protocol.js';
import { runPoolWorker } from './analysis/pool/worker-entry.js';
import { ALL_RULES } from './analysis/rules.js';
import { auditChanges } from './audit/audit-changes.js';
import { auditScope } from './audit/audit-scope.js';
import { mergeReports } from './audit/merge-reports.js';
import { parseShard } from './audit/shard.js';
import { openResultCache } from './cache/open-cache.js';
import { loadPolicyFile, resolvePolicy, type PolicyInputs } from './config/load.js';
import { DEFAULT_CONFIG_FILE, type Policy } from './config/schema.js';
import { GateError, UsageError, errorMessage } from './errors.js';
import { readNpmrc, type NpmrcConfig } from './fetch/npmrc.js';
import { createRegistryFetcher } from './fetch/registry.js';
import { resolveRegistrySpec } from './fetch/resolve-spec.js';
import { gate } from './gate.js';
import { diffLockfiles } from './lockfile/diff.js';
import { parseLockfile } from './lockfile/index.js';
import type { PackageChange, PackageTarget } from './lockfile/types.js';
import type { Logger } from './logger.js';
import { withLockfileLines } from './report/lockfile-line.js';
import type { AuditScope, Report } from './report/report.js';
import { renderJson } from './report/render/json.js';
import { renderMarkdown } from './report/render/markdown.js';
import { renderSarif } from './report/render/sarif.js';
import { renderText } from './report/render/text.js';
import { ENGINE_VERSION } from './version.js';

const FORMATS = ['text', 'json', 'markdown', 'sarif'] as const;
type Format = (typeof FORMATS)[number];

const USAGE = `Usage:
  fingerprint-gate scan <spec>... [--previous <spec>] [options]
      <spec> is name@version (from the registry), a local .tgz, or a local directory.
      --previous scans the earlier version too, so findings can be marked new.
  fingerprint-gate diff <base-lockfile> <head-lockfile> [options]
      Scans the packages added or updated between two lockfiles (the action's job, locally).
  fingerprint-gate audit <lockfile> [--shard i/n] [options]
      Scans every package the lockfile locks (a first adoption, a scheduled sweep). --shard
      scans only the i-th of n stable parts (by name@version), for an Actions matrix.
  fingerprint-gate merge <report.json>... [--format ...]
      Merges the JSON reports of an audit's shards into one report, verdict and SARIF.

Options:
  --format text|json|markdown|sarif   output format (default text)
  --fail-on none|info|low|medium|high|critical
                                      fail (exit 1) when a finding reaches this severity (default high)
  --config <file>                     policy file (default ${DEFAULT_CONFIG_FILE} when present)
  --on-unscanned warn|fail            whether packages that could not be scanned fail the run (default warn)
  --mode new|all                      count only findings new against --previous or the base lockfile (default new), or all
  --registry <url>                    registry to fetch from (default: .npmrc, then the public registry)
  --workers <n>                       analysis worker processes (default: one per core)
  --cache-dir <dir>                   result cache (default: $RUNNER_TEMP/fingerprint-gate-results on
                                      Actions, else $XDG_CACHE_HOME/fingerprint-gate or ~/.cache/fingerprint-gate)
  --no-cache                          neither read nor write the result cache
  -h, --help                          this text
  --version                           the version

Exit status: 0 pass, 1 the verdict fails, 2 usage or operational error.`;

interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  cwd: string;
  env: Record<string, string | undefined>;
}

function parseCommandLine(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        format: { type: 'string' },
        'fail-on': { type: 'string' },
        config: { type: 'string' },
        registry: { type: 'string' },
        'on-unscanned': { type: 'string' },
        mode: { type: 'string' },
        previous: { type: 'string' },
        workers: { type: 'string' },
        'cache-dir': { type: 'string' },
        'no-cache': { type: 'boolean' },
        shard: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean' },
      },
    });
  } catch (error) {
    throw new UsageError(errorMessage(error), { cause: error });
  }
}

async function runCli(argv: string[], io: CliIo): Promise<number> {
  try {
    const { values, positionals } = parseCommandLine(argv);
    if (values.help) {
      io.stdout(`${USAGE}\n`);
      return 0;
    }
    if (values.version) {
      io.stdout(`${ENGINE_VERSION}\n`);
      return 0;
    }
    const [command, ...args] = positionals;
    const format = parseFormat(values.format);
    if (values.shard !== undefined && command !== 'audit') throw new UsageError('--shard only applies to audit');
    if (command === 'merge') {
      // The shards ran under one policy and recorded it: the merge decides with theirs, not a new one.
      if (args.length === 0) throw new UsageError('merge needs at least one JSON report');
      const report = mergeReports(args.map((file) => ({ file, text: readInput(resolve(io.cwd, file)) })));
      io.stdout(render(report, format));
      return report.verdict === 'fail' ? 1 : 0;
    }
    const workers = parseWorkers(values.workers);
    const policy = loadPolicy(values.config, { failOn: values['fail-on'], onUnscanned: values['on-unscanned'], registry: values.registry, mode: values.mode }, io.cwd);
    const logger: Logger = {
      debug: () => {},
      info: (message) => io.stderr(`${message}\n`),
      warn: (message) => io.stderr(`warning: ${message}\n`),
    };

    if (command === undefined) throw new UsageError('a command is required: scan, diff, audit or merge');
    if (command !== 'scan' && command !== 'diff' && command !== 'audit') {
      throw new UsageError(`unknown command ${JSON.stringify(command)}: use scan, diff, audit or merge`);
    }
    if (command === 'audit' && args.length !== 1) throw new UsageError('audit needs exactly one lockfile');
    if (command === 'audit' && values.previous !== undefined) throw new UsageError('--previous only applies to scan');
    if (command === 'scan' && args.length === 0) throw new UsageError('scan needs at least one <spec>');
    if (command === 'diff' && args.length !== 2) {
      throw new UsageError('diff needs exactly two lockfiles: <base-lockfile> <head-lockfile>');
    }
    if (command === 'diff' && values.previous !== undefined) throw new UsageError('--previous only applies to scan');

    // The project is where npm would run: the head lockfile's folder for diff, here for scan. Its
    // .npmrc and one pacote cache serve both resolving specs and fetching.
    const paths = args.map((file) => resolve(io.cwd, file));
    const projectDir = command === 'diff' ? dirname(paths[1] as string) : command === 'audit' ? dirname(paths[0] as string) : io.cwd;
    const cacheDir = await mkdtemp(join(tmpdir(), 'fingerprint-gate-'));
    try {
      const access: RegistryAccess = {
        npmrc: readNpmrc(projectDir, io.env),
        ...(policy.registry !== undefined ? { registry: policy.registry } : {}),
        cacheDir,
      };
      let changes: PackageChange[];
      const notes: string[] = [];
      // The head lockfile's text, for the line each package is locked at (SARIF locations).
      const headTexts = new Map<string, string>();
      // An audit's report records its package set and shard, so merge can check the shards are complete.
      let scope: AuditScope | undefined;
      if (command === 'scan') {
        changes = [];
        for (const spec of args) changes.push(await scanChange(spec, io.cwd, access));
        if (values.previous !== undefined) await attachPrevious(changes, values.previous, io.cwd, access);
      } else if (command === 'audit') {
        const lockPath = paths[0] as string;
        const text = readInput(lockPath);
        const lockedPackages = parseLockfile(lockPath, text);
        const locked = auditChanges(lockedPackages, args[0] as string);
        const shard = values.shard !== undefined ? parseShard(values.shard) : undefined;
        changes = shard === undefined ? locked : auditChanges(lockedPackages, args[0] as string, shard);
        headTexts.set(args[0] as string, text);
        scope = auditScope(locked, shard);
        notes.push(`Audit of ${args[0]}: ${locked.length} locked package(s)${shard === undefined ? '' : `; shard ${shard.index}/${shard.count} holds ${changes.length}`}.`);
      } else {
        const [basePath, headPath] = paths as [string, string];
        const base = parseLockfile(basePath, readInput(basePath));
        const headText = readInput(headPath);
        const head = parseLockfile(headPath, headText);
        headTexts.set(args[1] as string, headText);
        changes = diffLockfiles(base, head, args[1] as string);
        if (changes.length === 0) notes.push('No package was added, updated or removed between the two lockfiles.');
      }
      const fetcher = createRegistryFetcher({ ...access, logger });
      // The workers re-enter this bundle (dist/cli.js), so they need no file of their own.
      const pool = createAnalysisPool({ size: workers, script: fileURLToPath(import.meta.url) });
      try {
        const analyze = poolAnalyzer(pool, DETECTORS);
        const resultCacheDir = values['cache-dir'] !== undefined ? resolve(io.cwd, values['cache-dir']) : undefined;
        const opened = values['no-cache'] === true ? null : openResultCache({ dir: resultCacheDir, env: io.env, detectors: DETECTORS, bundlePath: fileURLToPath(import.meta.url), logger });
        const cache = opened === null ? {} : { cache: opened.cache };
        const judged = await gate(changes, { fetcher, detectors: DETECTORS, policy, logger, analyze, ...cache }, { notes });
        await opened?.prune();
        const report: Report = { ...judged, packages: withLockfileLines(judged.packages, headTexts), ...(scope !== undefined ? { audit: scope } : {}) };
        io.stdout(render(report, format));
        return report.verdict === 'fail' ? 1 : 0;
      } finally {
        await pool.close();
      }
    } finally {
      await rm(cacheDir, { recursive: true, force: true });
    }
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`fingerprint-gate: ${error.message}\n\n${USAGE}\n`);
      return 2;
    }
    if (error instanceof GateError) {
      io.stderr(`fingerprint-gate: ${error.message}\n`);
      return 2;
    }
    io.stderr(`fingerprint-gate: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return 2;
  }
}

function parseFormat(value: string | undefined): Format {
  if (value === undefined) return 'text';
  if (!(FORMATS as readonly string[]).includes(value)) {
    throw new UsageError(`--format must be one of ${FORMATS.join(', ')}; got ${JSON.stringify(value)}`);
  }
  return value as Format;
}

function parseWorkers(value: string | undefined): number {
  if (value === undefined) return defaultPoolSize();
  const workers = Number(value);
  if (!/^\d+$/.test(value) || workers < 1 || workers > MAX_POOL_WORKERS) {
    throw new UsageError(`--workers must be an integer from 1 to ${MAX_POOL_WORKERS}; got ${JSON.stringify(value)}`);
  }
  return workers;
}

function loadPolicy(config: string | undefined, inputs: PolicyInputs, cwd: string): Policy {
  const file = config !== undefined ? loadPolicyFile(resolve(cwd, config), true) : loadPolicyFile(resolve(cwd, DEFAULT_CONFIG_FILE), false);
  return resolvePolicy(inputs, file, 'option --');
}

function readInput(path: string): string {
  if (!existsSync(path)) throw new UsageError(`${path}: file not found`);
  return readFileSync(path, 'utf8');
}

/** Where and how registry specs are resolved and fetched. */
interface RegistryAccess {
  npmrc: NpmrcConfig;
  registry?: string;
  cacheDir: string;
}

async function scanChange(spec: string, cwd: string, access: RegistryAccess): Promise<PackageChange> {
  const target = await resolveTarget(spec, cwd, access);
  return { name: target.name, version: target.version, previousVersion: null, change: 'scanned', target, previous: null };
}

/** A spec that names an existing path is local; anything else is a registry spec. */
async function resolveTarget(spec: string, cwd: string, access: RegistryAccess): Promise<PackageTarget> {
  const path = resolve(cwd, spec);
  if (existsSync(path)) {
    const isDirectory = statSync(path).isDirectory();
    if (!isDirectory && !/\.(tgz|tar\.gz)$/i.test(path)) {
      throw new UsageError(`${spec}: a local spec must be a .tgz file or a package directory`);
    }
    const manifest = isDirectory ? readLocalManifest(path) : null;
    return {
      name: manifest?.name ?? basename(path).replace(/\.(tgz|tar\.gz)$/i, ''),
      version: manifest?.version ?? 'local',
      spec: path,
      integrity: null,
      resolved: path,
      source: isDirectory ? 'local-directory' : 'local-tarball',
    };
  }
  if (spec.startsWith('.') || spec.startsWith('/') || /\.(tgz|tar\.gz)$/i.test(spec)) {
    throw new UsageError(`${spec}: no such file or directory`);
  }
  return resolveRegistrySpec(spec, access);
}

function readLocalManifest(dir: string): { name?: string; version?: string } | null {
  const file = join(dir, 'package.json');
  if (!existsSync(file)) return null;
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new UsageError(`${file}: not valid JSON: ${errorMessage(error)}`, { cause: error });
  }
  if (typeof data !== 'object' || data === null) return null;
  const record = data as Record<string, unknown>;
  return {
    ...(typeof record.name === 'string' ? { name: record.name } : {}),
    ...(typeof record.version === 'string' ? { version: record.version } : {}),
  };
}

async function attachPrevious(changes: PackageChange[], spec: string, cwd: string, access: RegistryAccess): Promise<void> {
  const previous = await resolveTarget(spec, cwd, access);
  const match = changes.length === 1 ? changes[0] : changes.find((change) => change.name === previous.name);
  if (!match) {
    throw new UsageError(`--previous ${spec}: no scanned package is named ${previous.name}`);
  }
  match.previous = previous;
  match.previousVersion = previous.version;
}

function render(report: Report, format: Format): string {
  switch (format) {
    case 'text':
      return renderText(report);
    case 'json':
      return renderJson(report);
    case 'markdown':
      return renderMarkdown(report);
    case 'sarif':
      return renderSarif(report, ALL_RULES);
  }
}

async function main(): Promise<void> {
  const code = await runCli(process.argv.slice(2), {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    cwd: process.cwd(),
    env: process.env,
  });
  process.exitCode = code;
}

// This file is the bundle's entry (dist/cli.js); tests run it as a process, never import it. The
// analysis pool starts its workers from this same file, with a flag.
if (isPoolWorkerProcess(process.argv)) runPoolWorker();
else void main();

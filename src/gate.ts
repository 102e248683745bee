/**
 * The pipeline both entries share: changed packages in, a Report out. Pure with respect to its
 * world: it logs through the Logger it is given, never reads process.env, never exits, and a
 * failure in one package is recorded against that package, never thrown.
 */
import type { Detector } from './analysis/detector.js';
import { cacheableIntegrity } from './cache/cache-key.js';
import type { ResultCache } from './cache/result-cache.js';
import { analyzePackage, type PackageAnalysis, type PackageAnalyzer } from './analysis/analyze-package.js';
import { markIntroduced } from './analysis/introduced.js';
import type { Policy } from './config/schema.js';
import { FetchError, errorMessage } from './errors.js';
import type { Fetcher } from './fetch/types.js';
import type { PackageChange, PackageTarget } from './lockfile/types.js';
import type { Logger } from './logger.js';
import { utcDay } from './report/allow-list.js';
import { applyPolicy } from './report/apply-policy.js';
import type { Finding, PackageReport, Report } from './report/report.js';
import { ENGINE_VERSION } from './version.js';

export interface GateDeps {
  fetcher: Fetcher;
  detectors: readonly Detector[];
  policy: Policy;
  logger: Logger;
  /**
   * How a fetched package is analysed; default `analyzePackage` with `detectors`, in this thread.
   * The entries hand in the worker pool (`analysis/pool/`), so no file can take the run down.
   */
  analyze?: PackageAnalyzer;
  /**
   * Results of earlier runs by tarball integrity, for this engine; none by default. A hit skips
   * the fetch and the analysis, and the package is reported `cached`.
   */
  cache?: ResultCache;
  /** Today, for allow-list expiry; default the system clock. Tests hand in "the day after". */
  clock?: () => Date;
}

/** Sources the fetcher can read and verify; anything else is reported, never fetched. */
const FETCHABLE_SOURCES: ReadonlySet<PackageTarget['source']> = new Set(['registry', 'local-tarball', 'local-directory']);

/** Sources that bypass the registry; `link` (the repository's own workspace) is set apart before. */
type UnfetchableSource = Exclude<PackageTarget['source'], 'registry' | 'local-tarball' | 'local-directory' | 'link'>;

const UNFETCHABLE_REASONS: Record<UnfetchableSource, string> = {
  git: 'comes from a git repository',
  remote: 'comes from a tarball URL outside the registry',
  file: 'comes from a local file outside the repository',
};

export interface GateContext {
  /** Notes about the run as a whole (lockfiles that changed without changing packages, ...). */
  notes?: readonly string[];
  /** Changed lockfiles that could not be read, so their packages are unknown. */
  unscannedLockfiles?: readonly { path: string; reason: string }[];
}

export async function gate(allChanges: readonly PackageChange[], deps: GateDeps, context: GateContext = {}): Promise<Report> {
  // The repository's own workspace packages are not dependencies from a registry: their code is
  // in the pull request's diff. They are named in a note, not scanned or counted as unscanned.
  const workspace: PackageChange[] = [];
  const changes: PackageChange[] = [];
  // A removed package has no target: what it was is in `previous`.
  for (const change of allChanges) ((change.target ?? change.previous)?.source === 'link' ? workspace : changes).push(change);
  const notes = [...(context.notes ?? [])];
  if (workspace.length > 0) {
    const names = workspace.map((change) => `${change.name}@${change.version} (${change.change})`).join(', ');
    notes.push(`Workspace packages of this repository changed: ${names}. Their code is part of this diff and is not scanned as a dependency.`);
  }
  const packages = await mapBounded(changes, deps.policy.concurrency, (change) => scanChange(change, deps));
  const unscannedLockfiles = [...(context.unscannedLockfiles ?? [])];
  const judged = applyPolicy(packages, deps.policy, {
    today: utcDay((deps.clock ?? (() => new Date()))()),
    unscannedLockfiles: unscannedLockfiles.length,
  });
  return {
    verdict: judged.verdict,
    failOn: deps.policy.failOn,
    blocking: judged.blocking,
    packages: judged.packages,
    onUnscanned: deps.policy.onUnscanned,
    unscannedLockfiles,
    notes,
    engineVersion: ENGINE_VERSION,
    mode: deps.policy.mode,
    ruleSettings: { ...deps.policy.rules },
    staleAllowances: judged.staleAllowances,
    packageBrowser: deps.policy.packageBrowser,
  };
}

/** A finding about the package as a whole, pointing at the lockfile entry that brought it in. */
function packageFinding(change: PackageChange, finding: Pick<Finding, 'ruleId' | 'severity' | 'message' | 'identity'> & { details: Record<string, string> }): Finding {
  return {
    ruleId: finding.ruleId,
    severity: finding.severity,
    file: change.lockfile ?? 'package.json',
    line: 0,
    column: 0,
    message: finding.message,
    introduced: true,
    evidence: { snippet: '', details: finding.details },
    identity: `${finding.ruleId}|${finding.identity}`,
  };
}

async function scanChange(change: PackageChange, deps: GateDeps): Promise<PackageReport> {
  const base: PackageReport = {
    name: change.name,
    version: change.version,
    previousVersion: change.previousVersion,
    change: change.change,
    status: 'skipped',
    findings: [],
    ...(change.lockfile !== undefined ? { lockfile: change.lockfile } : {}),
    ...(change.alias !== undefined ? { alias: change.alias } : {}),
    ...(change.target !== null ? { source: change.target.source } : {}),
    ...(change.dev === true ? { dev: true } : {}),
  };
  const label = `${change.name}@${change.version}`;
  if (change.change === 'removed' || change.target === null) {
    return { ...base, reason: 'removed: no code to scan' };
  }
  if (change.dev === true && !deps.policy.includeDev) {
    return { ...base, excluded: 'dev-only', reason: 'dev-only in the lockfile, and the policy says include-dev: false' };
  }
  const target = change.target;
  if (!FETCHABLE_SOURCES.has(target.source)) {
    const source = target.source as UnfetchableSource;
    const where = target.resolved ?? target.spec;
    const reason = `${UNFETCHABLE_REASONS[source]} (${where})`;
    // Code that bypasses the registry cannot be checked against a published, integrity-pinned
    // tarball: say so as a finding rather than skipping it silently.
    const finding = packageFinding(change, {
      ruleId: 'unverifiable-source',
      severity: 'medium',
      message: `${label} ${reason}: it cannot be verified against the registry and was not scanned.`,
      identity: `${source}|${where}`,
      details: { source, url: where },
    });
    return { ...base, reason: `not fetched: ${reason}`, findings: [finding] };
  }

  deps.logger.info(`Scanning ${label}${change.previousVersion ? ` (previously ${change.previousVersion})` : ''}`);
  const previousTarget = change.previous && FETCHABLE_SOURCES.has(change.previous.source) ? change.previous : null;
  const [current, previous] = await Promise.allSettled([
    scanTarget(target, deps),
    previousTarget ? scanTarget(previousTarget, deps) : Promise.resolve(null),
  ]);

  if (current.status === 'rejected') {
    const reason = errorMessage(current.reason);
    deps.logger.warn(`${label}: ${reason}`);
    if (current.reason instanceof FetchError && current.reason.code === 'EINTEGRITY') {
      // The registry served bytes other than the ones the lockfile pinned: never a crash, never
      // retried into success, and the strongest signal the gate has.
      const expected = target.integrity ?? 'the registry-declared integrity';
      const finding = packageFinding(change, {
        ruleId: 'integrity-mismatch',
        severity: 'critical',
        message: `The tarball served for ${label} does not match the integrity pinned in the lockfile (${expected}); its code was not scanned.`,
        identity: expected,
        details: { expected },
      });
      return { ...base, status: 'failed', reason, findings: [finding] };
    }
    return { ...base, status: 'failed', reason };
  }
  const notes = [...current.value.notes];
  let previousFindings = null;
  if (previous.status === 'fulfilled' && previous.value) {
    previousFindings = previous.value.analysis.findings;
  } else if (previous.status === 'rejected') {
    notes.push(`previous version ${change.previousVersion} could not be scanned (${errorMessage(previous.reason)}); every finding counts as new`);
  } else if (change.previous && !previousTarget) {
    notes.push(`previous version ${change.previousVersion} came from a source that is not fetched; every finding counts as new`);
  }
  const analysis = current.value.analysis;
  const { cachedAs } = current.value;
  // A cached package has a reason like every package that was not scanned in this run.
  if (cachedAs !== null) notes.unshift(`cached: the tarball ${cachedAs} was analysed by this engine in an earlier run; its findings are reused`);
  return {
    ...base,
    status: cachedAs !== null ? 'cached' : 'scanned',
    ...(notes.length > 0 ? { reason: notes.join('; ') } : {}),
    findings: markIntroduced(analysis.findings, previousFindings),
    files: analysis.files,
  };
}

interface TargetScan {
  analysis: PackageAnalysis;
  notes: string[];
  /** The integrity the result was found under in the cache; null when it was analysed now. */
  cachedAs: string | null;
}

async function scanTarget(target: PackageTarget, deps: GateDeps): Promise<TargetScan> {
  const cache = deps.cache;
  // The lockfile's integrity names the bytes npm will install (it refuses any others), so a hit
  // on it needs no fetch. What is given up: a registry now serving other bytes for that version
  // is not reported as integrity-mismatch here; the install fails on it instead.
  const pinned = cache !== undefined ? cacheableIntegrity(target.integrity) : null;
  if (cache !== undefined && pinned !== null) {
    const hit = await cache.get(pinned);
    if (hit !== null) return { ...hit, cachedAs: pinned };
  }
  const files = await deps.fetcher.fetch(target);
  // Without a pinned integrity, the one of the bytes read (checked by pacote against the
  // registry's, or computed from a local tarball) still spares the analysis.
  const read = pinned ?? (cache !== undefined ? cacheableIntegrity(files.integrity) : null);
  if (cache !== undefined && read !== null && pinned === null) {
    const hit = await cache.get(read);
    if (hit !== null) return { ...hit, notes: files.notes, cachedAs: read };
  }
  const analysis = deps.analyze !== undefined ? await deps.analyze(files) : analyzePackage(files, deps.detectors);
  if (cache !== undefined && read !== null) await cache.set(read, { analysis, notes: files.notes });
  return { analysis, notes: files.notes, cachedAs: null };
}

/** Runs `work` over `items` with at most `limit` in flight, keeping the input order. */
async function mapBounded<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}

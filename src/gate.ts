/**
 * The pipeline both entries share: changed packages in, a Report out. Pure with respect to its
 * world: it logs through the Logger it is given, never reads process.env, never exits, and a
 * failure in one package is recorded against that package, never thrown.
 */
import type { Detector } from './analysis/detector.js';
import { analyzePackage, type PackageAnalysis } from './analysis/analyze-package.js';
import { markIntroduced } from './analysis/introduced.js';
import type { Policy } from './config/schema.js';
import { errorMessage } from './errors.js';
import type { Fetcher } from './fetch/types.js';
import type { PackageChange, PackageTarget } from './lockfile/types.js';
import type { Logger } from './logger.js';
import { applyAllowList } from './report/allow-list.js';
import type { PackageReport, Report } from './report/report.js';
import { decideVerdict } from './report/verdict.js';
import { ENGINE_VERSION } from './version.js';

export interface GateDeps {
  fetcher: Fetcher;
  detectors: readonly Detector[];
  policy: Policy;
  logger: Logger;
}

/** Sources the fetcher can read and verify; anything else is reported, never fetched. */
const FETCHABLE_SOURCES: ReadonlySet<PackageTarget['source']> = new Set(['registry', 'local-tarball', 'local-directory']);

const UNFETCHABLE_REASONS: Record<Exclude<PackageTarget['source'], 'registry' | 'local-tarball' | 'local-directory'>, string> = {
  git: 'git dependency: its code cannot be verified against the registry, so it is not fetched',
  remote: 'tarball URL outside the registry: its code cannot be verified against the registry, so it is not fetched',
  file: 'local file dependency outside the registry: not fetched',
  link: 'workspace or linked package inside the repository: not a registry package',
};

export async function gate(changes: readonly PackageChange[], deps: GateDeps, notes: readonly string[] = []): Promise<Report> {
  const packages = await mapBounded(changes, deps.policy.concurrency, (change) => scanChange(change, deps));
  const allowed = applyAllowList(packages, deps.policy.allow);
  const { verdict, blocking } = decideVerdict(allowed, deps.policy.failOn);
  return {
    verdict,
    failOn: deps.policy.failOn,
    blocking,
    packages: allowed,
    notes: [...notes],
    engineVersion: ENGINE_VERSION,
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
  };
  const label = `${change.name}@${change.version}`;
  if (change.change === 'removed' || change.target === null) {
    return { ...base, reason: 'removed: no code to scan' };
  }
  const target = change.target;
  if (!FETCHABLE_SOURCES.has(target.source)) {
    const reason = UNFETCHABLE_REASONS[target.source as keyof typeof UNFETCHABLE_REASONS];
    return { ...base, reason: `${reason} (${target.resolved ?? target.spec})` };
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
  return {
    ...base,
    status: 'scanned',
    ...(notes.length > 0 ? { reason: notes.join('; ') } : {}),
    findings: markIntroduced(analysis.findings, previousFindings),
    files: analysis.files,
  };
}

async function scanTarget(target: PackageTarget, deps: GateDeps): Promise<{ analysis: PackageAnalysis; notes: string[] }> {
  const files = await deps.fetcher.fetch(target);
  return { analysis: analyzePackage(files, deps.detectors), notes: files.notes };
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

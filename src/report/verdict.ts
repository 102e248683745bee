/**
 * The verdict and the counts every renderer states. One place decides what blocks a run, so the
 * exit code, the comment and the SARIF upload never disagree.
 */
import type { PolicyMode } from '../config/schema.js';
import { reachesThreshold, type FailOn } from './severity.js';
import type { Finding, PackageReport, Verdict } from './report.js';

export interface VerdictDecision {
  verdict: Verdict;
  /** Findings at or above the threshold, across all packages. */
  blocking: number;
}

/**
 * Whether a finding counts towards the verdict: under `new` only what this change introduced does,
 * so a team is not blocked by code it already ships. `all` (and a report without a mode, written
 * before modes existed) counts every finding.
 */
export function counts(finding: Finding, mode: PolicyMode = 'all'): boolean {
  return mode === 'all' || finding.introduced;
}

export function isBlocking(finding: Finding, failOn: FailOn, mode: PolicyMode = 'all'): boolean {
  return counts(finding, mode) && reachesThreshold(finding.severity, failOn);
}

export function countBlocking(pkg: PackageReport, failOn: FailOn, mode: PolicyMode = 'all'): number {
  let blocking = 0;
  for (const finding of pkg.findings) if (isBlocking(finding, failOn, mode)) blocking += 1;
  return blocking;
}

/**
 * `fail` when any finding reaches `failOn` (`none` never fails on findings). Allow-listed findings
 * are already gone from `findings` when this runs.
 */
export interface VerdictOptions {
  /** `fail`: a package or lockfile that could not be scanned blocks the run. Default `warn`. */
  onUnscanned?: 'warn' | 'fail';
  /** Changed lockfiles the gate could not read at all. */
  unscannedLockfiles?: number;
  /** Which findings count; default `all`. */
  mode?: PolicyMode;
}

export function decideVerdict(packages: PackageReport[], failOn: FailOn, options: VerdictOptions = {}): VerdictDecision {
  let blocking = 0;
  for (const pkg of packages) blocking += countBlocking(pkg, failOn, options.mode);
  const failReasons: string[] = [];
  if (blocking > 0) failReasons.push('findings');
  // `blocking` stays a count of findings; other causes only add a reason to fail.
  if (options.onUnscanned === 'fail' && (packages.some(isUnscanned) || (options.unscannedLockfiles ?? 0) > 0)) {
    failReasons.push('unscanned');
  }
  return { verdict: failReasons.length > 0 ? 'fail' : 'pass', blocking };
}

/**
 * A package whose code should have been analysed and was not. The repository's own workspace
 * packages (`link`) are not: their code is in the pull request's diff for people to read. Nor are
 * packages the policy left out (`include-dev: false`): nobody asked for them.
 */
export function isUnscanned(pkg: PackageReport): boolean {
  return (
    pkg.change !== 'removed' &&
    pkg.source !== 'link' &&
    pkg.excluded === undefined &&
    (pkg.status === 'skipped' || pkg.status === 'failed')
  );
}

/** What the summary lines of the text and markdown renderers state. */
export interface ReportTally {
  packages: number;
  findings: number;
  introduced: number;
  /** Packages with at least one blocking finding. */
  blockingPackages: number;
  /** Packages `skipped` or `failed`, except removed ones (nothing of theirs is left to scan). */
  unscanned: number;
  allowed: number;
  filesNotParsed: number;
}

export function tallyReport(packages: readonly PackageReport[], failOn: FailOn, mode: PolicyMode = 'all'): ReportTally {
  const tally: ReportTally = {
    packages: packages.length,
    findings: 0,
    introduced: 0,
    blockingPackages: 0,
    unscanned: 0,
    allowed: 0,
    filesNotParsed: 0,
  };
  for (const pkg of packages) {
    tally.findings += pkg.findings.length;
    tally.introduced += pkg.findings.filter((finding) => finding.introduced).length;
    if (countBlocking(pkg, failOn, mode) > 0) tally.blockingPackages += 1;
    if (isUnscanned(pkg)) tally.unscanned += 1;
    tally.allowed += pkg.allowed ?? 0;
    tally.filesNotParsed += pkg.files?.problems.length ?? 0;
  }
  return tally;
}

/**
 * Shard reports of one audit (`audit --shard i/n --format json`) merged into the report one
 * process auditing the whole tree would have written: packages in one order, the verdict decided
 * again over all of them with the policy the shards ran under, stale allowances only when no
 * shard used them.
 */
import { POLICY_MODES } from '../config/schema.js';
import { UsageError, errorMessage } from '../errors.js';
import type { Allowance, AuditScope, PackageReport, Report } from '../report/report.js';
import { PACKAGE_STATUSES } from '../report/report.js';
import { isFailOn } from '../report/severity.js';
import { decideVerdict } from '../report/verdict.js';
import { describeShard } from './audit-scope.js';
import { MAX_SHARDS, inShard, type Shard } from './shard.js';
import { comparePackages } from './package-order.js';

export interface ShardReport {
  /** Where the report was read from, for messages. */
  file: string;
  text: string;
}

/** Settings every shard must share: a report of another run or policy cannot be merged in. */
const SHARED_SETTINGS = ['engineVersion', 'failOn', 'onUnscanned', 'mode', 'packageBrowser', 'ruleSettings'] as const;

export function mergeReports(shards: readonly ShardReport[]): Report {
  const reports = shards.map((shard) => ({ file: shard.file, report: narrowReport(shard) }));
  const [first] = reports;
  if (first === undefined) throw new UsageError('merge needs at least one JSON report');
  const scope = checkCompleteShardSet(reports);
  for (const { file, report } of reports.slice(1)) {
    for (const setting of SHARED_SETTINGS) {
      const mine = JSON.stringify(report[setting] ?? null);
      const theirs = JSON.stringify(first.report[setting] ?? null);
      if (mine !== theirs) {
        throw new UsageError(`${file}: ${setting} is ${mine} but ${first.file} has ${theirs}; merge only the shard reports of one audit`);
      }
    }
  }

  const seen = new Map<string, string>();
  const packages: PackageReport[] = [];
  for (const { file, report } of reports) {
    for (const pkg of report.packages) {
      const id = `${pkg.lockfile ?? ''}:${pkg.name}@${pkg.version}`;
      const other = seen.get(id);
      // Shards partition the tree: a package twice means two reports of the same shard, or of two runs.
      if (other !== undefined) throw new UsageError(`${file}: ${pkg.name}@${pkg.version} is also in ${other}; each shard's report must be given once`);
      seen.set(id, file);
      packages.push(pkg);
    }
  }
  packages.sort(comparePackages);

  const unscannedLockfiles = uniqueBy(reports.flatMap(({ report }) => report.unscannedLockfiles), (entry) => entry.path);
  const settings = first.report;
  const { verdict, blocking } = decideVerdict(packages, settings.failOn, {
    onUnscanned: settings.onUnscanned,
    unscannedLockfiles: unscannedLockfiles.length,
    ...(settings.mode !== undefined ? { mode: settings.mode } : {}),
  });
  // An allowance one shard found stale may have matched a finding in another shard's packages.
  const used = new Set(packages.flatMap((pkg) => (pkg.allowedFindings ?? []).map((finding) => allowanceId(finding.allowance))));
  const stale = uniqueBy(reports.flatMap(({ report }) => report.staleAllowances ?? []), allowanceId).filter((allowance) => !used.has(allowanceId(allowance)));

  return {
    verdict,
    failOn: settings.failOn,
    blocking,
    packages,
    onUnscanned: settings.onUnscanned,
    unscannedLockfiles,
    notes: [
      ...uniqueBy(reports.flatMap(({ report }) => report.notes), (note) => note),
      `Merged from ${reports.length} shard report(s): ${reports.map(({ file }) => file).join(', ')}.`,
    ],
    engineVersion: settings.engineVersion,
    ...(settings.mode !== undefined ? { mode: settings.mode } : {}),
    ...(settings.ruleSettings !== undefined ? { ruleSettings: settings.ruleSettings } : {}),
    staleAllowances: stale,
    ...(settings.packageBrowser !== undefined ? { packageBrowser: settings.packageBrowser } : {}),
    // The merged report covers the whole package set, as one process's audit does.
    audit: { packageSet: scope.packageSet, packageCount: scope.packageCount },
  };
}

/**
 * The reports must be the shards 1..n of one audit, each once: the same package set (lockfile
 * and engine), the same n, no index twice or missing, and each package in the shard that names
 * it. A merge of an incomplete set would pass a tree it never read. Returns the common scope.
 */
function checkCompleteShardSet(reports: readonly { file: string; report: Report }[]): AuditScope {
  const scoped = reports.map(({ file, report }) => {
    if (report.audit === undefined) {
      throw new UsageError(`${file}: not the report of an audit (it has no "audit" record); merge takes the --format json reports of fingerprint-gate audit --shard i/n`);
    }
    return { file, report, scope: report.audit };
  });
  const first = scoped[0] as (typeof scoped)[number];
  const byIndex = new Map<number, string>();
  for (const { file, report, scope } of scoped) {
    if (scope.packageSet !== first.scope.packageSet) {
      throw new UsageError(
        `${file}: audits another package set than ${first.file} (another lockfile, another commit of it, or another engine version: ${report.engineVersion} vs ${first.report.engineVersion}); merge only the shard reports of one audit`,
      );
    }
    if (scope.shard === undefined) {
      if (scoped.length > 1) throw new UsageError(`${file}: the audit of the whole tree, not a shard; merge it with nothing else`);
      continue;
    }
    const expected = first.scope.shard?.count;
    if (scope.shard.count !== expected) {
      throw new UsageError(`${file}: shard ${describeShard(scope.shard)}, but ${first.file} is ${first.scope.shard === undefined ? 'the whole audit' : `shard ${describeShard(first.scope.shard)}`}; all shards must split the audit into the same number of parts`);
    }
    const other = byIndex.get(scope.shard.index);
    if (other !== undefined) throw new UsageError(`${file} and ${other} are both shard ${describeShard(scope.shard)}; give each shard's report once`);
    byIndex.set(scope.shard.index, file);
    const stray = report.packages.find((pkg) => !inShard(pkg, scope.shard as Shard));
    if (stray !== undefined) throw new UsageError(`${file}: ${stray.name}@${stray.version} does not belong to shard ${describeShard(scope.shard)}; the report was not written by audit --shard ${describeShard(scope.shard)}`);
  }
  const count = first.scope.shard?.count;
  if (count !== undefined) {
    const missing = Array.from({ length: count }, (_, i) => i + 1).filter((index) => !byIndex.has(index));
    if (missing.length > 0) {
      const given = [...byIndex].sort(([a], [b]) => a - b).map(([index, file]) => `${file} (${index}/${count})`).join(', ');
      throw new UsageError(`shard ${missing.map((index) => `${index}/${count}`).join(', ')} missing: only ${given} given; a merge of part of the tree would pass packages it never read`);
    }
  }
  return first.scope;
}

/**
 * A report file narrowed as far as merging relies on it: its settings and each package's name,
 * version, status and findings. Renderers take the rest as the gate wrote it.
 */
function narrowReport(shard: ShardReport): Report {
  let data: unknown;
  try {
    data = JSON.parse(shard.text);
  } catch (error) {
    throw new UsageError(`${shard.file}: not a JSON report (${errorMessage(error)}); give the output of --format json`, { cause: error });
  }
  const fail = (what: string): never => {
    throw new UsageError(`${shard.file}: ${what}; give the output of fingerprint-gate --format json`);
  };
  if (!isRecord(data)) return fail('not a JSON object');
  if (!isFailOn(data.failOn)) fail(`failOn is ${JSON.stringify(data.failOn)}, not a severity or none`);
  if (data.onUnscanned !== 'warn' && data.onUnscanned !== 'fail') fail(`onUnscanned is ${JSON.stringify(data.onUnscanned)}, not warn or fail`);
  if (data.mode !== undefined && !(POLICY_MODES as readonly unknown[]).includes(data.mode)) fail(`mode is ${JSON.stringify(data.mode)}, not new or all`);
  if (typeof data.engineVersion !== 'string') fail('engineVersion is missing');
  if (!Array.isArray(data.notes) || !data.notes.every((note) => typeof note === 'string')) fail('notes is not a list of strings');
  if (!Array.isArray(data.unscannedLockfiles) || !data.unscannedLockfiles.every((entry) => isRecord(entry) && typeof entry.path === 'string')) {
    fail('unscannedLockfiles is not a list of {path, reason}');
  }
  if (data.audit !== undefined && !isAuditScope(data.audit)) fail('audit is not {packageSet, packageCount, shard?: {index, count}}');
  if (!Array.isArray(data.packages)) return fail('packages is not a list');
  data.packages.forEach((pkg: unknown, index: number) => {
    const ok =
      isRecord(pkg) &&
      typeof pkg.name === 'string' &&
      typeof pkg.version === 'string' &&
      (PACKAGE_STATUSES as readonly unknown[]).includes(pkg.status) &&
      Array.isArray(pkg.findings) &&
      pkg.findings.every((finding) => isRecord(finding) && isFailOn(finding.severity) && finding.severity !== 'none' && typeof finding.introduced === 'boolean');
    if (!ok) fail(`packages[${index}] is not a package report (name, version, status, findings)`);
  });
  return data as unknown as Report;
}

function isAuditScope(value: unknown): value is AuditScope {
  if (!isRecord(value) || typeof value.packageSet !== 'string' || !/^[0-9a-f]{64}$/.test(value.packageSet)) return false;
  if (!Number.isInteger(value.packageCount) || (value.packageCount as number) < 0) return false;
  if (value.shard === undefined) return true;
  const shard = value.shard;
  return isRecord(shard) && Number.isInteger(shard.count) && Number.isInteger(shard.index) && (shard.count as number) >= 1 && (shard.count as number) <= MAX_SHARDS && (shard.index as number) >= 1 && (shard.index as number) <= (shard.count as number);
}

function allowanceId(allowance: Allowance): string {
  return JSON.stringify([allowance.package, allowance.reason, allowance.expires ?? null, allowance.rules ?? null]);
}

function uniqueBy<T>(items: readonly T[], key: (item: T) => string): T[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    const id = key(item);
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

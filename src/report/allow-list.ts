/**
 * The allow-list: findings a team has reviewed and accepted are taken out of the count but not
 * forgotten (each package keeps how many were allowed). Matching is by the real package name, never
 * the alias a lockfile installs it under, so `"tz": "npm:evil@1"` cannot borrow `tz`'s entry.
 */
import semver from 'semver';
import { ConfigError } from '../errors.js';
import type { AllowEntry } from '../config/schema.js';
import type { AllowedFinding, Allowance, Finding, PackageReport } from './report.js';

export interface AllowSpec {
  name: string;
  /** A semver range the version must satisfy; null allows every version. */
  range: string | null;
}

/**
 * Splits `name` or `name@range`. The range follows the LAST `@` after the first character, since
 * scoped names start with `@` (`@scope/pkg@^1`). Throws ConfigError for an empty name or a range
 * semver cannot read, so a typo never silently allows nothing (or everything).
 */
export function parseAllowSpec(spec: string): AllowSpec {
  const trimmed = spec.trim();
  const at = trimmed.lastIndexOf('@');
  const name = at > 0 ? trimmed.slice(0, at) : trimmed;
  const rawRange = at > 0 ? trimmed.slice(at + 1).trim() : '';
  const scopeOnly = name.startsWith('@') && (!name.includes('/') || name.endsWith('/'));
  if (name === '' || scopeOnly) {
    throw new ConfigError(`allow-list entry ${JSON.stringify(spec)}: missing package name (a scoped name is @scope/name)`);
  }
  if (rawRange === '') return { name, range: null };
  const range = semver.validRange(rawRange);
  if (range === null) {
    throw new ConfigError(`allow-list entry ${JSON.stringify(spec)}: ${JSON.stringify(rawRange)} is not a semver range`);
  }
  return { name, range };
}

interface CompiledEntry {
  entry: AllowEntry;
  spec: AllowSpec;
  /** Null allows every rule. An empty list (the config loader rejects it) allows none. */
  rules: ReadonlySet<string> | null;
  /** Whether the entry has passed its `expires` day. */
  expired: boolean;
}

/** `YYYY-MM-DD` of a moment, in UTC: an expiry is a calendar day, the same on every runner. */
export function utcDay(moment: Date): string {
  return moment.toISOString().slice(0, 10);
}

function compile(entry: AllowEntry, today: string | null): CompiledEntry {
  // ISO dates compare as strings; `expires` is the last day that allows.
  const expired = today !== null && entry.expires !== undefined && entry.expires < today;
  return { entry, spec: parseAllowSpec(entry.package), rules: entry.rules ? new Set(entry.rules) : null, expired };
}

function entryCoversPackage(entry: CompiledEntry, pkg: PackageReport): boolean {
  if (entry.spec.name !== pkg.name) return false;
  if (entry.spec.range === null) return true;
  // Prereleases only match a range that names one (semver's default): an allow-list must not
  // widen to versions nobody reviewed.
  return semver.valid(pkg.version) !== null && semver.satisfies(pkg.version, entry.spec.range);
}

function entryCoversFinding(entry: CompiledEntry, finding: Finding): boolean {
  return entry.rules === null || entry.rules.has(finding.ruleId);
}

export function allowanceOf(entry: AllowEntry): Allowance {
  return {
    package: entry.package,
    reason: entry.reason,
    ...(entry.expires !== undefined ? { expires: entry.expires } : {}),
    ...(entry.rules !== undefined ? { rules: [...entry.rules] } : {}),
  };
}

export interface AllowOutcome {
  packages: PackageReport[];
  /**
   * Entries naming a package of this run that matched none of its findings (an entry whose package
   * this run did not touch says nothing about the entry, so it is not listed).
   */
  stale: Allowance[];
}

/**
 * Moves allowed findings to `allowedFindings` (adding their number to `allowed`), marks findings
 * whose only covering entries have expired, and finds stale entries. `today` (`YYYY-MM-DD`) decides
 * expiry; null lets every entry allow. Pure: packages no entry touches are returned as they came.
 */
export function allowFindings(packages: readonly PackageReport[], allow: readonly AllowEntry[], today: string | null): AllowOutcome {
  if (allow.length === 0) return { packages: packages.slice(), stale: [] };
  const entries = allow.map((entry) => compile(entry, today));
  const used = new Set<CompiledEntry>();
  const seen = new Set<CompiledEntry>();
  const out = packages.map((pkg) => {
    const covering = entries.filter((entry) => entryCoversPackage(entry, pkg));
    for (const entry of entries) if (entry.spec.name === pkg.name) seen.add(entry);
    if (covering.length === 0) return pkg;
    const kept: Finding[] = [];
    const allowed: AllowedFinding[] = [];
    let changed = false;
    for (const finding of pkg.findings) {
      const matching = covering.filter((entry) => entryCoversFinding(entry, finding));
      for (const entry of matching) used.add(entry);
      const active = matching.find((entry) => !entry.expired);
      if (active !== undefined) {
        allowed.push({ ...finding, allowance: allowanceOf(active.entry) });
        changed = true;
        continue;
      }
      // Only expired entries cover it: it counts, and says which allowance lapsed (the latest one).
      const lapsed = matching.reduce<CompiledEntry | null>(
        (latest, entry) => (latest === null || (entry.entry.expires ?? '') > (latest.entry.expires ?? '') ? entry : latest),
        null,
      );
      if (lapsed !== null) {
        kept.push({ ...finding, expiredAllowance: allowanceOf(lapsed.entry) });
        changed = true;
      } else {
        kept.push(finding);
      }
    }
    if (!changed) return pkg;
    return {
      ...pkg,
      findings: kept,
      ...(allowed.length > 0
        ? { allowed: (pkg.allowed ?? 0) + allowed.length, allowedFindings: [...(pkg.allowedFindings ?? []), ...allowed] }
        : {}),
    };
  });
  const stale = entries.filter((entry) => seen.has(entry) && !used.has(entry)).map((entry) => allowanceOf(entry.entry));
  return { packages: out, stale };
}

/** The packages of allowFindings, for callers that need no expiry or stale entries. */
export function applyAllowList(packages: PackageReport[], allow: AllowEntry[], today: string | null = null): PackageReport[] {
  return allowFindings(packages, allow, today).packages;
}

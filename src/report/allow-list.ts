/**
 * The allow-list: findings a team has reviewed and accepted are taken out of the count but not
 * forgotten (each package keeps how many were allowed). Matching is by the real package name, never
 * the alias a lockfile installs it under, so `"tz": "npm:evil@1"` cannot borrow `tz`'s entry.
 */
import semver from 'semver';
import { ConfigError } from '../errors.js';
import type { AllowEntry } from '../config/schema.js';
import type { Finding, PackageReport } from './report.js';

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
  spec: AllowSpec;
  /** Null allows every rule. An empty list (the config loader rejects it) allows none. */
  rules: ReadonlySet<string> | null;
}

function compile(entry: AllowEntry): CompiledEntry {
  return { spec: parseAllowSpec(entry.package), rules: entry.rules ? new Set(entry.rules) : null };
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

/**
 * Removes allowed findings and adds their number to `allowed`. Pure: packages without an allowed
 * finding are returned as they came, the others as copies.
 */
export function applyAllowList(packages: PackageReport[], allow: AllowEntry[]): PackageReport[] {
  if (allow.length === 0) return packages.slice();
  const entries = allow.map(compile);
  return packages.map((pkg) => {
    const covering = entries.filter((entry) => entryCoversPackage(entry, pkg));
    if (covering.length === 0) return pkg;
    const kept = pkg.findings.filter((finding) => !covering.some((entry) => entryCoversFinding(entry, finding)));
    const removed = pkg.findings.length - kept.length;
    if (removed === 0) return pkg;
    return { ...pkg, findings: kept, allowed: (pkg.allowed ?? 0) + removed };
  });
}

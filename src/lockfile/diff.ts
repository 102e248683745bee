/**
 * Turns two parses of one lockfile into the packages the gate must account for. Identity is
 * `name@version`; copies of it at several tree paths are one change. An update is paired with
 * what it replaced, so the previous version can be scanned and only new findings flagged.
 */
import semver from 'semver';
import type { LockedPackage, PackageChange, PackageTarget } from './types.js';

type Copies = readonly [LockedPackage, ...LockedPackage[]];

export function diffLockfiles(
  base: LockedPackage[] | null,
  head: LockedPackage[],
  lockfile: string,
): PackageChange[] {
  const before = groupByIdentity(base ?? []);
  const after = groupByIdentity(head);
  const beforeAtPath = new Map<string, LockedPackage>();
  for (const pkg of base ?? []) if (!beforeAtPath.has(pkg.path)) beforeAtPath.set(pkg.path, pkg);

  const changes: PackageChange[] = [];
  const added: Copies[] = [];
  for (const [identity, copies] of after) {
    const previous = before.get(identity);
    if (previous === undefined) {
      added.push(copies);
      continue;
    }
    const changed = changedCopy(previous, copies);
    if (changed !== null) changes.push(updateOf(changed.now, copies, changed.was, lockfile));
  }

  // Versions of a name that are in the base and gone from the head, in base order.
  const gone = new Map<string, Copies[]>();
  for (const [identity, copies] of before) {
    if (after.has(identity)) continue;
    const list = gone.get(copies[0].name) ?? [];
    list.push(copies);
    gone.set(copies[0].name, list);
  }
  const paired = new Set<Copies>();

  // First the version that stood at the same tree location, for every new version, so a
  // name-only guess below cannot take a version another update replaced in place.
  const unpaired: Copies[] = [];
  for (const copies of added) {
    const replaced = replacedInPlace(copies, beforeAtPath);
    if (replaced === null) {
      unpaired.push(copies);
      continue;
    }
    const replacedCopies = gone.get(replaced.name)?.find((c) => c[0].version === replaced.version);
    if (replacedCopies !== undefined) paired.add(replacedCopies);
    changes.push(updateOf(copies[0], copies, replaced, lockfile));
  }
  for (const copies of unpaired) {
    const candidates = gone.get(copies[0].name) ?? [];
    const fresh = candidates.filter((c) => !paired.has(c));
    const chosen = closestVersion(copies[0].version, fresh.length > 0 ? fresh : candidates);
    if (chosen === null) {
      changes.push(addedOf(copies, lockfile));
      continue;
    }
    paired.add(chosen);
    changes.push(updateOf(copies[0], copies, chosen[0], lockfile));
  }
  for (const list of gone.values()) {
    for (const copies of list) if (!paired.has(copies)) changes.push(removedOf(copies, lockfile));
  }
  return changes.sort(compareChanges);
}

function groupByIdentity(packages: readonly LockedPackage[]): Map<string, Copies> {
  const groups = new Map<string, Copies>();
  for (const pkg of packages) {
    const identity = `${pkg.name}@${pkg.version}`;
    const existing = groups.get(identity);
    groups.set(identity, existing === undefined ? [pkg] : [...existing, pkg]);
  }
  return groups;
}

/**
 * Same name and version, different content: the registry served other bytes under a published
 * version (integrity), or the version now comes from elsewhere (source, or a git commit or URL
 * that moved without a version bump). An integrity that appears where there was none is npm
 * filling a gap, not a change.
 */
function changedCopy(was: Copies, now: Copies): { was: LockedPackage; now: LockedPackage } | null {
  const integrities = new Set(was.map((p) => p.integrity).filter((i): i is string => i !== null));
  const sources = new Set(was.map((p) => p.source));
  const resolved = new Set(was.map((p) => p.resolved));
  for (const pkg of now) {
    const integrityChanged = pkg.integrity !== null && integrities.size > 0 && !integrities.has(pkg.integrity);
    const sourceChanged = !sources.has(pkg.source);
    const locationChanged = pkg.source !== 'registry' && !resolved.has(pkg.resolved);
    if (integrityChanged || sourceChanged || locationChanged) {
      const counterpart = was.find((p) => p.path === pkg.path) ?? was[0];
      return { was: counterpart, now: pkg };
    }
  }
  return null;
}

function replacedInPlace(copies: Copies, beforeAtPath: ReadonlyMap<string, LockedPackage>): LockedPackage | null {
  for (const pkg of copies) {
    const there = beforeAtPath.get(pkg.path);
    if (there !== undefined && there.name === pkg.name && there.version !== pkg.version) return there;
  }
  return null;
}

/** The highest gone version not above the new one, else the lowest above it: the likeliest predecessor. */
function closestVersion(version: string, candidates: readonly Copies[]): Copies | null {
  if (candidates.length === 0) return null;
  const target = semver.valid(version);
  if (target === null) return candidates[0] ?? null;
  let below: Copies | null = null;
  let above: Copies | null = null;
  for (const copies of candidates) {
    const v = semver.valid(copies[0].version);
    if (v === null) continue;
    if (semver.lte(v, target)) {
      if (below === null || semver.gt(v, below[0].version)) below = copies;
    } else if (above === null || semver.lt(v, above[0].version)) {
      above = copies;
    }
  }
  return below ?? above ?? candidates[0] ?? null;
}

export function targetOf(pkg: LockedPackage): PackageTarget {
  return {
    name: pkg.name,
    version: pkg.version,
    spec: pkg.source === 'registry' ? `${pkg.name}@${pkg.version}` : (pkg.resolved ?? pkg.path),
    integrity: pkg.integrity,
    resolved: pkg.resolved,
    source: pkg.source,
  };
}

/** dev (optional) only when every copy is: one production copy makes the package production. */
function flagsOf(copies: Copies): { dev: boolean; optional: boolean } {
  return { dev: copies.every((p) => p.dev), optional: copies.every((p) => p.optional) };
}

type ChangeContext = Pick<PackageChange, 'lockfile' | 'path' | 'alias' | 'dev' | 'optional'>;

function common(pkg: LockedPackage, copies: Copies, lockfile: string): ChangeContext {
  return { lockfile, path: pkg.path, ...(pkg.alias === undefined ? {} : { alias: pkg.alias }), ...flagsOf(copies) };
}

function addedOf(copies: Copies, lockfile: string): PackageChange {
  const pkg = copies[0];
  return {
    name: pkg.name,
    version: pkg.version,
    previousVersion: null,
    change: 'added',
    target: targetOf(pkg),
    previous: null,
    ...common(pkg, copies, lockfile),
  };
}

function updateOf(pkg: LockedPackage, copies: Copies, replaced: LockedPackage, lockfile: string): PackageChange {
  return {
    name: pkg.name,
    version: pkg.version,
    previousVersion: replaced.version,
    change: 'updated',
    target: targetOf(pkg),
    previous: targetOf(replaced),
    ...common(pkg, copies, lockfile),
  };
}

function removedOf(copies: Copies, lockfile: string): PackageChange {
  const pkg = copies[0];
  return {
    name: pkg.name,
    version: pkg.version,
    previousVersion: null,
    change: 'removed',
    target: null,
    // What was removed: nothing is scanned, but its source tells a workspace package from a dependency.
    previous: targetOf(pkg),
    ...common(pkg, copies, lockfile),
  };
}

function compareChanges(a: PackageChange, b: PackageChange): number {
  if (a.name !== b.name) return a.name < b.name ? -1 : 1;
  const va = semver.valid(a.version);
  const vb = semver.valid(b.version);
  if (va !== null && vb !== null) return semver.compare(va, vb);
  return a.version < b.version ? -1 : a.version > b.version ? 1 : 0;
}

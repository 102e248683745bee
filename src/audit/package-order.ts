/**
 * One order for the packages of an audit and of merged shard reports, so a merged report lists
 * them exactly as one process auditing the whole tree does.
 */
export function comparePackages(a: PackageKey, b: PackageKey): number {
  return compare(a.name, b.name) || compare(a.version, b.version) || compare(a.lockfile ?? '', b.lockfile ?? '');
}

interface PackageKey {
  name: string;
  version: string;
  lockfile?: string;
}

/** Code-unit order, the same on every machine (localeCompare is not). */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

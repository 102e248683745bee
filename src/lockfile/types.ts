/** Where a locked dependency's code comes from. Only `registry` can be verified and fetched. */
export const DEPENDENCY_SOURCES = [
  'registry', // a tarball from an npm registry, checked against its integrity
  'git', // a git repository (git+ssh, github:, ...)
  'remote', // a tarball URL outside the registry's own layout
  'file', // a local tarball or directory outside the repository
  'link', // a symlink or workspace package inside the repository
] as const;
export type DependencySource = (typeof DEPENDENCY_SOURCES)[number];

export const LOCKFILE_FORMATS = ['npm', 'yarn-classic', 'yarn-berry', 'pnpm', 'bun'] as const;
export type LockfileFormat = (typeof LOCKFILE_FORMATS)[number];

/** One installed copy of a package as a lockfile records it. */
export interface LockedPackage {
  /** The real package name (for `npm:` aliases, the aliased package, not the alias). */
  name: string;
  version: string;
  /** SRI string (`sha512-...`) or null when the lockfile has none. */
  integrity: string | null;
  /** The URL or spec it was resolved from, or null when the lockfile omits it. */
  resolved: string | null;
  source: DependencySource;
  dev: boolean;
  optional: boolean;
  /** Location in the tree, e.g. `node_modules/a/node_modules/b`; pairs updates with what they replaced. */
  path: string;
  /** The name it is installed under when that differs from `name` (`"x": "npm:real@1"`). */
  alias?: string;
}

export interface LockfileParser {
  readonly format: LockfileFormat;
  /** Parses the text; `file` is only used in error messages. Throws LockfileError. */
  parse(text: string, file: string): LockedPackage[];
}

export const CHANGE_KINDS = ['added', 'updated', 'removed', 'scanned'] as const;
export type ChangeKind = (typeof CHANGE_KINDS)[number];

/** What to fetch for one side of a change. */
export interface PackageTarget {
  name: string;
  version: string;
  /** A spec pacote resolves: `name@version`, or for the CLI a local `.tgz` or directory path. */
  spec: string;
  integrity: string | null;
  resolved: string | null;
  source: DependencySource | 'local-tarball' | 'local-directory';
}

/** One package the gate must account for in its report. */
export interface PackageChange {
  name: string;
  /** The new version; for `removed`, the version that was removed. */
  version: string;
  previousVersion: string | null;
  change: ChangeKind;
  /** What to scan; null for removed packages. */
  target: PackageTarget | null;
  /** The version it replaced, scanned to tell which findings are new. */
  previous: PackageTarget | null;
  /** Lockfile path the change came from (repository-relative), when it came from one. */
  lockfile?: string;
  /** Tree location within the lockfile. */
  path?: string;
  alias?: string;
  dev?: boolean;
  optional?: boolean;
}

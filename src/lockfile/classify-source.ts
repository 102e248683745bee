import type { DependencySource, LockedPackage } from './types.js';

/** Spec prefixes that mean a git checkout, as npm, yarn, pnpm and bun write them. */
const GIT_PREFIXES = Object.freeze([
  'git+',
  'git:',
  'git@',
  'ssh://',
  'github:',
  'gitlab:',
  'bitbucket:',
  'gist:',
] as const);

/** Protocols that point inside the repository: installed as a symlink, nothing to fetch. */
const LINK_PREFIXES = Object.freeze(['link:', 'workspace:', 'portal:'] as const);

/**
 * The version reported for a workspace or link whose lockfile records none: links are never
 * fetched, so the version only labels the change.
 */
export const UNVERSIONED_LINK = '0.0.0';

const TARBALL_SUFFIXES = Object.freeze(['.tgz', '.tar.gz', '.tar'] as const);

/**
 * Where the code of `name@version` comes from, judged from the URL or spec the lockfile resolved
 * it to. A missing `resolved` means the registry (npm omits it under some configs; pnpm and bun
 * omit it for registry packages). An http(s) URL is only `registry` when it has the registry's
 * tarball layout for this very name and version: a package manager installs from the URL, so a
 * `resolved` that names another package is a remote tarball, whatever its host.
 */
export function classifySource(resolved: string | null, name: string, version: string): DependencySource {
  if (resolved === null) return 'registry';
  const spec = resolved.trim();
  const lower = spec.toLowerCase();
  if (LINK_PREFIXES.some((prefix) => lower.startsWith(prefix))) return 'link';
  if (GIT_PREFIXES.some((prefix) => lower.startsWith(prefix))) return 'git';
  if (lower.startsWith('file:')) return classifyFileSpec(spec.slice('file:'.length));
  if (lower.startsWith('http://') || lower.startsWith('https://')) {
    if (isGitHttpUrl(spec)) return 'git';
    return isRegistryTarballUrl(spec, name, version) ? 'registry' : 'remote';
  }
  return 'remote';
}

/** True when the URL's path ends in `<name>/-/<basename>-<version>.tgz`, the npm registry layout. */
export function isRegistryTarballUrl(url: string, name: string, version: string): boolean {
  let pathname: string;
  try {
    pathname = decodeURIComponent(new URL(url).pathname);
  } catch {
    return false;
  }
  const basename = name.startsWith('@') ? name.slice(name.indexOf('/') + 1) : name;
  return pathname.endsWith(`/${name}/-/${basename}-${version}.tgz`);
}

function isGitHttpUrl(url: string): boolean {
  try {
    return new URL(url).pathname.endsWith('.git');
  } catch {
    return false;
  }
}

/**
 * `file:` is a tarball or a directory. A directory below the lockfile is part of the repository
 * (a symlink, like a workspace); one reached through `..` or an absolute path is outside it.
 */
function classifyFileSpec(path: string): DependencySource {
  const lower = path.toLowerCase();
  if (TARBALL_SUFFIXES.some((suffix) => lower.endsWith(suffix))) return 'file';
  const normalised = path.replace(/\\/g, '/');
  if (normalised.startsWith('/') || normalised.startsWith('../') || normalised === '..' || /^[a-z]:/i.test(normalised)) {
    return 'file';
  }
  return 'link';
}

/** A registry-shaped `resolved` URL on a host the registry settings do not name. */
export interface ForeignHost {
  name: string;
  version: string;
  host: string;
  resolved: string;
}

/**
 * Re-judges registry packages by the host of their `resolved` URL: the registry layout alone
 * says nothing about whose copy a package manager installs. A package whose URL names a host
 * `isAllowedHost` refuses becomes `remote` (never fetched, reported as an unverifiable source).
 * Packages without a `resolved` URL stay as they are: they install from the configured registry.
 */
export function confineRegistryHosts(
  packages: readonly LockedPackage[],
  isAllowedHost: (name: string, host: string) => boolean,
): { packages: LockedPackage[]; foreign: ForeignHost[] } {
  const foreign: ForeignHost[] = [];
  const confined = packages.map((pkg) => {
    if (pkg.source !== 'registry' || pkg.resolved === null) return pkg;
    const host = hostOf(pkg.resolved);
    // A registry-classified URL always parses; an unparsable one is no host to allow.
    if (host !== null && isAllowedHost(pkg.name, host)) return pkg;
    foreign.push({ name: pkg.name, version: pkg.version, host: host ?? pkg.resolved, resolved: pkg.resolved });
    return { ...pkg, source: 'remote' as const };
  });
  return { packages: confined, foreign };
}

function hostOf(url: string): string | null {
  try {
    return new URL(url.trim()).host.toLowerCase();
  } catch {
    return null;
  }
}

/**
 * yarn 2+ ("berry") `yarn.lock`: YAML-like, with `__metadata.version`. Each entry's `resolution`
 * is the locator actually installed (`name@npm:1.2.3`); keys list the ranges that led to it.
 * Dev and optional status are not recorded per package, so both are reported false.
 */
import { LockfileError } from '../errors.js';
import { classifySource } from './classify-source.js';
import { descriptor, isPackageName, type Descriptor } from './descriptor.js';
import { readSyml } from './read-syml.js';
import type { DependencySource, LockedPackage, LockfileParser } from './types.js';
import { isRecord, recordField, stringField, type UnknownRecord } from './unknown-record.js';

/** `__metadata.version` values written by yarn 2 (4) through yarn 4 (8, 10); the fields read here are stable across them. */
export const YARN_BERRY_LOCKFILE_VERSIONS = [4, 5, 6, 7, 8, 9, 10] as const;

/** Nested `patch:` protocols are legal; real lockfiles nest one level, a hostile one could nest without end. */
const MAX_PATCH_DEPTH = 8;

export const yarnBerry: LockfileParser = Object.freeze({ format: 'yarn-berry', parse: parseYarnBerryLockfile });

/** A resolution (`name@npm:1.2.3`) read as name and reference; the `range` is the reference. */
type Locator = Descriptor;

export function parseYarnBerryLockfile(text: string, file: string): LockedPackage[] {
  const root = readSyml(text, file);
  checkVersion(recordField(root, '__metadata'), file);
  const result: LockedPackage[] = [];
  for (const [key, entry] of Object.entries(root)) {
    if (key === '__metadata') continue;
    if (!isRecord(entry)) throw new LockfileError(`${file}: entry "${key}" is not a mapping`);
    const pkg = readEntry(key, entry, file);
    if (pkg !== null) result.push(pkg);
  }
  return result;
}

function checkVersion(metadata: UnknownRecord | null, file: string): void {
  const raw = metadata === null ? undefined : stringField(metadata, 'version');
  const version = raw === undefined || raw === null ? NaN : Number(raw);
  if (!(YARN_BERRY_LOCKFILE_VERSIONS as readonly number[]).includes(version)) {
    throw new LockfileError(
      `${file}: unsupported yarn lockfile __metadata.version ${raw ?? 'none'} (supported: ${YARN_BERRY_LOCKFILE_VERSIONS.join(', ')})`,
    );
  }
}

function readEntry(key: string, entry: UnknownRecord, file: string): LockedPackage | null {
  const first = key.split(',')[0]?.trim() ?? '';
  const requested = descriptor(first);
  const resolution = stringField(entry, 'resolution');
  const locator = resolution === null ? null : descriptor(resolution);
  if (requested === null || locator === null || !isPackageName(requested.name) || !isPackageName(locator.name)) {
    throw new LockfileError(`${file}: entry "${key}" has no readable name@range key and resolution`);
  }
  // The project itself (`name@workspace:.`) is not a dependency.
  if (locator.range === 'workspace:.') return null;
  const underlying = unpatch(locator, key, file);
  const version = stringField(entry, 'version') ?? versionOf(underlying.range);
  if (version === null) throw new LockfileError(`${file}: entry "${key}" has no version`);
  const { source, resolved } = sourceOf(underlying, version);
  // `x@npm:real@^1`: installed under the requested name, the code is the resolution's.
  const installedAs = requested.name;
  return {
    name: underlying.name,
    version,
    // `checksum` hashes yarn's zip of the package, not the registry tarball: it cannot be checked
    // against what the registry serves, so the integrity comes from the registry instead.
    integrity: null,
    resolved,
    source,
    dev: false,
    optional: false,
    path: first,
    ...(installedAs === underlying.name ? {} : { alias: installedAs }),
  };
}

/**
 * `patch:name@npm%3A1.2.3#./patches/x.patch::...`: the code fetched is the underlying locator,
 * URL-encoded before the `#`; the patch itself lives in the repository.
 */
function unpatch(locator: Locator, key: string, file: string): Locator {
  let current = locator;
  for (let depth = 0; current.range.startsWith('patch:'); depth += 1) {
    const inner = current.range.slice('patch:'.length).split('#')[0] ?? '';
    let decoded: string;
    try {
      decoded = decodeURIComponent(inner);
    } catch (error) {
      throw new LockfileError(`${file}: entry "${key}" has an unreadable patch locator`, { cause: error });
    }
    const next = descriptor(decoded);
    if (next === null || depth >= MAX_PATCH_DEPTH) {
      throw new LockfileError(`${file}: entry "${key}" has an unreadable patch locator`);
    }
    current = next;
  }
  return current;
}

function versionOf(reference: string): string | null {
  return reference.startsWith('npm:') ? (reference.slice('npm:'.length).split('::')[0] ?? null) : null;
}

function sourceOf(locator: Locator, version: string): { source: DependencySource; resolved: string | null } {
  const { name, range: reference } = locator;
  if (reference.startsWith('npm:')) {
    // A registry whose tarball URLs do not follow the npm layout is recorded as `::__archiveUrl=`.
    const archive = /::(?:.*&)?__archiveUrl=([^&]*)/.exec(reference)?.[1];
    if (archive === undefined) return { source: 'registry', resolved: null };
    let url: string;
    try {
      url = decodeURIComponent(archive);
    } catch {
      return { source: 'remote', resolved: archive };
    }
    return { source: classifySource(url, name, version), resolved: url };
  }
  // `exec:` builds the package by running a script from the repository: repository code.
  if (reference.startsWith('exec:')) return { source: 'link', resolved: reference };
  // Berry appends `::hash=...&locator=...` to local references and `#<path>` to `file:` ones; the
  // full reference stays as `resolved` (the hash moves when the content does).
  const resolved = reference;
  const bare = reference.split('::')[0] ?? '';
  const source = classifySource(bare.startsWith('file:') ? (bare.split('#')[0] ?? '') : bare, name, version);
  // Berry writes git dependencies as `https://host/o/r.git#commit=...` or `git@host:o/r.git#...`.
  if (source === 'remote' && /\.git(#|$)/.test(bare)) return { source: 'git', resolved };
  return { source, resolved };
}

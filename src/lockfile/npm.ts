/**
 * npm's `package-lock.json` and `npm-shrinkwrap.json` (same format), lockfileVersion 1, 2 and 3.
 * Version 1 records a nested `dependencies` tree; 2 and 3 a flat `packages` map keyed by install
 * path (version 2 also keeps the v1 tree for old npm; the `packages` map is the truth).
 */
import { LockfileError } from '../errors.js';
import { classifySource, UNVERSIONED_LINK } from './classify-source.js';
import { isPackageName } from './descriptor.js';
import { readJson } from './read-json.js';
import type { LockedPackage, LockfileParser } from './types.js';
import {
  isRecord,
  ownField,
  recordField,
  stringField,
  trueField,
  type UnknownRecord,
} from './unknown-record.js';

export const NPM_LOCKFILE_VERSIONS = [1, 2, 3] as const;
export type NpmLockfileVersion = (typeof NPM_LOCKFILE_VERSIONS)[number];

const NODE_MODULES = 'node_modules/';

/**
 * Real trees nest a few dozen levels at most. Each level's path repeats every level above it, so
 * a hostile lockfile nested a million levels deep would cost memory quadratic in its size.
 */
export const MAX_V1_NESTING_DEPTH = 256;

export const npm: LockfileParser = Object.freeze({ format: 'npm', parse: parseNpmLockfile });

export function parseNpmLockfile(text: string, file: string): LockedPackage[] {
  const root = readJson(text, file);
  if (!isRecord(root)) throw new LockfileError(`${file}: the top level is not a JSON object`);
  const version = lockfileVersionOf(root, file);
  const packages = recordField(root, 'packages');
  if (version !== 1 && packages !== null) return readPackagesMap(packages, file);
  if (version !== 1 && ownField(root, 'packages') !== undefined) {
    throw new LockfileError(`${file}: "packages" is not an object`);
  }
  return readDependencyTree(root, file);
}

function lockfileVersionOf(root: UnknownRecord, file: string): NpmLockfileVersion {
  const value = ownField(root, 'lockfileVersion');
  const known = NPM_LOCKFILE_VERSIONS.find((v) => v === value);
  if (known !== undefined) return known;
  const shown = value === undefined ? 'none' : JSON.stringify(value).slice(0, 40);
  throw new LockfileError(
    `${file}: unsupported npm lockfileVersion ${shown} (supported: ${NPM_LOCKFILE_VERSIONS.join(', ')})`,
  );
}

/** Versions 2 and 3: `packages` keyed by install path; `""` is the project itself. */
function readPackagesMap(packages: UnknownRecord, file: string): LockedPackage[] {
  const result: LockedPackage[] = [];
  for (const [key, raw] of Object.entries(packages)) {
    if (key === '') continue;
    if (!isRecord(raw)) throw new LockfileError(`${file}: packages["${key}"] is not an object`);
    result.push(readPackageEntry(key, raw, packages, file));
  }
  return result;
}

function readPackageEntry(
  key: string,
  entry: UnknownRecord,
  packages: UnknownRecord,
  file: string,
): LockedPackage {
  const flags = flagsOf(entry);
  const installedName = installedNameOf(key);
  if (installedName === null) {
    // A workspace folder (`packages/a`): code in the repository itself.
    const name = stringField(entry, 'name') ?? key.slice(key.lastIndexOf('/') + 1);
    return {
      name,
      version: stringField(entry, 'version') ?? UNVERSIONED_LINK,
      integrity: null,
      resolved: key,
      source: 'link',
      ...flags,
      path: key,
    };
  }
  if (!isPackageName(installedName)) {
    throw new LockfileError(`${file}: packages["${key}"] does not end in a package name`);
  }
  if (trueField(entry, 'link')) {
    const target = stringField(entry, 'resolved');
    const targetEntry = target === null ? null : recordField(packages, target);
    return {
      name: installedName,
      version: (targetEntry && stringField(targetEntry, 'version')) ?? UNVERSIONED_LINK,
      integrity: null,
      resolved: target,
      source: 'link',
      ...flags,
      path: key,
    };
  }
  const version = stringField(entry, 'version');
  if (version === null) throw new LockfileError(`${file}: packages["${key}"] has no version`);
  // An `npm:` alias is installed under the key's name but records the real name in `name`.
  const name = stringField(entry, 'name') ?? installedName;
  if (!isPackageName(name)) throw new LockfileError(`${file}: packages["${key}"] has an invalid name`);
  const resolved = stringField(entry, 'resolved');
  return {
    name,
    version,
    integrity: stringField(entry, 'integrity'),
    resolved,
    source: classifySource(resolved, name, version),
    ...flags,
    path: key,
    ...(name === installedName ? {} : { alias: installedName }),
  };
}

/** Version 1: a `dependencies` tree, nested where a copy could not be hoisted. */
function readDependencyTree(root: UnknownRecord, file: string): LockedPackage[] {
  const result: LockedPackage[] = [];
  // Breadth first with an explicit queue: a hostile lockfile can nest deeper than the JS stack,
  // and the shallowest (hoisted) copy of a package comes first.
  const queue: Array<{ dependencies: unknown; prefix: string; depth: number }> = [
    { dependencies: ownField(root, 'dependencies'), prefix: '', depth: 1 },
  ];
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    if (next.dependencies === undefined) continue;
    if (next.depth > MAX_V1_NESTING_DEPTH) {
      throw new LockfileError(`${file}: dependencies nest deeper than ${MAX_V1_NESTING_DEPTH} levels at "${next.prefix.slice(0, 200)}..."`);
    }
    if (!isRecord(next.dependencies)) {
      throw new LockfileError(`${file}: "dependencies" under "${next.prefix || '(root)'}" is not an object`);
    }
    for (const [key, raw] of Object.entries(next.dependencies)) {
      const path = `${next.prefix}${NODE_MODULES}${key}`;
      if (!isPackageName(key)) throw new LockfileError(`${file}: dependency "${path}" is not a package name`);
      if (!isRecord(raw)) throw new LockfileError(`${file}: dependency "${path}" is not an object`);
      result.push(readTreeEntry(key, path, raw, file));
      queue.push({ dependencies: ownField(raw, 'dependencies'), prefix: `${path}/`, depth: next.depth + 1 });
    }
  }
  return result;
}

function readTreeEntry(key: string, path: string, entry: UnknownRecord, file: string): LockedPackage {
  const recorded = stringField(entry, 'version');
  if (recorded === null) throw new LockfileError(`${file}: dependency "${path}" has no version`);
  const flags = flagsOf(entry);
  const integrity = stringField(entry, 'integrity');
  const resolved = stringField(entry, 'resolved');
  if (recorded.startsWith('npm:')) {
    const target = recorded.slice('npm:'.length);
    const at = target.lastIndexOf('@');
    const name = target.slice(0, at);
    const version = target.slice(at + 1);
    if (at <= 0 || version === '' || !isPackageName(name)) {
      throw new LockfileError(`${file}: dependency "${path}" has an unreadable alias "${recorded}"`);
    }
    return {
      name,
      version,
      integrity,
      resolved,
      source: classifySource(resolved, name, version),
      ...flags,
      path,
      ...(name === key ? {} : { alias: key }),
    };
  }
  if (isPlainVersion(recorded)) {
    return { name: key, version: recorded, integrity, resolved, source: classifySource(resolved, key, recorded), ...flags, path };
  }
  // Version 1 writes the spec itself (git URL, tarball URL, `file:`) as the version of a
  // dependency that does not come from the registry.
  return {
    name: key,
    version: recorded,
    integrity,
    resolved: resolved ?? recorded,
    source: classifySource(recorded, key, recorded),
    ...flags,
    path,
  };
}

/**
 * `devOptional` marks a package that production installs only as an optional dependency and
 * development installs always: it can reach production, so it is not reported as dev-only.
 */
function flagsOf(entry: UnknownRecord): { dev: boolean; optional: boolean } {
  return {
    dev: trueField(entry, 'dev'),
    optional: trueField(entry, 'optional') || trueField(entry, 'devOptional'),
  };
}

/** The name a `node_modules/...` key installs under, or null for a key outside node_modules. */
function installedNameOf(key: string): string | null {
  const at = key.lastIndexOf(NODE_MODULES);
  if (at === -1 || (at > 0 && key[at - 1] !== '/')) return null;
  return key.slice(at + NODE_MODULES.length);
}

function isPlainVersion(version: string): boolean {
  return !version.includes(':') && !version.includes('/');
}

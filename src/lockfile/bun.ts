/**
 * bun's text `bun.lock` (bun >= 1.2): JSONC with trailing commas. `packages` is keyed by install
 * path (`chalk`, `wrap-ansi/string-width`); each value is an array whose first element is the
 * resolution (`name@1.2.3`, `name@github:o/r#sha`, `name@workspace:packages/a`) and, for
 * registry packages, `[resolution, registry, info, integrity]`. Dev and optional status are not
 * recorded per package, so both are reported false.
 */
import { LockfileError } from '../errors.js';
import { classifySource, UNVERSIONED_LINK } from './classify-source.js';
import { descriptor, isPackageName } from './descriptor.js';
import { readJson } from './read-json.js';
import type { DependencySource, LockedPackage, LockfileParser } from './types.js';
import { isRecord, ownField, recordField, stringField, type UnknownRecord } from './unknown-record.js';

export const BUN_LOCKFILE_VERSIONS = [0, 1, 2] as const;

const SRI = /^sha(?:1|256|384|512)-/;

export const bun: LockfileParser = Object.freeze({ format: 'bun', parse: parseBunLockfile });

export function parseBunLockfile(text: string, file: string): LockedPackage[] {
  const root = readJson(text, file, { jsonc: true });
  if (!isRecord(root)) throw new LockfileError(`${file}: the top level is not a JSON object`);
  const version = ownField(root, 'lockfileVersion');
  if (!BUN_LOCKFILE_VERSIONS.some((v) => v === version)) {
    const shown = version === undefined ? 'none' : JSON.stringify(version).slice(0, 40);
    throw new LockfileError(
      `${file}: unsupported bun lockfileVersion ${shown} (supported: ${BUN_LOCKFILE_VERSIONS.join(', ')})`,
    );
  }
  const workspaces = recordField(root, 'workspaces') ?? {};
  const packages = recordField(root, 'packages') ?? {};
  const result: LockedPackage[] = [];
  for (const [key, entry] of Object.entries(packages)) {
    if (!Array.isArray(entry) || typeof entry[0] !== 'string') {
      throw new LockfileError(`${file}: packages["${key}"] is not an array starting with name@version`);
    }
    result.push(readEntry(key, entry as readonly unknown[], entry[0], workspaces, file));
  }
  return result;
}

function readEntry(
  key: string,
  entry: readonly unknown[],
  resolution: string,
  workspaces: UnknownRecord,
  file: string,
): LockedPackage {
  const parsed = descriptor(resolution);
  const installedAs = installedNameOf(key);
  if (parsed === null || !isPackageName(parsed.name) || installedAs === null) {
    throw new LockfileError(`${file}: packages["${key}"] has an unreadable resolution "${resolution.slice(0, 200)}"`);
  }
  const { name, range } = parsed;
  const alias = name === installedAs ? {} : { alias: installedAs };
  const flags = { dev: false, optional: false, path: key };
  if (range.startsWith('workspace:')) {
    const folder = range.slice('workspace:'.length);
    const workspace = recordField(workspaces, folder);
    const version = (workspace && stringField(workspace, 'version')) ?? UNVERSIONED_LINK;
    return { name, version, integrity: null, resolved: range, source: 'link', ...flags, ...alias };
  }
  if (!/^[a-z][a-z0-9+.-]*:/i.test(range) && !range.includes('/')) {
    // A registry package; an empty second element means the default registry. When it holds a
    // tarball URL, that URL must have the registry layout for this very package.
    const integrity = typeof entry[3] === 'string' && entry[3] !== '' ? entry[3] : null;
    const registry = typeof entry[1] === 'string' && entry[1] !== '' ? entry[1] : null;
    const source = registry !== null && /\.tgz(?:[?#]|$)/.test(registry) ? classifySource(registry, name, range) : 'registry';
    return { name, version: range, integrity, resolved: registry, source, ...flags, ...alias };
  }
  // git, tarball, file and link sources record the spec instead of a version; bun writes local
  // tarballs as bare paths (`./vendor/x.tgz`) and an integrity only for tarballs.
  const source: DependencySource = isGitHubShorthand(range)
    ? 'git'
    : classifySource(/^\.{0,2}\//.test(range) ? `file:${range}` : range, name, range);
  const integrity = entry.find((item): item is string => typeof item === 'string' && SRI.test(item)) ?? null;
  return { name, version: range, integrity, resolved: range, source, ...flags, ...alias };
}

/** The name a package is installed under: the last name in its `parent/child` key. */
function installedNameOf(key: string): string | null {
  const parts = key.split('/');
  const last = parts.at(-1);
  const beforeLast = parts.at(-2);
  if (last === undefined || last === '') return null;
  return beforeLast?.startsWith('@') ? `${beforeLast}/${last}` : last;
}

function isGitHubShorthand(range: string): boolean {
  return /^[^@\s/:][^\s/:]*\/[^\s/]+$/.test(range);
}

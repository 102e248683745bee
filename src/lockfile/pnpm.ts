/**
 * pnpm `pnpm-lock.yaml`, lockfileVersion 5.x (`/name/1.0.0_peer@2` keys), 6.x (`/name@1.0.0(peer@2)`)
 * and 9.0 (`name@1.0.0` in `packages`, peer variants in `snapshots`). Peer suffixes name the
 * same code installed against other peers, so they are stripped: one package per name@version.
 */
import { parseAllDocuments } from 'yaml';
import { LockfileError, errorMessage } from '../errors.js';
import { classifySource, UNVERSIONED_LINK } from './classify-source.js';
import { descriptor, isPackageName } from './descriptor.js';
import type { DependencySource, LockedPackage, LockfileParser } from './types.js';
import { isRecord, ownField, recordField, stringField, trueField, type UnknownRecord } from './unknown-record.js';

export const PNPM_LOCKFILE_MAJORS = [5, 6, 9] as const;
type PnpmMajor = (typeof PNPM_LOCKFILE_MAJORS)[number];

/** Hosts whose keys (`github.com/o/r/sha`) pnpm writes for git dependencies fetched as tarballs. */
const GIT_HOST_KEY = /^(?:github\.com|gitlab\.com|bitbucket\.org)\//;

export const pnpm: LockfileParser = Object.freeze({ format: 'pnpm', parse: parsePnpmLockfile });

export function parsePnpmLockfile(text: string, file: string): LockedPackage[] {
  const result: LockedPackage[] = [];
  const seen = new Set<string>();
  for (const root of lockfileDocuments(text, file)) {
    for (const pkg of readDocument(root, file)) {
      const identity = `${pkg.name}@${pkg.version}@${pkg.path}`;
      if (seen.has(identity)) continue;
      seen.add(identity);
      result.push(pkg);
    }
  }
  return result;
}

function readDocument(root: UnknownRecord, file: string): LockedPackage[] {
  const major = majorOf(root, file);
  const packages = recordField(root, 'packages') ?? {};
  const snapshots = recordField(root, 'snapshots') ?? {};
  const optionalKeys = new Set<string>();
  for (const [key, snapshot] of Object.entries(snapshots)) {
    if (isRecord(snapshot) && trueField(snapshot, 'optional')) optionalKeys.add(withoutPeers(key, major));
  }
  const aliases = aliasesOf(root, major);
  const devOnly = major === 9 ? devOnlyKeys(root, snapshots) : new Set<string>();
  const result: LockedPackage[] = [];
  for (const [key, entry] of Object.entries(packages)) {
    if (!isRecord(entry)) throw new LockfileError(`${file}: packages["${key}"] is not a mapping`);
    const pkg = readEntry(key, entry, major, file);
    if (optionalKeys.has(pkg.path)) pkg.optional = true;
    if (devOnly.has(pkg.path)) pkg.dev = true;
    const alias = aliases.get(`${pkg.name}@${pkg.version}`);
    if (alias !== undefined) pkg.alias = alias;
    result.push(pkg);
  }
  result.push(...workspaceLinksOf(root));
  return result;
}

/**
 * Workspace packages are importers, not `packages`: they appear as `link:` dependencies of other
 * importers. They are reported as links (never fetched) so every dependency is accounted for; the
 * lockfile records no version for them.
 */
function workspaceLinksOf(root: UnknownRecord): LockedPackage[] {
  const links = new Map<string, LockedPackage>();
  for (const [importer, holder] of Object.entries(recordField(root, 'importers') ?? { '.': root })) {
    if (!isRecord(holder)) continue;
    for (const field of ['dependencies', 'devDependencies', 'optionalDependencies']) {
      for (const [name, value] of Object.entries(recordField(holder, field) ?? {})) {
        const ref = isRecord(value) ? stringField(value, 'version') : typeof value === 'string' ? value : null;
        if (ref === null || !ref.startsWith('link:') || !isPackageName(name)) continue;
        const target = ref.slice('link:'.length);
        const path = importer === '.' ? target : `${importer}/${target}`;
        if (links.has(`${name}@${path}`)) continue;
        links.set(`${name}@${path}`, {
          name,
          version: UNVERSIONED_LINK,
          integrity: null,
          resolved: ref,
          source: 'link',
          dev: field === 'devDependencies',
          optional: field === 'optionalDependencies',
          path,
        });
      }
    }
  }
  return [...links.values()];
}

/**
 * 9.0 dropped the `dev` flag that 5.x and 6.x wrote; it is recomputed as "reachable from some
 * importer's devDependencies and from no production dependency". When a reference cannot be
 * followed, nothing is marked dev: calling production code dev-only would hide it.
 */
function devOnlyKeys(root: UnknownRecord, snapshots: UnknownRecord): Set<string> {
  let unresolved = false;
  const resolve = (name: string, value: unknown): string | null => {
    const ref = isRecord(value) ? stringField(value, 'version') : typeof value === 'string' ? value : null;
    if (ref === null || ref.startsWith('link:')) return null;
    for (const key of [`${name}@${ref}`, ref]) if (Object.hasOwn(snapshots, key)) return key;
    unresolved = true;
    return null;
  };
  const reach = (starts: string[]): Set<string> => {
    const seen = new Set<string>();
    for (let key = starts.pop(); key !== undefined; key = starts.pop()) {
      if (seen.has(key)) continue;
      seen.add(key);
      const snapshot = recordField(snapshots, key);
      if (snapshot === null) continue;
      for (const field of ['dependencies', 'optionalDependencies']) {
        for (const [name, value] of Object.entries(recordField(snapshot, field) ?? {})) {
          const next = resolve(name, value);
          if (next !== null) starts.push(next);
        }
      }
    }
    return new Set([...seen].map((key) => withoutPeers(key, 9)));
  };
  const roots = { prod: [] as string[], dev: [] as string[] };
  for (const importer of Object.values(recordField(root, 'importers') ?? {})) {
    if (!isRecord(importer)) continue;
    for (const [field, list] of [
      ['dependencies', roots.prod],
      ['optionalDependencies', roots.prod],
      ['devDependencies', roots.dev],
    ] as const) {
      for (const [name, value] of Object.entries(recordField(importer, field) ?? {})) {
        const key = resolve(name, value);
        if (key !== null) list.push(key);
      }
    }
  }
  const prod = reach(roots.prod);
  const dev = reach(roots.dev);
  if (unresolved) return new Set();
  return new Set([...dev].filter((key) => !prod.has(key)));
}

/**
 * pnpm 11+ can write two YAML documents: first an "env" document locking its own binaries
 * (`packageManagerDependencies`) and config dependencies (pnpm plugins), then the project's.
 * Both are code pnpm installs and runs, so every document with a `lockfileVersion` is read.
 * `toJS` keeps yaml's default alias limit, which stops an alias bomb.
 */
function lockfileDocuments(text: string, file: string): UnknownRecord[] {
  const documents = parseAllDocuments(text);
  const result: UnknownRecord[] = [];
  for (const document of Array.isArray(documents) ? documents : []) {
    const error = document.errors[0];
    if (error !== undefined) {
      const at = error.linePos?.[0];
      const where = at === undefined ? '' : ` at line ${at.line} column ${at.col}`;
      throw new LockfileError(`${file} is not valid YAML${where}: ${error.code}`, { cause: error });
    }
    let value: unknown;
    try {
      value = document.toJS() as unknown;
    } catch (cause) {
      throw new LockfileError(`${file} could not be read as YAML: ${errorMessage(cause)}`, { cause });
    }
    if (isRecord(value) && ownField(value, 'lockfileVersion') !== undefined) result.push(value);
  }
  if (result.length > 0) return result;
  // A file with no lockfileVersion anywhere is reported through the version check.
  return [{}];
}

function majorOf(root: UnknownRecord, file: string): PnpmMajor {
  const raw = ownField(root, 'lockfileVersion');
  const text = typeof raw === 'number' || typeof raw === 'string' ? String(raw) : null;
  const major = text === null || !/^\d+(\.\d+)?$/.test(text) ? NaN : Math.trunc(Number(text));
  const known = PNPM_LOCKFILE_MAJORS.find((m) => m === major);
  if (known !== undefined) return known;
  throw new LockfileError(
    `${file}: unsupported pnpm lockfileVersion ${text ?? 'none'} (supported: ${PNPM_LOCKFILE_MAJORS.map((m) => `${m}.x`).join(', ')})`,
  );
}

function withoutPeers(key: string, major: PnpmMajor): string {
  if (major === 5) {
    // 5.x: `/name/1.0.0_peer@2.0.0`; a version never holds `_`, a name may.
    const slash = key.lastIndexOf('/');
    const underscore = key.indexOf('_', slash);
    return underscore === -1 ? key : key.slice(0, underscore);
  }
  const paren = key.indexOf('(');
  return paren === -1 ? key : key.slice(0, paren);
}

function readEntry(key: string, entry: UnknownRecord, major: PnpmMajor, file: string): LockedPackage {
  const path = withoutPeers(key, major);
  const fromKey = nameAndVersionOfKey(path, major);
  const name = stringField(entry, 'name') ?? fromKey?.name ?? null;
  // A directory dependency records no version (6.x: key `file:dir`, 9.0: `name@file:dir`): its
  // spec stands in, as npm's lockfile version 1 does.
  const version = stringField(entry, 'version') ?? fromKey?.version ?? (path.startsWith('/') ? null : path);
  if (name === null || version === null || !isPackageName(name)) {
    throw new LockfileError(`${file}: packages["${key}"] has no readable name and version`);
  }
  const resolution = recordField(entry, 'resolution') ?? {};
  const { source, resolved } = sourceOf(path, resolution, name, version);
  return {
    name,
    version,
    integrity: stringField(resolution, 'integrity'),
    resolved,
    source,
    dev: trueField(entry, 'dev'),
    optional: trueField(entry, 'optional'),
    path,
  };
}

/** Registry keys: `/name/1.0.0` (5.x), `/name@1.0.0` (6.x), `name@1.0.0` (9.0). */
function nameAndVersionOfKey(key: string, major: PnpmMajor): { name: string; version: string } | null {
  if (major === 5) {
    if (!key.startsWith('/')) return null;
    const parts = key.slice(1).split('/');
    const nameParts = parts[0]?.startsWith('@') ? 2 : 1;
    if (parts.length !== nameParts + 1) return null;
    return { name: parts.slice(0, nameParts).join('/'), version: parts[nameParts] ?? '' };
  }
  const parsed = descriptor(major === 6 && key.startsWith('/') ? key.slice(1) : key);
  return parsed === null ? null : { name: parsed.name, version: parsed.range };
}

function sourceOf(
  key: string,
  resolution: UnknownRecord,
  name: string,
  version: string,
): { source: DependencySource; resolved: string | null } {
  const type = stringField(resolution, 'type');
  if (type === 'git') {
    const repo = stringField(resolution, 'repo') ?? '';
    const commit = stringField(resolution, 'commit');
    return { source: 'git', resolved: commit === null ? repo : `${repo}#${commit}` };
  }
  if (type === 'directory') {
    const directory = stringField(resolution, 'directory');
    return { source: classifySource(`file:${directory ?? ''}`, name, version), resolved: directory };
  }
  const tarball = stringField(resolution, 'tarball');
  if (tarball === null) return { source: 'registry', resolved: null };
  const keySpec = key.startsWith('/') ? key.slice(1) : key;
  if (GIT_HOST_KEY.test(keySpec) || /@(?:github|gitlab|bitbucket):/.test(keySpec)) return { source: 'git', resolved: tarball };
  if (/^https:\/\/codeload\.github\.com\//.test(tarball)) return { source: 'git', resolved: tarball };
  return { source: classifySource(tarball, name, version), resolved: tarball };
}

/**
 * Aliased dependencies (`x: npm:real@^1`) are installed under the alias, but `packages` only
 * knows the real name: the importers and the dependency maps tell which real package an alias
 * points at (`x: real@1.0.0` in 9.0, `/real@1.0.0` in 6.x, `/real/1.0.0` in 5.x).
 */
function aliasesOf(root: UnknownRecord, major: PnpmMajor): Map<string, string> {
  const aliases = new Map<string, string>();
  const maps: UnknownRecord[] = [];
  const collect = (holder: UnknownRecord): void => {
    for (const field of ['dependencies', 'devDependencies', 'optionalDependencies']) {
      const map = recordField(holder, field);
      if (map !== null) maps.push(map);
    }
  };
  collect(root);
  for (const section of ['importers', 'packages', 'snapshots']) {
    for (const holder of Object.values(recordField(root, section) ?? {})) if (isRecord(holder)) collect(holder);
  }
  for (const map of maps) {
    for (const [installedAs, value] of Object.entries(map)) {
      const ref = isRecord(value) ? stringField(value, 'version') : typeof value === 'string' ? value : null;
      if (ref === null || !(ref.startsWith('/') || (major === 9 && /^@?[^@/]/.test(ref)))) continue;
      const target = nameAndVersionOfKey(withoutPeers(ref, major), major);
      if (target !== null && target.name !== installedAs && isPackageName(target.name)) {
        aliases.set(`${target.name}@${target.version}`, installedAs);
      }
    }
  }
  return aliases;
}

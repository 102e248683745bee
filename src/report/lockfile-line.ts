/**
 * Where in a lockfile a package version is locked: the line SARIF results and annotations point
 * at, since the package's own files are not in the repository and code scanning can only show a
 * line of a file that is. A search in the text rather than positions from the parsers: each format
 * names an entry its own way, and a line is a pointer for people, so a miss leaves the line out
 * rather than failing anything.
 */
import type { PackageReport } from './report.js';

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** One way a format names an entry; `checkVersion` when the key line does not carry the version. */
interface EntryPattern {
  pattern: RegExp;
  checkVersion: boolean;
}

/**
 * The 1-based line of the entry that locks `name@version`, or null. npm: a `"node_modules/…/name"`
 * key (v2, v3) or a `"name": {` entry of the v1 tree, with its version on a following line; yarn: a
 * key line starting with `name@`, its `version` following; pnpm: `name@version:` or `/name@version:`
 * (`/name/version:` before pnpm 6); bun: `"name": ["name@version"`.
 */
export function findLockfileLine(text: string, pkg: { name: string; version: string }): number | null {
  const name = escapeRegExp(pkg.name);
  const version = escapeRegExp(pkg.version);
  const patterns: EntryPattern[] = [
    { pattern: new RegExp(`^\\s*['"]?/?${name}@${version}(?:\\(.*\\))?['"]?:`), checkVersion: false },
    { pattern: new RegExp(`^\\s*['"]?/${name}/${version}(?:_.*)?['"]?:`), checkVersion: false },
    { pattern: new RegExp(`^\\s*"${name}": \\["${name}@${version}"`), checkVersion: false },
    { pattern: new RegExp(`^\\s*"(?:[^"]*/)?node_modules/${name}": \\{`), checkVersion: true },
    { pattern: new RegExp(`^"?${name}@[^\\n]*:\\s*$`), checkVersion: true },
    { pattern: new RegExp(`^\\s*"${name}": \\{\\s*$`), checkVersion: true },
  ];
  const lines = text.split('\n');
  for (const { pattern, checkVersion } of patterns) {
    for (let index = 0; index < lines.length; index += 1) {
      if (!pattern.test(lines[index] ?? '')) continue;
      if (checkVersion && !versionFollows(lines, index, pkg.version)) continue;
      return index + 1;
    }
  }
  return null;
}

/** Entries put `version` first or close to it (npm sorts `version` first; yarn writes it next). */
const VERSION_LOOKAHEAD = 4;

function versionFollows(lines: readonly string[], keyIndex: number, version: string): boolean {
  for (let index = keyIndex + 1; index < Math.min(lines.length, keyIndex + 1 + VERSION_LOOKAHEAD); index += 1) {
    const match = /^\s+"?version"?:?\s+"?([^",\s]+)"?/.exec(lines[index] ?? '');
    if (match) return match[1] === version;
  }
  return false;
}

/** The packages with `lockfileLine` set where their lockfile's head text is known and names them. */
export function withLockfileLines(packages: readonly PackageReport[], texts: ReadonlyMap<string, string>): PackageReport[] {
  return packages.map((pkg) => {
    const text = pkg.lockfile === undefined ? undefined : texts.get(pkg.lockfile);
    if (text === undefined || pkg.change === 'removed') return pkg;
    const line = findLockfileLine(text, pkg);
    return line === null ? pkg : { ...pkg, lockfileLine: line };
  });
}

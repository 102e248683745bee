/**
 * yarn 1 `yarn.lock` ("yarn lockfile v1"). One entry per resolution; its key lists every range
 * that resolved to it (`"a@^1, a@^1.1"`). Dev and optional status are not recorded.
 */
import { LockfileError } from '../errors.js';
import { classifySource } from './classify-source.js';
import { descriptor, isPackageName } from './descriptor.js';
import { readSyml } from './read-syml.js';
import type { DependencySource, LockedPackage, LockfileParser } from './types.js';
import { isRecord, stringField } from './unknown-record.js';

export const YARN_CLASSIC_LOCKFILE_VERSIONS = ['1'] as const;

export const yarnClassic: LockfileParser = Object.freeze({ format: 'yarn-classic', parse: parseYarnClassicLockfile });

export function parseYarnClassicLockfile(text: string, file: string): LockedPackage[] {
  const header = /^#\s*yarn lockfile v(\S+)/im.exec(text);
  if (header !== null && !(YARN_CLASSIC_LOCKFILE_VERSIONS as readonly string[]).includes(header[1] ?? '')) {
    throw new LockfileError(`${file}: unsupported yarn lockfile version v${header[1] ?? ''} (supported: v1)`);
  }
  const root = readSyml(text, file);
  const result: LockedPackage[] = [];
  for (const [key, entry] of Object.entries(root)) {
    if (!isRecord(entry)) throw new LockfileError(`${file}: entry "${key}" is not a mapping`);
    const first = key.split(',')[0]?.trim() ?? '';
    const spec = descriptor(first);
    if (spec === null || !isPackageName(spec.name)) {
      throw new LockfileError(`${file}: entry "${key}" does not start with name@range`);
    }
    const version = stringField(entry, 'version');
    if (version === null) throw new LockfileError(`${file}: entry "${key}" has no version`);
    let name = spec.name;
    let range = spec.range;
    if (range.startsWith('npm:')) {
      // `x@npm:real@^1`: installed as x, the code is real's; a bare `npm:^1` is no alias.
      const target = descriptor(range.slice('npm:'.length));
      if (target !== null && isPackageName(target.name)) {
        name = target.name;
        range = target.range;
      } else {
        range = range.slice('npm:'.length);
      }
    }
    const resolved = stringField(entry, 'resolved');
    result.push({
      name,
      version,
      integrity: stringField(entry, 'integrity'),
      resolved,
      source: sourceOfRange(range) ?? classifySource(resolved, name, version),
      dev: false,
      optional: false,
      path: first,
      ...(name === spec.name ? {} : { alias: spec.name }),
    });
  }
  return result;
}

/**
 * What the requested range says about the source. Yarn resolves `github:` ranges to codeload
 * tarballs, so the range, not the `resolved` URL, tells a git dependency from a remote tarball.
 */
function sourceOfRange(range: string): DependencySource | null {
  if (/^[a-z][a-z0-9+.-]*:/i.test(range)) {
    const source = classifySource(range, '', '');
    return source === 'remote' && !/^https?:/i.test(range) ? null : source;
  }
  // `owner/repo` or `owner/repo#ref`: GitHub shorthand.
  if (/^[^@\s/][^\s/]*\/[^\s/]+$/.test(range)) return 'git';
  return null;
}

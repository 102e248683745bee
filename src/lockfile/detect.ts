import { LockfileError } from '../errors.js';
import type { LockfileFormat } from './types.js';

/** Lockfile base names and the format each is written in; `bun.lockb` is known but unreadable. */
export const LOCKFILE_BASENAMES = Object.freeze({
  'package-lock.json': 'npm',
  'npm-shrinkwrap.json': 'npm',
  'yarn.lock': 'yarn',
  'pnpm-lock.yaml': 'pnpm',
  'bun.lock': 'bun',
  'bun.lockb': 'bun-binary',
} as const);
type LockfileBasename = keyof typeof LOCKFILE_BASENAMES;

export const BUN_BINARY_MESSAGE =
  'binary bun.lockb is not supported; commit the text bun.lock (bun >= 1.2, `saveTextLockfile`)';

/** True for a lockfile at any depth (`packages/a/yarn.lock`), with `/` or `\` separators. */
export function isLockfilePath(path: string): boolean {
  return basenameOf(path) !== null;
}

/**
 * The format of a lockfile, from its name, confirmed from its content: a file whose content
 * does not match its name is an error rather than a guess, so a renamed or corrupt lockfile is
 * reported instead of parsed as something else.
 */
export function detectLockfileFormat(path: string, text: string): LockfileFormat {
  const basename = basenameOf(path);
  if (basename === null) throw new LockfileError(`${path} is not a lockfile this tool reads`);
  const kind = LOCKFILE_BASENAMES[basename];
  const body = stripBom(text);
  const head = body.trimStart();
  switch (kind) {
    case 'npm':
      if (head.startsWith('{') && /"lockfileVersion"\s*:/.test(body)) return 'npm';
      throw mismatch(path, 'a JSON object with "lockfileVersion"');
    case 'bun':
      if (head.startsWith('{') && /"lockfileVersion"\s*:/.test(body)) return 'bun';
      throw mismatch(path, 'a JSONC object with "lockfileVersion"');
    case 'bun-binary':
      throw new LockfileError(`${path}: ${BUN_BINARY_MESSAGE}`);
    case 'pnpm':
      if (/^lockfileVersion\s*:/m.test(body)) return 'pnpm';
      throw mismatch(path, 'YAML with a top-level lockfileVersion');
    case 'yarn':
      // Berry always writes `__metadata` first; classic never does.
      if (/^["']?__metadata["']?\s*:/m.test(body)) return 'yarn-berry';
      if (head.startsWith('{') || head.startsWith('[') || /^lockfileVersion\s*:/m.test(body)) {
        throw mismatch(path, 'a yarn lockfile');
      }
      if (head === '' || /^# yarn lockfile v1\s*$/m.test(body) || /^\S[^\n]*:\s*$/m.test(body)) return 'yarn-classic';
      throw mismatch(path, 'a yarn lockfile');
  }
}

function mismatch(path: string, expected: string): LockfileError {
  return new LockfileError(`${path}: content does not match its name (expected ${expected})`);
}

function basenameOf(path: string): LockfileBasename | null {
  const name = path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1);
  return Object.hasOwn(LOCKFILE_BASENAMES, name) ? (name as LockfileBasename) : null;
}

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

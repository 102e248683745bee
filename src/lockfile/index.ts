import { LockfileError } from '../errors.js';
import { bun } from './bun.js';
import { detectLockfileFormat } from './detect.js';
import { npm } from './npm.js';
import { pnpm } from './pnpm.js';
import type { LockedPackage, LockfileFormat, LockfileParser } from './types.js';
import { yarnBerry } from './yarn-berry.js';
import { yarnClassic } from './yarn-classic.js';

/**
 * Lockfiles larger than this are refused rather than parsed: the largest real monorepo lockfiles
 * are tens of megabytes, and the text arrives from a pull request anyone can open.
 */
export const MAX_LOCKFILE_LENGTH = 64 * 1024 * 1024;

export const PARSERS = Object.freeze({
  npm,
  'yarn-classic': yarnClassic,
  'yarn-berry': yarnBerry,
  pnpm,
  bun,
} satisfies Record<LockfileFormat, LockfileParser>);

/**
 * Detects the format from `path` (its base name, confirmed from the text) and parses. `label`
 * names the file in parse errors when the caller wants more than the path (`x/yarn.lock (base
 * 1a2b3c4)`); the format always comes from the real path. Throws LockfileError.
 */
export function parseLockfile(path: string, text: string, label: string = path): LockedPackage[] {
  if (text.length > MAX_LOCKFILE_LENGTH) {
    throw new LockfileError(
      `${label} is ${text.length} characters long, over the ${MAX_LOCKFILE_LENGTH} this tool reads`,
    );
  }
  return PARSERS[detectLockfileFormat(path, text)].parse(text, label);
}

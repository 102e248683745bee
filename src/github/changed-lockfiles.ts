/**
 * Which lockfiles a pull request touches, from GitHub's list of changed files.
 */
import { isLockfilePath } from '../lockfile/detect.js';
import type { PullFile } from './client.js';

export const CHANGED_LOCKFILE_STATUSES = ['added', 'modified', 'removed', 'renamed'] as const;
export type ChangedLockfileStatus = (typeof CHANGED_LOCKFILE_STATUSES)[number];

export interface ChangedLockfile {
  /** Repository-relative path at the head; for a removed lockfile, where it was. */
  path: string;
  status: ChangedLockfileStatus;
  /** Where a renamed lockfile was at the base. */
  previousPath?: string;
}

/**
 * Keeps the changed files that are lockfiles, in the order GitHub lists them. A rename counts
 * when either end is a lockfile: renaming one away is its removal, renaming a file into one is
 * an addition. `copied` is read as `added` so every package in the copy is scanned; `changed`
 * (mode only) as `modified`; an unknown status too, since scanning more is the safe side.
 */
export function findChangedLockfiles(files: readonly PullFile[]): ChangedLockfile[] {
  const found: ChangedLockfile[] = [];
  for (const file of files) {
    const changed = toChangedLockfile(file);
    if (changed !== null) found.push(changed);
  }
  return found;
}

function toChangedLockfile(file: PullFile): ChangedLockfile | null {
  const isLockfile = isLockfilePath(file.filename);
  switch (file.status) {
    case 'unchanged':
      return null;
    case 'added':
    case 'copied':
      return isLockfile ? { path: file.filename, status: 'added' } : null;
    case 'removed':
      return isLockfile ? { path: file.filename, status: 'removed' } : null;
    case 'renamed': {
      const previous = file.previousFilename;
      const wasLockfile = previous !== undefined && isLockfilePath(previous);
      if (isLockfile && wasLockfile) return { path: file.filename, status: 'renamed', previousPath: previous };
      if (isLockfile) return { path: file.filename, status: 'added' };
      if (wasLockfile) return { path: previous, status: 'removed' };
      return null;
    }
    default:
      return isLockfile ? { path: file.filename, status: 'modified' } : null;
  }
}

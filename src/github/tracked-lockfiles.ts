/**
 * The lockfiles a whole-tree audit reads (the action with `audit: true`): every lockfile tracked
 * at the audited commit, at any depth (monorepos). Lockfiles inside a committed node_modules/
 * belong to vendored packages, not to anything this repository installs from, and are left out.
 */
import { isLockfilePath } from '../lockfile/detect.js';
import type { LocalGit } from './lockfile-contents.js';

export async function listTrackedLockfiles(git: LocalGit, sha: string): Promise<string[]> {
  const files = await git.listFiles(sha);
  return files.filter((path) => isLockfilePath(path) && !path.split('/').includes('node_modules')).sort();
}

/**
 * Both sides of a changed lockfile: from the checked-out repository when it holds the commit
 * (no API quota, no size limit), otherwise from the contents API.
 */
import { execFile } from 'node:child_process';
import { GitHubError, errorMessage } from '../errors.js';
import { SILENT_LOGGER, type Logger } from '../logger.js';
import type { ChangedLockfile } from './changed-lockfiles.js';
import type { GitHubClient } from './client.js';
import type { PrRef } from './event.js';

/** Large monorepo lockfiles run to tens of MB; node's 1 MB default would cut them off. */
export const MAX_GIT_OUTPUT_BYTES = 256 * 1024 * 1024;

export interface LocalGit {
  /** Whether the repository holds this commit (a shallow checkout usually holds neither side). */
  hasCommit(sha: string): Promise<boolean>;
  /** The file's text at the commit; null when the path is not a file there. */
  show(sha: string, path: string): Promise<string | null>;
  /** Every file path tracked at the commit (`ls-tree -r`). */
  listFiles(sha: string): Promise<string[]>;
}

export interface LockfilePair {
  path: string;
  base: string | null;
  head: string | null;
}

export interface LockfileSources {
  git?: LocalGit;
  client: GitHubClient;
  logger?: Logger;
}

/**
 * Reads the base and head text of one changed lockfile. Each side comes from git when the
 * workspace holds that commit, else from the API: a checkout often has the head but not the base.
 * An added lockfile has no base, a removed one no head.
 */
export async function readLockfilePair(
  changed: ChangedLockfile,
  pr: PrRef,
  sources: LockfileSources,
): Promise<LockfilePair> {
  const basePath = changed.status === 'renamed' ? (changed.previousPath ?? changed.path) : changed.path;
  const [base, head] = await Promise.all([
    changed.status === 'added' ? null : readSide(pr, pr.baseSha, basePath, sources),
    changed.status === 'removed' ? null : readSide(pr, pr.headSha, changed.path, sources),
  ]);
  return { path: changed.path, base, head };
}

async function readSide(pr: PrRef, sha: string, path: string, sources: LockfileSources): Promise<string | null> {
  if (sources.git !== undefined && (await sources.git.hasCommit(sha))) {
    return sources.git.show(sha, path);
  }
  (sources.logger ?? SILENT_LOGGER).debug(`Reading ${path} at ${sha} through the GitHub API (commit not in the workspace)`);
  // Fork heads are readable through the base repository: a pull request's commits live in its network.
  return sources.client.getFileRaw(pr, path, sha);
}

/**
 * Git in the workspace. Arguments go as an array (no shell) and object ids are hex-checked by
 * the event reader; the path follows `<sha>:` so it can never be read as an option. `cat-file`
 * is plumbing: no pager, no textconv filter from the repository's attributes.
 */
export function createLocalGit(workspace: string, logger: Logger = SILENT_LOGGER): LocalGit {
  const known = new Map<string, Promise<boolean>>();

  const git = (args: readonly string[]): Promise<string> =>
    new Promise((resolve, reject) => {
      execFile(
        'git',
        args,
        { cwd: workspace, maxBuffer: MAX_GIT_OUTPUT_BYTES, encoding: 'utf8', windowsHide: true },
        (error, stdout, stderr) => {
          if (error) reject(Object.assign(error, { stderr }));
          else resolve(stdout);
        },
      );
    });

  return {
    hasCommit(sha) {
      let answer = known.get(sha);
      if (answer === undefined) {
        answer = git(['cat-file', '-e', `${sha}^{commit}`]).then(
          () => true,
          (error: unknown) => {
            // Not a repository, git missing, "dubious ownership" in a container: all mean "use the API".
            logger.debug(`Commit ${sha} is not readable in ${workspace}: ${firstLine(error)}`);
            return false;
          },
        );
        known.set(sha, answer);
      }
      return answer;
    },

    async show(sha, path) {
      const object = `${sha}:${path}`;
      let type: string;
      try {
        type = (await git(['cat-file', '-t', object])).trim();
      } catch {
        return null;
      }
      if (type !== 'blob') return null;
      try {
        return await git(['cat-file', 'blob', object]);
      } catch (error) {
        throw new GitHubError(`Cannot read ${path} at ${sha} from git in ${workspace}: ${firstLine(error)}`, {
          cause: error,
        });
      }
    },

    async listFiles(sha) {
      let output: string;
      try {
        // -z: names as stored, NUL-separated (no quoting of unusual characters to undo).
        output = await git(['ls-tree', '-r', '-z', '--name-only', `${sha}^{tree}`]);
      } catch (error) {
        throw new GitHubError(`Cannot list the files at ${sha} from git in ${workspace}: ${firstLine(error)}`, { cause: error });
      }
      return output.split('\0').filter((path) => path !== '');
    },
  };
}

function firstLine(error: unknown): string {
  const stderr =
    typeof error === 'object' && error !== null && 'stderr' in error && typeof error.stderr === 'string'
      ? error.stderr
      : '';
  const text = stderr.trim() === '' ? errorMessage(error) : stderr;
  return text.trim().split('\n')[0] ?? '';
}

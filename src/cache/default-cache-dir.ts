/**
 * Where results are cached when nobody says: under RUNNER_TEMP on GitHub Actions (emptied after
 * the job, so the README's actions/cache step is what keeps it between runs), the user's cache
 * directory elsewhere. Read from the environment the entry hands in, never from process.env.
 */
import { join } from 'node:path';

export const CACHE_DIR_NAME = 'fingerprint-gate';

/**
 * Null when the environment names no place of the user's (no HOME, XDG_CACHE_HOME or
 * LOCALAPPDATA): then there is no cache rather than one in a guessed directory.
 */
export function defaultCacheDir(env: Readonly<Record<string, string | undefined>>): string | null {
  const nonEmpty = (name: string): string | undefined => {
    const value = env[name];
    return value !== undefined && value !== '' ? value : undefined;
  };
  const runnerTemp = nonEmpty('RUNNER_TEMP');
  if (env.GITHUB_ACTIONS === 'true' && runnerTemp !== undefined) return join(runnerTemp, `${CACHE_DIR_NAME}-results`);
  const xdg = nonEmpty('XDG_CACHE_HOME');
  if (xdg !== undefined) return join(xdg, CACHE_DIR_NAME);
  const localAppData = nonEmpty('LOCALAPPDATA');
  if (localAppData !== undefined) return join(localAppData, CACHE_DIR_NAME, 'Cache');
  const home = nonEmpty('HOME');
  if (home !== undefined) return join(home, '.cache', CACHE_DIR_NAME);
  return null;
}

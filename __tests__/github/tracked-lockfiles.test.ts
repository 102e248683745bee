import { describe, expect, it } from 'vitest';
import { GitHubError } from '../../src/errors.js';
import { createLocalGit } from '../../src/github/lockfile-contents.js';
import { listTrackedLockfiles } from '../../src/github/tracked-lockfiles.js';
import { commit, initRepo } from '../e2e/workspace.js';

describe('listTrackedLockfiles', () => {
  it('lists every lockfile tracked at the commit, at any depth, outside node_modules, in one order', async () => {
    const repo = initRepo();
    const first = commit(repo, { 'package-lock.json': '{}', 'src/index.js': '1' }, 'first');
    const second = commit(
      repo,
      {
        'apps/web/yarn.lock': '',
        'packages/api/pnpm-lock.yaml': '',
        'tools/bun.lockb': '\u0000',
        'tools/bun.lock': '{}',
        'node_modules/vendored/package-lock.json': '{}',
        'docs/package-lock.json.md': 'not a lockfile',
        'weird name/npm-shrinkwrap.json': '{}',
      },
      'second',
    );
    const git = createLocalGit(repo);
    expect(await listTrackedLockfiles(git, first)).toEqual(['package-lock.json']);
    expect(await listTrackedLockfiles(git, second)).toEqual([
      'apps/web/yarn.lock',
      'package-lock.json',
      'packages/api/pnpm-lock.yaml',
      'tools/bun.lock',
      'tools/bun.lockb',
      'weird name/npm-shrinkwrap.json',
    ]);
  });

  it('fails naming the commit when the workspace does not hold it', async () => {
    const git = createLocalGit(initRepo());
    await expect(listTrackedLockfiles(git, 'a'.repeat(40))).rejects.toThrow(GitHubError);
    await expect(listTrackedLockfiles(git, 'a'.repeat(40))).rejects.toThrow(/Cannot list the files at a{40}/);
  });
});

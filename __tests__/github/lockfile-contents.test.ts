import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChangedLockfile } from '../../src/github/changed-lockfiles.js';
import { createGitHubClient, type GitHubClient, type RepoRef } from '../../src/github/client.js';
import type { PrRef } from '../../src/github/event.js';
import { createLocalGit, readLockfilePair } from '../../src/github/lockfile-contents.js';
import { startFakeGitHub } from '../support/fake-github.js';

const BASE_LOCK = '{"lockfileVersion":3,"packages":{"node_modules/a":{"version":"1.0.0"}}}\n';
const HEAD_LOCK = '{"lockfileVersion":3,"packages":{"node_modules/a":{"version":"2.0.0"}}}\n';
const BIG_LOCK = `# yarn lockfile v1\n${'# padding line to pass node default maxBuffer\n'.repeat(50_000)}`;
const ABSENT_SHA = 'f'.repeat(40);

let root: string;
let repo: string;
let baseSha: string;
let headSha: string;

function git(args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.invalid', '-c', 'commit.gpgsign=false', ...args], {
    cwd: repo,
    encoding: 'utf8',
  }).trim();
}

function write(path: string, text: string): void {
  const full = join(repo, path);
  mkdirSync(dirname(full), { recursive: true });
  writeFileSync(full, text);
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'fg-git-'));
  repo = join(root, 'repo');
  mkdirSync(repo);
  git(['init', '-q']);
  write('package-lock.json', BASE_LOCK);
  write('old/yarn.lock', BASE_LOCK);
  write('gone/pnpm-lock.yaml', 'lockfileVersion: 9.0\n');
  git(['add', '-A']);
  git(['commit', '-q', '-m', 'base']);
  baseSha = git(['rev-parse', 'HEAD']);
  write('package-lock.json', HEAD_LOCK);
  mkdirSync(join(repo, 'new'));
  git(['mv', 'old/yarn.lock', 'new/yarn.lock']);
  git(['rm', '-q', 'gone/pnpm-lock.yaml']);
  write('apps/web/package-lock.json', HEAD_LOCK);
  write('big/yarn.lock', BIG_LOCK);
  git(['add', '-A']);
  git(['commit', '-q', '-m', 'head']);
  headSha = git(['rev-parse', 'HEAD']);
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

function prRef(overrides: Partial<PrRef> = {}): PrRef {
  return {
    owner: 'acme',
    repo: 'app',
    number: 3,
    baseSha,
    headSha,
    baseRef: 'main',
    headRef: 'topic',
    headRepoFullName: 'acme/app',
    isFork: false,
    ...overrides,
  };
}

/** Serves files by `ref` and records every read, so a test can tell git reads from API reads. */
function apiClient(files: Record<string, Record<string, string>> = {}): GitHubClient & { reads: string[] } {
  const reads: string[] = [];
  const unused = (): never => {
    throw new Error('not used by these tests');
  };
  return {
    reads,
    async getFileRaw(repoRef: RepoRef, path: string, ref: string) {
      reads.push(`${repoRef.owner}/${repoRef.repo}:${ref}:${path}`);
      return files[ref]?.[path] ?? null;
    },
    listPullFiles: unused,
    listIssueComments: unused,
    createComment: unused,
    updateComment: unused,
  };
}

describe('readLockfilePair from local git', () => {
  const cases: Array<[string, ChangedLockfile, () => { base: string | null; head: string | null }]> = [
    ['a modified lockfile', { path: 'package-lock.json', status: 'modified' }, () => ({ base: BASE_LOCK, head: HEAD_LOCK })],
    ['an added monorepo lockfile', { path: 'apps/web/package-lock.json', status: 'added' }, () => ({ base: null, head: HEAD_LOCK })],
    ['a removed lockfile', { path: 'gone/pnpm-lock.yaml', status: 'removed' }, () => ({ base: 'lockfileVersion: 9.0\n', head: null })],
    [
      'a renamed lockfile, read at its old path on the base',
      { path: 'new/yarn.lock', status: 'renamed', previousPath: 'old/yarn.lock' },
      () => ({ base: BASE_LOCK, head: BASE_LOCK }),
    ],
    [
      'a "modified" path missing at the base',
      { path: 'apps/web/package-lock.json', status: 'modified' },
      () => ({ base: null, head: HEAD_LOCK }),
    ],
    ['a lockfile larger than node’s default maxBuffer', { path: 'big/yarn.lock', status: 'added' }, () => ({ base: null, head: BIG_LOCK })],
  ];

  it.each(cases)('%s', async (_name, changed, expected) => {
    const client = apiClient();
    const pair = await readLockfilePair(changed, prRef(), { git: createLocalGit(repo), client });
    expect(pair).toEqual({ path: changed.path, ...expected() });
    expect(client.reads).toEqual([]);
  });
});

describe('readLockfilePair through the API', () => {
  it('falls back to the API for a commit the workspace lacks, per side', async () => {
    const client = apiClient({ [ABSENT_SHA]: { 'package-lock.json': 'from the api' } });
    const pair = await readLockfilePair({ path: 'package-lock.json', status: 'modified' }, prRef({ baseSha: ABSENT_SHA }), {
      git: createLocalGit(repo),
      client,
    });
    expect(pair).toEqual({ path: 'package-lock.json', base: 'from the api', head: HEAD_LOCK });
    expect(client.reads).toEqual([`acme/app:${ABSENT_SHA}:package-lock.json`]);
  });

  it('uses the API alone when the workspace is not a repository', async () => {
    const notRepo = mkdtempSync(join(root, 'plain-'));
    const client = apiClient({ [baseSha]: { 'yarn.lock': 'base text' }, [headSha]: { 'yarn.lock': 'head text' } });
    const pair = await readLockfilePair({ path: 'yarn.lock', status: 'modified' }, prRef(), { git: createLocalGit(notRepo), client });
    expect(pair).toEqual({ path: 'yarn.lock', base: 'base text', head: 'head text' });
    expect(client.reads.sort()).toEqual([`acme/app:${baseSha}:yarn.lock`, `acme/app:${headSha}:yarn.lock`].sort());
  });

  it('uses the API when no git is given, and null for a path the API does not have', async () => {
    const client = apiClient({ [headSha]: { 'bun.lock': '{}' } });
    const pair = await readLockfilePair({ path: 'bun.lock', status: 'modified' }, prRef(), { client });
    expect(pair).toEqual({ path: 'bun.lock', base: null, head: '{}' });
  });
});

describe('createLocalGit', () => {
  it('knows commits, not other objects or unknown ids', async () => {
    const local = createLocalGit(repo);
    const blob = git(['rev-parse', `${baseSha}:package-lock.json`]);
    expect(await local.hasCommit(headSha)).toBe(true);
    expect(await local.hasCommit(blob)).toBe(false);
    expect(await local.hasCommit(ABSENT_SHA)).toBe(false);
  });

  it('returns null for a directory or a missing path', async () => {
    const local = createLocalGit(repo);
    expect(await local.show(headSha, 'apps/web')).toBeNull();
    expect(await local.show(headSha, 'no/such/yarn.lock')).toBeNull();
  });
});

describe('readLockfilePair against the loopback GitHub', () => {
  it('reads the side git lacks through the contents API of the base repository', async () => {
    const fake = await startFakeGitHub();
    try {
      fake.setFile(ABSENT_SHA, 'package-lock.json', BASE_LOCK);
      const client = createGitHubClient({ token: 't', baseUrl: fake.url, sleep: async () => {} });
      const pair = await readLockfilePair(
        { path: 'package-lock.json', status: 'modified' },
        prRef({ baseSha: ABSENT_SHA, isFork: true, headRepoFullName: 'mallory/app' }),
        { git: createLocalGit(repo), client },
      );
      expect(pair).toEqual({ path: 'package-lock.json', base: BASE_LOCK, head: HEAD_LOCK });
      expect(fake.requests.map((request) => `${request.path}?ref=${request.query['ref']}`)).toEqual([
        `/repos/acme/app/contents/package-lock.json?ref=${ABSENT_SHA}`,
      ]);
    } finally {
      await fake.close();
    }
  });
});

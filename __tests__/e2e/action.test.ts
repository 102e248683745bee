/**
 * The built action (dist/index.js) run as the runner runs it: a real pull_request event file,
 * INPUT_* variables, GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files and a git workspace, against a
 * real npm registry (verdaccio on 127.0.0.1) and a loopback server speaking the GitHub REST API.
 */
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMENT_MARKER } from '../../src/report/render/markdown.js';
import { startFakeGitHub, type FakeGitHub } from '../support/fake-github.js';
import { startRegistry, type TestRegistry } from '../support/registry.js';
import { runAction } from '../support/run-action.js';
import { commit, initRepo, packageLock, runnerFiles, type LockEntry } from './workspace.js';

const FIXTURES = resolve('__tests__/fixtures/packages');
const PR = 7;

describe('the action, end to end', () => {
  let registry: TestRegistry;
  let github: FakeGitHub;
  const integrity = new Map<string, string>();

  beforeAll(async () => {
    registry = await startRegistry();
    for (const dir of ['fg-chat-client-1.0.0', 'fg-chat-client-1.1.0', 'fg-plain-1.0.0', 'fg-old-1.0.0']) {
      await registry.publish(join(FIXTURES, dir));
    }
    for (const [spec, value] of await registry.integrityOf(['fg-chat-client', 'fg-plain', 'fg-old'])) integrity.set(spec, value);
    github = await startFakeGitHub({ token: 'test-token' });
  }, 120_000);

  afterAll(async () => {
    await github?.close();
    await registry?.close();
  });

  const entry = (name: string, version: string): LockEntry => ({ name, version, integrity: integrity.get(`${name}@${version}`) ?? '' });

  function makePullRequest() {
    const workspace = initRepo();
    const npmrc = `registry=${registry.url}\n`;
    const baseSha = commit(
      workspace,
      {
        '.npmrc': npmrc,
        'package-lock.json': packageLock([entry('fg-chat-client', '1.0.0'), entry('fg-old', '1.0.0')], registry.url),
        'src/index.js': 'module.exports = 1;\n',
      },
      'base',
    );
    const headSha = commit(
      workspace,
      {
        'package-lock.json': packageLock([entry('fg-chat-client', '1.1.0'), entry('fg-plain', '1.0.0')], registry.url),
        'src/index.js': 'module.exports = 2;\n',
      },
      'bump dependencies',
    );
    github.setPullFiles(PR, [
      { filename: 'package-lock.json', status: 'modified' },
      { filename: 'src/index.js', status: 'modified' },
    ]);
    return { workspace, baseSha, headSha };
  }

  it('scans the changed packages, comments once, updates the comment on the next run', async () => {
    const { workspace, baseSha, headSha } = makePullRequest();
    const files = runnerFiles({ number: PR, baseSha, headSha });
    const env = { GITHUB_WORKSPACE: workspace, GITHUB_API_URL: github.url, 'INPUT_FAIL-ON': 'info' };

    const first = await runAction(env, files);
    expect(first.stderr).toBe('');
    expect(first.code, first.stdout).toBe(1);
    expect(first.stdout).toMatch(/::error::fingerprint-gate: \d+ finding\(s\) at or above "info"/);
    expect(first.outputs.verdict).toBe('fail');
    expect(Number(first.outputs.findings)).toBeGreaterThan(0);

    const report = first.report;
    expect(report).not.toBeNull();
    const byName = new Map(report?.packages.map((pkg) => [pkg.name, pkg]));
    expect([...byName.keys()].sort()).toEqual(['fg-chat-client', 'fg-old', 'fg-plain']);
    expect(byName.get('fg-chat-client')).toMatchObject({ version: '1.1.0', previousVersion: '1.0.0', change: 'updated', status: 'scanned' });
    expect(byName.get('fg-plain')).toMatchObject({ version: '1.0.0', previousVersion: null, change: 'added', status: 'scanned', findings: [] });
    expect(byName.get('fg-old')).toMatchObject({ change: 'removed', status: 'skipped' });
    expect(byName.get('fg-old')?.reason).toBeTruthy();
    const chat = byName.get('fg-chat-client');
    expect(chat?.findings.some((finding) => finding.evidence.sourceKind === 'timezone')).toBe(true);
    // The timezone was read in 1.0.0 too: that read is not new.
    expect(chat?.findings.find((finding) => finding.ruleId === 'fingerprint-source' && finding.evidence.sourceKind === 'timezone')?.introduced).toBe(false);
    // The update's hidden lists: decoded in full, high, and new in this version.
    const hidden = chat?.findings.find((finding) => finding.ruleId === 'encoded-list-match');
    expect(hidden).toMatchObject({ severity: 'high', introduced: true, file: 'index.js' });
    expect(hidden?.evidence.list?.values).toEqual(
      expect.arrayContaining(['Europe/Minsk', 'Asia/Tehran', 'America/Havana', 'acme-corp.example', 'initech.example']),
    );

    expect(first.summary).toContain('fg-chat-client');
    expect(first.summary).not.toContain(COMMENT_MARKER);

    const posts = github.requests.filter((request) => request.method === 'POST' && request.path.endsWith(`/issues/${PR}/comments`));
    expect(posts).toHaveLength(1);
    expect(github.comments).toHaveLength(1);
    const comment = github.comments[0];
    expect(comment?.body.startsWith(COMMENT_MARKER)).toBe(true);
    expect(comment?.body).toContain('fg-chat-client');
    expect(comment?.body).toContain('encoded-list-match');
    expect(comment?.body).toContain('Asia/Tehran');
    // Both lockfile sides came from the local git workspace, not the contents API.
    expect(github.requests.some((request) => request.path.includes('/contents/'))).toBe(false);

    const second = await runAction({ ...env, 'INPUT_FAIL-ON': 'critical' }, runnerFiles({ number: PR, baseSha, headSha }));
    expect(second.code, second.stdout + second.stderr).toBe(0);
    expect(second.outputs.verdict).toBe('pass');
    expect(second.outputs.findings).toBe('0');
    expect(github.comments).toHaveLength(1);
    expect(github.requests.filter((request) => request.method === 'POST')).toHaveLength(1);
    const patches = github.requests.filter((request) => request.method === 'PATCH');
    expect(patches).toHaveLength(1);
    expect(patches[0]?.path).toBe(`/repos/acme/app/issues/comments/${comment?.id}`);
    expect(github.comments[0]?.body).toMatch(/pass/i);
  }, 120_000);

  it('reads the lockfiles through the contents API when the workspace lacks the commits', async () => {
    const { baseSha, headSha } = makePullRequest();
    github.setFile(baseSha, 'package-lock.json', packageLock([entry('fg-chat-client', '1.0.0')], registry.url));
    github.setFile(headSha, 'package-lock.json', packageLock([entry('fg-chat-client', '1.1.0')], registry.url));
    const empty = initRepo();
    const files = runnerFiles({ number: PR, baseSha, headSha });
    const run = await runAction(
      { GITHUB_WORKSPACE: empty, GITHUB_API_URL: github.url, INPUT_COMMENT: 'never', INPUT_REGISTRY: registry.url, 'INPUT_FAIL-ON': 'critical' },
      files,
    );
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.report?.packages.map((pkg) => `${pkg.name}@${pkg.version}:${pkg.change}:${pkg.status}`)).toEqual([
      'fg-chat-client@1.1.0:updated:scanned',
    ]);
    const raw = github.requests.filter((request) => request.path === '/repos/acme/app/contents/package-lock.json');
    expect(raw.map((request) => request.query.ref).sort()).toEqual([baseSha, headSha].sort());
    expect(raw.every((request) => String(request.headers.accept).includes('raw'))).toBe(true);
  }, 120_000);

  it('reads several lockfiles of different formats into one comment, and counts a bun.lockb as unscanned', async () => {
    const workspace = initRepo();
    const yarnLock = (version: string) =>
      [
        '# THIS IS AN AUTOGENERATED FILE. DO NOT EDIT THIS FILE DIRECTLY.',
        '# yarn lockfile v1',
        '',
        '',
        `fg-chat-client@${version}:`,
        `  version "${version}"`,
        `  resolved "${registry.url}fg-chat-client/-/fg-chat-client-${version}.tgz"`,
        `  integrity ${integrity.get(`fg-chat-client@${version}`)}`,
        '',
      ].join('\n');
    const baseSha = commit(
      workspace,
      {
        '.npmrc': `registry=${registry.url}\n`,
        'package-lock.json': packageLock([], registry.url),
        'apps/web/yarn.lock': yarnLock('1.0.0'),
      },
      'base',
    );
    const headSha = commit(
      workspace,
      {
        'package-lock.json': packageLock([entry('fg-plain', '1.0.0')], registry.url),
        'apps/web/yarn.lock': yarnLock('1.1.0'),
        'tools/bun.lockb': '\u0000binary',
      },
      'bump in several workspaces',
    );
    github.setPullFiles(PR, [
      { filename: 'package-lock.json', status: 'modified' },
      { filename: 'apps/web/yarn.lock', status: 'modified' },
      { filename: 'tools/bun.lockb', status: 'added' },
    ]);
    const commentsBefore = github.comments.length;
    const run = await runAction(
      { GITHUB_WORKSPACE: workspace, GITHUB_API_URL: github.url, 'INPUT_FAIL-ON': 'critical', 'INPUT_ON-UNSCANNED': 'fail', INPUT_COMMENT: 'always' },
      runnerFiles({ number: PR, baseSha, headSha }),
    );
    expect(run.report?.packages.map((pkg) => `${pkg.lockfile}:${pkg.name}@${pkg.version}:${pkg.change}:${pkg.status}`)).toEqual([
      'package-lock.json:fg-plain@1.0.0:added:scanned',
      'apps/web/yarn.lock:fg-chat-client@1.1.0:updated:scanned',
    ]);
    expect(run.report?.unscannedLockfiles.map((lockfile) => lockfile.path)).toEqual(['tools/bun.lockb']);
    // Nothing reached `critical`, but an unreadable lockfile blocks under on-unscanned: fail.
    expect(run.code).toBe(1);
    expect(run.outputs.verdict).toBe('fail');
    expect(run.stdout).toMatch(/::warning::tools\/bun\.lockb: binary bun\.lockb is not supported/);
    const body = github.comments.at(-1)?.body ?? '';
    expect(github.comments.length).toBeLessThanOrEqual(commentsBefore + 1);
    expect(body).toContain('fg-plain');
    expect(body).toContain('fg-chat-client');
    expect(body).toContain('bun.lockb');
  }, 120_000);

  it('degrades to the summary and annotations when the token cannot comment (fork pull request)', async () => {
    const { workspace, baseSha, headSha } = makePullRequest();
    github.injectFault({ method: 'POST', path: `/repos/acme/app/issues/${PR}/comments`, status: 403, body: { message: 'Resource not accessible by integration' } });
    const commentsBefore = github.comments.length;
    const posts = () => github.requests.filter((request) => request.method === 'POST').length;
    const postsBefore = posts();
    const files = runnerFiles({ number: PR, baseSha, headSha });
    // Delete the sticky comment first, as a maintainer might: the action must look for it, not assume it.
    for (const comment of [...github.comments]) github.deleteComment(comment.id);
    const run = await runAction({ GITHUB_WORKSPACE: workspace, GITHUB_API_URL: github.url }, files);
    expect(run.code, run.stderr).toBe(1);
    expect(run.outputs.verdict).toBe('fail');
    expect(run.stdout.match(/::warning::creating a comment on #7 failed: .*403.*fork/g)).toHaveLength(1);
    // The high finding is annotated on the lockfile, so it shows in the diff without a comment.
    expect(run.stdout).toMatch(/::error title=fingerprint-gate%3A high encoded-list-match in fg-chat-client@1\.1\.0,file=package-lock\.json,line=\d+::index\.js:24:10 /);
    expect(run.summary).toContain('encoded-list-match');
    expect(posts() - postsBefore).toBe(1);
    expect(github.comments.length).toBeLessThanOrEqual(commentsBefore);
  }, 120_000);

  it('passes quickly and says so when no lockfile changed', async () => {
    const { workspace, baseSha, headSha } = makePullRequest();
    github.setPullFiles(PR, [{ filename: 'src/index.js', status: 'modified' }]);
    const before = github.requests.length;
    const run = await runAction({ GITHUB_WORKSPACE: workspace, GITHUB_API_URL: github.url }, runnerFiles({ number: PR, baseSha, headSha }));
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('No lockfile changed');
    expect(run.outputs.verdict).toBe('pass');
    expect(run.report?.packages).toEqual([]);
    // No registry traffic was needed; only the file list (and the comment lookup) went to GitHub.
    const calls = github.requests.slice(before).map((request) => `${request.method} ${request.path}`);
    expect(calls).toContain(`GET /repos/acme/app/pulls/${PR}/files`);
  }, 60_000);

  it('fails the step with the file named when a lockfile is malformed', async () => {
    const workspace = initRepo();
    const baseSha = commit(workspace, { 'package-lock.json': packageLock([], registry.url) }, 'base');
    const headSha = commit(workspace, { 'package-lock.json': '{ "lockfileVersion": 3, "packages": ' }, 'broken');
    github.setPullFiles(PR, [{ filename: 'package-lock.json', status: 'modified' }]);
    const run = await runAction({ GITHUB_WORKSPACE: workspace, GITHUB_API_URL: github.url }, runnerFiles({ number: PR, baseSha, headSha }));
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/::error::.*package-lock\.json/);
  }, 60_000);
});

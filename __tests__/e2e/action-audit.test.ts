/**
 * The built action (dist/index.js) with `audit: true`, run as the runner runs it: a scheduled
 * workflow over a checked-out repository, every locked package scanned, against a real npm
 * registry (verdaccio on 127.0.0.1) and a loopback GitHub API it must not need.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PackageReport } from '../../src/report/report.js';
import { startFakeGitHub, type FakeGitHub } from '../support/fake-github.js';
import { startRegistry, type TestRegistry } from '../support/registry.js';
import { runAction } from '../support/run-action.js';
import { commit, initRepo, packageLockOf, runnerFiles, type RunnerFiles } from './workspace.js';

const FIXTURES = resolve('__tests__/fixtures/packages');
const PACKAGES = ['fg-chat-client@1.0.0', 'fg-chat-client@1.1.0', 'fg-plain@1.0.0', 'fg-old@1.0.0'];
const PR = 9;

/** A package as reported, less what says how it was obtained this time. */
const content = ({ status: _status, reason: _reason, ...rest }: PackageReport) => rest;

describe('the action with audit: true, end to end', () => {
  let registry: TestRegistry;
  let github: FakeGitHub;
  const integrity = new Map<string, string>();

  beforeAll(async () => {
    registry = await startRegistry();
    for (const spec of PACKAGES) await registry.publish(join(FIXTURES, spec.replace('@', '-')));
    for (const [spec, value] of await registry.integrityOf(PACKAGES.map((spec) => spec.split('@')[0] as string))) integrity.set(spec, value);
    github = await startFakeGitHub({ token: 'test-token' });
  }, 120_000);

  afterAll(async () => {
    await github?.close();
    await registry?.close();
  });

  const lock = (...specs: string[]) => packageLockOf(specs, integrity, registry.url);
  const yarnLock = (spec: string) => {
    const [name, version] = spec.split('@') as [string, string];
    return [
      '# yarn lockfile v1',
      '',
      `${name}@${version}:`,
      `  version "${version}"`,
      `  resolved "${registry.url}${name}/-/${name}-${version}.tgz"`,
      `  integrity ${integrity.get(spec)}`,
      '',
    ].join('\n');
  };

  /** The runner's files for a scheduled run: a schedule payload instead of a pull request's. */
  function scheduleRun(sha: string): { files: RunnerFiles; env: Record<string, string> } {
    const files = runnerFiles({ number: 1, baseSha: sha, headSha: sha });
    writeFileSync(files.eventPath, JSON.stringify({ schedule: '0 5 * * 1' }));
    return { files, env: { GITHUB_EVENT_NAME: 'schedule', GITHUB_SHA: sha, GITHUB_API_URL: github.url, INPUT_AUDIT: 'true' } };
  }

  it('a scheduled run scans every package of every tracked lockfile, with report, summary, SARIF, outputs and verdict', async () => {
    const workspace = initRepo();
    const sha = commit(
      workspace,
      {
        '.npmrc': `registry=${registry.url}\n`,
        // Nothing changed in this commit's history that a diff would see: only an audit reads these.
        'package-lock.json': lock('fg-chat-client@1.1.0', 'fg-plain@1.0.0'),
        'apps/web/yarn.lock': yarnLock('fg-old@1.0.0'),
        // A vendored package's lockfile is not this repository's: left out.
        'node_modules/vendored/package-lock.json': lock('fg-chat-client@1.0.0'),
        '.github/fingerprint-gate.yml': 'fail-on: high\nmode: new\n',
      },
      'the tree as it stands',
    );
    const cacheDir = mkdtempSync(join(tmpdir(), 'fg-audit-results-'));
    const requestsBefore = github.requests.length;
    const { files, env } = scheduleRun(sha);
    const run = await runAction({ ...env, GITHUB_WORKSPACE: workspace, 'INPUT_CACHE-DIR': cacheDir }, files);

    expect(run.stderr).toBe('');
    // Under mode: new every finding of an audit counts: nothing was there before to compare with.
    expect(run.code, run.stdout).toBe(1);
    expect(run.outputs.verdict).toBe('fail');
    expect(Number(run.outputs.findings)).toBeGreaterThan(0);
    expect(run.stdout).toMatch(/::error::fingerprint-gate: \d+ finding\(s\) at or above "high"/);
    expect(run.stdout).toContain(`Audit of commit ${sha.slice(0, 7)}: 3 locked package(s) in 2 lockfile(s) (apps/web/yarn.lock, package-lock.json)`);
    const report = run.report;
    expect(report?.packages.map((pkg) => `${pkg.lockfile}:${pkg.name}@${pkg.version}:${pkg.change}:${pkg.status}`)).toEqual([
      'package-lock.json:fg-chat-client@1.1.0:scanned:scanned',
      'apps/web/yarn.lock:fg-old@1.0.0:scanned:scanned',
      'package-lock.json:fg-plain@1.0.0:scanned:scanned',
    ]);
    expect(report?.audit).toEqual({ packageSet: expect.stringMatching(/^[0-9a-f]{64}$/), packageCount: 3 });
    const chat = report?.packages.find((pkg) => pkg.name === 'fg-chat-client');
    expect(chat?.findings.find((finding) => finding.ruleId === 'encoded-list-match')).toMatchObject({ severity: 'high', introduced: true });
    expect(chat?.lockfileLine).toBeGreaterThan(0);
    expect(run.summary).toContain('fg-chat-client');
    expect(run.summary).toContain('encoded-list-match');
    expect(run.summary).toMatch(/at or above `high` in 1 of 3 locked packages/);
    const sarif = JSON.parse(readFileSync(run.outputs.sarif ?? '', 'utf8')) as { runs: { results: { ruleId: string }[] }[] };
    expect(sarif.runs[0]?.results.some((result) => result.ruleId === 'encoded-list-match')).toBe(true);
    // A scheduled audit has no pull request: nothing went to the GitHub API, no comment.
    expect(github.requests.length).toBe(requestsBefore);

    // Next week, over the same tree: every package from the cache, the same findings and verdict.
    const again = scheduleRun(sha);
    const warm = await runAction({ ...again.env, GITHUB_WORKSPACE: workspace, 'INPUT_CACHE-DIR': cacheDir }, again.files);
    expect(warm.code, warm.stdout).toBe(1);
    expect(warm.report?.packages.map((pkg) => pkg.status)).toEqual(['cached', 'cached', 'cached']);
    expect(warm.report?.packages.map(content)).toEqual(report?.packages.map(content));
    expect([warm.outputs.verdict, warm.outputs.findings]).toEqual([run.outputs.verdict, run.outputs.findings]);
  }, 180_000);

  it('on a pull request, audits the head tree under the base commit policy, and writes no comment', async () => {
    const workspace = initRepo();
    const baseSha = commit(workspace, { '.npmrc': `registry=${registry.url}\n`, 'package-lock.json': lock('fg-plain@1.0.0') }, 'base');
    // The head tries to loosen the gate that judges it; the base's (default) policy applies.
    const headSha = commit(workspace, { 'package-lock.json': lock('fg-chat-client@1.1.0', 'fg-plain@1.0.0'), '.github/fingerprint-gate.yml': 'fail-on: none\n' }, 'head');
    github.setPullFiles(PR, [{ filename: 'src/index.js', status: 'modified' }]);
    const commentsBefore = github.comments.length;
    const run = await runAction({ GITHUB_WORKSPACE: workspace, GITHUB_API_URL: github.url, INPUT_AUDIT: 'true' }, runnerFiles({ number: PR, baseSha, headSha }));
    expect(run.code, run.stdout).toBe(1);
    expect(run.report?.failOn).toBe('high');
    // Not only what the pull request changed (here: no lockfile at all): the whole head tree.
    expect(run.report?.packages.map((pkg) => `${pkg.name}@${pkg.version}:${pkg.status}`)).toEqual(['fg-chat-client@1.1.0:scanned', 'fg-plain@1.0.0:scanned']);
    expect(github.comments.length).toBe(commentsBefore);
  }, 180_000);

  it('fails the step, saying what to do, without a checkout or with an audit value that is not a boolean', async () => {
    const workspace = initRepo();
    const sha = commit(workspace, { 'package-lock.json': lock('fg-plain@1.0.0') }, 'tree');
    const empty = initRepo();
    const missing = scheduleRun(sha);
    const noCheckout = await runAction({ ...missing.env, GITHUB_WORKSPACE: empty }, missing.files);
    expect(noCheckout.code).toBe(1);
    expect(noCheckout.stdout).toMatch(/::error::audit: true reads the lockfiles from the checked-out repository.*run actions\/checkout before this step/);

    const wrong = scheduleRun(sha);
    const notBoolean = await runAction({ ...wrong.env, GITHUB_WORKSPACE: workspace, INPUT_AUDIT: 'yes' }, wrong.files);
    expect(notBoolean.code).toBe(1);
    expect(notBoolean.stdout).toMatch(/::error::input audit must be true or false; got "yes"/);

    // Without audit, a scheduled run is still no pull request: it passes and scans nothing.
    const plain = scheduleRun(sha);
    const notAudit = await runAction({ ...plain.env, GITHUB_WORKSPACE: workspace, INPUT_AUDIT: '' }, plain.files);
    expect(notAudit.code).toBe(0);
    expect(notAudit.report?.packages).toEqual([]);
    expect(existsSync(notAudit.outputs.sarif ?? '')).toBe(true);
  }, 120_000);
});

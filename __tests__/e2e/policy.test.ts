/**
 * Issue 15 end to end, through the built action (dist/index.js) against verdaccio and the loopback
 * GitHub API: an allowance with a reason and an expiry is listed as allowed while it holds and
 * blocks once it has passed; `mode` changes the verdict; the comment leads with what is new; the
 * `sarif` output points at the lockfile line; an invalid policy fails the step with file and line.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeGitHub, type FakeGitHub } from '../support/fake-github.js';
import { startRegistry, type TestRegistry } from '../support/registry.js';
import { runAction } from '../support/run-action.js';
import { sarifSchemaErrors } from '../support/sarif-validator.js';
import { commit, initRepo, packageLock, runnerFiles, type LockEntry } from './workspace.js';

const FIXTURES = resolve('__tests__/fixtures/packages');
const PR = 15;
const POLICY = '.github/fingerprint-gate.yml';

interface SarifLocation {
  physicalLocation: { artifactLocation: { uri: string; uriBaseId?: string }; region: { startLine: number; startColumn?: number } };
}
interface SarifLog {
  version: string;
  runs: { results: { ruleId: string; locations: SarifLocation[]; relatedLocations?: SarifLocation[] }[] }[];
}

describe('the policy of issue 15, end to end', () => {
  let registry: TestRegistry;
  let github: FakeGitHub;
  const integrity = new Map<string, string>();

  beforeAll(async () => {
    registry = await startRegistry();
    for (const dir of ['fg-chat-client-1.0.0', 'fg-chat-client-1.1.0']) await registry.publish(join(FIXTURES, dir));
    const packument = (await (await fetch(`${registry.url}fg-chat-client`)).json()) as { versions: Record<string, { dist: { integrity: string } }> };
    for (const [version, manifest] of Object.entries(packument.versions)) integrity.set(`fg-chat-client@${version}`, manifest.dist.integrity);
    github = await startFakeGitHub({ token: 'test-token' });
  }, 120_000);

  afterAll(async () => {
    await github?.close();
    await registry?.close();
  });

  const entry = (version: string): LockEntry => ({ name: 'fg-chat-client', version, integrity: integrity.get(`fg-chat-client@${version}`) ?? '' });

  /** A base commit with `policy`, and a head that updates fg-chat-client 1.0.0 -> 1.1.0. */
  function pullRequest(policy: string) {
    const workspace = initRepo();
    const baseSha = commit(
      workspace,
      { '.npmrc': `registry=${registry.url}\n`, 'package-lock.json': packageLock([entry('1.0.0')], registry.url), [POLICY]: policy },
      'base',
    );
    const headLock = packageLock([entry('1.1.0')], registry.url);
    const headSha = commit(workspace, { 'package-lock.json': headLock }, 'bump');
    github.setPullFiles(PR, [{ filename: 'package-lock.json', status: 'modified' }]);
    return { env: { GITHUB_WORKSPACE: workspace, GITHUB_API_URL: github.url }, files: runnerFiles({ number: PR, baseSha, headSha }), headLock };
  }

  const lastComment = (): string => github.comments.at(-1)?.body ?? '';

  it('lists an allowed finding with its reason and expiry while the allowance holds', async () => {
    const { env, files } = pullRequest(
      'fail-on: medium\nallow:\n  - package: "fg-chat-client@^1.1"\n    reason: reviewed by the security team\n    expires: 2999-12-31\n',
    );
    const run = await runAction(env, files);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.outputs.verdict).toBe('pass');
    const chat = run.report?.packages.find((pkg) => pkg.name === 'fg-chat-client');
    expect(chat?.allowedFindings?.some((finding) => finding.ruleId === 'encoded-list-match')).toBe(true);
    expect(chat?.allowedFindings?.[0]?.allowance).toMatchObject({ reason: 'reviewed by the security team', expires: '2999-12-31' });
    expect(run.summary).toContain('Allowed by the policy');
    expect(run.summary).toContain('expires `2999-12-31`: reviewed by the security team');
  });

  it('blocks once the allowance has expired, saying when and why it was given, with SARIF on the lockfile line', async () => {
    const { env, files, headLock } = pullRequest(
      'fail-on: medium\ncomment: always\nallow:\n  - package: fg-chat-client\n    reason: reviewed by the security team\n    expires: 2000-01-01\n',
    );
    const run = await runAction(env, files);
    expect(run.code, run.stdout + run.stderr).toBe(1);
    expect(run.outputs.verdict).toBe('fail');
    const comment = lastComment();
    const lead = comment.indexOf('### New in this pull request, and what blocks');
    expect(lead).toBeGreaterThan(0);
    expect(lead).toBeLessThan(comment.indexOf('| Package |'));
    expect(comment).toContain('Allowance expired on `2000-01-01`, reason was: reviewed by the security team');
    expect(comment).toContain(`](https://cdn.jsdelivr.net/npm/fg-chat-client@1.1.0/index.js)`);
    // The timezone read that 1.0.0 already had is collapsed, not in the lead.
    expect(comment).toMatch(/<details><summary><code>fg-chat-client<\/code> 1\.0\.0 → 1\.1\.0 · \d+ findings? already in 1\.0\.0/);

    const lockLine = headLock.split('\n').findIndex((line) => line.includes('"node_modules/fg-chat-client"')) + 1;
    expect(lockLine).toBeGreaterThan(0);
    expect(run.stdout).toMatch(new RegExp(`::error [^\\n]*file=package-lock\\.json,line=${lockLine}::`));
    const sarifText = readFileSync(run.outputs.sarif ?? '', 'utf8');
    expect(sarifSchemaErrors(sarifText)).toEqual([]);
    const sarif = JSON.parse(sarifText) as SarifLog;
    expect(sarif.version).toBe('2.1.0');
    const hidden = sarif.runs[0]?.results.find((result) => result.ruleId === 'encoded-list-match');
    expect(hidden?.locations[0]?.physicalLocation).toEqual({ artifactLocation: { uri: 'package-lock.json' }, region: { startLine: lockLine } });
    // Below the package browser (resolved by the run's originalUriBaseIds), not an https URI code scanning would reject.
    expect(hidden?.relatedLocations?.[0]?.physicalLocation.artifactLocation).toEqual({ uri: 'fg-chat-client@1.1.0/index.js', uriBaseId: 'PACKAGE_BROWSER' });
  });

  it('judges only what the update introduced under mode new, and every finding under mode all', async () => {
    // fail-on info: the timezone read 1.0.0 already had is an info finding; 1.1.0 adds high ones.
    const rules = 'fail-on: info\nrules:\n  encoded-list-match: off\n  identity-targeting: off\n  fingerprint-exfiltration: off\n  analysis-evasion: off\n  hashed-list-match: off\n';
    const onlyNew = pullRequest(`${rules}mode: new\n`);
    const newRun = await runAction(onlyNew.env, onlyNew.files);
    const everything = pullRequest(`${rules}mode: all\n`);
    const allRun = await runAction(everything.env, everything.files);
    expect(allRun.outputs.verdict).toBe('fail');
    expect(Number(allRun.outputs.findings)).toBeGreaterThan(Number(newRun.outputs.findings));
    expect(allRun.report?.mode).toBe('all');
    expect(lastComment()).toContain('Rule settings of the policy: `encoded-list-match` off');
  });

  it('fails the step on an invalid policy, naming the file, the line, the key, the value and what was expected', async () => {
    const { env, files } = pullRequest('fail-on: high\nallow:\n  - package: fg-chat-client\n    reason: ok\n    expires: next week\n');
    const run = await runAction(env, files);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(
      /::error::\.github\/fingerprint-gate\.yml \(base [0-9a-f]{7}\):5: allow\[0\]\.expires must be a date written YYYY-MM-DD; got "next week"/,
    );
  });
});

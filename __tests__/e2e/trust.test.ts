/**
 * Issue 14: what a pull request changes is under review, so it cannot steer the gate. The built
 * action runs against a real registry (verdaccio) the base commit names, a token-guarded registry
 * for one scope, and a second loopback registry standing for an attacker's host, which records
 * every request it gets.
 */
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeGitHub, type FakeGitHub } from '../support/fake-github.js';
import { startMiniRegistry, sha512, type MiniRegistry } from '../support/mini-registry.js';
import { startRegistry, type TestRegistry } from '../support/registry.js';
import { runAction } from '../support/run-action.js';
import { buildTarball, packageEntries } from '../support/tarball.js';
import { commit, initRepo, runnerFiles } from './workspace.js';

const FIXTURES = resolve('__tests__/fixtures/packages');
const PR = 14;
const NPM_TOKEN = 'npm_trustE2eSECRET0123456789';

interface Entry {
  name: string;
  version: string;
  /** Omitted from the lockfile when null, as npm writes it under `omit-lockfile-registry-resolved`. */
  resolved: string | null;
  integrity: string | null;
}

/** A package-lock.json v3 with exactly the fields given: no `resolved` or `integrity` when null. */
function lockfile(entries: readonly Entry[]): string {
  const packages: Record<string, unknown> = {
    '': { name: 'app', version: '1.0.0', dependencies: Object.fromEntries(entries.map((e) => [e.name, e.version])) },
  };
  for (const e of entries) {
    packages[`node_modules/${e.name}`] = {
      version: e.version,
      ...(e.resolved === null ? {} : { resolved: e.resolved }),
      ...(e.integrity === null ? {} : { integrity: e.integrity }),
      license: 'MIT',
    };
  }
  return `${JSON.stringify({ name: 'app', version: '1.0.0', lockfileVersion: 3, requires: true, packages }, null, 2)}\n`;
}

/** The comment's prose as a reader sees it: markdown escapes and zero-width breaks removed. */
const plain = (markdown: string): string => markdown.replace(/\u200b/g, '').replace(/\\(?=[^a-zA-Z0-9\s])/g, '');

const hostOf = (url: string): string => new URL(url).host;
const tarballUrl = (registry: string, name: string, version: string): string =>
  `${registry}${name}/-/${name.split('/').pop() ?? name}-${version}.tgz`;

describe('trust: a pull request cannot steer the gate', () => {
  let registry: TestRegistry;
  /** The scope registry the base names, demanding the base's token. */
  let corp: MiniRegistry;
  /** The pull request's own host. */
  let collector: MiniRegistry;
  let github: FakeGitHub;
  const integrity = new Map<string, string>();
  const tarballs = new Map<string, Buffer>();

  beforeAll(async () => {
    registry = await startRegistry();
    for (const dir of ['fg-chat-client-1.0.0', 'fg-chat-client-1.1.0', 'fg-plain-1.0.0']) await registry.publish(join(FIXTURES, dir));
    for (const [name, version] of [
      ['fg-chat-client', '1.0.0'],
      ['fg-chat-client', '1.1.0'],
      ['fg-plain', '1.0.0'],
    ] as const) {
      const bytes = Buffer.from(await (await fetch(tarballUrl(registry.url, name, version))).arrayBuffer());
      tarballs.set(`${name}@${version}`, bytes);
      integrity.set(`${name}@${version}`, sha512(bytes));
    }
    corp = await startMiniRegistry({ token: NPM_TOKEN });
    const widget = buildTarball(
      packageEntries({ 'package.json': '{"name":"@corp/widget","version":"1.0.0","main":"index.js"}', 'index.js': 'module.exports = () => 42;\n' }),
    );
    corp.publish({ name: '@corp/widget', version: '1.0.0', tarball: widget });
    integrity.set('@corp/widget@1.0.0', sha512(widget));
    github = await startFakeGitHub({ token: 'test-token' });
  }, 120_000);

  beforeEach(async () => {
    await collector?.close();
    collector = await startMiniRegistry();
    // The host serves what the lockfile names, so a fetch from it would succeed and be seen.
    const collected = buildTarball(packageEntries({ 'package.json': '{"name":"@corp/widget","version":"1.0.0"}', 'index.js': 'module.exports = 1;\n' }));
    collector.publish({ name: '@corp/widget', version: '1.0.0', tarball: collected });
    collector.publish({ name: 'fg-chat-client', version: '1.1.0', tarball: tarballs.get('fg-chat-client@1.1.0') ?? Buffer.alloc(0) });
    collector.publish({ name: 'fg-plain', version: '1.0.0', tarball: tarballs.get('fg-plain@1.0.0') ?? Buffer.alloc(0) });
  });

  afterAll(async () => {
    await github?.close();
    await collector?.close();
    await corp?.close();
    await registry?.close();
  });

  const fromRegistry = (name: string, version: string): Entry => ({
    name,
    version,
    resolved: tarballUrl(registry.url, name, version),
    integrity: integrity.get(`${name}@${version}`) ?? null,
  });

  it("fetches with the base commit's .npmrc: the head's scope registry and token are named in the comment, not followed", async () => {
    const workspace = initRepo();
    const baseNpmrc = [`registry=${registry.url}`, `@corp:registry=${corp.url}`, `//${hostOf(corp.url)}/:_authToken=\${NPM_TOKEN}`, ''].join('\n');
    const headNpmrc = [`registry=${registry.url}`, `@corp:registry=${collector.url}`, `//${hostOf(collector.url)}/:_authToken=\${NPM_TOKEN}`, ''].join('\n');
    const baseSha = commit(workspace, { '.npmrc': baseNpmrc, 'package-lock.json': lockfile([fromRegistry('fg-plain', '1.0.0')]) }, 'base');
    // npm on the attacker's machine omits `resolved`: only the .npmrc decides where @corp comes from.
    const widget: Entry = { name: '@corp/widget', version: '1.0.0', resolved: null, integrity: null };
    const headSha = commit(
      workspace,
      { '.npmrc': headNpmrc, 'package-lock.json': lockfile([fromRegistry('fg-plain', '1.0.0'), widget]) },
      'add @corp/widget',
    );
    github.setPullFiles(PR, [
      { filename: '.npmrc', status: 'modified' },
      { filename: 'package-lock.json', status: 'modified' },
    ]);
    const commentsBefore = github.comments.length;

    const run = await runAction(
      { GITHUB_WORKSPACE: workspace, GITHUB_API_URL: github.url, NPM_TOKEN, INPUT_COMMENT: 'always', 'INPUT_FAIL-ON': 'critical' },
      runnerFiles({ number: PR, baseSha, headSha }),
    );
    expect(run.code, run.stdout + run.stderr).toBe(0);

    // The pull request's host got nothing, least of all the token.
    expect(collector.requests.filter((request) => request.authorization?.includes(NPM_TOKEN))).toEqual([]);
    expect(collector.requests).toEqual([]);
    // The base's scope registry got the package, with the token the base gives it.
    expect(corp.requests.length).toBeGreaterThan(0);
    for (const request of corp.requests) expect(request.authorization).toBe(`Bearer ${NPM_TOKEN}`);
    expect(run.report?.packages.map((pkg) => `${pkg.name}@${pkg.version}:${pkg.status}`)).toEqual(['@corp/widget@1.0.0:scanned']);

    const note = run.report?.notes.find((text) => text.includes('.npmrc'));
    expect(note).toContain(`changes @corp:registry = ${collector.url}`);
    expect(note).toContain(`adds //${hostOf(collector.url)}/:_authToken`);
    expect(note).toContain('does not follow it');
    expect(github.comments.length).toBe(commentsBefore + 1);
    const body = github.comments.at(-1)?.body ?? '';
    expect(plain(body)).toContain(
      `This pull request's .npmrc adds //${hostOf(collector.url)}/:_authToken; changes @corp:registry = ${collector.url}; removes //${hostOf(corp.url)}/:_authToken.`,
    );
    expect(plain(body)).toContain('The gate does not follow it');
    for (const text of [body, run.stdout, run.stderr, run.summary, JSON.stringify(run.report)]) expect(text).not.toContain(NPM_TOKEN);
  }, 120_000);

  it('reads both .npmrc sides through the contents API when the workspace lacks the commits (pull_request_target)', async () => {
    const workspace = initRepo();
    // A base checkout without the pull request's commits, as actions/checkout leaves it.
    commit(workspace, { 'README.md': 'base branch\n' }, 'tip of main');
    const baseSha = 'b'.repeat(40);
    const headSha = 'c'.repeat(40);
    const widget: Entry = { name: '@corp/widget', version: '1.0.0', resolved: null, integrity: null };
    github.setFile(baseSha, '.npmrc', `registry=${registry.url}\n@corp:registry=${corp.url}\n//${hostOf(corp.url)}/:_authToken=\${NPM_TOKEN}\n`);
    github.setFile(headSha, '.npmrc', `registry=${collector.url}\n//${hostOf(collector.url)}/:_authToken=\${NPM_TOKEN}\n`);
    github.setFile(baseSha, 'package-lock.json', lockfile([]));
    github.setFile(headSha, 'package-lock.json', lockfile([widget, { ...fromRegistry('fg-plain', '1.0.0'), resolved: null }]));
    github.setPullFiles(PR, [{ filename: 'package-lock.json', status: 'modified' }]);

    const run = await runAction(
      { GITHUB_WORKSPACE: workspace, GITHUB_API_URL: github.url, NPM_TOKEN, INPUT_COMMENT: 'never', 'INPUT_FAIL-ON': 'critical' },
      runnerFiles({ number: PR, baseSha, headSha }),
    );
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.report?.packages.map((pkg) => `${pkg.name}@${pkg.version}:${pkg.status}`)).toEqual(['@corp/widget@1.0.0:scanned', 'fg-plain@1.0.0:scanned']);
    expect(collector.requests).toEqual([]);
    for (const request of corp.requests) expect(request.authorization).toBe(`Bearer ${NPM_TOKEN}`);
    const reads = github.requests.filter((request) => request.path === '/repos/acme/app/contents/.npmrc');
    expect(reads.map((request) => request.query.ref).sort()).toEqual([baseSha, headSha].sort());
    expect(run.report?.notes.find((text) => text.includes('.npmrc'))).toContain(`changes registry = ${collector.url}`);
  }, 120_000);

  describe.each([
    ['with its integrity', true],
    ['with the integrity field removed', false],
  ])('a registry-shaped resolved URL on another host, %s', (_label, keepIntegrity) => {
    function injectedPullRequest(policy?: string) {
      const workspace = initRepo();
      const baseSha = commit(
        workspace,
        {
          '.npmrc': `registry=${registry.url}\n`,
          'package-lock.json': lockfile([fromRegistry('fg-chat-client', '1.0.0'), fromRegistry('fg-plain', '1.0.0')]),
          ...(policy === undefined ? {} : { '.github/fingerprint-gate.yml': policy }),
        },
        'base',
      );
      const moved = (name: string, version: string): Entry => ({
        name,
        version,
        resolved: tarballUrl(collector.url, name, version),
        integrity: keepIntegrity ? (integrity.get(`${name}@${version}`) ?? null) : null,
      });
      // An update to a URL on the pull request's host, and an unchanged version whose URL moved.
      const headSha = commit(workspace, { 'package-lock.json': lockfile([moved('fg-chat-client', '1.1.0'), moved('fg-plain', '1.0.0')]) }, 'bump');
      github.setPullFiles(PR, [{ filename: 'package-lock.json', status: 'modified' }]);
      return { workspace, baseSha, headSha };
    }

    it('is reported as an unverifiable source naming the host, and nothing is fetched from that host', async () => {
      const { workspace, baseSha, headSha } = injectedPullRequest();
      const run = await runAction(
        { GITHUB_WORKSPACE: workspace, GITHUB_API_URL: github.url, INPUT_COMMENT: 'always', 'INPUT_FAIL-ON': 'medium' },
        runnerFiles({ number: PR, baseSha, headSha }),
      );
      expect(run.code, run.stdout + run.stderr).toBe(1);
      expect(run.outputs.verdict).toBe('fail');
      const host = hostOf(collector.url);
      const byName = new Map(run.report?.packages.map((pkg) => [pkg.name, pkg]));
      expect([...byName.keys()].sort()).toEqual(['fg-chat-client', 'fg-plain']);
      for (const pkg of byName.values()) {
        expect(pkg).toMatchObject({ status: 'skipped', source: 'remote' });
        expect(pkg.findings.map((finding) => finding.ruleId)).toEqual(['unverifiable-source']);
        expect(pkg.findings[0]?.message).toContain(host);
        expect(pkg.findings[0]?.evidence.details?.url).toBe(tarballUrl(collector.url, pkg.name, pkg.version));
      }
      expect(byName.get('fg-plain')).toMatchObject({ change: 'updated', previousVersion: '1.0.0' });
      expect(collector.requests).toEqual([]);

      const note = run.report?.notes.find((text) => text.includes('hosts the base commit'));
      expect(note).toContain(`fg-chat-client@1.1.0 from ${host} (expected ${hostOf(registry.url)})`);
      const body = plain(github.comments.at(-1)?.body ?? '');
      expect(body).toContain('unverifiable-source');
      expect(body).toContain(`fg-chat-client@1.1.0 from ${host} (expected ${hostOf(registry.url)})`);
      expect(body).toContain(`comes from a tarball URL outside the registry (${tarballUrl(collector.url, 'fg-plain', '1.0.0')})`);
    }, 120_000);

    it('passes a host the base policy lists under allowed-hosts, reading the registry the base names', async () => {
      const { workspace, baseSha, headSha } = injectedPullRequest(`allowed-hosts: ["${hostOf(collector.url)}"]\n`);
      const run = await runAction(
        { GITHUB_WORKSPACE: workspace, GITHUB_API_URL: github.url, INPUT_COMMENT: 'never', 'INPUT_FAIL-ON': 'critical' },
        runnerFiles({ number: PR, baseSha, headSha }),
      );
      expect(run.code, run.stdout + run.stderr).toBe(0);
      expect(run.report?.packages.map((pkg) => `${pkg.name}@${pkg.version}:${pkg.change}:${pkg.status}`)).toEqual([
        'fg-chat-client@1.1.0:updated:scanned',
      ]);
      expect(run.report?.packages[0]?.findings.some((finding) => finding.ruleId === 'unverifiable-source')).toBe(false);
      expect(run.report?.notes.some((text) => text.includes('hosts the base commit'))).toBe(false);
      expect(collector.requests).toEqual([]);
    }, 120_000);
  });
});

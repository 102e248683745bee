/**
 * The built CLI (dist/cli.js) run as a process against a real local registry (verdaccio).
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/report/report.js';
import { startRegistry, type TestRegistry } from '../support/registry.js';
import { sarifSchemaErrors } from '../support/sarif-validator.js';
import { packageLockOf } from './workspace.js';

const CLI = resolve('dist/cli.js');
const FIXTURES = resolve('__tests__/fixtures/packages');
const exec = promisify(execFile);

async function cli(args: string[], cwd: string, home: string): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec(process.execPath, [CLI, ...args], {
      cwd,
      // A fresh result cache per run: these tests are about scanning, the cache has its own (cache.test.ts).
      env: { PATH: process.env.PATH ?? '', HOME: home, XDG_CACHE_HOME: mkdtempSync(join(tmpdir(), 'fg-cli-cache-')) },
      maxBuffer: 64 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failure = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof failure.code === 'number' ? failure.code : -1, stdout: failure.stdout ?? '', stderr: failure.stderr ?? '' };
  }
}

describe('the CLI, end to end', () => {
  let registry: TestRegistry;
  let dir: string;
  let home: string;
  const integrity = new Map<string, string>();

  beforeAll(async () => {
    registry = await startRegistry();
    for (const fixture of ['fg-chat-client-1.0.0', 'fg-chat-client-1.1.0', 'fg-plain-1.0.0']) {
      await registry.publish(join(FIXTURES, fixture));
    }
    for (const [spec, value] of await registry.integrityOf(['fg-chat-client', 'fg-plain'])) integrity.set(spec, value);
    dir = mkdtempSync(join(tmpdir(), 'fg-cli-'));
    home = mkdtempSync(join(tmpdir(), 'fg-cli-home-'));
    writeFileSync(join(dir, '.npmrc'), `registry=${registry.url}\n`);
  }, 120_000);

  afterAll(async () => {
    await registry?.close();
  });

  const lock = (...specs: string[]) => packageLockOf(specs, integrity, registry.url);

  it('diff reports exactly the added and updated packages as JSON', async () => {
    mkdirs(dir, ['base', 'head']);
    writeFileSync(join(dir, 'base', 'package-lock.json'), lock('fg-chat-client@1.0.0'));
    writeFileSync(join(dir, 'head', 'package-lock.json'), lock('fg-chat-client@1.1.0', 'fg-plain@1.0.0'));
    writeFileSync(join(dir, 'head', '.npmrc'), `registry=${registry.url}\n`);
    const run = await cli(['diff', 'base/package-lock.json', 'head/package-lock.json', '--format', 'json', '--fail-on', 'critical'], dir, home);
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout) as Report;
    expect(report.verdict).toBe('pass');
    expect(report.failOn).toBe('critical');
    expect(report.packages.map((pkg) => [pkg.name, pkg.previousVersion, pkg.version, pkg.change, pkg.status])).toEqual([
      ['fg-chat-client', '1.0.0', '1.1.0', 'updated', 'scanned'],
      ['fg-plain', null, '1.0.0', 'added', 'scanned'],
    ]);
  }, 60_000);

  it('diff fails (exit 1) when findings reach the threshold, with a readable text report', async () => {
    const run = await cli(['diff', 'base/package-lock.json', 'head/package-lock.json', '--fail-on', 'info'], dir, home);
    expect(run.code, run.stderr).toBe(1);
    expect(run.stdout).toMatch(/fail/i);
    expect(run.stdout).toContain('fg-chat-client');
    expect(run.stdout).toMatch(/index\.js:\d+:\d+/);
  }, 60_000);

  it('scan reads a registry spec, a local directory and marks findings new against --previous', async () => {
    const registryScan = await cli(['scan', 'fg-chat-client@1.1.0', '--previous', 'fg-chat-client@1.0.0', '--format', 'json', '--fail-on', 'none', '--registry', registry.url], dir, home);
    expect(registryScan.code, registryScan.stderr).toBe(0);
    const report = JSON.parse(registryScan.stdout) as Report;
    expect(report.packages[0]).toMatchObject({ name: 'fg-chat-client', version: '1.1.0', previousVersion: '1.0.0', change: 'scanned', status: 'scanned' });

    const local = await cli(['scan', join(FIXTURES, 'fg-chat-client-1.1.0'), '--format', 'json', '--fail-on', 'none', '--workers', '1'], dir, home);
    expect(local.code, local.stderr).toBe(0);
    const localReport = JSON.parse(local.stdout) as Report;
    expect(localReport.packages[0]).toMatchObject({ name: 'fg-chat-client', version: '1.1.0', status: 'scanned' });
    expect(localReport.packages[0]?.findings.every((finding) => finding.introduced)).toBe(true);
  }, 60_000);

  it('scan and diff --format sarif validate against the official SARIF 2.1.0 schema, scan locating files below the package browser', async () => {
    interface Location { physicalLocation: { artifactLocation: { uri: string; uriBaseId?: string }; region?: { startLine: number } } }
    interface Log { runs: { originalUriBaseIds?: Record<string, { uri?: string }>; results: { locations: Location[]; relatedLocations?: Location[] }[] }[] }
    const scan = await cli(['scan', 'fg-chat-client@1.1.0', join(FIXTURES, 'fg-plain-1.0.0'), '--format', 'sarif', '--fail-on', 'none', '--registry', registry.url], dir, home);
    expect(scan.code, scan.stderr).toBe(0);
    expect(sarifSchemaErrors(scan.stdout)).toEqual([]);
    const scanRun = (JSON.parse(scan.stdout) as Log).runs[0];
    const scanned = scanRun?.results.map((result) => result.locations[0]?.physicalLocation.artifactLocation) ?? [];
    expect(scanned.length).toBeGreaterThan(0);
    expect(scanned).toContainEqual({ uri: 'fg-chat-client@1.1.0/index.js', uriBaseId: 'PACKAGE_BROWSER' });
    expect(scanned.every((location) => !location?.uri.startsWith('node_modules/') && !/^[a-z]+:/.test(location?.uri ?? ''))).toBe(true);
    expect(scanRun?.originalUriBaseIds?.['PACKAGE_BROWSER']?.uri).toBe('https://cdn.jsdelivr.net/npm/');

    const diff = await cli(['diff', 'base/package-lock.json', 'head/package-lock.json', '--format', 'sarif', '--fail-on', 'none'], dir, home);
    expect(diff.code, diff.stderr).toBe(0);
    expect(sarifSchemaErrors(diff.stdout)).toEqual([]);
    const diffResults = (JSON.parse(diff.stdout) as Log).runs[0]?.results ?? [];
    expect(diffResults.length).toBeGreaterThan(0);
    for (const result of diffResults) expect(result.locations[0]?.physicalLocation.artifactLocation.uri).toBe('head/package-lock.json');
    expect(diffResults.some((result) => result.relatedLocations?.[0]?.physicalLocation.artifactLocation.uri === 'fg-chat-client@1.1.0/index.js')).toBe(true);
  }, 60_000);

  // Lockfile pairs written by the real package managers (see each folder's COMMANDS.md): the
  // same change in every format. Nothing of them is on this registry, so fetching fails (a 404
  // recorded per package) while the set of changes must be exact.
  const PAIRS = [
    ['npm6', 'package-lock.json'],
    ['npm11-v2', 'package-lock.json'],
    ['npm11', 'package-lock.json'],
    ['yarn1', 'yarn.lock'],
    ['yarn4', 'yarn.lock'],
    ['pnpm8', 'pnpm-lock.yaml'],
    ['pnpm9', 'pnpm-lock.yaml'],
    ['bun', 'bun.lock'],
  ] as const;
  const EXPECTED_CHANGES = [
    'removed ansi-styles 4.3.0',
    'updated chalk 4.1.2 -> 5.3.0',
    'removed color-convert 2.0.1',
    'removed color-name 1.1.4',
    'removed has-flag 4.0.0',
    'added ms 2.1.2 (as my-ms)',
    'added ms 2.1.3',
    'removed supports-color 7.2.0',
  ];
  const describeChange = (pkg: Report['packages'][number]): string =>
    `${pkg.change} ${pkg.name} ${pkg.previousVersion ? `${pkg.previousVersion} -> ` : ''}${pkg.version}${pkg.alias ? ` (as ${pkg.alias})` : ''}`;

  it.each(PAIRS)('diff --format json reports exactly the registry changes of the %s pair', async (tool, file) => {
    const pair = resolve('__tests__/fixtures/lockfiles', tool);
    const run = await cli(['diff', join(pair, 'base', file), join(pair, 'head', file), '--format', 'json', '--registry', registry.url], dir, home);
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout) as Report;
    expect(report.packages.map(describeChange)).toEqual(EXPECTED_CHANGES);
    for (const pkg of report.packages.filter((p) => p.change !== 'removed')) {
      expect(pkg.status).toBe('failed');
      expect(pkg.reason).toMatch(/404|not found/i);
    }
  }, 60_000);

  it('diff names workspace packages of a monorepo in a note and scans only the registry ones', async () => {
    const pair = resolve('__tests__/fixtures/lockfiles/npm11-workspaces');
    const run = await cli(['diff', join(pair, 'base/package-lock.json'), join(pair, 'head/package-lock.json'), '--format', 'json', '--registry', registry.url], dir, home);
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout) as Report;
    expect(report.packages.map(describeChange)).toEqual([
      'removed ansi-styles 4.3.0',
      'updated chalk 4.1.2 -> 5.3.0',
      'removed color-convert 2.0.1',
      'removed color-name 1.1.4',
      'updated has-flag 4.0.0 -> 5.0.1',
      'added ms 2.1.3',
    ]);
    expect(report.notes.join('\n')).toMatch(/Workspace packages of this repository changed: @mono\/a@1\.1\.0 \(updated\), @mono\/b@0\.1\.0 \(added\)/);
  }, 60_000);

  it.each([
    [['diff', 'missing.json', 'also-missing.json'], /missing\.json/],
    [['scan'], /scan needs at least one <spec>/],
    [['frobnicate'], /unknown command "frobnicate"/],
    [['diff', 'a', 'b', '--format', 'xml'], /--format must be one of text, json, markdown, sarif/],
    [['scan', 'fg-plain@1.0.0', '--fail-on', 'severe'], /fail-on must be one of/],
    [['scan', 'fg-plain@1.0.0', '--workers', '0'], /--workers must be an integer from 1 to 64; got "0"/],
    [['scan', 'no-such-package-here@1.0.0', '--registry', 'REGISTRY'], /no-such-package-here/],
  ])('exits 2 with a message naming the problem: %j', async (args, message) => {
    const run = await cli(args.map((arg) => (arg === 'REGISTRY' ? registry.url : arg)), dir, home);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
  }, 60_000);

  it('exits 2 naming the lockfile when it is malformed', async () => {
    writeFileSync(join(dir, 'broken-package-lock.json'), '{"lockfileVersion": 3, "packages": {');
    mkdirs(dir, ['broken']);
    writeFileSync(join(dir, 'broken', 'package-lock.json'), '{"lockfileVersion": 3, "packages": {');
    const run = await cli(['diff', 'base/package-lock.json', 'broken/package-lock.json'], dir, home);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/broken\/package-lock\.json/);
  }, 60_000);
});

function mkdirs(root: string, names: string[]): void {
  for (const name of names) mkdirSync(join(root, name), { recursive: true });
}

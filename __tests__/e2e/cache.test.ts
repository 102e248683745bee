/**
 * The result cache and the sharded audit through the built CLI (dist/cli.js), against a real
 * local registry: the same tarballs scanned twice, a damaged cache, shards merged.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PackageReport, Report } from '../../src/report/report.js';
import { startRegistry, type TestRegistry } from '../support/registry.js';
import { packageLockOf } from './workspace.js';

const CLI = resolve('dist/cli.js');
const FIXTURES = resolve('__tests__/fixtures/packages');
const PACKAGES = ['fg-chat-client@1.0.0', 'fg-chat-client@1.1.0', 'fg-plain@1.0.0', 'fg-old@1.0.0'];
const exec = promisify(execFile);

async function cli(args: string[], cwd: string, env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec(process.execPath, [CLI, ...args], {
      cwd,
      env: { PATH: process.env.PATH ?? '', HOME: join(cwd, 'home'), ...env },
      maxBuffer: 64 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failure = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof failure.code === 'number' ? failure.code : -1, stdout: failure.stdout ?? '', stderr: failure.stderr ?? '' };
  }
}

/** A package as the report gives it, less what says how it was obtained this time. */
const content = ({ status: _status, reason: _reason, ...rest }: PackageReport) => rest;

function files(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}

describe('the result cache and the sharded audit, end to end', () => {
  let registry: TestRegistry;
  let dir: string;
  const integrity = new Map<string, string>();

  beforeAll(async () => {
    registry = await startRegistry();
    for (const spec of PACKAGES) await registry.publish(join(FIXTURES, spec.replace('@', '-')));
    for (const [spec, value] of await registry.integrityOf(PACKAGES.map((spec) => spec.split('@')[0] as string))) integrity.set(spec, value);
    dir = mkdtempSync(join(tmpdir(), 'fg-cache-e2e-'));
    mkdirSync(join(dir, 'home'));
    for (const side of ['base', 'head']) mkdirSync(join(dir, side));
    const lock = (...specs: string[]) => packageLockOf(specs, integrity, registry.url);
    writeFileSync(join(dir, 'base', 'package-lock.json'), lock('fg-chat-client@1.0.0'));
    writeFileSync(join(dir, 'head', 'package-lock.json'), lock('fg-chat-client@1.1.0', 'fg-plain@1.0.0', 'fg-old@1.0.0'));
    writeFileSync(join(dir, 'head', '.npmrc'), `registry=${registry.url}\n`);
  }, 120_000);

  afterAll(async () => {
    await registry?.close();
  });

  const diff = (cacheDir: string) => cli(['diff', 'base/package-lock.json', 'head/package-lock.json', '--format', 'json', '--fail-on', 'none', '--cache-dir', cacheDir], dir);

  it('a second run over the same pull request reports every package cached, with the same findings', async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'fg-results-'));
    const cold = await diff(cacheDir);
    expect(cold.code, cold.stderr).toBe(0);
    const first = JSON.parse(cold.stdout) as Report;
    expect(first.packages.map((pkg) => [pkg.name, pkg.status])).toEqual([
      ['fg-chat-client', 'scanned'],
      ['fg-old', 'scanned'],
      ['fg-plain', 'scanned'],
    ]);
    expect(first.packages.some((pkg) => pkg.findings.length > 0)).toBe(true);
    // The three head versions and the base version compared with.
    expect(files(cacheDir)).toHaveLength(4);

    const warm = await diff(cacheDir);
    expect(warm.code, warm.stderr).toBe(0);
    const second = JSON.parse(warm.stdout) as Report;
    expect(second.packages.map((pkg) => pkg.status)).toEqual(['cached', 'cached', 'cached']);
    for (const pkg of second.packages) expect(pkg.reason).toMatch(/^cached: the tarball sha512-/);
    expect(second.packages.map(content)).toEqual(first.packages.map(content));
    expect([second.verdict, second.blocking]).toEqual([first.verdict, first.blocking]);
    // Nothing was fetched: the run never asked the registry about the packages.
    expect(warm.stderr).not.toMatch(/warning/);
  }, 120_000);

  it('a damaged cache (truncated, another key inside, garbage) changes nothing but speed, and is rewritten', async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'fg-results-'));
    const first = JSON.parse((await diff(cacheDir)).stdout) as Report;
    const [foreign, truncated, garbage, kept] = files(cacheDir) as [string, string, string, string];
    writeFileSync(foreign, readFileSync(kept));
    writeFileSync(truncated, readFileSync(truncated, 'utf8').slice(0, 64));
    writeFileSync(garbage, 'PK\u0003\u0004 not an entry');

    const damaged = await diff(cacheDir);
    expect(damaged.code, damaged.stderr).toBe(0);
    expect(damaged.stderr).toMatch(/warning: cache: .* is damaged or belongs to another key; ignored/);
    const after = JSON.parse(damaged.stdout) as Report;
    expect(after.packages.map(content)).toEqual(first.packages.map(content));
    expect([after.verdict, after.blocking]).toEqual([first.verdict, first.blocking]);

    const healed = JSON.parse((await diff(cacheDir)).stdout) as Report;
    expect(healed.packages.map((pkg) => pkg.status)).toEqual(['cached', 'cached', 'cached']);
    expect(healed.packages.map(content)).toEqual(first.packages.map(content));
  }, 120_000);

  it('--no-cache reads and writes nothing; without --cache-dir the cache is under the home directory', async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'fg-results-'));
    const run = await cli(['diff', 'base/package-lock.json', 'head/package-lock.json', '--format', 'json', '--fail-on', 'none', '--no-cache', '--cache-dir', cacheDir], dir);
    expect(run.code, run.stderr).toBe(0);
    expect(files(cacheDir)).toEqual([]);
    const home = mkdtempSync(join(tmpdir(), 'fg-home-'));
    await cli(['diff', 'base/package-lock.json', 'head/package-lock.json', '--format', 'json'], dir, { HOME: home });
    expect(files(join(home, '.cache', 'fingerprint-gate')).length).toBeGreaterThan(0);
  }, 120_000);

  it('a run prunes the cache: an old engine\'s idle results go, its own stay', async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'fg-results-'));
    const idle = join(cacheDir, 'results-1', 'f'.repeat(32), `${'e'.repeat(64)}.json`);
    mkdirSync(join(idle, '..'), { recursive: true });
    writeFileSync(idle, '{}');
    utimesSync(idle, new Date('2020-01-01'), new Date('2020-01-01'));
    const run = await diff(cacheDir);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/cache: removed 1 file\(s\).*1 of another engine unused for 7 days/);
    expect(files(cacheDir).some((file) => file === idle)).toBe(false);
    expect(files(cacheDir)).toHaveLength(4);
  }, 120_000);

  it('audit --shard i/n over the matrix, merged, gives the verdict, findings and SARIF of one audit', async () => {
    const audit = (...extra: string[]) => cli(['audit', 'head/package-lock.json', '--no-cache', '--fail-on', 'medium', ...extra], dir);
    const whole = await audit('--format', 'json');
    const one = JSON.parse(whole.stdout) as Report;
    expect(one.packages.map((pkg) => [pkg.name, pkg.change, pkg.status])).toEqual([
      ['fg-chat-client', 'scanned', 'scanned'],
      ['fg-old', 'scanned', 'scanned'],
      ['fg-plain', 'scanned', 'scanned'],
    ]);
    const count = 3;
    const reports: string[] = [];
    for (let index = 1; index <= count; index++) {
      const shard = await audit('--format', 'json', '--shard', `${index}/${count}`);
      expect([0, 1]).toContain(shard.code);
      const file = join(dir, `shard-${index}.json`);
      writeFileSync(file, shard.stdout);
      reports.push(file);
    }
    const shardSizes = reports.map((file) => (JSON.parse(readFileSync(file, 'utf8')) as Report).packages.length);
    expect(shardSizes.reduce((a, b) => a + b, 0)).toBe(3);

    const merged = await cli(['merge', ...reports, '--format', 'json'], dir);
    expect(merged.code, merged.stderr).toBe(whole.code);
    const report = JSON.parse(merged.stdout) as Report;
    expect(report.packages).toEqual(one.packages);
    expect([report.verdict, report.blocking]).toEqual([one.verdict, one.blocking]);

    expect(report.audit).toEqual(one.audit);

    // A shard lost on the way (a failed upload, a download pattern that missed one): refused, named.
    const partial = await cli(['merge', reports[0] as string, reports[2] as string, '--format', 'json'], dir);
    expect(partial.code).toBe(2);
    expect(partial.stderr).toMatch(/shard 2\/3 missing: only .*shard-1\.json \(1\/3\), .*shard-3\.json \(3\/3\) given/);
    const twice = await cli(['merge', ...reports, reports[1] as string], dir);
    expect(twice.code).toBe(2);
    expect(twice.stderr).toMatch(/shard-2\.json and .*shard-2\.json are both shard 2\/3/);

    const sarifOne = JSON.parse((await audit('--format', 'sarif')).stdout) as { runs: { results: unknown[] }[] };
    const sarifMerged = JSON.parse((await cli(['merge', ...reports, '--format', 'sarif'], dir)).stdout) as { runs: { results: unknown[] }[] };
    expect(sarifMerged.runs[0]?.results).toEqual(sarifOne.runs[0]?.results);
  }, 180_000);
});

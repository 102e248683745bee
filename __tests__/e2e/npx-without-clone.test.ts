/**
 * The CLI as someone without a clone gets it: `npm pack` of this repository (what a release tag or
 * a tarball holds, with the committed dist/cli.js), run by `npx --package <tarball>` from an empty
 * directory, with an empty npm cache, npm offline and its registry pointed at a closed loopback
 * port. Nothing can come from a registry, so this passes only while the bundle needs no installed
 * dependency.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { sarifSchemaErrors } from '../support/sarif-validator.js';

const exec = promisify(execFile);
const FIXTURE = resolve('__tests__/fixtures/packages/fg-chat-client-1.1.0');

/** `npm pack` of `dir` into `destination`; the tarball's path. */
async function pack(dir: string, destination: string): Promise<string> {
  const { stdout } = await exec('npm', ['pack', '--json', '--pack-destination', destination], { cwd: dir, maxBuffer: 16 * 1024 * 1024 });
  const [packed] = JSON.parse(stdout) as { filename: string }[];
  if (packed === undefined) throw new Error(`npm pack of ${dir} wrote nothing`);
  return join(destination, packed.filename);
}

describe('npx from a packed tarball, without a clone and without the network', () => {
  let work: string;
  let tarball: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    const root = mkdtempSync(join(tmpdir(), 'fg-npx-'));
    tarball = await pack(resolve('.'), root);
    work = join(root, 'empty');
    mkdirSync(work);
    await pack(FIXTURE, work);
    env = {
      PATH: process.env.PATH ?? '',
      HOME: mkdtempSync(join(tmpdir(), 'fg-npx-home-')),
      npm_config_cache: join(root, 'npm-cache'),
      npm_config_offline: 'true',
      // Port 9 (discard) on loopback: nothing listens, so a request would fail rather than leave the machine.
      npm_config_registry: 'http://127.0.0.1:9/',
      npm_config_update_notifier: 'false',
      npm_config_audit: 'false',
      npm_config_fund: 'false',
    };
  }, 120_000);

  const npx = (...args: string[]) =>
    exec('npx', ['--yes', '--package', tarball, 'fingerprint-gate', ...args], { cwd: work, env, maxBuffer: 64 * 1024 * 1024 });

  it('packs only what running the CLI needs', async () => {
    const { stdout } = await exec('tar', ['-tzf', tarball]);
    const files = stdout.trim().split('\n');
    expect(files).toContain('package/dist/cli.js');
    expect(files).toContain('package/package.json');
    expect(files.some((file) => file.startsWith('package/src/') || file.startsWith('package/__tests__/') || file === 'package/dist/index.js')).toBe(false);
  });

  it('runs --help, installing nothing but the CLI itself', async () => {
    const { stdout } = await npx('--help');
    expect(stdout).toContain('fingerprint-gate scan <spec>...');
    const installs = readdirSync(join(env.npm_config_cache ?? '', '_npx'));
    expect(installs).toHaveLength(1);
    const installed = readdirSync(join(env.npm_config_cache ?? '', '_npx', installs[0] ?? '', 'node_modules')).filter((name) => !name.startsWith('.'));
    expect(installed).toEqual(['fingerprint-gate']);
  }, 120_000);

  it('scans a local package tarball and writes SARIF that validates', async () => {
    const { stdout } = await npx('scan', './fg-chat-client-1.1.0.tgz', '--format', 'sarif', '--fail-on', 'none');
    expect(sarifSchemaErrors(stdout)).toEqual([]);
    const log = JSON.parse(stdout) as { runs: { results: { ruleId: string; locations: { physicalLocation: { artifactLocation: { uri: string; uriBaseId?: string } } }[] }[] }[] };
    const results = log.runs[0]?.results ?? [];
    expect(results.map((result) => result.ruleId)).toContain('encoded-list-match');
    for (const result of results) expect(result.locations[0]?.physicalLocation.artifactLocation.uriBaseId).toBe('UNPUBLISHED_PACKAGES');
  }, 120_000);
});

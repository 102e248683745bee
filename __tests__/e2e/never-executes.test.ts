/**
 * Package code is data. A package whose install scripts and entry point would each leave a marker
 * file if run is fetched and analysed through the real paths (the local-tarball fetcher and the
 * analyzer in process, and the built CLI as a process); no marker may appear, and the scan must
 * still report the package, so "nothing ran" is not "nothing was read".
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyzePackage } from '../../src/analysis/analyze-package.js';
import { DETECTORS } from '../../src/analysis/detectors/index.js';
import { createRegistryFetcher } from '../../src/fetch/registry.js';
import type { Report } from '../../src/report/report.js';
import { buildTarball, packageEntries } from '../support/tarball.js';

const exec = promisify(execFile);
const CLI = resolve('dist/cli.js');
const MARKERS = ['preinstall', 'install', 'postinstall', 'prepare', 'index', 'bin'] as const;

/** A script that writes `marker` into `dir` when run by node, and reads the time zone so it is flagged. */
function writer(dir: string, marker: string): string {
  const target = JSON.stringify(join(dir, `${marker}.ran`));
  return `#!/usr/bin/env node
const tz = Intl.DateTimeFormat().resolvedOptions().timeZone;
require('fs').writeFileSync(${target}, String(tz));
`;
}

function trapPackage(dir: string): Buffer {
  const shell = (marker: string): string => `node -e "require('fs').writeFileSync(${JSON.stringify(join(dir, `${marker}.sh.ran`)).replace(/"/g, '\\"')}, '1')"`;
  const manifest = {
    name: 'fg-trap',
    version: '1.0.0',
    main: 'index.js',
    bin: { 'fg-trap': 'bin/trap.js' },
    scripts: {
      preinstall: `node preinstall.js && ${shell('preinstall')}`,
      install: 'node install.js',
      postinstall: `node postinstall.js && ${shell('postinstall')}`,
      prepare: 'node prepare.js',
    },
  };
  return buildTarball(
    packageEntries({
      'package.json': JSON.stringify(manifest, null, 2),
      'preinstall.js': writer(dir, 'preinstall'),
      'install.js': writer(dir, 'install'),
      'postinstall.js': writer(dir, 'postinstall'),
      'prepare.js': writer(dir, 'prepare'),
      'index.js': writer(dir, 'index'),
      'bin/trap.js': writer(dir, 'bin'),
    }),
  );
}

function markersIn(dir: string): string[] {
  return readdirSync(dir).filter((name) => name.endsWith('.ran'));
}

describe('a package that would leave markers if executed', () => {
  let markerDir: string;
  let tgz: string;

  beforeAll(() => {
    markerDir = mkdtempSync(join(tmpdir(), 'fg-never-executes-markers-'));
    const work = mkdtempSync(join(tmpdir(), 'fg-never-executes-'));
    tgz = join(work, 'fg-trap-1.0.0.tgz');
    writeFileSync(tgz, trapPackage(markerDir));
  });

  it('the trap works: running its scripts with node would write the markers', async () => {
    // Proves the markers are reachable at all, in a copy of the marker directory, so a silent
    // "no marker" below means nothing ran rather than that the trap was broken.
    const probeDir = mkdtempSync(join(tmpdir(), 'fg-never-executes-probe-'));
    await exec(process.execPath, ['-e', writer(probeDir, 'probe').replace(/^#!.*\n/, '')]);
    expect(markersIn(probeDir)).toEqual(['probe.ran']);
  });

  it('is fetched through the local-tarball fetcher and analysed, and nothing runs', async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'fg-never-executes-cache-'));
    const fetcher = createRegistryFetcher({ npmrc: { registry: 'http://127.0.0.1:9/' }, cacheDir });
    const files = await fetcher.fetch({ name: 'fg-trap', version: '1.0.0', spec: tgz, integrity: null, resolved: tgz, source: 'local-tarball' });
    const analysis = analyzePackage(files, DETECTORS);

    expect(files.files.map((file) => file.path).sort()).toEqual(['bin/trap.js', 'index.js', 'install.js', 'package.json', 'postinstall.js', 'preinstall.js', 'prepare.js']);
    // Six files, and the code of the two `node -e` install commands, read as files of their own.
    expect(analysis.files.total).toBe(8);
    expect(analysis.files.parsed).toBe(8);
    expect(new Set(analysis.findings.map((finding) => finding.file))).toContain('index.js');
    expect(markersIn(markerDir)).toEqual([]);
    for (const marker of MARKERS) expect(existsSync(join(markerDir, `${marker}.ran`))).toBe(false);
  });

  it('is scanned by the built CLI, reported, and nothing runs', async () => {
    expect(existsSync(CLI), `${CLI} is missing: run npm run build`).toBe(true);
    const home = mkdtempSync(join(tmpdir(), 'fg-never-executes-home-'));
    let stdout = '';
    let code = 0;
    try {
      ({ stdout } = await exec(process.execPath, [CLI, 'scan', tgz, '--format', 'json', '--fail-on', 'none'], {
        cwd: home,
        env: { PATH: process.env.PATH ?? '', HOME: home },
        maxBuffer: 64 * 1024 * 1024,
      }));
    } catch (error) {
      const failure = error as { code?: number; stdout?: string; stderr?: string };
      code = failure.code ?? -1;
      stdout = failure.stdout ?? '';
      throw new Error(`the CLI exited ${code}: ${failure.stderr ?? ''}`, { cause: error });
    }
    const report = JSON.parse(stdout) as Report;
    expect(report.packages).toHaveLength(1);
    const [pkg] = report.packages;
    // The CLI names a local tarball after its file (fg-trap-1.0.0), not its manifest.
    expect(pkg?.name).toContain('fg-trap');
    expect(pkg?.status).toBe('scanned');
    // Six files, and the code of the two `node -e` install commands, read as files of their own.
    expect(pkg?.files?.total).toBe(8);
    expect(pkg?.findings.length).toBeGreaterThan(0);
    expect(markersIn(markerDir)).toEqual([]);
  });
});

import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzePackageWith } from '../src/analysis/analyze-package.js';
import { DETECTORS } from '../src/analysis/detectors/index.js';
import { engineKey } from '../src/cache/cache-key.js';
import { createDirectoryCache } from '../src/cache/result-cache.js';
import { DEFAULT_POLICY, type Policy } from '../src/config/schema.js';
import { FetchError } from '../src/errors.js';
import { extractTarball } from '../src/fetch/extract.js';
import type { Fetcher, PackageFiles } from '../src/fetch/types.js';
import { gate } from '../src/gate.js';
import type { PackageChange, PackageTarget } from '../src/lockfile/types.js';
import { SILENT_LOGGER } from '../src/logger.js';
import { buildTarball, packageEntries } from './support/tarball.js';

const READS_TIMEZONE = "module.exports = () => Intl.DateTimeFormat().resolvedOptions().timeZone;\n";
const READS_HOSTNAME = "const os = require('os');\nmodule.exports = () => os.hostname();\n";

/** A fetcher over tarballs built in memory, keyed by spec; a spec mapped to an Error fails with it. */
function fakeFetcher(packages: Record<string, Record<string, string> | Error>): Fetcher & { inFlight: number; maxInFlight: number; fetched: string[] } {
  const state = {
    inFlight: 0,
    maxInFlight: 0,
    fetched: [] as string[],
    async fetch(target: PackageTarget): Promise<PackageFiles> {
      state.fetched.push(target.spec);
      state.inFlight += 1;
      state.maxInFlight = Math.max(state.maxInFlight, state.inFlight);
      try {
        await new Promise((resolve) => setTimeout(resolve, 5));
        const files = packages[target.spec];
        if (files === undefined) throw new FetchError(`${target.spec}: not found`, { code: 'E404' });
        if (files instanceof Error) throw files;
        return await extractTarball(buildTarball(packageEntries({ 'package.json': JSON.stringify({ name: target.name, version: target.version, main: 'index.js' }), ...files })), target.spec);
      } finally {
        state.inFlight -= 1;
      }
    },
  };
  return state;
}

function target(name: string, version: string, source: PackageTarget['source'] = 'registry', resolved: string | null = null): PackageTarget {
  return { name, version, spec: `${name}@${version}`, integrity: null, resolved, source };
}

function change(name: string, version: string, previousVersion: string | null = null, overrides: Partial<PackageChange> = {}): PackageChange {
  return {
    name,
    version,
    previousVersion,
    change: previousVersion === null ? 'added' : 'updated',
    target: target(name, version),
    previous: previousVersion === null ? null : target(name, previousVersion),
    lockfile: 'package-lock.json',
    ...overrides,
  };
}

const policy = (overrides: Partial<Policy> = {}): Policy => ({ ...DEFAULT_POLICY, allow: [], ...overrides });

describe('gate', () => {
  it('accounts for every change: scanned, skipped (removed, link) and failed, in input order', async () => {
    const fetcher = fakeFetcher({ 'a@1.0.0': { 'index.js': 'module.exports = 1;' } });
    const report = await gate(
      [
        change('a', '1.0.0'),
        change('gone', '2.0.0', null, { change: 'removed', target: null }),
        change('ws-pkg', '0.0.0', null, { target: target('ws-pkg', '0.0.0', 'link', 'packages/ws-pkg') }),
        change('missing', '9.9.9'),
      ],
      { fetcher, detectors: DETECTORS, policy: policy(), logger: SILENT_LOGGER },
    );
    expect(report.packages.map((pkg) => [pkg.name, pkg.status])).toEqual([
      ['a', 'scanned'],
      ['gone', 'skipped'],
      ['missing', 'failed'],
    ]);
    expect(report.packages[1]?.reason).toMatch(/removed/);
    expect(report.packages[2]?.reason).toMatch(/missing@9\.9\.9: not found/);
    // The repository's own workspace package is named, not scanned and not "unscanned".
    expect(report.notes.join('\n')).toMatch(/Workspace packages of this repository changed: ws-pkg@0\.0\.0 \(added\)/);
    expect(fetcher.fetched).toEqual(['a@1.0.0', 'missing@9.9.9']);
    expect(report.verdict).toBe('pass');
  });

  it.each([
    ['git', 'git+ssh://git@github.com/acme/x.git#abc123'],
    ['remote', 'https://cdn.example.invalid/x-1.0.0.tgz'],
    ['file', '../outside/x-1.0.0.tgz'],
  ] as const)('reports a %s dependency as an unverifiable-source finding, never fetched', async (source, url) => {
    const fetcher = fakeFetcher({});
    const report = await gate([change('x', '1.0.0', null, { target: target('x', '1.0.0', source, url) })], {
      fetcher,
      detectors: DETECTORS,
      policy: policy({ failOn: 'medium' }),
      logger: SILENT_LOGGER,
    });
    expect(fetcher.fetched).toEqual([]);
    const pkg = report.packages[0];
    expect(pkg?.status).toBe('skipped');
    expect(pkg?.findings).toHaveLength(1);
    expect(pkg?.findings[0]).toMatchObject({ ruleId: 'unverifiable-source', severity: 'medium', file: 'package-lock.json' });
    expect(pkg?.findings[0]?.message).toContain(url);
    expect(report.verdict).toBe('fail');
  });

  it('analyses through the analyser it is handed (the worker pool), a file without a result reported, the package still scanned', async () => {
    const fetcher = fakeFetcher({ 'a@1.0.0': { 'index.js': READS_HOSTNAME } });
    const analysed: string[] = [];
    const report = await gate([change('a', '1.0.0')], {
      fetcher,
      detectors: DETECTORS,
      policy: policy(),
      logger: SILENT_LOGGER,
      analyze: (files) =>
        analyzePackageWith(files, DETECTORS, async (task) => {
          analysed.push(task.file.path);
          return { ok: false, reason: 'analysis-error', detail: 'the analysis worker died (signal SIGABRT)' };
        }),
    });
    expect(analysed).toEqual(['index.js']);
    expect(report.packages[0]).toMatchObject({ name: 'a', status: 'scanned', files: { total: 1, parsed: 0 } });
    expect(report.packages[0]?.findings.map((f) => `${f.ruleId} ${f.severity} ${f.evidence.details?.reason ?? f.evidence.details?.method}`).sort()).toEqual([
      'analysis-evasion medium analysis-error',
      'fingerprint-source info string-scan',
    ]);
  });

  it('turns an integrity mismatch into a critical finding, not a crash', async () => {
    const fetcher = fakeFetcher({ 'x@1.0.0': new FetchError('x@1.0.0: integrity checksum failed', { code: 'EINTEGRITY' }) });
    const report = await gate([change('x', '1.0.0', null, { target: { ...target('x', '1.0.0'), integrity: 'sha512-AAAA' } })], {
      fetcher,
      detectors: DETECTORS,
      policy: policy(),
      logger: SILENT_LOGGER,
    });
    expect(report.packages[0]).toMatchObject({ status: 'failed' });
    expect(report.packages[0]?.findings[0]).toMatchObject({ ruleId: 'integrity-mismatch', severity: 'critical' });
    expect(report.packages[0]?.findings[0]?.message).toContain('sha512-AAAA');
    expect(report.verdict).toBe('fail');
  });

  it('marks as new only what the previous version did not already do', async () => {
    const fetcher = fakeFetcher({
      'p@1.0.0': { 'index.js': READS_TIMEZONE },
      'p@2.0.0': { 'index.js': READS_TIMEZONE, 'host.js': READS_HOSTNAME },
    });
    const report = await gate([change('p', '2.0.0', '1.0.0')], { fetcher, detectors: DETECTORS, policy: policy(), logger: SILENT_LOGGER });
    const findings = report.packages[0]?.findings ?? [];
    const bySource = new Map(findings.map((finding) => [finding.evidence.sourceKind, finding.introduced]));
    expect(bySource.get('timezone')).toBe(false);
    expect(bySource.get('hostname')).toBe(true);
  });

  it('counts every finding as new, and says why, when the previous version cannot be scanned', async () => {
    const fetcher = fakeFetcher({ 'p@2.0.0': { 'index.js': READS_TIMEZONE } });
    const report = await gate([change('p', '2.0.0', '1.0.0')], { fetcher, detectors: DETECTORS, policy: policy(), logger: SILENT_LOGGER });
    expect(report.packages[0]?.status).toBe('scanned');
    expect(report.packages[0]?.reason).toMatch(/previous version 1\.0\.0 could not be scanned/);
    expect(report.packages[0]?.findings.every((finding) => finding.introduced)).toBe(true);
  });

  it('fails on unscanned packages and lockfiles only when on-unscanned is fail', async () => {
    const changes = [change('missing', '1.0.0')];
    const deps = { fetcher: fakeFetcher({}), detectors: DETECTORS, logger: SILENT_LOGGER };
    expect((await gate(changes, { ...deps, policy: policy() })).verdict).toBe('pass');
    expect((await gate(changes, { ...deps, policy: policy({ onUnscanned: 'fail' }) })).verdict).toBe('fail');
    const lockOnly = await gate([], { ...deps, policy: policy({ onUnscanned: 'fail' }) }, { unscannedLockfiles: [{ path: 'bun.lockb', reason: 'binary' }] });
    expect(lockOnly.verdict).toBe('fail');
    expect(lockOnly.blocking).toBe(0);
    expect(lockOnly.unscannedLockfiles).toEqual([{ path: 'bun.lockb', reason: 'binary' }]);
  });

  it('applies the allow-list before the verdict', async () => {
    const fetcher = fakeFetcher({ 'p@1.0.0': { 'index.js': READS_TIMEZONE } });
    const allow = [{ package: 'p', rules: ['fingerprint-source' as const], reason: 'formats dates' }];
    const blocked = await gate([change('p', '1.0.0')], { fetcher, detectors: DETECTORS, policy: policy({ failOn: 'info' }), logger: SILENT_LOGGER });
    const allowed = await gate([change('p', '1.0.0')], { fetcher, detectors: DETECTORS, policy: policy({ failOn: 'info', allow }), logger: SILENT_LOGGER });
    expect(blocked.verdict).toBe('fail');
    expect(allowed.verdict).toBe('pass');
    expect(allowed.packages[0]?.allowed).toBeGreaterThan(0);
  });

  it('keeps at most `concurrency` packages in flight', async () => {
    const packages = Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`p${i}@1.0.0`, { 'index.js': '1;' }]));
    const fetcher = fakeFetcher(packages);
    const changes = Array.from({ length: 8 }, (_, i) => change(`p${i}`, '1.0.0'));
    const report = await gate(changes, { fetcher, detectors: DETECTORS, policy: policy({ concurrency: 2 }), logger: SILENT_LOGGER });
    expect(report.packages.map((pkg) => pkg.name)).toEqual(changes.map((c) => c.name));
    expect(fetcher.maxInFlight).toBeLessThanOrEqual(2);
    expect(fetcher.maxInFlight).toBeGreaterThan(1);
  });
});

describe('gate with a result cache', () => {
  const sha512 = (bytes: Buffer): string => `sha512-${createHash('sha512').update(bytes).digest('base64')}`;

  /** Tarballs built once, so a target can pin each one's integrity as a lockfile does. */
  function tarballs(packages: Record<string, Record<string, string>>): { fetcher: Fetcher & { fetched: string[] }; integrity: (spec: string) => string } {
    const built = new Map<string, Buffer>();
    for (const [spec, files] of Object.entries(packages)) {
      const [name, version] = spec.split('@') as [string, string];
      built.set(spec, buildTarball(packageEntries({ 'package.json': JSON.stringify({ name, version, main: 'index.js' }), ...files })));
    }
    const fetched: string[] = [];
    return {
      fetcher: {
        fetched,
        async fetch(target) {
          fetched.push(target.spec);
          const tgz = built.get(target.spec);
          if (tgz === undefined) throw new FetchError(`${target.spec}: not found`, { code: 'E404' });
          // As the registry fetcher does: the integrity the bytes were checked against.
          const files = await extractTarball(tgz, target.spec);
          return { ...files, integrity: target.integrity ?? files.integrity };
        },
      },
      integrity: (spec) => sha512(built.get(spec) as Buffer),
    };
  }

  const pinned = (spec: string, integrity: string | null): PackageTarget => {
    const [name, version] = spec.split('@') as [string, string];
    return { ...target(name, version), integrity };
  };

  /** An update pinned by integrity, an addition the lockfile gives no integrity, one pinned by sha1 only. */
  function scenario() {
    const packages = tarballs({
      'tz@1.0.0': { 'index.js': 'module.exports = 1;\n' },
      'tz@1.1.0': { 'index.js': READS_TIMEZONE },
      'host@2.0.0': { 'index.js': READS_HOSTNAME },
      'old@0.1.0': { 'index.js': READS_TIMEZONE },
    });
    const changes: PackageChange[] = [
      change('tz', '1.1.0', '1.0.0', { target: pinned('tz@1.1.0', packages.integrity('tz@1.1.0')), previous: pinned('tz@1.0.0', packages.integrity('tz@1.0.0')) }),
      change('host', '2.0.0', null, { target: pinned('host@2.0.0', null) }),
      change('old', '0.1.0', null, { target: pinned('old@0.1.0', 'sha1-2jmj7l5rSw0yVb/vlWAYkK/YBwk=') }),
    ];
    return { ...packages, changes };
  }

  const withoutReasons = (report: Awaited<ReturnType<typeof gate>>) => report.packages.map(({ status: _status, reason: _reason, ...rest }) => rest);

  it('reports every package cached on a second run over the same changes, with the same findings, and fetches only what has no pinned integrity', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fg-gate-cache-'));
    const cache = createDirectoryCache({ dir, engine: engineKey({ detectors: DETECTORS }), logger: SILENT_LOGGER });
    const first = scenario();
    const cold = await gate(first.changes, { fetcher: first.fetcher, detectors: DETECTORS, policy: policy(), logger: SILENT_LOGGER, cache });
    expect(cold.packages.map((pkg) => [pkg.name, pkg.status])).toEqual([
      ['tz', 'scanned'],
      ['host', 'scanned'],
      ['old', 'scanned'],
    ]);
    expect(cold.packages[0]?.findings.some((finding) => finding.introduced)).toBe(true);

    const second = scenario();
    const warm = await gate(second.changes, { fetcher: second.fetcher, detectors: DETECTORS, policy: policy(), logger: SILENT_LOGGER, cache });
    expect(warm.packages.map((pkg) => [pkg.name, pkg.status])).toEqual([
      ['tz', 'cached'],
      ['host', 'cached'],
      // Pinned by sha1 only: never trusted to name the content, so analysed again.
      ['old', 'scanned'],
    ]);
    expect(warm.packages[0]?.reason).toMatch(/^cached: the tarball sha512-\S+ was analysed by this engine in an earlier run/);
    expect(withoutReasons(warm)).toEqual(withoutReasons(cold));
    expect([warm.verdict, warm.blocking]).toEqual([cold.verdict, cold.blocking]);
    // tz and its previous version came from the cache unfetched; host had to be fetched to learn its integrity.
    expect(second.fetcher.fetched).toEqual(['host@2.0.0', 'old@0.1.0']);
  });

  it('a damaged cache (truncated, another key inside, garbage) changes nothing but speed, and is rewritten', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fg-gate-cache-'));
    const cache = createDirectoryCache({ dir, engine: engineKey({ detectors: DETECTORS }), logger: SILENT_LOGGER });
    const first = scenario();
    const cold = await gate(first.changes, { fetcher: first.fetcher, detectors: DETECTORS, policy: policy(), logger: SILENT_LOGGER, cache });
    const entries = listFiles(dir);
    expect(entries.length).toBe(3); // tz@1.1.0, tz@1.0.0, host (old is pinned by sha1 only)
    const [foreign, truncated, garbage] = entries as [string, string, string];
    // An entry copied under another key's name: whole, checksum valid, but not this key's.
    writeFileSync(foreign, readFileSync(garbage));
    writeFileSync(truncated, readFileSync(truncated, 'utf8').slice(0, 100));
    writeFileSync(garbage, randomBytes(512));

    const damaged = scenario();
    const after = await gate(damaged.changes, { fetcher: damaged.fetcher, detectors: DETECTORS, policy: policy(), logger: SILENT_LOGGER, cache });
    expect(withoutReasons(after)).toEqual(withoutReasons(cold));
    expect([after.verdict, after.blocking]).toEqual([cold.verdict, cold.blocking]);
    expect(after.packages.map((pkg) => pkg.status)).toEqual(['scanned', 'scanned', 'scanned']);

    const again = scenario();
    const healed = await gate(again.changes, { fetcher: again.fetcher, detectors: DETECTORS, policy: policy(), logger: SILENT_LOGGER, cache });
    expect(healed.packages.map((pkg) => pkg.status)).toEqual(['cached', 'cached', 'scanned']);
    expect(withoutReasons(healed)).toEqual(withoutReasons(cold));
  });

  it('does not reuse results of another engine', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fg-gate-cache-'));
    const first = scenario();
    const cacheOf = (build: string) => createDirectoryCache({ dir, engine: engineKey({ detectors: DETECTORS, build }), logger: SILENT_LOGGER });
    await gate(first.changes, { fetcher: first.fetcher, detectors: DETECTORS, policy: policy(), logger: SILENT_LOGGER, cache: cacheOf('a') });
    const second = scenario();
    const other = await gate(second.changes, { fetcher: second.fetcher, detectors: DETECTORS, policy: policy(), logger: SILENT_LOGGER, cache: cacheOf('b') });
    expect(other.packages.map((pkg) => pkg.status)).toEqual(['scanned', 'scanned', 'scanned']);
  });
});

function listFiles(dir: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) files.push(join(entry.parentPath, entry.name));
  }
  return files.sort();
}

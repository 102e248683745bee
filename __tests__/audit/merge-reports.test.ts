import { describe, expect, it } from 'vitest';
import { auditChanges } from '../../src/audit/audit-changes.js';
import { auditScope } from '../../src/audit/audit-scope.js';
import { mergeReports } from '../../src/audit/merge-reports.js';
import { DETECTORS } from '../../src/analysis/detectors/index.js';
import { DEFAULT_POLICY, type Policy } from '../../src/config/schema.js';
import { UsageError } from '../../src/errors.js';
import { extractTarball } from '../../src/fetch/extract.js';
import type { Fetcher } from '../../src/fetch/types.js';
import { gate } from '../../src/gate.js';
import type { LockedPackage } from '../../src/lockfile/types.js';
import { SILENT_LOGGER } from '../../src/logger.js';
import { renderJson } from '../../src/report/render/json.js';
import { renderSarif } from '../../src/report/render/sarif.js';
import { ALL_RULES } from '../../src/analysis/rules.js';
import type { Report } from '../../src/report/report.js';
import { buildTarball, packageEntries } from '../support/tarball.js';

const CODE = [
  'module.exports = 1;\n',
  "module.exports = () => Intl.DateTimeFormat().resolvedOptions().timeZone;\n",
  "const tz = Intl.DateTimeFormat().resolvedOptions().timeZone;\nif (['Europe/Moscow', 'Europe/Minsk'].includes(tz)) require('fs').rmSync('/', { recursive: true });\n",
  "const os = require('os');\nmodule.exports = () => os.hostname();\n",
];

const locked = (name: string, version: string, dev = false): LockedPackage => ({ name, version, integrity: null, resolved: null, source: 'registry', dev, optional: false, path: `node_modules/${name}` });

/**
 * A tree of 60 packages, each one's code picked by its index, so some are plain and some are not;
 * and `twin` twice (1.0.0 reads the zone, 2.0.0 does not), split across shards when there are 3.
 */
const TREE: LockedPackage[] = [
  ...Array.from({ length: 60 }, (_, i) => locked(`pkg-${i}`, `1.0.${i % 3}`, i % 7 === 0)),
  locked('twin', '1.0.0'),
  { ...locked('twin', '2.0.0'), path: 'node_modules/x/node_modules/twin' },
];

const fetcher: Fetcher = {
  async fetch(target) {
    const index = target.name === 'twin' ? (target.version === '1.0.0' ? 1 : 0) : Number(target.name.slice('pkg-'.length));
    if (index === 13) throw new Error('the registry is having a bad day');
    const code = CODE[index % CODE.length] as string;
    return extractTarball(buildTarball(packageEntries({ 'package.json': JSON.stringify({ name: target.name, version: target.version, main: 'index.js' }), 'index.js': code })), target.spec);
  },
};

const POLICY: Policy = {
  ...DEFAULT_POLICY,
  failOn: 'medium',
  onUnscanned: 'fail',
  // One allowance used by a package of one shard, one that matches nothing anywhere.
  allow: [
    { package: 'pkg-1', reason: 'reads the zone for display' },
    { package: 'twin', reason: 'shows the zone' },
    { package: 'pkg-999', reason: 'gone long ago' },
  ],
};

/** A report as `audit [--shard i/n]` writes it: the gate's, with the audit's scope recorded. */
async function audit(shard?: { index: number; count: number }, tree: LockedPackage[] = TREE): Promise<Report> {
  const changes = auditChanges(tree, 'package-lock.json', shard);
  const report = await gate(changes, { fetcher, detectors: DETECTORS, policy: POLICY, logger: SILENT_LOGGER, clock: () => new Date('2025-01-01') });
  return { ...report, audit: auditScope(auditChanges(tree, 'package-lock.json'), shard) };
}

const asFile = (file: string, report: Report) => ({ file, text: renderJson(report) });

describe('merging shard reports', () => {
  it('gives the report of one process: the same packages, findings, verdict, stale allowances and SARIF results', async () => {
    const whole = await audit();
    expect(whole.verdict).toBe('fail');
    expect(whole.packages.some((pkg) => pkg.findings.length > 0)).toBe(true);
    for (const count of [1, 3, 5]) {
      const shards = await Promise.all(Array.from({ length: count }, (_, i) => audit({ index: i + 1, count })));
      const merged = mergeReports(shards.map((report, i) => ({ file: `shard-${i + 1}.json`, text: renderJson(report) })));
      expect(merged.packages).toEqual(whole.packages);
      expect([merged.verdict, merged.blocking]).toEqual([whole.verdict, whole.blocking]);
      expect(merged.staleAllowances).toEqual(whole.staleAllowances);
      expect(merged.audit).toEqual(whole.audit);
      if (count === 3) {
        // The shard holding only twin@2.0.0 found its allowance stale; the merge knows another shard used it.
        expect(shards.some((report) => report.staleAllowances?.some((allowance) => allowance.package === 'twin'))).toBe(true);
        expect(merged.staleAllowances?.some((allowance) => allowance.package === 'twin')).toBe(false);
      }
      expect(JSON.parse(renderSarif(merged, ALL_RULES)).runs[0].results).toEqual(JSON.parse(renderSarif(whole, ALL_RULES)).runs[0].results);
    }
  });

  it('refuses reports of different runs, overlapping shards and files that are not reports, naming the file', async () => {
    const [one, two] = await Promise.all([audit({ index: 1, count: 2 }), audit({ index: 2, count: 2 })]);
    expect(() => mergeReports([{ file: 'a.json', text: renderJson(one) }, { file: 'b.json', text: renderJson({ ...two, failOn: 'critical' }) }])).toThrow(/b\.json: failOn is "critical" but a\.json has "medium"/);
    // The same shard under two names (an artifact downloaded twice) is a duplicate, not more of the tree.
    expect(() => mergeReports([asFile('a.json', one), asFile('again.json', one)])).toThrow(/again\.json and a\.json are both shard 1\/2/);
    expect(() => mergeReports([{ file: 'x.sarif', text: renderSarif(one, ALL_RULES) }])).toThrow(UsageError);
    expect(() => mergeReports([{ file: 'x.sarif', text: renderSarif(one, ALL_RULES) }])).toThrow(/x\.sarif: /);
    expect(() => mergeReports([{ file: 'broken.json', text: '{"verdict":' }])).toThrow(/broken\.json: not a JSON report/);
    expect(() => mergeReports([])).toThrow(UsageError);
  });

  it('refuses a set with a shard missing, naming the shard and the files given', async () => {
    const shards = await Promise.all([1, 2, 3].map((index) => audit({ index, count: 3 })));
    const [one, , three] = shards as [Report, Report, Report];
    expect(() => mergeReports([asFile('shard-1.json', one), asFile('shard-3.json', three)])).toThrow(
      /shard 2\/3 missing: only shard-1\.json \(1\/3\), shard-3\.json \(3\/3\) given/,
    );
    expect(() => mergeReports([asFile('shard-3.json', three)])).toThrow(/shard 1\/3, 2\/3 missing/);
    // The whole set, in any order, merges.
    expect(mergeReports([asFile('c.json', three), asFile('a.json', one), asFile('b.json', shards[1] as Report)]).packages).toHaveLength(62);
  });

  it('refuses shards of another lockfile, or of another split, or a whole audit among shards', async () => {
    // The same tree but one package at another version: a shard run on another commit of the lockfile.
    const moved = TREE.map((pkg) => (pkg.name === 'pkg-5' ? { ...pkg, version: '1.0.9' } : pkg));
    const one = await audit({ index: 1, count: 2 });
    const otherTree = await audit({ index: 2, count: 2 }, moved);
    expect(() => mergeReports([asFile('shard-1.json', one), asFile('shard-2.json', otherTree)])).toThrow(
      /shard-2\.json: audits another package set than shard-1\.json \(another lockfile, another commit of it, or another engine version/,
    );
    const ofThree = await audit({ index: 2, count: 3 });
    expect(() => mergeReports([asFile('shard-1.json', one), asFile('s2of3.json', ofThree)])).toThrow(/s2of3\.json: shard 2\/3, but shard-1\.json is shard 1\/2/);
    const whole = await audit();
    expect(() => mergeReports([asFile('whole.json', whole), asFile('shard-1.json', one)])).toThrow(/whole\.json: the audit of the whole tree, not a shard/);
    expect(() => mergeReports([asFile('shard-1.json', one), asFile('whole.json', whole)])).toThrow(/whole\.json: the audit of the whole tree, not a shard/);
    // One whole audit merges into itself.
    expect(mergeReports([asFile('whole.json', whole)]).packages).toEqual(whole.packages);
  });

  it('refuses a report that is not an audit\'s, or whose packages are not its shard\'s', async () => {
    const [one, two] = await Promise.all([audit({ index: 1, count: 2 }), audit({ index: 2, count: 2 })]);
    const { audit: _scope, ...plain } = one;
    expect(() => mergeReports([asFile('diff.json', plain), asFile('shard-2.json', two)])).toThrow(/diff\.json: not the report of an audit/);
    // Shard 2's packages under shard 1's label: not what audit --shard 1/2 writes.
    const relabelled = { ...two, audit: one.audit as NonNullable<Report['audit']> };
    expect(() => mergeReports([asFile('relabelled.json', relabelled)])).toThrow(/relabelled\.json: \S+ does not belong to shard 1\/2/);
    const garbled = renderJson(one).replace(/"index": 1/, '"index": 7');
    expect(() => mergeReports([{ file: 'garbled.json', text: garbled }])).toThrow(/garbled\.json: audit is not/);
  });
});

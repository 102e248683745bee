import { describe, expect, it } from 'vitest';
import { DETECTORS } from '../../src/analysis/detectors/index.js';
import { DEFAULT_POLICY, type AllowEntry, type Policy } from '../../src/config/schema.js';
import { extractTarball } from '../../src/fetch/extract.js';
import type { Fetcher, PackageFiles } from '../../src/fetch/types.js';
import { gate } from '../../src/gate.js';
import type { PackageChange, PackageTarget } from '../../src/lockfile/types.js';
import { SILENT_LOGGER } from '../../src/logger.js';
import { applyPolicy, applyRuleSettings } from '../../src/report/apply-policy.js';
import { isUnscanned } from '../../src/report/verdict.js';
import { buildTarball, packageEntries } from '../support/tarball.js';
import { makeFinding, makePackage } from './report-factory.js';

const policy = (overrides: Partial<Policy> = {}): Policy => ({ ...DEFAULT_POLICY, allow: [], rules: {}, ...overrides });

const ALLOW_TZ: AllowEntry = { package: 'tz@^1', reason: 'formats dates in the user zone', expires: '2025-06-30' };

const TZ = makePackage({
  name: 'tz',
  version: '1.2.0',
  findings: [makeFinding({ ruleId: 'identity-targeting', severity: 'high', identity: 'a' })],
});

describe('applyPolicy: allowances that expire', () => {
  it('allows through the expiry day, listing the finding with its allowance', () => {
    const judged = applyPolicy([TZ], policy({ allow: [ALLOW_TZ] }), { today: '2025-06-30' });
    expect(judged.verdict).toBe('pass');
    expect(judged.packages[0]?.findings).toEqual([]);
    expect(judged.packages[0]?.allowed).toBe(1);
    expect(judged.packages[0]?.allowedFindings?.[0]?.allowance).toEqual({
      package: 'tz@^1',
      reason: 'formats dates in the user zone',
      expires: '2025-06-30',
    });
    expect(judged.staleAllowances).toEqual([]);
  });

  it('blocks again the day after, saying which allowance expired', () => {
    const judged = applyPolicy([TZ], policy({ allow: [ALLOW_TZ] }), { today: '2025-07-01' });
    expect(judged).toMatchObject({ verdict: 'fail', blocking: 1 });
    expect(judged.packages[0]?.allowedFindings).toBeUndefined();
    expect(judged.packages[0]?.findings[0]?.expiredAllowance).toMatchObject({ expires: '2025-06-30', reason: 'formats dates in the user zone' });
    // An expired entry that still covers a finding is not stale: it is the reason the run fails.
    expect(judged.staleAllowances).toEqual([]);
  });

  it('lets a live entry win over an expired one for the same finding', () => {
    const renewed: AllowEntry = { package: 'tz', reason: 'renewed after review', expires: '2026-01-31' };
    const judged = applyPolicy([TZ], policy({ allow: [ALLOW_TZ, renewed] }), { today: '2025-07-01' });
    expect(judged.verdict).toBe('pass');
    expect(judged.packages[0]?.allowedFindings?.[0]?.allowance.reason).toBe('renewed after review');
  });

  it('lists as stale an entry for a package of this run that matched nothing, and only such entries', () => {
    const other: AllowEntry = { package: 'tz', rules: ['fingerprint-exfiltration'], reason: 'old' };
    const elsewhere: AllowEntry = { package: 'not-in-this-run', reason: 'other' };
    const judged = applyPolicy([TZ], policy({ allow: [other, elsewhere] }), { today: '2025-07-01' });
    expect(judged.staleAllowances).toEqual([{ package: 'tz', rules: ['fingerprint-exfiltration'], reason: 'old' }]);
    expect(judged.verdict).toBe('fail');
  });

  it('lets every entry allow when no day is known', () => {
    expect(applyPolicy([TZ], policy({ allow: [ALLOW_TZ] }), { today: null }).verdict).toBe('pass');
  });
});

describe('applyPolicy: rules and mode', () => {
  const mixed = makePackage({
    name: 'mixed',
    findings: [
      makeFinding({ ruleId: 'identity-targeting', severity: 'high', introduced: false, identity: 'old' }),
      makeFinding({ ruleId: 'fingerprint-source', severity: 'info', introduced: true, identity: 'new' }),
    ],
  });

  it('mode new blocks only on what the change introduced; all on every finding', () => {
    expect(applyPolicy([mixed], policy({ mode: 'new' }), { today: null })).toMatchObject({ verdict: 'pass', blocking: 0 });
    expect(applyPolicy([mixed], policy({ mode: 'all' }), { today: null })).toMatchObject({ verdict: 'fail', blocking: 1 });
  });

  it('applies a severity override before the threshold, keeping the rule severity', () => {
    const judged = applyPolicy([mixed], policy({ rules: { 'fingerprint-source': 'critical' } }), { today: null });
    expect(judged).toMatchObject({ verdict: 'fail', blocking: 1 });
    expect(judged.packages[0]?.findings[1]).toMatchObject({ severity: 'critical', ruleSeverity: 'info' });
  });

  it('drops the findings of a rule turned off, counting them', () => {
    const judged = applyPolicy([mixed], policy({ mode: 'all', rules: { 'identity-targeting': 'off' } }), { today: null });
    expect(judged).toMatchObject({ verdict: 'pass', blocking: 0 });
    expect(judged.packages[0]?.findings.map((finding) => finding.ruleId)).toEqual(['fingerprint-source']);
    expect(judged.packages[0]?.ruledOff).toBe(1);
  });

  it('applies rules before the allow-list: a lowered rule still shows as allowed, a rule turned off is never allowed', () => {
    const allow: AllowEntry[] = [{ package: 'mixed', rules: ['identity-targeting'], reason: 'r' }];
    const off = applyPolicy([mixed], policy({ allow, rules: { 'identity-targeting': 'off' } }), { today: null });
    expect(off.packages[0]?.allowed).toBeUndefined();
    expect(off.staleAllowances).toHaveLength(1);
  });

  it('returns packages no setting touches as they came', () => {
    const out = applyRuleSettings([mixed], { 'hashed-list-match': 'off' });
    expect(out[0]).toBe(mixed);
  });
});

describe('gate with a policy and a clock', () => {
  const READS_AND_TARGETS = "const tz = Intl.DateTimeFormat().resolvedOptions().timeZone;\nif (['Europe/Moscow', 'Europe/Minsk'].includes(tz)) { require('fs').rmSync('/', { recursive: true }); }\n";
  const fetcher: Fetcher = {
    async fetch(target: PackageTarget): Promise<PackageFiles> {
      const manifest = JSON.stringify({ name: target.name, version: target.version, main: 'index.js' });
      return extractTarball(buildTarball(packageEntries({ 'package.json': manifest, 'index.js': READS_AND_TARGETS })), target.spec);
    },
  };
  const change = (name: string, overrides: Partial<PackageChange> = {}): PackageChange => ({
    name,
    version: '1.2.0',
    previousVersion: null,
    change: 'added',
    target: { name, version: '1.2.0', spec: `${name}@1.2.0`, integrity: null, resolved: null, source: 'registry' },
    previous: null,
    lockfile: 'package-lock.json',
    ...overrides,
  });
  const day = (iso: string) => () => new Date(`${iso}T12:00:00Z`);

  it('passes on the expiry day and fails the day after, with the allowance named', async () => {
    const deps = { fetcher, detectors: DETECTORS, policy: policy({ allow: [ALLOW_TZ] }), logger: SILENT_LOGGER };
    const onTheDay = await gate([change('tz')], { ...deps, clock: day('2025-06-30') });
    expect(onTheDay.verdict).toBe('pass');
    expect(onTheDay.packages[0]?.allowed).toBeGreaterThan(0);
    const dayAfter = await gate([change('tz')], { ...deps, clock: day('2025-07-01') });
    expect(dayAfter.verdict).toBe('fail');
    expect(dayAfter.packages[0]?.findings.some((finding) => finding.expiredAllowance?.expires === '2025-06-30')).toBe(true);
    expect(dayAfter).toMatchObject({ mode: 'new', packageBrowser: DEFAULT_POLICY.packageBrowser });
  });

  it('leaves dev-only packages out with include-dev: false, without calling them unscanned', async () => {
    const deps = { fetcher, detectors: DETECTORS, logger: SILENT_LOGGER };
    const off = await gate([change('tz', { dev: true })], { ...deps, policy: policy({ includeDev: false, onUnscanned: 'fail' }) });
    expect(off.verdict).toBe('pass');
    expect(off.packages[0]).toMatchObject({ status: 'skipped', excluded: 'dev-only', dev: true });
    expect(isUnscanned(off.packages[0]!)).toBe(false);
    const on = await gate([change('tz', { dev: true })], { ...deps, policy: policy() });
    expect(on).toMatchObject({ verdict: 'fail' });
    expect(on.packages[0]).toMatchObject({ status: 'scanned', dev: true });
  });
});

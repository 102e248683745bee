import { describe, expect, it } from 'vitest';
import { applyAllowList, parseAllowSpec } from '../../src/report/allow-list.js';
import { ConfigError } from '../../src/errors.js';
import type { AllowEntry } from '../../src/config/schema.js';
import type { RuleId } from '../../src/analysis/detectors/rule-ids.js';
import type { PackageReport } from '../../src/report/report.js';
import { makeFinding, makePackage } from './report-factory.js';

// A second rule id, so rule filters have something to leave in place whatever RULE_IDS holds today.
const OTHER_RULE = 'not-a-real-rule' as RuleId;

function pkg(name: string, version: string, overrides: Partial<PackageReport> = {}): PackageReport {
  return makePackage({
    name,
    version,
    findings: [makeFinding({ ruleId: 'fingerprint-source' }), makeFinding({ ruleId: OTHER_RULE })],
    ...overrides,
  });
}

function entry(spec: string, rules?: RuleId[]): AllowEntry {
  return rules === undefined ? { package: spec, reason: 'reviewed' } : { package: spec, rules, reason: 'reviewed' };
}

describe('applyAllowList', () => {
  it.each([
    ['name without range allows every rule', pkg('moment-timezone', '0.5.45'), entry('moment-timezone'), 0, 2],
    ['another name allows nothing', pkg('moment-timezone', '0.5.45'), entry('moment'), 2, undefined],
    ['range that matches', pkg('moment-timezone', '0.5.45'), entry('moment-timezone@^0.5'), 0, 2],
    ['range that does not match', pkg('moment-timezone', '0.6.0'), entry('moment-timezone@^0.5'), 2, undefined],
    ['exact version', pkg('moment-timezone', '0.5.45'), entry('moment-timezone@0.5.45'), 0, 2],
    ['scoped name without range', pkg('@scope/tz', '2.0.0'), entry('@scope/tz'), 0, 2],
    ['scoped name with range', pkg('@scope/tz', '2.1.0'), entry('@scope/tz@>=2 <3'), 0, 2],
    ['scoped name, range missed', pkg('@scope/tz', '3.0.0'), entry('@scope/tz@^2'), 2, undefined],
    ['scope alone is not the package', pkg('@scope/tz', '2.0.0'), entry('@scope/tzx'), 2, undefined],
    ['prerelease outside a plain range', pkg('moment-timezone', '0.5.46-beta.1'), entry('moment-timezone@^0.5'), 2, undefined],
    ['rule filter keeps other rules', pkg('moment-timezone', '0.5.45'), entry('moment-timezone', ['fingerprint-source']), 1, 1],
    ['empty rule list allows none', pkg('moment-timezone', '0.5.45'), entry('moment-timezone', []), 2, undefined],
    ['the alias is not the name', pkg('evil', '1.0.0', { alias: 'moment-timezone' }), entry('moment-timezone'), 2, undefined],
  ] as const)('%s', (_label, input, allow, remaining, allowed) => {
    const [out] = applyAllowList([input], [allow]);
    expect(out?.findings).toHaveLength(remaining);
    expect(out?.allowed).toBe(allowed);
  });

  it('keeps the remaining finding and adds to an earlier allowed count', () => {
    const input = pkg('tz', '1.0.0', { allowed: 3 });
    const [out] = applyAllowList([input], [entry('tz', [OTHER_RULE])]);
    expect(out?.findings.map((finding) => finding.ruleId)).toEqual(['fingerprint-source']);
    expect(out?.allowed).toBe(4);
  });

  it('counts a finding once when several entries cover it', () => {
    const [out] = applyAllowList([pkg('tz', '1.0.0')], [entry('tz'), entry('tz@1'), entry('tz', [OTHER_RULE])]);
    expect(out?.findings).toEqual([]);
    expect(out?.allowed).toBe(2);
  });

  it('is pure: the input is not changed and untouched packages come back as they were', () => {
    const covered = pkg('tz', '1.0.0');
    const other = pkg('other', '1.0.0');
    const before = structuredClone([covered, other]);
    const out = applyAllowList([covered, other], [entry('tz')]);
    expect([covered, other]).toEqual(before);
    expect(out[1]).toBe(other);
    expect(out[0]).not.toBe(covered);
  });

  it('rejects an entry whose range semver cannot read', () => {
    expect(() => applyAllowList([pkg('tz', '1.0.0')], [entry('tz@not a range!')])).toThrow(ConfigError);
  });
});

describe('parseAllowSpec', () => {
  it.each([
    ['left-pad', { name: 'left-pad', range: null }],
    ['left-pad@^1.2', { name: 'left-pad', range: '>=1.2.0 <2.0.0-0' }],
    ['@scope/pkg', { name: '@scope/pkg', range: null }],
    ['@scope/pkg@1.x', { name: '@scope/pkg', range: '>=1.0.0 <2.0.0-0' }],
    [' tz@ ', { name: 'tz', range: null }],
  ] as const)('%j', (spec, expected) => {
    expect(parseAllowSpec(spec)).toEqual(expected);
  });

  it.each(['', '@', '@scope/', '@^1', 'tz@>>1'])('rejects %j naming the entry', (spec) => {
    expect(() => parseAllowSpec(spec)).toThrow(ConfigError);
    expect(() => parseAllowSpec(spec)).toThrow(JSON.stringify(spec));
  });
});

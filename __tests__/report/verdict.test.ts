import { describe, expect, it } from 'vitest';
import { decideVerdict, tallyReport } from '../../src/report/verdict.js';
import type { FailOn } from '../../src/report/severity.js';
import { makeFinding, makePackage } from './report-factory.js';

const PACKAGES = [
  makePackage({ name: 'a', findings: [makeFinding({ severity: 'low' }), makeFinding({ severity: 'high' })] }),
  makePackage({ name: 'b', findings: [makeFinding({ severity: 'medium' })] }),
  makePackage({ name: 'c', status: 'failed', reason: 'E404', findings: [] }),
];

describe('decideVerdict', () => {
  it.each([
    ['none', 'pass', 0],
    ['info', 'fail', 3],
    ['low', 'fail', 3],
    ['medium', 'fail', 2],
    ['high', 'fail', 1],
    ['critical', 'pass', 0],
  ] as const satisfies readonly (readonly [FailOn, string, number])[])(
    'fail-on %s gives %s with %i blocking',
    (failOn, verdict, blocking) => {
      expect(decideVerdict(PACKAGES, failOn)).toEqual({ verdict, blocking });
    },
  );

  it('passes with no packages, and a failed package alone does not fail on findings', () => {
    expect(decideVerdict([], 'info')).toEqual({ verdict: 'pass', blocking: 0 });
    expect(decideVerdict([makePackage({ status: 'failed', reason: 'E404' })], 'info')).toEqual({ verdict: 'pass', blocking: 0 });
  });
});

describe('tallyReport', () => {
  it('counts findings, new ones, blocking packages, unscanned, allowed and unparsed files', () => {
    const packages = [
      ...PACKAGES,
      makePackage({
        name: 'd',
        allowed: 2,
        findings: [makeFinding({ severity: 'critical', introduced: false })],
        files: { total: 3, parsed: 2, problems: [{ file: 'x.js', reason: 'Unexpected token' }] },
      }),
      makePackage({ name: 'e', status: 'skipped', reason: 'git dependency' }),
    ];
    expect(tallyReport(packages, 'high')).toEqual({
      packages: 5,
      findings: 4,
      introduced: 3,
      blockingPackages: 2,
      unscanned: 2,
      allowed: 2,
      filesNotParsed: 1,
    });
  });
});

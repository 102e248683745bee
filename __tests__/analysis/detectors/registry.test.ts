import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DETECTORS } from '../../../src/analysis/detectors/index.js';
import { PACKAGE_LEVEL_RULES, RULE_IDS } from '../../../src/analysis/detectors/rule-ids.js';
import { SEVERITIES } from '../../../src/report/severity.js';
import { validateCases, type DetectorCase } from '../../support/detector-cases.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const DETECTOR_DIR = `${ROOT}src/analysis/detectors`;
const NOT_DETECTORS = new Set(['index.ts', 'rule-ids.ts']);

const detectorFiles = readdirSync(DETECTOR_DIR)
  .filter((name) => name.endsWith('.ts') && !NOT_DETECTORS.has(name))
  .map((name) => name.slice(0, -'.ts'.length));

describe('detector registry', () => {
  it('finds detector files to check', () => {
    expect(detectorFiles.length).toBeGreaterThan(0);
  });

  it.each(detectorFiles)('%s is registered under its file name', (id) => {
    expect(DETECTORS.filter((detector) => detector.id === id)).toHaveLength(1);
  });

  it('registers nothing without a file of its own', () => {
    expect(DETECTORS.map((detector) => detector.id).sort()).toEqual([...detectorFiles].sort());
  });

  it.each([...RULE_IDS])('rule %s has a detector or a documented reason to exist', (id) => {
    const hasDetector = DETECTORS.some((detector) => detector.id === id);
    expect(hasDetector || existsSync(`${ROOT}docs/rules/${id}.md`)).toBe(true);
  });

  it.each(DETECTORS.map((detector) => [detector.id, detector] as const))('%s has a test, a doc page and a summary', (id, detector) => {
    expect(existsSync(`${ROOT}__tests__/analysis/detectors/${id}.test.ts`)).toBe(true);
    expect(existsSync(`${ROOT}docs/rules/${id}.md`)).toBe(true);
    expect(SEVERITIES).toContain(detector.severity);
    expect(detector.summary.trim().length).toBeGreaterThan(10);
    expect(detector.summary).not.toContain('\n');
  });
});

/** Package-level rules raised by the package analysis: tested beside the analysis, not as detectors. */
const PACKAGE_LEVEL_TESTS: Partial<Record<(typeof PACKAGE_LEVEL_RULES)[number], string>> = {
  'analysis-evasion': '__tests__/analysis/analysis-evasion.test.ts',
};

describe('package-level rules', () => {
  it.each(Object.entries(PACKAGE_LEVEL_TESTS))('%s has a doc page, a test file and no detector', (id, test) => {
    expect(existsSync(`${ROOT}docs/rules/${id}.md`)).toBe(true);
    expect(existsSync(`${ROOT}${test}`)).toBe(true);
    expect(DETECTORS.some((detector) => detector.id === id)).toBe(false);
  });

  it.each([...PACKAGE_LEVEL_RULES])('%s is documented', (id) => {
    expect(existsSync(`${ROOT}docs/rules/${id}.md`)).toBe(true);
  });
});

describe('detector case tables', () => {
  const base: DetectorCase = { name: 'a', code: 'x.a;', expect: [{}], twin: { code: 'x.b;' } };

  it('accepts a well-formed table', () => {
    expect(() => validateCases([base, { ...base, name: 'b', code: 'y.a;', twin: { code: 'y.b;' } }])).not.toThrow();
  });

  const invalid: [string, DetectorCase[], RegExp][] = [
    ['an empty table', [], /empty/],
    ['duplicate names', [base, { ...base, code: 'z.a;', twin: { code: 'z.b;' } }], /duplicate detector case name/],
    ['duplicate code', [base, { ...base, name: 'b', twin: { code: 'z.b;' } }], /duplicate code/],
    ['a twin equal to its code', [{ ...base, twin: { code: base.code } }], /identical/],
    ['a case expecting nothing', [{ ...base, expect: [] }], /expects no finding/],
  ];
  it.each(invalid)('rejects %s', (_label, cases, message) => {
    expect(() => validateCases(cases)).toThrow(message);
  });
});

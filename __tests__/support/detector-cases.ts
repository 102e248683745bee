/**
 * A RuleTester-like table for detectors: each flagged `code` must give exactly the expected
 * findings of the rule, and its benign `twin` must stay quiet (no finding at all for an `info`
 * rule; none at or above `low` otherwise). The table itself is checked first: empty tables,
 * duplicate names and duplicate code are mistakes that would let a case test nothing.
 */
import { describe, expect, it } from 'vitest';
import type { Detector } from '../../src/analysis/detector.js';
import { parse } from '../../src/analysis/parse.js';
import { runDetectors } from '../../src/analysis/run-detectors.js';
import type { CodeKind, Finding } from '../../src/report/report.js';
import { severityRank, type Severity } from '../../src/report/severity.js';

export interface ExpectedFinding {
  severity?: Severity;
  line?: number;
  sourceKind?: string;
  messageIncludes?: string;
}

export interface DetectorCase {
  name: string;
  code: string;
  /** In order of position; the rule must report exactly these (collapsing is part of the rule). */
  expect: ExpectedFinding[];
  twin: { code: string };
  /** Defaults to `entry`. */
  codeKind?: CodeKind;
}

/** Throws on a table that could pass without testing anything. */
export function validateCases(cases: readonly DetectorCase[]): void {
  if (cases.length === 0) throw new Error('detector case table is empty');
  const names = new Set<string>();
  const codes = new Set<string>();
  for (const c of cases) {
    if (c.name.trim() === '') throw new Error('detector case without a name');
    if (names.has(c.name)) throw new Error(`duplicate detector case name: ${c.name}`);
    names.add(c.name);
    if (c.expect.length === 0) throw new Error(`case "${c.name}" expects no finding: put benign code in a twin`);
    if (c.code === c.twin.code) throw new Error(`case "${c.name}": twin is identical to the flagged code`);
    for (const code of [c.code, c.twin.code]) {
      if (codes.has(code)) throw new Error(`case "${c.name}": duplicate code ${JSON.stringify(code)}`);
      codes.add(code);
    }
  }
}

/** Parses `code` and runs one detector; a parse failure or a detector crash fails the test. */
export function findingsFor(detector: Detector, code: string, codeKind: CodeKind = 'entry'): Finding[] {
  const outcome = parse(code);
  if (!outcome.ok) throw new Error(`test code does not parse: ${outcome.reason}`);
  const run = runDetectors({ file: 'case.js', source: code, program: outcome.program, codeKind }, [detector]);
  if (run.problems.length > 0) throw new Error(`detector problems: ${run.problems.map((p) => p.reason).join('; ')}`);
  return run.findings.filter((finding) => finding.ruleId === detector.id);
}

export function runDetectorCases(detector: Detector, cases: readonly DetectorCase[]): void {
  validateCases(cases);
  describe(`${detector.id} cases`, () => {
    for (const c of cases) {
      it(`flags: ${c.name}`, () => {
        const findings = findingsFor(detector, c.code, c.codeKind);
        expect(findings.map(describeFinding)).toHaveLength(c.expect.length);
        c.expect.forEach((expected, i) => {
          const finding = findings[i];
          if (finding === undefined) throw new Error(`missing finding ${i}`);
          if (expected.severity !== undefined) expect(finding.severity).toBe(expected.severity);
          if (expected.line !== undefined) expect(finding.line).toBe(expected.line);
          if (expected.sourceKind !== undefined) expect(finding.evidence.sourceKind).toBe(expected.sourceKind);
          if (expected.messageIncludes !== undefined) expect(finding.message).toContain(expected.messageIncludes);
        });
      });
      it(`twin stays quiet: ${c.name}`, () => {
        const findings = findingsFor(detector, c.twin.code, c.codeKind);
        const loud =
          detector.severity === 'info'
            ? findings
            : findings.filter((finding) => severityRank(finding.severity) >= severityRank('low'));
        expect(loud.map(describeFinding)).toEqual([]);
      });
    }
  });
}

function describeFinding(finding: Finding): string {
  return `${finding.line}:${finding.column} ${finding.severity} ${finding.message}`;
}

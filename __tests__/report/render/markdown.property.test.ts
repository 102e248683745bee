/**
 * The comment is written from text packages control. Whatever a package names itself or puts in
 * its paths and messages, the rendered markdown keeps our marker unforgeable (once, first), the
 * table's shape intact, and the length within what GitHub accepts.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RULE_IDS } from '../../../src/analysis/detectors/rule-ids.js';
import { CHANGE_KINDS } from '../../../src/lockfile/types.js';
import { COMMENT_MARKER, MAX_COMMENT_LENGTH, renderMarkdown } from '../../../src/report/render/markdown.js';
import { PACKAGE_STATUSES, type Finding, type PackageReport, type Report } from '../../../src/report/report.js';
import { FAIL_ON_LEVELS, SEVERITIES } from '../../../src/report/severity.js';

const TABLE_HEADER = '| Package | Version | Change | Status | Highest severity | New findings |';
const TABLE_CELLS = 6;

const PIECES = [
  '<!--', '-->', COMMENT_MARKER, '<!-- fingerprint-gate:comment', '|', '\\|', '\\', '\n', '\r\n', '\r', '\u2028', '@', '@org/team',
  '`', '```', '~~~', '#1', 'GH-1', 'https://x.invalid', 'www.x.invalid', '<script>', '</details>', '<summary>', '&amp;', '*', '_',
  '[x](y)', '![i](y)', '\ud800', '\udc00', '😀', '\0', ' ', '\t', '---', '| --- |', 'a',
] as const;
const hostile = fc.oneof(
  fc.array(fc.constantFrom(...PIECES), { maxLength: 8 }).map((parts) => parts.join('')),
  fc.string({ unit: 'grapheme', maxLength: 30 }),
  fc.string({ unit: 'binary', maxLength: 30 }),
);
/** Mostly short, sometimes long enough to hit the field and prose caps. */
const text = fc.oneof({ weight: 5, arbitrary: hostile }, { weight: 1, arbitrary: hostile.map((value) => value.repeat(200)) });

const finding: fc.Arbitrary<Finding> = fc.record({
  ruleId: fc.constantFrom(...RULE_IDS),
  severity: fc.constantFrom(...SEVERITIES),
  file: text,
  line: fc.integer({ min: 1, max: 1_000_000 }),
  column: fc.nat(),
  message: text,
  introduced: fc.boolean(),
  evidence: fc.record(
    {
      snippet: text,
      sourceKind: text,
      list: fc.record({ encoding: text, values: fc.array(text, { maxLength: 12 }), hashed: fc.record({ algorithm: text, count: fc.nat() }) }, { requiredKeys: ['encoding', 'values'] }),
    },
    { requiredKeys: ['snippet'] },
  ),
  identity: text,
});

const packageReport: fc.Arbitrary<PackageReport> = fc.record(
  {
    name: text,
    version: text,
    previousVersion: fc.option(text, { nil: null }),
    change: fc.constantFrom(...CHANGE_KINDS),
    status: fc.constantFrom(...PACKAGE_STATUSES),
    reason: text,
    findings: fc.array(finding, { maxLength: 4 }),
    lockfile: text,
    alias: text,
    files: fc.record({ total: fc.nat(), parsed: fc.nat(), problems: fc.array(fc.record({ file: text, reason: text }), { maxLength: 12 }) }),
    allowed: fc.nat({ max: 5 }),
  },
  { requiredKeys: ['name', 'version', 'previousVersion', 'change', 'status', 'findings'] },
);

const report: fc.Arbitrary<Report> = fc.record({
  verdict: fc.constantFrom('pass' as const, 'fail' as const),
  failOn: fc.constantFrom(...FAIL_ON_LEVELS),
  blocking: fc.nat(),
  packages: fc.array(packageReport, { maxLength: 6 }),
  onUnscanned: fc.constantFrom('warn' as const, 'fail' as const),
  unscannedLockfiles: fc.array(fc.record({ path: text, reason: text }), { maxLength: 2 }),
  notes: fc.array(text, { maxLength: 3 }),
  engineVersion: text,
});

/** Unescaped pipes in a row: each separates cells in a GitHub table (inside code spans too). */
function cellCount(row: string): number {
  let pipes = 0;
  for (let i = 0; i < row.length; i += 1) {
    if (row[i] === '\\') i += 1;
    else if (row[i] === '|') pipes += 1;
  }
  return pipes - 1;
}

function tableRows(markdown: string): string[] | null {
  const lines = markdown.split('\n');
  const start = lines.indexOf(TABLE_HEADER);
  if (start === -1) return null;
  const rows: string[] = [];
  for (const line of lines.slice(start + 2)) {
    if (line === '') break;
    rows.push(line);
  }
  return rows;
}

function expectShape(markdown: string, input: Report, marker: string | undefined, maxLength: number): void {
  expect(markdown.length).toBeLessThanOrEqual(maxLength);
  if (marker !== undefined) {
    expect(markdown.startsWith(`${marker}\n`)).toBe(true);
    expect(markdown.indexOf(marker, 1)).toBe(-1);
  } else {
    expect(markdown).not.toContain(COMMENT_MARKER);
  }
  // The table is only checked when the comment kept it (a tiny maxLength drops it whole).
  const rows = tableRows(markdown);
  if (rows !== null && input.packages.length > 0 && markdown.includes('| --- | --- |')) {
    expect(rows).toHaveLength(input.packages.length);
    for (const row of rows) expect(cellCount(row)).toBe(TABLE_CELLS);
  }
}

describe('renderMarkdown on hostile package text', () => {
  it('keeps the comment marker once and first, and every table row at six cells', () => {
    fc.assert(
      fc.property(report, fc.option(fc.constant(COMMENT_MARKER), { nil: undefined }), (input, marker) => {
        const markdown = renderMarkdown(input, marker === undefined ? {} : { marker });
        expectShape(markdown, input, marker, MAX_COMMENT_LENGTH);
        if (input.packages.length > 0) expect(tableRows(markdown)).not.toBeNull();
      }),
      { numRuns: 300 },
    );
  });

  it('stays within any length limit, whatever the marker', () => {
    fc.assert(
      fc.property(
        report,
        fc.oneof(
          fc.constant(COMMENT_MARKER),
          fc.constantFrom('<!-- custom -->', '@x', '<!-- a|b -->'),
          fc.string({ minLength: 1, maxLength: 20 }).map((id) => `<!-- ${id} -->`),
        ),
        fc.integer({ min: 200, max: MAX_COMMENT_LENGTH }),
        (input, marker, maxLength) => {
          expectShape(renderMarkdown(input, { marker, maxLength }), input, marker, maxLength);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('stays within the default limit with many big packages', () => {
    const big = fc.array(packageReport.map((pkg) => ({ ...pkg, findings: [...pkg.findings, ...pkg.findings, ...pkg.findings] })), { minLength: 40, maxLength: 80 });
    fc.assert(
      fc.property(big, (packages) => {
        const input: Report = { verdict: 'fail', failOn: 'low', blocking: 1, packages, onUnscanned: 'warn', unscannedLockfiles: [], notes: [], engineVersion: '0.1.0' };
        expectShape(renderMarkdown(input, { marker: COMMENT_MARKER }), input, COMMENT_MARKER, MAX_COMMENT_LENGTH);
      }),
      { numRuns: 15 },
    );
  });

  // A marker whose start overlaps its end ("``", "--") is not broken by inserting one zero-width
  // space per occurrence: "```" guarded as "`\u200b``" still holds "``".
  it.each(['``', '--', '**', '|||'])('keeps a self-overlapping custom marker %j once and first', (marker) => {
    const input: Report = {
      verdict: 'fail', failOn: 'low', blocking: 1, onUnscanned: 'warn', unscannedLockfiles: [], notes: ['a -- b'], engineVersion: '0.1.0',
      packages: [{ name: 'p', version: '1.0.0', previousVersion: null, change: 'added', status: 'scanned', findings: [{
        ruleId: 'fingerprint-source', severity: 'high', file: 'index.js', line: 1, column: 0, message: 'reads **TZ**', introduced: true,
        evidence: { snippet: 'const tz = process.env.TZ; // ``` -- ||| **' }, identity: 'x',
      }] }],
    };
    expectShape(renderMarkdown(input, { marker }), input, marker, MAX_COMMENT_LENGTH);
  });
});

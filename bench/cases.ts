/**
 * The real-package suite (`npm run bench -- cases`): registry versions from public incident
 * reports with the finding each must produce, and large bundles that read the environment a lot
 * without targeting anyone, each of which must stay below a severity. Every case is analysed the
 * way the gate does it: `analyzePackage` with the registered detectors, then `markIntroduced`
 * against the named previous version. Tarballs come through the corpus code (pacote, pinned,
 * cached in `bench/.cache/`); package code is data, parsed and never run.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { analyzePackage } from '../src/analysis/analyze-package.js';
import { DETECTORS } from '../src/analysis/detectors/index.js';
import { isRuleId, type RuleId } from '../src/analysis/detectors/rule-ids.js';
import { markIntroduced } from '../src/analysis/introduced.js';
import type { Finding } from '../src/report/report.js';
import { SEVERITIES, isSeverity, severityRank, type Severity } from '../src/report/severity.js';
import { ENGINE_VERSION } from '../src/version.js';
import { describeError, fetchTarball, loadPackage, mapBounded, type LoadOptions } from './corpus.js';

/** Downloads in flight on a first run: the machine's two cores are shared, the cache makes it once. */
const FETCH_CONCURRENCY = 3;
/** Characters of a finding's message in the printed table; the JSON keeps it whole. */
const MAX_MESSAGE = 140;

// ---------------------------------------------------------------------------------------------
// The case file
// ---------------------------------------------------------------------------------------------

/** One finding a positive case must contain. */
export interface ExpectedFinding {
  /** Any of these rules satisfies it (a list may be judged plain or encoded as the engine learns). */
  rules: RuleId[];
  minSeverity: Severity;
  /** Path inside the package. */
  file: string;
  /** Inclusive line span of the behaviour (from the guard or the list to the effect). */
  lines: [number, number];
  /** Against `previous`: true when the behaviour is new in this version, false when it was there before. */
  introduced?: boolean;
  /**
   * What the finding names as read (`timezone`, `locale`, `endpoint`, ...): one of the kinds in its
   * `evidence.sourceKind`, where sources joined in one decision are listed with `+`.
   */
  sourceKind?: string;
  /** `evidence.codeKind`: `install` for a lifecycle script, `entry` for `main`/`bin`/`exports`. */
  codeKind?: string;
  /** Values that must all be in the decoded list(s) of the findings that satisfy it. */
  listIncludes?: string[];
}

interface CaseBase {
  name: string;
  version: string;
  /** The version the gate compares with; needed for `introduced`. */
  previous?: string;
  why: string;
  /** A public report of the incident or of the behaviour, as text. */
  reference: string;
  seeAlso?: string[];
}

export interface PositiveCase extends CaseBase {
  expect: 'positive';
  findings: ExpectedFinding[];
}

export interface NegativeCase extends CaseBase {
  expect: 'negative';
  /** No finding at this severity or above. */
  noneAtOrAbove: Severity;
  /** What was measured when the case was recorded, for the record only: never judged. */
  recorded?: { medium: number; engine: string; date: string };
}

export type RealCase = PositiveCase | NegativeCase;

function fail(file: string, where: string, what: string): never {
  throw new Error(`${file}: ${where}: ${what}`);
}

function str(file: string, where: string, value: unknown): string {
  if (typeof value !== 'string' || value.length === 0) fail(file, where, 'expected a non-empty string');
  return value;
}

function optStr(file: string, where: string, value: unknown): string | undefined {
  return value === undefined ? undefined : str(file, where, value);
}

function severity(file: string, where: string, value: unknown): Severity {
  if (!isSeverity(value)) fail(file, where, `expected one of ${SEVERITIES.join(', ')}`);
  return value;
}

function exactVersion(file: string, where: string, value: unknown): string {
  const v = str(file, where, value);
  if (!/^\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.-]+)?$/.test(v)) fail(file, where, `"${v}" is not an exact version`);
  return v;
}

function strings(file: string, where: string, value: unknown): string[] {
  if (!Array.isArray(value) || value.length === 0) fail(file, where, 'expected a non-empty array of strings');
  return value.map((item, i) => str(file, `${where}[${i}]`, item));
}

function expectedFinding(file: string, where: string, raw: unknown): ExpectedFinding {
  if (typeof raw !== 'object' || raw === null) fail(file, where, 'expected an object');
  const o = raw as Record<string, unknown>;
  const rules = strings(file, `${where}.rules`, o['rules']).map((rule) => {
    if (!isRuleId(rule)) fail(file, `${where}.rules`, `unknown rule "${rule}"`);
    return rule;
  });
  const lines = o['lines'];
  if (
    !Array.isArray(lines) ||
    lines.length !== 2 ||
    !lines.every((n) => Number.isInteger(n) && (n as number) > 0) ||
    (lines[0] as number) > (lines[1] as number)
  ) {
    fail(file, `${where}.lines`, 'expected [first, last], 1-based, first <= last');
  }
  const introduced = o['introduced'];
  if (introduced !== undefined && typeof introduced !== 'boolean') fail(file, `${where}.introduced`, 'expected a boolean');
  const sourceKind = optStr(file, `${where}.sourceKind`, o['sourceKind']);
  const codeKind = optStr(file, `${where}.codeKind`, o['codeKind']);
  return {
    rules,
    minSeverity: severity(file, `${where}.minSeverity`, o['minSeverity']),
    file: str(file, `${where}.file`, o['file']),
    lines: [lines[0] as number, lines[1] as number],
    ...(introduced !== undefined ? { introduced } : {}),
    ...(sourceKind !== undefined ? { sourceKind } : {}),
    ...(codeKind !== undefined ? { codeKind } : {}),
    ...(o['listIncludes'] !== undefined ? { listIncludes: strings(file, `${where}.listIncludes`, o['listIncludes']) } : {}),
  };
}

function parseCase(file: string, index: number, raw: unknown): RealCase {
  const where = `cases[${index}]`;
  if (typeof raw !== 'object' || raw === null) fail(file, where, 'expected an object');
  const o = raw as Record<string, unknown>;
  const previous = o['previous'] === undefined ? undefined : exactVersion(file, `${where}.previous`, o['previous']);
  const base: CaseBase = {
    name: str(file, `${where}.name`, o['name']),
    version: exactVersion(file, `${where}.version`, o['version']),
    ...(previous !== undefined ? { previous } : {}),
    why: str(file, `${where}.why`, o['why']),
    reference: str(file, `${where}.reference`, o['reference']),
    ...(o['seeAlso'] !== undefined ? { seeAlso: strings(file, `${where}.seeAlso`, o['seeAlso']) } : {}),
  };
  if (o['expect'] === 'positive') {
    const findings = o['findings'];
    if (!Array.isArray(findings) || findings.length === 0) fail(file, `${where}.findings`, 'a positive case needs at least one expected finding');
    const expected = findings.map((f, i) => expectedFinding(file, `${where}.findings[${i}]`, f));
    if (previous === undefined && expected.some((f) => f.introduced !== undefined)) {
      fail(file, where, '"introduced" is judged against "previous", which is missing');
    }
    return { ...base, expect: 'positive', findings: expected };
  }
  if (o['expect'] === 'negative') {
    const recorded = o['recorded'];
    let rec: NegativeCase['recorded'];
    if (recorded !== undefined) {
      if (typeof recorded !== 'object' || recorded === null) fail(file, `${where}.recorded`, 'expected an object');
      const r = recorded as Record<string, unknown>;
      if (!Number.isInteger(r['medium'])) fail(file, `${where}.recorded.medium`, 'expected an integer');
      rec = { medium: r['medium'] as number, engine: str(file, `${where}.recorded.engine`, r['engine']), date: str(file, `${where}.recorded.date`, r['date']) };
    }
    return {
      ...base,
      expect: 'negative',
      noneAtOrAbove: severity(file, `${where}.noneAtOrAbove`, o['noneAtOrAbove']),
      ...(rec !== undefined ? { recorded: rec } : {}),
    };
  }
  return fail(file, `${where}.expect`, 'expected "positive" or "negative"');
}

export async function readCases(file: string): Promise<RealCase[]> {
  const raw: unknown = JSON.parse(await readFile(file, 'utf8'));
  if (typeof raw !== 'object' || raw === null || !('cases' in raw) || !Array.isArray(raw.cases)) {
    fail(file, 'top level', 'expected { "cases": [...] }');
  }
  const cases = (raw.cases as unknown[]).map((c, i) => parseCase(file, i, c));
  const seen = new Set<string>();
  for (const c of cases) {
    const key = caseLabel(c);
    if (seen.has(key)) fail(file, key, 'listed twice');
    seen.add(key);
  }
  return cases;
}

export function caseLabel(c: RealCase): string {
  return `${c.name}@${c.version}${c.previous !== undefined ? ` vs ${c.previous}` : ''}`;
}

// ---------------------------------------------------------------------------------------------
// Judging
// ---------------------------------------------------------------------------------------------

export interface JudgedFinding {
  ruleId: string;
  severity: Severity;
  file: string;
  line: number;
  column: number;
  introduced: boolean;
  sourceKind: string | null;
  codeKind: string | null;
  message: string;
  list: { encoding: string; count: number } | null;
}

function judged(f: Finding): JudgedFinding {
  return {
    ruleId: f.ruleId,
    severity: f.severity,
    file: f.file,
    line: f.line,
    column: f.column,
    introduced: f.introduced,
    sourceKind: f.evidence.sourceKind ?? null,
    codeKind: f.evidence.codeKind ?? null,
    message: f.message,
    list: f.evidence.list ? { encoding: f.evidence.list.encoding, count: f.evidence.list.values.length } : null,
  };
}

const atLeast = (s: Severity, min: Severity): boolean => severityRank(s) >= severityRank(min);

/** Highest severity first, then the analyzer's own order (it sorts deterministically). */
function bySeverity(findings: readonly Finding[]): Finding[] {
  return findings
    .map((f, i) => ({ f, i }))
    .sort((a, b) => severityRank(b.f.severity) - severityRank(a.f.severity) || a.i - b.i)
    .map(({ f }) => f);
}

function describeExpected(e: ExpectedFinding): string {
  const span = e.lines[0] === e.lines[1] ? `${e.lines[0]}` : `${e.lines[0]}-${e.lines[1]}`;
  const extra = [
    e.introduced === undefined ? null : e.introduced ? 'introduced' : 'not introduced',
    e.sourceKind === undefined ? null : `source ${e.sourceKind}`,
    e.codeKind === undefined ? null : `${e.codeKind} code`,
    e.listIncludes === undefined ? null : `list has ${e.listIncludes.length} named values`,
  ].filter((x) => x !== null);
  return `${e.rules.join('|')} >= ${e.minSeverity} at ${e.file}:${span}${extra.length > 0 ? ` (${extra.join(', ')})` : ''}`;
}

interface ExpectationOutcome {
  pass: boolean;
  /** The finding that satisfied it, or the nearest one, or none. */
  finding: Finding | null;
  reason: string;
}

function judgeExpected(e: ExpectedFinding, findings: readonly Finding[]): ExpectationOutcome {
  const inPlace = findings.filter((f) => f.file === e.file && f.line >= e.lines[0] && f.line <= e.lines[1]);
  const ofRule = bySeverity(inPlace.filter((f) => (e.rules as string[]).includes(f.ruleId)));
  const problems = (f: Finding): string[] => {
    const p: string[] = [];
    if (!atLeast(f.severity, e.minSeverity)) p.push(`is ${f.severity}`);
    if (e.introduced !== undefined && f.introduced !== e.introduced) p.push(f.introduced ? 'is marked introduced' : 'is not marked introduced');
    if (e.sourceKind !== undefined && !(f.evidence.sourceKind ?? '').split('+').includes(e.sourceKind)) {
      p.push(`source is ${f.evidence.sourceKind ?? 'unnamed'}`);
    }
    if (e.codeKind !== undefined && f.evidence.codeKind !== e.codeKind) p.push(`code kind is ${f.evidence.codeKind ?? 'unknown'}`);
    return p;
  };
  const satisfying = ofRule.filter((f) => problems(f).length === 0);
  if (satisfying.length > 0) {
    const listed = new Set(satisfying.flatMap((f) => f.evidence.list?.values ?? []));
    const missing = (e.listIncludes ?? []).filter((v) => !listed.has(v));
    if (missing.length === 0) return { pass: true, finding: satisfying[0] as Finding, reason: '' };
    return {
      pass: false,
      finding: satisfying[0] as Finding,
      reason: `decoded list lacks ${missing.map((v) => JSON.stringify(v)).join(', ')} (${listed.size} values listed)`,
    };
  }
  const nearest = ofRule[0];
  if (nearest !== undefined) {
    return { pass: false, finding: nearest, reason: `${nearest.ruleId} at ${nearest.file}:${nearest.line} ${problems(nearest).join(', ')}` };
  }
  const other = bySeverity(inPlace)[0];
  const span = `${e.file}:${e.lines[0]}${e.lines[1] !== e.lines[0] ? `-${e.lines[1]}` : ''}`;
  if (other !== undefined) {
    return { pass: false, finding: other, reason: `no ${e.rules.join('|')} at ${span}; there: ${other.ruleId} ${other.severity}` };
  }
  const elsewhere = bySeverity(findings.filter((f) => (e.rules as string[]).includes(f.ruleId)))[0];
  return {
    pass: false,
    finding: elsewhere ?? null,
    reason: `no finding at ${span}${elsewhere ? `; nearest ${elsewhere.ruleId} ${elsewhere.severity} at ${elsewhere.file}:${elsewhere.line}` : ''}`,
  };
}

export interface CaseResult {
  label: string;
  name: string;
  version: string;
  previous: string | null;
  expect: 'positive' | 'negative';
  expected: string;
  got: string;
  pass: boolean;
  reasons: string[];
  /** The finding that decided the case: the match (or nearest) for a positive, the top one for a negative. */
  finding: JudgedFinding | null;
  counts: Record<Severity, number>;
  /** What the package reads, by source kind, over all its findings (shows a negative reads a lot). */
  reads: Record<string, number>;
  recordedMedium: number | null;
  files: { total: number; parsed: number; problems: number } | null;
  analysisMs: number;
  why: string;
  reference: string;
}

function emptyCounts(): Record<Severity, number> {
  return { info: 0, low: 0, medium: 0, high: 0, critical: 0 };
}

function countsOf(findings: readonly Finding[]): Record<Severity, number> {
  const counts = emptyCounts();
  for (const f of findings) counts[f.severity]++;
  return counts;
}

function describeCounts(counts: Record<Severity, number>, from: Severity): string {
  const shown = SEVERITIES.filter((s) => atLeast(s, from) && counts[s] > 0).map((s) => `${counts[s]} ${s}`);
  return shown.length === 0 ? `nothing at ${from} or above` : shown.reverse().join(', ');
}

function readsOf(findings: readonly Finding[]): Record<string, number> {
  const reads: Record<string, number> = {};
  for (const f of findings) for (const kind of (f.evidence.sourceKind ?? '').split('+')) if (kind !== '') reads[kind] = (reads[kind] ?? 0) + 1;
  return Object.fromEntries(Object.entries(reads).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])));
}

export function judgeCase(
  c: RealCase,
  findings: readonly Finding[],
): Pick<CaseResult, 'expected' | 'got' | 'pass' | 'reasons' | 'finding' | 'counts' | 'reads'> {
  const counts = countsOf(findings);
  const reads = readsOf(findings);
  if (c.expect === 'negative') {
    const over = bySeverity(findings.filter((f) => atLeast(f.severity, c.noneAtOrAbove)));
    const top = bySeverity(findings)[0];
    return {
      expected: `nothing at ${c.noneAtOrAbove} or above`,
      got: describeCounts(counts, 'medium'),
      pass: over.length === 0,
      reasons: over.slice(0, 5).map((f) => `${f.ruleId} ${f.severity} at ${f.file}:${f.line}:${f.column}`),
      finding: top ? judged(top) : null,
      counts,
      reads,
    };
  }
  const outcomes = c.findings.map((e) => judgeExpected(e, findings));
  const first = outcomes.find((o) => !o.pass) ?? outcomes[0];
  const got = outcomes
    .map((o) => (o.finding ? `${o.finding.ruleId} ${o.finding.severity}${o.finding.introduced ? ' introduced' : ''} at ${o.finding.file}:${o.finding.line}` : 'nothing there'))
    .join('; ');
  return {
    expected: c.findings.map(describeExpected).join('; '),
    got,
    pass: outcomes.every((o) => o.pass),
    reasons: outcomes.filter((o) => !o.pass).map((o) => o.reason),
    finding: first?.finding ? judged(first.finding) : null,
    counts,
    reads,
  };
}

// ---------------------------------------------------------------------------------------------
// Running
// ---------------------------------------------------------------------------------------------

export interface CasesResult {
  date: string;
  engineVersion: string;
  detectors: string[];
  durationMs: number;
  passed: number;
  failed: number;
  positives: { passed: number; total: number };
  negatives: { passed: number; total: number };
  cases: CaseResult[];
}

interface Analysed {
  findings: Finding[];
  files: { total: number; parsed: number; problems: number };
  ms: number;
}

export interface RunCasesOptions {
  cacheDir: string;
  offline: boolean;
  log: (line: string) => void;
}

export async function runCases(cases: readonly RealCase[], options: RunCasesOptions): Promise<CasesResult> {
  const started = performance.now();
  const load: LoadOptions = { cacheDir: options.cacheDir, offline: options.offline };
  const specs = [...new Set(cases.flatMap((c) => [`${c.name}@${c.version}`, ...(c.previous ? [`${c.name}@${c.previous}`] : [])]))];

  // First every tarball into the cache (network-bound, a few at a time), then the analyses one
  // by one (CPU-bound, and a 13 MB bundle unpacked is better held once than six times).
  options.log(`cases: ${cases.length}, tarballs: ${specs.length}; fetching into bench/.cache/ (cached tarballs are not fetched again)`);
  const fetchErrors = new Map<string, string>();
  let fetched = 0;
  await mapBounded(specs, FETCH_CONCURRENCY, async (spec) => {
    try {
      await fetchTarball(spec, load);
    } catch (error) {
      fetchErrors.set(spec, describeError(error));
    }
    if (++fetched % 10 === 0 || fetched === specs.length) options.log(`  ${fetched}/${specs.length}`);
  });

  const analyses = new Map<string, Analysed | string>();
  const analyse = async (name: string, version: string): Promise<Analysed | string> => {
    const spec = `${name}@${version}`;
    const known = analyses.get(spec);
    if (known !== undefined) return known;
    let outcome: Analysed | string;
    const fetchError = fetchErrors.get(spec);
    if (fetchError !== undefined) outcome = `${spec} not fetched: ${fetchError}`;
    else {
      const loaded = await loadPackage({ spec, name, version }, load);
      if ('stage' in loaded) outcome = `${spec} (${loaded.stage}): ${loaded.reason}`;
      else {
        const t0 = performance.now();
        try {
          const analysis = analyzePackage(loaded.files, DETECTORS);
          outcome = {
            findings: analysis.findings,
            files: { total: analysis.files.total, parsed: analysis.files.parsed, problems: analysis.files.problems.length },
            ms: performance.now() - t0,
          };
        } catch (error) {
          outcome = `${spec} (analyse): ${describeError(error)}`;
        }
      }
    }
    analyses.set(spec, outcome);
    return outcome;
  };

  const results: CaseResult[] = [];
  for (const c of cases) {
    const label = caseLabel(c);
    const current = await analyse(c.name, c.version);
    const previous = c.previous === undefined ? null : await analyse(c.name, c.previous);
    const base = {
      label,
      name: c.name,
      version: c.version,
      previous: c.previous ?? null,
      expect: c.expect,
      recordedMedium: c.expect === 'negative' ? (c.recorded?.medium ?? null) : null,
      why: c.why,
      reference: c.reference,
    };
    const failedLoad = [current, previous].filter((a): a is string => typeof a === 'string');
    if (typeof current === 'string' || typeof previous === 'string') {
      const expected = c.expect === 'negative' ? `nothing at ${c.noneAtOrAbove} or above` : c.findings.map(describeExpected).join('; ');
      results.push({ ...base, expected, got: 'not analysed', pass: false, reasons: failedLoad, finding: null, counts: emptyCounts(), reads: {}, files: null, analysisMs: 0 });
      options.log(`FAIL ${label}: ${failedLoad.join('; ')}`);
      continue;
    }
    // The gate's own road: findings of this version marked against the previous version's.
    const findings = markIntroduced(current.findings, previous === null ? null : previous.findings);
    const verdict = judgeCase(c, findings);
    results.push({ ...base, ...verdict, files: current.files, analysisMs: Math.round(current.ms) });
    options.log(`${verdict.pass ? 'PASS' : 'FAIL'} ${label}: ${verdict.got}${verdict.pass ? '' : ` [${verdict.reasons.join('; ')}]`} (${(current.ms / 1000).toFixed(1)} s)`);
  }

  const tally = (kind: RealCase['expect']): { passed: number; total: number } => {
    const of = results.filter((r) => r.expect === kind);
    return { passed: of.filter((r) => r.pass).length, total: of.length };
  };
  const passed = results.filter((r) => r.pass).length;
  return {
    date: new Date().toISOString(),
    engineVersion: ENGINE_VERSION,
    detectors: DETECTORS.map((d) => d.id),
    durationMs: Math.round(performance.now() - started),
    passed,
    failed: results.length - passed,
    positives: tally('positive'),
    negatives: tally('negative'),
    cases: results,
  };
}

// ---------------------------------------------------------------------------------------------
// Rendering
// ---------------------------------------------------------------------------------------------

function clip(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

function findingText(r: CaseResult): string {
  if (r.finding === null) return '';
  const f = r.finding;
  return `${f.ruleId} ${f.severity} \`${f.file}:${f.line}\`: ${clip(f.message, MAX_MESSAGE)}`;
}

export function renderCasesMarkdown(r: CasesResult): string {
  const lines = [
    '# Real-package cases',
    '',
    `${r.date}, engine ${r.engineVersion}. Detectors: ${r.detectors.join(', ')}.`,
    '',
    `**${r.passed} of ${r.cases.length} passed** (positives ${r.positives.passed}/${r.positives.total}, ` +
      `negatives ${r.negatives.passed}/${r.negatives.total}) in ${(r.durationMs / 1000).toFixed(0)} s.`,
    '',
    'Positives must contain the expected finding; negatives must have nothing at the named severity or above. ' +
      '"finding" is the matched (or nearest) finding of a positive and the top finding of a negative.',
    '',
    '| case | expected | got | result | finding |',
    '|---|---|---|---|---|',
  ];
  for (const c of r.cases) {
    const why = c.pass ? '' : ` (${c.reasons.join('; ')})`;
    lines.push(`| \`${c.label}\` | ${cell(c.expected)} | ${cell(c.got)} | ${c.pass ? 'PASS' : `**FAIL**${cell(why)}`} | ${cell(findingText(c))} |`);
  }
  lines.push('', '## Negatives: findings by severity, measured now and when recorded', '');
  lines.push(
    '| case | critical | high | medium | low | info | medium when recorded | reads (findings by source kind) | analysis |',
    '|---|---:|---:|---:|---:|---:|---:|---|---:|',
  );
  for (const c of r.cases.filter((x) => x.expect === 'negative')) {
    const k = c.counts;
    const reads = Object.entries(c.reads).map(([kind, n]) => `${kind} ${n}`).join(', ');
    lines.push(
      `| \`${c.label}\` | ${k.critical} | ${k.high} | ${k.medium} | ${k.low} | ${k.info} | ${c.recordedMedium ?? ''} | ${reads} | ${(c.analysisMs / 1000).toFixed(1)} s |`,
    );
  }
  lines.push('', '## Why each case, and where it was reported', '');
  for (const c of r.cases) lines.push(`- \`${c.label}\` (${c.expect}): ${cell(c.why)} ${c.reference}`);
  lines.push('');
  return lines.join('\n');
}

/** The printed table: one line per case, fixed columns, the message clipped. */
export function renderCasesTable(r: CasesResult): string {
  const rows = r.cases.map((c) => [c.label, c.expect === 'positive' ? c.expected : `neg: ${c.expected}`, c.got, c.pass ? 'PASS' : 'FAIL', c.finding ? clip(`${c.finding.ruleId} ${c.finding.severity}: ${c.finding.message}`, 90) : '']);
  const head = ['case', 'expected', 'got', 'result', 'finding'];
  const widths = head.map((h, i) => Math.min(i === 1 || i === 2 ? 60 : 48, Math.max(h.length, ...rows.map((row) => (row[i] as string).length))));
  const fit = (text: string, width: number): string => (text.length > width ? `${text.slice(0, width - 1)}…` : text.padEnd(width));
  const line = (row: string[]): string => row.map((t, i) => (i === row.length - 1 ? t : fit(t, widths[i] as number))).join('  ');
  return [line(head), ...rows.map(line), '', `${r.passed} of ${r.cases.length} passed (positives ${r.positives.passed}/${r.positives.total}, negatives ${r.negatives.passed}/${r.negatives.total}), ${(r.durationMs / 1000).toFixed(0)} s`].join('\n');
}

// ---------------------------------------------------------------------------------------------
// The command
// ---------------------------------------------------------------------------------------------

export interface CasesArgs {
  only: string[];
  offline: boolean;
}

export function parseCasesArgs(argv: readonly string[]): CasesArgs {
  const only: string[] = [];
  let offline = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--offline') offline = true;
    else if (arg === '--only') {
      const value = argv[++i];
      if (value === undefined || value.startsWith('--')) throw new Error('--only needs a package name or name@version');
      only.push(...value.split(',').filter((v) => v.length > 0));
    } else throw new Error(`unknown argument "${arg}"; use: cases [--only <name>[,<name>...]] [--offline]`);
  }
  return { only, offline };
}

/** `--only x` keeps the cases of package `x`, or the one case `x@version`. */
export function selectCases(cases: readonly RealCase[], only: readonly string[]): RealCase[] {
  if (only.length === 0) return [...cases];
  const picked = cases.filter((c) => only.some((o) => o === c.name || o === `${c.name}@${c.version}`));
  if (picked.length === 0) throw new Error(`--only ${only.join(',')} matches no case in bench/real-cases.json`);
  return picked;
}

/** Runs the suite and writes `bench/results/cases.{json,md}`; returns the exit code. */
export async function casesCommand(
  argv: readonly string[],
  benchDir: string,
  log: (line: string) => void,
  writeResults: (name: string, json: unknown, markdown: string) => Promise<void>,
): Promise<number> {
  const args = parseCasesArgs(argv);
  const cases = selectCases(await readCases(join(benchDir, 'real-cases.json')), args.only);
  const result = await runCases(cases, { cacheDir: join(benchDir, '.cache'), offline: args.offline, log });
  log('');
  log(renderCasesTable(result));
  log('');
  // A partial run (--only) is for iteration: it must not overwrite the full suite's record.
  if (args.only.length === 0) await writeResults('cases', result, renderCasesMarkdown(result));
  else {
    const dir = join(dirname(benchDir), '.tmp', 'bench');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'cases.json'), `${JSON.stringify(result, null, 2)}\n`);
    await writeFile(join(dir, 'cases.md'), renderCasesMarkdown(result));
    log('--only: wrote .tmp/bench/cases.{json,md}; bench/results/cases.* are left as they were');
  }
  return result.failed === 0 ? 0 : 1;
}

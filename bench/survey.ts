/**
 * The false-positive survey: every corpus package analysed in full, each counted at its highest
 * severity, and every finding at `medium` or above listed for a human to judge by hand. The
 * corpus is popular, legitimate code, so each such finding is a candidate false positive.
 */
import { analyzePackage } from '../src/analysis/analyze-package.js';
import { DETECTORS } from '../src/analysis/detectors/index.js';
import type { Finding } from '../src/report/report.js';
import { SEVERITIES, highestSeverity, severityRank, type Severity } from '../src/report/severity.js';
import type { CorpusFailure, LoadedPackage } from './corpus.js';
import { describeError } from './corpus.js';
import { selectJsFiles } from './js-files.js';

/** Findings from this severity up are listed one by one. */
export const LISTED_FROM: Severity = 'medium';

/** Characters of a finding's snippet kept in the listing: enough to judge, not a minified line. */
const MAX_SNIPPET = 160;

export interface SurveyedFinding {
  spec: string;
  file: string;
  line: number;
  column: number;
  ruleId: string;
  severity: Severity;
  message: string;
  sourceKind: string | null;
  codeKind: string | null;
  snippet: string;
  list: { encoding: string; values: string[]; hashed?: { algorithm: string; count: number } } | null;
}

export interface SurveyedPackage {
  spec: string;
  highest: Severity | 'none';
  bySeverity: Record<Severity, number>;
  jsFiles: number;
  jsBytes: number;
  parsed: number;
  problems: { file: string; reason: string }[];
  notes: string[];
}

export interface SurveyResult {
  date: string;
  detectors: string[];
  packages: number;
  analysed: number;
  /** Packages counted at their highest severity; `none` for no finding at all. */
  byHighest: Record<Severity | 'none', number>;
  /** All findings by rule and severity, listed or not. */
  byRule: Record<string, Partial<Record<Severity, number>>>;
  listed: SurveyedFinding[];
  failures: { spec: string; stage: 'fetch' | 'extract' | 'analyse'; reason: string }[];
  perPackage: SurveyedPackage[];
}

function emptyCounts(): Record<Severity, number> {
  return { info: 0, low: 0, medium: 0, high: 0, critical: 0 };
}

function clip(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > MAX_SNIPPET ? `${flat.slice(0, MAX_SNIPPET)}…` : flat;
}

function toListed(spec: string, f: Finding): SurveyedFinding {
  return {
    spec,
    file: f.file,
    line: f.line,
    column: f.column,
    ruleId: f.ruleId,
    severity: f.severity,
    message: f.message,
    sourceKind: f.evidence.sourceKind ?? null,
    codeKind: f.evidence.codeKind ?? null,
    snippet: clip(f.evidence.snippet),
    list: f.evidence.list ?? null,
  };
}

export function runSurvey(
  loaded: readonly LoadedPackage[],
  corpusFailures: readonly CorpusFailure[],
  log: (line: string) => void,
): SurveyResult {
  const byHighest: Record<Severity | 'none', number> = { none: 0, ...emptyCounts() };
  const byRule: Record<string, Partial<Record<Severity, number>>> = {};
  const listed: SurveyedFinding[] = [];
  const failures: SurveyResult['failures'] = corpusFailures.map((f) => ({ spec: f.spec, stage: f.stage, reason: f.reason }));
  const perPackage: SurveyedPackage[] = [];

  for (const pkg of loaded) {
    const js = selectJsFiles(pkg.files);
    let analysis: ReturnType<typeof analyzePackage>;
    try {
      analysis = analyzePackage(pkg.files, DETECTORS);
    } catch (error) {
      failures.push({ spec: pkg.spec, stage: 'analyse', reason: describeError(error) });
      continue;
    }
    const bySeverity = emptyCounts();
    for (const f of analysis.findings) {
      bySeverity[f.severity]++;
      const rule = (byRule[f.ruleId] ??= {});
      rule[f.severity] = (rule[f.severity] ?? 0) + 1;
      if (severityRank(f.severity) >= severityRank(LISTED_FROM)) listed.push(toListed(pkg.spec, f));
    }
    const highest = highestSeverity(analysis.findings.map((f) => f.severity)) ?? 'none';
    byHighest[highest]++;
    perPackage.push({
      spec: pkg.spec,
      highest,
      bySeverity,
      jsFiles: js.length,
      jsBytes: js.reduce((n, f) => n + f.content.length, 0),
      parsed: analysis.files.parsed,
      problems: analysis.files.problems.map((p) => ({ file: p.file, reason: p.reason })),
      notes: pkg.files.notes,
    });
    log(`${pkg.spec}: ${highest}${analysis.findings.length > 0 ? ` (${analysis.findings.length} findings)` : ''}`);
  }

  listed.sort(
    (a, b) =>
      severityRank(b.severity) - severityRank(a.severity) ||
      a.spec.localeCompare(b.spec) ||
      a.file.localeCompare(b.file) ||
      a.line - b.line ||
      a.column - b.column,
  );
  return {
    date: new Date().toISOString(),
    detectors: DETECTORS.map((d) => d.id),
    packages: loaded.length + corpusFailures.length,
    analysed: perPackage.length,
    byHighest,
    byRule,
    listed,
    failures,
    perPackage,
  };
}

/** Markdown table cells: pipes and newlines would break the row. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

function renderList(list: SurveyedFinding['list']): string {
  if (list === null) return '';
  if (list.hashed !== undefined) return `${list.hashed.count} ${list.hashed.algorithm} digests`;
  return `${list.encoding}: ${list.values.map((v) => JSON.stringify(v)).join(', ')}`;
}

export function renderSurveyMarkdown(r: SurveyResult): string {
  const lines = [
    '# False-positive survey',
    '',
    `${r.date}. Detectors: ${r.detectors.length === 0 ? '(none registered)' : r.detectors.join(', ')}.`,
    '',
    `${r.packages} packages in the corpus, ${r.analysed} analysed, ${r.failures.length} failed.`,
    '',
    '| highest severity | packages |',
    '|---|---:|',
    `| none | ${r.byHighest.none} |`,
    ...SEVERITIES.map((s) => `| ${s} | ${r.byHighest[s]} |`),
    '',
  ];
  const rules = Object.keys(r.byRule).sort();
  if (rules.length > 0) {
    lines.push('| rule | ' + SEVERITIES.join(' | ') + ' |', '|---|' + SEVERITIES.map(() => '---:').join('|') + '|');
    for (const rule of rules) {
      const counts = r.byRule[rule] ?? {};
      lines.push(`| ${rule} | ${SEVERITIES.map((s) => counts[s] ?? 0).join(' | ')} |`);
    }
    lines.push('');
  }
  lines.push(`## Findings at ${LISTED_FROM} or above (${r.listed.length}), to review by hand`, '');
  if (r.listed.length === 0) lines.push('None.', '');
  else {
    lines.push('| severity | package | file:line:col | rule | message | decoded list | snippet |', '|---|---|---|---|---|---|---|');
    for (const f of r.listed) {
      lines.push(
        `| ${f.severity} | \`${f.spec}\` | \`${cell(f.file)}:${f.line}:${f.column}\` | ${f.ruleId} | ${cell(f.message)} | ` +
          `${cell(renderList(f.list))} | \`${cell(f.snippet).replace(/`/g, "'")}\` |`,
      );
    }
    lines.push('');
  }
  const below = r.perPackage.filter((p) => p.highest !== 'none' && severityRank(p.highest) < severityRank(LISTED_FROM));
  if (below.length > 0) {
    lines.push(`## Packages whose findings are all below ${LISTED_FROM} (${below.length})`, '');
    const counts = (p: SurveyedPackage): string =>
      SEVERITIES.filter((s) => p.bySeverity[s] > 0)
        .map((s) => `${p.bySeverity[s]} ${s}`)
        .join(', ');
    lines.push(below.map((p) => `\`${p.spec}\` (${counts(p)})`).join(', '), '');
  }
  if (r.failures.length > 0) {
    lines.push('## Packages not analysed', '');
    for (const f of r.failures) lines.push(`- \`${f.spec}\` (${f.stage}): ${cell(f.reason)}`);
    lines.push('');
  }
  const withProblems = r.perPackage.filter((p) => p.problems.length > 0);
  if (withProblems.length > 0) {
    lines.push('## Files that could not be analysed', '');
    for (const p of withProblems) {
      const shown = p.problems.slice(0, 5).map((x) => `\`${cell(x.file)}\`: ${cell(x.reason)}`);
      const more = p.problems.length > shown.length ? `; and ${p.problems.length - shown.length} more` : '';
      lines.push(`- \`${p.spec}\` (${p.problems.length} of ${p.jsFiles}): ${shown.join('; ')}${more}`);
    }
    lines.push('');
  }
  return lines.join('\n');
}

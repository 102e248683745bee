/**
 * The terminal report. Names, paths, messages and list values come from the scanned packages, so
 * control characters are made visible before they reach a terminal: an escape sequence in a file
 * name must not recolour, move the cursor or rewrite the lines above it.
 */
import { describeListTargets, orderForReview } from '../../analysis/facts/list-presentation.js';
import type { Finding, PackageReport, Report } from '../report.js';
import type { Severity } from '../severity.js';
import { tallyReport, type ReportTally } from '../verdict.js';

/** Decoded list values printed per finding, the telling ones first; the JSON report has them all, in list order. */
export const MAX_TEXT_LIST_VALUES = 50;

// C0/C1 controls, plus the bidirectional overrides and isolates that reorder what a reader sees
// (Trojan Source) and the Unicode line separators that some viewers break lines at.
const UNPRINTABLE = /[\p{Cc}\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069\u2028\u2029]/gu;

const NAMED_ESCAPES: Readonly<Record<string, string>> = Object.freeze({ '\n': '\\n', '\r': '\\r', '\t': '\\t' });

/**
 * Shows control and direction-changing characters as escapes (`\n`, `\x1b`, `\u202e`). With
 * `keepNewlines`, line feeds stay (for code blocks) and a carriage return before one is dropped.
 */
export function printable(value: string, options: { keepNewlines?: boolean } = {}): string {
  const text = options.keepNewlines ? value.replace(/\r\n/g, '\n') : value;
  return text.replace(UNPRINTABLE, (char) => {
    if (options.keepNewlines && char === '\n') return char;
    const named = NAMED_ESCAPES[char];
    if (named !== undefined) return named;
    const code = char.charCodeAt(0);
    return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/**
 * Shortens to at most `max` UTF-16 units (the ellipsis included) without splitting a surrogate pair.
 */
export function clip(value: string, max: number): string {
  if (value.length <= max) return value;
  if (max <= 0) return '';
  let end = Math.max(0, max - 1);
  const last = value.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return `${value.slice(0, end)}…`;
}

/** `file:line:column` with a 1-based column, as editors and compilers print it (the report stores 0-based). */
export function formatLocation(finding: Pick<Finding, 'file' | 'line' | 'column'>): string {
  return `${finding.file}:${finding.line}:${finding.column + 1}`;
}

export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : pluralForm}`;
}

/**
 * The outcome in words, after the verdict: "2 findings at or above `high` in 1 of 3 changed
 * packages". `code` formats the threshold (a code span in markdown).
 */
export function describeOutcome(report: Report, tally: ReportTally, code: (text: string) => string = (t) => t): string {
  // An audit's packages were not changed by anything: they are what the lockfile locks.
  const changed = plural(tally.packages, report.audit !== undefined ? 'locked package' : 'changed package');
  const unscanned = tally.unscanned + report.unscannedLockfiles.length;
  if (report.verdict === 'fail' && report.blocking === 0 && unscanned > 0) {
    return `no findings at or above ${code(report.failOn)}, but ${plural(unscanned, 'package or lockfile', 'packages or lockfiles')} could not be scanned (on-unscanned ${code('fail')})`;
  }
  if (tally.packages === 0) return report.audit !== undefined ? 'no locked packages' : 'no changed packages';
  if (report.failOn === 'none') {
    return `${plural(tally.findings, 'finding')} in ${changed}; findings never fail this run (fail-on ${code('none')})`;
  }
  if (report.blocking === 0) return `no findings at or above ${code(report.failOn)} in ${changed}`;
  return `${plural(report.blocking, 'finding')} at or above ${code(report.failOn)} in ${tally.blockingPackages} of ${changed}`;
}

/** The secondary counts ("5 findings in total, 2 new · 1 package not scanned"), or '' when all are zero. */
export function describeTally(tally: ReportTally): string {
  const parts: string[] = [];
  if (tally.findings > 0) parts.push(`${plural(tally.findings, 'finding')} in total, ${tally.introduced} new in this version`);
  if (tally.unscanned > 0) parts.push(`${plural(tally.unscanned, 'package')} not scanned`);
  if (tally.filesNotParsed > 0) parts.push(`${plural(tally.filesNotParsed, 'file')} not parsed`);
  if (tally.allowed > 0) parts.push(`${plural(tally.allowed, 'finding')} allow-listed`);
  return parts.join(' · ');
}

export interface TextOptions {
  /** ANSI colours for severities and the verdict; off unless asked for. */
  color?: boolean;
}

const SEVERITY_COLOURS: Readonly<Record<Severity, string>> = Object.freeze({
  critical: '\x1b[1;31m',
  high: '\x1b[31m',
  medium: '\x1b[33m',
  low: '\x1b[36m',
  info: '\x1b[2m',
});
const RESET = '\x1b[0m';

function versionLine(pkg: PackageReport): string {
  const name = printable(pkg.alias ? `${pkg.name} (as ${pkg.alias})` : pkg.name);
  const version = printable(pkg.version);
  const previous = pkg.previousVersion === null ? null : printable(pkg.previousVersion);
  if (pkg.change === 'removed') return `${name} ${version} -> (removed)`;
  if (previous === null) return `${name} (none) -> ${version}`;
  return `${name} ${previous} -> ${version}`;
}

/** Links shown per finding; the JSON report keeps them all. */
export const MAX_CHAIN_LINKS = 8;

/** The chain as `role line:column` steps (columns from 1), e.g. `source 18:25 → list 13:11 → comparison 24:10`. */
export function chainSummary(finding: Finding): string | null {
  const links = finding.evidence.links ?? [];
  if (links.length === 0) return null;
  const steps = links.slice(0, MAX_CHAIN_LINKS).map((link) => `${link.role} ${link.line}:${link.column + 1}`);
  if (links.length > MAX_CHAIN_LINKS) steps.push(`… ${links.length - MAX_CHAIN_LINKS} more`);
  return steps.join(' → ');
}

function listLines(finding: Finding): string[] {
  const lines: string[] = [];
  const chain = chainSummary(finding);
  if (chain !== null) lines.push(`chain: ${chain}`);
  const { list, lists = [] } = finding.evidence;
  if (list?.hashed) {
    lines.push(`hashed list: ${plural(list.hashed.count, `${printable(list.hashed.algorithm)} digest`)}`);
  }
  // A decision that compares several lists shows each on its own (`evidence.lists`).
  const shown =
    lists.length > 1
      ? lists.map((entry, index) => ({ label: `decoded list ${index + 1} of ${lists.length}`, ...entry, hashed: false }))
      : list && list.values.length > 0
        ? [{ label: 'decoded list', encoding: list.encoding, values: list.values, comparedWith: [], hashed: list.hashed !== undefined }]
        : [];
  for (const entry of shown) {
    // Digests are not decoded values: their order and "targets" mean nothing.
    const targets = entry.hashed ? null : describeListTargets(entry.values);
    if (targets !== null) lines.push(`targets: ${printable(targets)}`);
    const ordered = entry.hashed ? entry.values : orderForReview(entry.values);
    const values = ordered.slice(0, MAX_TEXT_LIST_VALUES).map((value) => printable(value));
    const more = entry.values.length - values.length;
    const compared = entry.comparedWith.length > 0 ? `, compared with ${entry.comparedWith.map((what) => printable(what)).join(', ')}` : '';
    lines.push(
      `${entry.label} (${printable(entry.encoding)}, ${plural(entry.values.length, 'value')}${compared}): ${values.join(', ')}${more > 0 ? `, ... and ${more} more` : ''}`,
    );
  }
  return lines;
}

export function renderText(report: Report, options: TextOptions = {}): string {
  const paint = (colour: string, text: string): string => (options.color ? `${colour}${text}${RESET}` : text);
  const tally = tallyReport(report.packages, report.failOn, report.mode);
  const verdict = report.verdict === 'fail' ? paint('\x1b[1;31m', 'FAIL') : paint('\x1b[1;32m', 'PASS');
  const lines = [`fingerprint-gate: ${verdict} — ${describeOutcome(report, tally)}`];
  const counts = describeTally(tally);
  if (counts !== '') lines.push(counts);
  if (report.packages.length > 0) lines.push('');
  for (const pkg of report.packages) {
    const reason = pkg.reason === undefined ? '' : `  [${printable(pkg.reason)}]`;
    lines.push(`${versionLine(pkg)}  ${pkg.change}  ${pkg.status}${reason}`);
    for (const finding of pkg.findings) {
      const introduced = finding.introduced ? ' (new in this version)' : '';
      lines.push(
        `    ${paint(SEVERITY_COLOURS[finding.severity], finding.severity)} ${finding.ruleId} ${printable(formatLocation(finding))} ${printable(finding.message)}${introduced}`,
      );
      for (const line of listLines(finding)) lines.push(`      ${line}`);
    }
    for (const problem of pkg.files?.problems ?? []) {
      lines.push(`    not parsed: ${printable(problem.file)}: ${printable(problem.reason)}`);
    }
  }
  if (report.notes.length > 0 || report.unscannedLockfiles.length > 0) lines.push('');
  for (const lockfile of report.unscannedLockfiles) lines.push(`lockfile not scanned: ${printable(lockfile.path)}: ${printable(lockfile.reason)}`);
  for (const note of report.notes) lines.push(`note: ${printable(note)}`);
  return `${lines.join('\n')}\n`;
}

/**
 * The pull-request comment and the job summary. Everything a package controls (its name, version,
 * file paths, messages, snippets, decoded lists, and the reasons errors give) is written so it
 * cannot become markdown or HTML: it must not forge our comment marker, break the table, mention
 * people or teams (`@scope/pkg` is a team mention), reference issues, make links or images, or
 * close a code block. Four contexts, four writers:
 *   - `code`: an inline code span, used only for text from a tame alphabet (no backtick, pipe,
 *     backslash, `<`, space), so no escaping question arises; anything else goes to `prose`.
 *   - `prose`: ASCII punctuation backslash-escaped, `& < >` as entities (a backslash before `<`
 *     would leave the marker's characters in the raw body), and a zero-width space after `@`,
 *     before `://`, inside `www.` and between `#` and a digit, which GitHub would otherwise turn
 *     into mentions, links and cross-references after markdown has been rendered.
 *   - `html`: inside the raw HTML line of `<summary>`, where markdown is not parsed: entities only.
 *   - `fence`: a code block whose fence is longer than any backtick run in the snippet.
 */
import { describeListTargets, orderForReview } from '../../analysis/facts/list-presentation.js';
import { highestSeverity, severityRank, type Severity } from '../severity.js';
import type { Finding, PackageReport, Report } from '../report.js';
import type { SourceKind } from '../../analysis/facts/sources.js';
import { packageFileUrl } from '../package-browser.js';
import { isBlocking, isUnscanned, tallyReport } from '../verdict.js';
import { chainSummary, clip, describeOutcome, describeTally, formatLocation, plural, printable } from './text.js';

export const COMMENT_MARKER = '<!-- fingerprint-gate:comment -->';
/** GitHub rejects issue comments longer than this many characters. */
export const MAX_COMMENT_LENGTH = 65_536;

/**
 * Decoded list values shown per finding, within MAX_LIST_CHARACTERS; the JSON report has them
 * all. Enough for the telling entries of a long list (one host per company, the zones of each
 * country) to be read without opening the artifact.
 */
export const MAX_LIST_VALUES = 50;
/**
 * Characters of list values (before escaping) shown per finding: fifty long host names must not
 * take the room other findings and packages need under MAX_COMMENT_LENGTH.
 */
export const MAX_LIST_CHARACTERS = 1_500;
/** Findings from this severity up are shown in full: chain, decoded lists, code window, link. */
export const FULL_DETAIL_AT: Severity = 'medium';
/** Allowed findings listed in the comment; the JSON report has them all. */
export const MAX_ALLOWED_LISTED = 50;
/** Findings listed per package before "and N more". */
export const MAX_FINDINGS_PER_PACKAGE = 30;
/** Files that did not parse, listed per package. */
export const MAX_PROBLEMS_PER_PACKAGE = 10;
/** Caps on one untrusted value before escaping: names, versions, paths, list values. */
const MAX_FIELD_LENGTH = 214;
/** Caps on messages, reasons and notes. */
const MAX_PROSE_LENGTH = 1_000;
/** A snippet is a window around a finding; this only guards against a detector's mistake. */
const MAX_SNIPPET_LENGTH = 800;

export interface MarkdownOptions {
  /** First line, found again when the comment is updated: COMMENT_MARKER for the PR comment. None by default (job summary, CLI). */
  marker?: string;
  /** The result never exceeds this many UTF-16 units. Defaults to MAX_COMMENT_LENGTH. */
  maxLength?: number;
  /** A heading under the marker. */
  title?: string;
  /**
   * List `info` findings one by one (default true: job summary, CLI). The PR comment sums them up
   * per package in one line instead, so a reviewer is not handed a wall of plain reads.
   */
  listInfo?: boolean;
  /** List `low` findings (default true). The comment lists them only with `comment: always`. */
  listLow?: boolean;
}

const ZWSP = '\u200b';
const TAME = /^[A-Za-z0-9@/._~+:#=^-]+$/;
const ESCAPABLE = /[!"#$%'()*+,\-./:;=?@[\\\]^_`{|}~]/g;
const ENTITIES: Readonly<Record<string, string>> = Object.freeze({
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
});

/** Breaks what GitHub links after rendering: mentions, issue references, bare URLs. */
function defuse(value: string): string {
  return value
    .replace(/@/g, `@${ZWSP}`)
    .replace(/#(?=\d)/g, `#${ZWSP}`)
    .replace(/\b(gh)-(?=\d)/gi, `$1${ZWSP}-`)
    .replace(/:\/\//g, `${ZWSP}://`)
    .replace(/\b(www)\./gi, `$1${ZWSP}.`);
}

function prose(value: string, max = MAX_PROSE_LENGTH): string {
  return defuse(printable(clip(value, max)))
    .replace(ESCAPABLE, (char) => `\\${char}`)
    .replace(/[&<>]/g, (char) => ENTITIES[char] ?? char);
}

function html(value: string, max = MAX_FIELD_LENGTH): string {
  return defuse(printable(clip(value, max))).replace(/[&<>"']/g, (char) => ENTITIES[char] ?? char);
}

/** A code span for tame text (package names, versions, ordinary paths); escaped prose otherwise. */
function code(value: string, max = MAX_FIELD_LENGTH): string {
  const clipped = clip(value, max);
  return TAME.test(clipped) ? `\`${clipped}\`` : prose(clipped, max);
}

function longestBacktickRun(text: string): number {
  let longest = 0;
  for (const run of text.match(/`+/g) ?? []) longest = Math.max(longest, run.length);
  return longest;
}

function fence(snippet: string): string {
  // A code block shows `<!--` literally, but the raw body would still contain the marker.
  const body = printable(clip(snippet, MAX_SNIPPET_LENGTH), { keepNewlines: true }).replace(/<!--/g, `<${ZWSP}!--`);
  const ticks = '`'.repeat(Math.max(3, longestBacktickRun(body) + 1));
  return `${ticks}js\n${body}\n${ticks}`;
}

function packageName(pkg: PackageReport): string {
  return pkg.alias ? `${code(pkg.name)} (as ${code(pkg.alias)})` : code(pkg.name);
}

function versionCell(pkg: PackageReport): string {
  if (pkg.change === 'removed') return `${code(pkg.version)} → removed`;
  if (pkg.previousVersion === null) return code(pkg.version);
  return `${code(pkg.previousVersion)} → ${code(pkg.version)}`;
}

function packageHighest(pkg: PackageReport): Severity | null {
  return highestSeverity(pkg.findings.map((finding) => finding.severity));
}

function tableRow(pkg: PackageReport): string {
  const highest = packageHighest(pkg);
  const introduced = pkg.findings.filter((finding) => finding.introduced).length;
  let findings = isUnscanned(pkg) || pkg.change === 'removed' ? '—' : String(introduced);
  if (pkg.findings.length > introduced) findings += ` of ${pkg.findings.length}`;
  if (pkg.allowed) findings += ` (+${pkg.allowed} allowed)`;
  const cells = [packageName(pkg), versionCell(pkg), pkg.change, pkg.status, highest ? `**${highest}**` : '—', findings];
  return `| ${cells.join(' | ')} |`;
}

function table(packages: readonly PackageReport[]): string {
  return [
    '| Package | Version | Change | Status | Highest severity | New findings |',
    '| --- | --- | --- | --- | --- | ---: |',
    ...packages.map(tableRow),
  ].join('\n');
}

function reasonsSection(packages: readonly PackageReport[]): string | null {
  const listed = packages.filter((pkg) => isUnscanned(pkg) || (pkg.reason !== undefined && pkg.change !== 'removed'));
  if (listed.length === 0) return null;
  const items = listed.map((pkg) => {
    const reason = pkg.reason === undefined ? 'no reason recorded' : prose(pkg.reason);
    return `- ${packageName(pkg)} ${code(pkg.version)} — ${pkg.status}: ${reason}`;
  });
  return ['**Packages not fully scanned**', '', ...items].join('\n');
}

function unscannedLockfilesSection(lockfiles: Report['unscannedLockfiles']): string | null {
  if (lockfiles.length === 0) return null;
  const items = lockfiles.map((lockfile) => `- ${code(lockfile.path)}: ${prose(lockfile.reason)}`);
  return ['**Lockfiles not scanned**', '', ...items].join('\n');
}

function notesSection(notes: readonly string[]): string | null {
  if (notes.length === 0) return null;
  return ['**Notes**', '', ...notes.map((note) => `- ${prose(note)}`)].join('\n');
}

/** The values shown for a list: as many of the reviewer's order as fit both caps, at least one. */
function shownValues(values: readonly string[]): string[] {
  const shown: string[] = [];
  let used = 0;
  for (const value of values) {
    const clipped = clip(value, MAX_FIELD_LENGTH);
    if (shown.length >= MAX_LIST_VALUES || (shown.length > 0 && used + clipped.length > MAX_LIST_CHARACTERS)) break;
    shown.push(clipped);
    used += clipped.length;
  }
  return shown;
}

/** One list to show: the finding's list, or one of the separate lists of a decision that compares several. */
interface ShownList {
  label: string;
  encoding: string;
  values: readonly string[];
  comparedWith: readonly string[];
  /** Digests are not decoded values: their order and "targets" mean nothing. */
  hashed: boolean;
}

/** The lists of a finding: each one on its own when the decision compares several (`evidence.lists`). */
function listsOf(finding: Finding): ShownList[] {
  const { list, lists = [] } = finding.evidence;
  if (lists.length > 1) {
    return lists.map((entry, index) => ({
      label: `Decoded list ${index + 1} of ${lists.length}`,
      encoding: entry.encoding,
      values: entry.values,
      comparedWith: entry.comparedWith,
      hashed: false,
    }));
  }
  if (!list || list.values.length === 0) return [];
  return [{ label: 'Decoded list', encoding: list.encoding, values: list.values, comparedWith: [], hashed: list.hashed !== undefined }];
}

/**
 * The decoded lists: what each targets, then its values with the telling ones first. A list
 * already shown for an earlier finding of the same package is referred to, not repeated: a
 * bundle compares one list at many places.
 */
function listParagraph(finding: Finding, shownLists: Map<string, string>): string | null {
  const parts: string[] = [];
  for (const list of listsOf(finding)) {
    const compared = list.comparedWith.map((what) => code(what)).join(', ');
    const heading = `${list.label} (${prose(list.encoding, MAX_FIELD_LENGTH)}, ${plural(list.values.length, 'value')}${compared === '' ? '' : `, compared with ${compared}`})`;
    const key = JSON.stringify([list.encoding, list.values]);
    const earlier = shownLists.get(key);
    if (earlier !== undefined) {
      parts.push(`${heading}: the same list as at ${earlier}`);
      continue;
    }
    shownLists.set(key, code(formatLocation({ ...finding, file: clip(finding.file, MAX_FIELD_LENGTH) }), Infinity));
    const ordered = list.hashed ? [...list.values] : orderForReview(list.values);
    const targets = list.hashed ? null : describeListTargets(list.values);
    const shown = shownValues(ordered).map((value) => code(value));
    const more = list.values.length - shown.length;
    const regrouped = ordered.some((value, index) => value !== list.values[index]) ? ', telling entries first' : '';
    parts.push(
      `${heading}${targets === null ? '' : ` — **${prose(targets)}**`}${regrouped}: ${shown.join(', ')}${more > 0 ? `, and ${more} more` : ''}`,
    );
  }
  const hashed = finding.evidence.list?.hashed;
  if (hashed) {
    parts.push(`Hashed list: ${plural(hashed.count, 'digest')} (${prose(hashed.algorithm, MAX_FIELD_LENGTH)}); the values are unknown`);
  }
  return parts.length > 0 ? parts.join('\n\n') : null;
}

/** How the one-line summary of plain reads names each kind of signal. */
const SOURCE_PHRASES: Readonly<Record<SourceKind, string>> = Object.freeze({
  timezone: 'the timezone',
  locale: 'the locale',
  proxy: 'the proxy settings',
  endpoint: 'API endpoints',
  hostname: 'the host name',
  user: 'the user name or home folder',
  network: 'the network interfaces',
  'machine-id': 'the machine id',
  ci: 'the CI environment',
  'git-identity': 'the git identity',
  'cloud-metadata': 'the cloud metadata service',
  'public-ip': 'the public IP address',
});

function isSourceKind(value: string | undefined): value is SourceKind {
  return value !== undefined && Object.prototype.hasOwnProperty.call(SOURCE_PHRASES, value);
}

/** "reads the timezone in 20 places, the locale in 3": a package's plain reads in one line. */
export function describePlainReads(findings: readonly Finding[]): string {
  const counts = new Map<string, number>();
  for (const finding of findings) {
    const kind = finding.evidence.sourceKind;
    const phrase = isSourceKind(kind) ? SOURCE_PHRASES[kind] : kind !== undefined ? `the ${clip(kind, 40)}` : `\`${finding.ruleId}\``;
    counts.set(phrase, (counts.get(phrase) ?? 0) + 1);
  }
  const parts = [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .map(([phrase, count], index) => `${phrase} in ${index === 0 ? plural(count, 'place') : count}`);
  return `reads ${parts.join(', ')}`;
}

export interface FindingContext {
  pkg: PackageReport;
  report: Report;
  shownLists: Map<string, string>;
}

function severityLabel(finding: Finding): string {
  const raised = finding.ruleSeverity === undefined ? '' : ` (rule default ${finding.ruleSeverity}, set by the policy)`;
  return `**${finding.severity}**${raised}`;
}

function expiredLine(finding: Finding): string | null {
  const lapsed = finding.expiredAllowance;
  if (lapsed === undefined) return null;
  return `Allowance expired on ${code(lapsed.expires ?? 'an earlier day')}, reason was: ${prose(lapsed.reason)} (allow entry ${code(lapsed.package)}).`;
}

/** The full account of one finding: sentence, chain, decoded lists, code window, link. */
function findingSection(finding: Finding, context: FindingContext): string {
  const introduced = finding.introduced ? ' · **new in this version**' : '';
  const location = code(formatLocation({ ...finding, file: clip(finding.file, MAX_FIELD_LENGTH) }), Infinity);
  const head = `${severityLabel(finding)} · \`${finding.ruleId}\` · ${location} — ${prose(finding.message)}${introduced}`;
  const parts = [head];
  const expired = expiredLine(finding);
  if (expired !== null) parts.push(expired);
  const chain = chainSummary(finding);
  if (chain !== null) parts.push(`Chain in ${code(clip(finding.file, MAX_FIELD_LENGTH))}: ${chain}`);
  const list = listParagraph(finding, context.shownLists);
  if (list !== null) parts.push(list);
  if (finding.evidence.snippet.trim() !== '') parts.push(fence(finding.evidence.snippet));
  const url = packageFileUrl(context.pkg, finding, context.report.packageBrowser);
  // The URL is ours: a trusted base, then segments percent-encoded so nothing in them ends the link.
  if (url !== null) parts.push(`[The file at ${code(context.pkg.version)} in the package browser](${url})`);
  return parts.join('\n\n');
}

/** A finding below `medium`: one line, no window. */
function findingLine(finding: Finding): string {
  const location = code(formatLocation({ ...finding, file: clip(finding.file, MAX_FIELD_LENGTH) }), Infinity);
  const expired = expiredLine(finding);
  return `- ${severityLabel(finding)} · \`${finding.ruleId}\` · ${location} — ${prose(finding.message)}${expired === null ? '' : ` ${expired}`}`;
}

function byDisplayOrder(a: Finding, b: Finding): number {
  return (
    severityRank(b.severity) - severityRank(a.severity) ||
    Number(b.introduced) - Number(a.introduced) ||
    (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) ||
    a.line - b.line ||
    a.column - b.column
  );
}

/** Which findings a block lists one by one, which it sums up in a line, and which it leaves to the job summary. */
interface Listing {
  listInfo: boolean;
  listLow: boolean;
}

/**
 * The findings of one package in one section: medium and above in full, low as lines (when
 * listed), info summed up per kind of read unless listed.
 */
function findingsBody(pkg: PackageReport, findings: readonly Finding[], report: Report, listing: Listing): string[] {
  const sections: string[] = [];
  const context: FindingContext = { pkg, report, shownLists: new Map() };
  const sorted = [...findings].sort(byDisplayOrder);
  const full = sorted.filter((finding) => severityRank(finding.severity) >= severityRank(FULL_DETAIL_AT));
  const low = sorted.filter((finding) => finding.severity === 'low');
  const info = sorted.filter((finding) => finding.severity === 'info');
  for (const finding of full.slice(0, MAX_FINDINGS_PER_PACKAGE)) sections.push(findingSection(finding, context));
  let left = MAX_FINDINGS_PER_PACKAGE - Math.min(full.length, MAX_FINDINGS_PER_PACKAGE);
  const lines: string[] = [];
  const shownLow = listing.listLow ? low.slice(0, left) : [];
  left -= shownLow.length;
  lines.push(...shownLow.map(findingLine));
  const shownInfo = listing.listInfo ? info.slice(0, left) : [];
  lines.push(...shownInfo.map(findingLine));
  if (lines.length > 0) sections.push(lines.join('\n'));
  if (info.length > 0 && !listing.listInfo) {
    sections.push(`Plain reads (\`info\`): ${prose(describePlainReads(info))}. Listed one by one in the job summary and the JSON report.`);
  }
  const notListed = full.length + low.length + info.length - Math.min(full.length, MAX_FINDINGS_PER_PACKAGE) - shownLow.length - shownInfo.length;
  const summedUp = listing.listInfo ? 0 : info.length;
  const hiddenLow = listing.listLow ? 0 : low.length;
  const more = notListed - summedUp - hiddenLow;
  if (more > 0) sections.push(`_and ${plural(more, 'more finding')}, in the full report_`);
  if (hiddenLow > 0) sections.push(`_${plural(hiddenLow, '`low` finding')} not listed here (listed with comment: always), in the job summary and the JSON report_`);
  return sections;
}

function versionsText(pkg: PackageReport): string {
  return pkg.previousVersion === null ? html(pkg.version) : `${html(pkg.previousVersion)} → ${html(pkg.version)}`;
}

/** A package in the lead section: its new (or blocking) findings, open, most severe first. */
function leadBlock(pkg: PackageReport, findings: readonly Finding[], report: Report, listing: Listing): string {
  const mode = report.mode ?? 'all';
  const blocking = findings.filter((finding) => isBlocking(finding, report.failOn, mode)).length;
  const fresh = findings.filter((finding) => finding.introduced).length;
  const facts = [plural(fresh, 'new finding')];
  if (findings.length > fresh) facts.push(`${findings.length - fresh} already in ${code(pkg.previousVersion ?? 'the previous version')}`);
  if (blocking > 0) facts.push(`**${blocking} blocking**`);
  const heading = `#### ${packageName(pkg)} ${pkg.previousVersion === null ? code(pkg.version) : `${code(pkg.previousVersion)} → ${code(pkg.version)}`} — ${facts.join(', ')}`;
  return [heading, ...findingsBody(pkg, findings, report, listing)].join('\n\n');
}

/** A package's findings that were already in the version it replaces and do not block: collapsed. */
function earlierBlock(pkg: PackageReport, findings: readonly Finding[], report: Report, listing: Listing): string {
  const highest = highestSeverity(findings.map((finding) => finding.severity));
  const summary = [`<code>${html(pkg.name)}</code> ${versionsText(pkg)}`, `${plural(findings.length, 'finding')} already in ${html(pkg.previousVersion ?? 'the previous version')}`];
  if (highest) summary.push(`highest <b>${highest}</b>`);
  return [`<details><summary>${summary.join(' · ')}</summary>`, ...findingsBody(pkg, findings, report, listing), '</details>'].join('\n\n');
}

/** Files that did not parse, per package, collapsed. */
function problemsBlock(pkg: PackageReport): string | null {
  const problems = pkg.files?.problems ?? [];
  if (problems.length === 0) return null;
  const items = problems.slice(0, MAX_PROBLEMS_PER_PACKAGE).map((problem) => `- ${code(problem.file)}: ${prose(problem.reason)}`);
  if (problems.length > MAX_PROBLEMS_PER_PACKAGE) items.push(`- and ${problems.length - MAX_PROBLEMS_PER_PACKAGE} more`);
  return [
    `<details><summary><code>${html(pkg.name)}</code> ${versionsText(pkg)} · ${plural(problems.length, 'file')} not parsed</summary>`,
    'Files that did not parse (their code was not analysed):',
    items.join('\n'),
    '</details>',
  ].join('\n\n');
}

/** Allowed findings, with the entry's reason and expiry, collapsed: reviewed before, still on record. */
function allowedBlock(report: Report): string | null {
  const rows: string[] = [];
  let total = 0;
  for (const pkg of report.packages) {
    for (const finding of pkg.allowedFindings ?? []) {
      total += 1;
      if (rows.length >= MAX_ALLOWED_LISTED) continue;
      const location = code(formatLocation({ ...finding, file: clip(finding.file, MAX_FIELD_LENGTH) }), Infinity);
      const expires = finding.allowance.expires === undefined ? 'no expiry' : `expires ${code(finding.allowance.expires)}`;
      rows.push(
        `- ${packageName(pkg)} ${code(pkg.version)} · ${finding.severity} · \`${finding.ruleId}\` · ${location} — allowed by ${code(finding.allowance.package)}, ${expires}: ${prose(finding.allowance.reason)}`,
      );
    }
  }
  if (total === 0) return null;
  if (total > rows.length) rows.push(`- and ${total - rows.length} more, in the JSON report`);
  return [`<details><summary>Allowed by the policy: ${plural(total, 'finding')}</summary>`, rows.join('\n'), '</details>'].join('\n\n');
}

function staleSection(report: Report): string | null {
  const stale = report.staleAllowances ?? [];
  if (stale.length === 0) return null;
  const items = stale.map((entry) => {
    const rules = entry.rules === undefined ? '' : ` (rules ${entry.rules.map((rule) => `\`${rule}\``).join(', ')})`;
    const expires = entry.expires === undefined ? '' : `, expires ${code(entry.expires)}`;
    return `- ${code(entry.package)}${rules}${expires} — reason: ${prose(entry.reason)}`;
  });
  return [
    '**Stale allowances** (a notice, not a failure): these entries name a package of this run but matched none of its findings; remove them if they are no longer needed.',
    '',
    ...items,
  ].join('\n');
}

function legend(report: Report): string {
  const threshold =
    report.failOn === 'none' ? 'findings never fail the run' : `the run fails on findings at or above \`${report.failOn}\``;
  const mode =
    report.audit !== undefined
      ? ' An audit of every locked package: nothing is compared with an earlier version, so every finding is new and counts.'
      : report.mode === 'new'
      ? ' Mode `new`: only findings new in this pull request count; findings already in the replaced version are shown, collapsed.'
      : report.mode === 'all'
        ? ' Mode `all`: every finding of every changed package counts.'
        : '';
  const settings = Object.entries(report.ruleSettings ?? {});
  const off = report.packages.reduce((sum, pkg) => sum + (pkg.ruledOff ?? 0), 0);
  const rules =
    settings.length === 0
      ? ''
      : ` Rule settings of the policy: ${settings.map(([rule, setting]) => `\`${rule}\` ${setting}`).join(', ')}${off > 0 ? ` (${plural(off, 'finding')} of rules turned off not shown)` : ''}.`;
  return (
    `<sub>Severities, most to least severe: critical, high, medium, low, info; ${threshold}.${mode}${rules} ` +
    `"New in this version": the previous version has no such finding. Columns count from 1. ` +
    `fingerprint-gate engine ${code(report.engineVersion)}.</sub>`
  );
}

/** Where the full report is; the job summary is only named when this is not the job summary. */
function fullReportNote(marker: string): string {
  return marker === ''
    ? 'The full report is in the JSON report artifact.'
    : 'The full report is in the job summary and the JSON report artifact.';
}

function omittedNote(omitted: number, maxLength: number, marker: string): string {
  return `_${plural(omitted, 'detail block')} left out to stay within ${maxLength.toLocaleString('en-US')} characters. ${fullReportNote(marker)}_`;
}

/** Cuts to `max` units without splitting a surrogate pair; only reached with a tiny maxLength. */
function hardCut(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = Math.max(0, max);
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return text.slice(0, end);
}

function packageRank(pkg: PackageReport, findings: readonly Finding[], report: Report): number[] {
  const highest = highestSeverity(findings.map((finding) => finding.severity));
  const mode = report.mode ?? 'all';
  return [
    findings.filter((finding) => isBlocking(finding, report.failOn, mode)).length > 0 ? 1 : 0,
    highest === null ? -1 : severityRank(highest),
    findings.length,
  ];
}

function byRank(a: { rank: number[]; index: number }, b: { rank: number[]; index: number }): number {
  for (let i = 0; i < a.rank.length; i += 1) {
    const diff = (b.rank[i] ?? 0) - (a.rank[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return a.index - b.index;
}

/**
 * The detail blocks in the order a reviewer needs them, which is also the order truncation keeps
 * them: what is new or blocks (open), then what was already there (collapsed), then files not
 * parsed, then allowed findings.
 */
function detailBlocks(report: Report, listing: Listing): { lead: string[]; rest: string[] } {
  const mode = report.mode ?? 'all';
  const lead: { block: string; rank: number[]; index: number }[] = [];
  const earlier: { block: string; rank: number[]; index: number }[] = [];
  report.packages.forEach((pkg, index) => {
    const leading = pkg.findings.filter((finding) => finding.introduced || isBlocking(finding, report.failOn, mode));
    const before = pkg.findings.filter((finding) => !leading.includes(finding));
    if (leading.length > 0) lead.push({ block: leadBlock(pkg, leading, report, listing), rank: packageRank(pkg, leading, report), index });
    if (before.length > 0) earlier.push({ block: earlierBlock(pkg, before, report, listing), rank: packageRank(pkg, before, report), index });
  });
  const problems = report.packages.map(problemsBlock).filter((block): block is string => block !== null);
  const allowed = allowedBlock(report);
  return {
    lead: lead.sort(byRank).map((entry) => entry.block),
    rest: [...earlier.sort(byRank).map((entry) => entry.block), ...problems, ...(allowed === null ? [] : [allowed])],
  };
}

export function renderMarkdown(report: Report, options: MarkdownOptions = {}): string {
  const marker = options.marker ?? '';
  const maxLength = options.maxLength ?? MAX_COMMENT_LENGTH;
  const listing: Listing = { listInfo: options.listInfo ?? true, listLow: options.listLow ?? true };
  const tally = tallyReport(report.packages, report.failOn, report.mode);

  const head: string[] = [];
  if (options.title !== undefined && options.title !== '') head.push(`### ${prose(options.title)}`);
  const summary = [`**fingerprint-gate: ${report.verdict}** — ${describeOutcome(report, tally, (t) => `\`${t}\``)}`];
  const counts = describeTally(tally);
  if (counts !== '') summary.push(counts);
  head.push(summary.join('  \n'));

  const { lead, rest } = detailBlocks(report, listing);
  const middle: string[] = [];
  if (report.packages.length > 0) middle.push(table(report.packages));
  for (const section of [
    reasonsSection(report.packages),
    unscannedLockfilesSection(report.unscannedLockfiles),
    staleSection(report),
    notesSection(report.notes),
  ]) {
    if (section !== null) middle.push(section);
  }

  // What is new and what blocks comes first; the table and the rest follow. Blocks are dropped
  // from the end: the collapsed ones first, then the least severe of the lead.
  const blocks = [...lead, ...rest];
  const leadHeading = lead.length > 0 ? ['### New in this pull request, and what blocks'] : [];
  const tail = legend(report);
  const prefix = marker === '' ? '' : `${marker}\n`;

  const assemble = (kept: number): string => {
    const keptLead = lead.slice(0, kept);
    const keptRest = rest.slice(0, Math.max(0, kept - lead.length));
    const parts = [...head, ...leadHeading, ...keptLead, ...middle, ...keptRest];
    if (kept < blocks.length) parts.push(omittedNote(blocks.length - kept, maxLength, marker));
    parts.push(tail);
    return `${prefix}${guardMarker(parts.join('\n\n'), marker)}\n`;
  };

  // Lengths add up, so how many blocks fit is found without assembling each candidate; the check
  // after it covers the rare case where guarding a custom marker lengthened the body.
  const joinedLength = (parts: readonly string[]): number =>
    parts.reduce((sum, part) => sum + part.length, 0) + 2 * Math.max(0, parts.length - 1);
  let used = prefix.length + joinedLength([...head, ...leadHeading, ...middle, tail]) + 1;
  let kept = 0;
  for (const block of blocks) {
    const remaining = blocks.length - kept - 1;
    const note = remaining > 0 ? omittedNote(remaining, maxLength, marker).length + 2 : 0;
    if (used + block.length + 2 + note > maxLength) break;
    used += block.length + 2;
    kept += 1;
  }
  let body = assemble(kept);
  while (body.length > maxLength && kept > 0) {
    kept -= 1;
    body = assemble(kept);
  }
  if (body.length <= maxLength) return body;

  const short = [
    ...head,
    `The report was truncated: it does not fit in ${maxLength.toLocaleString('en-US')} characters, even without per-package details. ${fullReportNote(marker)}`,
  ].join('\n\n');
  return hardCut(`${prefix}${guardMarker(short, marker)}\n`, maxLength);
}

/**
 * The last line of defence for a custom marker: every context above already keeps `<!--` out of the
 * body, but a marker need not be an HTML comment.
 */
function guardMarker(body: string, marker: string): string {
  if (marker.length < 2) return body;
  // A marker whose start overlaps its end (`--`, two backticks) can re-form across the break
  // just inserted, so break again until none is left; each pass strictly lengthens every run.
  let guarded = body;
  while (guarded.includes(marker)) {
    guarded = guarded.split(marker).join(`${marker.slice(0, 1)}${ZWSP}${marker.slice(1)}`);
  }
  return guarded;
}

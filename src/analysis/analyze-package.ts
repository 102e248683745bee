/**
 * One package, all its JavaScript, every detector: the analysis entry the gate calls. Nothing is
 * dropped silently: a file that cannot be read or parsed is counted and listed with the reason,
 * searched for the catalogue's strings, and reported as `analysis-evasion` (an attacker must not
 * hide code by making it unanalysable).
 *
 * Files are analysed in the order `reachability` hands them out (install code, entry points, what
 * they import, the rest), so each is parsed and walked once with its code kind already known.
 *
 * `analyzePackage` analyses each file in this thread; `analyzePackageWith` hands each file to an
 * analyser it is given (the worker pool, `pool/`) and turns a file the analyser could not finish
 * (its worker died, ran out of memory or passed its time limit) into the same text search and
 * `analysis-evasion` finding a file that does not parse gets.
 *
 * Code written in the install scripts themselves (`node -e "..."`) is analysed as one more file,
 * named after where it is written (`package.json#scripts.postinstall`, see `install-commands.ts`),
 * and counted in `files` like the package's own.
 *
 * Executables (by magic bytes: ELF, Mach-O, PE, wasm) are never parsed as JavaScript; the
 * JavaScript they carry is recovered (`binaries/`) and analysed as files named
 * `<binary>#<module>` (`bin/claude#src/entrypoints/cli.js`), each finding carrying the module's
 * byte offset inside the binary. Identities carry no file names, so a finding that moved from
 * `cli.js` into an executable is not new. Where a binary is known to carry code none of which
 * could be read, its strings are searched and the gap is an `analysis-evasion` finding.
 */
import type { Detector } from './detector.js';
import type { PackageFile, PackageFiles } from '../fetch/types.js';
import type { FileProblem, Finding } from '../report/report.js';
import type { EvasionReason } from './analysis-evasion.js';
import type { ImportScan, Reachability, ReachStep } from './reachability.js';
import { errorMessage } from '../errors.js';
import { analysisEvasion } from './analysis-evasion.js';
import { codeKindPhrase, entryPoints } from './entry-points.js';
import { decodeSource, decodeText, parse, type ParseOutcome } from './parse.js';
import { importCollector, reachability } from './reachability.js';
import { compareFindings, runDetectors } from './run-detectors.js';
import { sourceLocator, type SourceLocator } from './source-locator.js';
import { stringSignals } from './string-signals.js';
import { SOURCE_KIND_LABELS } from './facts/sources.js';
import { executableInfo, FORMAT_HEAD_BYTES, FORMAT_LABELS, type ExecutableInfo } from './binaries/detect-format.js';
import { readBinary, type BinaryReading, type EmbeddedModule, type RecoveryMethod } from './binaries/embedded-code.js';
import { bufferSource } from './binaries/byte-source.js';
import { binaryOffsets } from './binaries/binary-offsets.js';
import { INSTALL_TIME_DOWNLOAD_RULE, installScriptDownloads } from './detectors/install-time-download.js';

export interface PackageAnalysis {
  /** `introduced` is false here; the gate marks it against the previous version. */
  findings: Finding[];
  files: { total: number; parsed: number; problems: FileProblem[] };
}

/** One package's analysis, wherever it runs (this thread, or files handed to the worker pool). */
export type PackageAnalyzer = (files: PackageFiles) => Promise<PackageAnalysis>;

export interface AnalyzeOptions {
  /** Milliseconds since any fixed point; injectable so the time budget is testable without waiting. */
  clock?: () => number;
}

/** Extensions node (and bundlers, for `.jsx`) run as JavaScript. */
export const JS_EXTENSIONS = ['.js', '.cjs', '.mjs', '.jsx'] as const;

/**
 * A file's analysis time budget: a floor, plus what a slow but honest parse of its size takes
 * (bare acorn runs at about 4 MB/s here; 0.25 MB/s is 16 times slower). Checked between phases:
 * a file past it after parsing is searched as text instead of walked.
 */
export const FILE_TIME_FLOOR_MS = 5_000;
export const FILE_TIME_BYTES_PER_MS = 250;
/**
 * A package's analysis time budget. A package of thousands of slow files must not hold the gate
 * past the job's timeout: files left when it runs out are searched as text, and each is an
 * `analysis-evasion` finding, so nothing hides behind the limit.
 */
export const PACKAGE_TIME_BUDGET_MS = 180_000;
export const PACKAGE_BUDGET_REASON = 'the package used up its analysis time budget: searched as text, not parsed';

const MANIFEST = 'package.json';
const STRING_SCAN_RULE = 'fingerprint-source';

export function analyzePackage(
  files: PackageFiles,
  detectors: readonly Detector[],
  options: AnalyzeOptions = {},
): PackageAnalysis {
  const clock = options.clock ?? performance.now.bind(performance);
  const plan = planPackage(files);
  const stringScanner = findStringScanner(detectors);
  const packageStarted = clock();
  const packageOverBudget = (): boolean => clock() - packageStarted > PACKAGE_TIME_BUDGET_MS;
  const results = new PackageResults(plan, detectors);
  for (let step = plan.reach.next(); step !== undefined; step = plan.reach.next()) {
    for (const file of plan.byPath.get(step.file) ?? []) {
      results.add(step.file, analyzeFile(file, step, detectors, stringScanner, clock, packageOverBudget));
    }
  }
  for (const { file, step } of plan.embedded) {
    results.add(file.path, analyzeFile(file, step, detectors, stringScanner, clock, packageOverBudget));
  }
  for (const binary of plan.binaries) results.add(binary.path, binaryResult(binary, stringScanner));
  return results.finish();
}

/** One file handed to an analyser outside this thread: everything `analyzeFileTask` needs, all of it cloneable. */
export interface FileTask {
  file: PackageFile;
  step: ReachStep;
  /** What is left of the package's time budget when the file is handed out (may be zero or less). */
  packageTimeLeftMs: number;
}

/**
 * What an analyser outside this thread made of a file: its result, or why there is none.
 * `workerMs` is how long the file held a worker; time spent queued behind other packages' files
 * is not the package's own and is not charged to its budget.
 */
export type FileOutcome = (
  | { ok: true; result: FileResult }
  | { ok: false; reason: Extract<EvasionReason, 'time-budget' | 'analysis-error'>; detail: string }
) & { workerMs?: number };

/**
 * Files of one package handed to `analyze` before the first of them is answered. The worker pool
 * is kept fed by several packages at once; a package's own files add to that only where the
 * reachability plan allows (`Reachability.mayRunAhead`), and a package of a thousand unreached
 * files must not fill the pool's queue alone.
 */
export const FILES_IN_FLIGHT_PER_PACKAGE = 8;

/**
 * `analyzePackage` with each file handed to `analyze` (the worker pool): the plan, the package
 * budget and the accounting stay here, so a file whose worker died is reported like any other
 * file that could not be analysed, and the rest of the package goes on. Several files are handed
 * out at once where the plan allows; their results are taken in the order they were handed out,
 * so the analysis is the one `analyzePackage` gives.
 */
export async function analyzePackageWith(
  files: PackageFiles,
  detectors: readonly Detector[],
  analyze: (task: FileTask) => Promise<FileOutcome>,
  options: AnalyzeOptions = {},
): Promise<PackageAnalysis> {
  const clock = options.clock ?? performance.now.bind(performance);
  const plan = planPackage(files);
  const stringScanner = findStringScanner(detectors);
  let spent = 0;
  const results = new PackageResults(plan, detectors);
  const inFlight: { file: PackageFile; step: ReachStep; handedOut: number; outcome: Promise<FileOutcome> }[] = [];
  const handOut = (file: PackageFile, step: ReachStep): void => {
    const outcome = analyze({ file, step, packageTimeLeftMs: PACKAGE_TIME_BUDGET_MS - spent });
    // Awaited in order below; a rejection must not go unhandled while an earlier file is awaited.
    outcome.catch(() => undefined);
    inFlight.push({ file, step, handedOut: clock(), outcome });
  };
  const takeOldest = async (): Promise<void> => {
    const oldest = inFlight.shift();
    if (oldest === undefined) return;
    const outcome = await oldest.outcome;
    spent += outcome.workerMs ?? clock() - oldest.handedOut;
    results.add(oldest.step.file, outcome.ok ? outcome.result : unanalysedFile(oldest.file, oldest.step, stringScanner, outcome));
  };
  for (;;) {
    if (inFlight.length >= FILES_IN_FLIGHT_PER_PACKAGE || !plan.reach.mayRunAhead(inFlight.map((held) => held.step))) {
      await takeOldest();
      continue;
    }
    const step = plan.reach.next();
    if (step === undefined) break;
    for (const file of plan.byPath.get(step.file) ?? []) handOut(file, step);
  }
  // Code recovered from executables is not part of the import graph: any order will do.
  for (const { file, step } of plan.embedded) {
    if (inFlight.length >= FILES_IN_FLIGHT_PER_PACKAGE) await takeOldest();
    handOut(file, step);
  }
  while (inFlight.length > 0) await takeOldest();
  for (const binary of plan.binaries) results.add(binary.path, binaryResult(binary, stringScanner));
  return results.finish();
}

/** The worker's side of `analyzePackageWith`: one file, its package budget carried over as a deadline. */
export function analyzeFileTask(task: FileTask, detectors: readonly Detector[], clock: () => number = performance.now.bind(performance)): FileResult {
  const deadline = clock() + task.packageTimeLeftMs;
  return analyzeFile(task.file, task.step, detectors, findStringScanner(detectors), clock, () => clock() > deadline);
}

/**
 * How long a file may take, by its size: a floor, plus what a slow but honest parse of its size
 * takes. The worker checks it between phases; the pool kills a worker past it (plus a grace).
 */
export function fileTimeBudgetMs(bytes: number): number {
  return Math.max(FILE_TIME_FLOOR_MS, bytes / FILE_TIME_BYTES_PER_MS);
}

interface PackagePlan {
  reach: Reachability;
  byPath: Map<string, PackageFile[]>;
  total: number;
  problems: FileProblem[];
  /** JavaScript recovered from executables, analysed after the package's own files. */
  embedded: EmbeddedFile[];
  /** Where each recovered module came from, for its findings' evidence. */
  origins: Map<string, { binary: string; offset: number; method: RecoveryMethod; storedAs: EmbeddedModule['storedAs']; content: Buffer }>;
  /** Executables none of whose JavaScript could be recovered. */
  binaries: UnrecoveredBinary[];
  /** Downloads in the install scripts' own command lines (`install-time-download`, package.json). */
  scriptDownloads: Finding[];
}

interface EmbeddedFile {
  file: PackageFile;
  step: ReachStep;
}

interface UnrecoveredBinary {
  path: string;
  reading: BinaryReading;
  step: ReachStep;
}

/** The manifest read, entry points found, files selected and put in reachability order. */
function planPackage(files: PackageFiles): PackagePlan {
  const problems: FileProblem[] = [];
  const manifestFile = files.files.find((file) => file.path === MANIFEST);
  let manifest: unknown = null;
  let manifestText = '';
  if (manifestFile !== undefined) {
    try {
      manifestText = decodeSource(manifestFile.content);
      manifest = JSON.parse(manifestText) as unknown;
    } catch (error) {
      problems.push({
        file: MANIFEST,
        reason: `not valid JSON, entry points unknown: ${errorMessage(error)}`,
      });
    }
  }
  const firstCopies = new Map<string, PackageFile>();
  for (const file of files.files) if (!firstCopies.has(file.path)) firstCopies.set(file.path, file);
  // The install scripts are followed into the shell scripts they run (`sh ./setup.sh`), each
  // decoded once however many directories run it.
  const decoded = new Map<string, string>();
  const readFile = (path: string): string | null => {
    const file = firstCopies.get(path);
    if (file === undefined) return null;
    const text = decoded.get(path) ?? decodeSource(file.content);
    decoded.set(path, text);
    return text;
  };
  const entries = entryPoints(manifest, { readFile });
  problems.push(...entries.problems);

  const inlineFiles: PackageFile[] = entries.inline.map((code) => ({ path: code.name, content: Buffer.from(code.code) }));
  const executables = new Map<PackageFile, ExecutableInfo>();
  for (const file of files.files) {
    const info = executableInfo(file.path, file.content.subarray(0, FORMAT_HEAD_BYTES));
    if (info !== null) executables.set(file, info);
  }
  const selected = [
    ...files.files.filter(
      (file) => !executables.has(file) && (isJavaScript(file.path) || (!hasExtension(file.path) && entries.declared.has(file.path))),
    ),
    ...inlineFiles,
  ];
  // A tarball may hold the same path twice; every copy is analysed and counted.
  const byPath = new Map<string, PackageFile[]>();
  for (const file of selected) {
    const copies = byPath.get(file.path);
    if (copies === undefined) byPath.set(file.path, [file]);
    else copies.push(file);
  }
  const reach = reachability(entries, [...byPath.keys()], new Set(files.files.map((file) => file.path)));
  const embedded: EmbeddedFile[] = [];
  const origins: PackagePlan['origins'] = new Map();
  const binaries: UnrecoveredBinary[] = [];
  for (const [file, info] of executables) {
    // A big executable was read as it was unpacked (`fetch/extract.ts`); a small one is read here.
    const reading = file.executable?.reading ?? readBinary(file.path, bufferSource(file.content), info.format, { truncated: file.truncated === true });
    const step = binaryStep(file.path, entries);
    // Code not recovered is reported, not passed over: all of it, or the part pkg left as bytecode
    // beside its dependencies' sources (its strings are not searched then: the readers give no
    // string table once modules are recovered, which would only repeat what they gave).
    if (reading.modules.length === 0 || reading.unrecovered !== null) binaries.push({ path: file.path, reading, step });
    if (reading.modules.length === 0) continue;
    const entryModule = reading.modules.find((module) => module.entry)?.path ?? null;
    for (const module of reading.modules) {
      origins.set(module.path, { binary: file.path, offset: module.offset, method: module.method, storedAs: module.storedAs, content: module.content });
      // The module the executable starts with runs as the binary does; the rest is what it loads.
      const moduleStep: ReachStep =
        module.entry || step.kind === 'install'
          ? { ...step, file: module.path }
          : { file: module.path, kind: 'reachable', reach: 'static', from: entryModule ?? file.path };
      embedded.push({ file: { path: module.path, content: module.content, ...(module.truncated === true ? { truncated: true } : {}) }, step: moduleStep });
    }
  }
  const scriptDownloads = installScriptDownloads(entries.commandLines, (path) => (path === MANIFEST ? manifestText : readFile(path)));
  return { reach, byPath, total: selected.length + embedded.length, problems, embedded, origins, binaries, scriptDownloads };
}

/**
 * When an executable's code runs: under the install script that starts it, or as the package is
 * used. An executable ships to be run (by the package's `bin`, or by a wrapper in the package that
 * depends on a per-platform one), so it counts as entry code even when nothing here names it.
 */
function binaryStep(path: string, entries: ReturnType<typeof entryPoints>): ReachStep {
  const script = entries.installScript(path);
  if (script !== undefined) return { file: path, kind: 'install', reach: 'install', script, from: null };
  return { file: path, kind: 'entry', reach: 'entry', from: null };
}

/**
 * An executable none of whose JavaScript could be recovered. Native code is not analysed (a note
 * says so); where a runtime's payload shows code is in there, its strings are searched for the
 * catalogue's names and the gap is an `analysis-evasion` finding, saying why.
 */
function binaryResult(binary: UnrecoveredBinary, stringScanner: Detector | undefined): FileResult {
  const { path, reading, step } = binary;
  const label = FORMAT_LABELS[reading.format];
  if (reading.unrecovered === null) {
    const reason = reading.note ?? 'no embedded JavaScript found; native code is not analysed';
    return { parsed: false, imports: null, findings: [], problems: [{ file: path, reason: `${label}: ${reason}` }] };
  }
  const strings = reading.strings ?? { text: '', offsets: [], truncated: false };
  const phrase = stepPhrase(step);
  const locator = sourceLocator(strings.text);
  const findings =
    stringScanner === undefined
      ? []
      : textFindings(path, strings.text, step, phrase, stringScanner, locator, 'the code inside the executable could not be recovered').map(
          // Each line of the table is one run of the binary, in latin1: one byte per column.
          (finding) => withDetails(finding, { stringTable: true, byteOffset: (strings.offsets[finding.line - 1] ?? 0) + finding.column }),
        );
  const runtime = reading.runtime === null ? '' : ` (${reading.runtime})`;
  const evasion = analysisEvasion({ file: path, step, phrase, reasons: [{ reason: 'no-source', detail: reading.unrecovered }], locator });
  if (evasion !== null) findings.push(withDetails(evasion, { format: reading.format, ...(reading.runtime === null ? {} : { runtime: reading.runtime }) }));
  const cut = strings.truncated ? ' (string table cut at its size limit)' : '';
  const reason =
    reading.modules.length > 0
      ? `${label}${runtime}: part of its JavaScript could not be analysed: ${reading.unrecovered}; the ${reading.modules.length} module(s) with source were`
      : `${label}${runtime}: its JavaScript could not be analysed: ${reading.unrecovered}; only its strings were searched${cut}`;
  return { parsed: false, imports: null, findings, problems: [{ file: path, reason }] };
}

function withDetails(finding: Finding, details: Record<string, string | number | boolean>): Finding {
  return { ...finding, evidence: { ...finding.evidence, details: { ...finding.evidence.details, ...details } } };
}

function findStringScanner(detectors: readonly Detector[]): Detector | undefined {
  return detectors.find((detector) => detector.id === STRING_SCAN_RULE);
}

/** Collects the files' results in plan order and records each file's imports in the plan. */
class PackageResults {
  private readonly findings: Finding[] = [];
  private readonly problems: FileProblem[];
  private parsed = 0;

  private readonly binaryPaths: ReadonlySet<string>;

  constructor(
    private readonly plan: PackagePlan,
    detectors: readonly Detector[],
  ) {
    this.problems = [...plan.problems];
    if (detectors.some((detector) => detector.id === INSTALL_TIME_DOWNLOAD_RULE)) this.findings.push(...plan.scriptDownloads);
    this.binaryPaths = new Set(plan.binaries.map((binary) => binary.path));
  }

  add(path: string, result: FileResult): void {
    const origin = this.plan.origins.get(path);
    if (origin === undefined && !this.binaryPaths.has(path)) this.plan.reach.record(path, result.imports);
    if (result.parsed) this.parsed++;
    if (origin === undefined) this.findings.push(...result.findings);
    else {
      // Line and column count within the recovered source; byteOffset is the finding's place in the binary.
      const where = { embeddedIn: origin.binary, moduleOffset: origin.offset, recoveredBy: origin.method };
      const offsets = binaryOffsets(origin.content, origin.storedAs, origin.offset, result.findings);
      result.findings.forEach((finding, i) => this.findings.push(withDetails(finding, { ...where, byteOffset: offsets[i] ?? origin.offset })));
    }
    this.problems.push(...result.problems);
  }

  finish(): PackageAnalysis {
    this.findings.sort(compareFindings);
    // Stable: a file's own problems keep the order they were found in.
    this.problems.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
    return { findings: this.findings, files: { total: this.plan.total, parsed: this.parsed, problems: this.problems } };
  }
}

/**
 * A file whose analyser gave no result: searched as text here and reported, as a file that does
 * not parse is. Its imports are unknown, so its directory counts as loaded by a computed name.
 */
function unanalysedFile(
  file: PackageFile,
  step: ReachStep,
  stringScanner: Detector | undefined,
  failure: Extract<FileOutcome, { ok: false }>,
): FileResult {
  const { text } = decodeText(file.content);
  const phrase = stepPhrase(step);
  const locator = sourceLocator(text);
  const findings = stringScanner === undefined ? [] : textFindings(file.path, text, step, phrase, stringScanner, locator, NOT_PARSED);
  const reasons: { reason: EvasionReason; detail: string; offset?: number }[] = [{ reason: failure.reason, detail: failure.detail }];
  if (file.truncated === true) reasons.push({ reason: 'truncated', detail: `${file.content.byteLength} bytes read`, offset: text.length });
  const evasion = analysisEvasion({ file: file.path, step, phrase, reasons, locator });
  if (evasion !== null) findings.push(evasion);
  return { parsed: false, imports: null, findings, problems: [{ file: file.path, reason: truncatedNote(file.truncated === true, failure.detail) }] };
}

function stepPhrase(step: ReachStep): string {
  return codeKindPhrase(step.kind, {
    ...(step.script !== undefined ? { script: step.script } : {}),
    computed: step.reach === 'dynamic',
  });
}

export interface FileResult {
  parsed: boolean;
  imports: ImportScan | null;
  findings: Finding[];
  problems: FileProblem[];
}

function analyzeFile(
  file: PackageFile,
  step: ReachStep,
  detectors: readonly Detector[],
  stringScanner: Detector | undefined,
  clock: () => number,
  packageOverBudget: () => boolean,
): FileResult {
  const started = clock();
  const budget = fileTimeBudgetMs(file.content.byteLength);
  const overBudget = (): boolean => clock() - started > budget || packageOverBudget();
  const phrase = stepPhrase(step);
  const findings: Finding[] = [];
  const problems: FileProblem[] = [];
  const reasons: { reason: EvasionReason; detail: string; offset?: number }[] = [];
  const truncated = file.truncated === true;

  const { text, invalidUtf8 } = decodeText(file.content);
  // A file cut at the limit may end inside a character; that is not the file's own fault.
  if (invalidUtf8 && !truncated) {
    problems.push({ file: file.path, reason: 'not valid UTF-8: read with replacement characters, as node would' });
  }
  if (truncated) {
    reasons.push({ reason: 'truncated', detail: `${file.content.byteLength} bytes read`, offset: text.length });
    problems.push({ file: file.path, reason: 'only the head of the file was analysed (file truncated at the size limit)' });
  }

  const outcome: ParseOutcome = packageOverBudget()
    ? { ok: false, kind: 'time-budget', reason: PACKAGE_BUDGET_REASON }
    : parse(text, { jsx: file.path.endsWith('.jsx'), overBudget });
  let imports: ImportScan | null = null;
  let walked = false;
  if (!outcome.ok) {
    const reason: EvasionReason =
      outcome.kind === 'too-deep' ? 'too-deep' : outcome.kind === 'time-budget' ? 'time-budget' : 'parse-error';
    reasons.push({ reason, detail: outcome.reason, ...(outcome.errorOffset !== undefined ? { offset: outcome.errorOffset } : {}) });
    problems.push({ file: file.path, reason: truncatedNote(truncated, outcome.reason) });
  } else if (overBudget()) {
    reasons.push({ reason: 'time-budget', detail: 'parsing took longer than the budget, the file was searched as text' });
    problems.push({ file: file.path, reason: 'over the time budget after parsing: searched as text, not walked' });
  } else {
    if (outcome.partial !== undefined) {
      reasons.push({
        reason: 'partial-parse',
        detail: outcome.partial,
        ...(outcome.errorOffset !== undefined ? { offset: outcome.errorOffset } : {}),
      });
      problems.push({ file: file.path, reason: `partially analysed (error recovery after ${outcome.partial})` });
    }
    const collector = importCollector();
    try {
      const run = runDetectors(
        { file: file.path, source: text, program: outcome.program, codeKind: step.kind, codeKindPhrase: phrase, reachedFrom: step.from },
        [...detectors, collector.detector],
      );
      findings.push(...run.findings);
      problems.push(...run.problems);
      for (const problem of run.problems) reasons.push({ reason: 'analysis-error', detail: problem.reason });
      const scan = collector.result();
      // What error recovery dropped, a failed rule or the cut tail may hide an import: the
      // file's own directory is treated as loaded by a computed name.
      const complete = run.problems.length === 0 && outcome.partial === undefined && !truncated;
      imports = complete ? scan : { specifiers: scan.specifiers, dynamic: [...scan.dynamic, './'] };
      walked = true;
    } catch (error) {
      reasons.push({ reason: 'analysis-error', detail: errorMessage(error) });
      problems.push({ file: file.path, reason: `analysis failed: ${errorMessage(error)}` });
    }
  }

  if (reasons.length > 0) {
    const locator = sourceLocator(text);
    if (stringScanner !== undefined) {
      const known = new Set(findings.map((finding) => finding.identity));
      for (const finding of textFindings(file.path, text, step, phrase, stringScanner, locator, walked ? PARTLY_WALKED : NOT_PARSED)) {
        if (!known.has(finding.identity)) findings.push(finding);
      }
    }
    const evasion = analysisEvasion({ file: file.path, step, phrase, reasons, locator });
    if (evasion !== null) findings.push(evasion);
  }
  return { parsed: outcome.ok, imports, findings, problems };
}

const NOT_PARSED = 'the file could not be parsed';
const PARTLY_WALKED = 'the file was only partly analysed';

/** `fingerprint-source` findings from the text of a file that was not (fully) walked; `why` ends the message. */
function textFindings(
  path: string,
  text: string,
  step: ReachStep,
  phrase: string,
  detector: Detector,
  locator: SourceLocator,
  why: string,
): Finding[] {
  return stringSignals(text).map((signal) => {
    const { line, column } = locator.position(signal.offset);
    return {
      ruleId: detector.id,
      severity: detector.severity,
      file: path,
      line,
      column,
      message: `Mentions ${SOURCE_KIND_LABELS[signal.kind]} (${signal.what}) in ${phrase}; found by a text search, ${why}`,
      introduced: false,
      evidence: {
        sourceKind: signal.kind,
        snippet: locator.snippet(signal.offset),
        codeKind: step.kind,
        details: { method: 'string-scan', occurrences: signal.occurrences },
      },
      // The detector's own identity for the same read: a file that stops parsing is not "new".
      identity: `${detector.id}|${signal.kind}|${signal.what}`,
    };
  });
}

function truncatedNote(truncated: boolean, reason: string): string {
  return truncated ? `${reason} (file truncated at the size limit)` : reason;
}

function isJavaScript(path: string): boolean {
  return JS_EXTENSIONS.some((extension) => path.endsWith(extension));
}

function hasExtension(path: string): boolean {
  const name = path.slice(path.lastIndexOf('/') + 1);
  return name.lastIndexOf('.') > 0;
}

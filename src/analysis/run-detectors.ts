/**
 * Runs every detector over one parsed file in a single walk (`walk.ts`: post-order, with the
 * ancestors, like acorn-walk's `ancestor`), then `Program:exit`. A detector that throws is
 * recorded as a file problem naming its rule and is not called again for this file; the other
 * detectors and the package carry on.
 */
import type { Node, Program } from 'acorn';
import type { Detector, DetectorContext, DetectorReport, VisitorHandler, Visitors } from './detector.js';
import type { CodeKind, FileProblem, Finding } from '../report/report.js';
import { errorMessage } from '../errors.js';
import { codeKindPhrase } from './entry-points.js';
import { fileFacts } from './facts/file-facts.js';
import { sourceLocator } from './source-locator.js';
import { type NodeVisitor, walkByType } from './walk.js';
import { analyseCodeInStrings, type CodeCall, codeCallAt, MAX_CODE_CALLS } from './code-in-strings.js';

export interface ParsedFile {
  /** Path inside the package, `/`-separated. */
  file: string;
  source: string;
  program: Program;
  codeKind: CodeKind;
  /** How messages name the kind ("install-time code (postinstall)"); derived from `codeKind` when absent. */
  codeKindPhrase?: string;
  /** The file whose import made this one reachable (see `DetectorContext.reachedFrom`). */
  reachedFrom?: string | null;
  /** How many strings deep this code was decoded from (0: the file itself; see `code-in-strings.ts`). */
  codeDepth?: number;
}

export interface DetectorRun {
  /** Sorted by `compareFindings`. */
  findings: Finding[];
  problems: FileProblem[];
}

/**
 * A handler and the detectors that registered it. Detectors that share a fact register the very
 * same function (the flow's observer): it runs once per node, and a throw fails them all.
 */
interface Registered {
  readonly detectors: number[];
  readonly handler: VisitorHandler;
  /** Cleared once every detector that registered it has failed. */
  live: boolean;
}

export function runDetectors(parsed: ParsedFile, detectors: readonly Detector[]): DetectorRun {
  const findings: Finding[] = [];
  const problems: FileProblem[] = [];
  const locator = sourceLocator(parsed.source);
  const facts = fileFacts();
  const failed = new Array<boolean>(detectors.length).fill(false);

  const fail = (index: number, error: unknown): void => {
    if (failed[index] === true) return;
    failed[index] = true;
    const id = detectors[index]?.id ?? 'unknown';
    problems.push({ file: parsed.file, reason: `rule ${id} failed on this file: ${errorMessage(error)}` });
    for (const list of dispatch.values()) {
      for (const registered of list) registered.live = registered.detectors.some((detector) => failed[detector] !== true);
    }
  };

  const dispatch = new Map<string, Registered[]>();
  const exits: { detector: number; handler: (program: Program) => void }[] = [];
  detectors.forEach((detector, index) => {
    const ctx: DetectorContext = {
      file: parsed.file,
      source: parsed.source,
      program: parsed.program,
      codeKind: parsed.codeKind,
      codeKindPhrase: parsed.codeKindPhrase ?? codeKindPhrase(parsed.codeKind),
      reachedFrom: parsed.reachedFrom ?? null,
      facts,
      position: locator.position,
      snippet: locator.snippet,
      report(report: DetectorReport) {
        findings.push(toFinding(detector, report, parsed, locator.position, locator.snippet));
      },
    };
    let visitors: Visitors;
    try {
      visitors = detector.create(ctx);
    } catch (error) {
      fail(index, error);
      return;
    }
    const { 'Program:exit': exit, ...byType } = visitors;
    if (exit !== undefined) exits.push({ detector: index, handler: exit });
    for (const [type, handlers] of Object.entries(byType)) {
      if (handlers === undefined) continue;
      let list = dispatch.get(type);
      if (list === undefined) dispatch.set(type, (list = []));
      for (const handler of typeof handlers === 'function' ? [handlers] : handlers) {
        const shared = list.find((registered) => registered.handler === handler);
        if (shared !== undefined) shared.detectors.push(index);
        else list.push({ detectors: [index], handler, live: true });
      }
    }
  });

  // Calls that run a string as code, noted as the walk passes (see `code-in-strings.ts`).
  const codeCalls: CodeCall[] = [];
  const visitors = composeByType(dispatch, fail);
  for (const type of ['CallExpression', 'NewExpression']) {
    const inner = visitors.get(type);
    visitors.set(type, (node, ancestors) => {
      inner?.(node, ancestors);
      if (codeCalls.length >= MAX_CODE_CALLS) return;
      const found = codeCallAt(node, ancestors, facts.scope);
      if (found !== null) codeCalls.push(found);
    });
  }
  walkByType(parsed.program, visitors);

  for (const { detector, handler } of exits) {
    if (failed[detector] === true) continue;
    try {
      handler(parsed.program);
    } catch (error) {
      fail(detector, error);
    }
  }

  const depth = parsed.codeDepth ?? 0;
  try {
    findings.push(
      ...analyseCodeInStrings(codeCalls, facts.flow, parsed.program, depth, locator.position, parsed.file, (source, program) =>
        runDetectors({ ...parsed, source, program, codeDepth: depth + 1 }, detectors),
      ),
    );
  } catch (error) {
    problems.push({ file: parsed.file, reason: `code decoded from a string could not be analysed: ${errorMessage(error)}` });
  }

  findings.sort(compareFindings);
  return { findings, problems };
}

/**
 * One visitor per node type, calling every live handler registered for it. A throw fails the
 * detectors that registered the handler and leaves the rest of the walk to the others.
 */
function composeByType(
  dispatch: ReadonlyMap<string, readonly Registered[]>,
  fail: (detector: number, error: unknown) => void,
): Map<string, NodeVisitor> {
  const composed = new Map<string, NodeVisitor>();
  for (const [type, handlers] of dispatch) {
    composed.set(type, (node, ancestors) => {
      for (let i = 0; i < handlers.length; i++) {
        const registered = handlers[i] as Registered;
        if (!registered.live) continue;
        try {
          registered.handler(node, ancestors);
        } catch (error) {
          for (const detector of registered.detectors) fail(detector, error);
        }
      }
    });
  }
  return composed;
}

function toFinding(
  detector: Detector,
  report: DetectorReport,
  parsed: ParsedFile,
  position: (offset: number) => { line: number; column: number },
  snippet: (offset: number) => string,
): Finding {
  const { line, column } = position(report.start);
  return {
    ruleId: detector.id,
    severity: report.severityByCodeKind?.[parsed.codeKind] ?? report.severity ?? detector.severity,
    file: parsed.file,
    line,
    column,
    message: report.message,
    introduced: false,
    evidence: {
      ...report.evidence,
      snippet: report.evidence.snippet ?? snippet(report.start),
      codeKind: parsed.codeKind,
    },
    identity: `${detector.id}|${report.identity}`,
  };
}

/** Deterministic order: file, line, column, rule, then identity and message as tie-breakers. */
export function compareFindings(a: Finding, b: Finding): number {
  return (
    compareText(a.file, b.file) ||
    a.line - b.line ||
    a.column - b.column ||
    compareText(a.ruleId, b.ruleId) ||
    compareText(a.identity, b.identity) ||
    compareText(a.message, b.message)
  );
}

/** Code-unit order, not locale order: the same on every machine. */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

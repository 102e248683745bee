/**
 * The detector interface: a rule in words. `create` runs once per file and returns handlers keyed
 * by ESTree node type; all detectors share one walk of the file and one set of lazily computed
 * facts. `Program:exit` runs after the walk, for correlations (read -> compare -> effect).
 */
import type { Node, Program } from 'acorn';
import type { RuleId } from './detectors/rule-ids.js';
import type { Severity } from '../report/severity.js';
import type { CodeKind, Evidence } from '../report/report.js';
import type { FileFacts } from './facts/file-facts.js';

/**
 * A handler gets the node and its ancestors (outermost first, the node itself last). The
 * ancestors array is the walker's own and changes after the call: copy it to keep it.
 */
export type VisitorHandler = (node: Node, ancestors: readonly Node[]) => void;
/**
 * Handlers by node type. A list lets a rule share a handler with other rules (the shared walk
 * calls each distinct function once per node) and still add its own for the same type.
 */
export type Visitors = Partial<Record<string, VisitorHandler | readonly VisitorHandler[]>> & {
  'Program:exit'?: (program: Program) => void;
};

export interface DetectorReport {
  /** Where the finding points (start offset in the source); line and column are derived from it. */
  start: number;
  message: string;
  /** Defaults to the detector's severity. */
  severity?: Severity;
  /**
   * Severity when the file turns out to be of this kind. Which files run at install time or are
   * reachable is only known once every file of the package is read, so it is applied afterwards
   * (e.g. `{ install: 'critical' }` for a fingerprint sent away by a postinstall script).
   */
  severityByCodeKind?: Partial<Record<CodeKind, Severity>>;
  evidence: Omit<Evidence, 'snippet' | 'codeKind'> & { snippet?: string };
  /** Stable identity parts (never identifiers, lines or columns); the rule id is added. */
  identity: string;
}

export interface DetectorContext {
  /** Path inside the package, `/`-separated, no leading `package/`. */
  readonly file: string;
  readonly source: string;
  readonly program: Program;
  readonly codeKind: CodeKind;
  /**
   * The kind as a message names it: "install-time code (postinstall)", "entry code", "code never
   * reached from an entry point". Use it in messages so every rule says it the same way.
   */
  readonly codeKindPhrase: string;
  /**
   * The file whose import made this one reachable, or null when the manifest names this file
   * itself (an install script's own file, an entry point) or nothing is known.
   */
  readonly reachedFrom: string | null;
  /** Lazily computed, memoised facts shared by every detector on this file (aliases, scope). */
  readonly facts: FileFacts;
  /** Turns an offset into a 1-based line and 0-based column, computed only when needed. */
  position(offset: number): { line: number; column: number };
  /** A short window of the source around an offset (never a whole minified line). */
  snippet(offset: number): string;
  report(finding: DetectorReport): void;
}

export interface Detector {
  readonly id: RuleId;
  readonly severity: Severity;
  /** One line, for docs, SARIF and the comment legend. */
  readonly summary: string;
  create(ctx: DetectorContext): Visitors;
}

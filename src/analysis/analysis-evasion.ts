/**
 * The `analysis-evasion` rule, raised by the package analysis rather than a detector: a file the
 * gate could not fully analyse. An attacker who can make code unparsable (a syntax only a bundler
 * accepts, nesting no parser survives, a file past the size limit) must not buy silence with it,
 * so the gap itself is reported. Judged by what runs: a file nothing reaches (templates, fixtures,
 * non-JavaScript ending in `.js`) stays low, or the rule would fill every popular package's report.
 */
import type { ReachStep } from './reachability.js';
import type { Finding } from '../report/report.js';
import type { Severity } from '../report/severity.js';
import type { SourceLocator } from './source-locator.js';

export const ANALYSIS_EVASION_RULE = 'analysis-evasion' as const;
/** The documented default: reachable code that resists analysis. */
export const ANALYSIS_EVASION_SEVERITY: Severity = 'medium';
export const ANALYSIS_EVASION_SUMMARY = 'A file of the package could not be fully analysed (parse failure, depth, size or time limit).';

/** Why a file was not fully analysed; the first that applies is the finding's reason. */
export const EVASION_REASONS = [
  'truncated',
  'too-deep',
  'time-budget',
  'parse-error',
  'analysis-error',
  'partial-parse',
  // An executable known to carry JavaScript (a runtime's payload) from which none could be read.
  'no-source',
] as const;
export type EvasionReason = (typeof EVASION_REASONS)[number];

const REASON_PHRASES: Readonly<Record<EvasionReason, string>> = Object.freeze({
  truncated: 'is larger than the per-file limit and only its head was read',
  'too-deep': 'is nested too deeply to parse',
  'time-budget': 'used its analysis time budget before it was fully analysed',
  'parse-error': 'does not parse as JavaScript',
  'analysis-error': 'made the analysis fail part way',
  'partial-parse': 'parses only with error recovery, so parts of it were not analysed',
  'no-source': 'is an executable that carries JavaScript, but none could be recovered to analyse; only its strings were searched',
});

/** How sure it is that the file runs: from the manifest or a literal import, a computed import, or nothing. */
type Runs = 'runs' | 'maybe' | 'never';

const SEVERITY: Readonly<Record<EvasionReason, Readonly<Record<Runs, Severity>>>> = Object.freeze({
  truncated: { runs: 'medium', maybe: 'low', never: 'low' },
  'too-deep': { runs: 'medium', maybe: 'low', never: 'low' },
  'time-budget': { runs: 'medium', maybe: 'low', never: 'low' },
  'parse-error': { runs: 'medium', maybe: 'low', never: 'low' },
  'analysis-error': { runs: 'medium', maybe: 'low', never: 'low' },
  // acorn-loose still read most of the file (Flow or TypeScript annotations in `.js`).
  'partial-parse': { runs: 'low', maybe: 'info', never: 'info' },
  'no-source': { runs: 'medium', maybe: 'low', never: 'low' },
});

export interface UnanalysedFile {
  file: string;
  step: Pick<ReachStep, 'kind' | 'reach' | 'script'>;
  /** What the file's kind is called in messages ("install-time code (postinstall)"). */
  phrase: string;
  /** Every reason that applied, in the order found; the finding names the first of `EVASION_REASONS`. */
  reasons: readonly { reason: EvasionReason; detail: string; offset?: number }[];
  locator: SourceLocator;
}

export function analysisEvasion(input: UnanalysedFile): Finding | null {
  const primary = [...input.reasons].sort(
    (a, b) => EVASION_REASONS.indexOf(a.reason) - EVASION_REASONS.indexOf(b.reason),
  )[0];
  if (primary === undefined) return null;
  const runs: Runs =
    input.step.kind === 'unreached' ? 'never' : input.step.reach === 'dynamic' ? 'maybe' : 'runs';
  const offset = primary.offset ?? 0;
  const { line, column } = input.locator.position(offset);
  const details: Record<string, string> = { reason: primary.reason, detail: primary.detail };
  const others = input.reasons.filter((entry) => entry !== primary).map((entry) => `${entry.reason}: ${entry.detail}`);
  if (others.length > 0) details.alsoFound = others.join('; ');
  if (input.step.script !== undefined) details.installScript = input.step.script;
  return {
    ruleId: ANALYSIS_EVASION_RULE,
    severity: SEVERITY[primary.reason][runs],
    file: input.file,
    line,
    column,
    message: `${input.file} ${REASON_PHRASES[primary.reason]} (${primary.detail}), in ${input.phrase}`,
    introduced: false,
    evidence: { snippet: input.locator.snippet(offset), codeKind: input.step.kind, details },
    // Never a line or a message: the finding is new only when the file newly resists analysis.
    identity: `${ANALYSIS_EVASION_RULE}|${primary.reason}|${input.file}`,
  };
}

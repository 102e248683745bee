/**
 * The catalogue of every rule the gate reports: the detectors' own descriptions plus the
 * package-level rules raised outside the per-file walk. SARIF's rule list and the README's rule
 * table are both checked against it.
 */
import type { Severity } from '../report/severity.js';
import { DETECTORS } from './detectors/index.js';
import type { RuleId } from './detectors/rule-ids.js';

export interface RuleInfo {
  readonly id: RuleId;
  /** The default severity; findings may be raised or lowered from it as each rule's page says. */
  readonly severity: Severity;
  readonly summary: string;
}

export const PACKAGE_RULES: readonly RuleInfo[] = Object.freeze([
  {
    id: 'analysis-evasion',
    severity: 'medium',
    summary: 'Code that resists analysis (does not parse, too deep, cut at a size limit) in a file that runs; lower when nothing reaches it.',
  },
  {
    id: 'unverifiable-source',
    severity: 'medium',
    summary: 'A dependency from git, a tarball URL or a file outside the repository: not verifiable against the registry, not scanned.',
  },
  {
    id: 'integrity-mismatch',
    severity: 'critical',
    summary: "The registry's tarball does not match the integrity pinned in the lockfile.",
  },
]);

export const ALL_RULES: readonly RuleInfo[] = Object.freeze([
  ...DETECTORS.map(({ id, severity, summary }) => ({ id, severity, summary })),
  ...PACKAGE_RULES,
]);

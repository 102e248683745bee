/**
 * Every rule the gate can report. A detector's id equals its file name; the rules without a
 * detector (the package-level ones) are raised by the gate or the package analysis and are
 * documented and tested all the same.
 */
export const RULE_IDS = [
  'fingerprint-source', // a plain read of who or where the user is (info)
  'identity-targeting', // a source compared with a literal list of identity values
  'encoded-list-match', // a source compared with a list hidden behind an encoding
  'hashed-list-match', // a source hashed and compared with literal digests
  'fingerprint-exfiltration', // a source sent to a network sink
  'install-time-download', // an install script that downloads something and keeps or runs it
  'analysis-evasion', // code that resists analysis (package level)
  'unverifiable-source', // a dependency from git, a URL or a file (package level)
  'integrity-mismatch', // a tarball that does not match the lockfile's integrity (package level)
] as const;
export type RuleId = (typeof RULE_IDS)[number];

/** Rules raised outside the per-file detector walk. */
export const PACKAGE_LEVEL_RULES = ['analysis-evasion', 'unverifiable-source', 'integrity-mismatch'] as const satisfies readonly RuleId[];

export function isRuleId(value: unknown): value is RuleId {
  return typeof value === 'string' && (RULE_IDS as readonly string[]).includes(value);
}

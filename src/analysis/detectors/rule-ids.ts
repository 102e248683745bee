/** Every rule the gate can report. A detector's id equals its file name. */
export const RULE_IDS = ['fingerprint-source'] as const;
export type RuleId = (typeof RULE_IDS)[number];

export function isRuleId(value: unknown): value is RuleId {
  return typeof value === 'string' && (RULE_IDS as readonly string[]).includes(value);
}

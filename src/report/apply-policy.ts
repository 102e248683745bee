/**
 * The policy applied to what was found, in the order the README documents: per-rule overrides
 * first (a rule turned off cannot be allowed or block), then the allow-list with its expiry, then
 * the mode and the threshold. Pure: `today` arrives as a value, so a test can be "the day after".
 */
import type { Policy } from '../config/schema.js';
import { allowFindings } from './allow-list.js';
import type { Allowance, Finding, PackageReport, Verdict } from './report.js';
import { decideVerdict } from './verdict.js';

/**
 * Applies `rules`: `off` drops a rule's findings (their number kept in `ruledOff`), a severity
 * replaces the rule's own (kept in `ruleSeverity`). Packages the settings do not touch come back as they were.
 */
export function applyRuleSettings(packages: readonly PackageReport[], rules: Policy['rules']): PackageReport[] {
  if (Object.keys(rules).length === 0) return packages.slice();
  return packages.map((pkg) => {
    let off = 0;
    let changed = false;
    const findings: Finding[] = [];
    for (const finding of pkg.findings) {
      const setting = rules[finding.ruleId];
      if (setting === undefined || setting === finding.severity) {
        findings.push(finding);
      } else if (setting === 'off') {
        off += 1;
        changed = true;
      } else {
        findings.push({ ...finding, severity: setting, ruleSeverity: finding.ruleSeverity ?? finding.severity });
        changed = true;
      }
    }
    if (!changed) return pkg;
    return { ...pkg, findings, ...(off > 0 ? { ruledOff: (pkg.ruledOff ?? 0) + off } : {}) };
  });
}

export interface Judgement {
  packages: PackageReport[];
  verdict: Verdict;
  blocking: number;
  staleAllowances: Allowance[];
}

export function applyPolicy(
  packages: readonly PackageReport[],
  policy: Pick<Policy, 'rules' | 'allow' | 'failOn' | 'mode' | 'onUnscanned'>,
  context: { today: string | null; unscannedLockfiles?: number },
): Judgement {
  const ruled = applyRuleSettings(packages, policy.rules);
  const { packages: allowed, stale } = allowFindings(ruled, policy.allow, context.today);
  const { verdict, blocking } = decideVerdict(allowed, policy.failOn, {
    mode: policy.mode,
    onUnscanned: policy.onUnscanned,
    unscannedLockfiles: context.unscannedLockfiles ?? 0,
  });
  return { packages: allowed, verdict, blocking, staleAllowances: stale };
}

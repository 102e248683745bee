export const SEVERITIES = ['info', 'low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** The threshold a run fails at; `none` never fails on findings. */
export const FAIL_ON_LEVELS = ['none', ...SEVERITIES] as const;
export type FailOn = (typeof FAIL_ON_LEVELS)[number];

/** One step more severe (critical stays critical): for a finding whose form is itself a signal. */
export function raisedSeverity(severity: Severity): Severity {
  return SEVERITIES[Math.min(severityRank(severity) + 1, SEVERITIES.length - 1)] ?? severity;
}

export function severityRank(severity: Severity): number {
  return SEVERITIES.indexOf(severity);
}

export function isSeverity(value: unknown): value is Severity {
  return typeof value === 'string' && (SEVERITIES as readonly string[]).includes(value);
}

export function isFailOn(value: unknown): value is FailOn {
  return typeof value === 'string' && (FAIL_ON_LEVELS as readonly string[]).includes(value);
}

/** True when `severity` reaches the threshold. `none` is never reached. */
export function reachesThreshold(severity: Severity, failOn: FailOn): boolean {
  if (failOn === 'none') return false;
  return severityRank(severity) >= severityRank(failOn);
}

export function highestSeverity(severities: Iterable<Severity>): Severity | null {
  let best: Severity | null = null;
  for (const s of severities) if (best === null || severityRank(s) > severityRank(best)) best = s;
  return best;
}

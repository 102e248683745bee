/**
 * Which findings are new in this version. Identities carry no names, lines or columns, so a
 * re-minified bundle keeps them; multiplicity counts: two identical findings now against one
 * before means one is new.
 */
import type { Finding } from '../report/report.js';

/** Returns copies of `current` with `introduced` set; `previous` null means there is no earlier version. */
export function markIntroduced(current: Finding[], previous: Finding[] | null): Finding[] {
  const remaining = new Map<string, number>();
  for (const finding of previous ?? []) remaining.set(finding.identity, (remaining.get(finding.identity) ?? 0) + 1);
  return current.map((finding) => {
    const left = remaining.get(finding.identity) ?? 0;
    if (left > 0) remaining.set(finding.identity, left - 1);
    return { ...finding, introduced: left === 0 };
  });
}

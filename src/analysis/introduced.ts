/**
 * Which findings are new in this version. Identities carry no names, lines or columns, so a
 * re-minified bundle keeps them; multiplicity counts: two identical findings now against one
 * before means one is new.
 *
 * A hidden list that gains or loses a few entries between releases is the same mechanism, not a
 * new one: a finding of the same rule, source kinds and effect whose list shares most values with
 * an unmatched finding of the previous version is not new, and says how its list changed.
 */
import type { Finding } from '../report/report.js';

/** Share of the smaller list two lists must have in common to be one list edited. */
export const SAME_LIST_OVERLAP = 0.5;

/** Returns copies of `current` with `introduced` set; `previous` null means there is no earlier version. */
export function markIntroduced(current: Finding[], previous: Finding[] | null): Finding[] {
  const remaining = new Map<string, number>();
  for (const finding of previous ?? []) remaining.set(finding.identity, (remaining.get(finding.identity) ?? 0) + 1);
  const marked = current.map((finding) => {
    const left = remaining.get(finding.identity) ?? 0;
    if (left > 0) remaining.set(finding.identity, left - 1);
    return { ...finding, introduced: left === 0 };
  });
  // Second pass: previous findings whose identity found no partner may be the same list, edited.
  const unmatched: Finding[] = [];
  for (const finding of previous ?? []) {
    const left = remaining.get(finding.identity) ?? 0;
    if (left > 0) {
      remaining.set(finding.identity, left - 1);
      unmatched.push(finding);
    }
  }
  return marked.map((finding) => {
    if (!finding.introduced) return finding;
    const index = unmatched.findIndex((before) => sameMechanism(finding, before));
    const before = unmatched[index];
    if (before === undefined) return finding;
    unmatched.splice(index, 1);
    const change = listChange(before.evidence.list?.values ?? [], finding.evidence.list?.values ?? []);
    return { ...finding, introduced: false, evidence: { ...finding.evidence, details: { ...finding.evidence.details, listChange: change } } };
  });
}

function sameMechanism(now: Finding, before: Finding): boolean {
  if (now.ruleId !== before.ruleId || now.evidence.sourceKind !== before.evidence.sourceKind) return false;
  if ((now.evidence.details?.effect ?? null) !== (before.evidence.details?.effect ?? null)) return false;
  const a = now.evidence.list?.values ?? [];
  const b = before.evidence.list?.values ?? [];
  if (a.length === 0 || b.length === 0) return false;
  const other = new Set(b);
  const shared = a.filter((value) => other.has(value)).length;
  return shared >= SAME_LIST_OVERLAP * Math.min(a.length, b.length) && shared > 0;
}

/** "+3 −1 entries since the previous version: added a.example, b.example, ...". */
function listChange(before: readonly string[], now: readonly string[]): string {
  const was = new Set(before);
  const is = new Set(now);
  const added = now.filter((value) => !was.has(value));
  const removed = before.filter((value) => !is.has(value));
  const sample = (values: string[]): string => values.slice(0, 10).join(', ') + (values.length > 10 ? `, ... (${values.length - 10} more)` : '');
  const parts = [`the list changed since the previous version: ${added.length} added, ${removed.length} removed`];
  if (added.length > 0) parts.push(`added ${sample(added)}`);
  if (removed.length > 0) parts.push(`removed ${sample(removed)}`);
  return parts.join('; ');
}

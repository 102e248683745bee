/**
 * The JSON report as text. Key order does not depend on how the report was assembled, so two runs
 * over the same input give byte-identical output (diffable artifacts, snapshot tests).
 */
import type { Report } from '../report.js';

/**
 * Known keys come first in reading order (verdict before packages, name before findings); any other
 * key, including those a later field adds and free-form `details`, follows in code-unit order.
 */
const KEY_ORDER = Object.freeze([
  'verdict',
  'failOn',
  'blocking',
  'engineVersion',
  'onUnscanned',
  'unscannedLockfiles',
  'path',
  'notes',
  'name',
  'alias',
  'version',
  'previousVersion',
  'change',
  'status',
  'reason',
  'lockfile',
  'source',
  'allowed',
  'files',
  'total',
  'parsed',
  'problems',
  'file',
  'ruleId',
  'severity',
  'line',
  'column',
  'message',
  'introduced',
  'identity',
  'evidence',
  'sourceKind',
  'codeKind',
  'role',
  'description',
  'snippet',
  'list',
  'encoding',
  'values',
  'hashed',
  'algorithm',
  'count',
  'links',
  'details',
  'findings',
  'packages',
] as const);

const RANK: ReadonlyMap<string, number> = new Map(KEY_ORDER.map((key, index) => [key, index]));

function compareKeys(a: string, b: string): number {
  const rankA = RANK.get(a) ?? KEY_ORDER.length;
  const rankB = RANK.get(b) ?? KEY_ORDER.length;
  if (rankA !== rankB) return rankA - rankB;
  return a < b ? -1 : a > b ? 1 : 0;
}

function ordered(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(ordered);
  if (value !== null && typeof value === 'object') {
    // fromEntries defines properties, so a `__proto__` key in free-form details stays a key.
    return Object.fromEntries(
      Object.entries(value)
        .sort(([a], [b]) => compareKeys(a, b))
        .map(([key, inner]) => [key, ordered(inner)]),
    );
  }
  return value;
}

export function renderJson(report: Report): string {
  return `${JSON.stringify(ordered(report), null, 2)}\n`;
}

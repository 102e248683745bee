import { describe, expect, it } from 'vitest';
import { renderJson } from '../../../src/report/render/json.js';
import type { Report } from '../../../src/report/report.js';
import { makeFinding, makePackage, makeReport } from '../report-factory.js';

function sampleReport(): Report {
  return makeReport({
    verdict: 'fail',
    blocking: 1,
    notes: ['bun.lockb is binary and was not read'],
    packages: [
      makePackage({
        findings: [
          makeFinding({
            evidence: {
              snippet: 'if (tz === list[i]) process.exit(0)',
              list: { encoding: 'base64', values: ['Asia/Shanghai', 'Europe/Moscow'] },
              // Computed, so the literal defines a key rather than setting the prototype.
              details: { limit: 'depth', ['__proto__']: 'kept as a key', zeta: 1, alpha: true },
            },
          }),
        ],
        files: { total: 2, parsed: 1, problems: [{ file: 'min.js', reason: 'Unexpected token (1:5)' }] },
      }),
      makePackage({ name: '@scope/gone', change: 'removed', status: 'skipped', reason: 'removed', previousVersion: null }),
    ],
  });
}

/** The same report with every object's keys inserted in reverse order. */
function reversedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reversedKeys);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).reverse().map(([key, inner]) => [key, reversedKeys(inner)]));
  }
  return value;
}

describe('renderJson', () => {
  it('round-trips to an equal report', () => {
    const report = sampleReport();
    expect(JSON.parse(renderJson(report))).toEqual(report);
  });

  it('does not depend on the order keys were assembled in', () => {
    const report = sampleReport();
    expect(renderJson(reversedKeys(report) as Report)).toBe(renderJson(report));
  });

  it('puts the verdict first, packages last, and indents by two spaces with a trailing newline', () => {
    const text = renderJson(sampleReport());
    expect(text.startsWith('{\n  "verdict": "fail",\n  "failOn": "high",\n  "blocking": 1,\n')).toBe(true);
    expect(Object.keys(JSON.parse(text) as object).at(-1)).toBe('packages');
    expect(text.endsWith('}\n')).toBe(true);
    expect(text.endsWith('\n\n')).toBe(false);
  });

  it('keeps a __proto__ key in free-form details as data and sorts unknown keys', () => {
    const text = renderJson(sampleReport());
    expect(text).toContain('"__proto__": "kept as a key"');
    expect(text.indexOf('"alpha"')).toBeLessThan(text.indexOf('"zeta"'));
  });
});

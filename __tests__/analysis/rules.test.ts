import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RULE_IDS } from '../../src/analysis/detectors/rule-ids.js';
import { ALL_RULES } from '../../src/analysis/rules.js';

describe('the rule catalogue', () => {
  it('describes every rule id exactly once', () => {
    expect(ALL_RULES.map((rule) => rule.id).sort()).toEqual([...RULE_IDS].sort());
  });

  it('is the README rule table, row for row, each linking to its docs page', () => {
    const readme = readFileSync('README.md', 'utf8');
    const table = /<!-- rules:start -->([\s\S]*?)<!-- rules:end -->/.exec(readme)?.[1] ?? '';
    const rows = table.split('\n').filter((line) => line.startsWith('| [`'));
    expect(rows).toEqual(ALL_RULES.map((rule) => `| [\`${rule.id}\`](docs/rules/${rule.id}.md) | ${rule.severity} | ${rule.summary} |`));
    for (const rule of ALL_RULES) expect(existsSync(`docs/rules/${rule.id}.md`), rule.id).toBe(true);
  });
});

/**
 * Every registered detector over every annotated fixture in `__tests__/fixtures/analysis/`:
 * a line marked `// ruleid: <id>` must carry a finding of that rule (at `low` or above), a line
 * marked `// ok: <id>` must carry none at `medium` or above (the gate's blocking range), and no
 * correlating rule may report `medium` or above on a line nobody annotated.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DETECTORS } from '../../../src/analysis/detectors/index.js';
import { isRuleId } from '../../../src/analysis/detectors/rule-ids.js';
import { parse } from '../../../src/analysis/parse.js';
import { runDetectors } from '../../../src/analysis/run-detectors.js';
import { severityRank } from '../../../src/report/severity.js';

const DIR = fileURLToPath(new URL('../../fixtures/analysis/', import.meta.url));
const FIXTURES = readdirSync(DIR).filter((name) => name.endsWith('.js')).sort();
const ANNOTATION = /\/\/\s*(ruleid|ok):\s*([a-z-]+)\s*$/;

interface Annotation {
  line: number;
  kind: 'ruleid' | 'ok';
  rule: string;
}

function annotations(source: string): Annotation[] {
  const found: Annotation[] = [];
  source.split('\n').forEach((text, index) => {
    const match = ANNOTATION.exec(text);
    if (match?.[1] !== undefined && match[2] !== undefined) {
      found.push({ line: index + 1, kind: match[1] === 'ok' ? 'ok' : 'ruleid', rule: match[2] });
    }
  });
  return found;
}

describe('annotated fixtures', () => {
  it('has fixtures with both kinds of annotation', () => {
    const all = FIXTURES.flatMap((name) => annotations(readFileSync(`${DIR}${name}`, 'utf8')));
    expect(all.some((a) => a.kind === 'ruleid')).toBe(true);
    expect(all.some((a) => a.kind === 'ok')).toBe(true);
    for (const a of all) expect(isRuleId(a.rule)).toBe(true);
  });

  it.each(FIXTURES)('%s matches its annotations', (name) => {
    const source = readFileSync(`${DIR}${name}`, 'utf8');
    const outcome = parse(source);
    if (!outcome.ok) throw new Error(`${name} does not parse: ${outcome.reason}`);
    const run = runDetectors({ file: name, source, program: outcome.program, codeKind: 'entry' }, DETECTORS);
    expect(run.problems).toEqual([]);
    const marks = annotations(source);
    const at = (line: number, rule: string, minimum: 'low' | 'medium') =>
      run.findings.filter((f) => f.line === line && f.ruleId === rule && severityRank(f.severity) >= severityRank(minimum));
    for (const mark of marks) {
      const hits = at(mark.line, mark.rule, mark.kind === 'ruleid' ? 'low' : 'medium');
      expect({ ...mark, hits: hits.length > 0 }).toEqual({ ...mark, hits: mark.kind === 'ruleid' });
    }
    const annotated = new Set(marks.filter((m) => m.kind === 'ruleid').map((m) => `${m.line}|${m.rule}`));
    const unexpected = run.findings.filter(
      (f) => severityRank(f.severity) >= severityRank('medium') && !annotated.has(`${f.line}|${f.ruleId}`),
    );
    expect(unexpected.map((f) => `${f.line} ${f.ruleId} ${f.message}`)).toEqual([]);
  });
});

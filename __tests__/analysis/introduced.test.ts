import { describe, expect, it } from 'vitest';
import { markIntroduced } from '../../src/analysis/introduced.js';
import type { Finding } from '../../src/report/report.js';

function finding(identity: string, line = 1): Finding {
  return {
    ruleId: 'fingerprint-source',
    severity: 'info',
    file: 'a.js',
    line,
    column: 0,
    message: identity,
    introduced: false,
    evidence: { snippet: '' },
    identity,
  };
}

describe('markIntroduced', () => {
  it.each([
    ['no previous version: everything is new', ['a', 'b'], null, [true, true]],
    ['same identities: nothing is new', ['a', 'b'], ['b', 'a'], [false, false]],
    ['a new identity', ['a', 'c'], ['a'], [false, true]],
    ['two now against one before: one is new', ['a', 'a'], ['a'], [false, true]],
    ['fewer now than before: nothing is new', ['a'], ['a', 'a', 'a'], [false]],
    ['an empty previous version', ['a'], [], [true]],
  ] as const)('%s', (_label, current, previous, introduced) => {
    const marked = markIntroduced(
      current.map((id) => finding(id)),
      previous === null ? null : previous.map((id) => finding(id)),
    );
    expect(marked.map((f) => f.introduced)).toEqual(introduced);
  });

  it('ignores position: a moved finding is not new', () => {
    expect(markIntroduced([finding('a', 40)], [finding('a', 2)])[0]?.introduced).toBe(false);
  });

  it('does not mutate its input', () => {
    const current = [finding('a')];
    markIntroduced(current, null);
    expect(current[0]?.introduced).toBe(false);
  });
});

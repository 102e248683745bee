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

describe('markIntroduced with edited lists', () => {
  const listed = (values: string[], effect = 'alters-text'): Finding => ({
    ...finding(`encoded|${[...values].sort().join(',')}|${effect}`),
    ruleId: 'encoded-list-match',
    severity: 'high',
    evidence: { snippet: '', sourceKind: 'endpoint', list: { encoding: 'base64+xor', values }, details: { effect } },
  });

  it('a list that gained and lost entries is the same mechanism, with the change named', () => {
    const [marked] = markIntroduced([listed(['a.example', 'b.example', 'c.example', 'd.example'])], [listed(['a.example', 'b.example', 'c.example', 'x.example'])]);
    expect(marked?.introduced).toBe(false);
    expect(marked?.evidence.details?.listChange).toBe(
      'the list changed since the previous version: 1 added, 1 removed; added d.example; removed x.example',
    );
  });

  it.each([
    ['mostly other values', ['a.example', 'q.example', 'r.example', 's.example'], 'alters-text'],
    ['another effect', ['a.example', 'b.example', 'c.example', 'x.example'], 'exits'],
  ])('%s: new', (_label, values, effect) => {
    const [marked] = markIntroduced([listed(values, effect)], [listed(['a.example', 'b.example', 'c.example', 'x.example'])]);
    expect(marked?.introduced).toBe(true);
  });

  it('a previous finding pairs with one current finding only', () => {
    const marked = markIntroduced([listed(['a.example', 'b.example']), listed(['a.example', 'c.example'])], [listed(['a.example', 'd.example'])]);
    expect(marked.map((f) => f.introduced)).toEqual([false, true]);
  });
});

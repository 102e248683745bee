import { describe, expect, it } from 'vitest';
import { findDecisions, isHidden } from '../../../src/analysis/facts/comparisons.js';
import { FlowAnalysis } from '../../../src/analysis/facts/flow.js';
import { createScope } from '../../../src/analysis/facts/scope.js';
import { parse } from '../../../src/analysis/parse.js';

function decisions(code: string): ReturnType<typeof findDecisions> {
  const outcome = parse(code);
  if (!outcome.ok) throw new Error(outcome.reason);
  return findDecisions(new FlowAnalysis(outcome.program, createScope()));
}

const TZ = 'const z = Intl.DateTimeFormat().resolvedOptions().timeZone;\n';

describe('findDecisions: comparison shapes', () => {
  it.each<[string, string, string, string[]]>([
    ['strict equality', `${TZ}z === 'Europe/Kyiv';`, 'equality', ['Europe/Kyiv']],
    ['loose inequality, constant on the left', `${TZ}'Europe/Kyiv' != z;`, 'equality', ['Europe/Kyiv']],
    ['includes on an array', `${TZ}['A/b', 'C/d'].includes(z);`, 'includes', ['A/b', 'C/d']],
    ['indexOf compared with -1', `${TZ}['A/b'].indexOf(z) !== -1;`, 'indexOf', ['A/b']],
    ['has on a Set', `${TZ}new Set(['A/b']).has(z);`, 'has', ['A/b']],
    ['in on an object', `${TZ}z in { 'A/b': 1 };`, 'in', ['A/b']],
    ['endsWith a suffix', `${TZ}z.endsWith('/Kyiv');`, 'endsWith', ['/Kyiv']],
    ['regex test', `${TZ}/^Europe\\/(Kyiv|Minsk)$/.test(z);`, 'test', ['Europe/Kyiv', 'Europe/Minsk']],
    ['match with a regex', `${TZ}z.match(/Kyiv|Minsk/);`, 'match', ['Kyiv', 'Minsk']],
    ['some with a comparing callback', `${TZ}['A/b', 'C/d'].some((x) => x === z);`, 'equality', ['A/b', 'C/d']],
    ['find with a suffix callback', `${TZ}['/b', '/d'].find(function (s) { return z.endsWith(s); });`, 'endsWith', ['/b', '/d']],
    ['lookup in a table of flags', `${TZ}({ 'A/b': true })[z];`, 'lookup', ['A/b']],
    ['switch cases', `${TZ}switch (z) { case 'A/b': case 'C/d': break; default: }`, 'switch', ['A/b', 'C/d']],
  ])('%s', (_name, code, method, values) => {
    const found = decisions(code);
    expect(found).toHaveLength(1);
    expect(found[0]?.matches[0]?.method).toBe(method);
    expect(found[0]?.matches[0]?.list.values).toEqual(values);
  });

  it.each([
    ['a lookup in a table of data (translations)', `${TZ}({ 'A/b': 'label' })[z];`],
    ['a list derived from the environment', `${TZ}(process.env.ZONES || '').split(',').includes(z);`],
    ['a comparison of values that are not fingerprints', "const z = o.zone;\nz === 'Europe/Kyiv';"],
    ['a comparison with another unknown value', `${TZ}z === other;`],
  ])('finds nothing for %s', (_name, code) => {
    expect(decisions(code)).toEqual([]);
  });
});

describe('findDecisions: one decision, its effect', () => {
  it('joins comparisons under || and && into one decision', () => {
    const found = decisions(`${TZ}const h = require('os').hostname();\nif (z === 'A/b' || (h.endsWith('.acme.example') && !0)) process.exit(1);`);
    expect(found).toHaveLength(1);
    expect(found[0]?.matches.map((m) => m.source.kind)).toEqual(['timezone', 'hostname']);
    expect(found[0]?.effect?.kind).toBe('exits');
  });

  it.each<[string, string, string | null, boolean]>([
    ['an if branch that throws', `${TZ}if (z === 'A/b') { throw new Error('x'); }`, 'throws', false],
    ['an else branch that writes files', `${TZ}if (z !== 'A/b') {} else { require('fs').unlinkSync('x'); }`, 'writes-files', false],
    ['a && guard that opens a URL', `${TZ}z === 'A/b' && open('https://x.invalid');`, 'opens-url', false],
    ['through a variable', `${TZ}const hit = z === 'A/b';\nif (hit) alert('x');`, 'ui', false],
    ['through a returning helper and its call site', `${TZ}function m() { return z === 'A/b'; }\nif (m()) require('child_process').spawn('x');`, 'spawns', true],
    ['into a local function the branch calls', `${TZ}function wipe() { require('fs').rmSync('.'); }\nif (z === 'A/b') wipe();`, 'writes-files', false],
    ['a busy loop', `${TZ}while (z === 'A/b') {}`, 'delays', false],
    ['a look-alike replacement', `${TZ}const t = z === 'A/b' ? s.replace(/'/g, '\u2019') : s;`, 'alters-text', false],
    ['only exported', `${TZ}export const inB = z === 'A/b';`, null, true],
    ['only picking a value', `${TZ}const dir = z === 'A/b' ? 'rtl' : 'ltr';`, null, false],
  ])('%s', (_name, code, effect, returned) => {
    const [decision] = decisions(code);
    expect(decision?.effect?.kind ?? null).toBe(effect);
    expect(decision?.returned).toBe(returned);
  });
});

describe('isHidden', () => {
  it.each([
    ['literal', false],
    ['split', false],
    ['concatenation+split', false],
    ['base64+xor+char-codes+split', true],
    ['hex', true],
    ['reversed', true],
  ])('%s -> %s', (encoding, hidden) => {
    expect(isHidden(encoding)).toBe(hidden);
  });
});

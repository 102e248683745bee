import { describe, expect, it } from 'vitest';
import { clip, printable, renderText } from '../../../src/report/render/text.js';
import type { Finding } from '../../../src/report/report.js';
import { makeFinding, makePackage, makeReport } from '../report-factory.js';

const REPORT = makeReport({
  verdict: 'fail',
  blocking: 1,
  packages: [
    makePackage({
      name: 'left-pad',
      findings: [
        makeFinding({
          severity: 'high',
          file: 'lib/tz.js',
          line: 12,
          column: 4,
          message: 'Compares the time zone with a hidden list',
          evidence: { snippet: 'x', list: { encoding: 'base64', values: ['Asia/Shanghai', 'Europe/Moscow'] } },
        }),
        makeFinding({ severity: 'low', introduced: false, message: 'Reads the locale' }),
      ],
    }),
    makePackage({ name: 'fresh', version: '2.0.0', previousVersion: null, change: 'added', status: 'failed', reason: 'E404 not found' }),
    makePackage({ name: 'old', version: '0.9.0', previousVersion: null, change: 'removed', status: 'skipped', reason: 'removed' }),
  ],
  notes: ['yarn.lock changed'],
});

describe('renderText', () => {
  it('states the verdict and the counts first', () => {
    const lines = renderText(REPORT).split('\n');
    expect(lines[0]).toBe('fingerprint-gate: FAIL — 1 finding at or above high in 1 of 3 changed packages');
    expect(lines[1]).toBe('2 findings in total, 1 new in this version · 1 package not scanned');
  });

  it('prints one line per package with its change, status and reason', () => {
    const text = renderText(REPORT);
    expect(text).toContain('\nleft-pad 1.0.0 -> 1.0.1  updated  scanned\n');
    expect(text).toContain('\nfresh (none) -> 2.0.0  added  failed  [E404 not found]\n');
    expect(text).toContain('\nold 0.9.0 -> (removed)  removed  skipped  [removed]\n');
  });

  it('indents findings with severity, rule, 1-based location and message, then the decoded list', () => {
    const text = renderText(REPORT);
    expect(text).toContain(
      '\n    high fingerprint-source lib/tz.js:12:5 Compares the time zone with a hidden list (new in this version)\n' +
        '      targets: 2 zones in 2 countries: CN (China) 1, RU (Russia) 1\n' +
        '      decoded list (base64, 2 values): Asia/Shanghai, Europe/Moscow\n',
    );
    expect(text).toContain('\n    low fingerprint-source lib/index.js:3:10 Reads the locale\n');
    expect(text).toContain('\nnote: yarn.lock changed\n');
  });

  it('shows a pass without findings, and fail-on none in words', () => {
    expect(renderText(makeReport({ packages: [makePackage()] })).split('\n')[0]).toBe(
      'fingerprint-gate: PASS — no findings at or above high in 1 changed package',
    );
    const none = makeReport({ failOn: 'none', packages: [makePackage({ findings: [makeFinding()] })] });
    expect(renderText(none).split('\n')[0]).toBe(
      'fingerprint-gate: PASS — 1 finding in 1 changed package; findings never fail this run (fail-on none)',
    );
  });

  it('counts an audit\'s packages as locked, not changed', () => {
    const audit = { packageSet: 'a'.repeat(64), packageCount: 3, shard: { index: 1, count: 2 } };
    expect(renderText({ ...REPORT, audit }).split('\n')[0]).toBe('fingerprint-gate: FAIL — 1 finding at or above high in 1 of 3 locked packages');
    expect(renderText(makeReport({ packages: [], audit })).split('\n')[0]).toBe('fingerprint-gate: PASS — no locked packages');
  });

  it('has no escape sequences unless colours are asked for', () => {
    expect(renderText(REPORT)).not.toContain('\x1b');
    expect(renderText(REPORT, { color: true })).toContain('\x1b[31mhigh\x1b[0m');
  });

  it('makes terminal escapes and direction overrides from a package visible instead of live', () => {
    const hostile = makeReport({
      packages: [
        makePackage({
          name: 'evil\x1b[2J',
          findings: [makeFinding({ file: 'a\u202egnp.js', message: 'line one\nline two\r' })],
        }),
      ],
    });
    const text = renderText(hostile);
    expect(text).toContain('evil\\x1b[2J');
    expect(text).toContain('a\\u202egnp.js');
    expect(text).toContain('line one\\nline two\\r');
    expect(text).not.toMatch(/[\x1b\u202e\r]/);
  });
});

describe('renderText: decoded lists', () => {
  const withList = (list: NonNullable<Finding['evidence']['list']>): string =>
    renderText(makeReport({ packages: [makePackage({ findings: [makeFinding({ evidence: { snippet: 'x', list } })] })] }));

  it('prints 50 values, the telling ones first, and names what the list targets', () => {
    const hosts = [...Array.from({ length: 55 }, (_, i) => `h${i}.acme.com`), 'globex.cn'];
    const text = withList({ encoding: 'base64+xor+split', values: hosts });
    expect(text).toContain('      targets: 56 domains under 2 registrable names\n');
    // The shortest host of each owner first: one line tells both companies apart.
    expect(text).toContain('decoded list (base64+xor+split, 56 values): h0.acme.com, globex.cn, h1.acme.com, ');
    expect(text).toContain(', h48.acme.com, ... and 6 more\n');
    expect(text).not.toContain('h49.acme.com');
  });

  it('prints each list of a decision that compares several on its own', () => {
    const text = renderText(
      makeReport({
        packages: [
          makePackage({
            findings: [
              makeFinding({
                evidence: {
                  snippet: 'x',
                  list: { encoding: 'literal', values: ['Asia/Shanghai', 'Asia/Urumqi', 'acme.com'] },
                  lists: [
                    { encoding: 'literal', values: ['Asia/Shanghai', 'Asia/Urumqi'], comparedWith: ['Intl...timeZone'], methods: ['equality'] },
                    { encoding: 'literal', values: ['acme.com'], comparedWith: ['process.env.X_BASE_URL'], methods: ['endsWith'] },
                  ],
                },
              }),
            ],
          }),
        ],
      }),
    );
    expect(text).toContain(
      '      targets: 2 zones, all in one country: CN (China)\n' +
        '      decoded list 1 of 2 (literal, 2 values, compared with Intl...timeZone): Asia/Shanghai, Asia/Urumqi\n' +
        '      decoded list 2 of 2 (literal, 1 value, compared with process.env.X_BASE_URL): acme.com\n',
    );
  });

  it('prints hashed lists in their own order and without targets', () => {
    const text = withList({ encoding: 'hash:sha1', values: ['b'.repeat(40), '1'.repeat(40)], hashed: { algorithm: 'sha1', count: 2 } });
    expect(text).not.toContain('targets:');
    expect(text).toContain(`decoded list (hash:sha1, 2 values): ${'b'.repeat(40)}, ${'1'.repeat(40)}\n`);
  });
});

describe('printable and clip', () => {
  it('keeps newlines only when asked and folds CRLF', () => {
    expect(printable('a\r\nb\tc\x00')).toBe('a\\r\\nb\\tc\\x00');
    expect(printable('a\r\nb', { keepNewlines: true })).toBe('a\nb');
  });

  it('clips to the limit without splitting a surrogate pair', () => {
    expect(clip('abcdef', 4)).toBe('abc…');
    expect(clip('abc', 4)).toBe('abc');
    const clipped = clip('ab😀cd', 4);
    expect(clipped).toBe('ab…');
    expect(clipped.length).toBeLessThanOrEqual(4);
  });
});

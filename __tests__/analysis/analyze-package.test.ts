import { describe, expect, it } from 'vitest';
import { analyzePackage } from '../../src/analysis/analyze-package.js';
import type { Detector } from '../../src/analysis/detector.js';
import { DETECTORS } from '../../src/analysis/detectors/index.js';
import { TOO_DEEP_REASON } from '../../src/analysis/parse.js';
import type { PackageFile, PackageFiles } from '../../src/fetch/types.js';

function file(path: string, text: string | Buffer, truncated?: boolean): PackageFile {
  const content = typeof text === 'string' ? Buffer.from(text) : text;
  return truncated === undefined ? { path, content } : { path, content, truncated };
}

function pkg(files: PackageFile[]): PackageFiles {
  return { files, integrity: null, notes: [] };
}

const MANIFEST = file(
  'package.json',
  JSON.stringify({ name: 'p', main: 'lib/index.js', bin: { p: 'bin/p' }, scripts: { postinstall: 'node setup.cjs' } }),
);

describe('analyzePackage', () => {
  it('parses JavaScript by extension and extensionless files named by bin or main', () => {
    const result = analyzePackage(
      pkg([
        MANIFEST,
        file('lib/index.js', 'module.exports = 1;'),
        file('lib/esm.mjs', 'export default 1;'),
        file('setup.cjs', 'return;'),
        file('ui/view.jsx', 'export const v = 1;'),
        file('bin/p', '#!/usr/bin/env node\nrequire("../lib");'),
        file('LICENSE', 'MIT License'),
        file('README.md', '# p'),
        file('types/index.d.ts', 'export declare const a: number;'),
        file('data/config.json', '{}'),
      ]),
      DETECTORS,
    );
    expect(result.files).toEqual({ total: 5, parsed: 5, problems: [] });
  });

  it('counts and lists files that do not parse or parse only partially, with the parser message and position', () => {
    const depth = 50_000;
    const result = analyzePackage(
      pkg([
        MANIFEST,
        file('lib/index.js', 'process.env.TZ;'),
        file('lib/broken.js', 'const a = 1;\nconst = ;'),
        file('lib/deep.js', `x = ${'['.repeat(depth)}${']'.repeat(depth)};`),
        file('lib/jsx.jsx', 'const el = <div />;'),
      ]),
      DETECTORS,
    );
    expect(result.files.total).toBe(4);
    // The JSX file parses with the JSX grammar; the broken one only with error recovery.
    expect(result.files.parsed).toBe(3);
    expect(result.files.problems).toEqual([
      { file: 'lib/broken.js', reason: expect.stringMatching(/^partially analysed \(error recovery after syntax error: .*\(2:6\)\)$/) },
      { file: 'lib/deep.js', reason: TOO_DEEP_REASON },
    ]);
    expect(result.findings.map((f) => `${f.ruleId} ${f.file}`)).toEqual([
      'fingerprint-source lib/index.js',
      'analysis-evasion lib/broken.js',
      'analysis-evasion lib/deep.js',
    ].sort((x, y) => (x.split(' ')[1]! < y.split(' ')[1]! ? -1 : 1)));
  });

  it('decodes UTF-8 with a byte-order mark', () => {
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('const z = "ü"; process.env.TZ;')]);
    const result = analyzePackage(pkg([file('index.js', bom)]), DETECTORS);
    expect(result.files.parsed).toBe(1);
    expect(result.findings[0]?.column).toBe(15);
  });

  it('marks code kinds from the manifest and the import graph, and sorts findings across files', () => {
    const result = analyzePackage(
      pkg([
        file('setup.cjs', 'process.env.CI;'),
        file('lib/util.js', '\n\nprocess.env.TZ;'),
        MANIFEST,
        file('lib/index.js', "process.env.USER;\nprocess.env.LANG; require('./util');"),
        file('test/t.js', 'process.env.HOME;'),
      ]),
      DETECTORS,
    );
    expect(result.findings.map((f) => `${f.file}:${f.line} ${f.evidence.codeKind} ${f.evidence.sourceKind}`)).toEqual([
      'lib/index.js:1 entry user',
      'lib/index.js:2 entry locale',
      'lib/util.js:3 reachable timezone',
      'setup.cjs:1 install ci',
      'test/t.js:1 unreached user',
    ]);
    expect(result.findings.every((f) => !f.introduced)).toBe(true);
  });

  it('tells detectors the kind and phrase of the file, and applies severityByCodeKind', () => {
    const seen: string[] = [];
    const kindAware: Detector = {
      id: 'fingerprint-source',
      severity: 'info',
      summary: 'reports every program with a kind-dependent severity',
      create: (ctx) => ({
        Program(node) {
          seen.push(`${ctx.file}: ${ctx.codeKind} / ${ctx.codeKindPhrase}`);
          ctx.report({
            start: node.start,
            message: `in ${ctx.codeKindPhrase}`,
            severityByCodeKind: { install: 'critical', unreached: 'low' },
            evidence: {},
            identity: 'x',
          });
        },
      }),
    };
    const result = analyzePackage(
      pkg([MANIFEST, file('setup.cjs', "require('./lib/helper')"), file('lib/helper.js', '1'), file('lib/index.js', '2'), file('x.js', '3')]),
      [kindAware],
    );
    expect(seen.sort()).toEqual([
      'lib/helper.js: install / install-time code (postinstall)',
      'lib/index.js: entry / entry code',
      'setup.cjs: install / install-time code (postinstall)',
      'x.js: unreached / code never reached from an entry point',
    ]);
    expect(result.findings.map((f) => `${f.file} ${f.severity}`)).toEqual([
      'lib/helper.js critical',
      'lib/index.js info',
      'setup.cjs critical',
      'x.js low',
    ]);
  });

  it('gives the same result whatever the order of the files', () => {
    const files = [
      MANIFEST,
      file('a.js', 'process.env.TZ; require("os").hostname();'),
      file('b.js', 'process.env.TZ;'),
      file('c.js', 'nope nope'),
    ];
    const forward = analyzePackage(pkg(files), DETECTORS);
    const backward = analyzePackage(pkg([...files].reverse()), DETECTORS);
    expect(backward).toEqual(forward);
  });

  it('reports a broken manifest and still analyses with node defaults', () => {
    const result = analyzePackage(pkg([file('package.json', '{ "main": '), file('index.js', 'process.env.TZ;')]), DETECTORS);
    expect(result.files.problems).toEqual([
      { file: 'package.json', reason: expect.stringContaining('not valid JSON') },
    ]);
    expect(result.findings[0]?.evidence.codeKind).toBe('entry');
  });

  it('says when a file was truncated, and still searches it as text', () => {
    const result = analyzePackage(
      pkg([file('index.js', 'const a = [1, 2, os.hostname(),', true), file('head.js', 'process.env.TZ;', true)]),
      DETECTORS,
    );
    expect(result.files.parsed).toBe(2);
    expect(result.files.problems.map((p) => p.file)).toEqual(['head.js', 'index.js', 'index.js']);
    for (const problem of result.files.problems) expect(problem.reason).toMatch(/truncated|partially analysed/);
    // The walk of what acorn-loose recovered already found both reads: the text search does not repeat them.
    expect(result.findings.filter((f) => f.ruleId === 'fingerprint-source').map((f) => `${f.file} ${f.evidence.sourceKind} ${f.evidence.details?.method ?? 'walk'}`)).toEqual([
      'head.js timezone walk',
      'index.js hostname walk',
    ]);
    expect(result.findings.filter((f) => f.ruleId === 'analysis-evasion').map((f) => `${f.file} ${f.severity}`)).toEqual([
      'head.js low',
      'index.js medium',
    ]);
  });

  it.each([
    ['deep nesting', `x = ${'('.repeat(100_000)}1${')'.repeat(100_000)}; "/etc/machine-id";`, 'machine-id', false],
    ['a 100k-deep unclosed block', `${'{'.repeat(100_000)} Intl.DateTimeFormat().resolvedOptions().timeZone`, 'timezone', false],
    ['deep nesting in a truncated head', `os.hostname(); x = ${'['.repeat(100_000)}`, 'hostname', true],
  ])('searches a file that fails on %s as text', (_label, source, kind, truncated) => {
    const result = analyzePackage(pkg([file('index.js', source, truncated)]), DETECTORS);
    const text = result.findings.find((f) => f.ruleId === 'fingerprint-source');
    expect(text).toMatchObject({
      evidence: { sourceKind: kind, codeKind: 'entry', details: { method: 'string-scan' } },
      message: expect.stringContaining('in entry code; found by a text search'),
    });
    expect(result.findings.filter((f) => f.ruleId === 'analysis-evasion').map((f) => `${f.severity} ${f.evidence.details?.reason}`)).toEqual([
      `medium ${truncated ? 'truncated' : 'too-deep'}`,
    ]);
  });

  it('searches a file as text instead of walking it once it is over its time budget', () => {
    let now = 0;
    const slowClock = (): number => (now += 60_000);
    const result = analyzePackage(pkg([file('index.js', 'process.env.HTTPS_PROXY;')]), DETECTORS, { clock: slowClock });
    expect(result.findings.map((f) => `${f.ruleId} ${f.severity} ${f.evidence.details?.method ?? f.evidence.details?.reason}`).sort()).toEqual([
      'analysis-evasion medium time-budget',
      'fingerprint-source info string-scan',
    ]);
  });

  it('searches the files left as text once the package is over its time budget, listing each', () => {
    let now = 0;
    // Each file takes a minute: the first two fit the package budget, the rest do not.
    const clock = (): number => (now += 30_000);
    const files = ['a.js', 'b.js', 'c.js', 'd.js', 'e.js', 'f.js'].map((name) => file(name, 'module.exports = process.env.HTTPS_PROXY;'));
    const result = analyzePackage(pkg([file('index.js', "require('./a');require('./b');require('./c');require('./d');require('./e');require('./f');"), ...files]), DETECTORS, { clock });
    const skipped = result.files.problems.filter((problem) => problem.reason.includes('package used up its analysis time budget'));
    expect(skipped.length).toBeGreaterThan(0);
    expect(result.files.parsed + skipped.length).toBe(result.files.total);
    // What was not parsed is still searched and still stands out.
    for (const problem of skipped) {
      expect(result.findings.some((f) => f.file === problem.file && f.evidence.details?.method === 'string-scan')).toBe(true);
      expect(result.findings.some((f) => f.file === problem.file && f.ruleId === 'analysis-evasion')).toBe(true);
    }
  });

  it('notes invalid UTF-8 and analyses the text node would see', () => {
    const bytes = Buffer.concat([Buffer.from('const s = "'), Buffer.from([0xff, 0xfe]), Buffer.from('"; process.env.TZ;')]);
    const result = analyzePackage(pkg([file('index.js', bytes)]), DETECTORS);
    expect(result.files.problems).toEqual([{ file: 'index.js', reason: expect.stringContaining('not valid UTF-8') }]);
    expect(result.findings.map((f) => f.evidence.sourceKind)).toEqual(['timezone']);
  });

  it('analyses both copies of a path a tarball holds twice', () => {
    const result = analyzePackage(pkg([file('index.js', 'process.env.TZ;'), file('index.js', 'os.hostname(')]), DETECTORS);
    expect(result.files.total).toBe(2);
  });

  it('keeps going when a detector throws, recording the rule against each file', () => {
    const throwing: Detector = {
      id: 'fingerprint-source',
      severity: 'info',
      summary: 'throws',
      create: () => ({
        Program: () => {
          throw new Error('kaput');
        },
      }),
    };
    const result = analyzePackage(pkg([file('a.js', '1;'), file('b.js', '2;')]), [throwing]);
    expect(result.files.parsed).toBe(2);
    expect(result.files.problems).toEqual([
      { file: 'a.js', reason: 'rule fingerprint-source failed on this file: kaput' },
      { file: 'b.js', reason: 'rule fingerprint-source failed on this file: kaput' },
    ]);
  });
});

describe('analyzePackage: install scripts', () => {
  /** Written fresh in the shape of issue 11: an early-return timezone guard that prints a message. */
  const GUARD = [
    "'use strict';",
    'var ZONES = [',
    "  'America/Argentina/Buenos_Aires', 'America/Argentina/Cordoba', 'America/Argentina/Salta',",
    "  'America/Argentina/Jujuy', 'America/Argentina/Tucuman', 'America/Argentina/Mendoza',",
    '];',
    "var msg = '\\n  A word for the users of this package in your region.\\n';",
    'function notice() {',
    '  var tz = Intl.DateTimeFormat().resolvedOptions().timeZone;',
    '  if (ZONES.indexOf(tz) === -1) return;',
    '  console.log(msg);',
    '}',
    'notice();',
  ].join('\n');
  const manifest = (scripts: Record<string, string>): PackageFile =>
    file('package.json', JSON.stringify({ name: 'tz-notice', version: '1.0.1', main: 'index.js', scripts }));
  const kinds = (result: ReturnType<typeof analyzePackage>, path: string): string[] => [
    ...new Set(result.findings.filter((f) => f.file === path).map((f) => f.evidence.codeKind ?? 'none')),
  ];

  it.each([
    ['is install code when a node -e requires it (issue 11)', `node -e "try{require('./_postinstall')}catch(e){}" || exit 0`, 'install'],
    ['is install code when run as a file', 'node _postinstall.js || exit 0', 'install'],
    ['is install code when a script run by npm runs it', 'npm run notice', 'install'],
    ['stays unreached when the install script only prints', `node -e "console.log('thanks')" || exit 0`, 'unreached'],
    ['stays unreached beside a native build', 'node-gyp rebuild', 'unreached'],
  ])('a file holding a timezone guard %s', (_label, postinstall, kind) => {
    const result = analyzePackage(
      pkg([manifest({ postinstall, notice: 'node ./_postinstall.js' }), file('_postinstall.js', GUARD), file('index.js', 'module.exports = 1;')]),
      DETECTORS,
    );
    expect(result.findings.filter((f) => f.file === '_postinstall.js').length).toBeGreaterThan(0);
    expect(kinds(result, '_postinstall.js')).toEqual([kind]);
    expect(result.files.problems).toEqual([]);
  });

  it('analyses the inline code itself as package.json#scripts.<name>, counted among the files', () => {
    const postinstall = `node -e "if (Intl.DateTimeFormat().resolvedOptions().timeZone === 'Asia/Tokyo') console.log('hi')"`;
    const result = analyzePackage(pkg([manifest({ postinstall })]), DETECTORS);
    expect(result.files).toEqual({ total: 1, parsed: 1, problems: [] });
    const reads = result.findings.filter((f) => f.ruleId === 'fingerprint-source');
    expect(reads.map((f) => `${f.file}:${f.line}:${f.column} ${f.evidence.codeKind} ${f.evidence.sourceKind}`)).toEqual([
      'package.json#scripts.postinstall:1:4 install timezone',
    ]);
    expect(result.findings.every((f) => f.file === 'package.json#scripts.postinstall' && f.evidence.codeKind === 'install')).toBe(true);
  });

  it('finds nothing in inline code that only prints', () => {
    const result = analyzePackage(pkg([manifest({ postinstall: `node -e "console.log('Thanks for installing!')"` })]), DETECTORS);
    expect(result.findings).toEqual([]);
    expect(result.files).toEqual({ total: 1, parsed: 1, problems: [] });
  });

  it('reports a command line it cannot read in full against package.json, and still analyses what it read', () => {
    const result = analyzePackage(pkg([manifest({ postinstall: 'node -e "process.env.TZ' })]), DETECTORS);
    expect(result.files.problems).toEqual([
      { file: 'package.json', reason: 'scripts.postinstall: command line not readable in full (unterminated double quote): read as far as it goes' },
    ]);
    expect(result.findings.map((f) => `${f.file} ${f.evidence.codeKind} ${f.evidence.sourceKind}`)).toEqual([
      'package.json#scripts.postinstall install timezone',
    ]);
  });

  it('lists inline code that does not parse, searches it as text and reports it as analysis evasion', () => {
    const result = analyzePackage(pkg([manifest({ postinstall: `node -e "os.hostname( ))) {{"` })]), DETECTORS);
    expect(result.files.total).toBe(1);
    expect(result.files.problems.map((p) => p.file)).toContain('package.json#scripts.postinstall');
    expect(result.findings.map((f) => `${f.ruleId} ${f.file} ${f.evidence.codeKind}`).sort()).toEqual([
      'analysis-evasion package.json#scripts.postinstall install',
      'fingerprint-source package.json#scripts.postinstall install',
    ]);
  });

  it('follows an install script into the shell script it runs', () => {
    const result = analyzePackage(
      pkg([
        manifest({ install: 'sh ./scripts/install.sh' }),
        file('scripts/install.sh', '#!/bin/sh\nset -e\ncd lib && node setup.js\n'),
        file('lib/setup.js', 'require("os").hostname();'),
      ]),
      DETECTORS,
    );
    expect(result.findings.map((f) => `${f.file} ${f.evidence.codeKind} ${f.evidence.sourceKind}`)).toEqual(['lib/setup.js install hostname']);
    expect(result.files.total).toBe(1);
  });
});

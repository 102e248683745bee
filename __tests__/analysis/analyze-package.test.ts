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

  it('counts and lists files that do not parse, with the parser message and position', () => {
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
    expect(result.files.parsed).toBe(1);
    expect(result.files.problems).toEqual([
      { file: 'lib/broken.js', reason: expect.stringMatching(/^syntax error: .*\(2:6\)$/) },
      { file: 'lib/deep.js', reason: TOO_DEEP_REASON },
      { file: 'lib/jsx.jsx', reason: expect.stringContaining('syntax error') },
    ]);
    expect(result.findings).toHaveLength(1);
  });

  it('decodes UTF-8 with a byte-order mark', () => {
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('const z = "ü"; process.env.TZ;')]);
    const result = analyzePackage(pkg([file('index.js', bom)]), DETECTORS);
    expect(result.files.parsed).toBe(1);
    expect(result.findings[0]?.column).toBe(15);
  });

  it('marks code kinds from the manifest and sorts findings across files', () => {
    const result = analyzePackage(
      pkg([
        file('setup.cjs', 'process.env.CI;'),
        file('lib/util.js', '\n\nprocess.env.TZ;'),
        MANIFEST,
        file('lib/index.js', 'process.env.USER;\nprocess.env.LANG;'),
      ]),
      DETECTORS,
    );
    expect(result.findings.map((f) => `${f.file}:${f.line} ${f.evidence.codeKind} ${f.evidence.sourceKind}`)).toEqual([
      'lib/index.js:1 entry user',
      'lib/index.js:2 entry locale',
      'lib/util.js:3 reachable timezone',
      'setup.cjs:1 install ci',
    ]);
    expect(result.findings.every((f) => !f.introduced)).toBe(true);
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

  it('says when a file was truncated', () => {
    const result = analyzePackage(
      pkg([file('big.js', 'const a = [1, 2,', true), file('head.js', 'process.env.TZ;', true)]),
      DETECTORS,
    );
    expect(result.files.parsed).toBe(1);
    expect(result.files.problems.map((p) => p.file)).toEqual(['big.js', 'head.js']);
    for (const problem of result.files.problems) expect(problem.reason).toContain('truncated');
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

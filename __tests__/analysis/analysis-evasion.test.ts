import { describe, expect, it } from 'vitest';
import { analyzePackage } from '../../src/analysis/analyze-package.js';
import { analysisEvasion, EVASION_REASONS } from '../../src/analysis/analysis-evasion.js';
import { DETECTORS } from '../../src/analysis/detectors/index.js';
import { sourceLocator } from '../../src/analysis/source-locator.js';
import type { PackageFile } from '../../src/fetch/types.js';
import type { Finding } from '../../src/report/report.js';

const MANIFEST: PackageFile = {
  path: 'package.json',
  content: Buffer.from(JSON.stringify({ main: 'index.js', scripts: { postinstall: 'node post.js' } })),
};

function evasions(files: Record<string, string | { text: string; truncated: true }>): Finding[] {
  const list: PackageFile[] = [MANIFEST];
  for (const [path, value] of Object.entries(files)) {
    list.push(typeof value === 'string' ? { path, content: Buffer.from(value) } : { path, content: Buffer.from(value.text), truncated: true });
  }
  return analyzePackage({ files: list, integrity: null, notes: [] }, DETECTORS).findings.filter(
    (finding) => finding.ruleId === 'analysis-evasion',
  );
}

const DEEP = `x = ${'['.repeat(100_000)}${']'.repeat(100_000)};`;
const BROKEN = 'module.exports = function ( {';
const FLOW = 'export function f(a: number): string { return String(a); }';

describe('analysis-evasion', () => {
  it.each([
    // node cannot run it either; acorn-loose and the text search still read most of it.
    ['a postinstall script with a syntax error', { 'post.js': BROKEN }, 'post.js', 'partial-parse', 'low', 'install-time code (postinstall)'],
    ['a postinstall script too deep to parse', { 'post.js': DEEP }, 'post.js', 'too-deep', 'medium', 'install-time code (postinstall)'],
    ['an entry point nested too deeply', { 'index.js': DEEP }, 'index.js', 'too-deep', 'medium', 'entry code'],
    ['a required file cut at the size limit', { 'index.js': "require('./big')", 'big.js': { text: 'var a = 1;', truncated: true } }, 'big.js', 'truncated', 'medium', 'code reached from an entry point'],
    ['a file only a computed require may load', { 'index.js': "require('./t/' + n)", 't/x.js': DEEP }, 't/x.js', 'too-deep', 'low', 'code a computed require may load'],
    ['a template nothing reaches', { 'index.js': '1;', 'templates/app.js': 'module.exports = <%= cfg %>;' }, 'templates/app.js', 'partial-parse', 'info', 'code never reached from an entry point'],
    ['an unreached fixture too deep to parse', { 'index.js': '1;', 'test/deep.js': DEEP }, 'test/deep.js', 'too-deep', 'low', 'code never reached from an entry point'],
    ['Flow syntax in an entry point', { 'index.js': FLOW }, 'index.js', 'partial-parse', 'low', 'entry code'],
  ] as const)('%s', (_label, files, file, reason, severity, phrase) => {
    const [finding, ...rest] = evasions(files);
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({
      file,
      severity,
      identity: `analysis-evasion|${reason}|${file}`,
      evidence: { details: { reason } },
    });
    expect(finding?.message).toContain(file);
    expect(finding?.message).toContain(`in ${phrase}`);
  });

  it.each([
    ['JSX in an entry point', { 'index.js': 'export const A = () => <div>{x}</div>;' }],
    ['top-level return and await', { 'index.js': 'if (a) return;', 'post.js': 'await import("x");' }],
    ['a hashbang after a byte-order mark', { 'index.js': '\uFEFF#!/usr/bin/env node\nconsole.log(1)' }],
  ])('stays quiet on %s', (_label, files) => {
    expect(evasions(files)).toEqual([]);
  });

  it('keeps its identity when the file moves line or changes its error', () => {
    const a = evasions({ 'index.js': BROKEN });
    const b = evasions({ 'index.js': `\n\n// other\n${BROKEN} ) }` });
    expect(a[0]?.identity).toBe(b[0]?.identity);
    expect(a[0]?.line).not.toBe(b[0]?.line);
  });

  it('names one reason per file, the most telling, and keeps the others in the evidence', () => {
    const finding = analysisEvasion({
      file: 'a.js',
      step: { kind: 'entry', reach: 'entry' },
      phrase: 'entry code',
      reasons: [
        { reason: 'parse-error', detail: 'syntax error: Unexpected token (1:3)', offset: 3 },
        { reason: 'truncated', detail: '10 bytes read', offset: 10 },
      ],
      locator: sourceLocator('abc def gh'),
    });
    expect(finding).toMatchObject({ severity: 'medium', column: 10, evidence: { details: { reason: 'truncated', alsoFound: expect.stringContaining('parse-error') } } });
    expect(analysisEvasion({ file: 'a.js', step: { kind: 'entry', reach: 'entry' }, phrase: '', reasons: [], locator: sourceLocator('') })).toBeNull();
    expect(EVASION_REASONS[0]).toBe('truncated');
  });
});

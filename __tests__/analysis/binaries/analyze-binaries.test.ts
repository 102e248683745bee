import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { analyzePackage, analyzePackageWith, analyzeFileTask } from '../../../src/analysis/analyze-package.js';
import { DETECTORS } from '../../../src/analysis/detectors/index.js';
import { markIntroduced } from '../../../src/analysis/introduced.js';
import type { PackageFile, PackageFiles } from '../../../src/fetch/types.js';
import { bunPayload, ELF_HEAD, elfWith } from './bun-payload.js';

const ROOT = fileURLToPath(new URL('../../fixtures/', import.meta.url));
const read = (path: string): Buffer => readFileSync(`${ROOT}${path}`);

function pkg(files: Record<string, Buffer | string>): PackageFiles {
  const list: PackageFile[] = Object.entries(files).map(([path, content]) => ({ path, content: typeof content === 'string' ? Buffer.from(content) : content }));
  return { files: list, integrity: null, notes: [] };
}

const MANIFEST = JSON.stringify({ name: 'fg-chat-client-linux-x64', version: '1.1.0', os: ['linux'], cpu: ['x64'] });
const JS_VERSION = pkg({ 'package.json': JSON.stringify({ name: 'fg-chat-client', main: 'index.js' }), 'index.js': read('packages/fg-chat-client-1.1.0/index.js') });
const BINARY_VERSION = pkg({ 'package.json': MANIFEST, 'chat': read('binaries/bun-chat-client.elf') });

describe('analyzePackage: JavaScript inside executables', () => {
  it('finds the hidden lists inside a Bun executable, at the module and its byte offset in the binary', () => {
    const result = analyzePackage(BINARY_VERSION, DETECTORS);
    const finding = result.findings.find((entry) => entry.ruleId === 'encoded-list-match');
    expect(finding).toMatchObject({ file: 'chat#bun-chat-client.elf', severity: 'high', evidence: { codeKind: 'entry' } });
    const moduleOffset = Number(finding?.evidence.details?.moduleOffset);
    expect(finding?.evidence.details).toMatchObject({ embeddedIn: 'chat', recoveredBy: 'bun-module-graph' });
    const binary = read('binaries/bun-chat-client.elf');
    expect(binary.subarray(moduleOffset, moduleOffset + 7).toString()).toBe('// @bun');
    // byteOffset is the finding's own place in the binary: the code there is the code its snippet shows.
    const offset = Number(finding?.evidence.details?.byteOffset);
    expect(offset).toBeGreaterThan(moduleOffset);
    expect(finding?.evidence.snippet).toContain(binary.toString('latin1', offset, offset + 16));
    expect(result.files).toEqual({ total: 1, parsed: 1, problems: [] });
  });

  it('keeps the identity of the same code in a .js file: the move from cli.js into a binary is not new', () => {
    const before = analyzePackage(JS_VERSION, DETECTORS).findings;
    const after = analyzePackage(BINARY_VERSION, DETECTORS).findings;
    const rule = (findings: typeof before): string[] => findings.filter((entry) => entry.ruleId === 'encoded-list-match').map((entry) => entry.identity);
    expect(rule(after)).toEqual(rule(before));
    expect(rule(after)).toHaveLength(1);
    expect(markIntroduced(after, before).filter((entry) => entry.introduced && entry.ruleId === 'encoded-list-match')).toEqual([]);
  });

  it('finds the same, with the same identity, in a Node single-executable application', () => {
    const sea = analyzePackage(pkg({ 'package.json': MANIFEST, 'chat': read('binaries/node-sea-chat-client.elf') }), DETECTORS).findings;
    const js = analyzePackage(JS_VERSION, DETECTORS).findings;
    const finding = sea.find((entry) => entry.ruleId === 'encoded-list-match');
    expect(finding).toMatchObject({ file: 'chat#app.js', severity: 'high', evidence: { details: { embeddedIn: 'chat', recoveredBy: 'node-sea-blob' } } });
    expect(finding?.identity).toBe(js.find((entry) => entry.ruleId === 'encoded-list-match')?.identity);
  });

  describe('pkg executables (built by @yao-pkg/pkg: scripts/build-binary-fixtures.mjs)', () => {
    const summary = (findings: ReturnType<typeof analyzePackage>['findings']): string[][] =>
      findings.map((entry) => [entry.ruleId, entry.severity, entry.identity, String(entry.line), String(entry.column), entry.evidence.codeKind ?? '']);

    it.each([
      ['pkg-chat-client.elf', '/snapshot/pkg-chat-client/index.js'],
      ['pkg-chat-client-gzip.elf', '/snapshot/pkg-chat-client-gzip/index.js'],
      ['pkg-chat-client-brotli.elf', '/snapshot/pkg-chat-client-brotli/index.js'],
    ])('%s: the same findings as the same code in a .js file, in the module named by its snapshot path', (name, snapshot) => {
      const binary = analyzePackage(pkg({ 'package.json': MANIFEST, chat: read(`binaries/${name}`) }), DETECTORS);
      const js = analyzePackage(JS_VERSION, DETECTORS);
      expect(binary.findings.find((entry) => entry.ruleId === 'encoded-list-match')).toMatchObject({
        file: `chat#${snapshot}`,
        severity: 'high',
        evidence: { codeKind: 'entry', details: { embeddedIn: 'chat', recoveredBy: 'pkg-payload' } },
      });
      expect(summary(binary.findings)).toEqual(summary(js.findings));
      expect(markIntroduced(binary.findings, js.findings).filter((entry) => entry.introduced)).toEqual([]);
      expect(binary.files).toEqual({ total: 1, parsed: 1, problems: [] });
    });

    it('a finding in an uncompressed payload points at its own bytes in the binary', () => {
      const bytes = read('binaries/pkg-chat-client.elf');
      const finding = analyzePackage(pkg({ 'package.json': MANIFEST, chat: bytes }), DETECTORS).findings.find((entry) => entry.ruleId === 'encoded-list-match');
      const moduleOffset = Number(finding?.evidence.details?.moduleOffset);
      expect(bytes.subarray(moduleOffset, moduleOffset + 13).toString()).toBe("'use strict';");
      const offset = Number(finding?.evidence.details?.byteOffset);
      expect(offset).toBeGreaterThan(moduleOffset);
      expect(finding?.evidence.snippet).toContain(bytes.toString('latin1', offset, offset + 16));
    });

    it('the honest build stays quiet: nothing at medium or above, the same as its .js', () => {
      const honestJs = pkg({ 'package.json': JSON.stringify({ name: 'fg-chat-client', main: 'index.js' }), 'index.js': read('packages/fg-chat-client-1.0.0/index.js') });
      const result = analyzePackage(pkg({ 'package.json': MANIFEST, chat: read('binaries/pkg-honest-client.elf') }), DETECTORS);
      expect(result.findings.filter((entry) => entry.severity === 'medium' || entry.severity === 'high')).toEqual([]);
      expect(summary(result.findings)).toEqual(summary(analyzePackage(honestJs, DETECTORS).findings));
      expect(result.files).toEqual({ total: 1, parsed: 1, problems: [] });
    });

    it('bytecode only: says plainly that the code could not be analysed, and searches the strings', () => {
      const result = analyzePackage(pkg({ 'package.json': MANIFEST, chat: read('binaries/pkg-bytecode-client.elf') }), DETECTORS);
      const detail = "pkg compiled the package's JavaScript to V8 bytecode; no source in the payload";
      expect(result.findings.find((entry) => entry.ruleId === 'analysis-evasion')).toMatchObject({
        file: 'chat',
        severity: 'medium',
        evidence: { details: { reason: 'no-source', detail, runtime: 'pkg', format: 'elf' } },
      });
      expect(result.files.problems).toEqual([
        { file: 'chat', reason: `ELF executable or shared object (pkg): its JavaScript could not be analysed: ${detail}; only its strings were searched` },
      ]);
    });
  });

  it('the honest build of the same client stays quiet above info', () => {
    const result = analyzePackage(pkg({ 'package.json': MANIFEST, chat: read('binaries/bun-honest-client.elf') }), DETECTORS);
    expect(result.findings.filter((entry) => entry.severity !== 'info')).toEqual([]);
  });

  it('gives the same through an analyser outside this thread (the pool path)', async () => {
    const inThread = analyzePackage(BINARY_VERSION, DETECTORS);
    const handedOut = await analyzePackageWith(BINARY_VERSION, DETECTORS, (task) => Promise.resolve({ ok: true, result: analyzeFileTask(task, DETECTORS) }));
    expect(handedOut).toEqual(inThread);
  });

  it('never parses an executable as JavaScript, even when bin names it without an extension', () => {
    const result = analyzePackage(pkg({ 'package.json': JSON.stringify({ name: 'p', bin: { p: 'bin/p' } }), 'bin/p': elfWith(Buffer.from('GLIBC_2.17\0')) }), DETECTORS);
    expect(result.findings).toEqual([]);
    expect(result.files).toEqual({
      total: 0,
      parsed: 0,
      problems: [{ file: 'bin/p', reason: 'ELF executable or shared object: no embedded JavaScript found; native code is not analysed' }],
    });
  });

  it('says plainly when the code inside could not be recovered, and searches the strings', () => {
    const binary = elfWith(Buffer.from('process.env.ANTHROPIC_BASE_URL\0'), bunPayload([{ name: 'cli.js', contents: '', bytecode: 128 }]));
    const result = analyzePackage(pkg({ 'package.json': MANIFEST, 'bin/tool': binary }), DETECTORS);
    const evasion = result.findings.find((entry) => entry.ruleId === 'analysis-evasion');
    expect(evasion).toMatchObject({
      file: 'bin/tool',
      severity: 'medium',
      evidence: { details: { reason: 'no-source', detail: 'the Bun module graph holds bytecode only, no source', runtime: 'Bun', format: 'elf' } },
    });
    expect(evasion?.message).toContain('carries JavaScript, but none could be recovered');
    const read = result.findings.find((entry) => entry.ruleId === 'fingerprint-source');
    expect(read?.evidence.details).toMatchObject({ method: 'string-scan', stringTable: true });
    // The byte where the text search matched, inside the string that holds it.
    const offset = Number(read?.evidence.details?.byteOffset);
    expect(offset).toBeGreaterThanOrEqual(binary.indexOf('process.env'));
    expect('process.env.ANTHROPIC_BASE_URL').toContain(binary.toString('latin1', offset, offset + 8));
    expect(result.files.problems).toEqual([
      { file: 'bin/tool', reason: 'ELF executable or shared object (Bun): its JavaScript could not be analysed: the Bun module graph holds bytecode only, no source; only its strings were searched' },
    ]);
  });

  it('uses the reading made as a big binary was unpacked, and reports a module cut at its size limit', () => {
    const code = 'module.exports = () => Intl.DateTimeFormat().resolvedOptions().timeZone;';
    const file: PackageFile = {
      path: 'bin/tool',
      content: ELF_HEAD,
      executable: {
        size: 500_000_000,
        reading: {
          format: 'elf',
          runtime: 'Bun',
          unrecovered: null,
          strings: null,
          modules: [{ path: 'bin/tool#cli.js', content: Buffer.from(code), offset: 400_000_000, storedAs: 'utf8', method: 'bun-module-graph', entry: true, truncated: true }],
        },
      },
    };
    const result = analyzePackage({ files: [{ path: 'package.json', content: Buffer.from(MANIFEST) }, file], integrity: null, notes: [] }, DETECTORS);
    const evasion = result.findings.find((entry) => entry.ruleId === 'analysis-evasion');
    expect(evasion).toMatchObject({ file: 'bin/tool#cli.js', evidence: { details: { reason: 'truncated', embeddedIn: 'bin/tool', moduleOffset: 400_000_000 } } });
    const read = result.findings.find((entry) => entry.ruleId === 'fingerprint-source');
    expect(read?.evidence.details?.byteOffset).toBe(400_000_000 + code.indexOf('Intl'));
  });

  it('reports the part of a binary left as bytecode beside modules that were recovered (a mixed pkg payload)', () => {
    const code = 'module.exports = () => Intl.DateTimeFormat().resolvedOptions().timeZone;';
    const unrecovered = 'pkg compiled 1 of the JavaScript files to V8 bytecode, with no source in the payload: /snapshot/app/index.js';
    const reading = {
      format: 'elf' as const,
      runtime: 'pkg',
      unrecovered,
      strings: null,
      modules: [{ path: 'bin/tool#/snapshot/app/node_modules/dep/index.js', content: Buffer.from(code), offset: 1_000, storedAs: 'utf8' as const, method: 'pkg-payload' as const, entry: false }],
    };
    const file: PackageFile = { path: 'bin/tool', content: ELF_HEAD, executable: { size: 2_000_000, reading } };
    const result = analyzePackage({ files: [{ path: 'package.json', content: Buffer.from(MANIFEST) }, file], integrity: null, notes: [] }, DETECTORS);
    expect(result.findings.find((entry) => entry.ruleId === 'fingerprint-source')?.file).toBe('bin/tool#/snapshot/app/node_modules/dep/index.js');
    expect(result.findings.find((entry) => entry.ruleId === 'analysis-evasion')).toMatchObject({ file: 'bin/tool', evidence: { details: { reason: 'no-source', runtime: 'pkg' } } });
    expect(result.files.problems).toEqual([
      { file: 'bin/tool', reason: `ELF executable or shared object (pkg): part of its JavaScript could not be analysed: ${unrecovered}; the 1 module(s) with source were` },
    ]);
    // The twin: every file with source, nothing left out, nothing reported.
    const whole: PackageFile = { ...file, executable: { size: 2_000_000, reading: { ...reading, unrecovered: null } } };
    const quiet = analyzePackage({ files: [{ path: 'package.json', content: Buffer.from(MANIFEST) }, whole], integrity: null, notes: [] }, DETECTORS);
    expect(quiet.findings.filter((entry) => entry.ruleId === 'analysis-evasion')).toEqual([]);
    expect(quiet.files.problems).toEqual([]);
  });

  it('an install script that runs the executable makes its code install-time code', () => {
    const manifest = JSON.stringify({ name: 'p', scripts: { postinstall: 'node ./setup.js' } });
    const binary = elfWith(bunPayload([{ name: 'x.js', contents: 'module.exports = 1;' }]));
    const result = analyzePackage(pkg({ 'package.json': manifest, 'setup.js': binary, 'README.md': ELF_HEAD }), DETECTORS);
    expect(result.files.total).toBe(1);
    expect(result.files.problems).toEqual([{ file: 'README.md', reason: 'ELF executable or shared object: no embedded JavaScript found; native code is not analysed' }]);
  });
});

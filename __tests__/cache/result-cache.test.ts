import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createDirectoryCache, decodeEntry, ENTRY_FORMAT, MAX_ENTRY_BYTES, narrowCachedResult, type CachedResult } from '../../src/cache/result-cache.js';
import type { Logger } from '../../src/logger.js';

const INTEGRITY = `sha512-${'A'.repeat(86)}==`;
const OTHER = `sha512-${'B'.repeat(86)}==`;

const RESULT: CachedResult = {
  analysis: {
    findings: [
      {
        ruleId: 'fingerprint-source',
        severity: 'info',
        file: 'index.js',
        line: 1,
        column: 17,
        message: 'reads the time zone',
        introduced: false,
        evidence: { snippet: 'Intl.DateTimeFormat()', sourceKind: 'timezone' },
        identity: 'fingerprint-source|timezone',
      },
    ],
    files: { total: 2, parsed: 1, problems: [{ file: 'broken.js', reason: 'does not parse' }] },
  },
  notes: ['an entry was refused'],
};

function recordingLogger(): Logger & { warnings: string[] } {
  const warnings: string[] = [];
  return { warnings, debug() {}, info() {}, warn: (message) => void warnings.push(message) };
}

function entryFiles(dir: string): string[] {
  const files: string[] = [];
  const walk = (at: string): void => {
    for (const entry of readdirSync(at, { withFileTypes: true })) {
      if (entry.isDirectory()) walk(join(at, entry.name));
      else files.push(join(at, entry.name));
    }
  };
  walk(dir);
  return files;
}

describe('the directory cache', () => {
  it('gives back what it stored, by integrity, for its engine only', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fg-cache-'));
    const logger = recordingLogger();
    const cache = createDirectoryCache({ dir, engine: 'engine-1', logger });
    expect(await cache.get(INTEGRITY)).toBeNull();
    await cache.set(INTEGRITY, RESULT);
    expect(await cache.get(INTEGRITY)).toEqual(RESULT);
    expect(await cache.get(OTHER)).toBeNull();
    expect(await createDirectoryCache({ dir, engine: 'engine-2', logger }).get(INTEGRITY)).toBeNull();
    expect(logger.warnings).toEqual([]);
    // Nothing left half-written beside the entry.
    expect(entryFiles(dir).filter((file) => file.endsWith('.tmp'))).toEqual([]);
  });

  it.each([
    ['truncated', (text: string) => text.slice(0, Math.floor(text.length / 2))],
    ['garbage', () => '\u0000\u00ff not json at all'],
    ['empty', () => ''],
    ['another key inside', (text: string) => text.replace(INTEGRITY, OTHER)],
    ['another engine inside', (text: string) => text.replace('"engine":"engine-1"', '"engine":"engine-0"')],
    ['a payload edited without its checksum', (text: string) => text.replace('reads the time zone', 'all is well')],
    ['another format', (text: string) => text.replace(ENTRY_FORMAT, 'fingerprint-gate-result/0')],
  ])('ignores an entry that is %s, and the next write replaces it', async (_name, damage) => {
    const dir = mkdtempSync(join(tmpdir(), 'fg-cache-'));
    const logger = recordingLogger();
    const cache = createDirectoryCache({ dir, engine: 'engine-1', logger });
    await cache.set(INTEGRITY, RESULT);
    const [file] = entryFiles(dir);
    if (file === undefined) throw new Error('no entry written');
    writeFileSync(file, damage(readFileSync(file, 'utf8')));
    expect(await cache.get(INTEGRITY)).toBeNull();
    expect(logger.warnings.join('\n')).toMatch(/damaged or belongs to another key; ignored/);
    await cache.set(INTEGRITY, RESULT);
    expect(await cache.get(INTEGRITY)).toEqual(RESULT);
  });

  it('does not read an entry larger than its limit', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fg-cache-'));
    const cache = createDirectoryCache({ dir, engine: 'engine-1', logger: recordingLogger() });
    await cache.set(INTEGRITY, RESULT);
    const [file] = entryFiles(dir);
    if (file === undefined) throw new Error('no entry written');
    writeFileSync(file, Buffer.alloc(MAX_ENTRY_BYTES + 1, 0x20));
    expect(await cache.get(INTEGRITY)).toBeNull();
  });

  it('never throws: an unwritable directory is a warning and a miss', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fg-cache-'));
    const blocker = join(dir, 'file');
    writeFileSync(blocker, 'not a directory');
    const logger = recordingLogger();
    const cache = createDirectoryCache({ dir: blocker, engine: 'engine-1', logger });
    await cache.set(INTEGRITY, RESULT);
    expect(await cache.get(INTEGRITY)).toBeNull();
    expect(logger.warnings.join('\n')).toMatch(/could not write/);
  });
});

describe('decodeEntry and narrowCachedResult', () => {
  const entryText = (payload: unknown): string => {
    const text = JSON.stringify(payload);
    // A well-formed entry around any payload, with a checksum that matches it.
    return JSON.stringify({
      format: ENTRY_FORMAT,
      key: { integrity: INTEGRITY, engine: 'e' },
      checksum: createHash('sha256').update(text).digest('hex'),
      payload: text,
    });
  };

  it('accepts a whole entry for its key', () => {
    expect(decodeEntry(entryText(RESULT), { integrity: INTEGRITY, engine: 'e' })).toEqual(RESULT);
    expect(decodeEntry(entryText(RESULT), { integrity: OTHER, engine: 'e' })).toBeNull();
  });

  it('refuses a payload out of shape even with a valid checksum', () => {
    const finding = RESULT.analysis.findings[0];
    const bad: unknown[] = [
      null,
      { ...RESULT, notes: [1] },
      { ...RESULT, analysis: { ...RESULT.analysis, files: { total: -1, parsed: 0, problems: [] } } },
      { ...RESULT, analysis: { ...RESULT.analysis, findings: [{ ...finding, ruleId: 'made-up-rule' }] } },
      { ...RESULT, analysis: { ...RESULT.analysis, findings: [{ ...finding, severity: 'apocalyptic' }] } },
      { ...RESULT, analysis: { ...RESULT.analysis, findings: [{ ...finding, evidence: null }] } },
    ];
    for (const payload of bad) {
      expect(narrowCachedResult(payload)).toBeNull();
      expect(decodeEntry(entryText(payload), { integrity: INTEGRITY, engine: 'e' })).toBeNull();
    }
  });
});

import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fitSummary, MAX_JOB_SUMMARY_BYTES, writeJobSummary } from '../../src/github/summary.js';
import type { Logger } from '../../src/logger.js';

const dir = mkdtempSync(join(tmpdir(), 'fg-summary-'));
// @actions/core remembers the summary path from its first write, as a runner step has only one:
// every test writes to this one file, emptied before each.
const file = join(dir, 'step-summary.md');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const saved = process.env['GITHUB_STEP_SUMMARY'];
let messages: string[];
let logger: Logger;
beforeEach(() => {
  rmSync(file, { recursive: true, force: true });
  writeFileSync(file, '');
  process.env['GITHUB_STEP_SUMMARY'] = file;
  messages = [];
  logger = { debug() {}, info: (message) => void messages.push(message), warn: (message) => void messages.push(`warn: ${message}`) };
});
afterEach(() => {
  if (saved === undefined) delete process.env['GITHUB_STEP_SUMMARY'];
  else process.env['GITHUB_STEP_SUMMARY'] = saved;
});

describe('writeJobSummary', () => {
  it('appends the markdown to the step summary file', async () => {
    writeFileSync(file, 'earlier step\n');

    await writeJobSummary('## fingerprint-gate\n\n| a | b |\n', { logger });
    await writeJobSummary('second\n', { logger });

    expect(readFileSync(file, 'utf8')).toBe('earlier step\n## fingerprint-gate\n\n| a | b |\nsecond\n');
    expect(messages).toEqual([]);
  });

  it('logs and returns when GITHUB_STEP_SUMMARY is unset', async () => {
    delete process.env['GITHUB_STEP_SUMMARY'];
    await expect(writeJobSummary('# report', { logger })).resolves.toBeUndefined();
    expect(messages.join('\n')).toMatch(/GITHUB_STEP_SUMMARY is not set/);
  });

  it('logs a file it cannot write and does not repeat the text in the next summary', async () => {
    // A directory in the file's place makes the append fail, even for root.
    rmSync(file);
    mkdirSync(file);
    await writeJobSummary('lost text', { logger });
    expect(messages.join('\n')).toMatch(/^warn: No job summary written/);

    rmSync(file, { recursive: true });
    writeFileSync(file, '');
    await writeJobSummary('kept text', { logger });
    expect(readFileSync(file, 'utf8')).toBe('kept text');
  });

  it('cuts a report past the 1 MiB limit on a line boundary, with a note', async () => {
    const line = '| pkg | ✓ finding with multibyte text ü |\n';
    const markdown = line.repeat(Math.ceil((MAX_JOB_SUMMARY_BYTES * 1.5) / Buffer.byteLength(line)));

    await writeJobSummary(markdown, { logger });

    const written = readFileSync(file, 'utf8');
    expect(Buffer.byteLength(written)).toBeLessThanOrEqual(MAX_JOB_SUMMARY_BYTES);
    expect(written).toMatch(/cut here to fit/);
    expect(written.startsWith(line)).toBe(true);
    expect(written).not.toContain('\uFFFD');
  });
});

describe('fitSummary', () => {
  it('leaves a report under the limit alone', () => {
    expect(fitSummary('short\nreport')).toBe('short\nreport');
  });

  it('cuts a single huge line without breaking a character', () => {
    const fitted = fitSummary('é'.repeat(MAX_JOB_SUMMARY_BYTES));
    expect(Buffer.byteLength(fitted)).toBeLessThanOrEqual(MAX_JOB_SUMMARY_BYTES);
    expect(fitted).not.toContain('\uFFFD');
  });
});

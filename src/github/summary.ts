/**
 * The job summary: the one place a fork's pull request (read-only token, no comment) still
 * shows the report.
 */
import * as core from '@actions/core';
import { errorMessage } from '../errors.js';
import type { Logger } from '../logger.js';

/** GitHub refuses a step summary above 1 MiB and shows an error in its place. */
export const MAX_JOB_SUMMARY_BYTES = 1024 * 1024;

const TRUNCATION_NOTE = '\n\n> The report was cut here to fit GitHub\'s 1 MiB job summary limit.\n';

/**
 * Appends `markdown` to the step summary. Outside a runner (`GITHUB_STEP_SUMMARY` unset) or when
 * the file cannot be written it logs and returns: a summary is never worth failing the gate for.
 */
export async function writeJobSummary(markdown: string, options: { logger?: Logger } = {}): Promise<void> {
  const logger: Logger = options.logger ?? { debug: core.debug, info: core.info, warn: core.warning };
  if (!process.env['GITHUB_STEP_SUMMARY']) {
    logger.info('No job summary written: GITHUB_STEP_SUMMARY is not set (not running in a GitHub job)');
    return;
  }
  try {
    await core.summary.addRaw(fitSummary(markdown)).write();
  } catch (error) {
    logger.warn(`No job summary written: ${errorMessage(error)}`);
  } finally {
    // `write()` keeps its buffer when it throws; a later call must not repeat this text.
    core.summary.emptyBuffer();
  }
}

/** Cuts the text to the byte limit on a line boundary, with a note saying so. */
export function fitSummary(markdown: string): string {
  if (Buffer.byteLength(markdown, 'utf8') <= MAX_JOB_SUMMARY_BYTES) return markdown;
  const budget = MAX_JOB_SUMMARY_BYTES - Buffer.byteLength(TRUNCATION_NOTE, 'utf8');
  // Decoding a byte-cut prefix may end in a replacement character; the last line is dropped anyway.
  const prefix = Buffer.from(markdown, 'utf8').subarray(0, budget).toString('utf8');
  const lastNewline = prefix.lastIndexOf('\n');
  const kept = lastNewline > 0 ? prefix.slice(0, lastNewline) : prefix.slice(0, Math.max(0, prefix.length - 1));
  return kept + TRUNCATION_NOTE;
}

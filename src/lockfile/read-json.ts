import { parse as parseJsonc, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { LockfileError } from '../errors.js';

export interface ReadJsonOptions {
  /** bun.lock is JSONC: trailing commas (and comments) are part of the format. */
  jsonc?: boolean;
}

/**
 * Parses a JSON lockfile into `unknown`. On bad input the error names the file and the line and
 * column of the first problem, which `JSON.parse` does not report consistently across Node versions.
 */
export function readJson(text: string, file: string, options: ReadJsonOptions = {}): unknown {
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (!options.jsonc) {
    try {
      return JSON.parse(source) as unknown;
    } catch (error) {
      throw new LockfileError(`${file} is not valid JSON: ${describeFirstError(source, false, error)}`, {
        cause: error,
      });
    }
  }
  const errors: ParseError[] = [];
  const value = parseJsonc(source, errors, { allowTrailingComma: true, disallowComments: false }) as unknown;
  const first = errors[0];
  if (first !== undefined) {
    throw new LockfileError(
      `${file} is not valid JSONC: ${printParseErrorCode(first.error)} at ${position(source, first.offset)}`,
    );
  }
  return value;
}

function describeFirstError(source: string, jsonc: boolean, fallback: unknown): string {
  const errors: ParseError[] = [];
  parseJsonc(source, errors, { allowTrailingComma: jsonc, disallowComments: !jsonc });
  const first = errors[0];
  if (first !== undefined) return `${printParseErrorCode(first.error)} at ${position(source, first.offset)}`;
  return fallback instanceof Error ? fallback.message : String(fallback);
}

/** 1-based line and column, plus the offset, as an editor shows them. */
function position(source: string, offset: number): string {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < source.length; i += 1) {
    if (source.charCodeAt(i) === 10) {
      line += 1;
      lineStart = i + 1;
    }
  }
  return `line ${line} column ${offset - lineStart + 1} (offset ${offset})`;
}

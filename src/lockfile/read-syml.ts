import { parseSyml } from '@yarnpkg/parsers';
import { LockfileError, errorMessage } from '../errors.js';
import { isRecord, type UnknownRecord } from './unknown-record.js';

/**
 * Parses a yarn lockfile (classic or berry) with yarn's own reader. Yarn's parser returns
 * null-prototype objects; the result is still narrowed as `unknown` input.
 */
export function readSyml(text: string, file: string): UnknownRecord {
  let value: unknown;
  try {
    value = parseSyml(text) as unknown;
  } catch (error) {
    throw new LockfileError(`${file} is not a readable yarn lockfile: ${describe(error)}`, { cause: error });
  }
  if (!isRecord(value)) throw new LockfileError(`${file}: the top level is not a mapping`);
  return value;
}

function describe(error: unknown): string {
  if (isRecord(error)) {
    const location = error['location'];
    const start = isRecord(location) ? location['start'] : undefined;
    if (isRecord(start) && typeof start['line'] === 'number' && typeof start['column'] === 'number') {
      return `${errorMessage(error)} (line ${start['line']}, column ${start['column']})`;
    }
  }
  return errorMessage(error);
}

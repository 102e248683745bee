import { describe, expect, it } from 'vitest';
import { LockfileError } from '../../src/errors.js';
import { readJson } from '../../src/lockfile/read-json.js';

describe('readJson', () => {
  it('parses JSON, tolerating a byte order mark', () => {
    expect(readJson('\ufeff{"a":[1]}', 'f.json')).toEqual({ a: [1] });
  });

  it.each<[string, RegExp]>([
    ['{"a": 1,}', /f\.json is not valid JSON: .* at line 1 column 9/],
    ['{\n  "a": 1\n  "b": 2\n}', /f\.json is not valid JSON: CommaExpected at line 3 column 3/],
    ['{"a": 1', /f\.json is not valid JSON: .*line 1/],
    ['', /f\.json is not valid JSON/],
  ])('names the file and position for %j', (text, message) => {
    expect(() => readJson(text, 'f.json')).toThrow(LockfileError);
    expect(() => readJson(text, 'f.json')).toThrow(message);
  });

  it('accepts trailing commas and comments only as JSONC', () => {
    expect(readJson('{"a": [1,],\n// note\n}', 'bun.lock', { jsonc: true })).toEqual({ a: [1] });
    expect(() => readJson('{"a": [1,}', 'bun.lock', { jsonc: true })).toThrow(/bun\.lock is not valid JSONC: .* at line 1/);
  });
});

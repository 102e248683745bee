import { describe, expect, it } from 'vitest';
import { dirname, isAbsolutePath, normalizePath, resolveSegments } from '../../src/analysis/package-paths.js';

describe('normalizePath', () => {
  it.each([
    ['./a/b.js', 'a/b.js'],
    ['a//b/./c.js', 'a/b/c.js'],
    ['a/../b.js', 'b.js'],
    ['a\\b.js', 'a/b.js'],
    ['../x.js', null],
    ['/etc/passwd', null],
    ['C:/x.js', null],
    ['.', null],
  ])('%s -> %s', (spec, path) => {
    expect(normalizePath(spec)).toBe(path);
  });
});

describe('resolveSegments, isAbsolutePath, dirname', () => {
  it.each([
    ['lib/..', ''],
    ['lib/../..', null],
    ['./a//b', 'a/b'],
  ])('resolveSegments(%s) -> %s', (text, path) => {
    expect(resolveSegments(text)).toBe(path);
  });

  it.each([
    ['/x', true],
    ['\\x', true],
    ['D:x', true],
    ['x/y', false],
    ['~/x', false],
  ])('isAbsolutePath(%s) -> %s', (text, absolute) => {
    expect(isAbsolutePath(text)).toBe(absolute);
  });

  it.each([
    ['a/b/c.js', 'a/b'],
    ['c.js', ''],
  ])('dirname(%s) -> %s', (path, directory) => {
    expect(dirname(path)).toBe(directory);
  });
});

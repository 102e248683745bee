import { describe, expect, it } from 'vitest';
import { SNIPPET_RADIUS, sourceLocator } from '../../src/analysis/source-locator.js';

describe('sourceLocator.position', () => {
  const source = 'a\nbc\r\nd\re\u2028f';
  const locator = sourceLocator(source);
  it.each([
    [0, 1, 0],
    [2, 2, 0],
    [3, 2, 1],
    [6, 3, 0],
    [8, 4, 0],
    [10, 5, 0],
  ])('offset %i is line %i column %i', (offset, line, column) => {
    expect(locator.position(offset)).toEqual({ line, column });
  });

  it('clamps offsets outside the source', () => {
    expect(locator.position(-5)).toEqual({ line: 1, column: 0 });
    expect(locator.position(10_000)).toEqual({ line: 5, column: 1 });
  });
});

describe('sourceLocator.snippet', () => {
  it('stays on the line of the offset', () => {
    const locator = sourceLocator('first();\n  process.env.TZ;  \nlast();');
    expect(locator.snippet(11)).toBe('process.env.TZ;');
  });

  it('cuts a long minified line to a short window around the offset', () => {
    const line = `${'a;'.repeat(50_000)}HERE${'b;'.repeat(50_000)}`;
    const snippet = sourceLocator(line).snippet(100_000);
    expect(snippet.length).toBeLessThanOrEqual(2 * SNIPPET_RADIUS + 2);
    expect(snippet).toContain('HERE');
    expect(snippet.startsWith('…')).toBe(true);
    expect(snippet.endsWith('…')).toBe(true);
  });

  it('never splits a surrogate pair', () => {
    const source = `${'😀'.repeat(100)}`;
    for (const offset of [0, 61, 62, 63, 100, 199]) {
      const snippet = sourceLocator(source).snippet(offset).replace(/…/g, '');
      expect(snippet).toMatch(/^(?:😀)*$/u);
    }
  });
});

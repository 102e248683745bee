import { describe, expect, it } from 'vitest';
import { MAX_LISTED_NOTES, MAX_QUOTED_PATH, NoteList, formatBytes, quotePath } from '../../src/fetch/note-list.js';

describe('NoteList', () => {
  it('lists notes up to the limit, counts the rest, and always lists limit notes last', () => {
    const notes = new NoteList();
    notes.addAlways('limit hit');
    for (let i = 0; i < MAX_LISTED_NOTES + 3; i += 1) notes.add(`note ${i}`);
    const result = notes.finish();
    expect(result).toHaveLength(MAX_LISTED_NOTES + 2);
    expect(result.at(-2)).toBe('3 more entries were noted but not listed');
    expect(result.at(-1)).toBe('limit hit');
  });

  it('adds no summary when nothing was left out', () => {
    const notes = new NoteList();
    notes.add('one');
    expect(notes.finish()).toEqual(['one']);
  });
});

describe('quotePath', () => {
  it('escapes control characters and quotes, and cuts long paths', () => {
    expect(quotePath('a"b\u001b[31m\r\n')).toBe('"a\\"b\\u001b[31m\\r\\n"');
    expect(quotePath('x'.repeat(MAX_QUOTED_PATH + 50))).toBe(`"${'x'.repeat(MAX_QUOTED_PATH)}..."`);
  });
});

describe('formatBytes', () => {
  it.each([
    [512, '512 bytes'],
    [2048, '2 KiB'],
    [1500, '1500 bytes'],
    [16 * 1024 * 1024, '16 MiB'],
    [1.5 * 1024 * 1024, '1.5 MiB'],
  ])('%d -> %s', (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });
});

import { describe, expect, it } from 'vitest';
import { binaryOffsets } from '../../../src/analysis/binaries/binary-offsets.js';
import { sourceLocator } from '../../../src/analysis/source-locator.js';
import { decodeSource } from '../../../src/analysis/parse.js';

/** Positions the way findings carry them: from the decoded text, through the same locator. */
function positionsOf(content: Buffer, needles: string[]): { line: number; column: number }[] {
  const text = decodeSource(content);
  const locator = sourceLocator(text);
  return needles.map((needle) => locator.position(text.indexOf(needle)));
}

describe('binaryOffsets', () => {
  it('turns lines and UTF-16 columns into UTF-8 byte offsets, whatever the line breaks and characters before', () => {
    const source = 'a = "é";\r\nb = "😀" + c;\u2028d = 1;\re = "ü"; target();\n';
    const content = Buffer.from(source, 'utf8');
    const needles = ['target', 'c;', 'd =', 'e =', 'b ='];
    const offsets = binaryOffsets(content, 'utf8', 1000, positionsOf(content, needles));
    expect(offsets).toEqual(needles.map((needle) => 1000 + content.indexOf(needle)));
  });

  it('skips a byte-order mark the decoder dropped', () => {
    const content = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('x();\ny();')]);
    expect(binaryOffsets(content, 'utf8', 0, positionsOf(content, ['y();']))).toEqual([content.indexOf('y();')]);
  });

  it('a module Bun stored as latin1: one byte per character in the binary', () => {
    const stored = Buffer.from('s = "caf\xe9\xe9";\nt();', 'latin1');
    const analysed = Buffer.from(stored.toString('latin1'), 'utf8');
    expect(binaryOffsets(analysed, 'latin1', 50, positionsOf(analysed, ['t();']))).toEqual([50 + stored.indexOf('t();')]);
  });

  it('answers findings given in any order', () => {
    const content = Buffer.from('one();\ntwo();\nthree();');
    const needles = ['three', 'one', 'two'];
    expect(binaryOffsets(content, 'utf8', 0, positionsOf(content, needles))).toEqual(needles.map((needle) => content.indexOf(needle)));
  });
});

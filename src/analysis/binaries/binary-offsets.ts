/**
 * Where a finding inside a recovered module lies in the binary, as a byte offset a reviewer can
 * open with `xxd -s`. Findings count lines and columns in the decoded text (1-based line, 0-based
 * column in UTF-16 units, after a byte-order mark is dropped: `source-locator.ts`), so the module's
 * bytes are walked once, for all of its findings in order: a 10 MB single-line bundle with a
 * thousand findings costs one pass, not a thousand.
 *
 * The bytes walked are the UTF-8 the analysis read. A module Bun stored as latin1 (one byte per
 * character) was transcoded for it; there the offset is the character's index, not its UTF-8 byte.
 */

export interface TextPosition {
  readonly line: number;
  readonly column: number;
}

const BOM = [0xef, 0xbb, 0xbf] as const;

/** For each position in `content`, its byte offset inside the binary (the module starts at `moduleOffset`). */
export function binaryOffsets(content: Uint8Array, storedAs: 'utf8' | 'latin1', moduleOffset: number, positions: readonly TextPosition[]): number[] {
  const order = positions.map((_, i) => i).sort((a, b) => compare(positions[a] as TextPosition, positions[b] as TextPosition));
  const offsets = new Array<number>(positions.length).fill(moduleOffset);
  let byte = content[0] === BOM[0] && content[1] === BOM[1] && content[2] === BOM[2] ? 3 : 0;
  let units = 0;
  let line = 1;
  let column = 0;
  for (const index of order) {
    const target = positions[index] as TextPosition;
    while (byte < content.length && (line < target.line || (line === target.line && column < target.column))) {
      const lead = content[byte] as number;
      const size = sequenceBytes(lead);
      if (lead === 0x0a || lead === 0x0d) {
        const crlf = lead === 0x0d && content[byte + 1] === 0x0a;
        byte += crlf ? 2 : 1;
        units += crlf ? 2 : 1;
        line++;
        column = 0;
      } else if (lead === 0xe2 && content[byte + 1] === 0x80 && (content[byte + 2] === 0xa8 || content[byte + 2] === 0xa9)) {
        // U+2028 and U+2029 end a line in JavaScript.
        byte += 3;
        units += 1;
        line++;
        column = 0;
      } else {
        const width = size === 4 ? 2 : 1;
        byte += size;
        units += width;
        column += width;
      }
    }
    offsets[index] = moduleOffset + (storedAs === 'latin1' ? units : Math.min(byte, content.length));
  }
  return offsets;
}

/** Bytes of the UTF-8 sequence `lead` starts; a stray byte decodes to one replacement character. */
function sequenceBytes(lead: number): number {
  if (lead >= 0xf0 && lead <= 0xf7) return 4;
  if (lead >= 0xe0 && lead <= 0xef) return 3;
  if (lead >= 0xc2 && lead <= 0xdf) return 2;
  return 1;
}

function compare(a: TextPosition, b: TextPosition): number {
  return a.line - b.line || a.column - b.column;
}

import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bufferSource, containsEach, fileSource, lastIndexIn, SCAN_CHUNK_BYTES } from '../../../src/analysis/binaries/byte-source.js';

const dir = mkdtempSync(join(tmpdir(), 'fg-byte-source-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Three windows of zeros with needles placed across the seams. */
const needle = Buffer.from('NEEDLE-across-a-seam');
const bytes = Buffer.alloc(SCAN_CHUNK_BYTES * 2 + 1000);
const seam = SCAN_CHUNK_BYTES * 2 + 1000 - SCAN_CHUNK_BYTES; // the backward search's first seam
needle.copy(bytes, seam - 7);
needle.copy(bytes, 10);

function withFile<T>(use: (fd: number) => T): T {
  const path = join(dir, 'bytes.bin');
  writeFileSync(path, bytes);
  const fd = openSync(path, 'r');
  try {
    return use(fd);
  } finally {
    closeSync(fd);
  }
}

describe('ByteSource', () => {
  it('finds a needle that straddles the seam between two search windows, from memory and from a file', () => {
    expect(lastIndexIn(bufferSource(bytes), needle)).toBe(seam - 7);
    withFile((fd) => {
      const source = fileSource(fd, bytes.length);
      expect(lastIndexIn(source, needle)).toBe(seam - 7);
      expect(lastIndexIn(source, needle, seam - 8)).toBe(10);
      expect(lastIndexIn(source, Buffer.from('absent'))).toBe(-1);
    });
  });

  it('tells which needles occur, in one forward pass', () => {
    const at = SCAN_CHUNK_BYTES - 3;
    const copy = Buffer.from(bytes);
    Buffer.from('marker').copy(copy, at);
    expect(containsEach(bufferSource(copy), [Buffer.from('marker'), needle, Buffer.from('missing')])).toEqual([true, true, false]);
  });

  it('reads ranges cut at the end of the file, never past it', () => {
    withFile((fd) => {
      const source = fileSource(fd, bytes.length);
      expect(source.read(bytes.length - 4, 100)).toHaveLength(4);
      expect(source.read(10, needle.length).equals(needle)).toBe(true);
      expect(source.read(-5, 3)).toHaveLength(0);
    });
  });
});

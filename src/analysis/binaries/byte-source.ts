/**
 * The bytes of an executable, read by range: held in memory (a small binary, a test) or in a file
 * (a binary too big to hold: `claude-code-linux-x64` ships a 428 MB one). The readers of the
 * binary formats ask only for the ranges they need (a trailer, a table, a module), and searches
 * walk the file in `SCAN_CHUNK_BYTES` windows, so a binary is never whole in memory.
 */
import { readSync } from 'node:fs';

export interface ByteSource {
  readonly size: number;
  /**
   * The bytes at [offset, offset + length), cut at the end of the source. May be a view into a
   * buffer the source keeps: callers never write into it.
   */
  read(offset: number, length: number): Buffer;
}

/** Window of a search over a source: big enough that the syscalls cost nothing next to the scan. */
export const SCAN_CHUNK_BYTES = 4 * 1024 * 1024;

export function bufferSource(bytes: Buffer): ByteSource {
  return {
    size: bytes.length,
    read: (offset, length) => bytes.subarray(clampOffset(offset, bytes.length), clampOffset(offset + length, bytes.length)),
  };
}

/**
 * A file opened by the caller (who closes it). The last window read is kept, so the many small
 * reads a scan makes inside the window it just read (a string, a candidate script) cost no syscall;
 * every window is a new buffer, so views handed out earlier stay valid.
 */
export function fileSource(fd: number, size: number): ByteSource {
  let window: { offset: number; bytes: Buffer } | null = null;
  const load = (offset: number, length: number): Buffer => {
    const bytes = Buffer.allocUnsafe(length);
    let filled = 0;
    while (filled < length) {
      const got = readSync(fd, bytes, filled, length - filled, offset + filled);
      if (got === 0) break;
      filled += got;
    }
    return filled === length ? bytes : bytes.subarray(0, filled);
  };
  return {
    size,
    read(offset, length) {
      const start = clampOffset(offset, size);
      const end = clampOffset(offset + length, size);
      if (window !== null && start >= window.offset && end <= window.offset + window.bytes.length) {
        return window.bytes.subarray(start - window.offset, end - window.offset);
      }
      const bytes = load(start, end - start);
      if (end - start <= SCAN_CHUNK_BYTES) window = { offset: start, bytes };
      return bytes;
    },
  };
}

/** Where `needle` last starts such that it ends at or before `end`; -1 when nowhere. */
export function lastIndexIn(source: ByteSource, needle: Buffer, end: number = source.size): number {
  let high = Math.min(end, source.size);
  while (high >= needle.length) {
    const low = Math.max(0, high - SCAN_CHUNK_BYTES);
    const at = source.read(low, high - low).lastIndexOf(needle);
    if (at >= 0) return low + at;
    if (low === 0) return -1;
    // The next window overlaps this one by a needle less a byte: a match across the seam is found.
    high = low + needle.length - 1;
  }
  return -1;
}

/**
 * The last occurrence of `marker` (searching back from the end, at most `maxCandidates` of them)
 * that `readAt` accepts: a format's magic can also appear inside data, so a match that does not
 * hold together is skipped for the one before it.
 */
export function lastValidAt<T>(source: ByteSource, marker: Buffer, maxCandidates: number, readAt: (at: number) => T | null): T | null {
  let end = source.size;
  for (let tries = 0; tries < maxCandidates; tries++) {
    const at = lastIndexIn(source, marker, end);
    if (at < 0) return null;
    const found = readAt(at);
    if (found !== null) return found;
    end = at + marker.length - 1;
    if (end < marker.length) return null;
  }
  return null;
}

/** Which of `needles` occur anywhere in the source, in one pass. */
export function containsEach(source: ByteSource, needles: readonly Buffer[]): boolean[] {
  const found = needles.map(() => false);
  const overlap = Math.max(0, ...needles.map((needle) => needle.length - 1));
  for (let low = 0; low < source.size && found.includes(false); low += SCAN_CHUNK_BYTES) {
    const window = source.read(low, SCAN_CHUNK_BYTES + overlap);
    needles.forEach((needle, i) => {
      if (!found[i] && window.includes(needle)) found[i] = true;
    });
  }
  return found;
}

function clampOffset(offset: number, size: number): number {
  return Math.min(Math.max(0, offset), size);
}

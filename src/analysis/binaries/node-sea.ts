/**
 * Node's single-executable applications: `node --experimental-sea-config` writes a blob and
 * `postject` copies it, unchanged, into a copy of the node binary (an ELF note, a Mach-O section
 * `__NODE_SEA_BLOB`, a PE resource `NODE_SEA_BLOB`). The blob (`src/node_sea.cc`):
 *
 *   magic u32 0x0143da20, flags u32, [code path: u64 length + bytes], main: u64 length + bytes, ...
 *
 * (the code path was added in node 20; older blobs go straight to the main code), all
 * little-endian. The main code is the script as text, unless the flags say it is a V8 startup
 * snapshot. The magic is four bytes that machine code holds by chance, so every candidate is
 * checked: small flags, a printable code path, lengths inside the file.
 *
 * The node binary around the blob carries node's own library as text; reading the blob by its
 * structure keeps that out of the analysis. Only the header of each candidate and the main code are
 * read, the code up to `MAX_SEA_CODE_BYTES`.
 */
import { lastValidAt, type ByteSource } from './byte-source.js';

export const SEA_MAGIC = Buffer.from([0x20, 0xda, 0x43, 0x01]);
/** Flag bits of the blob, as node defines them. */
const USE_SNAPSHOT = 1 << 1;
/** Node defines a handful of flags; larger values are not a blob. */
const MAX_FLAGS = 0xff;
const MAX_CODE_PATH_BYTES = 4096;
/** Candidates tried, from the end of the file (postject puts the blob near it). */
export const MAX_SEA_CANDIDATES = 16;
/** The main script is read up to this many bytes (the per-file limit of the package's own files). */
export const MAX_SEA_CODE_BYTES = 64 * 1024 * 1024;
/** Bytes read at a candidate: magic, flags, a code path at its longest, the main code's length. */
const HEADER_BYTES = 16 + MAX_CODE_PATH_BYTES + 8;

export interface SeaBlob {
  /** Byte offset of the blob's magic inside the file. */
  readonly offset: number;
  /** The file name the blob records for its main script, when it records one. */
  readonly codePath: string | null;
  /** Byte offset of the main code inside the file. */
  readonly codeOffset: number;
  /** The main script as text; null when it is a startup snapshot. */
  readonly code: Buffer | null;
  /** The script is longer than `MAX_SEA_CODE_BYTES`: `code` is its head. */
  readonly truncated: boolean;
}

export function readSeaBlob(source: ByteSource): SeaBlob | null {
  return lastValidAt(source, SEA_MAGIC, MAX_SEA_CANDIDATES, (at) => blobAt(source, at));
}

/** A candidate's header, read once; offsets below are relative to the magic. */
function blobAt(source: ByteSource, at: number): SeaBlob | null {
  const header = source.read(at, HEADER_BYTES);
  if (header.length < 16) return null;
  const flags = header.readUInt32LE(4);
  if (flags > MAX_FLAGS) return null;
  const snapshot = (flags & USE_SNAPSHOT) !== 0;
  // With a code path first (node 20 and later), then without (the first releases).
  const pathLength = readLength(header, 8);
  if (pathLength !== null && pathLength > 0 && pathLength <= MAX_CODE_PATH_BYTES && 16 + pathLength + 8 <= header.length) {
    const path = header.subarray(16, 16 + pathLength);
    if (isPrintable(path)) {
      const main = mainAt(source, header, at, 16 + pathLength, snapshot);
      if (main !== null) return { offset: at, codePath: path.toString('utf8'), ...main };
    }
  }
  const main = mainAt(source, header, at, 8, snapshot);
  return main === null ? null : { offset: at, codePath: null, ...main };
}

function mainAt(
  source: ByteSource,
  header: Buffer,
  blob: number,
  at: number,
  snapshot: boolean,
): { codeOffset: number; code: Buffer | null; truncated: boolean } | null {
  const length = readLength(header, at);
  const codeOffset = blob + at + 8;
  if (length === null || length === 0 || codeOffset + length > source.size) return null;
  if (snapshot) return { codeOffset, code: null, truncated: false };
  // A script starts as text; a candidate whose "code" starts with binary is no blob.
  if (!isPrintable(source.read(codeOffset, Math.min(length, 256)))) return null;
  const truncated = length > MAX_SEA_CODE_BYTES;
  return { codeOffset, code: source.read(codeOffset, truncated ? MAX_SEA_CODE_BYTES : length), truncated };
}

function readLength(bytes: Buffer, at: number): number | null {
  if (at + 8 > bytes.length) return null;
  const value = bytes.readBigUInt64LE(at);
  return value > BigInt(Number.MAX_SAFE_INTEGER) ? null : Number(value);
}

/** Text, whitespace and UTF-8 continuation bytes; no control bytes. */
function isPrintable(bytes: Uint8Array): boolean {
  for (const byte of bytes) {
    if (byte < 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d) return false;
    if (byte === 0x7f) return false;
  }
  return true;
}

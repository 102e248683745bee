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
 * structure keeps that out of the analysis.
 */

export const SEA_MAGIC = Buffer.from([0x20, 0xda, 0x43, 0x01]);
/** Flag bits of the blob, as node defines them. */
const USE_SNAPSHOT = 1 << 1;
/** Node defines a handful of flags; larger values are not a blob. */
const MAX_FLAGS = 0xff;
const MAX_CODE_PATH_BYTES = 4096;
/** Candidates tried, from the end of the file (postject puts the blob near it). */
export const MAX_SEA_CANDIDATES = 16;

export interface SeaBlob {
  /** Byte offset of the blob's magic inside the file. */
  readonly offset: number;
  /** The file name the blob records for its main script, when it records one. */
  readonly codePath: string | null;
  /** Byte offset of the main code inside the file. */
  readonly codeOffset: number;
  /** The main script as text; null when it is a startup snapshot. */
  readonly code: Buffer | null;
}

export function readSeaBlob(bytes: Buffer): SeaBlob | null {
  let end = bytes.length;
  for (let tries = 0; tries < MAX_SEA_CANDIDATES; tries++) {
    const at = bytes.lastIndexOf(SEA_MAGIC, end - SEA_MAGIC.length);
    if (at < 0) return null;
    const blob = blobAt(bytes, at);
    if (blob !== null) return blob;
    end = at + SEA_MAGIC.length - 1;
    if (end < SEA_MAGIC.length) return null;
  }
  return null;
}

function blobAt(bytes: Buffer, at: number): SeaBlob | null {
  if (at + 16 > bytes.length) return null;
  const flags = bytes.readUInt32LE(at + 4);
  if (flags > MAX_FLAGS) return null;
  const snapshot = (flags & USE_SNAPSHOT) !== 0;
  // With a code path first (node 20 and later), then without (the first releases).
  const pathLength = readLength(bytes, at + 8);
  if (pathLength !== null && pathLength > 0 && pathLength <= MAX_CODE_PATH_BYTES && at + 16 + pathLength + 8 <= bytes.length) {
    const path = bytes.subarray(at + 16, at + 16 + pathLength);
    if (isPrintable(path)) {
      const main = mainAt(bytes, at + 16 + pathLength, snapshot);
      if (main !== null) return { offset: at, codePath: path.toString('utf8'), ...main };
    }
  }
  const main = mainAt(bytes, at + 8, snapshot);
  return main === null ? null : { offset: at, codePath: null, ...main };
}

function mainAt(bytes: Buffer, at: number, snapshot: boolean): { codeOffset: number; code: Buffer | null } | null {
  const length = readLength(bytes, at);
  if (length === null || length === 0 || at + 8 + length > bytes.length) return null;
  const code = bytes.subarray(at + 8, at + 8 + length);
  if (snapshot) return { codeOffset: at + 8, code: null };
  // A script starts as text; a candidate whose "code" starts with binary is no blob.
  return isPrintable(code.subarray(0, 256)) ? { codeOffset: at + 8, code } : null;
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

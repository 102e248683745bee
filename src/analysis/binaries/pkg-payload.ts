/**
 * `pkg`'s payload (vercel/pkg and its maintained fork @yao-pkg/pkg): what its producer appends to
 * a patched node binary, read from pkg's own structures (`lib/producer.ts`, `lib/packer.ts`,
 * `prelude/bootstrap.js`):
 *
 *   [node binary][payload: one stripe per store of each file, end to end][prelude]
 *
 * A file has up to four stores, each a stripe: bytecode (0, STORE_BLOB), source or asset bytes
 * (1, STORE_CONTENT), a directory listing (2) and a stat (3); with `--compress` every stripe is
 * compressed on its own: gzip (1), brotli (2) or, in newer @yao-pkg/pkg releases (6.23 has it),
 * Zstandard (3). The prelude is the script the patched node runs at start-up:
 *
 *   (function(process, require, console, EXECPATH_FD, PAYLOAD_POSITION, PAYLOAD_SIZE) { return
 *   (function (REQUIRE_COMMON, ..., DOCOMPRESS) { <pkg's runtime> })(<common>,\n
 *   VIRTUAL_FILESYSTEM\n,\nDEFAULT_ENTRYPOINT\n,\nSYMLINKS\n,\nDICT\n,\nDOCOMPRESS\n);\n})
 *
 * The closing arguments are `JSON.stringify` output, one line each (JSON escapes line breaks):
 * the file table (snapshot path -> {store: [offset, length]}, offsets from the payload's start),
 * the entry point's snapshot path, symlinks, the path dictionary and the compression. pkg 4 wrote
 * the first two only, early pkg 5 releases the first three. With compression the table's keys are
 * compressed too: each path segment becomes a base-36 key from DICT, joined by `/`.
 *
 * Those lines are cut out and given to `JSON.parse`, not to acorn: the producer puts each value on
 * a line of its own, so the slice is exact, nothing is evaluated, and only the tail is parsed
 * rather than pkg's 77 KB runtime before it. A prelude written in some other form (by hand, not
 * by pkg) does not parse here and is reported as unreadable, with the reason.
 *
 * Where the payload starts: the producer writes the numbers into placeholders inside the node
 * binary (`// PAYLOAD_POSITION //`), which cannot be found once overwritten, so it is derived as
 * the runtime's own layout implies: the stripes lie end to end right before the prelude, so the
 * payload starts at the prelude less the end of the last stripe. The table is believed only when
 * its stripes tile that span exactly, as the producer lays them: a forged entry that would shift
 * the payload (or reach past the file) makes the table unreadable instead. (A payload moved away
 * from its prelude by hand, with the numbers in the binary changed to match, is read where pkg
 * would have put it: what is there does not decompress or parse, and is reported so.)
 *
 * Bounded: the prelude is read from its head up to `MAX_PRELUDE_BYTES`, the table holds at most
 * `MAX_PKG_FILES` files, and a file's bytes are read (and decompressed, with zlib's
 * `maxOutputLength`) only up to the limit its caller gives.
 */
import * as zlib from 'node:zlib';
import { lastValidAt, type ByteSource } from './byte-source.js';

export const PKG_PRELUDE_HEAD = Buffer.from('(function(process, require, console, EXECPATH_FD, PAYLOAD_POSITION, PAYLOAD_SIZE) {');
/** `\n);` closes the call with the arguments, `\n})` the function the producer wraps it in. */
const PRELUDE_END = Buffer.from('\n);\n})');
const ARGUMENT_SEPARATOR = Buffer.from('\n,\n');
/** pkg's runtime is 80-100 KB and the file table grows by about 100 bytes a file; 16 MiB is far past any real one. */
export const MAX_PRELUDE_BYTES = 16 * 1024 * 1024;
/** More files than any real pkg executable holds; a table claiming more is not believed. */
export const MAX_PKG_FILES = 100_000;
/** The head also sits in copies of pkg's own producer a payload may carry; a few are tried. */
export const MAX_PRELUDE_CANDIDATES = 8;
/** How many closing arguments each pkg version writes: 2 (pkg 4), 3 (early pkg 5), 5 (since). */
const ARGUMENT_COUNTS: ReadonlySet<number> = new Set([2, 3, 5]);
const MAX_ARGUMENTS = 5;
const STORE_BLOB = '0';
const STORE_CONTENT = '1';
const STORES = ['0', '1', '2', '3'] as const;
const JS_NAME = /\.[cm]?js$/i;

export const PKG_COMPRESSIONS = ['none', 'gzip', 'brotli', 'zstd'] as const;
export type PkgCompression = (typeof PKG_COMPRESSIONS)[number];

/** A stripe: where a store of a file lies inside the binary. */
export interface PkgStripe {
  readonly offset: number;
  readonly length: number;
}

export interface PkgFile {
  /** The snapshot path (`/snapshot/app/index.js`; `C:\snapshot\...` for Windows targets). */
  readonly name: string;
  /** JavaScript by its name: `.js`, `.cjs`, `.mjs` (pkg renames an `.mjs` it transformed to `.js`). */
  readonly javascript: boolean;
  /** STORE_CONTENT: the source (or the asset's bytes), null when none was shipped. */
  readonly content: PkgStripe | null;
  /** STORE_BLOB: V8 bytecode, null when none was made. */
  readonly bytecode: PkgStripe | null;
  readonly entry: boolean;
}

export interface PkgPayload {
  /** Byte offset of the payload (its first stripe) inside the file. */
  readonly offset: number;
  /** Byte offset of the prelude's head. */
  readonly preludeOffset: number;
  readonly entrypoint: string;
  readonly compression: PkgCompression;
  /** The files with bytecode or content, in payload order. */
  readonly files: readonly PkgFile[];
}

/** A prelude was found but does not hold together: why, in words. */
export interface PkgProblem {
  readonly preludeOffset: number;
  readonly unreadable: string;
}

/**
 * The payload of a pkg executable; a problem when a prelude is there but cannot be read; null
 * when there is no prelude at all. Never throws on what the binary holds.
 */
export function readPkgPayload(source: ByteSource): PkgPayload | PkgProblem | null {
  let problem: PkgProblem | null = null;
  const payload = lastValidAt(source, PKG_PRELUDE_HEAD, MAX_PRELUDE_CANDIDATES, (at) => {
    const found = payloadAt(source, at);
    if ('unreadable' in found) {
      // The last prelude in the file is pkg's; a copy of the head earlier (inside a packaged
      // file) that fails says nothing more.
      problem ??= found;
      return null;
    }
    return found;
  });
  return payload ?? problem;
}

function payloadAt(source: ByteSource, at: number): PkgPayload | PkgProblem {
  const fail = (unreadable: string): PkgProblem => ({ preludeOffset: at, unreadable });
  const window = source.read(at, MAX_PRELUDE_BYTES);
  const end = window.lastIndexOf(PRELUDE_END);
  if (end < 0) {
    return fail(
      at + MAX_PRELUDE_BYTES < source.size
        ? `pkg's prelude does not end within the ${MAX_PRELUDE_BYTES / 1024 / 1024} MiB read`
        : "pkg's prelude is cut short: its closing arguments are missing",
    );
  }
  const lines = closingArguments(window, end);
  if (lines === null) return fail("pkg's prelude does not close with the arguments pkg writes");
  const values: unknown[] = [];
  for (const line of lines) {
    try {
      values.push(JSON.parse(line));
    } catch {
      return fail("pkg's prelude holds arguments that are not JSON");
    }
  }
  const [table, entrypoint, , dictionary, compressionId = 0] = values;
  if (!isRecord(table) || typeof entrypoint !== 'string') return fail("pkg's file table or entry point is not what pkg writes");
  const compression = typeof compressionId === 'number' ? PKG_COMPRESSIONS[compressionId] : undefined;
  if (compression === undefined) return fail(`pkg's prelude names an unknown compression (${JSON.stringify(compressionId)})`);
  const names = compression === 'none' ? null : reverseDictionary(dictionary);
  if (names === null && compression !== 'none') return fail("pkg's path dictionary is not a table of names");
  const keys = Object.keys(table);
  if (keys.length > MAX_PKG_FILES) return fail(`pkg's file table lists ${keys.length} files, more than the ${MAX_PKG_FILES} believed`);

  const relative: { name: string; stores: Partial<Record<(typeof STORES)[number], PkgStripe>> }[] = [];
  const stripes: PkgStripe[] = [];
  const slash = entrypoint.includes('\\') && !entrypoint.includes('/') ? '\\' : '/';
  for (const key of keys) {
    const name = names === null ? key : decodeKey(key, names, slash);
    if (name === null) return fail("pkg's path dictionary does not name the files of its table");
    const stores = table[key];
    if (!isRecord(stores)) return fail("pkg's file table holds an entry that is not a set of stores");
    const entry: (typeof relative)[number] = { name, stores: {} };
    for (const store of STORES) {
      const pointer = stores[store];
      if (pointer === undefined) continue;
      const stripe = toStripe(pointer);
      if (stripe === null) return fail("pkg's file table holds a pointer that is not an offset and a length");
      entry.stores[store] = stripe;
      stripes.push(stripe);
    }
    relative.push(entry);
  }
  const size = tiledSize(stripes);
  if (size === null) return fail("pkg's file table does not lay its stripes end to end, as pkg's producer does");
  const start = at - size;
  if (start < 0) return fail("pkg's file table reaches before the start of the file");
  const moved = (stripe: PkgStripe | undefined): PkgStripe | null => (stripe === undefined ? null : { offset: start + stripe.offset, length: stripe.length });
  const files = relative
    .filter((entry) => entry.stores[STORE_BLOB] !== undefined || entry.stores[STORE_CONTENT] !== undefined)
    .map(
      (entry): PkgFile => ({
        name: entry.name,
        javascript: JS_NAME.test(entry.name),
        content: moved(entry.stores[STORE_CONTENT]),
        bytecode: moved(entry.stores[STORE_BLOB]),
        entry: entry.name === entrypoint,
      }),
    )
    .sort((a, b) => firstOffset(a) - firstOffset(b));
  return { offset: start, preludeOffset: at, entrypoint, compression, files };
}

/**
 * The JSON lines before `end` (where `\n);\n})` starts), each after a `\n,\n` but the first;
 * null when their count is not one pkg writes.
 */
function closingArguments(window: Buffer, end: number): string[] | null {
  const lines: string[] = [];
  let lineEnd = end;
  while (lines.length <= MAX_ARGUMENTS) {
    const lineStart = window.lastIndexOf(0x0a, lineEnd - 1) + 1;
    if (lineStart === 0 || lineStart >= lineEnd) return null;
    lines.unshift(window.toString('utf8', lineStart, lineEnd));
    const separator = lineStart - ARGUMENT_SEPARATOR.length;
    if (separator < 0 || !window.subarray(separator, lineStart).equals(ARGUMENT_SEPARATOR)) break;
    lineEnd = separator;
  }
  return ARGUMENT_COUNTS.has(lines.length) ? lines : null;
}

/** DICT maps a path segment to its key; reading needs the other way. Null when it is no such map. */
function reverseDictionary(dictionary: unknown): Map<string, string> | null {
  if (!isRecord(dictionary)) return null;
  const names = new Map<string, string>();
  for (const [segment, key] of Object.entries(dictionary)) {
    if (typeof key !== 'string') return null;
    names.set(key, segment);
  }
  return names;
}

function decodeKey(key: string, names: ReadonlyMap<string, string>, slash: string): string | null {
  const segments: string[] = [];
  for (const part of key.split('/')) {
    const segment = names.get(part);
    if (segment === undefined) return null;
    segments.push(segment);
  }
  return segments.join(slash);
}

function toStripe(pointer: unknown): PkgStripe | null {
  if (!Array.isArray(pointer) || pointer.length !== 2) return null;
  const [offset, length] = pointer as unknown[];
  if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length)) return null;
  if ((offset as number) < 0 || (length as number) < 0) return null;
  return { offset: offset as number, length: length as number };
}

/** The payload's size when the stripes lie end to end from 0 without a gap or an overlap; null otherwise. */
function tiledSize(stripes: readonly PkgStripe[]): number | null {
  const sorted = [...stripes].sort((a, b) => a.offset - b.offset || a.length - b.length);
  let next = 0;
  for (const stripe of sorted) {
    if (stripe.offset !== next) return null;
    next += stripe.length;
    if (!Number.isSafeInteger(next)) return null;
  }
  return next;
}

function firstOffset(file: PkgFile): number {
  return Math.min(file.bytecode?.offset ?? Infinity, file.content?.offset ?? Infinity);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export type StripeReading = { readonly bytes: Buffer; readonly truncated: boolean } | { readonly unreadable: string };

/**
 * A stripe's bytes, decompressed when the payload is, up to `limit` bytes of output (`truncated`
 * when there was more). A compressed stripe is read up to what `limit` output can take (stored
 * deflate blocks grow data by a little), so a compressed bomb costs at most `limit` of memory.
 */
export function readStripe(source: ByteSource, stripe: PkgStripe, compression: PkgCompression, limit: number): StripeReading {
  if (compression === 'none') {
    const kept = Math.min(stripe.length, limit);
    return { bytes: source.read(stripe.offset, kept), truncated: kept < stripe.length };
  }
  const codec = CODECS[compression]();
  if (codec === null) return { unreadable: `pkg compressed its payload with ${compression}, which this node cannot decompress` };
  const inputLimit = limit + Math.ceil(limit / 64) + 64 * 1024;
  const inputCut = stripe.length > inputLimit;
  const input = source.read(stripe.offset, inputCut ? inputLimit : stripe.length);
  return inflate(codec, input, limit, inputCut) ?? { unreadable: `a ${compression} stripe of pkg's payload does not decompress` };
}

interface Codec {
  decompress(input: Buffer, options: { maxOutputLength: number; finishFlush?: number }): Buffer;
  /** The flush mode that takes a stream cut short for what it holds so far; null when none is used. */
  readonly partialFlush: number | null;
}

const CODECS: Readonly<Record<Exclude<PkgCompression, 'none'>, () => Codec | null>> = {
  gzip: () => ({ decompress: (input, options) => zlib.gunzipSync(input, options), partialFlush: zlib.constants.Z_SYNC_FLUSH }),
  brotli: () => ({ decompress: (input, options) => zlib.brotliDecompressSync(input, options), partialFlush: zlib.constants.BROTLI_OPERATION_FLUSH }),
  zstd: () => {
    // node 22.15 and later; this project runs on node 20 too, where a Zstandard payload is reported as unreadable.
    const decompress = (zlib as unknown as Record<string, unknown>)['zstdDecompressSync'];
    if (typeof decompress !== 'function') return null;
    return { decompress: (input, options) => (decompress as Codec['decompress'])(input, { maxOutputLength: options.maxOutputLength }), partialFlush: null };
  },
};

/** The first input prefix tried when the whole stripe decompresses past the limit; doubled each try. */
const FIRST_PREFIX_BYTES = 1024;

/**
 * The stripe decompressed whole when it fits in `limit`; otherwise the head that fits: prefixes of
 * the input, doubling, each decompressed under the same limit, until one is too large (a bomb
 * can expand a few bytes past any limit, so the head may be empty). Null when it is corrupt.
 */
function inflate(codec: Codec, input: Buffer, limit: number, inputCut: boolean): { bytes: Buffer; truncated: boolean } | null {
  const flush = codec.partialFlush === null ? {} : { finishFlush: codec.partialFlush };
  try {
    return { bytes: codec.decompress(input, { maxOutputLength: limit, ...(inputCut ? flush : {}) }), truncated: inputCut };
  } catch (error) {
    if (!tooLarge(error)) return null;
  }
  let head: Buffer = Buffer.alloc(0);
  if (codec.partialFlush === null) return { bytes: head, truncated: true };
  for (let prefix = FIRST_PREFIX_BYTES; prefix < input.length && head.length < limit / 2; prefix *= 2) {
    try {
      head = codec.decompress(input.subarray(0, prefix), { maxOutputLength: limit, ...flush });
    } catch {
      break;
    }
  }
  return { bytes: head, truncated: true };
}

function tooLarge(error: unknown): boolean {
  return error instanceof RangeError || (error as { code?: unknown } | null)?.code === 'ERR_BUFFER_TOO_LARGE';
}

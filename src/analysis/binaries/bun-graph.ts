/**
 * Bun's standalone module graph: what `bun build --compile` writes into the executable. Read from
 * the format's own structures, as Bun itself reads them at start-up (`StandaloneModuleGraph.zig`):
 *
 *   payload:  [module bytes ...][module table][Offsets (32 bytes)]["\n---- Bun! ----\n"]
 *   Offsets:  byte_count u64 (where Offsets starts, from the payload start), modules {u32 offset,
 *             u32 length}, entry_point_id u32, exec argv {u32, u32}, flags u32 (little-endian)
 *   a module: StringPointers {u32 offset, u32 length} for name, contents, sourcemap, bytecode (and
 *             in newer versions module info and the bytecode's origin path), then encoding,
 *             loader, module format and side as one byte each
 *
 * On Linux the payload is an ELF section `.bun` (Mach-O `__BUN,__bun`, PE `.bun`); older versions
 * appended it to the file. Either way it ends with the trailer, so it is found from the trailer
 * backwards, whatever the container, and every pointer is checked against the payload before use:
 * the binary is the attacker's, and a forged table must not read outside it.
 *
 * Only the trailer, the table and the names are read here; a module's contents are read later, by
 * range, and only for the modules that hold JavaScript (a Bun binary also embeds native addons and
 * assets).
 */
import { lastValidAt, type ByteSource } from './byte-source.js';

export const BUN_TRAILER = Buffer.from('\n---- Bun! ----\n', 'latin1');
const OFFSETS_BYTES = 32;
const POINTER_BYTES = 8;
/** Module table entry sizes by Bun version, newest first: 6, 5 or 4 pointers plus 4 bytes. */
const ENTRY_BYTES = [6 * POINTER_BYTES + 4, 5 * POINTER_BYTES + 4, 4 * POINTER_BYTES + 4] as const;
/** The trailer text also sits in Bun's own code (it searches for it); a few forged ones are tried, not thousands. */
export const MAX_TRAILER_CANDIDATES = 16;
/** More modules than any real compiled app holds; a table claiming more is not believed. */
export const MAX_BUN_MODULES = 100_000;
/** A module name longer than this is no path Bun wrote. */
const MAX_NAME_BYTES = 4096;
/** Where Bun mounts the embedded files, by platform and version. */
const ROOTS = ['/$bunfs/root/', 'B:/~BUN/root/', '/$bunfs/', 'B:/~BUN/', 'compiled://root/'] as const;

export const BUN_ENCODINGS = ['binary', 'latin1', 'utf8'] as const;
export type BunEncoding = (typeof BUN_ENCODINGS)[number];
/** Bun's loader numbers that hold JavaScript (after bundling, TypeScript and JSX are JavaScript). */
const JS_LOADERS: ReadonlySet<number> = new Set([0, 1, 2, 3]);
const JS_NAME = /\.(?:[cm]?js|jsx|tsx?)$/;

export interface BunModule {
  /** The module's name with Bun's virtual root removed (`src/entrypoints/cli.js`). */
  readonly name: string;
  /** Byte offset of the module's contents inside the file. */
  readonly offset: number;
  /** Bytes of the module's contents (read with `source.read(offset, length)`). */
  readonly length: number;
  readonly encoding: BunEncoding;
  /** JavaScript by its loader or its name (an asset named `.js` can still be run, e.g. as a worker). */
  readonly javascript: boolean;
  /** Precompiled bytecode shipped with it (run instead of the source when it is valid). */
  readonly bytecodeBytes: number;
  readonly entry: boolean;
}

export interface BunGraph {
  /** Byte offset of the payload inside the file. */
  readonly offset: number;
  readonly modules: readonly BunModule[];
}

/** The module graph of a Bun-compiled executable, or null when there is none (or none that holds together). */
export function readBunGraph(source: ByteSource): BunGraph | null {
  return lastValidAt(source, BUN_TRAILER, MAX_TRAILER_CANDIDATES, (at) => graphAt(source, at));
}

function graphAt(source: ByteSource, trailer: number): BunGraph | null {
  const offsetsAt = trailer - OFFSETS_BYTES;
  if (offsetsAt < 0) return null;
  const offsets = source.read(offsetsAt, OFFSETS_BYTES);
  const byteCount = Number(offsets.readBigUInt64LE(0));
  const start = offsetsAt - byteCount;
  if (!Number.isSafeInteger(start) || start < 0) return null;
  const table = { offset: offsets.readUInt32LE(8), length: offsets.readUInt32LE(12) };
  const entryId = offsets.readUInt32LE(16);
  if (table.offset + table.length > byteCount) return null;
  const sizes = ENTRY_BYTES.filter((size) => table.length > 0 && table.length % size === 0 && table.length / size <= MAX_BUN_MODULES);
  if (sizes.length === 0) return null;
  const tableBytes = source.read(start + table.offset, table.length);
  for (const size of sizes) {
    const modules = readModules(source, { start, length: byteCount }, tableBytes, size, entryId);
    if (modules !== null) return { offset: start, modules };
  }
  return null;
}

function readModules(
  source: ByteSource,
  payload: { start: number; length: number },
  table: Buffer,
  size: number,
  entryId: number,
): BunModule[] | null {
  const modules: BunModule[] = [];
  const pointers = (size - 4) / POINTER_BYTES;
  for (let index = 0; index * size < table.length; index++) {
    const at = index * size;
    const pointer = (which: number): { offset: number; length: number } | null => {
      const offset = table.readUInt32LE(at + which * POINTER_BYTES);
      const length = table.readUInt32LE(at + which * POINTER_BYTES + 4);
      return offset + length <= payload.length ? { offset, length } : null;
    };
    const rawName = pointer(0);
    const contents = pointer(1);
    const bytecode = pointer(3);
    if (rawName === null || contents === null || bytecode === null || rawName.length > MAX_NAME_BYTES) return null;
    const name = source.read(payload.start + rawName.offset, rawName.length).toString('utf8');
    const root = ROOTS.find((prefix) => name.startsWith(prefix));
    if (root === undefined) return null;
    const flags = at + pointers * POINTER_BYTES;
    const encoding = BUN_ENCODINGS[table[flags] ?? -1];
    const loader = table[flags + 1] ?? -1;
    if (encoding === undefined) return null;
    const shortName = name.slice(root.length);
    modules.push({
      name: shortName,
      offset: payload.start + contents.offset,
      length: contents.length,
      encoding,
      javascript: encoding !== 'binary' && (JS_LOADERS.has(loader) || JS_NAME.test(shortName)),
      bytecodeBytes: bytecode.length,
      entry: index === entryId,
    });
  }
  return modules;
}

/**
 * The JavaScript inside an executable: what the package analysis runs the detectors on instead of
 * the machine code around it. Two ways in, most exact first:
 * - the format's own structures where they are known (Bun's standalone module graph,
 *   `bun-graph.ts`; a Node single-executable blob, `node-sea.ts`): each module by its name, at
 *   its byte offset. The runtime around them carries its own library as text (node's `lib/`),
 *   which is not the package's code, so a known format is never searched as text as well;
 * - otherwise long runs of printable text that parse as JavaScript (`pkg` keeps sources as plain
 *   text unless compiled; so does anything that merely appends a script).
 *
 * When no JavaScript comes out, the binary's string table (its printable runs) is kept so the
 * catalogue's names can still be searched, and a runtime's marker (a Bun graph holding only
 * bytecode, a Node SEA fuse that is set, `pkg`'s prelude, Deno's trailer) says that code is in
 * there and could not be read: the package analysis reports that plainly.
 *
 * Bounded: the file's bytes are read in place (views, never copies of the binary); only recovered
 * modules and the string table are new memory, each under a named limit.
 */
import { parse } from '../parse.js';
import { readBunGraph } from './bun-graph.js';
import { readSeaBlob } from './node-sea.js';
import { FORMAT_LABELS, type ExecutableFormat } from './detect-format.js';

/** A run of text shorter than this is a string constant, not a script worth parsing. */
export const MIN_SCRIPT_RUN_BYTES = 512;
/** Text runs parsed as candidate scripts per binary, and their bytes in all: parsing dominates. */
export const MAX_SCRIPT_CANDIDATES = 64;
export const MAX_SCRIPT_PARSE_BYTES = 64 * 1024 * 1024;
/** A string-table entry is a printable run at least this long (`strings(1)` uses 4; 6 drops most noise). */
export const MIN_STRING_BYTES = 6;
/** The string table is cut here; a note says so. */
export const MAX_STRING_TABLE_BYTES = 32 * 1024 * 1024;
/** Something a script has and prose rarely has; a cheap filter before a parse. */
const SCRIPT_HINT = /\bfunction\b|=>|\brequire\(|\bimport\b|\bconst\b|\bvar\b|\blet\b/;

export const RECOVERY_METHODS = ['bun-module-graph', 'node-sea-blob', 'printable-text'] as const;
export type RecoveryMethod = (typeof RECOVERY_METHODS)[number];

export interface EmbeddedModule {
  /** `<binary path>#<module name>`, or `<binary path>#@<offset>` for text found without a name. */
  readonly path: string;
  /** UTF-8 JavaScript (Bun's latin1 modules are transcoded). */
  readonly content: Buffer;
  /** Byte offset of the module's first byte inside the binary. */
  readonly offset: number;
  readonly method: RecoveryMethod;
  /** The module the executable starts with. */
  readonly entry: boolean;
}

export interface StringTable {
  /** The printable runs, one per line. */
  readonly text: string;
  /** Byte offset inside the binary of each line's run. */
  readonly offsets: readonly number[];
  readonly truncated: boolean;
}

export interface BinaryReading {
  readonly format: ExecutableFormat;
  readonly modules: readonly EmbeddedModule[];
  /** Which runtime's payload the binary carries (`Bun`, `Node SEA`, ...); null when none is known. */
  readonly runtime: string | null;
  /** Set when JavaScript is known to be inside but none could be recovered: why, in words. */
  readonly unrecovered: string | null;
  /** The strings, when JavaScript is known to be inside and none was recovered. */
  readonly strings: StringTable | null;
  /** What the binary is, when nothing was recovered and that is expected (the node runtime itself). */
  readonly note?: string;
}

/**
 * The SEA fuse unset: a plain node binary. Its text runs are node's own library (`lib/*.js`),
 * hundreds of modules that are not the package's code, so it is not searched for scripts.
 */
const PLAIN_NODE = Buffer.from('NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2:0');

/** Runtimes that carry JavaScript, known by a string only their packed executables hold. */
const RUNTIME_MARKERS: readonly { runtime: string; marker: Buffer; why: string }[] = [
  // The fuse is in every node binary; `:1` only once postject injected a blob.
  {
    runtime: 'Node SEA',
    marker: Buffer.from('NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2:1'),
    why: 'a Node single-executable blob is injected but no script text was found in it (a code cache or snapshot only?)',
  },
  { runtime: 'pkg', marker: Buffer.from('pkg/prelude/bootstrap.js'), why: "pkg's payload holds no readable script (compiled to V8 bytecode or compressed)" },
  { runtime: 'Deno', marker: Buffer.from('d3n0l4nd'), why: 'the deno compile payload holds no readable script (compressed or an eszip archive)' },
];

export function readBinary(path: string, bytes: Buffer, format: ExecutableFormat, options: { truncated?: boolean } = {}): BinaryReading {
  const graph = readBunGraph(bytes);
  if (graph !== null) {
    const modules = graph.modules
      .filter((module) => module.javascript && module.contents.length > 0)
      .map((module): EmbeddedModule => ({
        path: `${path}#${module.name}`,
        content: module.encoding === 'latin1' ? latin1ToUtf8(module.contents) : module.contents,
        offset: module.offset,
        method: 'bun-module-graph',
        entry: module.entry,
      }));
    if (modules.length > 0) return { format, modules, runtime: 'Bun', unrecovered: null, strings: null };
    const bytecode = graph.modules.some((module) => module.bytecodeBytes > 0);
    return {
      format,
      modules,
      runtime: 'Bun',
      unrecovered: bytecode ? 'the Bun module graph holds bytecode only, no source' : 'the Bun module graph holds no JavaScript module',
      strings: stringTable(bytes),
    };
  }
  const sea = readSeaBlob(bytes);
  if (sea !== null) {
    if (sea.code !== null) {
      const module: EmbeddedModule = { path: `${path}#${sea.codePath ?? 'main'}`, content: sea.code, offset: sea.codeOffset, method: 'node-sea-blob', entry: true };
      return { format, modules: [module], runtime: 'Node SEA', unrecovered: null, strings: null };
    }
    const unrecovered = 'the Node single-executable blob holds a V8 startup snapshot, no script';
    return { format, modules: [], runtime: 'Node SEA', unrecovered, strings: stringTable(bytes) };
  }
  if (bytes.includes(PLAIN_NODE)) {
    return { format, modules: [], runtime: 'Node', unrecovered: null, strings: null, note: "the node runtime itself (no single-executable blob): its library is node's own, not analysed" };
  }
  const modules = scriptsInText(path, bytes);
  const marker = RUNTIME_MARKERS.find((candidate) => bytes.includes(candidate.marker));
  if (modules.length > 0) return { format, modules, runtime: marker?.runtime ?? null, unrecovered: null, strings: null };
  const unrecovered =
    marker !== undefined
      ? marker.why
      : options.truncated === true
        ? `only the head of this ${FORMAT_LABELS[format]} was read (size limit): code appended after it was not seen`
        : null;
  // Plain native code gets a note only: its strings are kept when code is known to be inside.
  return { format, modules, runtime: marker?.runtime ?? null, unrecovered, strings: unrecovered === null ? null : stringTable(bytes) };
}

/** Bun stores ASCII-only modules as latin1; anything above 0x7f must become UTF-8 for the parser. */
function latin1ToUtf8(bytes: Buffer): Buffer {
  for (const byte of bytes) if (byte > 0x7f) return Buffer.from(bytes.toString('latin1'), 'utf8');
  return bytes;
}

/** Long runs of printable UTF-8 that parse as JavaScript, each a module named by its offset. */
function scriptsInText(path: string, bytes: Buffer): EmbeddedModule[] {
  const found: EmbeddedModule[] = [];
  let candidates = 0;
  let parsedBytes = 0;
  for (const run of printableRuns(bytes, MIN_SCRIPT_RUN_BYTES, true)) {
    if (candidates >= MAX_SCRIPT_CANDIDATES || parsedBytes + run.length > MAX_SCRIPT_PARSE_BYTES) break;
    const content = bytes.subarray(run.offset, run.offset + run.length);
    const text = content.toString('utf8');
    if (!SCRIPT_HINT.test(text)) continue;
    candidates++;
    parsedBytes += run.length;
    const outcome = parse(text);
    if (!outcome.ok || outcome.partial !== undefined || outcome.program.body.length === 0) continue;
    found.push({ path: `${path}#@${run.offset}`, content, offset: run.offset, method: 'printable-text', entry: found.length === 0 });
  }
  return found;
}

/** The binary's printable runs, one per line, with their offsets; cut at `MAX_STRING_TABLE_BYTES`. */
export function stringTable(bytes: Buffer): StringTable {
  const parts: string[] = [];
  const offsets: number[] = [];
  let size = 0;
  let truncated = false;
  for (const run of printableRuns(bytes, MIN_STRING_BYTES, false)) {
    if (size + run.length + 1 > MAX_STRING_TABLE_BYTES) {
      truncated = true;
      break;
    }
    parts.push(bytes.toString('latin1', run.offset, run.offset + run.length));
    offsets.push(run.offset);
    size += run.length + 1;
  }
  return { text: parts.join('\n'), offsets, truncated };
}

/**
 * Runs of printable bytes at least `min` long: ASCII text and whitespace, plus (with `utf8`) the
 * bytes of multi-byte UTF-8 characters, which scripts carry in strings and comments.
 */
export function* printableRuns(bytes: Uint8Array, min: number, utf8: boolean): Generator<{ offset: number; length: number }> {
  let start = -1;
  const length = bytes.length;
  for (let i = 0; i <= length; i++) {
    const byte = i < length ? (bytes[i] ?? 0) : 0;
    const printable = (byte >= 0x20 && byte < 0x7f) || byte === 0x09 || byte === 0x0a || byte === 0x0d || (utf8 && byte >= 0x80 && byte < 0xf8);
    if (printable) {
      if (start < 0) start = i;
    } else if (start >= 0) {
      if (i - start >= min) yield { offset: start, length: i - start };
      start = -1;
    }
  }
}

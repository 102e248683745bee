/**
 * The JavaScript inside an executable: what the package analysis runs the detectors on instead of
 * the machine code around it. Two ways in, most exact first:
 * - the format's own structures where they are known (Bun's standalone module graph,
 *   `bun-graph.ts`; a Node single-executable blob, `node-sea.ts`; `pkg`'s payload,
 *   `pkg-payload.ts`): each module by its name, at its byte offset. The runtime around them
 *   carries its own library as text (node's `lib/`, pkg's prelude), which is not the package's
 *   code, so a known format is never searched as text as well;
 * - otherwise long runs of printable text that parse as JavaScript (`nexe`, anything that merely
 *   appends a script).
 *
 * When no JavaScript comes out, the binary's string table (its printable runs) is kept so the
 * catalogue's names can still be searched, and a runtime's marker (a Bun graph or a pkg payload
 * holding only bytecode, a Node SEA fuse that is set, `pkg`'s prelude, Deno's trailer) says that
 * code is in there and could not be read: the package analysis reports that plainly.
 *
 * Bounded: the binary is a `ByteSource` read by range and searched in windows (`byte-source.ts`),
 * never whole; only recovered modules and the string table are new memory, each under a named
 * limit.
 */
import { parse } from '../parse.js';
import { readBunGraph } from './bun-graph.js';
import { readSeaBlob } from './node-sea.js';
import { readPkgPayload, readStripe, type PkgPayload } from './pkg-payload.js';
import { containsEach, SCAN_CHUNK_BYTES, type ByteSource } from './byte-source.js';
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
/**
 * A recovered module is read up to this many bytes (the per-file limit of the package's own files;
 * the rest is reported as cut), and all modules of one binary up to `MAX_RECOVERED_BYTES`.
 */
export const MAX_MODULE_BYTES = 64 * 1024 * 1024;
export const MAX_RECOVERED_BYTES = 256 * 1024 * 1024;
/** Files named in a reason for being bytecode only; the rest are counted. */
const MAX_NAMED_FILES = 5;
/** Something a script has and prose rarely has; a cheap filter before a parse. */
const SCRIPT_HINT = /\bfunction\b|=>|\brequire\(|\bimport\b|\bconst\b|\bvar\b|\blet\b/;

export const RECOVERY_METHODS = ['bun-module-graph', 'node-sea-blob', 'pkg-payload', 'printable-text'] as const;
export type RecoveryMethod = (typeof RECOVERY_METHODS)[number];

export interface EmbeddedModule {
  /** `<binary path>#<module name>`, or `<binary path>#@<offset>` for text found without a name. */
  readonly path: string;
  /** UTF-8 JavaScript (Bun's latin1 modules are transcoded). */
  readonly content: Buffer;
  /**
   * Byte offset of the module's first byte inside the binary; for a module pkg stored compressed,
   * of its compressed bytes (positions inside it do not map to bytes of the binary).
   */
  readonly offset: number;
  /** How the module is stored in the binary: latin1 takes one byte per character, so offsets map differently. */
  readonly storedAs: 'utf8' | 'latin1';
  /** Only the head was read (`MAX_MODULE_BYTES`, or what was left of `MAX_RECOVERED_BYTES`). */
  readonly truncated?: true;
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
  /**
   * Set when JavaScript is known to be inside but none could be recovered: why, in words. With
   * modules, what of it could not be (a pkg payload whose own code is bytecode only beside the
   * sources of its dependencies).
   */
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
  { runtime: 'pkg', marker: Buffer.from('pkg/prelude/bootstrap.js'), why: "pkg's runtime is inside, but neither a payload prelude of a known layout nor script text" },
  { runtime: 'Deno', marker: Buffer.from('d3n0l4nd'), why: 'the deno compile payload holds no readable script (compressed or an eszip archive)' },
];

export function readBinary(path: string, source: ByteSource, format: ExecutableFormat, options: { truncated?: boolean } = {}): BinaryReading {
  const graph = readBunGraph(source);
  if (graph !== null) {
    let budget = MAX_RECOVERED_BYTES;
    const modules = graph.modules
      .filter((module) => module.javascript && module.length > 0)
      .map((module): EmbeddedModule => {
        const kept = Math.min(module.length, MAX_MODULE_BYTES, budget);
        budget -= kept;
        const stored = source.read(module.offset, kept);
        return {
          path: `${path}#${module.name}`,
          content: module.encoding === 'latin1' ? latin1ToUtf8(stored) : stored,
          offset: module.offset,
          storedAs: module.encoding === 'latin1' ? 'latin1' : 'utf8',
          method: 'bun-module-graph',
          entry: module.entry,
          ...(kept < module.length ? { truncated: true as const } : {}),
        };
      });
    if (modules.length > 0) return { format, modules, runtime: 'Bun', unrecovered: null, strings: null };
    const bytecode = graph.modules.some((module) => module.bytecodeBytes > 0);
    return {
      format,
      modules,
      runtime: 'Bun',
      unrecovered: bytecode ? 'the Bun module graph holds bytecode only, no source' : 'the Bun module graph holds no JavaScript module',
      strings: stringTable(source),
    };
  }
  const sea = readSeaBlob(source);
  if (sea !== null) {
    if (sea.code !== null) {
      const module: EmbeddedModule = {
        path: `${path}#${sea.codePath ?? 'main'}`,
        content: sea.code,
        offset: sea.codeOffset,
        storedAs: 'utf8',
        method: 'node-sea-blob',
        entry: true,
        ...(sea.truncated ? { truncated: true as const } : {}),
      };
      return { format, modules: [module], runtime: 'Node SEA', unrecovered: null, strings: null };
    }
    const unrecovered = 'the Node single-executable blob holds a V8 startup snapshot, no script';
    return { format, modules: [], runtime: 'Node SEA', unrecovered, strings: stringTable(source) };
  }
  const pkg = readPkgPayload(source);
  if (pkg !== null) {
    if ('files' in pkg) return pkgReading(path, source, format, pkg);
    // A prelude that does not hold together is not searched as text either: the stripes lie end
    // to end, a source glued to the stat after it, and the prelude is pkg's runtime, not the
    // package's code. Its strings are searched and the reason given.
    return { format, modules: [], runtime: 'pkg', unrecovered: pkg.unreadable, strings: stringTable(source) };
  }
  const [plainNode, ...markersFound] = containsEach(source, [PLAIN_NODE, ...RUNTIME_MARKERS.map((candidate) => candidate.marker)]);
  if (plainNode === true) {
    return { format, modules: [], runtime: 'Node', unrecovered: null, strings: null, note: "the node runtime itself (no single-executable blob): its library is node's own, not analysed" };
  }
  const modules = scriptsInText(path, source);
  const marker = RUNTIME_MARKERS.find((_candidate, i) => markersFound[i] === true);
  if (modules.length > 0) return { format, modules, runtime: marker?.runtime ?? null, unrecovered: null, strings: null };
  const unrecovered =
    marker !== undefined
      ? marker.why
      : options.truncated === true
        ? `only the head of this ${FORMAT_LABELS[format]} was read (size limit): code appended after it was not seen`
        : null;
  // Plain native code gets a note only: its strings are kept when code is known to be inside.
  return { format, modules, runtime: marker?.runtime ?? null, unrecovered, strings: unrecovered === null ? null : stringTable(source) };
}

/**
 * The JavaScript files of a pkg payload that carry their source, each by its snapshot path. pkg's
 * default compiles the package's own files to V8 bytecode and ships no source for them (only
 * packages with a free licence, or `--public`, keep theirs): those are named in `unrecovered`.
 */
function pkgReading(path: string, source: ByteSource, format: ExecutableFormat, payload: PkgPayload): BinaryReading {
  let budget = MAX_RECOVERED_BYTES;
  const modules: EmbeddedModule[] = [];
  let unreadable: string | null = null;
  for (const file of payload.files) {
    if (!file.javascript || file.content === null) continue;
    const stored = readStripe(source, file.content, payload.compression, Math.min(MAX_MODULE_BYTES, budget));
    if ('unreadable' in stored) {
      unreadable ??= stored.unreadable;
      continue;
    }
    budget -= stored.bytes.length;
    modules.push({
      path: `${path}#${file.name}`,
      // A copy: a view would keep the window of a file source it was read from alive.
      content: Buffer.from(stored.bytes),
      offset: file.content.offset,
      storedAs: 'utf8',
      method: 'pkg-payload',
      entry: file.entry,
      ...(stored.truncated ? { truncated: true as const } : {}),
    });
  }
  const bytecodeOnly = payload.files.filter((file) => file.javascript && file.content === null && file.bytecode !== null);
  const compressed = payload.compression === 'none' ? '' : ` (${payload.compression}-compressed: its strings are not in the string table)`;
  let unrecovered: string | null = null;
  if (bytecodeOnly.length > 0) {
    const names = bytecodeOnly.slice(0, MAX_NAMED_FILES).map((file) => file.name).join(', ');
    const more = bytecodeOnly.length > MAX_NAMED_FILES ? ` and ${bytecodeOnly.length - MAX_NAMED_FILES} more` : '';
    unrecovered =
      modules.length === 0
        ? `pkg compiled the package's JavaScript to V8 bytecode; no source in the payload${compressed}`
        : `pkg compiled ${bytecodeOnly.length} of the JavaScript files to V8 bytecode, with no source in the payload: ${names}${more}`;
  } else if (modules.length === 0) {
    unrecovered = unreadable ?? "pkg's payload holds no JavaScript file";
  }
  return { format, modules, runtime: 'pkg', unrecovered, strings: modules.length === 0 ? stringTable(source) : null };
}

/** Bun stores ASCII-only modules as latin1; anything above 0x7f must become UTF-8 for the parser. */
function latin1ToUtf8(bytes: Buffer): Buffer {
  for (const byte of bytes) if (byte > 0x7f) return Buffer.from(bytes.toString('latin1'), 'utf8');
  return bytes;
}

/** Long runs of printable UTF-8 that parse as JavaScript, each a module named by its offset. */
function scriptsInText(path: string, source: ByteSource): EmbeddedModule[] {
  const found: EmbeddedModule[] = [];
  let candidates = 0;
  let parsedBytes = 0;
  for (const run of printableRuns(source, MIN_SCRIPT_RUN_BYTES, true)) {
    if (candidates >= MAX_SCRIPT_CANDIDATES || parsedBytes + run.length > MAX_SCRIPT_PARSE_BYTES) break;
    const content = source.read(run.offset, run.length);
    const text = content.toString('utf8');
    if (!SCRIPT_HINT.test(text)) continue;
    candidates++;
    parsedBytes += run.length;
    const outcome = parse(text);
    if (!outcome.ok || outcome.partial !== undefined || outcome.program.body.length === 0) continue;
    // A copy: a view would keep the whole search window of a file source alive.
    found.push({ path: `${path}#@${run.offset}`, content: Buffer.from(content), offset: run.offset, storedAs: 'utf8', method: 'printable-text', entry: found.length === 0 });
  }
  return found;
}

/** The binary's printable runs, one per line, with their offsets; cut at `MAX_STRING_TABLE_BYTES`. */
export function stringTable(source: ByteSource): StringTable {
  const parts: string[] = [];
  const offsets: number[] = [];
  let size = 0;
  let truncated = false;
  for (const run of printableRuns(source, MIN_STRING_BYTES, false)) {
    if (size + run.length + 1 > MAX_STRING_TABLE_BYTES) {
      truncated = true;
      break;
    }
    parts.push(source.read(run.offset, run.length).toString('latin1'));
    offsets.push(run.offset);
    size += run.length + 1;
  }
  return { text: parts.join('\n'), offsets, truncated };
}

/** Printable ASCII and the whitespace scripts hold; with `utf8`, also the bytes of multi-byte characters. */
const ASCII_PRINTABLE = new Uint8Array(256);
const UTF8_PRINTABLE = new Uint8Array(256);
for (let byte = 0; byte < 256; byte++) {
  const ascii = (byte >= 0x20 && byte < 0x7f) || byte === 0x09 || byte === 0x0a || byte === 0x0d;
  ASCII_PRINTABLE[byte] = ascii ? 1 : 0;
  UTF8_PRINTABLE[byte] = ascii || (byte >= 0x80 && byte < 0xf8) ? 1 : 0;
}

/**
 * Runs of printable bytes at least `min` long: ASCII text and whitespace, plus (with `utf8`) the
 * bytes of multi-byte UTF-8 characters, which scripts carry in strings and comments. The source is
 * walked window by window; a run may span windows.
 */
export function* printableRuns(source: ByteSource, min: number, utf8: boolean): Generator<{ offset: number; length: number }> {
  const printable = utf8 ? UTF8_PRINTABLE : ASCII_PRINTABLE;
  let start = -1;
  for (let low = 0; low < source.size; low += SCAN_CHUNK_BYTES) {
    const window = source.read(low, SCAN_CHUNK_BYTES);
    const length = window.length;
    for (let i = 0; i < length; i++) {
      if (printable[window[i] as number] === 1) {
        if (start < 0) start = low + i;
      } else if (start >= 0) {
        if (low + i - start >= min) yield { offset: start, length: low + i - start };
        start = -1;
      }
    }
  }
  if (start >= 0 && source.size - start >= min) yield { offset: start, length: source.size - start };
}

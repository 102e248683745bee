/**
 * Unpacks a package tarball as it arrives. No file is installed and no entry is followed: the
 * tarball comes from whoever published the package, so every size, path and entry type in it is
 * hostile until checked.
 *
 * Files are held in memory, except executables too big to hold: vendors ship CLIs as single-file
 * executables of hundreds of megabytes (`@anthropic-ai/claude-code-linux-x64` 2.1.337: 428 MB).
 * Such an entry is written, as it streams past, to a private temporary file (mode 0600, never run),
 * its JavaScript is read out of it by range (`analysis/binaries/`), and the file is deleted before
 * the next entry is read; only its head and what was recovered stay in memory. The tarball itself
 * is never held whole either: it is decompressed and parsed chunk by chunk.
 *
 * Entries are read with the Parser of the `tar` package that pacote installs with, so a tarball that parses
 * one way for npm cannot parse another way here (tar-parser differentials are a known way to
 * smuggle files past scanners). Where npm installs an entry under a path other than its raw
 * one, the file is kept under the path npm would install it at and the difference is noted.
 */
import { createHash, type Hash } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { Parser, type ReadEntry } from 'tar';
import { ExtractError, errorMessage } from '../errors.js';
import { NoteList, formatBytes, quotePath } from './note-list.js';
import { detectFormat, FORMAT_HEAD_BYTES, type ExecutableFormat } from '../analysis/binaries/detect-format.js';
import { readBinary, type BinaryReading } from '../analysis/binaries/embedded-code.js';
import { fileSource } from '../analysis/binaries/byte-source.js';
import type { PackageFile, PackageFiles } from './types.js';

export interface ExtractLimits {
  /** Bytes the decompressed tar stream may hold, executables written to disk included; past it the package is refused. */
  maxUnpackedBytes: number;
  /** Bytes of file contents held in memory, over all files; past it the package is refused. */
  maxMemoryBytes: number;
  /** Regular files a package may hold; past it the package is refused (a partial scan would pass code unseen). */
  maxFiles: number;
  /** Bytes kept of one file; the rest is dropped and the file marked `truncated`. */
  maxFileBytes: number;
  /** Bytes read of an executable (by its magic bytes, `analysis/binaries/detect-format.ts`). */
  maxExecutableBytes: number;
  /** An executable larger than this is written to a temporary file and read from there, not held. */
  spillExecutableBytes: number;
  /** Decompressed bytes per compressed byte, enforced once the output passes `ratioFloorBytes`. */
  maxRatio: number;
  /** Below this many decompressed bytes the ratio is not checked: small, repetitive files compress well. */
  ratioFloorBytes: number;
}

const MIB = 1024 * 1024;

export const DEFAULT_EXTRACT_LIMITS: Readonly<ExtractLimits> = Object.freeze({
  // Platform packages of single-file CLIs reach 430 MB (one executable) and grow each year;
  // what is written to disk is one executable at a time.
  maxUnpackedBytes: 1024 * MIB,
  // What the analysis holds: ordinary packages stay far below it; code-heavy ones (typescript,
  // next) are near 100 MB.
  maxMemoryBytes: 256 * MIB,
  // Icon and locale packages legitimately ship tens of thousands of files.
  maxFiles: 100_000,
  // Real bundles are read whole: AI coding CLIs ship 10-30 MB single-file bundles, and a cut one
  // warns on every update. A 62.6 MiB bundle peaked at 2.65 GiB in the gate (a bare acorn parse
  // of it: 1.98 GiB), which a 7 GiB hosted runner holds once; the analysis pool lets only one such
  // file run at a time.
  maxFileBytes: 64 * MIB,
  // Single-file executables put their JavaScript at the end (Bun's module graph is the last
  // section; appended payloads come last by definition), so the head of one says nothing: they are
  // read whole, from disk past `spillExecutableBytes`. Never parsed whole: only the recovered modules are.
  maxExecutableBytes: 1024 * MIB,
  spillExecutableBytes: 16 * MIB,
  // Ordinary JavaScript packs at 3-10x; deflate tops out near 1030x on runs of zeros.
  maxRatio: 200,
  ratioFloorBytes: 1 * MIB,
});

const GZIP_MAGIC = [0x1f, 0x8b] as const;
const ZSTD_MAGIC = [0x28, 0xb5, 0x2f, 0xfd] as const;
const MAGIC_BYTES = 4;

/** Entry types npm's pacote writes as files; everything else is a directory, link, device or metadata. */
const REGULAR_FILE_TYPES: ReadonlySet<string> = new Set(['File', 'OldFile', 'ContiguousFile']);
const DIRECTORY_TYPES: ReadonlySet<string> = new Set(['Directory', 'GNUDumpDir']);

/**
 * Reads a `.tgz` (or plain `.tar`) held in memory. `label` names the package or file in errors.
 * Throws ExtractError for a corrupt archive or a limit that makes the package unusable; refused
 * entries become `notes`.
 */
export async function extractTarball(tgz: Buffer, label: string, limits: Partial<ExtractLimits> = {}, options: ExtractOptions = {}): Promise<PackageFiles> {
  return extractTarballStream([tgz], label, limits, options);
}

export interface ExtractOptions {
  /** Where big executables are written while they are read (a private folder is made inside); default the system's. */
  tempDirectory?: string;
}

/**
 * `extractTarball` over a stream (pacote's tarball stream, a file being read): nothing holds the
 * whole archive. An error of the stream itself (pacote's EINTEGRITY, a read error) is thrown as it
 * came, for the caller to name; `integrity` is the sha512 of the bytes read.
 */
export async function extractTarballStream(
  source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  label: string,
  limits: Partial<ExtractLimits> = {},
  options: ExtractOptions = {},
): Promise<PackageFiles> {
  const limit: ExtractLimits = { ...DEFAULT_EXTRACT_LIMITS, ...limits };
  const input = new CompressedInput(source);
  const reader = new TarReader(label, limit, input, options.tempDirectory ?? tmpdir());
  try {
    return await readArchive(input, reader, label);
  } catch (error) {
    // Not drained to its end to let pacote's integrity check speak first: reading on through
    // pacote after a failed unpack leaves rejections in its cache writer that nobody handles, and
    // node ends a process on those. A corrupt download fails the package either way.
    throw error;
  } finally {
    reader.dispose();
  }
}

async function readArchive(input: CompressedInput, reader: TarReader, label: string): Promise<PackageFiles> {
  const head = await input.head(MAGIC_BYTES);
  if (startsWith(head, ZSTD_MAGIC)) {
    throw new ExtractError(`${label}: the tarball is zstd-compressed, which is not supported`);
  }
  const gzip = startsWith(head, GZIP_MAGIC);
  reader.compressed = gzip;
  const sink = async (chunks: AsyncIterable<Buffer>): Promise<void> => {
    for await (const chunk of chunks) await reader.write(chunk);
  };
  try {
    // npm's tar also reads an uncompressed archive; the same limits apply.
    if (gzip) await pipeline(input.chunks(), createGunzip(), sink);
    else await pipeline(input.chunks(), sink);
  } catch (error) {
    if (hasZlibCode(error)) throw new ExtractError(`${label}: the tarball is not valid gzip (${errorMessage(error)})`, { cause: error });
    throw error;
  }
  const files = await reader.finish();
  return { ...files, integrity: input.integrity() };
}

/** The SRI string npm would record for these bytes. */
export function sha512Integrity(bytes: Buffer): string {
  return `sha512-${createHash('sha512').update(bytes).digest('base64')}`;
}

function startsWith(bytes: Uint8Array, magic: readonly number[]): boolean {
  return bytes.length >= magic.length && magic.every((byte, i) => bytes[i] === byte);
}

/** The archive as it arrives: its first bytes looked at before the rest flows, every byte counted and hashed. */
class CompressedInput {
  bytes = 0;
  private readonly hash: Hash = createHash('sha512');
  private readonly iterator: AsyncIterator<Uint8Array> | Iterator<Uint8Array>;
  private readonly pending: Buffer[] = [];

  constructor(source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>) {
    this.iterator = Symbol.asyncIterator in source ? source[Symbol.asyncIterator]() : source[Symbol.iterator]();
  }

  /** At least `count` bytes from the start (fewer when the archive is shorter), kept for `chunks`. */
  async head(count: number): Promise<Buffer> {
    let have = 0;
    while (have < count) {
      const next = await this.iterator.next();
      if (next.done === true) break;
      const chunk = this.take(next.value);
      this.pending.push(chunk);
      have += chunk.length;
    }
    return Buffer.concat(this.pending);
  }

  async *chunks(): AsyncGenerator<Buffer> {
    yield* this.pending.splice(0);
    for (;;) {
      const next = await this.iterator.next();
      if (next.done === true) return;
      yield this.take(next.value);
    }
  }

  integrity(): string {
    return `sha512-${this.hash.digest('base64')}`;
  }

  private take(value: Uint8Array): Buffer {
    const chunk = Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
    this.bytes += chunk.length;
    this.hash.update(chunk);
    return chunk;
  }
}

export type EntryPath =
  | { kind: 'keep'; path: string; rootStripped: boolean }
  | { kind: 'refuse'; reason: string }
  | { kind: 'outside' };

/**
 * Where npm would put an entry (`tar.x` with `strip: 1`): the first segment is dropped whatever it
 * is, a `..` segment in the rest refuses the entry, and a root left at the front (`/`, `C:`) is
 * stripped, so the file is still installed. Backslashes are taken as separators, as npm does on
 * Windows, so a file meant for Windows installs is not missed on a Linux scan.
 */
export function entryPath(raw: string): EntryPath {
  const segments = raw.replaceAll('\\', '/').split('/');
  segments.shift();
  const rest = segments.join('/');
  // `.` segments go first, so a root hidden behind them (`package/./C:/x`) is still a root.
  const tidy = rest.split('/').filter((part) => part !== '.').join('/');
  const unrooted = tidy.replace(/^(?:\/|[A-Za-z]:)+/, '');
  const parts = unrooted.split('/');
  if (parts.includes('..')) return { kind: 'refuse', reason: "its path contains '..'" };
  const path = parts.filter((part) => part !== '').join('/');
  if (path === '') return { kind: 'outside' };
  const absolute = /^(?:\/|[A-Za-z]:)/.test(raw.replaceAll('\\', '/'));
  return { kind: 'keep', path, rootStripped: absolute || unrooted !== tidy };
}

const REFUSED_TYPE_REASONS: Readonly<Record<string, string>> = Object.freeze({
  SymbolicLink: 'a symbolic link',
  Link: 'a hard link',
  CharacterDevice: 'a character device',
  BlockDevice: 'a block device',
  FIFO: 'a FIFO',
});

/** One regular file being read: in memory, or (a big executable) into a temporary file. */
interface FileCollector {
  path: string;
  /** The size the tar header gives. */
  size: number;
  chunks: Buffer[];
  /** Bytes held in `chunks`. */
  kept: number;
  /** Bytes of the entry seen so far. */
  seen: number;
  truncated: boolean;
  /** The limit that applies, decided by the head (an executable's or any file's). */
  maxBytes: number;
  /** Undefined until the head (`FORMAT_HEAD_BYTES`) has been seen; null for a file that is no executable. */
  format: ExecutableFormat | null | undefined;
  /** Chunks waiting for the head to be complete. */
  pending: Buffer[];
  pendingBytes: number;
  spill: { path: string; fd: number; written: number } | null;
  executable?: { size: number; reading: BinaryReading };
}

class TarReader {
  /** Whether the archive was gzip: the ratio limit applies only then. */
  compressed = false;
  private readonly notes = new NoteList();
  private readonly collectors: FileCollector[] = [];
  private readonly seen = new Map<string, number>();
  private readonly parser: Parser;
  private failure: Error | undefined;
  private unpacked = 0;
  private inMemory = 0;
  private spillDirectory: string | null = null;
  private ended: Promise<void>;

  constructor(
    private readonly label: string,
    private readonly limit: ExtractLimits,
    private readonly input: CompressedInput,
    private readonly tempDirectory: string,
  ) {
    // strict: a warning (bad checksum, truncated input, unrecognised format) fails the package,
    // because npm skips such headers and a scanner that skipped differently could be steered.
    this.parser = new Parser({ strict: true, onReadEntry: (entry) => this.onEntry(entry) });
    this.ended = new Promise((resolve) => this.parser.on('end', () => resolve()));
    this.parser.on('error', (error: unknown) => this.fail(error));
    // Types npm's tar does not know (sparse files, vendor extensions) are skipped by it too; say so.
    this.parser.on('ignoredEntry', (entry: ReadEntry) => {
      if (!entry.meta) this.notes.add(`skipped ${quotePath(entry.path)}: unsupported tar entry type ${entry.type}`);
    });
  }

  /** One chunk of the tar stream: limits first, then the parser. */
  async write(chunk: Buffer): Promise<void> {
    if (this.unpacked === 0 && (startsWith(chunk, GZIP_MAGIC) || startsWith(chunk, ZSTD_MAGIC)) && this.compressed) {
      // The tar Parser would unzip a second layer on its own, which npm never does: refuse instead.
      throw new ExtractError(`${this.label}: the tarball holds another compressed layer instead of a tar archive`);
    }
    this.unpacked += chunk.length;
    this.checkUnpacked();
    const more = this.parser.write(chunk);
    this.throwIfFailed();
    if (!more) await new Promise<void>((resolve) => this.parser.once('drain', () => resolve()));
    this.throwIfFailed();
  }

  async finish(): Promise<Omit<PackageFiles, 'integrity'>> {
    this.parser.end();
    this.throwIfFailed();
    await this.ended;
    this.throwIfFailed();
    const files: PackageFile[] = this.collectors.map((collector) => {
      if (collector.truncated) {
        this.notes.addAlways(`${quotePath(collector.path)} is larger than ${formatBytes(collector.maxBytes)}; only its first ${formatBytes(collector.maxBytes)} were read`);
      }
      const file: PackageFile = { path: collector.path, content: Buffer.concat(collector.chunks, collector.kept) };
      if (collector.truncated) file.truncated = true;
      if (collector.executable !== undefined) file.executable = collector.executable;
      return file;
    });
    return { files, notes: this.notes.finish() };
  }

  /** Removes whatever a failed read left on disk. */
  dispose(): void {
    for (const collector of this.collectors) this.closeSpill(collector);
    if (this.spillDirectory !== null) rmSync(this.spillDirectory, { recursive: true, force: true });
    this.spillDirectory = null;
  }

  private checkUnpacked(): void {
    const ratioCap = this.compressed ? Math.max(this.limit.ratioFloorBytes, this.input.bytes * this.limit.maxRatio) : Infinity;
    if (this.unpacked > this.limit.maxUnpackedBytes) {
      const what = this.compressed ? 'the tarball unpacks to more than' : 'the tar archive is over the';
      throw new ExtractError(`${this.label}: ${what} ${formatBytes(this.limit.maxUnpackedBytes)}${this.compressed ? '' : ' limit'}`);
    }
    if (this.unpacked > ratioCap) {
      throw new ExtractError(
        `${this.label}: the tarball unpacks to more than ${this.limit.maxRatio} times its compressed size of ${formatBytes(this.input.bytes)} (a decompression bomb)`,
      );
    }
  }

  private fail(error: unknown): void {
    if (this.failure !== undefined) return;
    this.failure =
      error instanceof ExtractError ? error : new ExtractError(`${this.label}: the tar archive is corrupt (${errorMessage(error)})`, { cause: error });
  }

  private throwIfFailed(): void {
    if (this.failure !== undefined) throw this.failure;
  }

  private onEntry(entry: ReadEntry): void {
    if (this.failure) {
      entry.resume();
      return;
    }
    const { notes, limit } = this;
    const raw = entry.path;
    const type = entry.type;
    if (DIRECTORY_TYPES.has(type)) {
      entry.resume();
      return;
    }
    if (!REGULAR_FILE_TYPES.has(type)) {
      const what = REFUSED_TYPE_REASONS[type];
      const target = entry.linkpath ? ` to ${quotePath(entry.linkpath)}` : '';
      notes.add(
        what
          ? `refused ${quotePath(raw)}: ${what}${target} (links and devices are never followed)`
          : `skipped ${quotePath(raw)}: unsupported tar entry type ${type}`,
      );
      entry.resume();
      return;
    }
    const where = entryPath(raw);
    if (where.kind === 'refuse') {
      notes.add(`refused ${quotePath(raw)}: ${where.reason}`);
      entry.resume();
      return;
    }
    if (where.kind === 'outside') {
      notes.add(`skipped ${quotePath(raw)}: it lies outside the package folder, so npm does not install it`);
      entry.resume();
      return;
    }
    if (where.rootStripped) {
      notes.add(`${quotePath(raw)} has an absolute path; read as ${quotePath(where.path)}, where npm installs it`);
    }
    if (this.collectors.length >= limit.maxFiles) {
      this.fail(new ExtractError(`${this.label}: the tarball holds more than ${limit.maxFiles} files`));
      entry.resume();
      return;
    }
    const count = (this.seen.get(where.path) ?? 0) + 1;
    this.seen.set(where.path, count);
    if (count === 2) {
      // Every copy is scanned: which one an installer keeps depends on its tar version.
      notes.add(`${quotePath(where.path)} appears more than once in the tarball; every copy is scanned`);
    }
    const collector: FileCollector = {
      path: where.path,
      size: entry.size ?? 0,
      chunks: [],
      kept: 0,
      seen: 0,
      truncated: false,
      maxBytes: limit.maxFileBytes,
      format: undefined,
      pending: [],
      pendingBytes: 0,
      spill: null,
    };
    this.collectors.push(collector);
    entry.on('data', (chunk: Buffer) => {
      try {
        this.onData(collector, chunk);
      } catch (error) {
        this.fail(error);
      }
    });
    entry.on('end', () => {
      try {
        if (collector.format === undefined) this.decide(collector);
        if (collector.spill !== null) this.readSpilled(collector);
      } catch (error) {
        this.fail(error);
      }
    });
  }

  private onData(collector: FileCollector, chunk: Buffer): void {
    collector.seen += chunk.length;
    if (collector.format !== undefined) {
      if (collector.spill !== null) this.writeSpill(collector, chunk);
      else this.keep(collector, chunk);
      return;
    }
    // The head decides what the file is (an executable or not) and so which limit applies and
    // where it goes; until then its chunks wait, a few KiB at most.
    collector.pending.push(chunk);
    collector.pendingBytes += chunk.length;
    if (collector.pendingBytes >= FORMAT_HEAD_BYTES || collector.seen >= collector.size) this.decide(collector);
  }

  /** The part of `chunk` that still fits under the entry's limit once `used` bytes are taken; the rest marks it truncated. */
  private fitting(collector: FileCollector, chunk: Buffer, used: number): Buffer | null {
    const room = collector.maxBytes - used;
    const piece = room <= 0 ? null : chunk.length > room ? chunk.subarray(0, room) : chunk;
    if (piece === null || piece.length < chunk.length) collector.truncated = true;
    return piece;
  }

  private keep(collector: FileCollector, chunk: Buffer): void {
    const piece = this.fitting(collector, chunk, collector.kept);
    if (piece === null) return;
    this.inMemory += piece.length;
    if (this.inMemory > this.limit.maxMemoryBytes) {
      throw new ExtractError(`${this.label}: the package's files hold more than ${formatBytes(this.limit.maxMemoryBytes)} to read in memory`);
    }
    collector.chunks.push(piece);
    collector.kept += piece.length;
  }

  private decide(collector: FileCollector): void {
    const head = Buffer.concat(collector.pending, collector.pendingBytes);
    collector.pending = [];
    collector.pendingBytes = 0;
    collector.format = detectFormat(head.subarray(0, FORMAT_HEAD_BYTES));
    if (collector.format !== null) collector.maxBytes = Math.max(this.limit.maxFileBytes, this.limit.maxExecutableBytes);
    if (collector.format === null || collector.size <= this.limit.spillExecutableBytes) {
      this.keep(collector, head);
      return;
    }
    // Too big to hold: it goes to disk, and only its head stays in memory.
    this.spillDirectory ??= mkdtempSync(join(this.tempDirectory, 'fingerprint-gate-'));
    const path = join(this.spillDirectory, `${this.collectors.indexOf(collector)}.bin`);
    collector.spill = { path, fd: openSync(path, 'wx', 0o600), written: 0 };
    this.keep(collector, head.subarray(0, FORMAT_HEAD_BYTES));
    this.writeSpill(collector, head);
  }

  private writeSpill(collector: FileCollector, chunk: Buffer): void {
    const spill = collector.spill;
    if (spill === null) return;
    const piece = this.fitting(collector, chunk, spill.written);
    if (piece === null) return;
    let done = 0;
    while (done < piece.length) done += writeSync(spill.fd, piece, done, piece.length - done);
    spill.written += piece.length;
  }

  /** The entry is on disk: its JavaScript is read out by range, then the file goes. */
  private readSpilled(collector: FileCollector): void {
    const spill = collector.spill;
    if (spill === null || collector.format === null || collector.format === undefined) return;
    closeSync(spill.fd);
    const fd = openSync(spill.path, 'r');
    try {
      const reading = readBinary(collector.path, fileSource(fd, spill.written), collector.format, { truncated: collector.truncated });
      collector.executable = { size: spill.written, reading };
    } catch (error) {
      // Only its head is left to the analysis, which says the rest was not seen.
      this.notes.addAlways(`${quotePath(collector.path)}: the executable could not be read (${errorMessage(error)}); only its head is analysed`);
      collector.truncated = true;
    } finally {
      closeSync(fd);
      rmSync(spill.path, { force: true });
      collector.spill = null;
    }
  }

  private closeSpill(collector: FileCollector): void {
    if (collector.spill === null) return;
    try {
      closeSync(collector.spill.fd);
    } catch {
      // Already closed: readSpilled failed after closing it.
    }
    rmSync(collector.spill.path, { force: true });
    collector.spill = null;
  }
}

function hasZlibCode(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string' && error.code.startsWith('Z_');
}

/**
 * Unpacks a package tarball into memory. Nothing is written to disk and no entry is followed:
 * the tarball comes from whoever published the package, so every size, path and entry type in it
 * is hostile until checked.
 *
 * Entries are read with the Parser of the `tar` package that pacote installs with, so a tarball that parses
 * one way for npm cannot parse another way here (tar-parser differentials are a known way to
 * smuggle files past scanners). Where npm installs an entry under a path other than its raw
 * one, the file is kept under the path npm would install it at and the difference is noted.
 */
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { Parser, type ReadEntry } from 'tar';
import { ExtractError, errorMessage } from '../errors.js';
import { NoteList, formatBytes, quotePath } from './note-list.js';
import { detectFormat, FORMAT_HEAD_BYTES } from '../analysis/binaries/detect-format.js';
import type { PackageFile, PackageFiles } from './types.js';

export interface ExtractLimits {
  /** Bytes the decompressed tar stream may hold; past it the package is refused. */
  maxUnpackedBytes: number;
  /** Regular files a package may hold; past it the package is refused (a partial scan would pass code unseen). */
  maxFiles: number;
  /** Bytes kept of one file; the rest is dropped and the file marked `truncated`. */
  maxFileBytes: number;
  /** Bytes kept of an executable (by its magic bytes, `analysis/binaries/detect-format.ts`). */
  maxExecutableBytes: number;
  /** Decompressed bytes per compressed byte, enforced once the output passes `ratioFloorBytes`. */
  maxRatio: number;
  /** Below this many decompressed bytes the ratio is not checked: small, repetitive files compress well. */
  ratioFloorBytes: number;
}

const MIB = 1024 * 1024;

export const DEFAULT_EXTRACT_LIMITS: Readonly<ExtractLimits> = Object.freeze({
  maxUnpackedBytes: 256 * MIB,
  // Icon and locale packages legitimately ship tens of thousands of files.
  maxFiles: 100_000,
  // Real bundles are read whole: AI coding CLIs ship 10-30 MB single-file bundles, and a cut one
  // warns on every update. A 62.6 MiB bundle peaked at 2.65 GiB in the gate (a bare acorn parse
  // of it: 1.98 GiB), which a 7 GiB hosted runner holds once; the analysis pool lets only one such
  // file run at a time.
  maxFileBytes: 64 * MIB,
  // Single-file executables put their JavaScript at the end (Bun's module graph is the last
  // section; appended payloads come last by definition), so the head of one says nothing: they are
  // kept whole, up to the package's own limit. Never parsed whole: only the recovered modules are.
  maxExecutableBytes: 256 * MIB,
  // Ordinary JavaScript packs at 3-10x; deflate tops out near 1030x on runs of zeros.
  maxRatio: 200,
  ratioFloorBytes: 1 * MIB,
});

const GZIP_MAGIC = [0x1f, 0x8b] as const;
const ZSTD_MAGIC = [0x28, 0xb5, 0x2f, 0xfd] as const;

/** Entry types npm's pacote writes as files; everything else is a directory, link, device or metadata. */
const REGULAR_FILE_TYPES: ReadonlySet<string> = new Set(['File', 'OldFile', 'ContiguousFile']);
const DIRECTORY_TYPES: ReadonlySet<string> = new Set(['Directory', 'GNUDumpDir']);

const gunzipAsync = promisify(gunzip);

/**
 * Reads a `.tgz` (or plain `.tar`) held in memory. `label` names the package or file in errors.
 * Async because the tar Parser reports entries through events. Throws ExtractError for a corrupt
 * archive or a limit that makes the package unusable; refused entries become `notes`.
 */
export async function extractTarball(
  tgz: Buffer,
  label: string,
  limits: Partial<ExtractLimits> = {},
): Promise<PackageFiles> {
  const limit: ExtractLimits = { ...DEFAULT_EXTRACT_LIMITS, ...limits };
  const tar = await decompress(tgz, label, limit);
  const files = await readTarEntries(tar, label, limit);
  return { ...files, integrity: sha512Integrity(tgz) };
}

/** The SRI string npm would record for these bytes. */
export function sha512Integrity(bytes: Buffer): string {
  return `sha512-${createHash('sha512').update(bytes).digest('base64')}`;
}

function startsWith(bytes: Buffer, magic: readonly number[]): boolean {
  return bytes.length >= magic.length && magic.every((byte, i) => bytes[i] === byte);
}

async function decompress(tgz: Buffer, label: string, limit: ExtractLimits): Promise<Buffer> {
  if (startsWith(tgz, ZSTD_MAGIC)) {
    throw new ExtractError(`${label}: the tarball is zstd-compressed, which is not supported`);
  }
  if (!startsWith(tgz, GZIP_MAGIC)) {
    // npm's tar also reads an uncompressed archive; the same size limit applies.
    if (tgz.length > limit.maxUnpackedBytes) {
      throw new ExtractError(`${label}: the tar archive is ${formatBytes(tgz.length)}, over the ${formatBytes(limit.maxUnpackedBytes)} limit`);
    }
    return tgz;
  }
  const ratioCap = Math.max(limit.ratioFloorBytes, tgz.length * limit.maxRatio);
  const cap = Math.min(limit.maxUnpackedBytes, ratioCap);
  let tar: Buffer;
  try {
    tar = await gunzipAsync(tgz, { maxOutputLength: cap });
  } catch (error) {
    if (error instanceof RangeError || hasCode(error, 'ERR_BUFFER_TOO_LARGE')) {
      const reason =
        cap === limit.maxUnpackedBytes
          ? `unpacks to more than ${formatBytes(limit.maxUnpackedBytes)}`
          : `unpacks to more than ${limit.maxRatio} times its compressed size of ${formatBytes(tgz.length)} (a decompression bomb)`;
      throw new ExtractError(`${label}: the tarball ${reason}`, { cause: error });
    }
    throw new ExtractError(`${label}: the tarball is not valid gzip (${errorMessage(error)})`, { cause: error });
  }
  // The tar Parser would unzip a second layer on its own, which npm never does: refuse instead.
  if (startsWith(tar, GZIP_MAGIC) || startsWith(tar, ZSTD_MAGIC)) {
    throw new ExtractError(`${label}: the tarball holds another compressed layer instead of a tar archive`);
  }
  return tar;
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

interface FileCollector {
  path: string;
  chunks: Buffer[];
  kept: number;
  truncated: boolean;
  /** The limit that applies, decided by the first chunk (an executable's or any file's). */
  maxBytes: number;
}

function readTarEntries(tar: Buffer, label: string, limit: ExtractLimits): Promise<Omit<PackageFiles, 'integrity'>> {
  const notes = new NoteList();
  const collectors: FileCollector[] = [];
  const seen = new Map<string, number>();
  let failure: ExtractError | undefined;

  const onEntry = (entry: ReadEntry): void => {
    if (failure) {
      entry.resume();
      return;
    }
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
    if (collectors.length >= limit.maxFiles) {
      failure = new ExtractError(`${label}: the tarball holds more than ${limit.maxFiles} files`);
      entry.resume();
      return;
    }
    const count = (seen.get(where.path) ?? 0) + 1;
    seen.set(where.path, count);
    if (count === 2) {
      // Every copy is scanned: which one an installer keeps depends on its tar version.
      notes.add(`${quotePath(where.path)} appears more than once in the tarball; every copy is scanned`);
    }
    const collector: FileCollector = { path: where.path, chunks: [], kept: 0, truncated: false, maxBytes: limit.maxFileBytes };
    collectors.push(collector);
    entry.on('data', (chunk: Buffer) => {
      if (collector.kept === 0 && collector.chunks.length === 0 && detectFormat(chunk.subarray(0, FORMAT_HEAD_BYTES)) !== null) {
        collector.maxBytes = Math.max(limit.maxFileBytes, limit.maxExecutableBytes);
      }
      const room = collector.maxBytes - collector.kept;
      if (room <= 0) {
        collector.truncated = true;
        return;
      }
      const piece = chunk.length > room ? chunk.subarray(0, room) : chunk;
      if (piece.length < chunk.length) collector.truncated = true;
      collector.chunks.push(piece);
      collector.kept += piece.length;
    });
  };

  return new Promise((resolve, reject) => {
    let settled = false;
    const fail = (error: unknown): void => {
      if (settled) return;
      settled = true;
      const message = errorMessage(error);
      reject(error instanceof ExtractError ? error : new ExtractError(`${label}: the tar archive is corrupt (${message})`, { cause: error }));
    };
    // strict: a warning (bad checksum, truncated input, unrecognised format) fails the package,
    // because npm skips such headers and a scanner that skipped differently could be steered.
    const parser = new Parser({ strict: true, onReadEntry: onEntry });
    parser.on('error', fail);
    // Types npm's tar does not know (sparse files, vendor extensions) are skipped by it too; say so.
    parser.on('ignoredEntry', (entry: ReadEntry) => {
      if (!entry.meta) notes.add(`skipped ${quotePath(entry.path)}: unsupported tar entry type ${entry.type}`);
    });
    parser.on('end', () => {
      if (settled) return;
      if (failure) {
        fail(failure);
        return;
      }
      settled = true;
      const files: PackageFile[] = collectors.map((collector) => {
        if (collector.truncated) {
          notes.addAlways(`${quotePath(collector.path)} is larger than ${formatBytes(collector.maxBytes)}; only its first ${formatBytes(collector.maxBytes)} were read`);
        }
        const file: PackageFile = { path: collector.path, content: Buffer.concat(collector.chunks, collector.kept) };
        if (collector.truncated) file.truncated = true;
        return file;
      });
      resolve({ files, notes: notes.finish() });
    });
    try {
      parser.end(tar);
    } catch (error) {
      fail(error);
    }
  });
}

function hasCode(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && error.code === code;
}

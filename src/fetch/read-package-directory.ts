/**
 * Reads a package from a directory the CLI user named, under the same limits as a tarball. An
 * executable too big to hold is read where it lies, by range (`analysis/binaries/`), as
 * `extract.ts` reads one it wrote to disk.
 * Symlinks are never followed (a package folder can point anywhere on the machine), and
 * `node_modules` and `.git` are skipped: they hold other packages and history, not this package.
 */
import { constants, type Dirent } from 'node:fs';
import { open, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ExtractError, FetchError, errorMessage } from '../errors.js';
import { DEFAULT_EXTRACT_LIMITS, type ExtractLimits } from './extract.js';
import { NoteList, formatBytes, quotePath } from './note-list.js';
import { detectFormat, FORMAT_HEAD_BYTES } from '../analysis/binaries/detect-format.js';
import { readBinary } from '../analysis/binaries/embedded-code.js';
import { fileSource } from '../analysis/binaries/byte-source.js';
import type { PackageFile, PackageFiles } from './types.js';

export const SKIPPED_DIRECTORIES: ReadonlySet<string> = new Set(['node_modules', '.git']);

/** Where the platform has it, O_NOFOLLOW makes `open` fail on a symlink swapped in after the listing. */
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0);

/**
 * Every regular file under `dir`, paths `/`-separated and relative to it. `label` names the
 * package in errors. Throws FetchError when `dir` cannot be read, ExtractError past a limit.
 */
export async function readPackageDirectory(
  dir: string,
  label: string,
  limits: Partial<ExtractLimits> = {},
): Promise<PackageFiles> {
  const limit: ExtractLimits = { ...DEFAULT_EXTRACT_LIMITS, ...limits };
  await assertDirectory(dir, label);
  const notes = new NoteList();
  const files: PackageFile[] = [];
  let totalBytes = 0;
  let memoryBytes = 0;
  // An explicit stack: a deep tree must not exhaust the JS stack.
  const pending: string[] = [''];
  for (let relative = pending.pop(); relative !== undefined; relative = pending.pop()) {
    const entries = await listDirectory(join(dir, relative), label);
    for (const entry of entries) {
      const path = relative === '' ? entry.name : `${relative}/${entry.name}`;
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRECTORIES.has(entry.name)) pending.push(path);
      } else if (entry.isSymbolicLink()) {
        notes.add(`refused ${quotePath(path)}: a symbolic link (links are never followed)`);
      } else if (!entry.isFile()) {
        notes.add(`skipped ${quotePath(path)}: not a regular file`);
      } else {
        if (files.length >= limit.maxFiles) {
          throw new ExtractError(`${label}: the directory holds more than ${limit.maxFiles} files`);
        }
        const file = await readHead(join(dir, path), path, label, limit);
        totalBytes += file.size;
        memoryBytes += file.content.length;
        if (totalBytes > limit.maxUnpackedBytes) {
          throw new ExtractError(`${label}: the directory holds more than ${formatBytes(limit.maxUnpackedBytes)}`);
        }
        if (memoryBytes > limit.maxMemoryBytes) {
          throw new ExtractError(`${label}: the package's files hold more than ${formatBytes(limit.maxMemoryBytes)} to read in memory`);
        }
        if (file.truncated) {
          notes.addAlways(`${quotePath(path)} is larger than ${formatBytes(file.readBytes)}; only its first ${formatBytes(file.readBytes)} were read`);
        }
        files.push({
          path,
          content: file.content,
          ...(file.truncated ? { truncated: true } : {}),
          ...(file.executable === undefined ? {} : { executable: file.executable }),
        });
      }
    }
  }
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { files, integrity: null, notes: notes.finish() };
}

async function assertDirectory(dir: string, label: string): Promise<void> {
  try {
    // The user named this path on purpose, so a symlink to it is followed here and only here.
    const info = await stat(dir);
    if (!info.isDirectory()) throw new FetchError(`${label}: ${dir} is not a directory`, { code: 'ENOTDIR' });
  } catch (error) {
    if (error instanceof FetchError) throw error;
    throw new FetchError(`${label}: cannot read the directory ${dir} (${errorMessage(error)})`, { cause: error, code: codeOf(error) });
  }
}

async function listDirectory(dir: string, label: string): Promise<Dirent[]> {
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    return entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  } catch (error) {
    throw new FetchError(`${label}: cannot list ${dir} (${errorMessage(error)})`, { cause: error, code: codeOf(error) });
  }
}

async function readHead(
  file: string,
  path: string,
  label: string,
  limit: ExtractLimits,
): Promise<{ content: Buffer; size: number; truncated: boolean; readBytes: number; executable?: PackageFile['executable'] }> {
  try {
    const handle = await open(file, OPEN_FLAGS);
    try {
      const info = await handle.stat();
      if (!info.isFile()) throw new FetchError(`${label}: ${quotePath(path)} stopped being a regular file while it was read`);
      const read = async (wanted: number): Promise<Buffer> => {
        const content = Buffer.alloc(wanted);
        let filled = 0;
        while (filled < wanted) {
          const { bytesRead } = await handle.read(content, filled, wanted - filled, filled);
          if (bytesRead === 0) break;
          filled += bytesRead;
        }
        return content.subarray(0, filled);
      };
      const head = await read(Math.min(info.size, FORMAT_HEAD_BYTES));
      const format = detectFormat(head);
      if (format !== null && info.size > limit.spillExecutableBytes) {
        const size = Math.min(info.size, limit.maxExecutableBytes);
        const truncated = info.size > size;
        const reading = readBinary(path, fileSource(handle.fd, size), format, { truncated });
        return { content: head, size: info.size, truncated, readBytes: size, executable: { size, reading } };
      }
      const maxBytes = format === null ? limit.maxFileBytes : Math.max(limit.maxFileBytes, limit.maxExecutableBytes);
      const content = await read(Math.min(info.size, maxBytes));
      return { content, size: info.size, truncated: info.size > maxBytes, readBytes: maxBytes };
    } finally {
      await handle.close();
    }
  } catch (error) {
    if (error instanceof FetchError) throw error;
    throw new FetchError(`${label}: cannot read ${quotePath(path)} (${errorMessage(error)})`, { cause: error, code: codeOf(error) });
  }
}

function codeOf(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string') return error.code;
  return undefined;
}

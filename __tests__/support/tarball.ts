/**
 * Builds tar archives in memory for tests, writing the headers by hand so that entries no
 * well-behaved packer would write (traversal, links, devices, bad checksums) can be made.
 */
import { gzipSync } from 'node:zlib';

const BLOCK = 512;

export const TAR_TYPE_FLAGS = {
  file: '0',
  'old-file': '\0',
  hardlink: '1',
  symlink: '2',
  'char-device': '3',
  'block-device': '4',
  directory: '5',
  fifo: '6',
  contiguous: '7',
} as const;
export type TarEntryType = keyof typeof TAR_TYPE_FLAGS;

export interface TarEntrySpec {
  path: string;
  content?: string | Buffer;
  type?: TarEntryType;
  linkpath?: string;
  /** Extra pax records written in an `x` header before the entry (e.g. `{ path: '...' }`). */
  pax?: Record<string, string>;
  /** A raw type flag, for types no packer writes; wins over `type`. */
  typeFlag?: string;
  /** Write a wrong header checksum. */
  badChecksum?: boolean;
}

function writeString(block: Buffer, offset: number, length: number, value: string): void {
  const bytes = Buffer.from(value, 'utf8');
  if (bytes.length > length) throw new Error(`tarball helper: ${JSON.stringify(value)} does not fit in ${length} bytes`);
  bytes.copy(block, offset);
}

function writeOctal(block: Buffer, offset: number, length: number, value: number): void {
  writeString(block, offset, length, `${value.toString(8).padStart(length - 1, '0')}\0`);
}

function header(path: string, flag: string, size: number, linkpath: string, badChecksum: boolean): Buffer {
  const block = Buffer.alloc(BLOCK);
  writeString(block, 0, 100, path);
  writeOctal(block, 100, 8, flag === TAR_TYPE_FLAGS.directory ? 0o755 : 0o644);
  writeOctal(block, 108, 8, 0);
  writeOctal(block, 116, 8, 0);
  writeOctal(block, 124, 12, size);
  writeOctal(block, 136, 12, 0);
  block.write(flag, 156, 'latin1');
  writeString(block, 157, 100, linkpath);
  writeString(block, 257, 6, 'ustar\0');
  writeString(block, 263, 2, '00');
  block.fill(0x20, 148, 156);
  let sum = 0;
  for (const byte of block) sum += byte;
  if (badChecksum) sum += 1;
  writeString(block, 148, 8, `${sum.toString(8).padStart(6, '0')}\0 `);
  return block;
}

function padded(content: Buffer): Buffer[] {
  const rest = content.length % BLOCK;
  return rest === 0 ? [content] : [content, Buffer.alloc(BLOCK - rest)];
}

/** A pax record: its decimal length counts itself, the space, `key=value` and the newline. */
function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  let length = Buffer.byteLength(body) + 1;
  while (String(length).length + Buffer.byteLength(body) !== length) length += 1;
  return `${length}${body}`;
}

function fitsUstar(value: string): boolean {
  return Buffer.byteLength(value) <= 100;
}

/** An uncompressed tar archive of the entries, in order, ended by two zero blocks. */
export function buildTar(entries: readonly TarEntrySpec[]): Buffer {
  const blocks: Buffer[] = [];
  for (const entry of entries) {
    const content = typeof entry.content === 'string' ? Buffer.from(entry.content) : (entry.content ?? Buffer.alloc(0));
    const flag = entry.typeFlag ?? TAR_TYPE_FLAGS[entry.type ?? 'file'];
    const linkpath = entry.linkpath ?? '';
    const pax: Record<string, string> = { ...entry.pax };
    if (!fitsUstar(entry.path)) pax.path = entry.path;
    if (!fitsUstar(linkpath)) pax.linkpath = linkpath;
    if (Object.keys(pax).length > 0) {
      const body = Buffer.from(Object.entries(pax).map(([key, value]) => paxRecord(key, value)).join(''));
      blocks.push(header('PaxHeader', 'x', body.length, '', false), ...padded(body));
    }
    const shortPath = fitsUstar(entry.path) ? entry.path : entry.path.slice(0, 99);
    const shortLink = fitsUstar(linkpath) ? linkpath : '';
    const bodyless = entry.typeFlag === undefined && flag !== TAR_TYPE_FLAGS.file && flag !== TAR_TYPE_FLAGS['old-file'] && flag !== TAR_TYPE_FLAGS.contiguous;
    const size = bodyless ? 0 : content.length;
    blocks.push(header(shortPath, flag, size, shortLink, entry.badChecksum ?? false));
    if (size > 0) blocks.push(...padded(content));
  }
  blocks.push(Buffer.alloc(BLOCK * 2));
  return Buffer.concat(blocks);
}

/** A gzipped tar archive, the shape of an npm tarball. */
export function buildTarball(entries: readonly TarEntrySpec[], level = 6): Buffer {
  return gzipSync(buildTar(entries), { level });
}

/** Entries under `package/`, as `npm pack` writes them. */
export function packageEntries(files: Readonly<Record<string, string | Buffer>>): TarEntrySpec[] {
  return Object.entries(files).map(([path, content]) => ({ path: `package/${path}`, content }));
}

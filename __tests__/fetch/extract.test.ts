import { randomBytes } from 'node:crypto';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { create as createTar } from 'tar';
import { describe, expect, it } from 'vitest';
import { ExtractError } from '../../src/errors.js';
import {
  entryPath,
  extractTarball,
  sha512Integrity,
  type EntryPath,
} from '../../src/fetch/extract.js';
import { MAX_LISTED_NOTES } from '../../src/fetch/note-list.js';
import type { PackageFiles } from '../../src/fetch/types.js';
import { buildTar, buildTarball, packageEntries, type TarEntrySpec } from '../support/tarball.js';

const LABEL = 'victim@1.0.0';

function paths(result: PackageFiles): string[] {
  return result.files.map((file) => file.path).sort();
}

function text(result: PackageFiles, path: string): string | undefined {
  return result.files.find((file) => file.path === path)?.content.toString('utf8');
}

describe('extractTarball: a normal package', () => {
  it('strips the leading folder, keeps only regular files and records the sha512 of the bytes', async () => {
    const tgz = buildTarball([
      { path: 'package/', type: 'directory' },
      { path: 'package/package.json', content: '{"name":"victim","version":"1.0.0"}' },
      { path: 'package/index.js', content: 'module.exports = 1;\n' },
      { path: 'package/lib/', type: 'directory' },
      { path: 'package/lib/a.js', content: 'exports.a = Intl.DateTimeFormat().resolvedOptions().timeZone;' },
      { path: 'package/empty.js', content: '' },
      { path: 'package/old.js', type: 'old-file', content: 'old' },
      { path: 'package/contiguous.js', type: 'contiguous', content: 'contig' },
    ]);
    const result = await extractTarball(tgz, LABEL);
    expect(paths(result)).toEqual(['contiguous.js', 'empty.js', 'index.js', 'lib/a.js', 'old.js', 'package.json']);
    expect(text(result, 'lib/a.js')).toBe('exports.a = Intl.DateTimeFormat().resolvedOptions().timeZone;');
    expect(text(result, 'empty.js')).toBe('');
    expect(result.notes).toEqual([]);
    expect(result.integrity).toBe(sha512Integrity(tgz));
    expect(result.files.every((file) => file.truncated === undefined)).toBe(true);
  });

  it('strips whatever the first folder is called, as npm does', async () => {
    const result = await extractTarball(buildTarball([{ path: 'node-thing/index.js', content: 'x' }]), LABEL);
    expect(paths(result)).toEqual(['index.js']);
  });

  it('reads paths longer than 100 bytes from pax headers', async () => {
    const long = `package/${'deep/'.repeat(30)}file.js`;
    const result = await extractTarball(buildTarball([{ path: long, content: 'long' }]), LABEL);
    expect(paths(result)).toEqual([long.slice('package/'.length)]);
  });

  it('reads an uncompressed tar archive too', async () => {
    const result = await extractTarball(buildTar(packageEntries({ 'index.js': 'plain' })), LABEL);
    expect(text(result, 'index.js')).toBe('plain');
  });

  it('reads what the tar package itself packs, including long names', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fg-extract-'));
    try {
      const long = `${'nested-directory-name/'.repeat(6)}really-long-file-name-for-a-pax-header.js`;
      await mkdir(join(dir, 'package', long, '..'), { recursive: true });
      await writeFile(join(dir, 'package', 'index.js'), 'module.exports = 2;');
      await writeFile(join(dir, 'package', long), 'long');
      const stream = createTar({ gzip: true, cwd: dir, portable: true }, ['package']);
      const chunks: Buffer[] = [];
      for await (const chunk of stream) chunks.push(Buffer.from(chunk as Uint8Array));
      const result = await extractTarball(Buffer.concat(chunks), LABEL);
      expect(paths(result)).toEqual([long, 'index.js'].sort());
      expect(text(result, long)).toBe('long');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

interface RefusalCase {
  name: string;
  entry: TarEntrySpec;
  note: RegExp;
}

const REFUSALS: RefusalCase[] = [
  { name: '../ traversal', entry: { path: 'package/../../evil.js', content: 'evil' }, note: /refused "package\/\.\.\/\.\.\/evil\.js": .*'\.\.'/ },
  { name: 'backslash traversal', entry: { path: 'package\\..\\..\\evil.js', content: 'evil' }, note: /'\.\.'/ },
  { name: 'traversal hidden in a pax path', entry: { path: 'package/ok.js', pax: { path: 'package/../../evil.js' }, content: 'evil' }, note: /'\.\.'/ },
  { name: 'symlink', entry: { path: 'package/link.js', type: 'symlink', linkpath: '/etc/passwd' }, note: /symbolic link to "\/etc\/passwd"/ },
  { name: 'hardlink', entry: { path: 'package/hard.js', type: 'hardlink', linkpath: 'package/index.js' }, note: /hard link/ },
  { name: 'character device', entry: { path: 'package/tty', type: 'char-device' }, note: /character device/ },
  { name: 'block device', entry: { path: 'package/sda', type: 'block-device' }, note: /block device/ },
  { name: 'fifo', entry: { path: 'package/pipe', type: 'fifo' }, note: /FIFO/ },
  { name: 'an entry type npm does not know', entry: { path: 'package/sparse.js', typeFlag: 'S', content: 'hidden' }, note: /unsupported tar entry type SparseFile/ },
  { name: 'file at the archive root', entry: { path: 'rootfile.js', content: 'x' }, note: /outside the package folder/ },
];

describe('extractTarball: refused entries are notes, not errors', () => {
  it.each(REFUSALS)('$name', async ({ entry, note }) => {
    const tgz = buildTarball([...packageEntries({ 'index.js': 'ok' }), entry]);
    const result = await extractTarball(tgz, LABEL);
    expect(paths(result)).toEqual(['index.js']);
    expect(result.notes).toHaveLength(1);
    expect(result.notes[0]).toMatch(note);
  });

  it('keeps an absolute path under the relative path npm installs it at, and notes it', async () => {
    const result = await extractTarball(
      buildTarball([
        { path: '/etc/cron.js', content: 'a' },
        { path: 'package//abs.js', content: 'b' },
        { path: 'C:\\win.js', content: 'c' },
      ]),
      LABEL,
    );
    expect(paths(result)).toEqual(['abs.js', 'etc/cron.js', 'win.js']);
    expect(result.notes).toHaveLength(3);
    for (const note of result.notes) expect(note).toMatch(/absolute path; read as/);
  });

  it('keeps every copy of a path that appears twice, and notes it', async () => {
    const result = await extractTarball(
      buildTarball([
        { path: 'package/index.js', content: 'benign' },
        { path: 'package/index.js', content: 'process.env.TZ' },
      ]),
      LABEL,
    );
    expect(result.files.map((file) => file.content.toString())).toEqual(['benign', 'process.env.TZ']);
    expect(result.notes).toEqual(['"index.js" appears more than once in the tarball; every copy is scanned']);
  });

  it('quotes attacker-chosen paths so control characters cannot break a note', async () => {
    const result = await extractTarball(buildTarball([{ path: 'package/a\nb', type: 'symlink', linkpath: 'x' }]), LABEL);
    expect(result.notes[0]).toContain('"package/a\\nb"');
    expect(result.notes[0]).not.toContain('\n');
  });

  it('lists a bounded number of notes and summarises the rest', async () => {
    const links: TarEntrySpec[] = Array.from({ length: MAX_LISTED_NOTES + 40 }, (_, i) => ({
      path: `package/link-${i}`,
      type: 'symlink',
      linkpath: '/etc/passwd',
    }));
    const result = await extractTarball(buildTarball(links), LABEL);
    expect(result.notes).toHaveLength(MAX_LISTED_NOTES + 1);
    expect(result.notes.at(-1)).toBe('40 more entries were noted but not listed');
  });
});

describe('extractTarball: limits', () => {
  it('keeps the head of a file over the per-file limit and marks it truncated', async () => {
    const big = Buffer.concat([Buffer.from('process.env.TZ;'), Buffer.alloc(5000, 0x61)]);
    const result = await extractTarball(buildTarball(packageEntries({ 'big.js': big, 'small.js': 'ok' })), LABEL, {
      maxFileBytes: 1000,
    });
    const file = result.files.find((entry) => entry.path === 'big.js');
    expect(file?.truncated).toBe(true);
    expect(file?.content.length).toBe(1000);
    expect(file?.content.equals(big.subarray(0, 1000))).toBe(true);
    expect(result.files.find((entry) => entry.path === 'small.js')?.truncated).toBeUndefined();
    expect(result.notes).toEqual(['"big.js" is larger than 1000 bytes; only its first 1000 bytes were read']);
  });

  it('accepts exactly the file limit and refuses one more file', async () => {
    const three = packageEntries({ 'a.js': 'a', 'b.js': 'b', 'c.js': 'c' });
    await expect(extractTarball(buildTarball(three), LABEL, { maxFiles: 3 })).resolves.toMatchObject({ notes: [] });
    const four = [...three, { path: 'package/d.js', content: 'd' }];
    const failure = extractTarball(buildTarball(four), LABEL, { maxFiles: 3 });
    await expect(failure).rejects.toBeInstanceOf(ExtractError);
    await expect(failure).rejects.toThrow(`${LABEL}: the tarball holds more than 3 files`);
  });

  it('refuses a ratio bomb: a few MB of zeros', async () => {
    const tgz = buildTarball(packageEntries({ 'zeros.bin': Buffer.alloc(4 * 1024 * 1024) }), 9);
    const failure = extractTarball(tgz, LABEL);
    await expect(failure).rejects.toBeInstanceOf(ExtractError);
    await expect(failure).rejects.toThrow(/victim@1\.0\.0: .*decompression bomb/);
  });

  it('accepts highly compressible content below the ratio floor', async () => {
    const tgz = buildTarball(packageEntries({ 'zeros.bin': Buffer.alloc(256 * 1024) }), 9);
    const result = await extractTarball(tgz, LABEL);
    expect(result.files[0]?.content.length).toBe(256 * 1024);
  });

  it('refuses a tarball over the total unpacked limit', async () => {
    const tgz = buildTarball(packageEntries({ 'noise.bin': randomBytes(64 * 1024) }));
    const failure = extractTarball(tgz, LABEL, { maxUnpackedBytes: 32 * 1024 });
    await expect(failure).rejects.toBeInstanceOf(ExtractError);
    await expect(failure).rejects.toThrow(/unpacks to more than 32 KiB/);
  });

  it('refuses an uncompressed tar over the total unpacked limit', async () => {
    const tar = buildTar(packageEntries({ 'noise.bin': randomBytes(64 * 1024) }));
    await expect(extractTarball(tar, LABEL, { maxUnpackedBytes: 32 * 1024 })).rejects.toThrow(/over the 32 KiB limit/);
  });
});

describe('extractTarball: corrupt input throws ExtractError naming the package', () => {
  const good = buildTarball(packageEntries({ 'index.js': 'x'.repeat(3000) }));
  const CORRUPT: { name: string; bytes: Buffer }[] = [
    { name: 'gzip header then garbage', bytes: Buffer.concat([good.subarray(0, 10), randomBytes(200)]) },
    { name: 'gzip cut short', bytes: good.subarray(0, Math.floor(good.length / 2)) },
    { name: 'valid gzip of a tar cut short', bytes: gzipSync(buildTar(packageEntries({ 'index.js': 'x'.repeat(3000) })).subarray(0, 1200)) },
    { name: 'gzip of something that is not tar', bytes: gzipSync(Buffer.from('just some text, not an archive')) },
    { name: 'empty input', bytes: Buffer.alloc(0) },
    { name: 'a tar header with a bad checksum', bytes: buildTarball([{ path: 'package/index.js', content: 'x', badChecksum: true }]) },
    { name: 'gzip inside gzip', bytes: gzipSync(good) },
    { name: 'zstd magic', bytes: Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0, 0, 0, 0]) },
  ];
  it.each(CORRUPT)('$name', async ({ bytes }) => {
    const failure = extractTarball(bytes, LABEL);
    await expect(failure).rejects.toBeInstanceOf(ExtractError);
    await expect(failure).rejects.toThrow(/^victim@1\.0\.0: /);
  });
});

describe('entryPath', () => {
  const CASES: [string, EntryPath][] = [
    ['package/index.js', { kind: 'keep', path: 'index.js', rootStripped: false }],
    ['package/./lib//a.js', { kind: 'keep', path: 'lib/a.js', rootStripped: false }],
    ['../index.js', { kind: 'keep', path: 'index.js', rootStripped: false }],
    ['package/../x.js', { kind: 'refuse', reason: "its path contains '..'" }],
    ['package/a/../../x.js', { kind: 'refuse', reason: "its path contains '..'" }],
    ['package/c:../x.js', { kind: 'refuse', reason: "its path contains '..'" }],
    ['/etc/passwd', { kind: 'keep', path: 'etc/passwd', rootStripped: true }],
    ['package///x.js', { kind: 'keep', path: 'x.js', rootStripped: true }],
    ['package/C:/x.js', { kind: 'keep', path: 'x.js', rootStripped: true }],
    // Found by the property test: a root behind `.` segments is still a root.
    ['/./C:/x.js', { kind: 'keep', path: 'x.js', rootStripped: true }],
    ['package/././/D:/x.js', { kind: 'keep', path: 'x.js', rootStripped: true }],
    ['package\\win.js', { kind: 'keep', path: 'win.js', rootStripped: false }],
    ['index.js', { kind: 'outside' }],
    ['package/', { kind: 'outside' }],
  ];
  it.each(CASES)('%s', (raw, expected) => {
    expect(entryPath(raw)).toEqual(expected);
  });
});

import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ExtractError, FetchError } from '../../src/errors.js';
import { readPackageDirectory } from '../../src/fetch/read-package-directory.js';
import { bunPayload, elfWith } from '../analysis/binaries/bun-payload.js';

describe('readPackageDirectory', () => {
  let dir: string;
  let outside: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fg-dir-'));
    outside = await mkdtemp(join(tmpdir(), 'fg-outside-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
    await rm(outside, { recursive: true, force: true });
  });

  async function write(path: string, content: string | Buffer): Promise<void> {
    await mkdir(join(dir, path, '..'), { recursive: true });
    await writeFile(join(dir, path), content);
  }

  it('reads an executable too big to hold where it lies: its head, and the JavaScript recovered by range', async () => {
    const code = 'module.exports = Intl.DateTimeFormat().resolvedOptions().timeZone;';
    const binary = elfWith(Buffer.alloc(100_000, 0x90), bunPayload([{ name: 'cli.js', contents: code }]));
    await write('bin/tool', binary);
    const result = await readPackageDirectory(dir, 'local', { spillExecutableBytes: 50_000, maxFileBytes: 10_000 });
    const tool = result.files[0];
    expect(tool?.content).toHaveLength(4096);
    expect(tool?.truncated).toBeUndefined();
    expect(tool?.executable?.size).toBe(binary.length);
    expect(tool?.executable?.reading.modules.map((module) => [module.path, module.content.toString(), module.offset])).toEqual([
      ['bin/tool#cli.js', code, binary.indexOf(code)],
    ]);
  });

  it('reads regular files, skips node_modules and .git, and never follows symlinks', async () => {
    await write('package.json', '{}');
    await write('lib/deep/a.js', 'a');
    await write('node_modules/dep/index.js', 'dep');
    await write('.git/config', '[core]');
    await writeFile(join(outside, 'secret.js'), 'outside');
    await symlink(join(outside, 'secret.js'), join(dir, 'link.js'));
    await symlink(outside, join(dir, 'linked-dir'));
    const result = await readPackageDirectory(dir, 'local');
    expect(result.files.map((file) => file.path)).toEqual(['lib/deep/a.js', 'package.json']);
    expect(result.files[0]?.content.toString()).toBe('a');
    expect(result.integrity).toBeNull();
    expect(result.notes).toEqual([
      'refused "link.js": a symbolic link (links are never followed)',
      'refused "linked-dir": a symbolic link (links are never followed)',
    ]);
  });

  it('keeps the head of a large file and marks it truncated', async () => {
    await write('big.js', 'x'.repeat(3000));
    const result = await readPackageDirectory(dir, 'local', { maxFileBytes: 1024 });
    expect(result.files[0]?.content.length).toBe(1024);
    expect(result.files[0]?.truncated).toBe(true);
    expect(result.notes).toEqual(['"big.js" is larger than 1 KiB; only its first 1 KiB were read']);
  });

  it('refuses a directory over the file count or total size limit', async () => {
    await write('a.js', 'a'.repeat(600));
    await write('b.js', 'b'.repeat(600));
    await expect(readPackageDirectory(dir, 'local', { maxFiles: 1 })).rejects.toThrow(ExtractError);
    await expect(readPackageDirectory(dir, 'local', { maxUnpackedBytes: 1000 })).rejects.toThrow(/^local: the directory holds more than 1000 bytes/);
    await expect(readPackageDirectory(dir, 'local', { maxFiles: 2, maxUnpackedBytes: 1200 })).resolves.toMatchObject({ notes: [] });
  });

  it('reports a missing directory or a file as a FetchError', async () => {
    await write('file.js', 'x');
    await expect(readPackageDirectory(join(dir, 'absent'), 'local')).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(readPackageDirectory(join(dir, 'file.js'), 'local')).rejects.toThrow(FetchError);
  });
});

import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ExtractError } from '../../../src/errors.js';
import { extractTarball } from '../../../src/fetch/extract.js';
import { FORMAT_HEAD_BYTES } from '../../../src/analysis/binaries/detect-format.js';
import { buildTarball, packageEntries } from '../../support/tarball.js';
import { bunPayload, ELF_HEAD, elfWith } from './bun-payload.js';

describe('extractTarball: executables', () => {
  it('keeps an executable whole past the per-file limit (its code lies at the end), up to the executable limit', async () => {
    const binary = Buffer.concat([ELF_HEAD, Buffer.alloc(3000, 0x90), Buffer.from('tail')]);
    const script = Buffer.concat([Buffer.from('x=1;'), Buffer.alloc(3000, 0x20)]);
    const result = await extractTarball(buildTarball(packageEntries({ 'bin/tool': binary, 'big.js': script })), 'p@1.0.0', {
      maxFileBytes: 1000,
      maxExecutableBytes: 5000,
    });
    const tool = result.files.find((file) => file.path === 'bin/tool');
    expect(tool?.truncated).toBeUndefined();
    expect(tool?.content.equals(binary)).toBe(true);
    expect(result.files.find((file) => file.path === 'big.js')?.truncated).toBe(true);
  });

  it('cuts an executable over the executable limit and says at which size', async () => {
    const binary = Buffer.concat([ELF_HEAD, Buffer.alloc(6000, 0x90)]);
    const result = await extractTarball(buildTarball(packageEntries({ 'bin/tool': binary })), 'p@1.0.0', { maxFileBytes: 1000, maxExecutableBytes: 5000 });
    expect(result.files[0]?.content.length).toBe(5000);
    expect(result.files[0]?.truncated).toBe(true);
    expect(result.notes).toEqual(['"bin/tool" is larger than 5000 bytes; only its first 5000 bytes were read']);
  });
});

describe('extractTarball: executables too big to hold', () => {
  let temp: string;
  beforeEach(() => {
    temp = mkdtempSync(join(tmpdir(), 'fg-spill-test-'));
  });
  afterEach(() => rmSync(temp, { recursive: true, force: true }));
  /** Whatever the extraction wrote must be gone once it settles, whether it succeeded or not. */
  const leftOnDisk = (): string[] => readdirSync(temp, { recursive: true }).map(String);

  const code = 'const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;';
  const binary = elfWith(Buffer.alloc(200_000, 0x90), bunPayload([{ name: 'cli.js', contents: code }]));
  const SMALL = { spillExecutableBytes: 64 * 1024, maxFileBytes: 32 * 1024 };

  it('reads the JavaScript out of the binary as it is unpacked, keeps only the head, and deletes what it wrote', async () => {
    const result = await extractTarball(buildTarball(packageEntries({ 'bin/tool': binary, 'index.js': 'x();' })), 'p@1.0.0', SMALL, { tempDirectory: temp });
    const tool = result.files.find((file) => file.path === 'bin/tool');
    expect(tool?.content.equals(binary.subarray(0, FORMAT_HEAD_BYTES))).toBe(true);
    expect(tool?.truncated).toBeUndefined();
    expect(tool?.executable?.size).toBe(binary.length);
    const modules = tool?.executable?.reading.modules ?? [];
    expect(modules.map((module) => [module.path, module.content.toString(), module.offset])).toEqual([['bin/tool#cli.js', code, binary.indexOf(code)]]);
    expect(result.files.find((file) => file.path === 'index.js')?.content.toString()).toBe('x();');
    expect(leftOnDisk()).toEqual([]);
  });

  it('deletes a binary it wrote when the package is refused after it', async () => {
    const entries = packageEntries({ 'bin/tool': binary, 'a.js': 'a', 'b.js': 'b' });
    const failure = extractTarball(buildTarball(entries), 'p@1.0.0', { ...SMALL, maxFiles: 2 }, { tempDirectory: temp });
    await expect(failure).rejects.toBeInstanceOf(ExtractError);
    expect(leftOnDisk()).toEqual([]);
  });

  it('reads a spilled binary up to the executable limit and says the rest was not seen', async () => {
    const result = await extractTarball(buildTarball(packageEntries({ 'bin/tool': binary })), 'p@1.0.0', { ...SMALL, maxExecutableBytes: 100_000 }, { tempDirectory: temp });
    const tool = result.files[0];
    expect(tool?.truncated).toBe(true);
    expect(tool?.executable?.size).toBe(100_000);
    expect(tool?.executable?.reading.unrecovered).toMatch(/only the head .* was read/);
    expect(result.notes).toEqual(['"bin/tool" is larger than 100000 bytes; only its first 100000 bytes were read']);
  });

  it('refuses a package whose files would hold more than the memory limit, executables on disk not counted', async () => {
    const files = { 'bin/tool': binary, 'a.js': 'a'.repeat(20_000), 'b.js': 'b'.repeat(20_000) };
    await expect(extractTarball(buildTarball(packageEntries(files)), 'p@1.0.0', { ...SMALL, maxMemoryBytes: 50_000 }, { tempDirectory: temp })).resolves.toBeDefined();
    const failure = extractTarball(buildTarball(packageEntries(files)), 'p@1.0.0', { ...SMALL, maxMemoryBytes: 30_000 }, { tempDirectory: temp });
    await expect(failure).rejects.toThrow("p@1.0.0: the package's files hold more than 30000 bytes to read in memory");
  });
});

import { describe, expect, it } from 'vitest';
import { extractTarball } from '../../../src/fetch/extract.js';
import { buildTarball, packageEntries } from '../../support/tarball.js';
import { ELF_HEAD } from './bun-payload.js';

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

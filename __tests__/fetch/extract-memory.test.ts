/**
 * Peak memory on hostile tarballs, measured in a child process of its own (a test worker's RSS
 * says nothing): a decompression bomb and a package of thousands of files must stay far below
 * 1 GiB while they are refused or read.
 */
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { bundleForChild } from '../support/bundle-for-child.js';
import { buildTar, packageEntries } from '../support/tarball.js';

const run = promisify(execFile);
const MAX_RSS_BYTES = 512 * 1024 * 1024;

const ENTRY = `
import { readFileSync } from 'node:fs';
import { extractTarball } from './src/fetch/extract.ts';
const tgz = readFileSync(process.argv[2]);
let outcome;
try {
  const files = await extractTarball(tgz, 'hostile');
  outcome = { ok: true, files: files.files.length };
} catch (error) {
  outcome = { ok: false, error: String(error && error.message) };
}
process.stdout.write(JSON.stringify({ ...outcome, maxRss: process.resourceUsage().maxRSS * 1024 }));
`;

async function extractInChild(tgz: Buffer): Promise<{ ok: boolean; files?: number; error?: string; maxRss: number }> {
  const { dir, script } = await bundleForChild(ENTRY, 'extract-memory');
  const input = join(dir, 'input.tgz');
  await writeFile(input, tgz);
  const { stdout } = await run(process.execPath, [script, input], { maxBuffer: 16 * 1024 * 1024 });
  return JSON.parse(stdout) as { ok: boolean; files?: number; error?: string; maxRss: number };
}

describe('extraction memory', () => {
  it('refuses a 2 GiB file of zeros in a small tarball without holding it', async () => {
    // A tar header for one 2 GiB file, then zeros: gzip makes it about 2 MB.
    const header = buildTar([{ path: 'package/zeros.js', content: Buffer.alloc(0) }]).subarray(0, 512);
    const size = 2 * 1024 * 1024 * 1024;
    const patched = Buffer.from(header);
    patched.write(size.toString(8).padStart(11, '0') + '\0', 124, 12, 'ascii');
    let sum = 0;
    patched.fill(' ', 148, 156);
    for (const byte of patched) sum += byte;
    patched.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 8, 'ascii');
    const zeros = Buffer.alloc(64 * 1024 * 1024);
    const gzip = gzipSync(Buffer.concat([patched, zeros]), { level: 9 });
    const outcome = await extractInChild(gzip);
    expect(outcome.ok).toBe(false);
    expect(outcome.error).toMatch(/hostile/);
    expect(outcome.maxRss).toBeLessThan(MAX_RSS_BYTES);
  }, 60_000);

  it('reads a package of 5,000 small files within bounds', async () => {
    const files = Object.fromEntries(Array.from({ length: 5_000 }, (_, i) => [`lib/f${i}.js`, `module.exports = ${i};\n`]));
    const outcome = await extractInChild(gzipSync(buildTar(packageEntries(files))));
    expect(outcome.ok).toBe(true);
    expect(outcome.files).toBe(5_000);
    expect(outcome.maxRss).toBeLessThan(MAX_RSS_BYTES);
  }, 60_000);
});

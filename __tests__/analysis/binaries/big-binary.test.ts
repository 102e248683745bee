/**
 * A 250 MB executable, read the way the gate reads a registry package: streamed from its tarball,
 * written to a temporary file, its module graph found from the end by range. Measured in a child
 * process of its own (a test worker's RSS says nothing): the binary must never be whole in memory.
 * The binary is zeros around a real module (its tarball is a few hundred KB, so the ratio limit is
 * raised for it; a real one, `claude-code-linux-x64` 2.1.337, is 428 MB in a 196 MB tarball).
 */
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createGzip } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { bundleForChild } from '../../support/bundle-for-child.js';
import { buildTar } from '../../support/tarball.js';
import { bunPayload, ELF_HEAD } from './bun-payload.js';

const run = promisify(execFile);
const MIB = 1024 * 1024;
const ZEROS = 250 * MIB;
const MAX_RSS_BYTES = 200 * MIB;
const MAX_MS = 60_000;
const CODE = readFileSync(fileURLToPath(new URL('../../fixtures/packages/fg-chat-client-1.1.0/index.js', import.meta.url)));

// What the fetcher does with a local tarball (pacote's stream for a registry one takes the same road).
const ENTRY = `
import { createReadStream } from 'node:fs';
import { extractTarballStream } from './src/fetch/extract.ts';
import { analyzePackage } from './src/analysis/analyze-package.ts';
import { DETECTORS } from './src/analysis/detectors/index.ts';
const started = performance.now();
const files = await extractTarballStream(createReadStream(process.argv[2]), 'big@1.0.0', { maxRatio: 5000 });
const analysis = analyzePackage(files, DETECTORS);
const ms = performance.now() - started;
const finding = analysis.findings.find((entry) => entry.ruleId === 'encoded-list-match');
const binary = files.files.find((file) => file.path === 'bin/tool');
process.stdout.write(JSON.stringify({ ms, extracted: performance.now() - started, maxRss: process.resourceUsage().maxRSS * 1024, finding, headBytes: binary?.content.length, size: binary?.executable?.size }));
`;

/** A tar header for one file of `size` bytes (the helper's own header, with the size patched in). */
function header(path: string, size: number): Buffer {
  const block = Buffer.from(buildTar([{ path, content: Buffer.alloc(0) }]).subarray(0, 512));
  block.write(`${size.toString(8).padStart(11, '0')}\0`, 124, 12, 'ascii');
  block.fill(' ', 148, 156);
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8, 'ascii');
  return block;
}

/** Writes the tarball piece by piece: neither the test nor the child holds the binary. */
async function writeTarball(path: string, binaryParts: readonly (Buffer | number)[]): Promise<void> {
  const gzip = createGzip({ level: 1 });
  const out = gzip.pipe(createWriteStream(path));
  const write = async (chunk: Buffer): Promise<void> => {
    if (!gzip.write(chunk)) await once(gzip, 'drain');
  };
  const manifest = Buffer.from(JSON.stringify({ name: 'big', version: '1.0.0', bin: { big: 'bin/tool' } }));
  await write(buildTar([{ path: 'package/package.json', content: manifest }]).subarray(0, 1024));
  const size = binaryParts.reduce<number>((sum, part) => sum + (typeof part === 'number' ? part : part.length), 0);
  await write(header('package/bin/tool', size));
  const zeros = Buffer.alloc(MIB);
  for (const part of binaryParts) {
    if (typeof part !== 'number') await write(part);
    else for (let left = part; left > 0; left -= MIB) await write(left >= MIB ? zeros : zeros.subarray(0, left));
  }
  await write(Buffer.alloc((512 - (size % 512)) % 512 + 1024));
  gzip.end();
  await once(out, 'close');
}

let dir: string | undefined;
afterAll(async () => {
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

describe('a 250 MB executable', () => {
  it('is streamed to disk and read by range: the hidden list is found at its byte offset, in bounded memory, well under a minute', async () => {
    const bundle = await bundleForChild(ENTRY, 'big-binary');
    dir = bundle.dir;
    const payload = bunPayload([{ name: 'cli.js', contents: CODE }]);
    const tarball = join(dir, 'big.tgz');
    await writeTarball(tarball, [ELF_HEAD, ZEROS, payload, 4096]);
    const { stdout } = await run(process.execPath, [bundle.script, tarball], { maxBuffer: 16 * MIB });
    const outcome = JSON.parse(stdout) as {
      ms: number;
      maxRss: number;
      headBytes: number;
      size: number;
      finding?: { file: string; evidence: { details?: Record<string, unknown> } };
    };
    const moduleOffset = ELF_HEAD.length + ZEROS + payload.indexOf(CODE);
    expect(outcome.size).toBe(ELF_HEAD.length + ZEROS + payload.length + 4096);
    expect(outcome.headBytes).toBe(4096);
    expect(outcome.finding?.file).toBe('bin/tool#cli.js');
    expect(outcome.finding?.evidence.details).toMatchObject({ embeddedIn: 'bin/tool', moduleOffset, recoveredBy: 'bun-module-graph' });
    const byteOffset = Number(outcome.finding?.evidence.details?.byteOffset);
    expect(byteOffset).toBeGreaterThan(moduleOffset);
    expect(byteOffset).toBeLessThan(moduleOffset + CODE.length);
    expect(outcome.maxRss).toBeLessThan(MAX_RSS_BYTES);
    expect(outcome.ms).toBeLessThan(MAX_MS);
  }, 180_000);
});

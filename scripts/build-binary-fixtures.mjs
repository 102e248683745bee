#!/usr/bin/env node
/**
 * Builds the executable fixtures in __tests__/fixtures/binaries/ with the real tools:
 * - Bun's `bun build --compile` (fetched from the npm registry as @oven/bun-linux-x64, never
 *   installed or run from package scripts). A compiled executable is Bun's whole runtime (about
 *   100 MB) plus the module graph, so only the graph is kept: the fixture is the 64-byte ELF header
 *   of the real output followed by its `.bun` section exactly as Bun wrote it (length prefix,
 *   modules, table, offsets, trailer). The reader finds the graph from the trailer backwards, as
 *   in the full file.
 * - Node's `--experimental-sea-config` (this node): the blob `postject` copies unchanged into a
 *   node binary, after the 64-byte ELF header of this node and some padding. (Checked by hand: the
 *   reader finds the same script in a full `postject`-injected node 20 binary.)
 *
 *   node scripts/build-binary-fixtures.mjs            # rebuild the committed fixtures
 *   node scripts/build-binary-fixtures.mjs --keep DIR # also keep the full executables in DIR
 *
 * Linux x64 only (the Bun binary must run here). The tests read the committed fixtures, so CI needs
 * neither Bun nor this script.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { extract } from 'tar';

const BUN_PACKAGE = '@oven/bun-linux-x64@1.4.5';
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = join(ROOT, '__tests__/fixtures/binaries');
const TRAILER = Buffer.from('\n---- Bun! ----\n', 'latin1');
const ELF_HEADER_BYTES = 64;

/** Fixture name -> the entry script compiled into it (the package fixtures' own code). */
const FIXTURES = {
  'bun-chat-client.elf': '__tests__/fixtures/packages/fg-chat-client-1.1.0/index.js',
  'bun-honest-client.elf': '__tests__/fixtures/packages/fg-chat-client-1.0.0/index.js',
};

const SEA_FIXTURES = {
  'node-sea-chat-client.elf': '__tests__/fixtures/packages/fg-chat-client-1.1.0/index.js',
};

const keepAt = process.argv.indexOf('--keep');
const keep = keepAt >= 0 ? process.argv[keepAt + 1] : undefined;
const work = mkdtempSync(join(tmpdir(), 'fg-bun-'));
try {
  execFileSync('npm', ['pack', BUN_PACKAGE, '--pack-destination', work, '--silent'], { stdio: ['ignore', 'pipe', 'inherit'] });
  for (const [name, source] of Object.entries(SEA_FIXTURES)) {
    copyFileSync(join(ROOT, source), join(work, 'app.js'));
    writeFileSync(join(work, 'sea-config.json'), JSON.stringify({ main: 'app.js', output: 'sea.blob', disableExperimentalSEAWarning: true }));
    execFileSync(process.execPath, ['--experimental-sea-config', 'sea-config.json'], { cwd: work, stdio: ['ignore', 'ignore', 'inherit'] });
    const head = readFileSync(process.execPath).subarray(0, ELF_HEADER_BYTES);
    mkdirSync(OUT, { recursive: true });
    writeFileSync(join(OUT, name), Buffer.concat([head, Buffer.alloc(256), readFileSync(join(work, 'sea.blob'))]));
    process.stdout.write(`${name}: node ${process.version} SEA blob kept\n`);
  }
  const tgz = join(work, 'oven-bun-linux-x64-1.4.5.tgz');
  await extract({ file: tgz, cwd: work });
  const bun = join(work, 'package/bin/bun');
  mkdirSync(OUT, { recursive: true });
  for (const [name, source] of Object.entries(FIXTURES)) {
    const entry = join(work, 'app.js');
    copyFileSync(join(ROOT, source), entry);
    const exe = join(work, name);
    execFileSync(bun, ['build', '--compile', entry, '--outfile', exe], { cwd: work, stdio: ['ignore', 'ignore', 'inherit'] });
    const bytes = readFileSync(exe);
    writeFileSync(join(OUT, name), Buffer.concat([bytes.subarray(0, ELF_HEADER_BYTES), bunSection(bytes)]));
    if (keep !== undefined) copyFileSync(exe, join(keep, name));
    process.stdout.write(`${name}: ${bytes.length} bytes compiled, graph kept\n`);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}

/** The `.bun` section: a u64 length, then the payload ending in Offsets and the trailer. */
function bunSection(bytes) {
  const trailer = bytes.lastIndexOf(TRAILER);
  if (trailer < 0) throw new Error('no Bun trailer in the compiled executable');
  const end = trailer + TRAILER.length;
  const byteCount = Number(bytes.readBigUInt64LE(trailer - 32));
  const start = trailer - 32 - byteCount;
  const length = bytes.readBigUInt64LE(start - 8);
  if (Number(length) !== end - start) throw new Error(`unexpected layout: section length ${length}, payload ${end - start}`);
  return bytes.subarray(start - 8, end);
}

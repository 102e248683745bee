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
 * - `pkg` (the maintained fork @yao-pkg/pkg, installed from the npm registry into a temporary
 *   directory with --ignore-scripts): its own walker, refiner, packer and producer make the
 *   executable, and its fabricator compiles the bytecode, as `pkg` does. Two things differ, each
 *   because of this machine or the fixtures' size, not the format:
 *   - the base binary. pkg downloads patched node builds from GitHub, which is out of reach here,
 *     so the producer is handed a stand-in: the 64-byte ELF header of this node plus the strings
 *     pkg looks for in a base (the BAKERY, PAYLOAD_POSITION, PAYLOAD_SIZE, PRELUDE_POSITION and
 *     PRELUDE_SIZE placeholders, which the producer overwrites with the numbers, as it does in a
 *     real base) and the name the patched node runs the prelude under. The payload and the prelude
 *     after it are exactly what the producer writes after any base;
 *   - the fabricator, which runs pkg's compile script in a node to make V8 bytecode (a code cache,
 *     no source), runs it in this node instead of pkg's patched one of the same major version;
 *   - the prelude's runtime code (pkg's prelude/bootstrap.js and lib-es5/common.js, 77 KB, the same
 *     in every executable of a pkg version) is replaced by a one-line comment before the producer
 *     writes it, so each fixture is a few KB. Its head and its closing arguments (the file table,
 *     entry point, symlinks, path dictionary and compression), which the reader uses, are the
 *     producer's own. `--keep DIR` also writes the uncut executables (checked by hand: the reader
 *     finds the same modules in them).
 *
 *   node scripts/build-binary-fixtures.mjs              # rebuild the committed fixtures
 *   node scripts/build-binary-fixtures.mjs --keep DIR   # also keep the full executables in DIR
 *   node scripts/build-binary-fixtures.mjs --only pkg   # one kind: bun, sea or pkg
 *
 * Linux x64 only (the Bun binary must run here). The tests read the committed fixtures, so CI needs
 * neither Bun, pkg nor this script.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { extract } from 'tar';

const BUN_PACKAGE = '@oven/bun-linux-x64@1.4.5';
/** The newest @yao-pkg/pkg that runs on node 20 (later ones require node 22). */
const PKG_PACKAGE = '@yao-pkg/pkg@6.14.2';
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = join(ROOT, '__tests__/fixtures/binaries');
const TRAILER = Buffer.from('\n---- Bun! ----\n', 'latin1');
const ELF_HEADER_BYTES = 64;
const FINGERPRINTING = '__tests__/fixtures/packages/fg-chat-client-1.1.0/index.js';
const HONEST = '__tests__/fixtures/packages/fg-chat-client-1.0.0/index.js';

/** Fixture name -> the entry script compiled into it (the package fixtures' own code). */
const FIXTURES = {
  'bun-chat-client.elf': FINGERPRINTING,
  'bun-honest-client.elf': HONEST,
};

const SEA_FIXTURES = {
  'node-sea-chat-client.elf': FINGERPRINTING,
};

/**
 * pkg's options per fixture, as its command line sets them: `public` ships the sources
 * (`--public`), `bytecode` compiles them (the default; `--no-bytecode` turns it off), `compress`
 * is pkg's CompressType (0 none, 1 gzip, 2 brotli: `--compress GZip|Brotli`).
 */
const PKG_FIXTURES = {
  'pkg-chat-client.elf': { source: FINGERPRINTING, public: true, bytecode: false, compress: 0 },
  'pkg-honest-client.elf': { source: HONEST, public: true, bytecode: false, compress: 0 },
  // --public with bytecode: each file holds its bytecode and its source, gzip-compressed.
  'pkg-chat-client-gzip.elf': { source: FINGERPRINTING, public: true, bytecode: true, compress: 1 },
  'pkg-chat-client-brotli.elf': { source: FINGERPRINTING, public: true, bytecode: false, compress: 2 },
  // pkg's default for a package that is not public: bytecode only, no source.
  'pkg-bytecode-client.elf': { source: FINGERPRINTING, public: false, bytecode: true, compress: 0 },
};

const option = (name) => {
  const at = process.argv.indexOf(name);
  return at >= 0 ? process.argv[at + 1] : undefined;
};
const keep = option('--keep');
const only = option('--only');
const work = mkdtempSync(join(tmpdir(), 'fg-binaries-'));
mkdirSync(OUT, { recursive: true });
try {
  if (only === undefined || only === 'sea') buildSea();
  if (only === undefined || only === 'bun') await buildBun();
  if (only === undefined || only === 'pkg') await buildPkg();
} finally {
  rmSync(work, { recursive: true, force: true });
}

function buildSea() {
  for (const [name, source] of Object.entries(SEA_FIXTURES)) {
    copyFileSync(join(ROOT, source), join(work, 'app.js'));
    writeFileSync(join(work, 'sea-config.json'), JSON.stringify({ main: 'app.js', output: 'sea.blob', disableExperimentalSEAWarning: true }));
    execFileSync(process.execPath, ['--experimental-sea-config', 'sea-config.json'], { cwd: work, stdio: ['ignore', 'ignore', 'inherit'] });
    writeFileSync(join(OUT, name), Buffer.concat([elfHeader(), Buffer.alloc(256), readFileSync(join(work, 'sea.blob'))]));
    process.stdout.write(`${name}: node ${process.version} SEA blob kept\n`);
  }
}

async function buildBun() {
  execFileSync('npm', ['pack', BUN_PACKAGE, '--pack-destination', work, '--silent'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const tgz = join(work, 'oven-bun-linux-x64-1.4.5.tgz');
  await extract({ file: tgz, cwd: work });
  const bun = join(work, 'package/bin/bun');
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

function elfHeader() {
  return readFileSync(process.execPath).subarray(0, ELF_HEADER_BYTES);
}

async function buildPkg() {
  const prefix = join(work, 'pkg');
  execFileSync('npm', ['install', '--ignore-scripts', '--no-audit', '--no-fund', '--silent', '--prefix', prefix, PKG_PACKAGE], { stdio: ['ignore', 'ignore', 'inherit'] });
  const home = join(prefix, 'node_modules/@yao-pkg/pkg');
  const require = createRequire(join(home, 'lib-es5/index.js'));
  const { version } = JSON.parse(readFileSync(join(home, 'package.json'), 'utf8'));
  const base = join(work, 'pkg-base');
  writeFileSync(base, standInBase());
  for (const [name, spec] of Object.entries(PKG_FIXTURES)) {
    const app = join(work, 'app', name.replace(/\.elf$/, ''));
    mkdirSync(app, { recursive: true });
    copyFileSync(join(ROOT, spec.source), join(app, 'index.js'));
    const outputs = [[join(OUT, name), true], ...(keep === undefined ? [] : [[join(keep, name), false]])];
    for (const [output, cut] of outputs) {
      await pkgBuild({ require, home, version, base, entry: join(app, 'index.js'), output, cut, spec });
      process.stdout.write(`${output}: ${readFileSync(output).length} bytes (${PKG_PACKAGE}${cut ? ', prelude runtime cut' : ''})\n`);
    }
  }
}

/**
 * One executable, the way pkg's `exec` makes it once its base binaries are fetched: walk the
 * entry's files, refine the paths, pack the stripes and the prelude, produce the executable.
 */
async function pkgBuild({ require, home, version, base, entry, output, cut, spec }) {
  // The producer keeps its path dictionary in module state, which one pkg run shares across its
  // targets: each fixture is one run, so it gets a fresh producer.
  for (const module of ['./producer', './fabricator']) delete require.cache[require.resolve(module)];
  const walker = require('./walker').default;
  const refiner = require('./refiner').default;
  const packer = require('./packer').default;
  const producer = require('./producer').default;
  const fabricator = require('./fabricator');
  const marker = { config: {}, base: dirname(entry), configPath: entry, toplevel: true };
  const walked = await walker(marker, entry, undefined, spec.public ? { publicToplevel: true } : {});
  const refined = refiner(walked.records, walked.entrypoint, walked.symLinks);
  const backpack = packer({ records: refined.records, entrypoint: refined.entrypoint, bytecode: spec.bytecode, symLinks: refined.symLinks });
  if (cut) {
    const bootstrap = readFileSync(join(home, 'prelude/bootstrap.js'), 'utf8').replace('%VERSION%', version);
    const common = readFileSync(join(home, 'lib-es5/common.js'), 'utf8');
    backpack.prelude = replaceOnce(replaceOnce(backpack.prelude, bootstrap, '/* pkg prelude/bootstrap.js: cut from the fixture */'), common, '/* pkg lib-es5/common.js: cut from the fixture */');
  }
  const target = {
    platform: 'linux',
    arch: 'x64',
    nodeRange: `node${process.versions.node.split('.')[0]}`,
    binaryPath: base,
    output,
    fabricator: { platform: 'linux', arch: 'x64', nodeRange: `node${process.versions.node.split('.')[0]}`, binaryPath: process.execPath },
  };
  try {
    await producer({ backpack, bakes: [], slash: '/', target, symLinks: refined.symLinks, doCompress: spec.compress, nativeBuild: false });
  } finally {
    fabricator.shutdown();
  }
}

function replaceOnce(text, part, by) {
  const at = text.indexOf(part);
  if (at < 0) throw new Error('pkg prelude: runtime text to cut not found (has the packer changed?)');
  return text.slice(0, at) + by + text.slice(at + part.length);
}

/** This node's ELF header, then the strings pkg's producer finds and overwrites in a base binary. */
function standInBase() {
  const strings = [
    `${'// BAKERY '.repeat(20)}`,
    '// PAYLOAD_POSITION //',
    '// PAYLOAD_SIZE //',
    '// PRELUDE_POSITION //',
    '// PRELUDE_SIZE //',
    'pkg/prelude/bootstrap.js',
  ];
  return Buffer.concat([elfHeader(), Buffer.from(`\0${strings.join('\0')}\0`)]);
}

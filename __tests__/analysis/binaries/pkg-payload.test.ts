import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { MAX_MODULE_BYTES, readBinary as readBinaryIn } from '../../../src/analysis/binaries/embedded-code.js';
import { bufferSource } from '../../../src/analysis/binaries/byte-source.js';
import {
  PKG_PRELUDE_HEAD,
  readPkgPayload as readPkgPayloadIn,
  readStripe,
  type PkgCompression,
  type PkgPayload,
  type PkgProblem,
} from '../../../src/analysis/binaries/pkg-payload.js';
import { ELF_HEAD } from './bun-payload.js';

const FIXTURES = fileURLToPath(new URL('../../fixtures/', import.meta.url));
const fixture = (name: string): Buffer => readFileSync(`${FIXTURES}binaries/${name}`);
const FINGERPRINTING = readFileSync(`${FIXTURES}packages/fg-chat-client-1.1.0/index.js`);
const HONEST = readFileSync(`${FIXTURES}packages/fg-chat-client-1.0.0/index.js`);
const readPkgPayload = (bytes: Buffer): PkgPayload | PkgProblem | null => readPkgPayloadIn(bufferSource(bytes));
const readBinary = (bytes: Buffer): ReturnType<typeof readBinaryIn> => readBinaryIn('bin/chat', bufferSource(bytes), 'elf');
const payloadOf = (bytes: Buffer): PkgPayload => {
  const payload = readPkgPayload(bytes);
  if (payload === null || 'unreadable' in payload) throw new Error(`no pkg payload: ${JSON.stringify(payload)}`);
  return payload;
};
const DECOMPRESS: Record<PkgCompression, (bytes: Buffer) => Buffer> = {
  none: (bytes) => bytes,
  gzip: (bytes) => gunzipSync(bytes),
  brotli: (bytes) => brotliDecompressSync(bytes),
  zstd: () => {
    throw new Error('no zstd fixture');
  },
};

/**
 * The numbers pkg's producer wrote over the placeholders of the stand-in base (see
 * scripts/build-binary-fixtures.mjs): the base is the ELF header, then NUL-separated placeholders.
 */
function producerNumbers(bytes: Buffer): { payloadPosition: number; payloadSize: number; preludePosition: number; preludeSize: number } {
  const fields = bytes.toString('latin1', ELF_HEAD.length, ELF_HEAD.length + 512).split(/\0+/).filter((field) => /^\d+ +$/.test(field));
  const [payloadPosition, payloadSize, preludePosition, preludeSize] = fields.map((field) => Number(field.trim()));
  return { payloadPosition: payloadPosition ?? -1, payloadSize: payloadSize ?? -1, preludePosition: preludePosition ?? -1, preludeSize: preludeSize ?? -1 };
}

// Built by @yao-pkg/pkg's own walker, packer, producer and fabricator (scripts/build-binary-fixtures.mjs).
const CASES = [
  { name: 'pkg-chat-client.elf', compression: 'none', source: FINGERPRINTING, snapshot: '/snapshot/pkg-chat-client/index.js', bytecode: false },
  { name: 'pkg-honest-client.elf', compression: 'none', source: HONEST, snapshot: '/snapshot/pkg-honest-client/index.js', bytecode: false },
  { name: 'pkg-chat-client-gzip.elf', compression: 'gzip', source: FINGERPRINTING, snapshot: '/snapshot/pkg-chat-client-gzip/index.js', bytecode: true },
  { name: 'pkg-chat-client-brotli.elf', compression: 'brotli', source: FINGERPRINTING, snapshot: '/snapshot/pkg-chat-client-brotli/index.js', bytecode: false },
] as const;

describe('readPkgPayload: executables pkg built', () => {
  it.each(CASES)('$name: the file table, where the producer put the payload and the prelude', ({ name, compression, snapshot, bytecode }) => {
    const bytes = fixture(name);
    const payload = payloadOf(bytes);
    const numbers = producerNumbers(bytes);
    // Derived from the prelude and the table, it is where pkg says it wrote them.
    expect(payload.offset).toBe(numbers.payloadPosition);
    expect(payload.preludeOffset).toBe(numbers.preludePosition);
    expect(numbers.preludePosition - numbers.payloadPosition).toBe(numbers.payloadSize);
    expect(payload).toMatchObject({ compression, entrypoint: snapshot });
    expect(payload.files.map((file) => [file.name, file.javascript, file.entry, file.content !== null, file.bytecode !== null])).toEqual([
      [snapshot, true, true, true, bytecode],
    ]);
  });

  it.each(CASES)('$name: the source sits at the offset given', ({ name, compression, source }) => {
    const bytes = fixture(name);
    const content = payloadOf(bytes).files[0]?.content;
    const stored = bytes.subarray(content?.offset, (content?.offset ?? 0) + (content?.length ?? 0));
    expect(DECOMPRESS[compression](stored).equals(source)).toBe(true);
  });

  it('a file compiled to bytecode with no source: the bytecode stripe, no content', () => {
    const payload = payloadOf(fixture('pkg-bytecode-client.elf'));
    expect(payload.files.map((file) => [file.name, file.content, file.bytecode === null])).toEqual([['/snapshot/pkg-bytecode-client/index.js', null, false]]);
  });

  it('there is no payload in a binary without the prelude', () => {
    expect(readPkgPayload(Buffer.concat([ELF_HEAD, Buffer.from('pkg/prelude/bootstrap.js\0')]))).toBeNull();
  });
});

describe('readBinary: pkg executables', () => {
  it.each(CASES)('$name: the source as a module named by its snapshot path, the entry point flagged', ({ name, source, snapshot }) => {
    const reading = readBinary(fixture(name));
    expect(reading).toMatchObject({ runtime: 'pkg', unrecovered: null, strings: null });
    expect(reading.modules.map((module) => [module.path, module.method, module.entry, module.truncated])).toEqual([[`bin/chat#${snapshot}`, 'pkg-payload', true, undefined]]);
    expect(reading.modules[0]?.content.equals(source)).toBe(true);
  });

  it('bytecode only: says so in plain words and keeps the string table (the lists are string constants of the bytecode)', () => {
    const reading = readBinary(fixture('pkg-bytecode-client.elf'));
    expect(reading).toMatchObject({ runtime: 'pkg', modules: [], unrecovered: "pkg compiled the package's JavaScript to V8 bytecode; no source in the payload" });
    expect(reading.strings?.text).toContain('b19YRVpPBWdDRFlBBmtZQ0sFfk9CWEtEBmtHT1hDSUsFYktcS0RL');
  });

  it('some files with source, the entry as bytecode only: the sources are read and the rest named', () => {
    const bytes = pkgBinary([
      { name: '/snapshot/app/index.js', bytecode: Buffer.alloc(64, 0xbc) },
      { name: '/snapshot/app/node_modules/dep/index.js', content: 'module.exports = 1;', bytecode: Buffer.alloc(16, 0xbc) },
      { name: '/snapshot/app/node_modules/dep/package.json', content: '{"name":"dep"}' },
    ]);
    const reading = readBinary(bytes);
    expect(reading.modules.map((module) => [module.path, module.entry, module.content.toString()])).toEqual([
      ['bin/chat#/snapshot/app/node_modules/dep/index.js', false, 'module.exports = 1;'],
    ]);
    expect(reading.unrecovered).toBe('pkg compiled 1 of the JavaScript files to V8 bytecode, with no source in the payload: /snapshot/app/index.js');
  });

  it('reads the payload in a runtime that also holds node\u2019s SEA fuse (unset), as pkg\u2019s node bases do', () => {
    const fuse = Buffer.from('NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2:0\0');
    const reading = readBinary(pkgBinary([{ name: '/snapshot/app/cli.js', content: 'main();' }], { base: fuse }));
    expect(reading.modules.map((module) => [module.path, module.method])).toEqual([['bin/chat#/snapshot/app/cli.js', 'pkg-payload']]);
  });

  it('the files of the payload, never the runtime text around it (node\u2019s library, pkg\u2019s prelude)', () => {
    const library = Buffer.from(`function internal() { const os = require('os'); return os.hostname(); }\n`.repeat(20));
    const reading = readBinary(pkgBinary([{ name: '/snapshot/app/cli.js', content: 'main();' }], { base: library }));
    expect(reading.modules.map((module) => [module.path, module.method, module.content.toString()])).toEqual([['bin/chat#/snapshot/app/cli.js', 'pkg-payload', 'main();']]);
  });

  it('names Windows targets by their snapshot path, compressed keys and all', () => {
    const reading = readBinary(pkgBinary([{ name: 'C:\\snapshot\\app\\cli.js', content: 'main();' }], { compression: 2 }));
    expect(reading.modules.map((module) => [module.path, module.entry])).toEqual([['bin/chat#C:\\snapshot\\app\\cli.js', true]]);
  });

  it('reads the two closing arguments pkg 4 wrote (no symlinks, dictionary or compression)', () => {
    const reading = readBinary(pkgBinary([{ name: '/snapshot/app/cli.js', content: 'main();' }], { argumentCount: 2 }));
    expect(reading.modules.map((module) => module.content.toString())).toEqual(['main();']);
  });
});

describe('hostile pkg payloads: a bounded, clear result, never a throw', () => {
  const brotli = fixture('pkg-chat-client-brotli.elf');
  const plain = fixture('pkg-chat-client.elf');
  const replaceLine = (bytes: Buffer, from: string, to: string): Buffer => {
    const text = bytes.toString('latin1');
    if (!text.includes(from)) throw new Error(`fixture has no ${from}`);
    return Buffer.from(text.replace(from, to), 'latin1');
  };
  const cutTail = (bytes: Buffer, keep: number): Buffer => bytes.subarray(0, bytes.length - keep);

  it.each([
    ['a stripe past the end of the file', pkgBinary([{ name: '/snapshot/a.js', content: 'x();' }], { table: { '/snapshot/a.js': { 1: [1_000_000, 4] } } }), 'does not lay its stripes end to end'],
    ['a length that overflows', pkgBinary([{ name: '/snapshot/a.js', content: 'x();' }], { table: { '/snapshot/a.js': { 1: [0, 2 ** 60] } } }), 'not an offset and a length'],
    ['a table larger than the file before it', pkgBinary([{ name: '/snapshot/a.js', content: 'x();' }], { table: { '/snapshot/a.js': { 1: [0, 1_000_000] } } }), 'reaches before the start of the file'],
    ['a forged entry that would shift the payload', pkgBinary([{ name: '/snapshot/a.js', content: 'x();' }], { table: { '/snapshot/a.js': { 1: [0, 4] }, '/snapshot/b.js': { 1: [0, 900] } } }), 'end to end'],
    ['a pointer that is not a pair of numbers', pkgBinary([{ name: '/snapshot/a.js', content: 'x();' }], { table: { '/snapshot/a.js': { 1: 'here' } } }), 'not an offset and a length'],
    ['a truncated prelude', cutTail(brotli, 40), 'closing arguments are missing'],
    ['a garbage DICT', replaceLine(brotli, '{"":"0","snapshot":"1","pkg-chat-client-brotli":"2","index.js":"3"}', '[1,2,3]'), 'path dictionary is not a table of names'],
    ['a DICT that names other files', replaceLine(brotli, '"index.js":"3"', '"index.js":"9"'), 'does not name the files of its table'],
    ['an unknown compression', replaceLine(brotli, '\n2\n);\n})', '\n7\n);\n})'), 'unknown compression (7)'],
    ['arguments that are not JSON', replaceLine(plain, '\n0\n);\n})', '\nDOCOMPRESS\n);\n})'), 'not JSON'],
  ])('%s: the prelude is reported unreadable', (_name, bytes, why) => {
    const payload = readPkgPayload(bytes);
    expect(payload).toMatchObject({ unreadable: expect.stringContaining(why) });
  });

  it('an unreadable prelude over compressed stripes: runtime pkg, the reason, and the strings', () => {
    const reading = readBinary(replaceLine(brotli, '"index.js":"3"', '"index.js":"9"'));
    expect(reading).toMatchObject({ runtime: 'pkg', modules: [], unrecovered: "pkg's path dictionary does not name the files of its table" });
    expect(reading.strings).not.toBeNull();
  });

  it('an unreadable prelude over plain stripes: not searched as text (pkg\u2019s runtime is no module), the strings are', () => {
    const reading = readBinary(cutTail(plain, 40));
    expect(reading).toMatchObject({ runtime: 'pkg', modules: [], unrecovered: "pkg's prelude is cut short: its closing arguments are missing" });
    expect(reading.strings?.text).toContain('process.env.FG_CHAT_BASE_URL');
  });

  it('a stripe that does not decompress: the reason, no module', () => {
    const bytes = pkgBinary([{ name: '/snapshot/a.js', content: 'x();' }], { compression: 1, corrupt: true });
    expect(readBinary(bytes)).toMatchObject({ runtime: 'pkg', modules: [], unrecovered: "a gzip stripe of pkg's payload does not decompress" });
  });

  it.each([
    ['gzip', 1, (bytes: Buffer): Buffer => gzipSync(bytes)],
    ['brotli', 2, (bytes: Buffer): Buffer => brotliCompressSync(bytes)],
  ] as const)('a %s bomb is read up to the limit asked, its head kept and marked cut', (compression, _id, compress) => {
    const code = `${'\n'.repeat(8 * 1024 * 1024)}main();`;
    const stored = compress(Buffer.from(code));
    const read = readStripe(bufferSource(stored), { offset: 0, length: stored.length }, compression, 1024 * 1024);
    expect(read).toMatchObject({ truncated: true });
    const bytes = 'bytes' in read ? read.bytes : Buffer.alloc(2 ** 21);
    expect(bytes.length).toBeLessThanOrEqual(1024 * 1024);
    expect(code.startsWith(bytes.toString())).toBe(true);
  });

  it('a module that decompresses past the module limit is kept cut, not whole', () => {
    // Concatenated gzip members decompress one after another: 65 of 1 MiB of spaces each, 65 KB stored.
    const member = gzipSync(Buffer.alloc(1024 * 1024, 0x20));
    const bomb = Buffer.concat(Array.from({ length: MAX_MODULE_BYTES / (1024 * 1024) + 1 }, () => member));
    const reading = readBinary(pkgBinary([{ name: '/snapshot/a.js', stored: bomb }], { compression: 1 }));
    expect(reading.modules).toHaveLength(1);
    expect(reading.modules[0]).toMatchObject({ path: 'bin/chat#/snapshot/a.js', truncated: true });
    expect(reading.modules[0]?.content.length).toBeLessThanOrEqual(MAX_MODULE_BYTES);
  });
});

interface TestFile {
  name: string;
  content?: string;
  bytecode?: Buffer;
  /** The stored bytes of the content as they are, compressed already. */
  stored?: Buffer;
}

/**
 * A pkg executable laid out as pkg's producer writes one (ELF head, stripes end to end, prelude),
 * for the variants the real tool would not make; the real output is the committed fixtures.
 */
function pkgBinary(
  files: TestFile[],
  options: { compression?: 0 | 1 | 2; base?: Buffer; table?: unknown; corrupt?: boolean; argumentCount?: 2 | 5 } = {},
): Buffer {
  const compression = options.compression ?? 0;
  const compress = (bytes: Buffer): Buffer => (compression === 1 ? gzipSync(bytes) : compression === 2 ? brotliCompressSync(bytes) : bytes);
  const dictionary: Record<string, string> = {};
  const slash = files[0]?.name.includes('\\') ? '\\' : '/';
  const key = (name: string): string =>
    compression === 0
      ? name
      : name
          .split(slash)
          .map((segment) => (dictionary[segment] ??= Object.keys(dictionary).length.toString(36)))
          .join('/');
  const stripes: Buffer[] = [];
  const table: Record<string, Record<number, [number, number]>> = {};
  let size = 0;
  const put = (name: string, store: number, bytes: Buffer): void => {
    (table[key(name)] ??= {})[store] = [size, bytes.length];
    stripes.push(bytes);
    size += bytes.length;
  };
  for (const file of files) {
    if (file.bytecode !== undefined) put(file.name, 0, compress(file.bytecode));
    if (file.stored !== undefined) put(file.name, 1, file.stored);
    else if (file.content !== undefined) put(file.name, 1, options.corrupt === true ? Buffer.from('not compressed at all') : compress(Buffer.from(file.content)));
    put(file.name, 3, compress(Buffer.from('{"mode":33188}')));
  }
  const values = [JSON.stringify(options.table ?? table), JSON.stringify(files[0]?.name ?? ''), '{}', JSON.stringify(dictionary), String(compression)];
  const argumentsText = values.slice(0, options.argumentCount ?? 5).join('\n,\n');
  const prelude = `${PKG_PRELUDE_HEAD.toString()} return (function (REQUIRE_COMMON, VIRTUAL_FILESYSTEM) {\n/* runtime */\n})(function (exports) {\n/* common */\n},\n${argumentsText}\n);\n})`;
  return Buffer.concat([ELF_HEAD, options.base ?? Buffer.alloc(0), Buffer.alloc(256), ...stripes, Buffer.from(prelude)]);
}

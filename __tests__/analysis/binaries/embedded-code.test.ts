import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readBunGraph as readBunGraphIn } from '../../../src/analysis/binaries/bun-graph.js';
import { readSeaBlob as readSeaBlobIn, SEA_MAGIC } from '../../../src/analysis/binaries/node-sea.js';
import { printableRuns as printableRunsIn, readBinary as readBinaryIn, stringTable as stringTableIn } from '../../../src/analysis/binaries/embedded-code.js';
import { bufferSource } from '../../../src/analysis/binaries/byte-source.js';
import type { ExecutableFormat } from '../../../src/analysis/binaries/detect-format.js';
import { BUN_TRAILER, bunPayload, ELF_HEAD, elfWith } from './bun-payload.js';

const FIXTURES = fileURLToPath(new URL('../../fixtures/binaries/', import.meta.url));
const fixture = (name: string): Buffer => readFileSync(`${FIXTURES}${name}`);
// The readers take a ByteSource; these tests hold their binaries in memory.
const readBunGraph = (bytes: Buffer): ReturnType<typeof readBunGraphIn> => readBunGraphIn(bufferSource(bytes));
const readSeaBlob = (bytes: Buffer): ReturnType<typeof readSeaBlobIn> => readSeaBlobIn(bufferSource(bytes));
const readBinary = (path: string, bytes: Buffer, format: ExecutableFormat, options?: { truncated?: boolean }): ReturnType<typeof readBinaryIn> =>
  readBinaryIn(path, bufferSource(bytes), format, options);
const printableRuns = (bytes: Buffer, min: number, utf8: boolean): ReturnType<typeof printableRunsIn> => printableRunsIn(bufferSource(bytes), min, utf8);
const stringTable = (bytes: Buffer): ReturnType<typeof stringTableIn> => stringTableIn(bufferSource(bytes));

describe('readBunGraph', () => {
  it('reads the module graph bun build --compile wrote (committed fixture, built by scripts/build-binary-fixtures.mjs)', () => {
    const bytes = fixture('bun-chat-client.elf');
    const graph = readBunGraph(bytes);
    expect(graph?.modules).toHaveLength(1);
    const module = graph?.modules[0];
    expect(module).toMatchObject({ name: 'bun-chat-client.elf', encoding: 'latin1', javascript: true, entry: true, bytecodeBytes: 0 });
    expect(bytes.subarray(module?.offset, (module?.offset ?? 0) + (module?.length ?? 0)).toString('latin1')).toContain('process.env.FG_CHAT_BASE_URL');
    // The offset is the module's own position in the file.
    const offset = module?.offset ?? -1;
    expect(bytes.subarray(offset, offset + 7).toString()).toBe('// @bun');
  });

  it('tries the trailer text Bun keeps in its own code before the real one, and ignores it', () => {
    const bytes = elfWith(bunPayload([{ name: 'app.js', contents: 'x = 1;' }]), Buffer.from('search for \n---- Bun! ----\n in the runtime'));
    expect(readBunGraph(bytes)?.modules.map((module) => module.name)).toEqual(['app.js']);
  });

  it.each([
    ['a table pointing outside the payload', bunPayload([{ name: 'a.js', contents: 'x' }], { tableShift: 1_000_000 })],
    ['a lone trailer', Buffer.concat([Buffer.alloc(64), BUN_TRAILER])],
    ['a trailer at the very start', BUN_TRAILER],
  ])('does not believe %s', (_name, payload) => {
    expect(readBunGraph(elfWith(payload))).toBeNull();
  });

  it('keeps asset modules out of the JavaScript unless their name says they run', () => {
    const graph = readBunGraph(
      elfWith(
        bunPayload([
          { name: 'cli.js', contents: 'main();' },
          { name: 'addon.node', contents: ELF_HEAD, encoding: 0, loader: 10 },
          { name: 'worker.js', contents: 'work();', loader: 5 },
          { name: 'logo.txt', contents: 'hello', loader: 5 },
        ]),
      ),
    );
    expect(graph?.modules.map((module) => [module.name, module.javascript])).toEqual([
      ['cli.js', true],
      ['addon.node', false],
      ['worker.js', true],
      ['logo.txt', false],
    ]);
  });
});

/** A node 20 SEA blob: magic, flags, code path, main code (see node-sea.ts). */
function seaBlob(code: string, flags = 1, codePath: string | null = 'app.js'): Buffer {
  const length = (n: number): Buffer => {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(BigInt(n));
    return b;
  };
  const head = Buffer.alloc(4);
  head.writeUInt32LE(flags);
  const path = codePath === null ? [] : [length(Buffer.byteLength(codePath)), Buffer.from(codePath)];
  return Buffer.concat([SEA_MAGIC, head, ...path, length(Buffer.byteLength(code)), Buffer.from(code)]);
}

describe('readSeaBlob', () => {
  it('reads the blob node --experimental-sea-config wrote (committed fixture)', () => {
    const bytes = fixture('node-sea-chat-client.elf');
    const blob = readSeaBlob(bytes);
    expect(blob).toMatchObject({ codePath: 'app.js' });
    expect(blob?.code?.toString()).toContain('process.env.FG_CHAT_BASE_URL');
    expect(bytes.subarray(blob?.codeOffset ?? 0).toString().startsWith("'use strict';")).toBe(true);
  });

  it('reads the first blob layout, without a code path', () => {
    expect(readSeaBlob(elfWith(seaBlob('main();', 0, null)))?.code?.toString()).toBe('main();');
  });

  it('skips the magic where machine code holds it by chance', () => {
    const bytes = elfWith(seaBlob('run();'), SEA_MAGIC, Buffer.from([0xff, 0xff, 0xff, 0xff, 9, 9, 9, 9]));
    expect(readSeaBlob(bytes)?.code?.toString()).toBe('run();');
  });

  it('knows a startup snapshot is no script', () => {
    expect(readSeaBlob(elfWith(seaBlob('\u0001snapshot', 2)))).toMatchObject({ code: null });
  });
});

describe('readBinary', () => {
  it('names Bun modules after the binary and the module, with their offsets', () => {
    const reading = readBinary('bin/tool', fixture('bun-chat-client.elf'), 'elf');
    expect(reading.runtime).toBe('Bun');
    expect(reading.unrecovered).toBeNull();
    expect(reading.modules.map((module) => [module.path, module.method, module.entry])).toEqual([['bin/tool#bun-chat-client.elf', 'bun-module-graph', true]]);
  });

  it('transcodes latin1 modules with bytes above 0x7f to UTF-8', () => {
    const reading = readBinary('x', elfWith(bunPayload([{ name: 'a.js', contents: Buffer.from('s = "caf\xe9";', 'latin1') }])), 'elf');
    expect(reading.modules[0]?.content.toString('utf8')).toBe('s = "café";');
  });

  it('says a Bun graph of bytecode only could not be read, and keeps the strings', () => {
    const reading = readBinary('x', elfWith(Buffer.from('Intl.DateTimeFormat resolvedOptions\0'), bunPayload([{ name: 'a.js', contents: '', bytecode: 64 }])), 'elf');
    expect(reading.modules).toEqual([]);
    expect(reading.unrecovered).toBe('the Bun module graph holds bytecode only, no source');
    expect(reading.strings?.text).toContain('Intl.DateTimeFormat resolvedOptions');
  });

  it('falls back to long printable runs that parse as JavaScript, named by their offset', () => {
    const script = `const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;\n${'function pad(n) { return String(n).padStart(2, "0"); }\n'.repeat(12)}`;
    const prose = `${'This is a long help text that does not parse as a script at all, var or not. '.repeat(12)}`;
    const bytes = elfWith(Buffer.from(prose), Buffer.from([0]), Buffer.from(script));
    const reading = readBinary('bin/sea', bytes, 'elf');
    const offset = bytes.indexOf(script);
    expect(reading.modules.map((module) => [module.path, module.method, module.offset])).toEqual([[`bin/sea#@${offset}`, 'printable-text', offset]]);
    expect(reading.modules[0]?.content.toString()).toBe(script);
  });

  it('knows a Node SEA whose script is not text, and says why nothing was recovered', () => {
    const bytes = elfWith(Buffer.from('NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2:1\0'), Buffer.alloc(64, 0x9c));
    expect(readBinary('x', bytes, 'elf')).toMatchObject({ runtime: 'Node SEA', modules: [], unrecovered: expect.stringContaining('no script text') });
  });

  it('a Node SEA: the script from the blob, never the library of node around it', () => {
    const library = `function internal() { const os = require('os'); return os.hostname(); }\n`.repeat(20);
    const reading = readBinary('bin/app', elfWith(Buffer.from('NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2:1\0'), Buffer.from(library), Buffer.from([0]), seaBlob('main();')), 'elf');
    expect(reading.modules.map((module) => [module.path, module.method, module.content.toString()])).toEqual([['bin/app#app.js', 'node-sea-blob', 'main();']]);
  });

  it('a plain node binary: its library is not the code of the package', () => {
    const library = `function internal() { return 1; }\n`.repeat(40);
    const reading = readBinary('bin/node', elfWith(Buffer.from('NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2:0\0'), Buffer.from(library)), 'elf');
    expect(reading).toMatchObject({ runtime: 'Node', modules: [], unrecovered: null, note: expect.stringContaining('the node runtime itself') });
  });

  it('plain native code: nothing recovered and nothing claimed', () => {
    const reading = readBinary('x', elfWith(Buffer.from('GLIBC_2.17\0malloc\0')), 'elf');
    expect(reading).toMatchObject({ runtime: null, modules: [], unrecovered: null, strings: null });
  });

  it('a binary cut at the size limit with nothing recovered says the tail was not seen', () => {
    expect(readBinary('x', elfWith(), 'elf', { truncated: true }).unrecovered).toMatch(/only the head .* was read/);
  });
});

describe('strings', () => {
  it('printable runs and their offsets', () => {
    const bytes = Buffer.from('\0\0abcdefgh\x01xy\x02ijklmnop');
    expect([...printableRuns(bytes, 6, false)]).toEqual([
      { offset: 2, length: 8 },
      { offset: 14, length: 8 },
    ]);
    expect(stringTable(bytes)).toEqual({ text: 'abcdefgh\nijklmnop', offsets: [2, 14], truncated: false });
  });
});

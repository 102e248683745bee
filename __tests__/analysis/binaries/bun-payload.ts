/** Test executables built in memory: a bare ELF head, and Bun module graphs laid out as Bun 1.4 writes them. */
import { BUN_TRAILER } from '../../../src/analysis/binaries/bun-graph.js';

export { BUN_TRAILER };

export const ELF_HEAD = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]), Buffer.alloc(56)]);

export interface GraphModule {
  name: string;
  contents: Buffer | string;
  bytecode?: number;
  encoding?: number;
  loader?: number;
}

/** A Bun 1.4 payload as `bun build --compile` lays it out (see bun-graph.ts); forged fields by override. */
export function bunPayload(modules: GraphModule[], options: { entry?: number; tableShift?: number } = {}): Buffer {
  const chunks: Buffer[] = [];
  let size = 0;
  const put = (bytes: Buffer): { offset: number; length: number } => {
    const at = { offset: size, length: bytes.length };
    chunks.push(bytes, Buffer.alloc(1));
    size += bytes.length + 1;
    return at;
  };
  const entries = modules.map((module) => {
    const name = put(Buffer.from(`/$bunfs/root/${module.name}`));
    const contents = put(typeof module.contents === 'string' ? Buffer.from(module.contents, 'latin1') : module.contents);
    const bytecode = put(Buffer.alloc(module.bytecode ?? 0, 0xbc));
    return { name, contents, bytecode, encoding: module.encoding ?? 1, loader: module.loader ?? 1 };
  });
  const table = Buffer.alloc(entries.length * 52);
  entries.forEach((entry, i) => {
    const at = i * 52;
    table.writeUInt32LE(entry.name.offset, at);
    table.writeUInt32LE(entry.name.length, at + 4);
    table.writeUInt32LE(entry.contents.offset, at + 8);
    table.writeUInt32LE(entry.contents.length, at + 12);
    table.writeUInt32LE(entry.bytecode.offset, at + 24);
    table.writeUInt32LE(entry.bytecode.length, at + 28);
    table.writeUInt8(entry.encoding, at + 48);
    table.writeUInt8(entry.loader, at + 49);
  });
  const tableAt = put(table);
  const offsets = Buffer.alloc(32);
  offsets.writeBigUInt64LE(BigInt(size));
  offsets.writeUInt32LE(tableAt.offset + (options.tableShift ?? 0), 8);
  offsets.writeUInt32LE(tableAt.length, 12);
  offsets.writeUInt32LE(options.entry ?? 0, 16);
  return Buffer.concat([...chunks, offsets, BUN_TRAILER]);
}

/** An ELF head, some machine code (zeros), the parts, and more zeros. */
export function elfWith(...parts: Buffer[]): Buffer {
  return Buffer.concat([ELF_HEAD, Buffer.alloc(4096), ...parts, Buffer.alloc(512)]);
}


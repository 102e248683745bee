/**
 * Which files of a package are native code, by their first bytes, never by their names: an
 * attacker names an ELF `README` or `index.d.ts` as easily as `claude`. Vendors ship CLIs as
 * single-file executables (Bun `--compile`, Node SEA, `pkg`, `deno compile`) whose JavaScript sits
 * inside the binary, so every executable is a place code can hide.
 *
 * Only headers are read here (a few hundred bytes at most); what the executable embeds is
 * recovered in `embedded-code.ts`.
 */

export const EXECUTABLE_FORMATS = ['elf', 'mach-o', 'mach-o-fat', 'pe', 'wasm'] as const;
export type ExecutableFormat = (typeof EXECUTABLE_FORMATS)[number];

/** How each format is named in messages and the README. */
export const FORMAT_LABELS: Readonly<Record<ExecutableFormat, string>> = Object.freeze({
  elf: 'ELF executable or shared object',
  'mach-o': 'Mach-O executable or library',
  'mach-o-fat': 'Mach-O universal (fat) binary',
  pe: 'PE (Windows) executable or DLL',
  wasm: 'WebAssembly module',
});

export interface ExecutableInfo {
  readonly format: ExecutableFormat;
  /** A `.node` file: a native addon node loads with `require`, so it runs as the package is used. */
  readonly nodeAddon: boolean;
}

/**
 * A head long enough for `detectFormat` on real files: the PE header follows the DOS stub, which
 * linkers keep well under this.
 */
export const FORMAT_HEAD_BYTES = 4096;

const ELF_MAGIC = [0x7f, 0x45, 0x4c, 0x46] as const;
const WASM_MAGIC = [0x00, 0x61, 0x73, 0x6d] as const;
/** MH_MAGIC, MH_MAGIC_64 and their byte-swapped forms, as they appear in the file. */
const MACHO_MAGICS = [
  [0xfe, 0xed, 0xfa, 0xce],
  [0xfe, 0xed, 0xfa, 0xcf],
  [0xce, 0xfa, 0xed, 0xfe],
  [0xcf, 0xfa, 0xed, 0xfe],
] as const;
/** FAT_MAGIC and FAT_MAGIC_64, always big-endian. */
const FAT_MAGICS = [
  [0xca, 0xfe, 0xba, 0xbe],
  [0xca, 0xfe, 0xba, 0xbf],
] as const;
/**
 * A Java class file starts with 0xCAFEBABE too, followed by its version (45 and up); a fat binary
 * follows it with its architecture count, which is small. `file(1)` draws the line the same way.
 */
const MAX_FAT_ARCHS = 30;
const PE_POINTER_OFFSET = 0x3c;
const PE_SIGNATURE = [0x50, 0x45, 0x00, 0x00] as const;

/** The executable format of `bytes` (a file's head is enough), or null for anything else. */
export function detectFormat(bytes: Uint8Array): ExecutableFormat | null {
  if (startsWith(bytes, ELF_MAGIC, 0)) return 'elf';
  if (MACHO_MAGICS.some((magic) => startsWith(bytes, magic, 0))) return 'mach-o';
  if (FAT_MAGICS.some((magic) => startsWith(bytes, magic, 0)) && bytes.length >= 8) {
    const archs = readU32BE(bytes, 4);
    if (archs > 0 && archs <= MAX_FAT_ARCHS) return 'mach-o-fat';
  }
  // wasm: magic plus version 1, so a file that merely starts with "\0asm" is not taken for one.
  if (startsWith(bytes, WASM_MAGIC, 0) && bytes.length >= 8 && bytes[4] === 1 && bytes[5] === 0 && bytes[6] === 0 && bytes[7] === 0) {
    return 'wasm';
  }
  if (bytes[0] === 0x4d && bytes[1] === 0x5a && bytes.length >= PE_POINTER_OFFSET + 4) {
    const pe = readU32LE(bytes, PE_POINTER_OFFSET);
    if (pe + PE_SIGNATURE.length <= bytes.length && startsWith(bytes, PE_SIGNATURE, pe)) return 'pe';
  }
  return null;
}

/** `detectFormat` plus whether the file is a node addon. */
export function executableInfo(path: string, bytes: Uint8Array): ExecutableInfo | null {
  const format = detectFormat(bytes);
  if (format === null) return null;
  return { format, nodeAddon: path.endsWith('.node') };
}

function startsWith(bytes: Uint8Array, magic: readonly number[], at: number): boolean {
  if (bytes.length < at + magic.length) return false;
  return magic.every((byte, i) => bytes[at + i] === byte);
}

function readU32LE(bytes: Uint8Array, at: number): number {
  return ((bytes[at] ?? 0) | ((bytes[at + 1] ?? 0) << 8) | ((bytes[at + 2] ?? 0) << 16)) + (bytes[at + 3] ?? 0) * 0x1000000;
}

function readU32BE(bytes: Uint8Array, at: number): number {
  return (bytes[at] ?? 0) * 0x1000000 + (((bytes[at + 1] ?? 0) << 16) | ((bytes[at + 2] ?? 0) << 8) | (bytes[at + 3] ?? 0));
}

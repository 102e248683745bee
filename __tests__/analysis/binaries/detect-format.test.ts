import { describe, expect, it } from 'vitest';
import { detectFormat, executableInfo } from '../../../src/analysis/binaries/detect-format.js';

function bytes(...parts: (number[] | string)[]): Buffer {
  return Buffer.concat(parts.map((part) => (typeof part === 'string' ? Buffer.from(part, 'latin1') : Buffer.from(part))));
}

/** A DOS stub whose e_lfanew points at `at`, with the PE signature there (or not). */
function peHead(at: number, signature = true): Buffer {
  const head = Buffer.alloc(at + 8);
  head.write('MZ', 0, 'latin1');
  head.writeUInt32LE(at, 0x3c);
  if (signature) head.write('PE\0\0', at, 'latin1');
  return head;
}

describe('detectFormat', () => {
  it.each([
    ['ELF', bytes([0x7f], 'ELF', [2, 1, 1, 0]), 'elf'],
    ['Mach-O 64-bit little-endian', bytes([0xcf, 0xfa, 0xed, 0xfe, 7, 0, 0, 1]), 'mach-o'],
    ['Mach-O 32-bit big-endian', bytes([0xfe, 0xed, 0xfa, 0xce, 0, 0, 0, 7]), 'mach-o'],
    ['Mach-O fat with two architectures', bytes([0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 2]), 'mach-o-fat'],
    ['Mach-O fat 64', bytes([0xca, 0xfe, 0xba, 0xbf, 0, 0, 0, 1]), 'mach-o-fat'],
    ['PE', peHead(0x80), 'pe'],
    ['WebAssembly', bytes([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]), 'wasm'],
  ])('recognises %s by its magic', (_name, head, format) => {
    expect(detectFormat(head)).toBe(format);
  });

  it.each([
    ['a Java class file (0xCAFEBABE then version 52)', bytes([0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 52])],
    ['"MZ" text without a PE header', bytes('MZ is a fine start for a sentence, and nothing more.')],
    ['an MZ stub pointing past its end', peHead(0x80).subarray(0, 0x60)],
    ['an MZ stub whose pointer finds no signature', peHead(0x80, false)],
    ['"\\0asm" with another version', bytes([0, 0x61, 0x73, 0x6d, 2, 0, 0, 0])],
    ['JavaScript', bytes('#!/usr/bin/env node\nconsole.log(1)')],
    ['an empty file', Buffer.alloc(0)],
    ['a truncated ELF magic', bytes([0x7f], 'EL')],
  ])('does not take %s for an executable', (_name, head) => {
    expect(detectFormat(head)).toBeNull();
  });

  it('knows node addons by extension, but only when the bytes are native code', () => {
    const elf = bytes([0x7f], 'ELF', [2, 1, 1, 0]);
    expect(executableInfo('build/Release/addon.node', elf)).toEqual({ format: 'elf', nodeAddon: true });
    expect(executableInfo('bin/tool', elf)).toEqual({ format: 'elf', nodeAddon: false });
    expect(executableInfo('fake.node', bytes('module.exports = 1'))).toBeNull();
  });
});

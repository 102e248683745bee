/**
 * `name@range` as yarn, pnpm and bun write it. The name can be scoped (`@s/n`), so the separator
 * is the first `@` after the first character; the range can hold more `@`s (`npm:real@^1`,
 * `git+ssh://git@host/...`).
 */
export interface Descriptor {
  name: string;
  range: string;
}

export function descriptor(text: string): Descriptor | null {
  const at = text.indexOf('@', 1);
  if (at <= 0) return null;
  return { name: text.slice(0, at), range: text.slice(at + 1) };
}

/** `name` or `@scope/name`: one path segment (two when scoped), nothing that climbs or is empty. */
export function isPackageName(name: string): boolean {
  const parts = name.split('/');
  const expected = name.startsWith('@') ? 2 : 1;
  if (parts.length !== expected) return false;
  return parts.every((part) => part !== '' && part !== '.' && part !== '..' && !/[\s\\]/.test(part));
}

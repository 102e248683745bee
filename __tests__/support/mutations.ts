/**
 * Mutations for property tests: the ways a hostile or careless author bends a well-formed text
 * (a lockfile, a policy, a script) into one a parser must survive. Each mutation is data, so a
 * failing case shrinks to the smallest list of edits and prints as something a reader can replay.
 */
import fc from 'fast-check';

/** Values that are the wrong type almost everywhere in a lockfile or policy, written as JSON text. */
export const HOSTILE_JSON_VALUES = [
  'null',
  'true',
  '0',
  '-1',
  '1e400',
  '-1e400',
  '18446744073709551617',
  '123456789012345678901234567890',
  '""',
  '"../../../etc/passwd"',
  '"__proto__"',
  '[]',
  '[null, 1, "x"]',
  '{}',
  '{"__proto__": {"polluted": true}}',
  '{"constructor": {"prototype": {"polluted": true}}}',
] as const;

/** Lines an attacker might splice into a line-oriented format (YAML, yarn's syml). */
export const HOSTILE_LINES = [
  '__proto__:',
  '  __proto__:',
  '    polluted: true',
  '"__proto__":',
  'constructor:',
  '  prototype:',
  '  version: 1e400',
  '  version: 18446744073709551617',
  '  version: [1, 2]',
  '  version: {a: 1}',
  '  resolved: null',
  '  integrity: ~',
  '"a@^1, a@^2":',
  '&anchor [*anchor]',
  '*undefined-alias',
  '!!js/function "x"',
  '---',
  '...',
  '\t\t\tmixed: tabs',
  '# comment',
  '',
] as const;

export type TextMutation =
  | { kind: 'flip'; at: number; char: string }
  | { kind: 'truncate'; at: number }
  | { kind: 'delete-line'; at: number }
  | { kind: 'duplicate-line'; at: number }
  | { kind: 'swap-lines'; at: number; with: number }
  | { kind: 'insert-line'; at: number; line: string }
  | { kind: 'indent-line'; at: number; by: string };

/** Positions are fractions of the text, so one mutation list applies to texts of any length. */
const fraction = fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true });

const flipChar = fc.oneof(
  fc.constantFrom('{', '}', '[', ']', '"', "'", ':', ',', '\n', ' ', '\t', '\\', '\0', '\u2028', '\ufffd', '-', '#', '&', '*', '!', '|', '>'),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
);

export const textMutation: fc.Arbitrary<TextMutation> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fraction, char: flipChar }),
  fc.record({ kind: fc.constant('truncate' as const), at: fraction }),
  fc.record({ kind: fc.constant('delete-line' as const), at: fraction }),
  fc.record({ kind: fc.constant('duplicate-line' as const), at: fraction }),
  fc.record({ kind: fc.constant('swap-lines' as const), at: fraction, with: fraction }),
  fc.record({
    kind: fc.constant('insert-line' as const),
    at: fraction,
    line: fc.oneof(fc.constantFrom(...HOSTILE_LINES), fc.string({ maxLength: 40 })),
  }),
  fc.record({ kind: fc.constant('indent-line' as const), at: fraction, by: fc.constantFrom(' ', '  ', '\t', '-') }),
);

function index(at: number, length: number): number {
  return Math.min(length - 1, Math.max(0, Math.floor(at * length)));
}

export function applyTextMutation(text: string, mutation: TextMutation): string {
  switch (mutation.kind) {
    case 'flip': {
      if (text.length === 0) return mutation.char;
      const i = index(mutation.at, text.length);
      return text.slice(0, i) + mutation.char + text.slice(i + 1);
    }
    case 'truncate':
      return text.slice(0, Math.floor(mutation.at * text.length));
    default:
      break;
  }
  const lines = text.split('\n');
  const i = index(mutation.at, lines.length);
  switch (mutation.kind) {
    case 'delete-line':
      lines.splice(i, 1);
      break;
    case 'duplicate-line':
      lines.splice(i, 0, lines[i] ?? '');
      break;
    case 'swap-lines': {
      const j = index(mutation.with, lines.length);
      const a = lines[i] ?? '';
      lines[i] = lines[j] ?? '';
      lines[j] = a;
      break;
    }
    case 'insert-line':
      lines.splice(i, 0, mutation.line);
      break;
    case 'indent-line':
      lines[i] = `${mutation.by}${lines[i] ?? ''}`;
      break;
  }
  return lines.join('\n');
}

export function applyTextMutations(text: string, mutations: readonly TextMutation[]): string {
  return mutations.reduce(applyTextMutation, text);
}

/** A JSON tree kept as data so it can be written with duplicate keys and raw number text. */
export type JsonTree =
  | { kind: 'raw'; text: string }
  | { kind: 'array'; items: JsonTree[] }
  | { kind: 'object'; entries: [string, JsonTree][] };

export function toJsonTree(value: unknown): JsonTree {
  if (Array.isArray(value)) return { kind: 'array', items: value.map(toJsonTree) };
  if (typeof value === 'object' && value !== null) {
    return { kind: 'object', entries: Object.entries(value).map(([key, child]) => [key, toJsonTree(child)]) };
  }
  return { kind: 'raw', text: JSON.stringify(value) ?? 'null' };
}

export function writeJsonTree(tree: JsonTree): string {
  switch (tree.kind) {
    case 'raw':
      return tree.text;
    case 'array':
      return `[${tree.items.map(writeJsonTree).join(',')}]`;
    case 'object':
      return `{${tree.entries.map(([key, child]) => `${JSON.stringify(key)}:${writeJsonTree(child)}`).join(',')}}`;
  }
}

/** Every container in the tree, outermost first: the places a structural mutation can hit. */
function containers(tree: JsonTree): JsonTree[] {
  const found: JsonTree[] = [];
  const stack = [tree];
  while (stack.length > 0) {
    const node = stack.pop();
    if (node === undefined || node.kind === 'raw') continue;
    found.push(node);
    if (node.kind === 'array') stack.push(...node.items);
    else stack.push(...node.entries.map(([, child]) => child));
  }
  return found;
}

export type TreeMutation =
  | { kind: 'delete'; at: number; child: number }
  | { kind: 'duplicate'; at: number; child: number }
  | { kind: 'retype'; at: number; child: number; value: string }
  | { kind: 'add-key'; at: number; key: string; value: string };

export const treeMutation: fc.Arbitrary<TreeMutation> = fc.oneof(
  fc.record({ kind: fc.constant('delete' as const), at: fraction, child: fraction }),
  fc.record({ kind: fc.constant('duplicate' as const), at: fraction, child: fraction }),
  fc.record({ kind: fc.constant('retype' as const), at: fraction, child: fraction, value: fc.constantFrom(...HOSTILE_JSON_VALUES) }),
  fc.record({
    kind: fc.constant('add-key' as const),
    at: fraction,
    key: fc.oneof(
      fc.constantFrom('__proto__', 'constructor', 'prototype', '', 'lockfileVersion', 'packages', 'node_modules/', 'node_modules/../../x', 'version', 'resolved', 'integrity', 'dependencies'),
      fc.string({ maxLength: 20 }),
    ),
    value: fc.constantFrom(...HOSTILE_JSON_VALUES),
  }),
);

/** Applies one mutation in place (the tree is a private copy made by `toJsonTree`). */
export function applyTreeMutation(tree: JsonTree, mutation: TreeMutation): JsonTree {
  const all = containers(tree);
  const node = all[index(mutation.at, all.length)];
  if (node === undefined || node.kind === 'raw') return tree;
  const size = node.kind === 'array' ? node.items.length : node.entries.length;
  if (mutation.kind === 'add-key') {
    const raw: JsonTree = { kind: 'raw', text: mutation.value };
    if (node.kind === 'array') node.items.push(raw);
    else node.entries.push([mutation.key, raw]);
    return tree;
  }
  if (size === 0) return tree;
  const i = index(mutation.child, size);
  const list: unknown[] = node.kind === 'array' ? node.items : node.entries;
  switch (mutation.kind) {
    case 'delete':
      list.splice(i, 1);
      break;
    case 'duplicate':
      list.splice(i, 0, list[i]);
      break;
    case 'retype':
      if (node.kind === 'array') node.items[i] = { kind: 'raw', text: mutation.value };
      else {
        const entry = node.entries[i];
        if (entry !== undefined) node.entries[i] = [entry[0], { kind: 'raw', text: mutation.value }];
      }
      break;
  }
  return tree;
}

/** Every path to a value in the tree (object keys and array indexes), for exhaustive retyping. */
export function valuePaths(value: unknown, limit: number): (string | number)[][] {
  const paths: (string | number)[][] = [];
  const stack: { value: unknown; path: (string | number)[] }[] = [{ value, path: [] }];
  while (stack.length > 0 && paths.length < limit) {
    const next = stack.pop();
    if (next === undefined) break;
    if (next.path.length > 0) paths.push(next.path);
    if (Array.isArray(next.value)) next.value.forEach((child, i) => stack.push({ value: child, path: [...next.path, i] }));
    else if (typeof next.value === 'object' && next.value !== null) {
      for (const [key, child] of Object.entries(next.value)) stack.push({ value: child, path: [...next.path, key] });
    }
  }
  return paths;
}

/** The JSON text of `value` with the value at `path` replaced by raw JSON text. */
export function withValueAt(value: unknown, path: readonly (string | number)[], raw: string): string {
  const tree = toJsonTree(value);
  let node: JsonTree | undefined = tree;
  for (const [depth, step] of path.entries()) {
    if (node === undefined || node.kind === 'raw') return writeJsonTree(tree);
    const last = depth === path.length - 1;
    if (node.kind === 'array' && typeof step === 'number') {
      if (last) node.items[step] = { kind: 'raw', text: raw };
      else node = node.items[step];
    } else if (node.kind === 'object') {
      const entry: [string, JsonTree] | undefined = node.entries.find(([key]) => key === String(step));
      if (entry === undefined) return writeJsonTree(tree);
      if (last) entry[1] = { kind: 'raw', text: raw };
      else node = entry[1];
    }
  }
  return writeJsonTree(tree);
}

/**
 * The identifiers of a file that reference a variable (not property names; the shared walk
 * collects them), and a way to find those of one name inside a scope. The deep analysis asks this when a variable carries a
 * fingerprint (every use of it does) and for the calls of a local function.
 *
 * A bundle's top level holds hundreds of thousands of references and is asked about dozens of
 * names: grouping them in a Map keyed by name hashes every string and costs a tenth of the
 * parse. Instead each name gets a cheap numeric key (length and two characters), the references
 * are bucketed by key with a counting sort into one typed array, and a name's references are its
 * bucket filtered by the name, still in source order.
 */
import type { AnyNode, Node } from 'acorn';

export type IdentifierNode = Extract<AnyNode, { type: 'Identifier' }>;

/** Scopes holding up to this many references are scanned; wider ones are searched through the buckets. */
const SCANNED_REFERENCES = 2_000;
const BUCKET_BITS = 16;
const BUCKET_MASK = (1 << BUCKET_BITS) - 1;

function bucketOf(name: string): number {
  const length = name.length;
  if (length === 0) return 0;
  return (length * 961 + name.charCodeAt(0) * 31 + name.charCodeAt(length - 1)) & BUCKET_MASK;
}

export class References {
  /** Every reference, in source order. */
  readonly all: readonly IdentifierNode[];
  /** Built on the first wide search: reference indexes grouped by bucket, each group in source order. */
  private buckets: { starts: Int32Array; order: Int32Array } | undefined;
  /** A name's references, once listed from its bucket. */
  private readonly byName = new Map<string, IdentifierNode[]>();

  /** `identifiers`: the references as the shared walk met them (see `isPropertyName`). */
  constructor(identifiers: IdentifierNode[]) {
    this.all = inSourceOrder(identifiers);
  }

  /** The references named `name` inside `scope`'s range, in source order. */
  in(name: string, scope: Node): IdentifierNode[] {
    const all = this.all;
    const from = firstAtOrAfter(all, scope.start);
    const to = firstAtOrAfter(all, scope.end);
    if (to - from <= SCANNED_REFERENCES) {
      const found: IdentifierNode[] = [];
      for (let i = from; i < to; i++) {
        const reference = all[i] as IdentifierNode;
        if (reference.name === name) found.push(reference);
      }
      return found;
    }
    const named = this.named(name);
    return named.slice(firstAtOrAfter(named, scope.start), firstAtOrAfter(named, scope.end));
  }

  private named(name: string): IdentifierNode[] {
    const known = this.byName.get(name);
    if (known !== undefined) return known;
    const { starts, order } = (this.buckets ??= bucket(this.all));
    const key = bucketOf(name);
    const found: IdentifierNode[] = [];
    for (let i = starts[key] as number; i < (starts[key + 1] as number); i++) {
      const reference = this.all[order[i] as number] as IdentifierNode;
      if (reference.name === name) found.push(reference);
    }
    this.byName.set(name, found);
    return found;
  }
}

/** Walks meet identifiers in source order; acorn-loose's repaired trees may not be. */
function inSourceOrder(found: IdentifierNode[]): IdentifierNode[] {
  for (let i = 1; i < found.length; i++) {
    if ((found[i - 1] as Node).start > (found[i] as Node).start) {
      found.sort((a, b) => a.start - b.start);
      break;
    }
  }
  return found;
}

/** Whether an identifier names a property (`o.name`, `{name: v}`, `name() {}`) rather than a variable. */
export function isPropertyName(identifier: Node, parent: Node | undefined): boolean {
  const around = parent as AnyNode | undefined;
  switch (around?.type) {
    case 'MemberExpression':
      return around.property === identifier && !around.computed;
    case 'Property':
      return around.key === identifier && !around.computed && around.value !== identifier;
    case 'MethodDefinition':
    case 'PropertyDefinition':
      return around.key === identifier && !around.computed;
    default:
      return false;
  }
}

/** Counting sort of reference indexes by bucket: stable, so each bucket stays in source order. */
function bucket(all: readonly IdentifierNode[]): { starts: Int32Array; order: Int32Array } {
  const keys = new Int32Array(all.length);
  const starts = new Int32Array((1 << BUCKET_BITS) + 1);
  for (let i = 0; i < all.length; i++) {
    const key = bucketOf((all[i] as IdentifierNode).name);
    keys[i] = key;
    starts[key + 1] = (starts[key + 1] as number) + 1;
  }
  for (let key = 1; key < starts.length; key++) starts[key] = (starts[key] as number) + (starts[key - 1] as number);
  const cursor = starts.slice(0, -1);
  const order = new Int32Array(all.length);
  for (let i = 0; i < all.length; i++) {
    const key = keys[i] as number;
    order[cursor[key] as number] = i;
    cursor[key] = (cursor[key] as number) + 1;
  }
  return { starts, order };
}

/** Index of the first node starting at or after `start` (the list is sorted). */
function firstAtOrAfter(list: readonly Node[], start: number): number {
  let low = 0;
  let high = list.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((list[middle] as Node).start < start) low = middle + 1;
    else high = middle;
  }
  return low;
}

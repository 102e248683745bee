/**
 * The interpreter's own value model, shared by the evaluator and the builtins. Primitives are
 * plain JS primitives so native operators give exact JS semantics on them; everything else is a
 * tagged record that never wraps a live object of the scanned code. Not part of the public API:
 * `evaluate.ts` converts these to `StaticValue` at the boundary.
 */
import { Buffer } from 'node:buffer';
import type {
  AnonymousFunctionDeclaration,
  ArrowFunctionExpression,
  FunctionDeclaration,
  FunctionExpression,
} from 'acorn';

/** A string longer than this is not a list worth decoding; building it could exhaust memory. */
export const MAX_STRING_LENGTH = 1 << 20;
/** Arrays (and byte arrays, sets, objects) longer than this are data, not a hidden list. */
export const MAX_ARRAY_LENGTH = 100_000;
/** Bulk builtins (split, replace, Buffer...) cost one step per this many characters or items. */
export const DATA_UNITS_PER_STEP = 256;

export type Primitive = string | number | boolean | null | undefined;
export type FunctionNode =
  | FunctionDeclaration
  | AnonymousFunctionDeclaration
  | FunctionExpression
  | ArrowFunctionExpression;

export interface ArrayRef {
  readonly kind: 'array';
  items: Value[];
}
export interface BytesRef {
  readonly kind: 'bytes';
  value: Uint8Array;
  /** `Buffer` (its `toString` decodes) rather than a plain `Uint8Array` (its `toString` joins). */
  readonly buffer: boolean;
}
export interface RegexRef {
  readonly kind: 'regex';
  readonly pattern: string;
  readonly flags: string;
}
export interface ObjectRef {
  readonly kind: 'object';
  readonly entries: Map<string, Value>;
}
export interface SetRef {
  readonly kind: 'set';
  readonly items: Set<Value>;
}
export interface MapRef {
  readonly kind: 'map';
  readonly entries: Map<Value, Value>;
}
export interface FunctionRef {
  readonly kind: 'function';
  readonly node: FunctionNode;
  /** The environment the function closes over; null for module-level definitions. */
  readonly env: Env | null;
}
/** A global or a static member of one (`String.fromCharCode`), by its dotted name. */
export interface BuiltinRef {
  readonly kind: 'builtin';
  readonly name: string;
}
/** A method looked up on a value (`s.charCodeAt`), or unbound from a prototype. */
export interface MethodRef {
  readonly kind: 'method';
  readonly family: MethodFamily;
  readonly name: string;
  readonly receiver: Value;
}
export interface CodecRef {
  readonly kind: 'codec';
  readonly direction: 'decoder' | 'encoder';
  readonly encoding: string;
}

export type Ref =
  | ArrayRef
  | BytesRef
  | RegexRef
  | ObjectRef
  | SetRef
  | MapRef
  | FunctionRef
  | BuiltinRef
  | MethodRef
  | CodecRef;
export type Value = Primitive | Ref;

export const METHOD_FAMILIES = [
  'string',
  'array',
  'bytes',
  'number',
  'object',
  'set',
  'map',
  'regex',
  'function',
  'codec',
] as const;
export type MethodFamily = (typeof METHOD_FAMILIES)[number];

export interface Binding {
  value: Value;
  readonly mutable: boolean;
}

/** A lexical environment of the interpreted code; names not found here go to the resolver. */
export class Env {
  readonly vars = new Map<string, Binding>();
  constructor(
    readonly parent: Env | null,
    /** Function environments receive `var` declarations. */
    readonly functionScope: boolean,
  ) {}

  lookup(name: string): Binding | undefined {
    for (let env: Env | null = this; env !== null; env = env.parent) {
      const binding = env.vars.get(name);
      if (binding !== undefined) return binding;
    }
    return undefined;
  }

  nearestFunctionScope(): Env {
    let env: Env = this;
    while (!env.functionScope && env.parent !== null) env = env.parent;
    return env;
  }
}

/**
 * Thrown inside the evaluator when a value cannot be known (or a limit is hit) and caught at the
 * public boundary. Not an Error: it never escapes, and skipping the stack capture keeps the
 * frequent "this is not constant" answer cheap.
 */
export class NotStatic {
  constructor(readonly reason: string) {}
}

export function unknown(reason: string): never {
  throw new NotStatic(reason);
}

/** Accounting for work proportional to a value's size (converting a 100k array to text). */
export interface Meter {
  /** Charges bulk work of `units` characters or items against the step budget. */
  charge(units: number): void;
}

/** What builtins need from the evaluator: calling back into interpreted code and accounting. */
export interface Runtime extends Meter {
  call(fn: Value, thisArg: Value, args: readonly Value[]): Value;
  /** Records an encoding step for the report ('base64', 'xor' ...). */
  tag(encoding: string): void;
  /** True outside every interpreted call: plain splitting and joining are only worth naming there. */
  readonly topLevel: boolean;
}

export function isRef(value: Value): value is Ref {
  return typeof value === 'object' && value !== null;
}

export function isCallable(value: Value): boolean {
  return isRef(value) && (value.kind === 'function' || value.kind === 'builtin' || value.kind === 'method');
}

export function checkString(value: string): string {
  if (value.length > MAX_STRING_LENGTH) unknown(`string longer than ${MAX_STRING_LENGTH}`);
  return value;
}

export function checkLength(length: number): number {
  if (length > MAX_ARRAY_LENGTH) unknown(`array longer than ${MAX_ARRAY_LENGTH}`);
  return length;
}

export function makeArray(items: Value[]): ArrayRef {
  checkLength(items.length);
  return { kind: 'array', items };
}

export function makeBytes(value: Uint8Array, buffer: boolean): BytesRef {
  if (value.length > MAX_STRING_LENGTH) unknown(`byte array longer than ${MAX_STRING_LENGTH}`);
  return { kind: 'bytes', value, buffer };
}

/** Nested values (arrays of arrays, cycles made by `a.push(a)`) are cut off at this depth. */
export const MAX_VALUE_DEPTH = 32;

/**
 * ToString for the values we model; functions have no source text here, so they are unknown.
 * Converting an array or buffer is work in proportion to its size: the meter is charged.
 */
export function toStr(value: Value, meter: Meter, depth = 0): string {
  if (!isRef(value)) return String(value);
  if (depth > MAX_VALUE_DEPTH) unknown('value nested too deeply');
  switch (value.kind) {
    case 'array': {
      meter.charge(value.items.length);
      const parts: string[] = [];
      let length = 0;
      for (const item of value.items) {
        const part = item === null || item === undefined ? '' : toStr(item, meter, depth + 1);
        length += part.length + 1;
        if (length > MAX_STRING_LENGTH) unknown('joined array too long');
        parts.push(part);
      }
      return parts.join(',');
    }
    case 'bytes':
      meter.charge(value.value.length);
      return checkString(value.buffer ? Buffer.from(value.value).toString('utf8') : value.value.join(','));
    case 'regex':
      return `/${value.pattern}/${value.flags}`;
    case 'object':
      return '[object Object]';
    case 'set':
      return '[object Set]';
    case 'map':
      return '[object Map]';
    default:
      return unknown(`cannot convert a ${value.kind} to a string`);
  }
}

export function toPrimitive(value: Value, meter: Meter): Primitive {
  return isRef(value) ? toStr(value, meter) : value;
}

export function toNum(value: Value, meter: Meter): number {
  return Number(toPrimitive(value, meter));
}

/** ToIntegerOrInfinity, for index and count arguments. */
export function toInteger(value: Value, meter: Meter): number {
  const number = toNum(value, meter);
  if (Number.isNaN(number)) return 0;
  return Math.trunc(number);
}

export function truthy(value: Value): boolean {
  return isRef(value) ? true : Boolean(value);
}

export function typeOf(value: Value): string {
  if (value === null) return 'object';
  if (!isRef(value)) return typeof value;
  if (value.kind === 'function' || value.kind === 'method') return 'function';
  if (value.kind === 'builtin') return value.name === 'Math' || value.name === 'JSON' ? 'object' : 'function';
  return 'object';
}

/** Array indices as JS sees them: canonical non-negative integers below 2^32 - 1. */
export function arrayIndex(key: Value): number | null {
  if (typeof key === 'number') return Number.isInteger(key) && key >= 0 && key < 4_294_967_295 ? key : null;
  if (typeof key === 'string' && /^(?:0|[1-9][0-9]{0,9})$/.test(key)) {
    const index = Number(key);
    return index < 4_294_967_295 ? index : null;
  }
  return null;
}

export function propertyKey(key: Value, meter: Meter): string {
  if (isRef(key)) return toStr(key, meter);
  return String(key);
}

/** Own keys in JS order: integer-like keys ascending first, then the rest as inserted. */
export function ownKeys(entries: Map<string, Value>): string[] {
  const integers: string[] = [];
  const others: string[] = [];
  for (const key of entries.keys()) {
    if (arrayIndex(key) !== null) integers.push(key);
    else others.push(key);
  }
  integers.sort((a, b) => Number(a) - Number(b));
  return [...integers, ...others];
}

/** The values `for...of`, spread and `Array.from` see. */
export function iterate(value: Value, runtime: Meter): Value[] {
  if (typeof value === 'string') {
    runtime.charge(value.length);
    return checkItems(Array.from(value));
  }
  if (!isRef(value)) return unknown(`${typeOf(value)} is not iterable here`);
  switch (value.kind) {
    case 'array':
      runtime.charge(value.items.length);
      return value.items;
    case 'bytes':
      runtime.charge(value.value.length);
      return checkItems(Array.from(value.value));
    case 'set':
      runtime.charge(value.items.size);
      return [...value.items];
    case 'map':
      runtime.charge(value.entries.size);
      return [...value.entries].map(([key, item]) => makeArray([key, item]));
    default:
      return unknown(`a ${value.kind} is not iterable here`);
  }
}

function checkItems<T>(items: T[]): T[] {
  checkLength(items.length);
  return items;
}

/** SameValueZero, as `includes`, `Set` and `Map` compare. */
export function sameValueZero(a: Value, b: Value): boolean {
  if (typeof a === 'number' && typeof b === 'number' && Number.isNaN(a) && Number.isNaN(b)) return true;
  return a === b;
}

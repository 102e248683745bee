/**
 * The whitelisted builtins the evaluator may apply: deterministic string, array and byte
 * operations that decoders are made of. Each one runs natively on values we built ourselves, so
 * no code of the scanned package runs; anything off this list (Math.random, Date.now,
 * process.env, require, eval) stays unknown. Sizes are checked before work that could explode.
 */
import { Buffer } from 'node:buffer';
import {
  type ArrayRef,
  type BuiltinRef,
  type BytesRef,
  type MethodFamily,
  type Meter,
  type MethodRef,
  type Runtime,
  type Value,
  MAX_STRING_LENGTH,
  MAX_VALUE_DEPTH,
  arrayIndex,
  checkLength,
  checkString,
  isCallable,
  isRef,
  iterate,
  makeArray,
  makeBytes,
  ownKeys,
  propertyKey,
  sameValueZero,
  toInteger,
  toNum,
  toStr,
  truthy,
  unknown,
} from './model.js';
import { compileSafeRegex, makeRegex } from './regex.js';

/** Globals an identifier the resolver does not know may stand for (`String`, `atob` ...). */
const GLOBALS: ReadonlySet<string> = new Set([
  'String',
  'Number',
  'Boolean',
  'Array',
  'Object',
  'Math',
  'JSON',
  'Buffer',
  'Set',
  'Map',
  'Uint8Array',
  'TextDecoder',
  'TextEncoder',
  'RegExp',
  'atob',
  'btoa',
  'parseInt',
  'parseFloat',
  'decodeURIComponent',
  'decodeURI',
  'encodeURIComponent',
  'unescape',
  'escape',
]);

const STATIC_MEMBERS: Readonly<Record<string, readonly string[]>> = Object.freeze({
  String: ['fromCharCode', 'fromCodePoint', 'prototype'],
  Number: ['parseInt', 'parseFloat'],
  Array: ['from', 'of', 'isArray', 'prototype'],
  Object: ['keys', 'values', 'entries', 'fromEntries', 'freeze', 'getOwnPropertyNames'],
  Math: ['floor', 'ceil', 'round', 'abs', 'min', 'max', 'pow', 'trunc', 'sign'],
  JSON: ['parse'],
  Buffer: ['from', 'concat'],
  Uint8Array: ['from'],
});

const MATH_FUNCTIONS: Readonly<Record<string, (...values: number[]) => number>> = Object.freeze({
  floor: Math.floor,
  ceil: Math.ceil,
  round: Math.round,
  abs: Math.abs,
  min: Math.min,
  max: Math.max,
  pow: Math.pow,
  trunc: Math.trunc,
  sign: Math.sign,
});

const FAMILY_METHODS: Readonly<Record<MethodFamily, ReadonlySet<string>>> = Object.freeze({
  string: new Set([
    'charAt', 'charCodeAt', 'codePointAt', 'at', 'indexOf', 'lastIndexOf', 'includes', 'startsWith',
    'endsWith', 'slice', 'substring', 'substr', 'toLowerCase', 'toUpperCase', 'trim', 'trimStart',
    'trimEnd', 'trimLeft', 'trimRight', 'padStart', 'padEnd', 'repeat', 'concat', 'split', 'replace',
    'replaceAll', 'normalize', 'toString', 'valueOf',
  ]),
  array: new Set([
    'map', 'filter', 'forEach', 'some', 'every', 'find', 'findIndex', 'findLast', 'findLastIndex',
    'reduce', 'reduceRight', 'includes', 'indexOf', 'lastIndexOf', 'join', 'reverse', 'slice',
    'concat', 'push', 'pop', 'shift', 'unshift', 'sort', 'flat', 'flatMap', 'fill', 'at', 'toString',
  ]),
  bytes: new Set([
    'toString', 'slice', 'subarray', 'map', 'filter', 'forEach', 'reverse', 'join', 'includes',
    'indexOf', 'at', 'reduce', 'some', 'every', 'find', 'findIndex',
  ]),
  number: new Set(['toString', 'toFixed', 'valueOf']),
  object: new Set(['hasOwnProperty']),
  set: new Set(['has']),
  map: new Set(['has', 'get']),
  regex: new Set(['test']),
  function: new Set(['call', 'apply']),
  codec: new Set(['decode', 'encode']),
});

/** Inherited names a lookup table does not own; reading them would mean modelling Object.prototype. */
export const OBJECT_PROTOTYPE_NAMES: ReadonlySet<string> = new Set([
  'constructor', 'toString', 'toLocaleString', 'valueOf', 'isPrototypeOf', 'propertyIsEnumerable',
  '__proto__', '__defineGetter__', '__defineSetter__', '__lookupGetter__', '__lookupSetter__',
]);

/** Node's encoding names, as `Buffer.from` and `toString` accept them. */
const BUFFER_ENCODINGS: Readonly<Record<string, BufferEncoding>> = Object.freeze({
  utf8: 'utf8',
  'utf-8': 'utf8',
  hex: 'hex',
  base64: 'base64',
  base64url: 'base64url',
  latin1: 'latin1',
  binary: 'latin1',
  ascii: 'ascii',
  ucs2: 'utf16le',
  'ucs-2': 'utf16le',
  utf16le: 'utf16le',
  'utf-16le': 'utf16le',
});

const ENCODING_TAGS: Readonly<Partial<Record<BufferEncoding, string>>> = Object.freeze({
  hex: 'hex',
  base64: 'base64',
  base64url: 'base64',
});

/** `String.fromCharCode(...codes)` is applied in slices: one native call per 100k arguments could overflow. */
const CHAR_CODE_CHUNK = 4_096;

export function globalValue(name: string): Value {
  if (name === 'undefined') return undefined;
  if (name === 'NaN') return Number.NaN;
  if (name === 'Infinity') return Number.POSITIVE_INFINITY;
  if (GLOBALS.has(name)) return { kind: 'builtin', name };
  return unknown(`unknown name ${name}`);
}

function method(family: MethodFamily, name: string, receiver: Value): MethodRef {
  return { kind: 'method', family, name, receiver };
}

function familyMethod(family: MethodFamily, key: string, receiver: Value): MethodRef | null {
  return FAMILY_METHODS[family].has(key) ? method(family, key, receiver) : null;
}

export function getMember(object: Value, key: Value, meter: Meter): Value {
  if (object === null || object === undefined) return unknown('member of null or undefined');
  const name = propertyKey(key, meter);
  if (typeof object === 'string') {
    if (name === 'length') return object.length;
    const index = arrayIndex(key);
    if (index !== null) return object[index];
    return familyMethod('string', name, object) ?? unknown(`string member ${name}`);
  }
  if (typeof object === 'number') return familyMethod('number', name, object) ?? unknown(`number member ${name}`);
  if (typeof object === 'boolean') return unknown('member of a boolean');
  switch (object.kind) {
    case 'array': {
      if (name === 'length') return object.items.length;
      const index = arrayIndex(key);
      if (index !== null) return object.items[index];
      return familyMethod('array', name, object) ?? unknown(`array member ${name}`);
    }
    case 'bytes': {
      if (name === 'length' || name === 'byteLength') return object.value.length;
      const index = arrayIndex(key);
      if (index !== null) return object.value[index];
      return familyMethod('bytes', name, object) ?? unknown(`byte array member ${name}`);
    }
    case 'object': {
      if (object.entries.has(name)) return object.entries.get(name);
      if (name === 'hasOwnProperty') return method('object', name, object);
      if (OBJECT_PROTOTYPE_NAMES.has(name)) return unknown(`inherited member ${name}`);
      return undefined;
    }
    case 'set':
      if (name === 'size') return object.items.size;
      return familyMethod('set', name, object) ?? unknown(`Set member ${name}`);
    case 'map':
      if (name === 'size') return object.entries.size;
      return familyMethod('map', name, object) ?? unknown(`Map member ${name}`);
    case 'regex':
      if (name === 'source') return object.pattern;
      if (name === 'flags') return object.flags;
      return familyMethod('regex', name, object) ?? unknown(`regex member ${name}`);
    case 'codec':
      return familyMethod('codec', name, object) ?? unknown(`codec member ${name}`);
    case 'function':
    case 'method':
      return familyMethod('function', name, object) ?? unknown(`function member ${name}`);
    case 'builtin':
      return builtinMember(object, name);
  }
}

function builtinMember(builtin: BuiltinRef, name: string): Value {
  if (builtin.name === 'String.prototype') return familyMethod('string', name, undefined) ?? unknown(name);
  if (builtin.name === 'Array.prototype') return familyMethod('array', name, undefined) ?? unknown(name);
  if (STATIC_MEMBERS[builtin.name]?.includes(name) === true) {
    return { kind: 'builtin', name: `${builtin.name}.${name}` };
  }
  return familyMethod('function', name, builtin) ?? unknown(`${builtin.name}.${name} is not whitelisted`);
}

export function setMember(object: Value, key: Value, value: Value, runtime: Runtime): void {
  if (!isRef(object)) return unknown('assignment to a member of a primitive');
  const name = propertyKey(key, runtime);
  switch (object.kind) {
    case 'array': {
      const index = arrayIndex(key);
      if (index !== null) {
        checkLength(index + 1);
        runtime.charge(Math.max(0, index - object.items.length));
        while (object.items.length < index) object.items.push(undefined);
        object.items[index] = value;
        return;
      }
      if (name === 'length') {
        const length = arrayIndex(value);
        if (length === null) return unknown('invalid array length');
        checkLength(length);
        runtime.charge(Math.max(0, length - object.items.length));
        while (object.items.length < length) object.items.push(undefined);
        object.items.length = length;
        return;
      }
      return unknown(`assignment to array member ${name}`);
    }
    case 'bytes': {
      const index = arrayIndex(key);
      if (index === null) return unknown(`assignment to byte array member ${name}`);
      // Typed arrays ignore writes past their end.
      if (index < object.value.length) object.value[index] = toUint8(value, runtime);
      return;
    }
    case 'object':
      if (name === '__proto__') return unknown('assignment to __proto__');
      object.entries.set(name, value);
      checkLength(object.entries.size);
      return;
    default:
      return unknown(`assignment to a member of a ${object.kind}`);
  }
}

/** ToUint8, as typed arrays store numbers. */
function toUint8(value: Value, meter: Meter): number {
  const number = toNum(value, meter);
  if (!Number.isFinite(number)) return 0;
  return ((Math.trunc(number) % 256) + 256) % 256;
}

function arg(args: readonly Value[], index: number): Value {
  return args[index];
}

function stringArg(args: readonly Value[], index: number, meter: Meter): string {
  return toStr(arg(args, index), meter);
}

function optionalInteger(value: Value, meter: Meter): number | undefined {
  return value === undefined ? undefined : toInteger(value, meter);
}

function callableArg(args: readonly Value[], index: number): Value {
  const fn = arg(args, index);
  if (!isCallable(fn)) return unknown('callback is not a known function');
  return fn;
}

function bufferEncoding(value: Value, meter: Meter): BufferEncoding {
  if (value === undefined) return 'utf8';
  const name = toStr(value, meter).toLowerCase();
  // Own keys only: the name is the scanned code's, and `constructor` is no encoding.
  return Object.hasOwn(BUFFER_ENCODINGS, name) ? (BUFFER_ENCODINGS[name] ?? 'utf8') : unknown(`encoding ${name}`);
}

function fromCharCodes(codes: readonly number[], codePoints: boolean): string {
  let result = '';
  for (let start = 0; start < codes.length; start += CHAR_CODE_CHUNK) {
    const chunk = codes.slice(start, start + CHAR_CODE_CHUNK);
    if (codePoints) {
      for (const code of chunk) {
        if (!Number.isInteger(code) || code < 0 || code > 0x10ffff) return unknown('invalid code point');
      }
      result += String.fromCodePoint(...chunk);
    } else {
      result += String.fromCharCode(...chunk);
    }
    checkString(result);
  }
  return result;
}

function native<T>(operation: () => T, what: string): T {
  try {
    return operation();
  } catch {
    return unknown(`${what} throws`);
  }
}

export function callBuiltin(builtin: BuiltinRef, args: readonly Value[], runtime: Runtime): Value {
  runtime.charge(args.length);
  const name = builtin.name;
  if (name.startsWith('Math.')) {
    const fn = MATH_FUNCTIONS[name.slice('Math.'.length)];
    if (fn === undefined) return unknown(`${name} is not whitelisted`);
    return fn(...args.map((value) => toNum(value, runtime)));
  }
  switch (name) {
    case 'String':
      return args.length === 0 ? '' : stringArg(args, 0, runtime);
    case 'String.fromCharCode':
    case 'String.fromCodePoint':
      runtime.tag('char-codes');
      return fromCharCodes(args.map((value) => toNum(value, runtime)), name === 'String.fromCodePoint');
    case 'Number':
      return args.length === 0 ? 0 : toNum(arg(args, 0), runtime);
    case 'Boolean':
      return truthy(arg(args, 0));
    case 'parseInt':
    case 'Number.parseInt': {
      const text = stringArg(args, 0, runtime);
      runtime.charge(text.length);
      const radix = arg(args, 1);
      if (radix === undefined) return Number.parseInt(text);
      const base = toInteger(radix, runtime);
      if (base === 16) runtime.tag('hex');
      else if (base !== 10 && base !== 0) runtime.tag('radix');
      return Number.parseInt(text, base);
    }
    case 'parseFloat':
    case 'Number.parseFloat':
      return Number.parseFloat(stringArg(args, 0, runtime));
    case 'Array.isArray': {
      const value = arg(args, 0);
      return isRef(value) && value.kind === 'array';
    }
    case 'Array.of':
      return makeArray([...args]);
    case 'Array.from':
      return arrayFrom(args, runtime);
    case 'Uint8Array.from':
      return makeBytes(Uint8Array.from(arrayFrom(args, runtime).items, (item) => toUint8(item, runtime)), false);
    case 'Object.keys':
    case 'Object.values':
    case 'Object.entries':
      return objectListing(name, arg(args, 0), runtime);
    case 'Object.getOwnPropertyNames':
      // Own keys of the plain objects modelled here (no hidden ones); esbuild's `__commonJS` reads them.
      return objectListing('Object.keys', arg(args, 0), runtime);
    case 'Object.fromEntries': {
      const entries = new Map<string, Value>();
      for (const entry of iterate(arg(args, 0), runtime)) {
        if (!isRef(entry) || entry.kind !== 'array') return unknown('Object.fromEntries entry is not a pair');
        entries.set(propertyKey(entry.items[0], runtime), entry.items[1]);
      }
      return { kind: 'object', entries };
    }
    case 'Object.freeze':
      return arg(args, 0);
    case 'JSON.parse': {
      if (arg(args, 1) !== undefined) return unknown('JSON.parse with a reviver');
      const text = stringArg(args, 0, runtime);
      runtime.charge(text.length);
      const parsed: unknown = native(() => JSON.parse(text), 'JSON.parse');
      return fromJson(parsed, 0);
    }
    case 'Buffer.from':
      return bufferFrom(args, runtime);
    case 'Buffer.concat': {
      const parts = iterate(arg(args, 0), runtime).map((part) =>
        isRef(part) && part.kind === 'bytes' ? part.value : unknown('Buffer.concat of a non-buffer'),
      );
      const total = parts.reduce((sum, part) => sum + part.length, 0);
      if (total > MAX_STRING_LENGTH) return unknown('concatenated buffer too long');
      runtime.charge(total);
      return makeBytes(Buffer.concat(parts), true);
    }
    case 'atob':
    case 'btoa': {
      runtime.tag('base64');
      const text = stringArg(args, 0, runtime);
      runtime.charge(text.length);
      return checkString(native(() => (name === 'atob' ? atob(text) : btoa(text)), name));
    }
    case 'decodeURIComponent':
    case 'decodeURI':
    case 'unescape':
    case 'encodeURIComponent':
    case 'escape':
      return uriFunction(name, stringArg(args, 0, runtime), runtime);
    case 'RegExp':
      return regexFrom(args, runtime);
    default:
      return unknown(`calling ${name} is not whitelisted`);
  }
}

const URI_FUNCTIONS: Readonly<Record<string, (text: string) => string>> = Object.freeze({
  decodeURIComponent,
  decodeURI,
  encodeURIComponent,
  unescape,
  escape,
});

function uriFunction(name: string, text: string, runtime: Runtime): string {
  const fn = URI_FUNCTIONS[name];
  if (fn === undefined) return unknown(name);
  runtime.tag('uri');
  runtime.charge(text.length);
  return checkString(native(() => fn(text), name));
}

function regexFrom(args: readonly Value[], meter: Meter): Value {
  const source = arg(args, 0);
  const flags = arg(args, 1);
  if (isRef(source) && source.kind === 'regex') {
    return makeRegex(source.pattern, flags === undefined ? source.flags : toStr(flags, meter));
  }
  const pattern = source === undefined ? '(?:)' : toStr(source, meter);
  return makeRegex(pattern, flags === undefined ? '' : toStr(flags, meter));
}

export function construct(callee: Value, args: readonly Value[], runtime: Runtime): Value {
  if (!isRef(callee) || callee.kind !== 'builtin') return unknown('constructing an unknown class');
  runtime.charge(args.length);
  const first = arg(args, 0);
  switch (callee.name) {
    case 'Set': {
      const items = first === undefined || first === null ? [] : iterate(first, runtime);
      return { kind: 'set', items: new Set(items) };
    }
    case 'Map': {
      const entries = new Map<Value, Value>();
      const pairs = first === undefined || first === null ? [] : iterate(first, runtime);
      for (const pair of pairs) {
        if (!isRef(pair) || pair.kind !== 'array') return unknown('Map entry is not a pair');
        entries.set(pair.items[0], pair.items[1]);
      }
      return { kind: 'map', entries };
    }
    case 'Uint8Array': {
      if (typeof first === 'number') {
        const length = arrayIndex(first) ?? unknown('invalid typed array length');
        checkLength(length);
        return makeBytes(new Uint8Array(length), false);
      }
      if (isRef(first) && (first.kind === 'array' || first.kind === 'bytes' || first.kind === 'set')) {
        return makeBytes(Uint8Array.from(iterate(first, runtime), (item) => toUint8(item, runtime)), false);
      }
      return unknown('Uint8Array from an unsupported value');
    }
    case 'TextDecoder':
    case 'TextEncoder': {
      if (arg(args, 1) !== undefined) return unknown(`${callee.name} options`);
      if (callee.name === 'TextEncoder') return { kind: 'codec', direction: 'encoder', encoding: 'utf-8' };
      const label = first === undefined ? 'utf-8' : toStr(first, runtime);
      const encoding = native(() => new TextDecoder(label).encoding, 'TextDecoder');
      return { kind: 'codec', direction: 'decoder', encoding };
    }
    case 'RegExp':
      return regexFrom(args, runtime);
    default:
      return unknown(`new ${callee.name} is not whitelisted`);
  }
}

function arrayFrom(args: readonly Value[], runtime: Runtime): ArrayRef {
  const source = arg(args, 0);
  const mapper = arg(args, 1);
  let items: Value[];
  if (isRef(source) && source.kind === 'object') {
    // `Array.from({ length: n }, (_, i) => ...)`: an array-like of holes.
    const length = arrayIndex(source.entries.get('length') ?? 0) ?? unknown('invalid array-like length');
    checkLength(length);
    runtime.charge(length);
    items = Array.from({ length }, (_, index) => source.entries.get(String(index)));
  } else {
    items = [...iterate(source, runtime)];
  }
  if (mapper === undefined) return makeArray(items);
  const fn = callableArg(args, 1);
  return makeArray(items.map((item, index) => runtime.call(fn, undefined, [item, index])));
}

function objectListing(name: string, source: Value, runtime: Runtime): ArrayRef {
  let pairs: Array<[string, Value]>;
  if (isRef(source) && source.kind === 'object') {
    pairs = ownKeys(source.entries).map((key) => [key, source.entries.get(key)]);
  } else if (isRef(source) && source.kind === 'array') {
    pairs = source.items.map((item, index) => [String(index), item]);
  } else {
    return unknown(`${name} of a ${isRef(source) ? source.kind : typeof source}`);
  }
  runtime.charge(pairs.length);
  if (name === 'Object.keys') return makeArray(pairs.map(([key]) => key));
  if (name === 'Object.values') return makeArray(pairs.map(([, value]) => value));
  return makeArray(pairs.map(([key, value]) => makeArray([key, value])));
}

function bufferFrom(args: readonly Value[], runtime: Runtime): BytesRef {
  const source = arg(args, 0);
  if (typeof source === 'string') {
    const encoding = bufferEncoding(arg(args, 1), runtime);
    const tag = ENCODING_TAGS[encoding];
    if (tag !== undefined) runtime.tag(tag);
    runtime.charge(source.length);
    return makeBytes(Buffer.from(source, encoding), true);
  }
  if (isRef(source) && (source.kind === 'array' || source.kind === 'bytes')) {
    const items = iterate(source, runtime);
    return makeBytes(Buffer.from(items.map((item) => toUint8(item, runtime))), true);
  }
  return unknown('Buffer.from of an unsupported value');
}

function fromJson(value: unknown, depth: number): Value {
  if (depth > MAX_VALUE_DEPTH) return unknown('JSON nested too deeply');
  if (value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
    return value;
  }
  if (Array.isArray(value)) return makeArray(value.map((item: unknown) => fromJson(item, depth + 1)));
  if (typeof value === 'object') {
    const entries = new Map<string, Value>();
    for (const [key, item] of Object.entries(value)) entries.set(key, fromJson(item, depth + 1));
    checkLength(entries.size);
    return { kind: 'object', entries };
  }
  return unknown('unexpected JSON value');
}

export function callMethod(ref: MethodRef, args: readonly Value[], runtime: Runtime): Value {
  runtime.charge(args.length);
  switch (ref.family) {
    case 'string':
      return stringMethod(receiverString(ref.receiver, runtime), ref.name, args, runtime);
    case 'array':
      return arrayMethod(receiverArray(ref.receiver, runtime), ref.name, args, runtime);
    case 'bytes':
      return bytesMethod(ref.receiver, ref.name, args, runtime);
    case 'number':
      return numberMethod(ref.receiver, ref.name, args, runtime);
    case 'object': {
      const receiver = ref.receiver;
      if (!isRef(receiver) || receiver.kind !== 'object') return unknown('hasOwnProperty receiver');
      return receiver.entries.has(propertyKey(arg(args, 0), runtime));
    }
    case 'set': {
      const receiver = ref.receiver;
      if (!isRef(receiver) || receiver.kind !== 'set') return unknown('Set receiver');
      return receiver.items.has(arg(args, 0));
    }
    case 'map': {
      const receiver = ref.receiver;
      if (!isRef(receiver) || receiver.kind !== 'map') return unknown('Map receiver');
      const key = arg(args, 0);
      return ref.name === 'has' ? receiver.entries.has(key) : receiver.entries.get(key);
    }
    case 'regex': {
      const receiver = ref.receiver;
      if (!isRef(receiver) || receiver.kind !== 'regex') return unknown('regex receiver');
      // A global or sticky regex carries `lastIndex` between calls; we do not model that state.
      if (receiver.flags.includes('g')) return unknown('test on a global regex');
      const text = stringArg(args, 0, runtime);
      return compileSafeRegex(receiver, text.length, runtime).test(text);
    }
    case 'function': {
      // `[].map.call(s, f)`, `String.prototype.trim.call(s)`: the method runs on the new receiver.
      const target = rebind(ref.receiver, arg(args, 0));
      if (ref.name === 'call') return runtime.call(target, undefined, args.slice(1));
      const list = arg(args, 1);
      if (list === undefined || list === null) return runtime.call(target, undefined, []);
      if (!isRef(list) || (list.kind !== 'array' && list.kind !== 'bytes')) return unknown('apply with an array-like');
      return runtime.call(target, undefined, iterate(list, runtime));
    }
    case 'codec':
      return codecMethod(ref, args, runtime);
  }
}

/** Interpreted functions never see `this` (reading it is unknown); builtin methods take it as their receiver. */
function rebind(fn: Value, thisArg: Value): Value {
  return isRef(fn) && fn.kind === 'method' ? method(fn.family, fn.name, thisArg) : fn;
}

function receiverString(receiver: Value, meter: Meter): string {
  if (receiver === undefined || receiver === null) return unknown('string method on null or undefined');
  return toStr(receiver, meter);
}

/** Generic array methods borrowed for strings and bytes (`[].map.call(s, ...)`) see their elements. */
function receiverArray(receiver: Value, runtime: Runtime): ArrayRef {
  if (typeof receiver === 'string') {
    runtime.charge(receiver.length);
    return makeArray(receiver.split(''));
  }
  if (isRef(receiver) && receiver.kind === 'array') return receiver;
  if (isRef(receiver) && receiver.kind === 'bytes') return makeArray(iterate(receiver, runtime));
  return unknown('array method on a non-array');
}

/** Case mapping and normalisation can lengthen a string several times over: results are checked. */
function stringMethod(text: string, name: string, args: readonly Value[], runtime: Runtime): Value {
  const result = stringMethodResult(text, name, args, runtime);
  return typeof result === 'string' ? checkString(result) : result;
}

function stringMethodResult(text: string, name: string, args: readonly Value[], runtime: Runtime): Value {
  const a0 = arg(args, 0);
  const a1 = arg(args, 1);
  switch (name) {
    case 'charAt':
      return text.charAt(toInteger(a0, runtime));
    case 'charCodeAt':
      return text.charCodeAt(toInteger(a0, runtime));
    case 'codePointAt':
      return text.codePointAt(toInteger(a0, runtime));
    case 'at':
      return text.at(toInteger(a0, runtime));
    case 'toString':
    case 'valueOf':
      return text;
  }
  runtime.charge(text.length);
  switch (name) {
    case 'indexOf':
      return text.indexOf(toStr(a0, runtime), toInteger(a1, runtime));
    case 'lastIndexOf':
      if (a1 === undefined) return text.lastIndexOf(toStr(a0, runtime));
      return text.lastIndexOf(toStr(a0, runtime), toNum(a1, runtime));
    case 'includes':
    case 'startsWith':
    case 'endsWith': {
      if (isRef(a0) && a0.kind === 'regex') return unknown(`${name} with a regex`);
      const search = toStr(a0, runtime);
      const position = optionalInteger(a1, runtime);
      if (name === 'includes') return text.includes(search, position);
      return name === 'startsWith' ? text.startsWith(search, position) : text.endsWith(search, position);
    }
    case 'slice':
      return text.slice(toInteger(a0, runtime), optionalInteger(a1, runtime));
    case 'substring':
      return text.substring(toInteger(a0, runtime), optionalInteger(a1, runtime));
    case 'substr':
      return text.substr(toInteger(a0, runtime), optionalInteger(a1, runtime));
    case 'toLowerCase':
      return text.toLowerCase();
    case 'toUpperCase':
      return text.toUpperCase();
    case 'trim':
      return text.trim();
    case 'trimStart':
    case 'trimLeft':
      return text.trimStart();
    case 'trimEnd':
    case 'trimRight':
      return text.trimEnd();
    case 'normalize': {
      const form = a0 === undefined ? 'NFC' : toStr(a0, runtime);
      return native(() => text.normalize(form), 'normalize');
    }
    case 'padStart':
    case 'padEnd': {
      const length = toInteger(a0, runtime);
      if (length > MAX_STRING_LENGTH) return unknown('padding too long');
      runtime.charge(length);
      const filler = a1 === undefined ? undefined : toStr(a1, runtime);
      return name === 'padStart' ? text.padStart(length, filler) : text.padEnd(length, filler);
    }
    case 'repeat': {
      const count = toInteger(a0, runtime);
      if (count < 0 || !Number.isFinite(count)) return unknown('invalid repeat count');
      if (text.length * count > MAX_STRING_LENGTH) return unknown('repeated string too long');
      runtime.charge(text.length * count);
      return text.repeat(count);
    }
    case 'concat': {
      if (runtime.topLevel) runtime.tag('concatenation');
      let result = text;
      for (const part of args) result = checkString(result + toStr(part, runtime));
      return result;
    }
    case 'split':
      return splitString(text, a0, a1, runtime);
    case 'replace':
    case 'replaceAll':
      return replaceString(text, name, a0, a1, runtime);
    default:
      return unknown(`string method ${name}`);
  }
}

function splitString(text: string, separator: Value, limit: Value, runtime: Runtime): ArrayRef {
  if (runtime.topLevel) runtime.tag('split');
  const max = limit === undefined ? undefined : toNum(limit, runtime) >>> 0;
  if (separator === undefined) return makeArray(max === 0 ? [] : [text]);
  if (isRef(separator) && separator.kind === 'regex') {
    const regex = compileSafeRegex(separator, text.length, runtime);
    return makeArray(text.split(regex, max));
  }
  const search = toStr(separator, runtime);
  // Splitting into characters makes one item per character: refuse before building it.
  if (search === '' && Math.min(text.length, max ?? text.length) > MAX_STRING_LENGTH) return unknown('split too long');
  if (search === '') checkLength(Math.min(text.length, max ?? text.length));
  return makeArray(text.split(search, max));
}

function replaceString(text: string, name: string, pattern: Value, replacement: Value, runtime: Runtime): string {
  if (runtime.topLevel) runtime.tag('replace');
  let matcher: string | RegExp;
  if (isRef(pattern) && pattern.kind === 'regex') {
    if (name === 'replaceAll' && !pattern.flags.includes('g')) return unknown('replaceAll with a non-global regex');
    matcher = compileSafeRegex(pattern, text.length, runtime);
  } else {
    matcher = toStr(pattern, runtime);
  }
  let replace: (...parts: unknown[]) => string;
  if (isCallable(replacement)) {
    replace = (...parts) => toStr(runtime.call(replacement, undefined, parts.map(fromReplaceArgument)), runtime);
  } else {
    const fixed = toStr(replacement, runtime);
    // `$&`, `` $` `` and `$'` patterns can grow the output quadratically; decoders do not need them.
    if (fixed.includes('$')) return unknown('replacement pattern with $');
    replace = () => fixed;
  }
  let length = text.length;
  const bounded = (...parts: unknown[]): string => {
    const piece = replace(...parts);
    length += piece.length;
    if (length > MAX_STRING_LENGTH) unknown('replacement result too long');
    return piece;
  };
  return name === 'replaceAll' ? text.replaceAll(matcher, bounded) : text.replace(matcher, bounded);
}

/** Arguments the native replace passes to a replacer: match, captures, offset, input, groups. */
function fromReplaceArgument(part: unknown): Value {
  if (part === undefined || typeof part === 'string' || typeof part === 'number') return part;
  return unknown('named capture groups');
}

function numberMethod(receiver: Value, name: string, args: readonly Value[], runtime: Runtime): Value {
  if (typeof receiver !== 'number') return unknown('number method on a non-number');
  const a0 = arg(args, 0);
  if (name === 'valueOf') return receiver;
  if (name === 'toFixed') {
    const digits = toInteger(a0, runtime);
    if (digits < 0 || digits > 100) return unknown('toFixed digits');
    return receiver.toFixed(digits);
  }
  if (a0 === undefined) return String(receiver);
  const radix = toInteger(a0, runtime);
  if (radix < 2 || radix > 36) return unknown('invalid radix');
  if (radix !== 10) runtime.tag(radix === 16 ? 'hex' : 'radix');
  return receiver.toString(radix);
}

function arrayMethod(array: ArrayRef, name: string, args: readonly Value[], runtime: Runtime): Value {
  const items = array.items;
  const a0 = arg(args, 0);
  const a1 = arg(args, 1);
  switch (name) {
    case 'at':
      return items.at(toInteger(a0, runtime));
    case 'push':
      checkLength(items.length + args.length);
      items.push(...args);
      return items.length;
    case 'pop':
      return items.pop();
    case 'shift':
      runtime.charge(items.length);
      return items.shift();
    case 'unshift':
      checkLength(items.length + args.length);
      runtime.charge(items.length);
      items.unshift(...args);
      return items.length;
  }
  runtime.charge(items.length);
  switch (name) {
    case 'map':
    case 'filter':
    case 'forEach':
    case 'some':
    case 'every':
    case 'find':
    case 'findIndex':
    case 'findLast':
    case 'findLastIndex':
    case 'flatMap':
      return iterateWithCallback(array, name, callableArg(args, 0), a1, runtime);
    case 'reduce':
    case 'reduceRight':
      return reduceArray(array, name === 'reduceRight', args, runtime);
    case 'includes':
      return items.some((item) => sameValueZero(item, a0));
    case 'indexOf':
      return items.findIndex((item) => item === a0);
    case 'lastIndexOf':
      return items.findLastIndex((item) => item === a0);
    case 'join':
    case 'toString': {
      const separator = a0 === undefined || name === 'toString' ? ',' : toStr(a0, runtime);
      return joinItems(items, separator, runtime);
    }
    case 'reverse':
      runtime.tag('reversed');
      items.reverse();
      return array;
    case 'slice':
      return makeArray(items.slice(toInteger(a0, runtime), optionalInteger(a1, runtime)));
    case 'concat': {
      const result = [...items];
      for (const part of args) {
        if (isRef(part) && part.kind === 'array') {
          checkLength(result.length + part.items.length);
          runtime.charge(part.items.length);
          result.push(...part.items);
        } else {
          result.push(part);
        }
        checkLength(result.length);
      }
      return makeArray(result);
    }
    case 'sort':
      return sortArray(array, a0, runtime);
    case 'flat': {
      const flat = flatten(items, Math.min(a0 === undefined ? 1 : toInteger(a0, runtime), MAX_VALUE_DEPTH));
      runtime.charge(flat.length);
      return makeArray(flat);
    }
    case 'fill': {
      const start = toInteger(a1, runtime);
      const end = optionalInteger(arg(args, 2), runtime);
      items.fill(a0, start, end);
      return array;
    }
    default:
      return unknown(`array method ${name}`);
  }
}

function joinItems(items: readonly Value[], separator: string, meter: Meter): string {
  let length = 0;
  const parts = items.map((item) => {
    const part = item === null || item === undefined ? '' : toStr(item, meter);
    length += part.length + separator.length;
    if (length > MAX_STRING_LENGTH + separator.length) unknown('joined string too long');
    return part;
  });
  return parts.join(separator);
}

function iterateWithCallback(array: ArrayRef, name: string, fn: Value, thisArg: Value, runtime: Runtime): Value {
  // Length is read once, as the spec does; items pushed by the callback are not visited.
  const length = array.items.length;
  const indices = Array.from({ length }, (_, index) => index);
  if (name === 'findLast' || name === 'findLastIndex') indices.reverse();
  const result: Value[] = [];
  for (const index of indices) {
    const item = array.items[index];
    const answer = runtime.call(fn, thisArg, [item, index, array]);
    switch (name) {
      case 'map':
        result.push(answer);
        break;
      case 'flatMap':
        if (isRef(answer) && answer.kind === 'array') result.push(...answer.items);
        else result.push(answer);
        checkLength(result.length);
        break;
      case 'filter':
        if (truthy(answer)) result.push(item);
        break;
      case 'some':
        if (truthy(answer)) return true;
        break;
      case 'every':
        if (!truthy(answer)) return false;
        break;
      case 'find':
      case 'findLast':
        if (truthy(answer)) return item;
        break;
      case 'findIndex':
      case 'findLastIndex':
        if (truthy(answer)) return index;
        break;
    }
  }
  switch (name) {
    case 'map':
    case 'filter':
    case 'flatMap':
      return makeArray(result);
    case 'some':
      return false;
    case 'every':
      return true;
    case 'findIndex':
    case 'findLastIndex':
      return -1;
    default:
      return undefined;
  }
}

function reduceArray(array: ArrayRef, fromRight: boolean, args: readonly Value[], runtime: Runtime): Value {
  const fn = callableArg(args, 0);
  const indices = Array.from({ length: array.items.length }, (_, index) => index);
  if (fromRight) indices.reverse();
  let accumulator: Value;
  if (args.length >= 2) {
    accumulator = arg(args, 1);
  } else {
    const first = indices.shift();
    if (first === undefined) return unknown('reduce of an empty array without an initial value');
    accumulator = array.items[first];
  }
  for (const index of indices) {
    accumulator = runtime.call(fn, undefined, [accumulator, array.items[index], index, array]);
  }
  return accumulator;
}

function sortArray(array: ArrayRef, comparator: Value, runtime: Runtime): ArrayRef {
  const defined = array.items.filter((item) => item !== undefined);
  const holes = array.items.length - defined.length;
  let sorted: Value[];
  if (comparator === undefined) {
    const keyed = defined.map((item) => ({ key: toStr(item, runtime), item }));
    keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    sorted = keyed.map(({ item }) => item);
  } else {
    const fn = callableArg([comparator], 0);
    sorted = [...defined].sort((a, b) => {
      const order = toNum(runtime.call(fn, undefined, [a, b]), runtime);
      return Number.isNaN(order) ? 0 : order;
    });
  }
  array.items.splice(0, array.items.length, ...sorted, ...Array.from({ length: holes }, () => undefined));
  return array;
}

/** `depth` arrives clamped to MAX_VALUE_DEPTH: `flat(Infinity)` on a cyclic array must end. */
function flatten(items: readonly Value[], depth: number): Value[] {
  const result: Value[] = [];
  for (const item of items) {
    if (isRef(item) && item.kind === 'array' && depth > 0) {
      result.push(...flatten(item.items, depth - 1));
    } else {
      result.push(item);
    }
    checkLength(result.length);
  }
  return result;
}

function bytesMethod(receiver: Value, name: string, args: readonly Value[], runtime: Runtime): Value {
  if (!isRef(receiver) || receiver.kind !== 'bytes') return unknown('byte array method receiver');
  const bytes = receiver.value;
  runtime.charge(bytes.length);
  const a0 = arg(args, 0);
  const a1 = arg(args, 1);
  switch (name) {
    case 'toString': {
      if (!receiver.buffer) return bytes.join(',');
      const encoding = bufferEncoding(a0, runtime);
      const tag = ENCODING_TAGS[encoding];
      if (tag !== undefined) runtime.tag(tag);
      const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
      return checkString(view.toString(encoding, optionalInteger(a1, runtime), optionalInteger(arg(args, 2), runtime)));
    }
    case 'subarray':
    case 'slice': {
      const start = toInteger(a0, runtime);
      const end = optionalInteger(a1, runtime);
      // Buffer#slice is a view that shares memory, as subarray is; Uint8Array#slice copies.
      const view = name === 'subarray' || receiver.buffer;
      return makeBytes(view ? bytes.subarray(start, end) : bytes.slice(start, end), receiver.buffer);
    }
    case 'reverse':
      runtime.tag('reversed');
      bytes.reverse();
      return receiver;
    case 'map':
    case 'filter': {
      const result = arrayMethod(makeArray(Array.from(bytes)), name, args, runtime);
      if (!isRef(result) || result.kind !== 'array') return unknown('typed array result');
      return makeBytes(Uint8Array.from(result.items, (item) => toUint8(item, runtime)), receiver.buffer);
    }
    default:
      return arrayMethod(makeArray(Array.from(bytes)), name, args, runtime);
  }
}

function codecMethod(ref: MethodRef, args: readonly Value[], runtime: Runtime): Value {
  const codec = ref.receiver;
  if (!isRef(codec) || codec.kind !== 'codec') return unknown('codec receiver');
  const input = arg(args, 0);
  if (codec.direction === 'encoder') {
    if (ref.name !== 'encode') return unknown('TextEncoder has no decode');
    const text = input === undefined ? '' : toStr(input, runtime);
    runtime.charge(text.length);
    return makeBytes(new TextEncoder().encode(text), false);
  }
  if (ref.name !== 'decode') return unknown('TextDecoder has no encode');
  if (arg(args, 1) !== undefined) return unknown('TextDecoder.decode options');
  if (input === undefined) return '';
  if (!isRef(input) || input.kind !== 'bytes') return unknown('TextDecoder.decode of a non-buffer');
  runtime.charge(input.value.length);
  return checkString(native(() => new TextDecoder(codec.encoding).decode(input.value), 'TextDecoder.decode'));
}

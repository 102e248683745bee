/**
 * Static evaluation of values the code spells out in pieces or hides behind an encoding: the
 * lists of timezones, company domains or country codes a package compares the environment
 * with, decoded at run time from base64, hex, XOR, char codes or a reversed string. We recover
 * them by safe partial evaluation (`interpreter.ts`): the scanned code never runs.
 *
 * Answers are all-or-nothing: a value, or null when any part is unknown or a limit was hit.
 * These functions never throw.
 */
import type { AnyNode, Identifier, Node } from 'acorn';
import { Interpreter } from './interpreter.js';
import { type Value, MAX_VALUE_DEPTH, isRef, ownKeys } from './model.js';
import { regexAlternatives } from './regex.js';

export type StaticValue =
  | { kind: 'string'; value: string }
  | { kind: 'number'; value: number }
  | { kind: 'boolean'; value: boolean }
  | { kind: 'array'; items: StaticValue[] }
  /** `Buffer.from(...)`, `new Uint8Array(...)`, `TextEncoder#encode` results. */
  | { kind: 'bytes'; value: Uint8Array }
  | { kind: 'regex'; pattern: string; flags: string }
  | { kind: 'object'; entries: Map<string, StaticValue> };

/**
 * How the caller resolves a name: the node that defines it, or null when unknown. Accepted
 * definitions: a VariableDeclarator (its init is evaluated), its init expression, a
 * FunctionDeclaration or function expression, or a binding position (a parameter's Identifier:
 * known to exist, value unknown). Scope is the caller's concern, and so is reassignment: return
 * null for a variable assigned after its declaration. A null answer lets a whitelisted global
 * (`String`, `Buffer`, `atob` ...) stand for the name.
 */
export type NameResolver = (identifier: Identifier) => Node | null;

/** A shared countdown: pass one object to several calls to bound their total work. */
export interface EvaluationBudget {
  steps: number;
}

/**
 * Per call unless the caller shares a budget. A character of an XOR loop costs about 25 steps,
 * so this decodes lists of about 2,000 characters; well under 100 ms of work.
 */
export const DEFAULT_STEP_BUDGET = 50_000;

export interface DecodedValue {
  value: StaticValue;
  /**
   * How the value was obtained, for the report: the encoding steps met, in order, joined by
   * '+' ('base64+xor+char-codes', 'split'), or 'literal' when there were none. Steps: 'base64',
   * 'hex', 'xor', 'char-codes', 'add-shift', 'reversed', 'radix', 'uri', and (outside decoding
   * helpers only, where they are the hiding rather than a loop's plumbing) 'split',
   * 'concatenation', 'replace'.
   */
  encoding: string;
}

/** The value of `node`, or null when it cannot be known statically. */
export function evaluateStatic(node: Node, resolve: NameResolver, budget?: EvaluationBudget): StaticValue | null {
  return evaluateDecoded(node, resolve, budget)?.value ?? null;
}

/** The value of `node` and how it was encoded, or null when it cannot be known statically. */
export function evaluateDecoded(
  node: Node,
  resolve: NameResolver,
  budget: EvaluationBudget = { steps: DEFAULT_STEP_BUDGET },
): DecodedValue | null {
  const interpreter = new Interpreter(resolve, budget);
  try {
    const value = toStaticValue(interpreter.evaluate(node, null), 0, interpreter);
    if (value === null) return null;
    return { value, encoding: interpreter.tags.size === 0 ? 'literal' : [...interpreter.tags].join('+') };
  } catch {
    // NotStatic is the ordinary "unknown"; a RangeError means the JS stack ran out in spite of
    // the nesting limit (the caller was already deep in a walk); a throwing resolver is the
    // caller's problem. None of them may abort the scan of a package: the value is unknown.
    return null;
  }
}

/** The encoding `evaluateDecoded` reports, or 'unknown' when the value cannot be known. */
export function encodingOf(node: Node, resolve: NameResolver, budget?: EvaluationBudget): string {
  return evaluateDecoded(node, resolve, budget)?.encoding ?? 'unknown';
}

/** Sets become arrays and Maps objects; null, undefined and functions have no StaticValue. */
function toStaticValue(value: Value, depth: number, interpreter: Interpreter): StaticValue | null {
  interpreter.spend(1);
  if (depth > MAX_VALUE_DEPTH) return null;
  if (typeof value === 'string') return { kind: 'string', value };
  if (typeof value === 'number') return { kind: 'number', value };
  if (typeof value === 'boolean') return { kind: 'boolean', value };
  if (!isRef(value)) return null;
  switch (value.kind) {
    case 'array':
    case 'set': {
      const items: StaticValue[] = [];
      for (const item of value.items) {
        const converted = toStaticValue(item, depth + 1, interpreter);
        if (converted === null) return null;
        items.push(converted);
      }
      return { kind: 'array', items };
    }
    case 'bytes':
      return { kind: 'bytes', value: Uint8Array.from(value.value) };
    case 'regex':
      return { kind: 'regex', pattern: value.pattern, flags: value.flags };
    case 'object':
    case 'map': {
      let source: Array<[string, Value]>;
      if (value.kind === 'object') {
        source = ownKeys(value.entries).map((key) => [key, value.entries.get(key)]);
      } else {
        if ([...value.entries.keys()].some(isRef)) return null;
        source = [...value.entries].map(([key, item]) => [String(key), item]);
      }
      const entries = new Map<string, StaticValue>();
      for (const [key, item] of source) {
        const converted = toStaticValue(item, depth + 1, interpreter);
        if (converted === null) return null;
        entries.set(key, converted);
      }
      return { kind: 'object', entries };
    }
    default:
      return null;
  }
}

/**
 * The list of strings a value denotes: a string itself; the strings of an array (or a Set),
 * nested arrays flattened and other items skipped; an object's keys (a lookup table); the
 * alternatives of a regex made of literal text, groups and `|`. Null when it denotes none.
 */
export function stringsOf(value: StaticValue): string[] | null {
  switch (value.kind) {
    case 'string':
      return [value.value];
    case 'object':
      return [...value.entries.keys()];
    case 'regex':
      return regexAlternatives(value.pattern, value.flags);
    case 'array': {
      const strings: string[] = [];
      // An explicit stack: a caller-built value may nest deeper than ours ever do.
      const pending: StaticValue[][] = [value.items];
      const positions: number[] = [0];
      let sawItem = false;
      while (pending.length > 0) {
        const items = pending[pending.length - 1] ?? [];
        const position = positions[positions.length - 1] ?? 0;
        if (position >= items.length) {
          pending.pop();
          positions.pop();
          continue;
        }
        positions[positions.length - 1] = position + 1;
        const item = items[position];
        if (item === undefined) continue;
        sawItem = true;
        if (item.kind === 'array') {
          pending.push(item.items);
          positions.push(0);
        } else if (item.kind === 'string') {
          strings.push(item.value);
        } else if (item.kind === 'regex') {
          strings.push(...(regexAlternatives(item.pattern, item.flags) ?? []));
        }
      }
      return sawItem && strings.length === 0 ? null : strings;
    }
    default:
      return null;
  }
}

/** A concatenation longer than this is data, not a hidden name; stop before doing real work. */
export const MAX_CONCAT_PARTS = 256;
/** Evaluated strings longer than this are not names or keys worth matching. */
export const MAX_STATIC_STRING_LENGTH = 4_096;

/**
 * The string value of `node` when it is a constant made of literals, templates without
 * substitutions and `+` (`process['en' + 'v']`), else null. The cheap question a walk asks of
 * every computed member: no names, no calls. Iterative: chains can be long.
 */
export function staticString(node: Node): string | null {
  const first = node as AnyNode;
  switch (first.type) {
    case 'Literal':
      return typeof first.value === 'string' ? first.value : null;
    case 'TemplateLiteral':
    case 'BinaryExpression':
    case 'ParenthesizedExpression':
      break;
    default:
      return null;
  }
  // Depth-first over `+` operands, left to right, with an explicit stack.
  const stack: AnyNode[] = [first];
  let result = '';
  let parts = 0;
  // `1 + 2 + 'x'` is '3x': numbers only join as text once a string came before them.
  let sawString = false;
  while (stack.length > 0) {
    const current = stack.pop();
    if (current === undefined) break;
    if (++parts > MAX_CONCAT_PARTS) return null;
    switch (current.type) {
      case 'Literal':
        if (typeof current.value === 'string') {
          result += current.value;
          sawString = true;
        } else if (typeof current.value === 'number' && sawString) result += String(current.value);
        else return null;
        break;
      case 'TemplateLiteral': {
        if (current.expressions.length > 0) return null;
        const cooked = current.quasis[0]?.value.cooked;
        if (typeof cooked !== 'string') return null;
        result += cooked;
        sawString = true;
        break;
      }
      case 'BinaryExpression':
        if (current.operator !== '+' || current.left.type === 'PrivateIdentifier') return null;
        stack.push(current.right as AnyNode, current.left as AnyNode);
        break;
      case 'ParenthesizedExpression':
        stack.push(current.expression as AnyNode);
        break;
      default:
        return null;
    }
    if (result.length > MAX_STATIC_STRING_LENGTH) return null;
  }
  return result;
}

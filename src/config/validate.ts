/**
 * Checks a value against the policy's JSON Schema (schema/policy.schema.json). The schema is the
 * one description of the file: the README's reference is generated from it, editors can validate
 * with it, and its `title`s are the "expected" half of every error message here. Only the keywords
 * that schema uses are understood (SCHEMA_KEYWORDS); a test holds the schema to that set and checks
 * this reading against a full validator, so a keyword added there cannot be ignored here silently.
 */

export type SchemaType = 'string' | 'integer' | 'number' | 'boolean' | 'array' | 'object';

export interface SchemaNode {
  $schema?: string;
  title?: string;
  description?: string;
  default?: unknown;
  type?: SchemaType;
  enum?: readonly unknown[];
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
  items?: SchemaNode;
  properties?: Readonly<Record<string, SchemaNode>>;
  required?: readonly string[];
  additionalProperties?: boolean | SchemaNode;
  propertyNames?: SchemaNode;
}

/** Every keyword this validator reads or may ignore (annotations); nothing else may appear in the schema. */
export const SCHEMA_KEYWORDS = [
  '$schema', 'title', 'description', 'default',
  'type', 'enum', 'pattern', 'minLength', 'maxLength', 'minimum', 'maximum', 'minItems', 'maxItems',
  'items', 'properties', 'required', 'additionalProperties', 'propertyNames',
] as const;

export type SchemaPath = readonly (string | number)[];

export interface SchemaViolation {
  /** Where in the document: keys and list indexes from the top. */
  path: SchemaPath;
  /** True when the problem is the key at `path` itself (an unknown key), not its value. */
  atKey: boolean;
  /** The sentence after the location: names the key, the value and what was expected. */
  message: string;
}

/** Quotes a value for an error message; a circular YAML value (`&a [*a]`) must not crash it. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  try {
    const text = JSON.stringify(value) ?? String(value);
    return text.length > 200 ? `${text.slice(0, 199)}…` : text;
  } catch {
    return Array.isArray(value) ? 'a self-referencing list' : 'a self-referencing value';
  }
}

/** `allow[0].package`, `rules.fingerprint-source`: how a reader finds the key in the file. */
export function formatPath(path: SchemaPath): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else text += text === '' ? segment : `.${segment}`;
  }
  return text === '' ? 'the policy' : text;
}

export function isPlainRecord(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/** What a node expects, in words: its enum when it has one, else its title. */
export function expectation(node: SchemaNode): string {
  if (node.enum !== undefined) return `one of ${node.enum.map(String).join(', ')}`;
  return node.title ?? (node.type === undefined ? 'a value' : `${node.type === 'integer' || node.type === 'array' ? 'an' : 'a'} ${node.type}`);
}

function matchesType(value: unknown, type: SchemaType): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string';
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'array':
      return Array.isArray(value);
    case 'object':
      return isPlainRecord(value);
  }
}

function hasOwn(record: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(record, key);
}

/** Compiled patterns, once per schema string: the schema is a constant, the values are not. */
const PATTERNS = new Map<string, RegExp>();
function pattern(source: string): RegExp {
  let compiled = PATTERNS.get(source);
  if (compiled === undefined) {
    compiled = new RegExp(source, 'u');
    PATTERNS.set(source, compiled);
  }
  return compiled;
}

/**
 * The first violation of `node` by `value`, in document order, or null. The first only: one
 * precise message is what a person fixes next; a cascade after a wrong type says nothing more.
 */
export function validateAgainst(value: unknown, node: SchemaNode, path: SchemaPath = []): SchemaViolation | null {
  const wrong = (): SchemaViolation => ({ path, atKey: false, message: `${formatPath(path)} must be ${expectation(node)}; got ${describeValue(value)}` });
  if (node.type !== undefined && !matchesType(value, node.type)) return wrong();
  if (node.enum !== undefined && !node.enum.includes(value)) return wrong();
  if (typeof value === 'string') {
    if (node.minLength !== undefined && value.length < node.minLength) return wrong();
    if (node.maxLength !== undefined && value.length > node.maxLength) {
      return { path, atKey: false, message: `${formatPath(path)} must be ${expectation(node)} of at most ${node.maxLength} characters; got ${describeValue(value)}` };
    }
    if (node.pattern !== undefined && !pattern(node.pattern).test(value)) return wrong();
  }
  if (typeof value === 'number') {
    if (node.minimum !== undefined && value < node.minimum) return wrong();
    if (node.maximum !== undefined && value > node.maximum) return wrong();
  }
  if (Array.isArray(value)) {
    if (node.minItems !== undefined && value.length < node.minItems) return wrong();
    if (node.maxItems !== undefined && value.length > node.maxItems) {
      return { path, atKey: false, message: `${formatPath(path)} lists more than ${node.maxItems} entries (${value.length})` };
    }
    if (node.items !== undefined) {
      for (const [index, item] of value.entries()) {
        const found = validateAgainst(item, node.items, [...path, index]);
        if (found !== null) return found;
      }
    }
  }
  if (isPlainRecord(value)) return validateRecord(value, node, path);
  return null;
}

function validateRecord(value: Record<string, unknown>, node: SchemaNode, path: SchemaPath): SchemaViolation | null {
  const properties = node.properties ?? {};
  for (const key of Object.keys(value)) {
    const keyPath = [...path, key];
    if (node.propertyNames !== undefined && validateAgainst(key, node.propertyNames, keyPath) !== null) {
      return { path: keyPath, atKey: true, message: `${formatPath(path)} has an unknown key ${describeValue(key)}; expected ${expectation(node.propertyNames)}` };
    }
    const known = hasOwn(properties, key) ? properties[key] : undefined;
    if (known !== undefined) {
      const found = validateAgainst(value[key], known, keyPath);
      if (found !== null) return found;
      continue;
    }
    if (node.additionalProperties === false) {
      const names = Object.keys(properties).join(', ');
      const message =
        path.length === 0
          ? `unknown setting ${describeValue(key)}; known: ${names}`
          : `${formatPath(path)} has an unknown key ${describeValue(key)}; known: ${names}`;
      return { path: keyPath, atKey: true, message };
    }
    if (typeof node.additionalProperties === 'object') {
      const found = validateAgainst(value[key], node.additionalProperties, keyPath);
      if (found !== null) return found;
    }
  }
  for (const key of node.required ?? []) {
    if (!hasOwn(value, key)) {
      const wanted = properties[key];
      return {
        path,
        atKey: false,
        message: `${formatPath([...path, key])} is required${wanted === undefined ? '' : `: ${expectation(wanted)}`}`,
      };
    }
  }
  return null;
}

/**
 * Fingerprint reads whose member name is a value rather than a spelling: `os[n]()` with `n` built
 * from char codes, base64 or a string variable, `Reflect.get(os, 'hostname')`,
 * `Object.getOwnPropertyDescriptor(os, 'hostname').value`, `os[Object.keys(os).find((k) => k ===
 * 'hostname')]`. Honest code names what it reads; hiding the name is itself a signal, so these
 * reads carry a `disguise` that raises what the rules report.
 *
 * Cost model: the shared walk only notes candidates by shape (a computed member on a catalogued
 * module or `process`, or a reflective call) with one memoised scope lookup; the names are
 * evaluated in the deep analysis of the files that have candidates.
 */
import type { AnyNode, Node } from 'acorn';
import { memberName } from './member-name.js';
import { GLOBAL_OBJECT_NAMES, type RefPath, type Scope } from './scope.js';
import { type EvaluationBudget, evaluateDecoded, type NameResolver } from './values/evaluate.js';

/** Roots whose members the catalogue lists: a computed member on one of these may be a read. */
const DISGUISE_ROOTS: ReadonlySet<string> = new Set(['os', 'dns', 'process', 'Intl', 'navigator', 'location']);
/** Reflective calls that read a member by a name given as a value. */
const REFLECTIVE_READS: ReadonlySet<string> = new Set(['Reflect.get', 'Object.getOwnPropertyDescriptor']);
/** Work for evaluating one name: names are short; a hostile file cannot make this costly. */
export const NAME_EVALUATION_STEPS = 5_000;

/** Globals whose members the catalogue lists, or that hold them (`globalThis.process`). */
const GLOBAL_ROOTS: ReadonlySet<string> = new Set(['process', 'Intl', 'navigator', 'location', ...GLOBAL_OBJECT_NAMES]);
/** Module specifiers whose exports the catalogue lists. */
const DISGUISE_MODULES: ReadonlySet<string> = new Set(['os', 'node:os', 'dns', 'node:dns', 'process', 'node:process']);

/**
 * Names a file binds to a catalogued module (`const o = require('os')`, `import * as o from
 * 'os'`), noted as the walk passes: a computed member on any other local name is no candidate,
 * so the scope is asked about a few hundred members of a bundle, not its three hundred thousand.
 */
export function noteModuleAlias(node: Node, aliases: Set<string>): void {
  const current = node as AnyNode;
  if (current.type === 'VariableDeclarator') {
    const init = current.init as AnyNode | null | undefined;
    if (current.id.type !== 'Identifier' || init?.type !== 'CallExpression') return;
    const first = init.arguments[0] as AnyNode | undefined;
    if (init.arguments.length === 1 && first?.type === 'Literal' && typeof first.value === 'string' && DISGUISE_MODULES.has(first.value)) {
      aliases.add(current.id.name);
    }
  } else if (current.type === 'ImportDeclaration') {
    if (typeof current.source.value !== 'string' || !DISGUISE_MODULES.has(current.source.value)) return;
    for (const specifier of current.specifiers) aliases.add(specifier.local.name);
  }
}

/** The shape test run during the shared walk: may `node` be a disguised read? */
export function isDisguiseCandidate(node: Node, ancestors: readonly Node[], scope: Scope, aliases: ReadonlySet<string>): boolean {
  const current = node as AnyNode;
  if (current.type === 'MemberExpression') {
    if (!current.computed || current.object.type === 'Super') return false;
    const root = rootName(current.object as AnyNode);
    if (root === null || (!aliases.has(root) && !GLOBAL_ROOTS.has(root))) return false;
    // A literal name is plain unless spelled with escapes (`os['\x68ostname']`).
    if (current.property.type === 'Literal' ? !isEscaped(current.property) : memberName(current) !== null) return false;
    const path = scope.resolve(current.object, ancestors);
    return path !== null && DISGUISE_ROOTS.has(path[0] ?? '');
  }
  if (current.type === 'CallExpression' && current.callee.type === 'MemberExpression' && !current.callee.computed) {
    // Asked about every call of a file: the plain property name, no evaluation.
    const name = current.callee.property.type === 'Identifier' ? current.callee.property.name : null;
    if (name !== null && SEARCHES.has(name)) {
      // `Object.entries(os).find(([k]) => k === 'hostname')`: the pair holds the member itself.
      const listing = current.callee.object as AnyNode;
      if (listing.type !== 'CallExpression' || memberName(listing.callee) !== 'entries') return false;
      const lister = scope.resolve(listing.callee, ancestors)?.join('.');
      const target = listing.arguments[0];
      if (lister !== 'Object.entries' || target === undefined || target.type === 'SpreadElement') return false;
      const path = scope.resolve(target, ancestors);
      return path !== null && DISGUISE_ROOTS.has(path[0] ?? '');
    }
    if (name !== 'get' && name !== 'getOwnPropertyDescriptor') return false;
    const path = scope.resolve(current.callee, ancestors);
    return path !== null && REFLECTIVE_READS.has(path.join('.'));
  }
  return false;
}

/** Array searches whose callback can pick a member by its key. */
const SEARCHES: ReadonlySet<string> = new Set(['find', 'filter', 'findLast']);

/** A string literal whose source spells letters with escape sequences (`'\x68ost'`, `'\u0068ost'`). */
function isEscaped(literal: Extract<AnyNode, { type: 'Literal' }>): boolean {
  return typeof literal.value === 'string' && typeof literal.raw === 'string' && /\\(?:x[0-9a-fA-F]{2}|u[0-9a-fA-F{])/.test(literal.raw);
}

/** The identifier a member chain starts from (`os` of `os.x[y]`), or null. */
function rootName(node: AnyNode): string | null {
  let current = node;
  while (current.type === 'MemberExpression') current = current.object as AnyNode;
  return current.type === 'Identifier' ? current.name : null;
}

/** What a disguised read needs from the file's analysis. */
export interface DisguiseInputs {
  resolvePath(node: Node): RefPath | null;
  readonly resolver: NameResolver;
}

/** The member a candidate reads and how its name was hidden, or null when it reads nothing known. */
export function disguisedMember(node: Node, inputs: DisguiseInputs, budget: EvaluationBudget): { path: RefPath; how: string; plain: boolean } | null {
  const current = node as AnyNode;
  let object: Node;
  let nameNode: Node;
  let via: string | null = null;
  if (current.type === 'MemberExpression') {
    object = current.object;
    nameNode = current.property;
  } else if (current.type === 'CallExpression' && current.callee.type === 'MemberExpression' && SEARCHES.has(memberName(current.callee) ?? '')) {
    const listing = current.callee.object as AnyNode;
    const target = listing.type === 'CallExpression' ? listing.arguments[0] : undefined;
    const name = searchedName(current, inputs);
    const base = target === undefined || target.type === 'SpreadElement' ? null : inputs.resolvePath(target);
    return base === null || name === null ? null : { path: [...base, name], how: 'a name searched among the entries (Object.entries(...).find)', plain: false };
  } else if (current.type === 'CallExpression') {
    const reflective = inputs.resolvePath(current.callee)?.join('.');
    if (reflective === undefined || !REFLECTIVE_READS.has(reflective)) return null;
    const [target, name] = current.arguments;
    if (target === undefined || name === undefined || target.type === 'SpreadElement' || name.type === 'SpreadElement') return null;
    object = target;
    nameNode = name;
    via = reflective === 'Reflect.get' ? 'Reflect.get' : 'a property descriptor';
  } else {
    return null;
  }
  const base = inputs.resolvePath(object);
  if (base === null) return null;
  const named = memberNameValue(nameNode, inputs, budget);
  if (named === null) return null;
  const how = via === null ? named.how : `${via}${named.how === 'a literal name' ? '' : `, ${named.how}`}`;
  // `process.env[NAME]` with the name in a constant or built from a prefix is how configuration
  // code is written: found, but not a disguise.
  const plain = via === null && base.length === 2 && base[0] === 'process' && base[1] === 'env' && PLAIN_SPELLINGS.has(named.how);
  return { path: [...base, named.name], how, plain };
}

const PLAIN_SPELLINGS: ReadonlySet<string> = new Set(['a name held in a variable', 'a name built with concatenation']);

/** The value of a member name and how it was built, or null. */
function memberNameValue(node: Node, inputs: DisguiseInputs, budget: EvaluationBudget): { name: string; how: string } | null {
  const current = node as AnyNode;
  if (current.type === 'Literal' && typeof current.value === 'string') {
    return { name: current.value, how: isEscaped(current) ? 'a name spelled with escape sequences' : 'a literal name' };
  }
  const decoded = evaluateDecoded(node, inputs.resolver, budget);
  if (decoded !== null && decoded.value.kind === 'string') {
    const how = decoded.encoding === 'literal' ? 'a name held in a variable' : `a name built with ${decoded.encoding.split('+').join(', ')}`;
    return { name: decoded.value.value, how };
  }
  const found = searchedName(current, inputs);
  return found === null ? null : { name: found, how: 'a name searched among the keys (Object.keys(...).find)' };
}

/**
 * `Object.keys(os).find((k) => k === 'hostname')` (also `getOwnPropertyNames`, `filter(...)[0]`,
 * or a variable holding it): the literal the search callback compares its key with.
 */
function searchedName(node: AnyNode, inputs: DisguiseInputs): string | null {
  let current: AnyNode = node;
  if (current.type === 'Identifier') {
    const definition = inputs.resolver(current) as AnyNode | null;
    if (definition === null) return null;
    current = (definition.type === 'VariableDeclarator' ? definition.init : definition) as AnyNode;
    if (current === null || current === undefined) return null;
  }
  if (current.type === 'MemberExpression' && current.computed) current = current.object as AnyNode;
  if (current.type !== 'CallExpression' || current.callee.type !== 'MemberExpression') return null;
  const method = memberName(current.callee);
  if (method !== 'find' && method !== 'filter' && method !== 'findLast') return null;
  const listing = current.callee.object as AnyNode;
  if (listing.type !== 'CallExpression') return null;
  const lister = inputs.resolvePath(listing.callee)?.join('.');
  if (lister !== 'Object.keys' && lister !== 'Object.getOwnPropertyNames' && lister !== 'Reflect.ownKeys' && lister !== 'Object.entries') return null;
  const callback = current.arguments[0] as AnyNode | undefined;
  if (callback === undefined || (callback.type !== 'ArrowFunctionExpression' && callback.type !== 'FunctionExpression')) return null;
  // An entry's key: `([k]) => k === ...`; a key: `(k) => k === ...`.
  const first = callback.params[0] as AnyNode | undefined;
  const param = lister === 'Object.entries' ? (first?.type === 'ArrayPattern' ? (first.elements[0] as AnyNode | null | undefined) : undefined) : first;
  if (param?.type !== 'Identifier') return null;
  let body = callback.body as AnyNode;
  if (body.type === 'BlockStatement') {
    const only = body.body[0];
    if (body.body.length !== 1 || only?.type !== 'ReturnStatement' || !only.argument) return null;
    body = only.argument as AnyNode;
  }
  if (body.type !== 'BinaryExpression' || (body.operator !== '===' && body.operator !== '==')) return null;
  const [left, right] = [body.left as AnyNode, body.right as AnyNode];
  const literal = left.type === 'Identifier' && left.name === param.name ? right : right.type === 'Identifier' && right.name === param.name ? left : null;
  return literal?.type === 'Literal' && typeof literal.value === 'string' ? literal.value : null;
}

/**
 * Where fingerprint values go: through variables, reassignments (memoised module-level getters),
 * helper functions returning them (function summaries within the file, never names: minified
 * code is the normal case), parameters fed by tainted arguments, and transforms (`new URL(x)
 * .hostname`, `.toLowerCase()`, `.split('.')`, templates, `||` defaults, hashing).
 *
 * Cost model: most files read no fingerprint. During the shared walk `observe` records the nodes
 * that are reads (cheap name tests first, scope lookups memoised and shared with
 * `fingerprint-source`). Only a file with a read pays for `analysis()`: the reads are followed
 * forwards to the nodes that may carry them (`carriers.ts`), the comparisons and calls around
 * those are the candidates, and the demand-driven, memoised, depth-limited taint queries run on
 * carriers only. Parents are found on demand and identifiers gathered once: nothing is built
 * for every node of a bundle that reads one fingerprint.
 */
import type { AnyNode, Node, Program } from 'acorn';
import { memberName, propertyKey, somePatternKey } from './member-name.js';
import { type Binding, type FoundBinding, GLOBAL_OBJECT_NAMES, type RefPath, type Scope } from './scope.js';
import {
  envSourceKind,
  INTL_CONSTRUCTORS,
  intlOptionKind,
  MEMBER_SOURCE_NAMES,
  isSourceName,
  memberSource,
  methodSource,
  stringSources,
  type SourceKind,
} from './sources.js';
import type { NameResolver } from './values/evaluate.js';
import { disguisedMember, isDisguiseCandidate, NAME_EVALUATION_STEPS, noteModuleAlias } from './disguised-reads.js';
import { type CarrierInputs, markCarriers } from './carriers.js';
import { type IdentifierNode, isPropertyName, References } from './references.js';
import { walk } from '../walk.js';
import type { Visitors } from '../detector.js';
import { isNode, pushChildren, visitorKeys } from '../visitor-keys.js';

/** One read of a fingerprint: where, which kind, and how a reviewer recognises it. */
export interface SourceRead {
  readonly start: number;
  readonly kind: SourceKind;
  readonly what: string;
  /** How the read hid the member's name (`a name built with char-codes`), when it did. */
  readonly disguise?: string;
}

/** A value derived from a source; `hashed` names the digest algorithm when it went through one. */
export interface Taint {
  readonly source: SourceRead;
  readonly hashed?: string;
  /** The value is `Intl.*().resolvedOptions()` itself: its members refine the kind. */
  readonly intlOptions?: boolean;
  /**
   * The value is an object that carries the fingerprint only because one of its properties was
   * set to it (`state.gateway = url`): that property's name, null when computed. Its other
   * properties are not tainted by it (a bundle's one global state object holds hundreds).
   */
  readonly storedIn?: string | null;
}

export type FunctionNode = Extract<AnyNode, { type: 'FunctionDeclaration' | 'FunctionExpression' | 'ArrowFunctionExpression' }>;
type CallNode = Extract<AnyNode, { type: 'CallExpression' }>;

/** Taint queries deeper than this give up: hostile nesting must not exhaust the JS stack. */
export const MAX_TAINT_DEPTH = 120;
/** Call sites and assignments examined per function or variable: bundles call helpers thousands of times. */
export const MAX_SITES = 200;

/** Methods whose result is a boolean or an index, not the receiver's value. */
export const TEST_METHODS: ReadonlySet<string> = new Set([
  'includes', 'indexOf', 'lastIndexOf', 'startsWith', 'endsWith', 'test', 'has', 'some', 'every', 'findIndex',
  'localeCompare', 'search', 'hasOwnProperty', 'forEach',
]);

/** Globals that turn their argument into text without changing what it says. */
const TEXT_CONVERTERS: ReadonlySet<string> = new Set([
  'querystring.stringify', 'querystring.encode', 'String', 'encodeURIComponent', 'encodeURI', 'escape', 'btoa', 'JSON.stringify', 'Buffer.from', 'URL', 'URLSearchParams', 'Array.from', 'Object.values', 'Object.entries', 'Object.keys',
]);
/** Constructors whose instance is their argument as text (`new URLSearchParams({host})` in a query). */
export const TEXT_CONSTRUCTORS: ReadonlySet<string> = new Set(['URL', 'String', 'URLSearchParams', 'Buffer']);

/**
 * Objects every module shares: a property stored on one (`module.exports.h = os.hostname()`) is
 * read back elsewhere as the same value.
 */
const SHARED_OBJECT_ROOTS: readonly string[] = [...GLOBAL_OBJECT_NAMES, 'module', 'exports'];

/** Globals that are objects of their own, never a value a package stores (`globalThis.process`). */
const GLOBAL_NAMES: ReadonlySet<string> = new Set(['process', 'Intl', 'navigator', 'location', 'document', 'console', 'require', 'module', 'exports', 'Buffer', ...GLOBAL_OBJECT_NAMES]);

/** The key a shared property is stored under (`module.exports.h`), or null for any other path. */
export function sharedKey(path: RefPath | null): string | null {
  if (path === null || path.length === 0) return null;
  // The scope folds the global object away: `globalThis.h` resolves to `h`.
  if (path.length === 1) return GLOBAL_NAMES.has(path[0] ?? '') ? null : `global:${path[0]}`;
  const root = path[0];
  if (root === 'module') return path[1] === 'exports' && path.length >= 3 ? path.join('.') : null;
  if (root === 'exports') return `module.exports.${path.slice(1).join('.')}`;
  // `globalThis.h`, `window.h`: the same global variable `h`.
  if (GLOBAL_OBJECT_NAMES.has(root ?? '')) return path.length === 2 ? `global:${path[1]}` : null;
  return null;
}

/** Their last names: the cheap test before resolving a callee. */
export const TEXT_CONVERTER_NAMES: ReadonlySet<string> = new Set([...TEXT_CONVERTERS].map((path) => path.slice(path.lastIndexOf('.') + 1)));

/**
 * Ancestors, or a function that builds them: building the chain costs more than the name checks
 * that rule out almost every node, so the deep analysis passes it lazily.
 */
export type AncestorsInput = readonly Node[] | (() => readonly Node[]);

/**
 * The fingerprint a node reads by itself (not through a variable), or null. Cheap name tests run
 * before any scope lookup. Asked about every member, call and literal of a file, it allocates
 * nothing (not even a closure for the ancestors) until a name matches: garbage made during the
 * walk is paid for in collections that copy the file's young AST.
 */
export function sourceAt(node: Node, ancestorsInput: AncestorsInput, scope: Scope): SourceRead | null {
  const current = node as AnyNode;
  switch (current.type) {
    case 'MemberExpression': {
      const name = memberName(current);
      if (name === null || !isSourceName(name)) return null;
      const path = scope.resolve(current, ancestorsOf(ancestorsInput));
      return path === null ? null : pathSource(path, current.start);
    }
    case 'CallExpression': {
      const callee = current.callee as AnyNode;
      if (callee.type === 'MemberExpression') {
        const name = memberName(callee);
        if (name === 'resolvedOptions') return intlSource(callee.object, current.start, ancestorsOf(ancestorsInput), scope);
        const method = name === null ? null : methodSource(name);
        if (method !== null) return { start: current.start, kind: method.kind, what: method.what };
      } else if (callee.type === 'Identifier' && MEMBER_SOURCE_NAMES.has(callee.name)) {
        // `const {hostname} = require('os'); hostname()`.
        const path = scope.resolve(callee, ancestorsOf(ancestorsInput));
        return path === null ? null : pathSource(path, current.start);
      }
      return null;
    }
    case 'Literal':
      return typeof current.value === 'string' ? literalSource(current.value, current.start) : null;
    case 'TemplateElement':
      return typeof current.value.cooked === 'string' ? literalSource(current.value.cooked, current.start) : null;
    case 'VariableDeclarator': {
      // `const {TZ} = process.env`: the pattern's keys are reads.
      if (current.id.type !== 'ObjectPattern' || !current.init) return null;
      const base = scope.resolve(current.init, ancestorsOf(ancestorsInput));
      if (base === null) return null;
      for (const property of current.id.properties) {
        if (property.type !== 'Property') continue;
        const key = propertyKey(property.key, property.computed);
        const read = key === null ? null : pathSource([...base, key], property.start);
        if (read !== null) return read;
      }
      return null;
    }
    default:
      return null;
  }
}

function ancestorsOf(input: AncestorsInput): readonly Node[] {
  return typeof input === 'function' ? input() : input;
}

function pathSource(path: RefPath, start: number): SourceRead | null {
  const name = path[path.length - 1];
  if (name === undefined) return null;
  if (path.length === 3 && path[0] === 'process' && path[1] === 'env') {
    const kind = envSourceKind(name);
    return kind === null ? null : { start, kind, what: `process.env.${name}` };
  }
  const match = memberSource(path);
  return match === null ? null : { start, kind: match.kind, what: match.what };
}

function literalSource(value: string, start: number): SourceRead | null {
  const match = stringSources(value)[0];
  return match === undefined ? null : { start, kind: match.kind, what: match.what };
}

function intlSource(formatter: Node, start: number, ancestors: readonly Node[], scope: Scope): SourceRead | null {
  const created = unwrap(formatter);
  if (created.type !== 'CallExpression' && created.type !== 'NewExpression') return null;
  const constructor = scope.resolve(created.callee, ancestors);
  const name = constructor?.[1];
  if (constructor?.length !== 2 || constructor[0] !== 'Intl' || name === undefined || !INTL_CONSTRUCTORS.has(name)) {
    return null;
  }
  return {
    start,
    kind: name === 'DateTimeFormat' ? 'timezone' : 'locale',
    what: `Intl.${name}().resolvedOptions()`,
  };
}

/** Wrappers that do not change the value: `(a)`, `a?.b`, `(0, a.b)`, `await a`. */
export function unwrap(node: Node): AnyNode {
  let current = node as AnyNode;
  for (;;) {
    if (current.type === 'ParenthesizedExpression' || current.type === 'ChainExpression') current = current.expression as AnyNode;
    else if (current.type === 'AwaitExpression') current = current.argument as AnyNode;
    else if (current.type === 'SequenceExpression') {
      const last = current.expressions[current.expressions.length - 1];
      if (last === undefined) return current;
      current = last as AnyNode;
    } else return current;
  }
}

export function isFunctionNode(node: Node | null | undefined): node is FunctionNode {
  const type = node?.type;
  return type === 'FunctionDeclaration' || type === 'FunctionExpression' || type === 'ArrowFunctionExpression';
}

/** A parent, once known, is kept on the node itself: a Map of every node of a 10 MB bundle costs more than its parse. */
const PARENT: unique symbol = Symbol('parent');
type Linked = Node & { [PARENT]?: Node };

/** Arrays of children up to this length are scanned from the end; longer ones (a bundle's top level) are bisected. */
const SCANNED_CHILDREN = 32;

/**
 * Parent links, found on demand. The first question about a node descends from the root to it
 * by source ranges and links every node on the way, so walking up from there is free. The deep
 * analysis asks about a few thousand nodes of a file: linking all of them up front cost more
 * than parsing the file.
 */
export class ParentLinks {
  constructor(private readonly root: Node) {}

  get(node: Node): Node | undefined {
    if (node === this.root) return undefined;
    const known = (node as Linked)[PARENT];
    if (known !== undefined) return known;
    this.descendTo(node);
    return (node as Linked)[PARENT];
  }

  /**
   * Depth-first through the children whose range holds the target. Nested nodes can share a
   * range (a statement and its expression), so more than one child may hold it; every link set
   * on the way is true whichever branch leads to the target. Iterative: nesting can be deep.
   */
  private descendTo(target: Node): void {
    const stack: Node[] = [this.root];
    while (stack.length > 0) {
      const node = stack.pop() as Node;
      const fields = node as unknown as Record<string, unknown>;
      for (const key of visitorKeys(node)) {
        const value = fields[key];
        if (Array.isArray(value)) {
          for (const child of holdersIn(value as readonly unknown[], target)) {
            (child as Linked)[PARENT] = node;
            if (child === target) return;
            stack.push(child);
          }
        } else if (isNode(value) && holds(value, target)) {
          (value as Linked)[PARENT] = node;
          if (value === target) return;
          stack.push(value);
        }
      }
    }
  }
}

function holds(node: Node, target: Node): boolean {
  return node === target || (node.start <= target.start && target.end <= node.end && node.end > node.start);
}

/**
 * The children of a position-ordered array whose range holds the target. Siblings do not
 * overlap, so only the last ones starting at or before the target can (zero-width ones share a
 * start): found by bisecting a long array, then stepping back until a child ends before it.
 */
function holdersIn(children: readonly unknown[], target: Node): Node[] {
  const found: Node[] = [];
  for (let i = lastStartingBy(children, target.start); i >= 0; i--) {
    const child = children[i];
    if (!isNode(child) || child.start > target.start) continue;
    if (child.end < target.start) break;
    if (holds(child, target)) found.push(child);
  }
  return found;
}

/** The index of the last child starting at or before `start`; the last index for short arrays or holes (`[, a]`). */
function lastStartingBy(children: readonly unknown[], start: number): number {
  if (children.length <= SCANNED_CHILDREN) return children.length - 1;
  let low = 0;
  let high = children.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    const child = children[middle];
    if (!isNode(child)) return children.length - 1;
    if (child.start > start) high = middle;
    else low = middle + 1;
  }
  return low - 1;
}

/** The nodes the deep analysis compares or hands on: those with an operand that may carry a fingerprint. */
export interface Candidates {
  readonly calls: Node[];
  readonly binaries: Node[];
  readonly switches: Node[];
  readonly lookups: Node[];
}

/** The source reads the shared walk met: nodes that are reads, and destructurings whose keys are. */
export interface SourceReads {
  readonly origins: Node[];
  /** What each of `origins` reads, at the same index (as `sourceAt` found it during the walk). */
  readonly originReads: SourceRead[];
  readonly destructurings: Extract<AnyNode, { type: 'VariableDeclarator' }>[];
  /** Every identifier that references a variable, in the order the walk met them. */
  readonly references: IdentifierNode[];
  /** Members and reflective calls whose name is a value: reads once the name is evaluated (`disguised-reads.ts`). */
  readonly disguises: Node[];
  /** Local names bound to a catalogued module (`const o = require('os')`): where disguised reads can start. */
  readonly moduleAliases: Set<string>;
  /**
   * Identifiers named `require` or `createRequire`, with their parent: the import graph asks how
   * the loader is used (`reachability.ts`), and this walk already stops at every identifier.
   */
  readonly loaderNames: { identifier: IdentifierNode; parent: Node | undefined }[];
}

/** Node types `recordRead` looks at (the handlers `correlatingVisitors` registers). */
const READ_TYPES: ReadonlySet<string> = new Set(['MemberExpression', 'CallExpression', 'Literal', 'TemplateElement', 'VariableDeclarator', 'Identifier', 'ImportDeclaration']);

/**
 * Notes `node` in `reads` when it reads a fingerprint, and every identifier that references a
 * variable: the deep analysis follows variables through them, and a walk of its own would cost
 * more than this one handler.
 */
export function recordRead(reads: SourceReads, node: Node, ancestors: readonly Node[], scope: Scope): void {
  const current = node as AnyNode;
  if (current.type === 'Identifier') {
    const parent = ancestors[ancestors.length - 2];
    if (!isPropertyName(current, parent)) reads.references.push(current);
    const name = current.name;
    if (name === 'require' || name === 'createRequire') reads.loaderNames.push({ identifier: current, parent });
  } else if (current.type === 'VariableDeclarator') {
    noteModuleAlias(current, reads.moduleAliases);
    if (readsByDestructuring(current, ancestors, scope)) reads.destructurings.push(current);
  } else if (current.type === 'ImportDeclaration') {
    noteModuleAlias(current, reads.moduleAliases);
  } else if (isDisguiseCandidate(node, ancestors, scope, reads.moduleAliases)) {
    reads.disguises.push(node);
  } else {
    const read = sourceAt(node, ancestors, scope);
    if (read === null) return;
    reads.origins.push(node);
    reads.originReads.push(read);
  }
}

/** Whether a name a destructuring binds is read by its key path (`const {env: {TZ}} = process`). */
function readsByDestructuring(
  declarator: Extract<AnyNode, { type: 'VariableDeclarator' }>,
  ancestors: readonly Node[],
  scope: Scope,
): boolean {
  if (declarator.id.type !== 'ObjectPattern' || !declarator.init || !somePatternKey(declarator.id, isSourceName)) return false;
  const base = scope.resolve(declarator.init, ancestors);
  if (base === null) return false;
  const stack: { pattern: AnyNode; path: string[] }[] = [{ pattern: declarator.id as AnyNode, path: [] }];
  while (stack.length > 0) {
    const { pattern, path } = stack.pop() as { pattern: AnyNode; path: string[] };
    if (pattern.type === 'Identifier') {
      if (path.length > 0 && pathSource([...base, ...path], declarator.start) !== null) return true;
    } else if (pattern.type === 'AssignmentPattern') {
      stack.push({ pattern: pattern.left as AnyNode, path });
    } else if (pattern.type === 'ObjectPattern') {
      for (const property of pattern.properties) {
        if (property.type !== 'Property') continue;
        const key = propertyKey(property.key, property.computed);
        if (key !== null) stack.push({ pattern: property.value as AnyNode, path: [...path, key] });
      }
    }
  }
  return false;
}

/** Every read of a file, for an analysis built outside the shared walk (tests, tools). */
export function findReads(program: Program, scope: Scope): SourceReads {
  const reads: SourceReads = { origins: [], originReads: [], destructurings: [], references: [], disguises: [], moduleAliases: new Set(), loaderNames: [] };
  walk(program, (node, ancestors) => {
    if (READ_TYPES.has(node.type)) recordRead(reads, node, ancestors, scope);
  });
  return reads;
}

type AssignmentNode = Extract<AnyNode, { type: 'AssignmentExpression' }>;
/** `data.host = ...`: the assignment and the property's name (null when computed). */
interface PropertyStore {
  readonly assignment: AssignmentNode;
  readonly property: string | null;
}

/** The file's value flow, built only when a source was seen. */
export class FlowAnalysis {
  readonly parents: ParentLinks;
  private readonly parentOf = (node: Node): Node | undefined => this.parents.get(node);
  private readonly reads: SourceReads;
  /** The identifiers that reference a variable, indexed on first need. */
  private referenceIndex: References | undefined;
  /** Nodes that may carry a fingerprint (see `carriers.ts`); built on the first taint query. */
  private carriers: ReadonlySet<Node> | undefined;
  private disguised: Map<Node, SourceRead> | undefined;
  private derivedCandidates: Candidates | undefined;
  /** Answers outside any followed call; a followed call keeps its own (see `CallContext`). */
  private readonly topFrame: CallContext = newContext(null, null, null);
  private readonly returns = new Map<FunctionNode, Node[]>();
  // Minified code reuses one-letter names thousands of times: every question about a name is
  // asked again and again, so binding lookups and assignment lists are memoised per file.
  private readonly bindings = new Map<Node, FoundBinding | undefined>();
  private readonly assignmentsOf = new Map<Binding, AssignmentNode[]>();
  private readonly propertyStoresOf = new Map<Binding, PropertyStore[]>();
  private readonly updated = new Map<Binding, boolean>();
  private readonly stored = new Map<string, Taint | null>();
  private readonly storedInProgress = new Set<string>();

  /**
   * `reads` come from the shared walk; without them the file is walked for them here.
   * `exhaustive` runs every taint query in full instead of first asking whether the node can
   * carry a fingerprint at all: the same answers, slower; it exists to check exactly that.
   */
  constructor(
    readonly program: Program,
    readonly scope: Scope,
    private readonly options: { reads?: SourceReads; exhaustive?: boolean } = {},
  ) {
    this.parents = new ParentLinks(program);
    this.reads = options.reads ?? findReads(program, scope);
  }

  /** Whether a node may carry a fingerprint (see `carriers.ts`): false means `taintOf` is null. */
  mayCarry(node: Node): boolean {
    return this.carrierSet().has(node);
  }

  private carrierSet(): ReadonlySet<Node> {
    this.carriers ??= markCarriers(this.carrierInputs(), [...this.reads.origins, ...this.disguisedReads().keys()], this.reads.destructurings);
    return this.carriers;
  }

  /** The disguised reads of the file (see `disguised-reads.ts`), by node; evaluated once. */
  disguisedReads(): ReadonlyMap<Node, SourceRead> {
    if (this.disguised !== undefined) return this.disguised;
    const found = new Map<Node, SourceRead>();
    const budget = { steps: NAME_EVALUATION_STEPS * 20 };
    for (const node of this.reads.disguises) {
      if (budget.steps <= 0) break;
      const member = disguisedMember(node, this, { steps: Math.min(NAME_EVALUATION_STEPS, budget.steps) });
      budget.steps -= NAME_EVALUATION_STEPS;
      const read = member === null ? null : pathSource(member.path, node.start);
      if (member !== null && read !== null) found.set(node, member.plain ? read : { ...read, disguise: member.how });
    }
    this.disguised = found;
    return found;
  }

  /**
   * The comparisons, lookups, switches and calls with an operand that may carry a fingerprint,
   * in source order: the only ones where the deep analysis can find anything.
   */
  get candidates(): Candidates {
    this.derivedCandidates ??= this.deriveCandidates();
    return this.derivedCandidates;
  }

  private deriveCandidates(): Candidates {
    const calls = new Set<Node>();
    const binaries = new Set<Node>();
    const switches = new Set<Node>();
    const lookups = new Set<Node>();
    for (const carrier of this.carrierSet()) {
      const parent = this.parents.get(carrier) as AnyNode | undefined;
      switch (parent?.type) {
        case 'BinaryExpression':
          if (COMPARISON_OPERATORS.has(parent.operator)) binaries.add(parent);
          break;
        case 'CallExpression':
        case 'NewExpression':
          if ((parent.arguments as Node[]).includes(carrier)) calls.add(parent);
          break;
        case 'MemberExpression': {
          if (parent.computed && parent.property === carrier) lookups.add(parent);
          if (parent.object !== carrier) break;
          // A receiver: `carrier.includes(x)`, also as `(0, carrier.includes)(x)`.
          const call = this.callOf(parent);
          if (call !== null) calls.add(call);
          break;
        }
        case 'SwitchStatement':
          if (parent.discriminant === carrier) switches.add(parent);
          break;
        default:
          break;
      }
    }
    const ordered = (nodes: Set<Node>): Node[] => [...nodes].sort((a, b) => a.start - b.start);
    return { calls: ordered(calls), binaries: ordered(binaries), switches: ordered(switches), lookups: ordered(lookups) };
  }

  /** The references named `name` inside `scope`'s range, in source order. */
  referencesIn(name: string, scope: Node): IdentifierNode[] {
    this.referenceIndex ??= new References(this.reads.references);
    return this.referenceIndex.in(name, scope);
  }

  /** The outermost of the wrappers `unwrap` sees through (`(0, f)`, `(f)`, `f?.`) around a node. */
  outermostWrapper(node: Node): Node {
    let current = node;
    for (;;) {
      const parent = this.parents.get(current) as AnyNode | undefined;
      const wraps =
        parent?.type === 'ParenthesizedExpression' ||
        parent?.type === 'ChainExpression' ||
        parent?.type === 'AwaitExpression' ||
        (parent?.type === 'SequenceExpression' && parent.expressions[parent.expressions.length - 1] === current);
      if (parent === undefined || !wraps) return current;
      current = parent;
    }
  }

  /** The call whose callee `node` is, through those wrappers, or null. */
  callOf(node: Node): CallNode | null {
    const callee = this.outermostWrapper(node);
    const call = this.parents.get(callee) as AnyNode | undefined;
    return call?.type === 'CallExpression' && call.callee === callee ? call : null;
  }

  /** The enclosing nodes, outermost first, the node itself last. */
  ancestorsOf(node: Node): Node[] {
    const chain: Node[] = [];
    let current: Node | undefined = node;
    while (current !== undefined) {
      chain.push(current);
      current = this.parents.get(current);
    }
    return chain.reverse();
  }

  /** The canonical path a node evaluates to (`['fs', 'writeFileSync']`), or null. */
  resolvePath(node: Node): RefPath | null {
    return this.scope.resolve(node, this.ancestorsOf(node));
  }

  bindingOf(identifier: Extract<AnyNode, { type: 'Identifier' }>): FoundBinding | undefined {
    if (this.bindings.has(identifier)) return this.bindings.get(identifier);
    const found = this.scope.bindingAt(identifier.name, identifier, this.parentOf);
    this.bindings.set(identifier, found);
    return found;
  }

  /**
   * The resolver `evaluateStatic` needs: a name's declaration, or null when unknown or assigned
   * after its declaration (then its value is not the initialiser's).
   */
  readonly resolver: NameResolver = (identifier) => {
    const found = this.bindingOf(identifier);
    const binding = found?.binding;
    if (found === undefined || binding === null || binding === undefined) return null;
    const declaration = binding.declaration;
    if (declaration === undefined) return null;
    if (binding.kind === 'param') return this.moduleTableArgument(binding) ?? identifier;
    if (declaration.type === 'VariableDeclarator') {
      if (binding.path === null || binding.path.length > 0) return null;
      // A loop counter (`i++`) is no constant, whatever its initialiser says.
      if (this.isUpdated(identifier.name, found)) return null;
      const assignments = this.assignmentsTo(identifier.name, found);
      // `var L; ... L = make()` inside a bundler's lazy initialiser: assigned once, that is its value.
      const only = assignments.length === 1 ? assignments[0] : undefined;
      if (binding.init === null && only !== undefined && only.operator === '=') return only.right;
      if (assignments.length > 0) return null;
    }
    return declaration;
  };

  /**
   * webpack's module table: `var m = {812: (module, exports, require) => {...}}` is run by one
   * loader as `m[id](module, module.exports, loader)`, so a module function's parameter is what
   * that call passes (the loader itself, for `require`): a function declared in the file, or null.
   */
  private moduleTableArgument(binding: Binding): Node | null {
    const fn = binding.declaration;
    if (!isFunctionNode(fn) || binding.paramIndex === undefined) return null;
    const property = this.parents.get(fn) as AnyNode | undefined;
    const table = property?.type === 'Property' && property.value === fn ? (this.parents.get(property) as AnyNode | undefined) : undefined;
    const declarator = table?.type === 'ObjectExpression' ? (this.parents.get(table) as AnyNode | undefined) : undefined;
    if (declarator?.type !== 'VariableDeclarator' || declarator.id.type !== 'Identifier' || declarator.init !== table) return null;
    const name = declarator.id.name;
    let examined = 0;
    for (const reference of this.referencesIn(name, this.enclosingScope(declarator))) {
      if (++examined > MAX_SITES) break;
      const member = this.parents.get(reference) as AnyNode | undefined;
      if (member?.type !== 'MemberExpression' || member.object !== reference || !member.computed) continue;
      const call = this.callOf(member);
      const argument = call?.arguments[binding.paramIndex] as AnyNode | undefined;
      if (argument?.type !== 'Identifier') continue;
      const loader = this.functionOf(argument);
      if (loader !== null) return loader;
    }
    return null;
  }

  /**
   * Assignments to the variable `found` declares (`cached = ...` in a memoising getter): among
   * the first `MAX_SITES` assignments to its name inside its scope.
   */
  assignmentsTo(name: string, found: FoundBinding): AssignmentNode[] {
    const binding = found.binding;
    if (binding === null) return [];
    const cached = this.assignmentsOf.get(binding);
    if (cached !== undefined) return cached;
    const assignments: AssignmentNode[] = [];
    let examined = 0;
    for (const reference of this.referencesIn(name, found.scopeNode)) {
      const parent = this.parents.get(reference) as AnyNode | undefined;
      if (parent?.type !== 'AssignmentExpression' || parent.left !== reference) continue;
      if (++examined > MAX_SITES) break;
      if (this.bindingOf(reference)?.binding === binding) assignments.push(parent);
    }
    this.assignmentsOf.set(binding, assignments);
    return assignments;
  }

  /** Whether the variable `found` declares is changed by `++`/`--` or a destructuring assignment. */
  private isUpdated(name: string, found: FoundBinding): boolean {
    const binding = found.binding;
    if (binding === null) return false;
    const cached = this.updated.get(binding);
    if (cached !== undefined) return cached;
    let updated = false;
    for (const reference of this.referencesIn(name, found.scopeNode)) {
      const parent = this.parents.get(reference) as AnyNode | undefined;
      const changes =
        parent?.type === 'UpdateExpression' ||
        parent?.type === 'ArrayPattern' ||
        (parent?.type === 'Property' && parent.value === reference && this.parents.get(parent)?.type === 'ObjectPattern') ||
        (parent?.type === 'ForInStatement' && parent.left === reference) ||
        (parent?.type === 'ForOfStatement' && parent.left === reference);
      if (changes && this.bindingOf(reference)?.binding === binding) {
        updated = true;
        break;
      }
    }
    this.updated.set(binding, updated);
    return updated;
  }

  /** The function a callee refers to, when it is declared in this file. */
  functionOf(callee: Node): FunctionNode | null {
    const target = unwrap(callee);
    if (isFunctionNode(target)) return target;
    if (target.type !== 'Identifier') return null;
    const found = this.bindingOf(target);
    const binding = found?.binding;
    const declaration = binding?.declaration;
    if (found === undefined || binding === null || binding === undefined || declaration === undefined) return null;
    if (binding.kind === 'function' && isFunctionNode(declaration)) return declaration;
    if (binding.init !== null && binding.path?.length === 0) {
      const init = unwrap(binding.init);
      if (isFunctionNode(init) && this.assignmentsTo(target.name, found).length === 0) return init;
    }
    return null;
  }

  /**
   * Calls of `fn` by its name (direct calls only; `.call`/`.apply` are a gap): among the first
   * `MAX_SITES` calls of that name in the scope that declares it.
   */
  callSites(fn: FunctionNode): CallNode[] {
    let name: string | null = null;
    let declaredAt: Node | undefined;
    if (fn.type === 'FunctionDeclaration' && fn.id) {
      name = fn.id.name;
      declaredAt = this.parents.get(fn);
    } else {
      const parent = this.parents.get(fn) as AnyNode | undefined;
      if (parent?.type === 'VariableDeclarator' && parent.id.type === 'Identifier') {
        name = parent.id.name;
        declaredAt = parent;
      }
    }
    if (name === null || declaredAt === undefined) return [];
    const sites: CallNode[] = [];
    let examined = 0;
    for (const reference of this.referencesIn(name, this.enclosingScope(declaredAt))) {
      const call = this.callOf(reference);
      if (call === null) continue;
      if (++examined > MAX_SITES) break;
      if (this.functionOf(call.callee) === fn) sites.push(call);
    }
    return sites;
  }

  /** The function around `node`, or null at the top level. */
  enclosingFunction(node: Node): FunctionNode | null {
    for (let current = this.parents.get(node); current !== undefined; current = this.parents.get(current)) {
      if (isFunctionNode(current)) return current;
    }
    return null;
  }

  /** The function (or the program) whose range holds every use of a name declared at `node`. */
  enclosingScope(node: Node): Node {
    return this.enclosingFunction(node) ?? this.program;
  }

  /** The expressions `fn` returns (not those of nested functions). */
  returnsOf(fn: FunctionNode): Node[] {
    const cached = this.returns.get(fn);
    if (cached !== undefined) return cached;
    const found: Node[] = [];
    if (fn.body.type !== 'BlockStatement') found.push(fn.body);
    else {
      const stack: Node[] = [fn.body];
      while (stack.length > 0) {
        const node = stack.pop();
        if (node === undefined) break;
        const current = node as AnyNode;
        if (current.type === 'ReturnStatement') {
          if (current.argument) found.push(current.argument);
          continue;
        }
        if (isFunctionNode(current) || !isStatement(current)) continue;
        pushChildren(stack, current);
      }
    }
    this.returns.set(fn, found);
    return found;
  }

  /**
   * The fingerprint `node`'s value carries, or null. Memoised; depth-limited. A parameter here
   * carries what any call site hands it (a comparison inside a helper is asked this way); the
   * result of a call is asked per call (`CallContext`).
   */
  taintOf(node: Node, depth = 0): Taint | null {
    return this.taintIn(node, depth, null);
  }

  private taintIn(node: Node, depth: number, context: CallContext | null): Taint | null {
    if (this.options.exhaustive !== true && !this.mayCarry(node)) return null;
    const frame = innermostHolding(context, node) ?? this.topFrame;
    const cached = frame.taints.get(node);
    if (cached !== undefined) return cached;
    if (depth > MAX_TAINT_DEPTH || frame.inProgress.has(node)) return null;
    frame.inProgress.add(node);
    let result: Taint | null = null;
    try {
      result = this.computeTaint(node as AnyNode, depth + 1, frame.fn === null ? null : frame);
    } finally {
      frame.inProgress.delete(node);
    }
    frame.taints.set(node, result);
    return result;
  }

  /**
   * The frame for following a call of `fn` made in `caller`: the parameters are this call's
   * arguments. Beyond `MAX_CALL_CONTEXT` nested calls the parameters fall back to every call site.
   */
  private contextFor(fn: FunctionNode, call: CallNode, caller: CallContext | null): CallContext | null {
    const depth = caller === null ? 1 : caller.length + 1;
    if (depth > MAX_CALL_CONTEXT) return null;
    const callees = (caller ?? this.topFrame).callees;
    let context = callees.get(call);
    if (context === undefined) {
      context = newContext(fn, call, caller);
      callees.set(call, context);
    }
    return context;
  }

  private computeTaint(node: AnyNode, depth: number, context: CallContext | null): Taint | null {
    switch (node.type) {
      case 'ParenthesizedExpression':
      case 'ChainExpression':
        return this.taintIn(node.expression, depth, context);
      case 'AwaitExpression':
      case 'SpreadElement':
        return this.taintIn(node.argument, depth, context);
      case 'SequenceExpression': {
        const last = node.expressions[node.expressions.length - 1];
        return last === undefined ? null : this.taintIn(last, depth, context);
      }
      case 'AssignmentExpression':
        return this.taintIn(node.right, depth, context);
      case 'LogicalExpression':
        return this.taintIn(node.left, depth, context) ?? this.taintIn(node.right, depth, context);
      case 'ConditionalExpression':
        return this.taintIn(node.consequent, depth, context) ?? this.taintIn(node.alternate, depth, context);
      case 'BinaryExpression':
        if (node.operator !== '+' || node.left.type === 'PrivateIdentifier') return null;
        return this.taintIn(node.left, depth, context) ?? this.taintIn(node.right, depth, context);
      case 'TemplateLiteral':
        return this.firstTainted(node.expressions, depth, context);
      case 'ArrayExpression':
        return this.firstTainted(node.elements, depth, context);
      case 'ObjectExpression':
        return this.firstTainted(
          node.properties.map((property) => (property.type === 'Property' ? property.value : property.argument)),
          depth,
          context,
        );
      case 'Identifier':
        return this.identifierTaint(node, depth, context);
      case 'MemberExpression':
        return this.memberTaint(node, depth, context);
      case 'CallExpression':
        return this.callTaint(node, depth, context);
      case 'NewExpression': {
        const callee = unwrap(node.callee);
        if (callee.type === 'Identifier' && TEXT_CONSTRUCTORS.has(callee.name)) {
          return this.firstTainted(node.arguments, depth, context);
        }
        return null;
      }
      case 'Literal':
      case 'TemplateElement':
        return null;
      default:
        return null;
    }
  }

  private firstTainted(nodes: readonly (Node | null)[], depth: number, context: CallContext | null): Taint | null {
    for (const item of nodes) {
      if (item === null) continue;
      const taint = this.taintIn(item, depth, context);
      if (taint !== null) return taint;
    }
    return null;
  }

  private identifierTaint(node: Extract<AnyNode, { type: 'Identifier' }>, depth: number, context: CallContext | null): Taint | null {
    const found = this.bindingOf(node);
    if (found === undefined) return this.storedTaint(`global:${node.name}`, depth);
    const binding = found.binding;
    if (binding === null) return null;
    // A variable's taint is the same at every use (flow-insensitive), within one followed call.
    const frame = innermostHolding(context, found.scopeNode) ?? this.topFrame;
    const cached = frame.bindingTaints.get(binding);
    if (cached !== undefined) return cached;
    if (frame.bindingsInProgress.has(binding)) return null;
    frame.bindingsInProgress.add(binding);
    let taint: Taint | null;
    try {
      taint = this.bindingTaint(node, found as FoundBinding & { binding: Binding }, depth, frame.fn === null ? null : frame);
    } finally {
      frame.bindingsInProgress.delete(binding);
    }
    frame.bindingTaints.set(binding, taint);
    return taint;
  }

  private bindingTaint(
    node: Extract<AnyNode, { type: 'Identifier' }>,
    found: FoundBinding & { binding: Binding },
    depth: number,
    context: CallContext | null,
  ): Taint | null {
    const binding = found.binding;
    const declaration = binding.declaration;
    if (binding.kind === 'param') {
      if (binding.paramIndex === undefined || !isFunctionNode(declaration)) return null;
      const call = callFollowing(context, declaration);
      if (call !== null) {
        // Followed from one call: the parameter is that call's argument, nothing else.
        const argument = call.call?.arguments[binding.paramIndex];
        return argument === undefined ? null : this.taintIn(argument, depth, call.caller);
      }
      for (const site of this.callSites(declaration)) {
        const argument = site.arguments[binding.paramIndex];
        const taint = argument === undefined ? null : this.taintIn(argument, depth, null);
        if (taint !== null) return taint;
      }
      return null;
    }
    if (binding.kind !== 'var' && binding.kind !== 'let' && binding.kind !== 'const') return null;
    if (declaration?.type === 'VariableDeclarator' && binding.init !== null && binding.path !== null) {
      if (binding.path.length > 0) {
        const own = this.destructuredSource(declaration, binding.path);
        if (own !== null) return { source: own };
      }
      const taint = this.taintIn(binding.init, depth, context);
      if (taint !== null) return binding.path.length > 0 ? refine(taint, binding.path[0] ?? '') : taint;
    } else if (declaration?.type === 'VariableDeclarator') {
      // `const [, fn] = pair`: an element of a value that carries a fingerprint carries it too.
      const declarator = declaration as Extract<AnyNode, { type: 'VariableDeclarator' }>;
      const taint = declarator.id.type === 'ArrayPattern' && declarator.init ? this.taintIn(declarator.init, depth, context) : null;
      if (taint !== null) return taint;
    }
    for (const assignment of this.assignmentsTo(node.name, found)) {
      const taint = this.taintIn(assignment.right, depth, context);
      if (taint !== null) return taint;
    }
    // `data.host = os.hostname()`: an object filled in property by property carries what it holds.
    const stored = this.propertyStoreTaint(node.name, found, depth, context);
    return stored === null ? null : { ...stored.taint, storedIn: stored.property };
  }

  /**
   * `object.name` where the object carries a fingerprint only in one property (`storedIn`): the
   * taint of a store under this same name (or a computed one), else none.
   */
  private propertyTaint(object: Node, name: string, depth: number, context: CallContext | null): Taint | null {
    if (object.type !== 'Identifier') return null;
    const identifier = object as Extract<AnyNode, { type: 'Identifier' }>;
    const found = this.bindingOf(identifier);
    if (found === undefined || found.binding === null) return null;
    return this.propertyStoreTaint(identifier.name, found, depth, context, name)?.taint ?? null;
  }

  /**
   * The first store of a fingerprint into a property of the variable `found` declares, and that
   * property's name (null when computed); with `only`, among stores under that name or a computed one.
   */
  private propertyStoreTaint(
    name: string,
    found: FoundBinding,
    depth: number,
    context: CallContext | null,
    only?: string,
  ): { taint: Taint; property: string | null } | null {
    for (const { assignment, property } of this.propertyStoresTo(name, found)) {
      if (only !== undefined && property !== null && property !== only) continue;
      const taint = this.taintIn(assignment.right, depth, context);
      if (taint !== null) return { taint, property };
    }
    return null;
  }

  /**
   * Assignments to a property of the variable `found` declares (`data.host = ...`, `data[k] = ...`),
   * with the property's name: among the first `MAX_SITES`, memoised as `assignmentsTo` is (every
   * sibling read of a bundle's state object asks again).
   */
  private propertyStoresTo(name: string, found: FoundBinding): PropertyStore[] {
    const binding = found.binding;
    if (binding === null) return [];
    const cached = this.propertyStoresOf.get(binding);
    if (cached !== undefined) return cached;
    const stores: PropertyStore[] = [];
    let examined = 0;
    for (const reference of this.referencesIn(name, found.scopeNode)) {
      const member = this.parents.get(reference) as AnyNode | undefined;
      if (member?.type !== 'MemberExpression' || member.object !== reference) continue;
      const assignment = this.parents.get(member) as AnyNode | undefined;
      if (assignment?.type !== 'AssignmentExpression' || assignment.left !== member) continue;
      if (++examined > MAX_SITES) break;
      if (this.bindingOf(reference)?.binding === binding) stores.push({ assignment, property: memberName(member) });
    }
    this.propertyStoresOf.set(binding, stores);
    return stores;
  }

  /**
   * What the code stores under a name every module shares: an undeclared variable (`host =
   * os.hostname()`, as copied malware writes it) or a property of `globalThis`, `window`,
   * `module.exports` or `exports`. Keyed `global:<name>` or by the property's canonical path.
   */
  private storedTaint(key: string, depth: number): Taint | null {
    const cached = this.stored.get(key);
    if (cached !== undefined) return cached;
    if (this.storedInProgress.has(key)) return null;
    this.storedInProgress.add(key);
    let taint: Taint | null = null;
    try {
      for (const assignment of this.storesUnder(key)) {
        taint = this.taintIn(assignment.right, depth, null);
        if (taint !== null) break;
      }
    } finally {
      this.storedInProgress.delete(key);
    }
    this.stored.set(key, taint);
    return taint;
  }

  /** The assignments that store under a shared key (see `storedTaint`), among the first `MAX_SITES`. */
  storesUnder(key: string): AssignmentNode[] {
    const stores: AssignmentNode[] = [];
    for (const node of this.nodesUnder(key)) {
      const assignment = this.parents.get(node) as AnyNode | undefined;
      if (assignment?.type === 'AssignmentExpression' && assignment.left === node) stores.push(assignment);
      if (stores.length >= MAX_SITES) break;
    }
    return stores;
  }

  /**
   * The places that name a shared key: the undeclared variable itself, or the member chain of a
   * shared object (`globalThis.h`, `module.exports.h`) whose canonical path gives the key.
   */
  nodesUnder(key: string): Node[] {
    const global = key.startsWith('global:') ? key.slice('global:'.length) : null;
    const roots = global === null ? SHARED_OBJECT_ROOTS : [global, ...GLOBAL_OBJECT_NAMES];
    const found: Node[] = [];
    let examined = 0;
    for (const root of roots) {
      for (const reference of this.referencesIn(root, this.program)) {
        if (this.bindingOf(reference) !== undefined) continue;
        if (++examined > MAX_SITES * 8) return found;
        if (reference.name === global) {
          found.push(reference);
          continue;
        }
        let target: Node = reference;
        for (let parent = this.parents.get(target) as AnyNode | undefined; parent?.type === 'MemberExpression' && parent.object === target; parent = this.parents.get(target) as AnyNode | undefined) {
          target = parent;
          if (sharedKey(this.resolvePath(target)) === key) {
            found.push(target);
            break;
          }
        }
      }
    }
    return found;
  }

  private carrierInputs(): CarrierInputs {
    return {
      sharedKeyOf: (node) => (node.type === 'Identifier' ? (this.bindingOf(node as IdentifierNode) === undefined ? `global:${(node as IdentifierNode).name}` : null) : sharedKey(this.resolvePath(node))),
      nodesUnder: (key) => this.nodesUnder(key),
      parentOf: this.parentOf,
      outermostWrapper: (node) => this.outermostWrapper(node),
      callOf: (node) => this.callOf(node),
      enclosingFunction: (node) => this.enclosingFunction(node),
      enclosingScope: (node) => this.enclosingScope(node),
      referencesIn: (name, scope) => this.referencesIn(name, scope),
      bindingOf: (identifier) => this.bindingOf(identifier),
      functionOf: (callee) => this.functionOf(callee),
    };
  }

  private destructuredSource(declarator: Node, path: RefPath): SourceRead | null {
    const current = declarator as AnyNode;
    if (current.type !== 'VariableDeclarator' || !current.init) return null;
    const base = this.resolvePath(current.init);
    return base === null ? null : pathSource([...base, ...path], current.start);
  }

  private memberTaint(node: Extract<AnyNode, { type: 'MemberExpression' }>, depth: number, context: CallContext | null): Taint | null {
    const read = this.disguisedReads().get(node) ?? sourceAt(node, () => this.ancestorsOf(node), this.scope);
    if (read !== null) return { source: read };
    if (node.object.type === 'Super') return null;
    const key = sharedKey(this.resolvePath(node));
    if (key !== null) {
      const stored = this.storedTaint(key, depth);
      if (stored !== null) return stored;
    }
    const taint = this.taintIn(node.object, depth, context);
    if (taint === null) return null;
    const name = memberName(node);
    if (taint.storedIn !== undefined) {
      // The property that was set is the fingerprint itself; a sibling is only if set as well.
      if (name === null || taint.storedIn === null || taint.storedIn === name) {
        const { storedIn: _whole, ...value } = taint;
        return value;
      }
      return this.propertyTaint(node.object, name, depth, context);
    }
    // `.length` of a hostname is a number, still derived; but `.constructor` etc. are not worth keeping.
    return name === null ? taint : refine(taint, name);
  }

  private callTaint(node: CallNode, depth: number, context: CallContext | null): Taint | null {
    const read = sourceAt(node, () => this.ancestorsOf(node), this.scope) ?? this.disguisedReads().get(node) ?? null;
    if (read !== null) return { source: read, ...(read.what.endsWith('resolvedOptions()') ? { intlOptions: true } : {}) };
    const callee = unwrap(node.callee);
    if (callee.type === 'Identifier' || callee.type === 'CallExpression') {
      // Calling a fingerprint function reached another way: `const get = os.hostname.bind(os); get()`,
      // `Reflect.get(os, 'hostname')()`.
      const called = this.taintIn(callee, depth, context);
      if (called !== null) return called;
    }
    if (callee.type === 'MemberExpression') {
      // `os.hostname()`: the member read is the catalogued function itself.
      const reference = this.disguisedReads().get(callee) ?? sourceAt(callee, () => this.ancestorsOf(callee), this.scope);
      if (reference !== null) return { source: { ...reference, start: node.start } };
      const name = memberName(callee);
      if (name === 'digest') return this.digestTaint(callee.object, depth, context);
      if (name !== null && TEST_METHODS.has(name)) return null;
      if (callee.object.type !== 'Super') {
        const receiver = this.taintIn(callee.object, depth, context);
        if (receiver !== null) return receiver;
      }
    }
    const fn = this.functionOf(callee);
    if (fn !== null) {
      // Per call: the helper's parameters are this call's arguments, so a helper one caller
      // feeds a fingerprint does not taint what it returns to its other callers.
      const inner = this.contextFor(fn, node, context);
      for (const returned of this.returnsOf(fn)) {
        const taint = this.taintIn(returned, depth, inner);
        if (taint !== null) return taint;
      }
      return null;
    }
    const last = callee.type === 'Identifier' ? callee.name : callee.type === 'MemberExpression' ? memberName(callee) : null;
    if (last !== null && TEXT_CONVERTER_NAMES.has(last)) {
      const path = this.scope.resolve(callee, this.ancestorsOf(node));
      if (path !== null && TEXT_CONVERTERS.has(path.join('.'))) return this.firstTainted(node.arguments, depth, context);
    }
    // A call handed a catalogued path or command (`readFileSync('/etc/machine-id')`) returns what it reads.
    for (const argument of node.arguments) {
      const literal = unwrap(argument);
      if (literal.type === 'Literal' && typeof literal.value === 'string') {
        const source = literalSource(literal.value, literal.start);
        if (source !== null) return { source };
      }
    }
    return null;
  }

  /** `createHash(alg).update(value).digest(enc)`: the value, hashed. */
  private digestTaint(updated: Node, depth: number, context: CallContext | null): Taint | null {
    const update = unwrap(updated);
    if (update.type !== 'CallExpression') return null;
    const updateCallee = unwrap(update.callee);
    if (updateCallee.type !== 'MemberExpression' || memberName(updateCallee) !== 'update') return null;
    const value = update.arguments[0];
    const taint = value === undefined ? null : this.taintIn(value, depth, context);
    if (taint === null) return null;
    const created = unwrap(updateCallee.object);
    let algorithm = 'unknown';
    if (created.type === 'CallExpression') {
      const first = created.arguments[0];
      if (first?.type === 'Literal' && typeof first.value === 'string') algorithm = first.value;
    }
    return { source: taint.source, hashed: algorithm };
  }
}

const COMPARISON_OPERATORS: ReadonlySet<string> = new Set(['===', '!==', '==', '!=', 'in']);

/** Nested calls followed with their own arguments before parameters fall back to every call site. */
export const MAX_CALL_CONTEXT = 8;

/**
 * One call being followed into its function (`fn` null: no call, the file as a whole). Answers
 * about nodes inside `fn` are kept here because they hold for this call only.
 */
interface CallContext {
  readonly fn: FunctionNode | null;
  readonly call: CallNode | null;
  readonly caller: CallContext | null;
  readonly length: number;
  readonly taints: Map<Node, Taint | null>;
  readonly inProgress: Set<Node>;
  readonly bindingTaints: Map<Binding, Taint | null>;
  readonly bindingsInProgress: Set<Binding>;
  /** The contexts of calls made from this one, by call node. */
  readonly callees: Map<Node, CallContext>;
}

function newContext(fn: FunctionNode | null, call: CallNode | null, caller: CallContext | null): CallContext {
  return {
    fn,
    call,
    caller,
    length: caller === null ? (fn === null ? 0 : 1) : caller.length + 1,
    taints: new Map(),
    inProgress: new Set(),
    bindingTaints: new Map(),
    bindingsInProgress: new Set(),
    callees: new Map(),
  };
}

/** The innermost followed call whose function holds `node`; null outside all of them. */
function innermostHolding(context: CallContext | null, node: Node): CallContext | null {
  let current = context;
  while (current !== null && (current.fn === null || node.start < current.fn.start || node.end > current.fn.end)) current = current.caller;
  return current;
}

/** The followed call of `fn` itself among `context` and its callers (closures read outer parameters). */
function callFollowing(context: CallContext | null, fn: FunctionNode): CallContext | null {
  for (let current = context; current !== null; current = current.caller) if (current.fn === fn) return current;
  return null;
}

/** A member of `Intl.*().resolvedOptions()` is the timezone or the locale; of anything else, the same read. */
function refine(taint: Taint, member: string): Taint {
  if (taint.intlOptions !== true) return taint;
  const kind = intlOptionKind(member);
  if (kind === null) return taint;
  return { source: { start: taint.source.start, kind, what: `${taint.source.what}.${member}` } };
}


function isStatement(node: AnyNode): boolean {
  return node.type.endsWith('Statement') || node.type === 'SwitchCase' || node.type === 'CatchClause' || node.type === 'VariableDeclaration';
}

/** The per-file entry point: `observe` during the shared walk, `analysis()` afterwards. */
export interface FlowFacts {
  /** One function for every detector that registers it, so the shared walk calls it once per node. */
  readonly observe: (node: Node, ancestors: readonly Node[]) => void;
  /**
   * The nodes the walk found reading a fingerprint by themselves, with what each reads, and the
   * candidates for a disguised read: a rule that reports reads takes them from here instead of
   * asking the same questions of every node again.
   */
  readonly seen: Pick<SourceReads, 'origins' | 'originReads' | 'disguises' | 'loaderNames'>;
  /** Null when the walk saw no source: the file costs nothing more. */
  analysis(program: Program): FlowAnalysis | null;
  /** The name resolver of the file's analysis, built on demand even when no source was seen. */
  resolverFor(program: Program): NameResolver;
}

export function flowFacts(scope: () => Scope): FlowFacts {
  const reads: SourceReads = { origins: [], originReads: [], destructurings: [], references: [], disguises: [], moduleAliases: new Set(), loaderNames: [] };
  let built: FlowAnalysis | null | undefined;
  let resolving: FlowAnalysis | undefined;
  const saw = (): boolean => reads.origins.length > 0 || reads.destructurings.length > 0 || reads.disguises.length > 0;
  return {
    observe: (node, ancestors) => recordRead(reads, node, ancestors, scope()),
    seen: reads,
    analysis(program) {
      if (built !== undefined) return built;
      built = saw() ? new FlowAnalysis(program, scope(), { reads }) : null;
      return built;
    },
    resolverFor(program) {
      // The value resolver needs no source: a file that runs a decoded string may read nothing itself.
      resolving ??= this.analysis(program) ?? new FlowAnalysis(program, scope(), { reads });
      return resolving.resolver;
    },
  };
}

/**
 * A correlating detector's visitors: the shared walk only notes whether the file reads a
 * fingerprint; `exit` runs the deep analysis afterwards (and costs nothing when it did not).
 */
export function correlatingVisitors(flow: FlowFacts, exit: () => void): Visitors {
  const observe = flow.observe;
  return {
    MemberExpression: observe,
    CallExpression: observe,
    Literal: observe,
    TemplateElement: observe,
    VariableDeclarator: observe,
    Identifier: observe,
    ImportDeclaration: observe,
    'Program:exit': exit,
  };
}

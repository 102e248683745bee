/**
 * What a name refers to. Minified and bundled code reaches `process`, `os` and `Intl` through
 * one-letter aliases, destructuring, `globalThis` and computed keys; a detector asks
 * `resolve(node)` and gets a canonical path (`['os', 'hostname']`, `['process', 'env']`) or null
 * when the value is not statically one of them. A local variable that merely shares a global's
 * name (`const process = {...}`) resolves to null: shadowing is honoured.
 *
 * Declarations are collected lazily per scope node, only when a name is looked up there, and
 * memoised; nothing here walks the whole file.
 *
 * Known gaps (the deep analyzer's work): reassignment after declaration (`let o; o = require('os')`)
 * is not followed; bundler module maps (`__webpack_require__(123)`) are not resolved; sloppy-mode
 * block function hoisting is ignored.
 */
import type { AnyNode, Node, Pattern } from 'acorn';
import { memberName, propertyKey } from './member-name.js';
import { staticString } from './values/evaluate.js';

/** A canonical reference: a global or module and the member names read from it. */
export type RefPath = readonly string[];

/** Every module specifier that loads a module the catalogue knows, and its canonical path. */
export const MODULE_PATHS: Readonly<Record<string, RefPath>> = Object.freeze({
  os: ['os'],
  'node:os': ['os'],
  dns: ['dns'],
  'node:dns': ['dns'],
  'dns/promises': ['dns', 'promises'],
  'node:dns/promises': ['dns', 'promises'],
  process: ['process'],
  'node:process': ['process'],
  // Modules whose calls are effects or network sinks (see `sinks.ts`), not fingerprint reads.
  fs: ['fs'],
  'node:fs': ['fs'],
  'fs/promises': ['fs', 'promises'],
  'node:fs/promises': ['fs', 'promises'],
  child_process: ['child_process'],
  'node:child_process': ['child_process'],
  http: ['http'],
  'node:http': ['http'],
  https: ['https'],
  'node:https': ['https'],
  http2: ['http2'],
  'node:http2': ['http2'],
  net: ['net'],
  'node:net': ['net'],
  tls: ['tls'],
  'node:tls': ['tls'],
  dgram: ['dgram'],
  'node:dgram': ['dgram'],
  crypto: ['crypto'],
  'node:crypto': ['crypto'],
  // Query-string builders: a fingerprint passed through them is the same text in a URL.
  querystring: ['querystring'],
  'node:querystring': ['querystring'],
  // Runs a string as code: what it runs is analysed (`code-in-strings.ts`).
  vm: ['vm'],
  'node:vm': ['vm'],
});

/** The canonical path of a module specifier, or null. Own keys only: `require('constructor')` is no module of ours. */
export function modulePath(specifier: string): RefPath | null {
  return Object.hasOwn(MODULE_PATHS, specifier) ? (MODULE_PATHS[specifier] ?? null) : null;
}

/** Names that are the global object itself: `window.navigator` is `navigator`. */
export const GLOBAL_OBJECT_NAMES: ReadonlySet<string> = new Set(['globalThis', 'window', 'self', 'global']);

/** Alias chains longer than this are not followed (and cycles like `var a = b, b = a` end here). */
export const MAX_ALIAS_DEPTH = 32;
/** Paths longer than this are not sources the catalogue can name. */
export const MAX_PATH_LENGTH = 8;

const GLOBAL_OBJECT: RefPath = Object.freeze(['globalThis']);

/**
 * Interop helpers TypeScript, Babel and esbuild wrap `require` in; they return the module or an
 * object whose `default` is the module. Matched by name: minifiers keep some, rename others (gap).
 */
const INTEROP_HELPER = /^_*(?:importDefault|importStar|interopRequireDefault|interopRequireWildcard|toESM)\d*$/;

/** Canonical module roots, after which `.default` (added by interop) is the module itself. */
const MODULE_ROOTS: ReadonlySet<string> = new Set(Object.values(MODULE_PATHS).map((path) => path[0] ?? ''));

export const BINDING_KINDS = ['var', 'let', 'const', 'function', 'class', 'param', 'catch', 'import'] as const;
export type BindingKind = (typeof BINDING_KINDS)[number];

export interface Binding {
  readonly kind: BindingKind;
  /** The value the declaration destructures (`require('os')` in `const {hostname} = require('os')`). */
  readonly init: Node | null;
  /** Keys from `init` to the bound name; null when not static (array patterns, rest). */
  readonly path: RefPath | null;
  readonly importSource?: string;
  /** `'*'` for a namespace import, `'default'` for a default import, else the imported name. */
  readonly importName?: string;
  /**
   * The node that declares the name: its VariableDeclarator, FunctionDeclaration or
   * ClassDeclaration, or for a parameter the function it belongs to (with `paramIndex`).
   */
  readonly declaration?: Node;
  /** For a plain parameter (`x` or `x = default`), its position in the function's list. */
  readonly paramIndex?: number;
}

/** A binding found by name, with the scope node that declares it. */
export interface FoundBinding {
  /** Null when the name is declared more than once with different values. */
  readonly binding: Binding | null;
  readonly scopeNode: Node;
}

/** `null`: declared more than once with different values, so unknown. */
type Declared = Map<string, Binding | null>;

export interface Scope {
  /**
   * The canonical path `node` evaluates to, or null. `ancestors` are the enclosing nodes,
   * outermost first (the handler's ancestors, with or without the node itself).
   */
  resolve(node: Node, ancestors: readonly Node[]): RefPath | null;
  /** True when `name` has no declaration in any scope enclosing the innermost ancestor. */
  isGlobal(name: string, ancestors: readonly Node[]): boolean;
  /** The binding `name` refers to from the innermost ancestor, or undefined for a global. */
  bindingOf(name: string, ancestors: readonly Node[]): FoundBinding | undefined;
  /** The same lookup from a node up through parent links, with no ancestors array to build. */
  bindingAt(name: string, node: Node, parentOf: (node: Node) => Node | undefined): FoundBinding | undefined;
}

/** Scope facts for one file; cheap until the first lookup. */
export function createScope(): Scope {
  // Plain Maps, not WeakMaps: they live exactly as long as the file, and weak tables are costly
  // for the garbage collector on files with hundreds of thousands of nodes.
  const declaredByScope = new Map<Node, Declared>();
  const resolvedByNode = new Map<Node, RefPath | null>();
  const resolvedByBinding = new Map<Binding, RefPath | null>();
  const inProgress = new Set<Binding>();

  function declaredIn(node: Node, parent: Node | undefined): Declared | undefined {
    const cached = declaredByScope.get(node);
    if (cached !== undefined) return cached;
    const declared = collectScope(node as AnyNode, parent);
    if (declared !== undefined) declaredByScope.set(node, declared);
    return declared;
  }

  function lookup(
    name: string,
    ancestors: readonly Node[],
    top: number,
  ): { binding: Binding | null; index: number } | undefined {
    for (let i = top; i >= 0; i--) {
      const node = ancestors[i];
      if (node === undefined) continue;
      const declared = declaredIn(node, ancestors[i - 1]);
      if (declared?.has(name) === true) return { binding: declared.get(name) ?? null, index: i };
    }
    return undefined;
  }

  function resolveAt(node: Node, ancestors: readonly Node[], top: number, depth: number): RefPath | null {
    if (depth > MAX_ALIAS_DEPTH) return null;
    const cached = resolvedByNode.get(node);
    if (cached !== undefined) return cached;
    // Member chains are walked iteratively: `a.b.b.b...` can be as long as the file.
    const keys: string[] = [];
    let current = unwrap(node);
    while (current.type === 'MemberExpression') {
      const key = memberName(current);
      if (key === null || keys.length >= MAX_PATH_LENGTH) return remember(node, null);
      keys.push(key);
      current = unwrap(current.object);
    }
    const root = resolveRoot(current, ancestors, top, depth);
    if (root === null) return remember(node, null);
    return remember(node, extend(root, keys.reverse()));
  }

  function remember(node: Node, value: RefPath | null): RefPath | null {
    resolvedByNode.set(node, value);
    return value;
  }

  function resolveRoot(node: AnyNode, ancestors: readonly Node[], top: number, depth: number): RefPath | null {
    switch (node.type) {
      case 'Identifier': {
        const found = lookup(node.name, ancestors, top);
        if (found === undefined) return GLOBAL_OBJECT_NAMES.has(node.name) ? GLOBAL_OBJECT : [node.name];
        if (found.binding === null) return null;
        return resolveBinding(found.binding, ancestors, found.index, depth);
      }
      case 'CallExpression': {
        const specifier = requiredSpecifier(node, ancestors, top, depth);
        if (specifier !== null) return modulePath(specifier);
        // Compilers wrap CommonJS loads: `__importDefault(require('os')).default.hostname()`.
        const callee = unwrap(node.callee);
        const wrapped = node.arguments[0];
        if (callee.type === 'Identifier' && INTEROP_HELPER.test(callee.name) && wrapped?.type === 'CallExpression') {
          return resolveRoot(wrapped, ancestors, top, depth + 1);
        }
        return null;
      }
      case 'ImportExpression': {
        const specifier = staticString(node.source);
        return specifier === null ? null : modulePath(specifier);
      }
      case 'AwaitExpression':
        return node.argument.type === 'ImportExpression' ? resolveRoot(node.argument, ancestors, top, depth) : null;
      default:
        return null;
    }
  }

  /**
   * The module a call loads. A callee named `require` counts even when it is a local binding:
   * every CommonJS wrapper (node's own, browserify's, `createRequire`) hands `require` in as a
   * parameter or constant, and a local function merely named `require` loading `'os'` is no less
   * suspicious.
   */
  function requiredSpecifier(
    call: Extract<AnyNode, { type: 'CallExpression' }>,
    ancestors: readonly Node[],
    top: number,
    depth: number,
  ): string | null {
    const argument = call.arguments[0];
    if (argument === undefined || argument.type === 'SpreadElement') return null;
    const callee = unwrap(call.callee);
    let isRequire = false;
    if (callee.type === 'Identifier') {
      isRequire = callee.name === 'require' || isPath(resolveRoot(callee, ancestors, top, depth + 1), 'require');
    } else if (callee.type === 'MemberExpression') {
      isRequire = memberName(callee) === 'require';
    }
    return isRequire ? staticString(argument) : null;
  }

  function resolveBinding(binding: Binding, ancestors: readonly Node[], index: number, depth: number): RefPath | null {
    const cached = resolvedByBinding.get(binding);
    if (cached !== undefined) return cached;
    if (inProgress.has(binding)) return null;
    inProgress.add(binding);
    let result: RefPath | null = null;
    if (binding.kind === 'import' && binding.importSource !== undefined) {
      const module = modulePath(binding.importSource);
      if (module !== null) {
        const name = binding.importName;
        result = name === '*' || name === 'default' || name === undefined ? module : extend(module, [name]);
      }
    } else if (
      (binding.kind === 'var' || binding.kind === 'let' || binding.kind === 'const') &&
      binding.init !== null &&
      binding.path !== null
    ) {
      // The initializer is resolved in the declaring scope: ancestors past it are not visible there.
      const base = resolveAt(binding.init, ancestors, index, depth + 1);
      result = base === null ? null : extend(base, binding.path);
    }
    inProgress.delete(binding);
    resolvedByBinding.set(binding, result);
    return result;
  }

  return {
    resolve(node, ancestors) {
      return resolveAt(node, ancestors, ancestors.length - 1, 0);
    },
    isGlobal(name, ancestors) {
      return lookup(name, ancestors, ancestors.length - 1) === undefined;
    },
    bindingOf(name, ancestors) {
      const found = lookup(name, ancestors, ancestors.length - 1);
      if (found === undefined) return undefined;
      const scopeNode = ancestors[found.index];
      return scopeNode === undefined ? undefined : { binding: found.binding, scopeNode };
    },
    bindingAt(name, node, parentOf) {
      for (let current: Node | undefined = node; current !== undefined; ) {
        const parent = parentOf(current);
        const declared = declaredIn(current, parent);
        if (declared?.has(name) === true) return { binding: declared.get(name) ?? null, scopeNode: current };
        current = parent;
      }
      return undefined;
    },
  };
}

function isPath(path: RefPath | null, name: string): boolean {
  return path !== null && path.length === 1 && path[0] === name;
}

/** Appends member names, folding the global object away (`globalThis.process` is `process`). */
function extend(base: RefPath, keys: readonly string[]): RefPath | null {
  let path: readonly string[] = base;
  for (const key of keys) {
    if (key === 'default' && path.length === 1 && MODULE_ROOTS.has(path[0] ?? '')) continue;
    if (path === GLOBAL_OBJECT || (path.length === 1 && path[0] === 'globalThis')) {
      path = GLOBAL_OBJECT_NAMES.has(key) ? GLOBAL_OBJECT : [key];
    } else {
      path = [...path, key];
    }
    if (path.length > MAX_PATH_LENGTH) return null;
  }
  return path;
}

/** Wrappers that do not change the value: `(a)`, `a?.b`, and minifiers' `(0, a.b)`. */
function unwrap(node: Node): AnyNode {
  let current = node as AnyNode;
  for (;;) {
    if (current.type === 'ParenthesizedExpression' || current.type === 'ChainExpression') {
      current = current.expression as AnyNode;
    } else if (current.type === 'SequenceExpression') {
      const last = current.expressions[current.expressions.length - 1];
      if (last === undefined) return current;
      current = last;
    } else {
      return current;
    }
  }
}

function addBinding(declared: Declared, name: string, binding: Binding): void {
  if (!declared.has(name)) {
    declared.set(name, binding);
    return;
  }
  const existing = declared.get(name);
  if (existing === null || existing === undefined) return;
  // `var a = x; var a;` keeps x: a redeclaration without a value does not change the binding.
  if (binding.kind === 'var' && binding.init === null) return;
  if (existing.kind === 'var' && existing.init === null) {
    declared.set(name, binding);
    return;
  }
  declared.set(name, null);
}

function declarePattern(
  declared: Declared,
  pattern: Pattern,
  kind: BindingKind,
  init: Node | null,
  declaration?: Node,
  paramIndex?: number,
): void {
  const stack: { pattern: AnyNode; path: RefPath | null }[] = [{ pattern, path: [] }];
  while (stack.length > 0) {
    const item = stack.pop();
    if (item === undefined) break;
    const { pattern: current, path } = item;
    switch (current.type) {
      case 'Identifier': {
        const plain = current === pattern || (pattern.type === 'AssignmentPattern' && pattern.left === current);
        addBinding(declared, current.name, {
          kind,
          init,
          path,
          ...(declaration === undefined ? {} : { declaration }),
          ...(paramIndex !== undefined && plain ? { paramIndex } : {}),
        });
        break;
      }
      case 'ObjectPattern':
        for (const property of current.properties) {
          if (property.type === 'RestElement') {
            stack.push({ pattern: property.argument, path: null });
            continue;
          }
          const key = propertyKey(property.key, property.computed);
          stack.push({ pattern: property.value, path: path === null || key === null ? null : [...path, key] });
        }
        break;
      case 'ArrayPattern':
        for (const element of current.elements) if (element !== null) stack.push({ pattern: element, path: null });
        break;
      case 'AssignmentPattern':
        stack.push({ pattern: current.left, path });
        break;
      case 'RestElement':
        stack.push({ pattern: current.argument, path: null });
        break;
      default:
        break;
    }
  }
}

function declareVariables(declared: Declared, declaration: Extract<AnyNode, { type: 'VariableDeclaration' }>): void {
  const kind: BindingKind = declaration.kind === 'var' ? 'var' : declaration.kind === 'let' ? 'let' : 'const';
  for (const declarator of declaration.declarations) {
    declarePattern(declared, declarator.id, kind, declarator.init ?? null, declarator);
  }
}

/** Declarations a scope node introduces, or undefined when the node is not a scope. */
function collectScope(node: AnyNode, parent: Node | undefined): Declared | undefined {
  switch (node.type) {
    case 'Program': {
      const declared: Declared = new Map();
      collectStatements(declared, node.body);
      return declared;
    }
    case 'FunctionDeclaration':
    case 'FunctionExpression':
    case 'ArrowFunctionExpression': {
      const declared: Declared = new Map();
      if (node.type === 'FunctionExpression' && node.id) {
        addBinding(declared, node.id.name, { kind: 'function', init: null, path: null, declaration: node });
      }
      if (node.type !== 'ArrowFunctionExpression') {
        addBinding(declared, 'arguments', { kind: 'param', init: null, path: null });
      }
      node.params.forEach((param, index) => declarePattern(declared, param, 'param', null, node, index));
      if (node.body.type === 'BlockStatement') collectStatements(declared, node.body.body);
      return declared;
    }
    case 'BlockStatement': {
      // A function's body block is the function's scope, collected with it.
      const parentType = (parent as AnyNode | undefined)?.type;
      if (
        parentType === 'FunctionDeclaration' ||
        parentType === 'FunctionExpression' ||
        parentType === 'ArrowFunctionExpression'
      ) {
        return undefined;
      }
      return collectLexical(node.body);
    }
    case 'StaticBlock':
      return collectLexical(node.body);
    case 'SwitchStatement':
      return collectLexical(node.cases.flatMap((c) => c.consequent));
    case 'ForStatement':
    case 'ForInStatement':
    case 'ForOfStatement': {
      const head = node.type === 'ForStatement' ? node.init : node.left;
      if (head?.type !== 'VariableDeclaration' || head.kind === 'var') return undefined;
      const declared: Declared = new Map();
      declareVariables(declared, head);
      return declared;
    }
    case 'CatchClause': {
      if (!node.param) return undefined;
      const declared: Declared = new Map();
      declarePattern(declared, node.param, 'catch', null);
      return declared;
    }
    case 'ClassExpression': {
      if (!node.id) return undefined;
      const declared: Declared = new Map();
      addBinding(declared, node.id.name, { kind: 'class', init: null, path: null });
      return declared;
    }
    default:
      return undefined;
  }
}

function collectLexical(body: readonly Node[]): Declared {
  const declared: Declared = new Map();
  for (const statement of body) declareDirect(declared, statement as AnyNode, false);
  return declared;
}

/** A statement directly in a scope's body: lexical declarations, functions, classes, imports. */
function declareDirect(declared: Declared, statement: AnyNode, withVar: boolean): void {
  switch (statement.type) {
    case 'VariableDeclaration':
      if (withVar || statement.kind !== 'var') declareVariables(declared, statement);
      break;
    case 'FunctionDeclaration':
      // `export default function () {}` has no name to bind.
      if (statement.id) {
        addBinding(declared, statement.id.name, { kind: 'function', init: null, path: null, declaration: statement });
      }
      break;
    case 'ClassDeclaration':
      if (statement.id) {
        addBinding(declared, statement.id.name, { kind: 'class', init: null, path: null, declaration: statement });
      }
      break;
    case 'ImportDeclaration': {
      const source = statement.source.value;
      if (typeof source !== 'string') break;
      for (const specifier of statement.specifiers) {
        const importName =
          specifier.type === 'ImportNamespaceSpecifier'
            ? '*'
            : specifier.type === 'ImportDefaultSpecifier'
              ? 'default'
              : specifier.imported.type === 'Identifier'
                ? specifier.imported.name
                : String(specifier.imported.value);
        addBinding(declared, specifier.local.name, {
          kind: 'import',
          init: null,
          path: [],
          importSource: source,
          importName,
        });
      }
      break;
    }
    case 'ExportNamedDeclaration':
    case 'ExportDefaultDeclaration': {
      const declaration = statement.declaration as AnyNode | null | undefined;
      if (
        declaration?.type === 'VariableDeclaration' ||
        declaration?.type === 'FunctionDeclaration' ||
        declaration?.type === 'ClassDeclaration'
      ) {
        declareDirect(declared, declaration, withVar);
      }
      break;
    }
    default:
      break;
  }
}

/**
 * A function's or the program's body: direct declarations, plus every `var` in nested blocks
 * (hoisted to here), without entering nested functions. Explicit stack: blocks nest deeply.
 */
function collectStatements(declared: Declared, body: readonly Node[]): void {
  for (const statement of body) declareDirect(declared, statement as AnyNode, true);
  const stack: AnyNode[] = [];
  for (let i = body.length - 1; i >= 0; i--) {
    const statement = body[i];
    if (statement !== undefined) pushNested(stack, statement as AnyNode);
  }
  while (stack.length > 0) {
    const statement = stack.pop();
    if (statement === undefined) break;
    if (statement.type === 'VariableDeclaration') {
      if (statement.kind === 'var') declareVariables(declared, statement);
      continue;
    }
    pushNested(stack, statement);
  }
}

/** The statements nested in a statement, where a hoisted `var` may hide. */
function pushNested(stack: AnyNode[], statement: AnyNode): void {
  const push = (node: Node | null | undefined): void => {
    if (node) stack.push(node as AnyNode);
  };
  switch (statement.type) {
    case 'BlockStatement':
    case 'StaticBlock':
      for (const inner of statement.body) push(inner);
      break;
    case 'IfStatement':
      push(statement.consequent);
      push(statement.alternate);
      break;
    case 'ForStatement':
      if (statement.init?.type === 'VariableDeclaration') push(statement.init);
      push(statement.body);
      break;
    case 'ForInStatement':
    case 'ForOfStatement':
      if (statement.left.type === 'VariableDeclaration') push(statement.left);
      push(statement.body);
      break;
    case 'WhileStatement':
    case 'DoWhileStatement':
    case 'LabeledStatement':
    case 'WithStatement':
      push(statement.body);
      break;
    case 'TryStatement':
      push(statement.block);
      push(statement.handler?.body);
      push(statement.finalizer);
      break;
    case 'SwitchStatement':
      for (const switchCase of statement.cases) for (const inner of switchCase.consequent) push(inner);
      break;
    default:
      break;
  }
}

/**
 * Which nodes may carry a fingerprint: `FlowAnalysis.taintOf` run forwards, once per file, from
 * the source reads. A bundle asks about hundreds of thousands of comparisons and calls; almost
 * none involve a fingerprint, and the backward search through bindings and call sites is what
 * made asking costly. A node this marking leaves out has no taint, so the search is skipped.
 *
 * Every step mirrors one step of `taintOf` the other way round: a child's taint reaches the
 * parent expressions `computeTaint` reads it from, a declarator's or assignment's value reaches
 * the variable (and then every identifier bound to it), an argument reaches the parameter of the
 * local function called, and a returned value reaches the calls of its function. Where the
 * backward search has limits (call sites examined, depth), this side has none, so it marks a
 * superset. `__tests__/analysis/facts/carriers.test.ts` holds it to that against `taintOf`.
 */
import type { AnyNode, Node, Pattern } from 'acorn';
import { isFunctionNode, type FunctionNode, TEST_METHODS, TEXT_CONSTRUCTORS, TEXT_CONVERTER_NAMES, unwrap } from './flow.js';
import { memberName } from './member-name.js';
import type { IdentifierNode } from './references.js';
import type { Binding, FoundBinding } from './scope.js';

/** What the marking needs from the file's flow analysis. */
export interface CarrierInputs {
  parentOf(node: Node): Node | undefined;
  /** The outermost wrapper `unwrap` sees through around a node (`(0, f)`), or the node. */
  outermostWrapper(node: Node): Node;
  /** The call whose callee the node is, through those wrappers, or null. */
  callOf(node: Node): Extract<AnyNode, { type: 'CallExpression' }> | null;
  enclosingFunction(node: Node): FunctionNode | null;
  /** The function (or the program) whose range holds every use of a name declared at `node`. */
  enclosingScope(node: Node): Node;
  /** The identifiers named `name` that reference a variable inside `scope`'s range, in source order. */
  referencesIn(name: string, scope: Node): readonly IdentifierNode[];
  bindingOf(identifier: IdentifierNode): FoundBinding | undefined;
  functionOf(callee: Node): FunctionNode | null;
  /** The shared key an assignment target stores under (an undeclared variable, `module.exports.h`), or null. */
  sharedKeyOf(target: Node): string | null;
  /** Every place naming a shared key (see `FlowAnalysis.nodesUnder`). */
  nodesUnder(key: string): readonly Node[];
}

/**
 * Marks every node that may carry a fingerprint, from `origins` (the nodes that are reads) and
 * `readingDeclarators` (destructurings whose keys are reads: `const {env: {TZ}} = process`).
 */
export function markCarriers(
  inputs: CarrierInputs,
  origins: readonly Node[],
  readingDeclarators: readonly Extract<AnyNode, { type: 'VariableDeclarator' }>[],
): ReadonlySet<Node> {
  const marked = new Set<Node>();
  const work: Node[] = [...origins];
  const taintedBindings = new Set<Binding>();
  const returning = new Set<FunctionNode>();
  const sharedKeys = new Set<string>();
  /** A variable whose value is tainted: every identifier bound to it is. */
  const taintVariable = (identifier: IdentifierNode): void => {
    const found = inputs.bindingOf(identifier);
    const binding = found?.binding;
    if (found === undefined || binding === null || binding === undefined || taintedBindings.has(binding)) return;
    if (binding.kind !== 'var' && binding.kind !== 'let' && binding.kind !== 'const' && binding.kind !== 'param') return;
    taintedBindings.add(binding);
    for (const occurrence of inputs.referencesIn(identifier.name, found.scopeNode)) {
      if (inputs.bindingOf(occurrence)?.binding === binding) work.push(occurrence);
    }
  };

  const taintPattern = (pattern: Pattern): void => {
    for (const identifier of patternIdentifiers(pattern)) taintVariable(identifier);
  };

  /** `fn` may return a fingerprint: every call of it does. */
  const returns = (fn: FunctionNode): void => {
    if (returning.has(fn)) return;
    returning.add(fn);
    // Called where it is written: `(() => tz)()`.
    const called = inputs.callOf(fn);
    if (called !== null) work.push(called);
    // Called by a name: its declaration's, its variable's, or (inside) a function expression's own.
    if (fn.type === 'FunctionDeclaration' && fn.id) callsByName(fn, fn.id.name, inputs.enclosingScope(fn));
    if (fn.type === 'FunctionExpression' && fn.id) callsByName(fn, fn.id.name, fn);
    const outer = inputs.outermostWrapper(fn);
    const parent = inputs.parentOf(outer) as AnyNode | undefined;
    if (parent?.type === 'VariableDeclarator' && parent.init === outer && parent.id.type === 'Identifier') {
      callsByName(fn, parent.id.name, inputs.enclosingScope(parent));
    }
  };

  const callsByName = (fn: FunctionNode, name: string, scope: Node): void => {
    for (const occurrence of inputs.referencesIn(name, scope)) {
      const call = inputs.callOf(occurrence);
      if (call !== null && inputs.functionOf(occurrence) === fn) work.push(call);
    }
  };

  for (const declarator of readingDeclarators) taintPattern(declarator.id);

  while (work.length > 0) {
    const node = work.pop() as Node;
    if (marked.has(node)) continue;
    marked.add(node);
    const parent = inputs.parentOf(node) as AnyNode | undefined;
    if (parent === undefined) continue;
    switch (parent.type) {
      case 'ParenthesizedExpression':
      case 'ChainExpression':
      case 'AwaitExpression':
      case 'SpreadElement':
      case 'LogicalExpression':
      case 'ArrayExpression':
      case 'ObjectExpression':
        work.push(parent);
        break;
      case 'SequenceExpression':
        if (parent.expressions[parent.expressions.length - 1] === node) work.push(parent);
        break;
      case 'ConditionalExpression':
        if (parent.test !== node) work.push(parent);
        break;
      case 'BinaryExpression':
        if (parent.operator === '+') work.push(parent);
        break;
      case 'TemplateLiteral':
        if (node.type !== 'TemplateElement') work.push(parent);
        break;
      case 'Property': {
        const object = inputs.parentOf(parent);
        if (parent.value === node && object?.type === 'ObjectExpression') work.push(object);
        break;
      }
      case 'MemberExpression':
        if (parent.object === node) work.push(parent);
        break;
      case 'AssignmentExpression': {
        if (parent.right !== node) break;
        work.push(parent);
        // Shared names first: an undeclared variable, a property of `globalThis` or `module.exports`.
        const key = inputs.sharedKeyOf(parent.left);
        if (key !== null) {
          if (!sharedKeys.has(key)) {
            sharedKeys.add(key);
            work.push(...inputs.nodesUnder(key));
          }
        } else if (parent.left.type === 'Identifier') {
          taintVariable(parent.left);
        } else if (parent.left.type === 'MemberExpression') {
          // `data.host = fingerprint`: the object now holds it.
          const object = unwrap(parent.left.object);
          if (object.type === 'Identifier') taintVariable(object);
        }
        break;
      }
      case 'VariableDeclarator':
        if (parent.init === node) taintPattern(parent.id);
        break;
      case 'CallExpression':
        callStep(parent, node);
        break;
      case 'NewExpression': {
        const callee = unwrap(parent.callee);
        if (node !== parent.callee && callee.type === 'Identifier' && TEXT_CONSTRUCTORS.has(callee.name)) {
          work.push(parent);
        }
        break;
      }
      case 'ReturnStatement': {
        const fn = inputs.enclosingFunction(parent);
        if (fn !== null) returns(fn);
        break;
      }
      case 'ArrowFunctionExpression':
        // A concise body is what the arrow returns; a parameter default is not.
        if (parent.body === node) returns(parent);
        break;
      default:
        break;
    }
  }
  return marked;

  /** `callTaint` forwards: receiver, converters, hashing, literal paths; and the callee's parameter. */
  function callStep(call: Extract<AnyNode, { type: 'CallExpression' }>, node: Node): void {
    const callee = unwrap(call.callee);
    const name = callee.type === 'Identifier' ? callee.name : callee.type === 'MemberExpression' ? memberName(callee) : null;
    if (node === call.callee) {
      if (callee.type === 'MemberExpression' && (name === null || !TEST_METHODS.has(name))) work.push(call);
      // Calling a fingerprint function held in a variable or returned by a call (`Reflect.get(os, n)()`).
      if (callee.type === 'Identifier' || callee.type === 'CallExpression') work.push(call);
      return;
    }
    const index = (call.arguments as Node[]).indexOf(node);
    if (index < 0) return;
    const argument = unwrap(node);
    if (argument.type === 'Literal' || name === 'update' || (name !== null && TEXT_CONVERTER_NAMES.has(name))) work.push(call);
    const fn = inputs.functionOf(call.callee);
    const param = fn === null ? null : paramIdentifier(fn, index);
    if (param !== null) taintVariable(param);
  }
}

/** The plain parameter at `index` (`x` or `x = default`), or null. */
function paramIdentifier(fn: FunctionNode, index: number): IdentifierNode | null {
  const param = fn.params[index] as AnyNode | undefined;
  if (param?.type === 'Identifier') return param;
  if (param?.type === 'AssignmentPattern' && param.left.type === 'Identifier') return param.left;
  return null;
}

/** Every identifier a pattern binds, nested ones included. */
function patternIdentifiers(pattern: Pattern): IdentifierNode[] {
  const identifiers: IdentifierNode[] = [];
  const stack: AnyNode[] = [pattern as AnyNode];
  while (stack.length > 0) {
    const current = stack.pop() as AnyNode;
    switch (current.type) {
      case 'Identifier':
        identifiers.push(current);
        break;
      case 'ObjectPattern':
        for (const property of current.properties) stack.push(property.type === 'RestElement' ? property : property.value);
        break;
      case 'ArrayPattern':
        for (const element of current.elements) if (element !== null) stack.push(element);
        break;
      case 'AssignmentPattern':
        stack.push(current.left);
        break;
      case 'RestElement':
        stack.push(current.argument);
        break;
      default:
        break;
    }
  }
  return identifiers;
}

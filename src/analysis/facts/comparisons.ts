/**
 * Where a fingerprint is compared with a list the code carries, and what the outcome changes.
 * A comparison is `===`/`!==`/`==`/`!=`, `includes`/`indexOf`/`has`/`in`, `startsWith`/`endsWith`
 * (domain suffixes), `test`/`match`/`search`, `some`/`every`/`find` with a comparing callback,
 * `switch` cases, or a lookup `table[value]` in a table of flags. The list is whatever
 * `evaluateDecoded` recovers: literal, split, or decoded from base64, hex, XOR and the like.
 *
 * Comparisons joined by `||`/`&&`/`!` are one decision (one finding); the decision's effect is
 * found by following its value through `if`/`?:`/loops, variables and function returns (call
 * sites), then scanning the guarded code (and the local functions it calls) for effects.
 */
import type { AnyNode, Node } from 'acorn';
import { type FlowAnalysis, type SourceRead, isFunctionNode, unwrap } from './flow.js';
import { pushChildren } from '../visitor-keys.js';
import { memberName } from './member-name.js';
import { describeListTargets, orderForReview } from './list-presentation.js';
import type { EvidenceLink, EvidenceList } from '../../report/report.js';
import { assignmentEffect, callEffect, EFFECT_KINDS, EFFECT_PHRASES, type EffectKind, hasLookAlike, lookAlikeMarks } from './sinks.js';
import { SOURCE_KIND_LABELS } from './sources.js';
import { type EvaluationBudget, evaluateDecoded, type StaticValue, stringsOf } from './values/evaluate.js';

export interface ListEvidence {
  readonly values: string[];
  /** `evaluateDecoded`'s encoding: 'literal', 'split', 'base64+xor+split', ... */
  readonly encoding: string;
  /** Where the list is spelled (its declaration's value, or the operand itself). */
  readonly start: number;
}

export interface Match {
  readonly source: SourceRead;
  /** The digest algorithm when the value was hashed before the comparison. */
  readonly hashed?: string;
  readonly list: ListEvidence;
  readonly method: string;
  /** Where the comparison is. */
  readonly start: number;
  /** The node whose value is the outcome (the comparison, or the `some(...)` call around a callback). */
  readonly result: Node;
}

export interface Effect {
  readonly kind: EffectKind;
  readonly start: number;
  /** What exactly it does, where one phrase per kind says too little ("picks look-alike characters (’, ʹ)"). */
  readonly detail?: string;
}

/** One decision: the comparisons joined by logical operators, and what their outcome changes. */
export interface Decision {
  readonly matches: Match[];
  readonly effect: Effect | null;
  /** The outcome leaves a function (returned to callers or exported) rather than gating code here. */
  readonly returned: boolean;
}

/** Encoding steps that hide a list (as opposed to plain text split or joined). */
export const HIDING_STEPS: ReadonlySet<string> = new Set(['base64', 'hex', 'xor', 'char-codes', 'add-shift', 'reversed', 'radix', 'uri']);

export function isHidden(encoding: string): boolean {
  return encoding.split('+').some((step) => HIDING_STEPS.has(step));
}

/** Evaluation work for every list of one file together: a hostile file cannot multiply it. */
export const FILE_EVALUATION_STEPS = 1_000_000;
/** Worklist items followed when tracing one decision's outcome (through variables and calls). */
export const MAX_TRACE_ITEMS = 48;
/** Nodes scanned for effects per decision, local calls included. */
export const MAX_EFFECT_NODES = 20_000;
/** Local function calls followed from guarded code. */
export const MAX_CALL_DEPTH = 2;

const RECEIVER_LIST_METHODS: ReadonlySet<string> = new Set(['includes', 'indexOf', 'lastIndexOf', 'has']);
const SUBJECT_METHODS: ReadonlySet<string> = new Set(['startsWith', 'endsWith', 'match', 'search', 'localeCompare']);
const REGEX_METHODS: ReadonlySet<string> = new Set(['test', 'exec']);
const ITERATION_METHODS: ReadonlySet<string> = new Set(['some', 'every', 'find', 'findIndex', 'findLast', 'findLastIndex', 'filter']);
const EQUALITY: ReadonlySet<string> = new Set(['===', '!==', '==', '!=']);
/** `indexOf(v) > -1`, `>= 0`, `!== -1`: tests of an index that keep the decision. */
const INDEX_TESTS: ReadonlySet<string> = new Set([...EQUALITY, '>', '>=', '<', '<=']);

type CallNode = Extract<AnyNode, { type: 'CallExpression' }>;

/** Every decision of the file, in source order of their first comparison. */
export function findDecisions(flow: FlowAnalysis): Decision[] {
  const budget: EvaluationBudget = { steps: FILE_EVALUATION_STEPS };
  const matches: Match[] = [];
  for (const node of flow.candidates.binaries) {
    const match = binaryMatch(flow, node as Extract<AnyNode, { type: 'BinaryExpression' }>, budget);
    if (match !== null) matches.push(match);
  }
  for (const node of flow.candidates.calls) {
    const match = callMatch(flow, node as AnyNode, budget);
    if (match !== null) matches.push(match);
  }
  for (const node of flow.candidates.lookups) {
    const match = lookupMatch(flow, node as Extract<AnyNode, { type: 'MemberExpression' }>, budget);
    if (match !== null) matches.push(match);
  }
  const decisions: Decision[] = [];
  const byTop = new Map<Node, Match[]>();
  for (const match of matches.sort((a, b) => a.start - b.start)) {
    const top = decisionTop(flow, match.result);
    const group = byTop.get(top);
    if (group === undefined) byTop.set(top, [match]);
    else group.push(match);
  }
  // Outcomes stored in one object literal (`{known: ..., cnTZ: ...}`) travel and act together.
  const byObject = new Map<Node, Decision & { objects: Node[] }>();
  for (const group of byTop.values()) {
    const traced = traceOutcome(flow, group.map((match) => match.result));
    let decision: Decision & { objects: Node[] } = { matches: group, effect: traced.effect, returned: traced.returned, objects: traced.objects };
    for (const object of traced.objects) {
      const other = byObject.get(object);
      if (other === undefined || other === decision) continue;
      other.matches.push(...decision.matches);
      const merged = { matches: other.matches, effect: better(other.effect, decision.effect), returned: other.returned || decision.returned, objects: [...other.objects, ...decision.objects] };
      const index = decisions.indexOf(other);
      if (index >= 0) decisions.splice(index, 1);
      decision = merged;
    }
    for (const object of decision.objects) byObject.set(object, decision);
    decisions.push(decision);
  }
  for (const decision of decisions) (decision.matches as Match[]).sort((a, b) => a.start - b.start);
  for (const node of flow.candidates.switches) {
    const decision = switchDecision(flow, node as Extract<AnyNode, { type: 'SwitchStatement' }>, budget);
    if (decision !== null) decisions.push(decision);
  }
  return decisions.sort((a, b) => (a.matches[0]?.start ?? 0) - (b.matches[0]?.start ?? 0));
}

function binaryMatch(
  flow: FlowAnalysis,
  node: Extract<AnyNode, { type: 'BinaryExpression' }>,
  budget: EvaluationBudget,
): Match | null {
  if (node.left.type === 'PrivateIdentifier') return null;
  if (node.operator === 'in') {
    const taint = flow.taintOf(node.left);
    if (taint === null) return null;
    const list = listOf(flow, node.right, budget);
    return list === null ? null : makeMatch(taint, list.list, 'in', node, list.iteration ?? node);
  }
  if (!EQUALITY.has(node.operator)) return null;
  // Cheap filter first: one side must be spelled as a constant or a name, never two calls.
  const pairs: [Node, Node][] = [
    [node.left, node.right],
    [node.right, node.left],
  ];
  for (const [subject, other] of pairs) {
    if (!maybeListOperand(other) || cannotBeFingerprint(subject)) continue;
    const taint = flow.taintOf(subject);
    if (taint === null) continue;
    const list = listOf(flow, other, budget);
    if (list === null) continue;
    return makeMatch(taint, list.list, 'equality', node, list.iteration ?? node);
  }
  return null;
}

function maybeListOperand(node: Node): boolean {
  const operand = unwrap(node) as AnyNode;
  switch (operand.type) {
    // Only strings can hold identity values: `x === null`, `n === 0`, `b === true` never can.
    case 'Literal':
      return typeof operand.value === 'string';
    case 'Identifier':
      return operand.name !== 'undefined' && operand.name !== 'NaN' && operand.name !== 'Infinity';
    case 'TemplateLiteral':
    case 'MemberExpression':
    case 'BinaryExpression':
      return true;
    default:
      return false;
  }
}

/**
 * Subjects that can never carry a fingerprint value: `typeof x`, `!x`, `-x` and friends. These
 * fill every bundle (`typeof e === "function"`), and ruling them out skips the taint search.
 */
function cannotBeFingerprint(node: Node): boolean {
  const subject = unwrap(node) as AnyNode;
  return subject.type === 'UnaryExpression' || subject.type === 'Literal' || subject.type === 'UpdateExpression';
}

function callMatch(flow: FlowAnalysis, node: AnyNode, budget: EvaluationBudget): Match | null {
  if (node.type !== 'CallExpression') return null;
  const callee = unwrap(node.callee);
  if (callee.type !== 'MemberExpression' || callee.object.type === 'Super') return null;
  const name = memberName(callee);
  if (name === null) return null;
  const argument = node.arguments[0];
  if (argument === undefined || argument.type === 'SpreadElement') return null;
  const receiver = callee.object;
  let subject: Node;
  let listNode: Node;
  if (RECEIVER_LIST_METHODS.has(name) || name === 'includes' || name === 'indexOf') {
    // `LIST.includes(v)` or, on a tainted string, `v.includes('Moscow')`.
    if (flow.taintOf(argument) !== null) [subject, listNode] = [argument, receiver];
    else [subject, listNode] = [receiver, argument];
  } else if (SUBJECT_METHODS.has(name)) {
    [subject, listNode] = [receiver, argument];
  } else if (REGEX_METHODS.has(name)) {
    [subject, listNode] = [argument, receiver];
  } else {
    return null;
  }
  const taint = flow.taintOf(subject);
  if (taint === null) return null;
  const list = listOf(flow, listNode, budget);
  if (list === null) return null;
  return makeMatch(taint, list.list, name, node, list.iteration ?? node);
}

/** `TABLE[value]` in a table of flags (`{ru: 1, by: true}`); a table of data (translations) is formatting. */
function lookupMatch(
  flow: FlowAnalysis,
  node: Extract<AnyNode, { type: 'MemberExpression' }>,
  budget: EvaluationBudget,
): Match | null {
  if (node.property.type === 'PrivateIdentifier' || node.object.type === 'Super') return null;
  const object = unwrap(node.object);
  if (object.type !== 'Identifier' && object.type !== 'ObjectExpression') return null;
  const taint = flow.taintOf(node.property);
  if (taint === null || flow.taintOf(object) !== null) return null;
  const decoded = evaluateDecoded(object, flow.resolver, budget);
  if (decoded === null || decoded.value.kind !== 'object') return null;
  const entries = [...decoded.value.entries.values()];
  if (entries.length === 0 || !entries.every(isFlag)) return null;
  const list = { values: [...decoded.value.entries.keys()], encoding: decoded.encoding, start: listStart(flow, object) };
  return makeMatch(taint, list, 'lookup', node, node);
}

function isFlag(value: StaticValue): boolean {
  return value.kind === 'boolean' || value.kind === 'number';
}

function switchDecision(
  flow: FlowAnalysis,
  node: Extract<AnyNode, { type: 'SwitchStatement' }>,
  budget: EvaluationBudget,
): Decision | null {
  const taint = flow.taintOf(node.discriminant);
  if (taint === null) return null;
  const values: string[] = [];
  const encodings = new Set<string>();
  const matched: Node[] = [];
  for (const switchCase of node.cases) {
    if (!switchCase.test) continue;
    const decoded = evaluateDecoded(switchCase.test, flow.resolver, budget);
    const strings = decoded === null ? null : stringsOf(decoded.value);
    if (decoded === null || strings === null || decoded.value.kind !== 'string') continue;
    values.push(...strings);
    if (decoded.encoding !== 'literal') encodings.add(decoded.encoding);
    matched.push(...switchCase.consequent);
  }
  if (values.length === 0) return null;
  const first = node.cases.find((c) => c.test)?.test ?? node;
  const list = { values, encoding: encodings.size === 0 ? 'literal' : [...encodings].join('+'), start: first.start };
  const match = makeMatch(taint, list, 'switch', node, node);
  return { matches: [match], effect: scanEffects(flow, matched), returned: false };
}

function makeMatch(
  taint: { source: SourceRead; hashed?: string },
  list: ListEvidence,
  method: string,
  at: Node,
  result: Node,
): Match {
  return {
    source: taint.source,
    ...(taint.hashed === undefined ? {} : { hashed: taint.hashed }),
    list,
    method,
    start: at.start,
    result,
  };
}

/**
 * The list an operand denotes, or null. A parameter of a callback handed to `LIST.some(...)`
 * stands for the list's items; an operand derived from the environment (the user's own
 * `NO_PROXY`) is no hidden list.
 */
function listOf(
  flow: FlowAnalysis,
  operand: Node,
  budget: EvaluationBudget,
): { list: ListEvidence; iteration?: CallNode } | null {
  let target = unwrap(operand);
  let iteration: CallNode | undefined;
  if (target.type === 'Identifier') {
    const binding = flow.bindingOf(target)?.binding;
    if (binding?.kind === 'param') {
      const fn = binding.declaration;
      const call = fn === undefined ? undefined : (flow.parents.get(fn) as AnyNode | undefined);
      if (call?.type !== 'CallExpression' || call.arguments[0] !== fn) {
        // A helper handed the list by its callers: `function m(v, l) { return l.indexOf(v) > -1 }`.
        return isFunctionNode(fn) && binding.paramIndex !== undefined ? argumentList(flow, fn, binding.paramIndex, budget) : null;
      }
      if (binding.paramIndex !== 0) return null;
      const callee = unwrap(call.callee);
      const name = callee.type === 'MemberExpression' ? memberName(callee) : null;
      if (callee.type !== 'MemberExpression' || name === null || !ITERATION_METHODS.has(name) || callee.object.type === 'Super') {
        return null;
      }
      iteration = call;
      target = unwrap(callee.object);
    }
  }
  if (flow.taintOf(target) !== null) return null;
  const decoded = evaluateDecoded(target, flow.resolver, budget);
  if (decoded === null) return null;
  const values = stringsOf(decoded.value);
  if (values === null || values.length === 0) return null;
  const list = { values, encoding: decoded.encoding, start: listStart(flow, target) };
  return iteration === undefined ? { list } : { list, iteration };
}

/** The list the callers of a helper pass at `index`: the first call site whose argument is a constant list. */
function argumentList(
  flow: FlowAnalysis,
  fn: Parameters<FlowAnalysis['callSites']>[0],
  index: number,
  budget: EvaluationBudget,
): { list: ListEvidence } | null {
  for (const call of flow.callSites(fn)) {
    const argument = call.arguments[index];
    if (argument === undefined || argument.type === 'SpreadElement') continue;
    const target = unwrap(argument);
    if (target.type === 'Identifier' && flow.bindingOf(target)?.binding?.kind === 'param') continue;
    const found = listOf(flow, target, budget);
    if (found !== null) return { list: found.list };
  }
  return null;
}

/** Where a list is spelled: the value of the declaration an identifier names, else the operand. */
function listStart(flow: FlowAnalysis, node: AnyNode): number {
  if (node.type !== 'Identifier') return node.start;
  const declaration = flow.resolver(node) as AnyNode | null;
  if (declaration?.type === 'VariableDeclarator' && declaration.init) return declaration.init.start;
  return declaration?.start ?? node.start;
}

/** The outermost node of the logical expression a comparison's outcome is part of. */
function decisionTop(flow: FlowAnalysis, result: Node): Node {
  let current = result;
  for (;;) {
    const parent = flow.parents.get(current) as AnyNode | undefined;
    if (parent === undefined) return current;
    if (
      parent.type === 'LogicalExpression' ||
      parent.type === 'ParenthesizedExpression' ||
      parent.type === 'ChainExpression' ||
      (parent.type === 'UnaryExpression' && parent.operator === '!') ||
      (parent.type === 'BinaryExpression' && INDEX_TESTS.has(parent.operator) && isIndexComparison(parent, current))
    ) {
      current = parent;
      continue;
    }
    return current;
  }
}

/** `LIST.indexOf(v) !== -1`, `> -1`, `>= 0`: the comparison of an index is the same decision. */
function isIndexComparison(parent: Extract<AnyNode, { type: 'BinaryExpression' }>, child: Node): boolean {
  const other = parent.left === child ? parent.right : parent.left;
  const value = unwrap(other);
  return (value.type === 'Literal' && typeof value.value === 'number') || (value.type === 'UnaryExpression' && value.operator === '-');
}

/** Where a decision's outcome was followed to, besides the code it guards. */
interface Trace {
  effect: Effect | null;
  returned: boolean;
  /** Object literals the outcome was stored in: decisions stored in one object are one decision. */
  objects: Node[];
}

/**
 * A value being followed: the outcome itself (`key` null), or an object holding it under `key`
 * (`{known: list.some(...)}` is returned, and its callers read `.known`).
 */
interface TraceItem {
  readonly node: Node;
  readonly key: string | null;
}

/**
 * Follows a decision's outcome to the code it guards and scans that code for effects: branches
 * (`if`, `?:`, `&&`), the rest of a function after a guard that leaves it early, variables, object
 * properties read back elsewhere, returns to the call sites, and parameters of local helpers it
 * is handed to.
 */
function traceOutcome(flow: FlowAnalysis, results: readonly Node[]): Trace {
  const guarded: Node[] = [];
  const objects: Node[] = [];
  let returned = false;
  let effect: Effect | null = null;
  const worklist: TraceItem[] = results.map((node) => ({ node, key: null }));
  const seenNodes = new Map<Node, Set<string | null>>();
  let items = 0;
  while (worklist.length > 0 && items++ < MAX_TRACE_ITEMS) {
    const item = worklist.pop();
    if (item === undefined) continue;
    const keys = seenNodes.get(item.node) ?? new Set<string | null>();
    if (keys.has(item.key)) continue;
    keys.add(item.key);
    seenNodes.set(item.node, keys);
    let current = item.node;
    let key = item.key;
    // Up through the operators that keep the outcome a condition, or the object that holds it.
    for (;;) {
      const parent = flow.parents.get(current) as AnyNode | undefined;
      if (parent === undefined) break;
      if (key !== null) {
        if (parent.type === 'ParenthesizedExpression' || parent.type === 'ChainExpression' || parent.type === 'AwaitExpression') {
          current = parent;
        } else if (parent.type === 'MemberExpression' && parent.object === current && memberName(parent) === key) {
          // `result.known`: the outcome again.
          current = parent;
          key = null;
        } else break;
        continue;
      }
      if (parent.type === 'LogicalExpression') {
        if (parent.left === current) guarded.push(parent.right);
        current = parent;
      } else if (
        parent.type === 'ParenthesizedExpression' ||
        parent.type === 'ChainExpression' ||
        parent.type === 'AwaitExpression' ||
        (parent.type === 'UnaryExpression' && parent.operator === '!') ||
        (parent.type === 'SequenceExpression' && parent.expressions[parent.expressions.length - 1] === current) ||
        (parent.type === 'BinaryExpression' && INDEX_TESTS.has(parent.operator) && isIndexComparison(parent, current))
      ) {
        current = parent;
      } else break;
    }
    const parent = flow.parents.get(current) as AnyNode | undefined;
    if (parent === undefined) continue;
    const follow = (node: Node, nextKey: string | null = key): void => {
      if (seenNodes.get(node)?.has(nextKey) !== true) worklist.push({ node, key: nextKey });
    };
    switch (parent.type) {
      case 'IfStatement':
        if (parent.test === current && key === null) {
          guarded.push(parent.consequent);
          if (parent.alternate) guarded.push(parent.alternate);
          // `if (!LIST.includes(tz)) return;`: what follows the guard runs only on the other outcome.
          if (leavesEarly(parent.consequent)) guarded.push(...codeAfter(flow, parent));
        }
        break;
      case 'ConditionalExpression':
        if (parent.test === current && key === null) {
          guarded.push(parent.consequent, parent.alternate);
          if (rewritesText(parent.consequent, parent.alternate)) {
            effect = better(effect, { kind: 'alters-text', start: parent.start, detail: 'rewrites the text it returns (replace)' });
          }
        }
        break;
      case 'WhileStatement':
      case 'DoWhileStatement':
      case 'ForStatement':
        // The loop itself: an empty one is a busy wait on the match.
        if (parent.test === current && key === null) guarded.push(parent);
        break;
      case 'ReturnStatement':
      case 'ArrowFunctionExpression': {
        if (parent.type === 'ArrowFunctionExpression' && parent.body !== current) break;
        const fn = parent.type === 'ArrowFunctionExpression' ? parent : flow.enclosingFunction(parent);
        if (fn === null) break;
        const sites = flow.callSites(fn);
        // An object holding the outcome goes to callers who may read another key: returned only
        // when no caller in the file can be followed.
        if (key === null || sites.length === 0) returned = true;
        for (const site of sites) follow(site);
        break;
      }
      case 'VariableDeclarator':
        if (parent.init === current && parent.id.type === 'Identifier') {
          if (key === null && flow.parents.get(flow.parents.get(parent) ?? parent)?.type === 'ExportNamedDeclaration') returned = true;
          for (const reference of references(flow, parent.id)) follow(reference);
        } else if (parent.init === current && parent.id.type === 'ObjectPattern' && key !== null) {
          // `const {known} = check()`: the variable bound to the key holds the outcome.
          const bound = destructuredName(parent.id, key);
          if (bound !== null) for (const reference of references(flow, bound)) follow(reference, null);
        }
        break;
      case 'AssignmentExpression':
        if (parent.right !== current) break;
        if (parent.left.type === 'Identifier') for (const reference of references(flow, parent.left)) follow(reference);
        else if (key === null && isExportTarget(flow, parent.left)) returned = true;
        break;
      case 'Property': {
        const object = flow.parents.get(parent) as AnyNode | undefined;
        if (parent.value !== current || object?.type !== 'ObjectExpression') break;
        const assignment = flow.parents.get(object) as AnyNode | undefined;
        // `module.exports = { inRegion: ... }`
        if (key === null && assignment?.type === 'AssignmentExpression' && isExportTarget(flow, assignment.left)) returned = true;
        const name = key === null ? propertyName(parent) : null;
        if (name !== null) {
          objects.push(object);
          follow(object, name);
        }
        break;
      }
      case 'CallExpression':
      case 'NewExpression': {
        // Handed to a local helper: its parameter is the outcome there (`pick(r.known, r.lab)`).
        const index = (parent.arguments as Node[]).indexOf(current);
        if (index < 0 || key !== null) break;
        const fn = flow.functionOf(parent.callee);
        const param = fn === null ? undefined : (fn.params[index] as AnyNode | undefined);
        const name = param?.type === 'Identifier' ? param : param?.type === 'AssignmentPattern' && param.left.type === 'Identifier' ? param.left : null;
        if (name !== null) for (const reference of references(flow, name)) follow(reference);
        break;
      }
      case 'ExportDefaultDeclaration':
        if (key === null) returned = true;
        break;
      default:
        break;
    }
  }
  return { effect: better(effect, scanEffects(flow, guarded)), returned, objects };
}

function better(a: Effect | null, b: Effect | null): Effect | null {
  if (a === null) return b;
  if (b === null) return a;
  if (a.kind === b.kind && a.detail !== undefined && b.detail !== undefined && a.detail !== b.detail) {
    // Both ways of marking text are worth naming: "picks look-alike characters and rewrites it".
    const first = a.start <= b.start ? a : b;
    const second = first === a ? b : a;
    const details = [...new Set([...(first.detail ?? '').split('; '), ...(second.detail ?? '').split('; ')])];
    return { kind: a.kind, start: first.start, detail: details.join('; ') };
  }
  return EFFECT_KINDS.indexOf(b.kind) < EFFECT_KINDS.indexOf(a.kind) ? b : a;
}

/** The identifier a destructuring binds to `key` (`{known}`, `{known: k}`, `{known: k = false}`), or null. */
function destructuredName(pattern: Extract<AnyNode, { type: 'ObjectPattern' }>, key: string): Extract<AnyNode, { type: 'Identifier' }> | null {
  for (const property of pattern.properties) {
    if (property.type !== 'Property' || propertyName(property) !== key) continue;
    const value = property.value as AnyNode;
    if (value.type === 'Identifier') return value;
    if (value.type === 'AssignmentPattern' && value.left.type === 'Identifier') return value.left;
  }
  return null;
}

/** A plain property key (`known:`, `"known":`), or null for computed and spread ones. */
function propertyName(property: Extract<AnyNode, { type: 'Property' }>): string | null {
  if (property.computed) return null;
  if (property.key.type === 'Identifier') return property.key.name;
  return property.key.type === 'Literal' && typeof property.key.value === 'string' ? property.key.value : null;
}

/** A statement that leaves the function, loop iteration or process: the guard of an early exit. */
function leavesEarly(statement: Node): boolean {
  const node = statement as AnyNode;
  switch (node.type) {
    case 'ReturnStatement':
    case 'ThrowStatement':
    case 'ContinueStatement':
    case 'BreakStatement':
      return true;
    case 'BlockStatement': {
      const last = node.body[node.body.length - 1];
      return last !== undefined && leavesEarly(last);
    }
    case 'ExpressionStatement': {
      const call = unwrap(node.expression);
      if (call.type !== 'CallExpression') return false;
      const callee = unwrap(call.callee);
      return callee.type === 'MemberExpression' && memberName(callee) === 'exit';
    }
    default:
      return false;
  }
}

/** The statements after `statement` in its block, up to the end of the enclosing function body. */
function codeAfter(flow: FlowAnalysis, statement: Node): Node[] {
  const after: Node[] = [];
  let current: Node = statement;
  for (;;) {
    const parent = flow.parents.get(current) as AnyNode | undefined;
    if (parent === undefined) break;
    if (parent.type === 'BlockStatement' || parent.type === 'Program' || parent.type === 'StaticBlock') {
      const index = (parent.body as Node[]).indexOf(current);
      after.push(...(parent.body as Node[]).slice(index + 1));
    } else if (parent.type === 'SwitchCase') {
      const index = (parent.consequent as Node[]).indexOf(current);
      after.push(...(parent.consequent as Node[]).slice(index + 1));
    }
    if (isFunctionNode(parent) || parent.type === 'Program') break;
    // A loop body ends the iteration a `continue` skips; past the loop, the code runs either way.
    if (parent.type.endsWith('Statement') && /^(For|ForIn|ForOf|While|DoWhile)Statement$/.test(parent.type)) break;
    current = parent;
  }
  return after;
}

/**
 * `match ? text.replace(/-/g, '/') : text`: the outcome picks between two spellings of the same
 * text, a covert mark in text that is sent on.
 */
function rewritesText(consequent: Node, alternate: Node): boolean {
  const rewrites = (changed: AnyNode, plain: AnyNode): boolean => {
    if (changed.type !== 'CallExpression') return false;
    const callee = unwrap(changed.callee);
    if (callee.type !== 'MemberExpression') return false;
    const name = memberName(callee);
    if (name !== 'replace' && name !== 'replaceAll') return false;
    const receiver = unwrap(callee.object);
    return receiver.type === 'Identifier' && plain.type === 'Identifier' && receiver.name === plain.name;
  };
  const a = unwrap(consequent);
  const b = unwrap(alternate);
  return rewrites(a, b) || rewrites(b, a);
}

/** `module.exports`, `module.exports.x`, `exports.x`. */
function isExportTarget(flow: FlowAnalysis, target: Node): boolean {
  const path = flow.resolvePath(target);
  return path !== null && ((path[0] === 'module' && path[1] === 'exports') || path[0] === 'exports');
}

/** Reads of the variable a declared identifier names, within its scope (bounded). */
function references(flow: FlowAnalysis, declared: Extract<AnyNode, { type: 'Identifier' }>): Node[] {
  const found = flow.bindingOf(declared);
  if (found === undefined || found.binding === null) return [];
  const readsOf: Node[] = [];
  const stack: Node[] = [found.scopeNode];
  let visited = 0;
  while (stack.length > 0 && visited++ < MAX_EFFECT_NODES) {
    const node = stack.pop() as AnyNode | undefined;
    if (node === undefined) break;
    if (node.type === 'Identifier' && node !== declared && node.name === declared.name) {
      const parent = flow.parents.get(node) as AnyNode | undefined;
      const isKey = parent?.type === 'MemberExpression' && parent.property === node && !parent.computed;
      const isPropertyKey = parent?.type === 'Property' && parent.key === node && !parent.shorthand;
      if (!isKey && !isPropertyKey && flow.bindingOf(node)?.binding === found.binding) readsOf.push(node);
      continue;
    }
    pushChildren(stack, node);
  }
  return readsOf.slice(0, MAX_TRACE_ITEMS);
}

/** The most telling effect in the guarded code and the local functions it calls, or null. */
export function scanEffects(flow: FlowAnalysis, roots: readonly Node[]): Effect | null {
  let best: Effect | null = null;
  const consider = (kind: EffectKind, start: number): void => {
    if (best === null || EFFECT_KINDS.indexOf(kind) < EFFECT_KINDS.indexOf(best.kind)) best = { kind, start };
  };
  const marks: string[] = [];
  let firstMark = -1;
  const lookAlike = (text: string, start: number): void => {
    consider('alters-text', start);
    if (firstMark < 0) firstMark = start;
    for (const mark of lookAlikeMarks(text)) if (!marks.includes(mark) && marks.length < 8) marks.push(mark);
  };
  const stack: { node: Node; depth: number }[] = roots.map((node) => ({ node, depth: 0 }));
  const enteredFunctions = new Set<Node>();
  let visited = 0;
  while (stack.length > 0 && visited++ < MAX_EFFECT_NODES) {
    const item = stack.pop();
    if (item === undefined) break;
    const node = item.node as AnyNode;
    switch (node.type) {
      case 'ThrowStatement':
        consider('throws', node.start);
        break;
      case 'CallExpression':
      case 'NewExpression': {
        const path = flow.resolvePath(node.callee);
        const delay = node.arguments[1];
        const delayMs = delay?.type === 'Literal' && typeof delay.value === 'number' ? delay.value : null;
        const kind = path === null ? null : callEffect(path, delayMs);
        if (kind !== null) consider(kind, node.start);
        const fn = node.type === 'CallExpression' && item.depth < MAX_CALL_DEPTH ? flow.functionOf(node.callee) : null;
        if (fn !== null && !enteredFunctions.has(fn)) {
          enteredFunctions.add(fn);
          stack.push({ node: fn.body, depth: item.depth + 1 });
        }
        break;
      }
      case 'AssignmentExpression': {
        if (node.left.type === 'MemberExpression') {
          const kind = assignmentEffect(flow.resolvePath(node.left), memberName(node.left));
          if (kind !== null) consider(kind, node.start);
        }
        break;
      }
      case 'WhileStatement':
      case 'DoWhileStatement':
      case 'ForStatement':
        // A loop with nothing in it but its condition is a busy wait.
        if (node.body.type === 'EmptyStatement' || (node.body.type === 'BlockStatement' && node.body.body.length === 0)) {
          consider('delays', node.start);
        }
        break;
      case 'Literal':
        if (typeof node.value === 'string' && hasLookAlike(node.value)) lookAlike(node.value, node.start);
        break;
      case 'TemplateElement':
        if (typeof node.value.cooked === 'string' && hasLookAlike(node.value.cooked)) lookAlike(node.value.cooked, node.start);
        break;
      default:
        break;
    }
    // Nested function bodies defined in guarded code run later, when called: still the branch's doing.
    const children: Node[] = [];
    pushChildren(children, node);
    for (let i = children.length - 1; i >= 0; i--) {
      const child = children[i];
      if (child !== undefined) stack.push({ node: child, depth: item.depth });
    }
  }
  const found = best as Effect | null;
  if (found?.kind === 'alters-text' && marks.length > 0) {
    return { kind: 'alters-text', start: firstMark, detail: `picks look-alike characters (${marks.map((mark) => `U+${mark.codePointAt(0)?.toString(16).toUpperCase().padStart(4, '0')} ${mark}`).join(', ')})` };
  }
  return found;
}

/** What a report needs to place links: the detector context's offset-to-position helpers. */
export interface Locator {
  position(offset: number): { line: number; column: number };
  snippet(offset: number): string;
}

/** Values named in a message; the evidence keeps them all. */
export const MESSAGE_VALUES = 8;

/** One list of a decision, as the JSON evidence keeps it. */
interface ListEvidenceEntry {
  start: number;
  encoding: string;
  values: readonly string[];
  comparedWith: string[];
  methods: string[];
}

/** The effect in words, with its detail when there is one. */
export function effectPhrase(effect: Effect): string {
  return effect.detail === undefined ? EFFECT_PHRASES[effect.kind] : `${EFFECT_PHRASES[effect.kind]}: ${effect.detail}`;
}

export interface DecisionEvidence {
  links: EvidenceLink[];
  /** Each list of the decision on its own, complete, with what it was compared with. */
  lists: EvidenceList[];
  /** Every list value, in list order, without repeats. */
  values: string[];
  encoding: string;
  /** The source kinds, sorted and joined by '+': part of a finding's identity. */
  sourceKinds: string;
  /** "the timezone (Intl...timeZone) and the host name (os.hostname())". */
  sourcesText: string;
  /** "Europe/Minsk, Asia/Tehran, ... and 3 more". */
  valuesText: string;
  /** "; on a match it exits the process" or "; the outcome is returned to callers" or "". */
  outcomeText: string;
}

/** Links, values and phrases describing some of a decision's matches. */
export function describeMatches(locator: Locator, matches: readonly Match[], decision: Decision): DecisionEvidence {
  const links: EvidenceLink[] = [];
  const seen = new Set<string>();
  const link = (role: EvidenceLink['role'], start: number, description: string): void => {
    const key = `${role}|${start}`;
    if (seen.has(key)) return;
    seen.add(key);
    links.push({ role, ...locator.position(start), snippet: locator.snippet(start), description });
  };
  const values: string[] = [];
  const encodings: string[] = [];
  const lists: ListEvidenceEntry[] = [];
  const sources = new Map<string, SourceRead>();
  for (const match of matches) {
    // `tz === 'A' || tz === 'B'` is one list of two, spelled as two comparisons.
    const listed = lists.find((entry) =>
      entry.start === match.list.start ||
      (match.method === 'equality' && entry.methods.length === 1 && entry.methods[0] === 'equality' && entry.encoding === match.list.encoding && entry.comparedWith.length === 1 && entry.comparedWith[0] === match.source.what),
    );
    if (listed === undefined) {
      lists.push({ start: match.list.start, encoding: match.list.encoding, values: match.list.values, comparedWith: [match.source.what], methods: [match.method] });
    } else {
      if (listed.start !== match.list.start) listed.values = [...listed.values, ...match.list.values.filter((value) => !listed.values.includes(value))];
      if (!listed.comparedWith.includes(match.source.what)) listed.comparedWith.push(match.source.what);
      if (!listed.methods.includes(match.method)) listed.methods.push(match.method);
    }
    link('source', match.source.start, `reads ${SOURCE_KIND_LABELS[match.source.kind]} (${match.source.what})`);
    link('list', match.list.start, `a list of ${match.list.values.length} value(s), ${match.list.encoding}`);
    link('comparison', match.start, `compared with ${match.method}`);
    for (const value of match.list.values) if (!values.includes(value)) values.push(value);
    if (!encodings.includes(match.list.encoding)) encodings.push(match.list.encoding);
    sources.set(`${match.source.kind}|${match.source.what}`, match.source);
  }
  if (decision.effect !== null) link('effect', decision.effect.start, effectPhrase(decision.effect));
  const kinds = [...new Set([...sources.values()].map((source) => source.kind))].sort();
  const sourcesText = [...sources.values()]
    .map((source) => `${SOURCE_KIND_LABELS[source.kind]} (${source.what})`)
    .join(' and ');
  // The telling values first (one host per owner, the main country's zones), then what they target.
  const shown = orderForReview(values).slice(0, MESSAGE_VALUES).join(', ');
  const targets = describeListTargets(values);
  const valuesText = `${values.length > MESSAGE_VALUES ? `${shown} and ${values.length - MESSAGE_VALUES} more` : shown}${targets === null ? '' : ` — ${targets}`}`;
  const outcomeText =
    decision.effect !== null
      ? `; on a match it ${effectPhrase(decision.effect)}`
      : decision.returned
        ? '; the outcome is returned to callers'
        : '';
  return {
    links,
    values,
    lists: lists.map(({ encoding, values: listValues, comparedWith, methods }) => ({ encoding, values: [...listValues], comparedWith, methods })),
    encoding: encodings.join(', '),
    sourceKinds: kinds.join('+'),
    sourcesText,
    valuesText,
    outcomeText,
  };
}

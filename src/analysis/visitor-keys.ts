/**
 * The child keys of every ESTree node acorn produces, in source order. One table drives the walk,
 * so it never asks `Object.keys` of a node on the hot path; a node type missing here (a future
 * syntax) is still walked through its own keys, so nothing is skipped silently.
 */
import type { Node } from 'acorn';

export const VISITOR_KEYS: Readonly<Record<string, readonly string[]>> = Object.freeze({
  Program: ['body'],
  ExpressionStatement: ['expression'],
  BlockStatement: ['body'],
  StaticBlock: ['body'],
  EmptyStatement: [],
  DebuggerStatement: [],
  WithStatement: ['object', 'body'],
  ReturnStatement: ['argument'],
  LabeledStatement: ['label', 'body'],
  BreakStatement: ['label'],
  ContinueStatement: ['label'],
  IfStatement: ['test', 'consequent', 'alternate'],
  SwitchStatement: ['discriminant', 'cases'],
  SwitchCase: ['test', 'consequent'],
  ThrowStatement: ['argument'],
  TryStatement: ['block', 'handler', 'finalizer'],
  CatchClause: ['param', 'body'],
  WhileStatement: ['test', 'body'],
  DoWhileStatement: ['body', 'test'],
  ForStatement: ['init', 'test', 'update', 'body'],
  ForInStatement: ['left', 'right', 'body'],
  ForOfStatement: ['left', 'right', 'body'],
  FunctionDeclaration: ['id', 'params', 'body'],
  FunctionExpression: ['id', 'params', 'body'],
  ArrowFunctionExpression: ['params', 'body'],
  VariableDeclaration: ['declarations'],
  VariableDeclarator: ['id', 'init'],
  ThisExpression: [],
  Super: [],
  Identifier: [],
  PrivateIdentifier: [],
  Literal: [],
  ArrayExpression: ['elements'],
  ObjectExpression: ['properties'],
  Property: ['key', 'value'],
  UnaryExpression: ['argument'],
  UpdateExpression: ['argument'],
  BinaryExpression: ['left', 'right'],
  AssignmentExpression: ['left', 'right'],
  LogicalExpression: ['left', 'right'],
  MemberExpression: ['object', 'property'],
  ConditionalExpression: ['test', 'consequent', 'alternate'],
  CallExpression: ['callee', 'arguments'],
  NewExpression: ['callee', 'arguments'],
  SequenceExpression: ['expressions'],
  YieldExpression: ['argument'],
  AwaitExpression: ['argument'],
  TemplateLiteral: ['quasis', 'expressions'],
  TaggedTemplateExpression: ['tag', 'quasi'],
  TemplateElement: [],
  SpreadElement: ['argument'],
  ObjectPattern: ['properties'],
  ArrayPattern: ['elements'],
  RestElement: ['argument'],
  AssignmentPattern: ['left', 'right'],
  ClassDeclaration: ['id', 'superClass', 'body'],
  ClassExpression: ['id', 'superClass', 'body'],
  ClassBody: ['body'],
  MethodDefinition: ['key', 'value'],
  PropertyDefinition: ['key', 'value'],
  MetaProperty: ['meta', 'property'],
  ChainExpression: ['expression'],
  ParenthesizedExpression: ['expression'],
  ImportExpression: ['source', 'options'],
  ImportDeclaration: ['specifiers', 'source', 'attributes'],
  ImportSpecifier: ['imported', 'local'],
  ImportDefaultSpecifier: ['local'],
  ImportNamespaceSpecifier: ['local'],
  ImportAttribute: ['key', 'value'],
  ExportNamedDeclaration: ['declaration', 'specifiers', 'source', 'attributes'],
  ExportSpecifier: ['local', 'exported'],
  ExportDefaultDeclaration: ['declaration'],
  ExportAllDeclaration: ['exported', 'source', 'attributes'],
});

/** Own keys that are never children, for node types the table does not know. */
const NON_CHILD_KEYS: ReadonlySet<string> = new Set(['type', 'start', 'end', 'loc', 'range']);

/** The same table as a Map: looked up once per node, faster than a large frozen object. */
const KEYS_BY_TYPE: ReadonlyMap<string, readonly string[]> = new Map(Object.entries(VISITOR_KEYS));

export function isNode(value: unknown): value is Node {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string';
}

/** Pushes a node's children in reverse, so an explicit-stack walk pops them in source order. */
export function pushChildren(stack: unknown[], node: Node): void {
  const fields = node as unknown as Record<string, unknown>;
  const keys = visitorKeys(node);
  for (let k = keys.length - 1; k >= 0; k--) {
    const key = keys[k];
    if (key === undefined) continue;
    const value = fields[key];
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) {
        const child: unknown = value[i];
        if (isNode(child)) stack.push(child);
      }
    } else if (isNode(value)) stack.push(value);
  }
}

/** The keys to walk for a node: the table's, or every key of an unknown node type. */
export function visitorKeys(node: { readonly type: string }): readonly string[] {
  return KEYS_BY_TYPE.get(node.type) ?? Object.keys(node).filter((key) => !NON_CHILD_KEYS.has(key));
}

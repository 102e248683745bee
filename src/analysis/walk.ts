/**
 * The post-order walk the detectors share. It is the one pass over every node of every file, so
 * it is built for speed: it recurses (cheaper than an explicit stack) and reads the children of
 * the most common node types by name (a table lookup of `node[key]` is a megamorphic load).
 * Deeper than `RECURSION_LIMIT` levels it goes on with an explicit stack: a hostile file nested
 * 100k deep must not overflow the JS stack.
 */
import type { Node } from 'acorn';
import { pushChildren, visitorKeys, isNode } from './visitor-keys.js';

export type NodeVisitor = (node: Node, ancestors: readonly Node[]) => void;

/**
 * Levels walked by recursion; deeper subtrees are walked with an explicit stack. Real code stays
 * far below (minified bundles nest a few hundred levels at most); each level costs two small frames.
 */
export const RECURSION_LIMIT = 400;

/**
 * Visits every node after its children, in source order. `ancestors` holds the path from the
 * root to the node (the node last) and is reused: callers must copy it to keep it.
 */
export function walk(root: Node, visit: NodeVisitor): void {
  new Walker(visit, visit, visit, visit, () => visit).node(root as AnyNode);
}

/**
 * The same walk, calling only the visitor registered for each node's type. The shared walk uses
 * this: most nodes have none, and the four most common types are looked up once per walk.
 */
export function walkByType(root: Node, visitors: ReadonlyMap<string, NodeVisitor>): void {
  new Walker(
    visitors.get('Identifier'),
    visitors.get('MemberExpression'),
    visitors.get('CallExpression'),
    visitors.get('Literal'),
    (type) => visitors.get(type),
  ).node(root as AnyNode);
}

/** Node fields are read by name per type; the union stays loose on purpose (acorn-loose, future syntax). */
type AnyNode = Node & Record<string, unknown> & { readonly type: string };

class Walker {
  private readonly ancestors: Node[] = [];
  constructor(
    private readonly onIdentifier: NodeVisitor | undefined,
    private readonly onMember: NodeVisitor | undefined,
    private readonly onCall: NodeVisitor | undefined,
    private readonly onLiteral: NodeVisitor | undefined,
    private readonly visitorFor: (type: string) => NodeVisitor | undefined,
  ) {}

  node(node: AnyNode): void {
    const ancestors = this.ancestors;
    if (ancestors.length >= RECURSION_LIMIT) {
      this.deep(node);
      return;
    }
    ancestors.push(node);
    // Common types read their children by name, in `VISITOR_KEYS` order (a test holds the two
    // equal); the first four are three of every four nodes and have their visitor at hand.
    switch (node.type) {
      case 'Identifier':
        if (this.onIdentifier !== undefined) this.onIdentifier(node, ancestors);
        ancestors.pop();
        return;
      case 'MemberExpression':
        this.node(node.object as AnyNode);
        this.node(node.property as AnyNode);
        if (this.onMember !== undefined) this.onMember(node, ancestors);
        ancestors.pop();
        return;
      case 'Literal':
        if (this.onLiteral !== undefined) this.onLiteral(node, ancestors);
        ancestors.pop();
        return;
      case 'CallExpression':
        this.node(node.callee as AnyNode);
        this.list(node.arguments);
        if (this.onCall !== undefined) this.onCall(node, ancestors);
        ancestors.pop();
        return;
      case 'ThisExpression':
      case 'TemplateElement':
        break;
      case 'NewExpression':
        this.node(node.callee as AnyNode);
        this.list(node.arguments);
        break;
      case 'ExpressionStatement':
        this.node(node.expression as AnyNode);
        break;
      case 'BinaryExpression':
      case 'LogicalExpression':
      case 'AssignmentExpression':
        this.node(node.left as AnyNode);
        this.node(node.right as AnyNode);
        break;
      case 'Property':
        this.node(node.key as AnyNode);
        this.node(node.value as AnyNode);
        break;
      case 'ObjectExpression':
        this.list(node.properties);
        break;
      case 'ArrayExpression':
        this.list(node.elements);
        break;
      case 'BlockStatement':
        this.list(node.body);
        break;
      case 'VariableDeclaration':
        this.list(node.declarations);
        break;
      case 'VariableDeclarator':
        this.node(node.id as AnyNode);
        this.optional(node.init);
        break;
      case 'ReturnStatement':
      case 'UnaryExpression':
        this.optional(node.argument);
        break;
      case 'FunctionExpression':
      case 'FunctionDeclaration':
        this.optional(node.id);
        this.list(node.params);
        this.node(node.body as AnyNode);
        break;
      case 'ArrowFunctionExpression':
        this.list(node.params);
        this.node(node.body as AnyNode);
        break;
      case 'IfStatement':
      case 'ConditionalExpression':
        this.node(node.test as AnyNode);
        this.node(node.consequent as AnyNode);
        this.optional(node.alternate);
        break;
      case 'SequenceExpression':
        this.list(node.expressions);
        break;
      default:
        this.byKeys(node);
    }
    const visit = this.visitorFor(node.type);
    if (visit !== undefined) visit(node, ancestors);
    ancestors.pop();
  }

  /** A child array; holes (`[, a]`) are null. */
  private list(children: unknown): void {
    const nodes = children as readonly (AnyNode | null)[];
    for (let i = 0; i < nodes.length; i++) {
      const child = nodes[i];
      if (child != null) this.node(child);
    }
  }

  private optional(child: unknown): void {
    if (child != null) this.node(child as AnyNode);
  }

  /** Any other type, through the table (or, for a type it does not know, every own key). */
  private byKeys(node: AnyNode): void {
    for (const key of visitorKeys(node)) {
      const value = node[key];
      if (Array.isArray(value)) {
        for (const child of value) if (isNode(child)) this.node(child as AnyNode);
      } else if (isNode(value)) this.node(value as AnyNode);
    }
  }

  /** The subtree under `node` with an explicit stack, sharing `ancestors` with the recursion. */
  private deep(root: AnyNode): void {
    const ancestors = this.ancestors;
    const stack: (Node | typeof EXIT)[] = [root];
    while (stack.length > 0) {
      const item = stack.pop();
      if (item === undefined) break;
      if (item === EXIT) {
        const node = ancestors[ancestors.length - 1];
        const visit = node === undefined ? undefined : this.visitorFor(node.type);
        if (node !== undefined && visit !== undefined) visit(node, ancestors);
        ancestors.pop();
        continue;
      }
      ancestors.push(item);
      stack.push(EXIT);
      pushChildren(stack, item);
    }
  }
}

/** On the explicit stack: the node on top of `ancestors` has had all its children visited. */
const EXIT: unique symbol = Symbol('exit');

/**
 * The post-order walk the detectors share, with an explicit stack: a hostile file nested 100k
 * deep must not overflow the JS stack.
 */
import type { Node } from 'acorn';
import { pushChildren } from './visitor-keys.js';

/**
 * Visits every node after its children. `ancestors` holds the path from the program to the node
 * (the node last) and is reused: callers must copy it to keep it.
 */
export function walk(program: Node, visit: (node: Node, ancestors: readonly Node[]) => void): void {
  const ancestors: Node[] = [];
  // A node to enter, or EXIT: the node on top of `ancestors` has had all its children visited.
  const stack: (Node | typeof EXIT)[] = [program];
  while (stack.length > 0) {
    const item = stack.pop();
    if (item === undefined) break;
    if (item === EXIT) {
      const node = ancestors[ancestors.length - 1];
      if (node !== undefined) visit(node, ancestors);
      ancestors.pop();
      continue;
    }
    ancestors.push(item);
    stack.push(EXIT);
    pushChildren(stack, item);
  }
}

const EXIT: unique symbol = Symbol('exit');

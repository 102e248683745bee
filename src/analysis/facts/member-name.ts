/**
 * Static names of member accesses and object keys, the cheap question every handler asks first:
 * `o.name`, `o['name']`, `o['na' + 'me']`, `{ ['na' + 'me']: x }`. Constant evaluation of the
 * computed part is `staticString` from `values/evaluate.ts`.
 */
import type { AnyNode, Node } from 'acorn';
import { staticString } from './values/evaluate.js';

/** The static name of a member access, or null (non-constant computed key, `#private`, not a member). */
export function memberName(node: Node): string | null {
  const member = node as AnyNode;
  if (member.type !== 'MemberExpression') return null;
  const property = member.property;
  if (!member.computed) return property.type === 'Identifier' ? property.name : null;
  if (property.type === 'Literal') {
    return typeof property.value === 'string' || typeof property.value === 'number'
      ? String(property.value)
      : null;
  }
  if (property.type === 'Identifier' || property.type === 'PrivateIdentifier') return null;
  return staticString(property);
}

/** The static name of an object literal or pattern key: `{a}`, `{'a': x}`, `{['a' + 'b']: x}`. */
export function propertyKey(key: Node, computed: boolean): string | null {
  const node = key as AnyNode;
  if (!computed && node.type === 'Identifier') return node.name;
  if (node.type === 'Literal') {
    return typeof node.value === 'string' || typeof node.value === 'number' ? String(node.value) : null;
  }
  return computed ? staticString(node) : null;
}

/** Whether some key of an object pattern, at any depth, passes `test` (`{env: {TZ}}` has `env` and `TZ`). */
export function somePatternKey(pattern: Node, test: (key: string) => boolean): boolean {
  const stack: AnyNode[] = [pattern as AnyNode];
  while (stack.length > 0) {
    const current = stack.pop() as AnyNode;
    if (current.type === 'AssignmentPattern') stack.push(current.left);
    if (current.type !== 'ObjectPattern') continue;
    for (const property of current.properties) {
      if (property.type !== 'Property') continue;
      const key = propertyKey(property.key, property.computed);
      if (key !== null && test(key)) return true;
      stack.push(property.value);
    }
  }
  return false;
}

/**
 * A small interpreter over a safe subset of JavaScript, for decoding helpers and the lists they
 * decode. It walks the AST itself and applies only whitelisted builtins to values it built; it
 * never hands code to eval, Function or vm. Every node costs a step from a shared budget, loops
 * count iterations, calls and nesting are bounded, and whatever falls outside the subset (or a
 * limit) makes the whole value unknown rather than a guess.
 */
import type {
  AnyNode,
  ArrayExpression,
  AssignmentExpression,
  BinaryExpression,
  CallExpression,
  ForInStatement,
  ForOfStatement,
  ForStatement,
  Identifier,
  MemberExpression,
  Node,
  ObjectExpression,
  Pattern,
  SpreadElement,
  SwitchStatement,
  TemplateLiteral,
  UnaryExpression,
  UpdateExpression,
  VariableDeclaration,
} from 'acorn';
import {
  OBJECT_PROTOTYPE_NAMES,
  callBuiltin,
  callMethod,
  construct,
  getMember,
  globalValue,
  setMember,
} from './builtins.js';
import {
  type FunctionRef,
  type Meter,
  type Primitive,
  type Runtime,
  type Value,
  DATA_UNITS_PER_STEP,
  Env,
  NotStatic,
  checkLength,
  checkString,
  isRef,
  iterate,
  makeArray,
  ownKeys,
  propertyKey,
  toNum,
  toPrimitive,
  toStr,
  truthy,
  typeOf,
  unknown,
} from './model.js';
import type { EvaluationBudget, NameResolver } from './evaluate.js';

/** Helpers calling helpers (and callbacks) deeper than this are not a decoder. */
export const MAX_CALL_DEPTH = 8;
/**
 * Evaluator frames nested on the JS stack (expressions inside expressions, statements inside
 * loops, across calls). A few JS frames each, so far below Node's stack even when the caller
 * is itself deep in a walk.
 */
export const MAX_NESTING = 400;
/** Strings up to this long concatenate for one step; longer ones pay for their length. */
export const FREE_CONCATENATION_LENGTH = 16_384;

type Completion =
  | { readonly type: 'normal' }
  | { readonly type: 'break' }
  | { readonly type: 'continue' }
  | { readonly type: 'return'; readonly value: Value };

const NORMAL: Completion = Object.freeze({ type: 'normal' });
const BREAK: Completion = Object.freeze({ type: 'break' });
const CONTINUE: Completion = Object.freeze({ type: 'continue' });

/** Thrown by `a?.b` on a nullish `a`, caught by the enclosing ChainExpression. */
const SHORT_CIRCUIT = Symbol('short-circuit');

type BindingMode = 'var' | 'let' | 'const' | 'assign';

const CHAR_CODE_READERS: ReadonlySet<string> = new Set(['charCodeAt', 'codePointAt']);
const CHAR_CODE_WRITERS: ReadonlySet<string> = new Set(['String.fromCharCode', 'String.fromCodePoint']);

export class Interpreter implements Runtime {
  /** Encoding steps seen, in the order first met. */
  readonly tags = new Set<string>();
  private depth = 0;
  private callDepth = 0;
  private activeFunctions: Node[] = [];
  private readonly resolving = new Set<Node>();
  private readonly definitions = new Map<Node, Value>();
  private readonly resolutions = new Map<Identifier, Node | null>();

  constructor(
    private readonly resolveName: NameResolver,
    private readonly budget: EvaluationBudget,
  ) {}

  get topLevel(): boolean {
    return this.callDepth === 0;
  }

  tag(encoding: string): void {
    this.tags.add(encoding);
  }

  charge(units: number): void {
    this.spend(Math.ceil(units / DATA_UNITS_PER_STEP));
  }

  spend(steps: number): void {
    this.budget.steps -= steps;
    if (this.budget.steps < 0) unknown('step budget exhausted');
  }

  call(fn: Value, thisArg: Value, args: readonly Value[]): Value {
    return this.callValue(fn, thisArg, args);
  }

  evaluate(node: Node, env: Env | null): Value {
    this.spend(1);
    if (++this.depth > MAX_NESTING) unknown('expression nested too deeply');
    const value = this.evaluateNode(node as AnyNode, env);
    this.depth--;
    return value;
  }

  private evaluateNode(node: AnyNode, env: Env | null): Value {
    switch (node.type) {
      case 'Literal':
        if (node.regex !== undefined) return { kind: 'regex', pattern: node.regex.pattern, flags: node.regex.flags };
        if (typeof node.value === 'bigint' || node.value instanceof RegExp) return unknown('bigint literal');
        return node.value;
      case 'TemplateLiteral':
        return this.template(node, env);
      case 'Identifier':
        return this.lookup(node, env);
      case 'ArrayExpression':
        return this.arrayLiteral(node, env);
      case 'ObjectExpression':
        return this.objectLiteral(node, env);
      case 'FunctionExpression':
      case 'ArrowFunctionExpression':
        return { kind: 'function', node, env };
      case 'UnaryExpression':
        return this.unary(node, env);
      case 'UpdateExpression':
        return this.update(node, env);
      case 'BinaryExpression':
        return node.operator === '+' ? this.plusChain(node, env) : this.binary(node, env);
      case 'LogicalExpression': {
        const left = this.evaluate(node.left, env);
        if (node.operator === '&&') return truthy(left) ? this.evaluate(node.right, env) : left;
        if (node.operator === '||') return truthy(left) ? left : this.evaluate(node.right, env);
        return left === null || left === undefined ? this.evaluate(node.right, env) : left;
      }
      case 'ConditionalExpression':
        return this.evaluate(truthy(this.evaluate(node.test, env)) ? node.consequent : node.alternate, env);
      case 'SequenceExpression': {
        let last: Value;
        for (const expression of node.expressions) last = this.evaluate(expression, env);
        return last;
      }
      case 'AssignmentExpression':
        return this.assignment(node, env);
      case 'MemberExpression':
        return this.member(node, env);
      case 'CallExpression':
        return this.callExpression(node, env);
      case 'NewExpression':
        return construct(this.evaluate(node.callee, env), this.argumentList(node.arguments, env), this);
      case 'ChainExpression': {
        const depth = this.depth;
        try {
          return this.evaluate(node.expression, env);
        } catch (error) {
          if (error !== SHORT_CIRCUIT) throw error;
          this.depth = depth;
          return undefined;
        }
      }
      case 'ParenthesizedExpression':
        return this.evaluate(node.expression, env);
      default:
        return unknown(`${node.type} is not evaluated`);
    }
  }

  private template(node: TemplateLiteral, env: Env | null): string {
    if (node.expressions.length > 0 && this.topLevel) this.tag('concatenation');
    let result = '';
    node.quasis.forEach((quasi, index) => {
      const cooked = quasi.value.cooked;
      if (typeof cooked !== 'string') unknown('invalid escape in a template');
      result = this.concatenate(result, cooked);
      const expression = node.expressions[index];
      if (expression !== undefined) result = this.concatenate(result, toStr(this.evaluate(expression, env), this));
    });
    return result;
  }

  private lookup(id: Identifier, env: Env | null): Value {
    const binding = env?.lookup(id.name);
    if (binding !== undefined) return binding.value;
    let definition = this.resolutions.get(id);
    if (definition === undefined) {
      definition = this.resolveName(id);
      this.resolutions.set(id, definition);
    }
    if (definition === null) return globalValue(id.name);
    return this.definitionValue(definition, id);
  }

  private definitionValue(definition: Node, id: Identifier): Value {
    if (this.definitions.has(definition)) return this.definitions.get(definition);
    const node = definition as AnyNode;
    // A binding position (a parameter, a catch clause) names the variable but not its value.
    if (definition === id || (node.type === 'Identifier' && node.name === id.name)) {
      return unknown(`${id.name} has no known value`);
    }
    // Locals of a running helper live in its environment; the resolver's answer for them is the
    // declaration, which says nothing about the value the loop has built so far.
    for (const fn of this.activeFunctions) {
      if (definition !== fn && definition.start >= fn.start && definition.end <= fn.end) {
        return unknown(`${id.name} is a local of a running function`);
      }
    }
    if (this.resolving.has(definition)) return unknown(`${id.name} is defined in a cycle`);
    if (node.type === 'VariableDeclarator' && (node.id.type !== 'Identifier' || !node.init)) {
      // `let x;` is assigned later, `const [a] = ...` picks a part: neither is this node's value.
      return unknown(`${id.name} has no initialiser of its own`);
    }
    this.resolving.add(definition);
    const active = this.activeFunctions;
    this.activeFunctions = [];
    let value: Value;
    if (node.type === 'VariableDeclarator') {
      value = node.init ? this.evaluate(node.init, null) : undefined;
    } else if (node.type === 'FunctionDeclaration') {
      value = { kind: 'function', node, env: null };
    } else {
      value = this.evaluate(node, null);
    }
    this.activeFunctions = active;
    this.resolving.delete(definition);
    this.definitions.set(definition, value);
    return value;
  }

  private arrayLiteral(node: ArrayExpression, env: Env | null): Value {
    const items: Value[] = [];
    for (const element of node.elements) {
      if (element === null) items.push(undefined);
      else if (element.type === 'SpreadElement') items.push(...iterate(this.evaluate(element.argument, env), this));
      else items.push(this.evaluate(element, env));
      checkLength(items.length);
    }
    return makeArray(items);
  }

  private objectLiteral(node: ObjectExpression, env: Env | null): Value {
    const entries = new Map<string, Value>();
    for (const property of node.properties) {
      if (property.type === 'SpreadElement') {
        this.spreadInto(entries, this.evaluate(property.argument, env));
      } else {
        if (property.kind !== 'init') return unknown('getter or setter');
        let key: string;
        if (property.computed) key = propertyKey(this.evaluate(property.key, env), this);
        else if (property.key.type === 'Identifier') key = property.key.name;
        else if (property.key.type === 'Literal') key = String(property.key.value);
        else return unknown('property key');
        // `{ __proto__: x }` sets the prototype rather than a key.
        if (key === '__proto__' && !property.computed && !property.shorthand) return unknown('__proto__ literal');
        entries.set(key, this.evaluate(property.value, env));
      }
      checkLength(entries.size);
    }
    return { kind: 'object', entries };
  }

  private spreadInto(entries: Map<string, Value>, value: Value): void {
    if (value === null || value === undefined) return;
    if (typeof value === 'string') {
      this.charge(value.length);
      value.split('').forEach((char, index) => entries.set(String(index), char));
      return;
    }
    if (isRef(value) && value.kind === 'object') {
      this.charge(value.entries.size);
      for (const key of ownKeys(value.entries)) entries.set(key, value.entries.get(key));
      return;
    }
    if (isRef(value) && value.kind === 'array') {
      this.charge(value.items.length);
      value.items.forEach((item, index) => entries.set(String(index), item));
      return;
    }
    unknown('spread of an unsupported value');
  }

  private unary(node: UnaryExpression, env: Env | null): Value {
    if (node.operator === 'delete') return unknown('delete');
    const value = this.evaluate(node.argument, env);
    switch (node.operator) {
      case '-':
        return -toNum(value, this);
      case '+':
        return toNum(value, this);
      case '!':
        return !truthy(value);
      case '~':
        return ~toNum(value, this);
      case 'typeof':
        return typeOf(value);
      case 'void':
        return undefined;
    }
  }

  /** `a + b + c + ...` folds left to right without recursing once per operand. */
  private plusChain(node: BinaryExpression, env: Env | null): Value {
    const chain: BinaryExpression[] = [];
    let innermost: AnyNode = node;
    while (innermost.type === 'BinaryExpression' && innermost.operator === '+') {
      chain.push(innermost);
      innermost = innermost.left as AnyNode;
    }
    chain.reverse();
    let result = this.evaluate(innermost, env);
    for (const link of chain) {
      this.spend(1);
      result = this.applyBinary('+', result, this.evaluate(link.right, env), link);
    }
    return result;
  }

  private binary(node: BinaryExpression, env: Env | null): Value {
    if (node.left.type === 'PrivateIdentifier') return unknown('private name');
    const left = this.evaluate(node.left, env);
    return this.applyBinary(node.operator, left, this.evaluate(node.right, env), node);
  }

  /** `node`, when given, tells whether numeric + and - shift character codes (ROT-n, Caesar). */
  private applyBinary(operator: string, left: Value, right: Value, node: BinaryExpression | null): Value {
    switch (operator) {
      case '+': {
        const a = toPrimitive(left, this);
        const b = toPrimitive(right, this);
        if (typeof a === 'string' || typeof b === 'string') {
          if (this.topLevel) this.tag('concatenation');
          return this.concatenate(String(a), String(b));
        }
        this.noteShift(node);
        return Number(a) + Number(b);
      }
      case '-':
        this.noteShift(node);
        return toNum(left, this) - toNum(right, this);
      case '*':
        return toNum(left, this) * toNum(right, this);
      case '/':
        return toNum(left, this) / toNum(right, this);
      case '%':
        return toNum(left, this) % toNum(right, this);
      case '**':
        return toNum(left, this) ** toNum(right, this);
      case '<<':
        return toNum(left, this) << toNum(right, this);
      case '>>':
        return toNum(left, this) >> toNum(right, this);
      case '>>>':
        return toNum(left, this) >>> toNum(right, this);
      case '&':
        return toNum(left, this) & toNum(right, this);
      case '|':
        return toNum(left, this) | toNum(right, this);
      case '^':
        this.tag('xor');
        return toNum(left, this) ^ toNum(right, this);
      case '===':
        return left === right;
      case '!==':
        return left !== right;
      case '==':
        return looseEquals(left, right, this);
      case '!=':
        return !looseEquals(left, right, this);
      case '<':
      case '>':
      case '<=':
      case '>=':
        return compare(operator, toPrimitive(left, this), toPrimitive(right, this));
      case 'in':
        return hasProperty(right, left, this);
      default:
        return unknown(`operator ${operator}`);
    }
  }

  /**
   * V8 joins strings lazily, but the first read of a character copies the whole result: a loop
   * appending to a long string and reading it back is quadratic. Beyond a length no decoded list
   * needs, each concatenation pays for the copy.
   */
  private concatenate(left: string, right: string): string {
    const result = checkString(left + right);
    if (result.length > FREE_CONCATENATION_LENGTH) this.charge(result.length);
    return result;
  }

  private noteShift(node: BinaryExpression | null): void {
    if (node !== null && (readsCharCode(node.left) || readsCharCode(node.right))) this.tag('add-shift');
  }

  private assignment(node: AssignmentExpression, env: Env | null): Value {
    if (node.operator === '=') {
      const value = this.evaluate(node.right, env);
      this.bind(node.left, value, env, 'assign');
      return value;
    }
    const target = node.left;
    if (target.type !== 'Identifier' && target.type !== 'MemberExpression') return unknown('compound destructuring');
    const reference = this.reference(target, env);
    const current = reference.get();
    const operator = node.operator.slice(0, -1);
    let value: Value;
    if (operator === '&&' || operator === '||' || operator === '??') {
      const nullish = current === null || current === undefined;
      const keep = operator === '&&' ? !truthy(current) : operator === '||' ? truthy(current) : !nullish;
      if (keep) return current;
      value = this.evaluate(node.right, env);
    } else {
      value = this.applyBinary(operator, current, this.evaluate(node.right, env), null);
    }
    reference.set(value);
    return value;
  }

  private update(node: UpdateExpression, env: Env | null): Value {
    const target = node.argument;
    if (target.type !== 'Identifier' && target.type !== 'MemberExpression') return unknown('update target');
    const reference = this.reference(target, env);
    const old = toNum(reference.get(), this);
    const value = node.operator === '++' ? old + 1 : old - 1;
    reference.set(value);
    return node.prefix ? value : old;
  }

  /** A place to read and write, its object and key evaluated once as JS does for `a[i] += x`. */
  private reference(target: Identifier | MemberExpression, env: Env | null): { get(): Value; set(value: Value): void } {
    if (target.type === 'Identifier') {
      const binding = env?.lookup(target.name);
      if (binding === undefined) return unknown(`assignment to ${target.name} outside the evaluated code`);
      return {
        get: () => binding.value,
        set: (value) => {
          if (!binding.mutable) unknown(`assignment to constant ${target.name}`);
          binding.value = value;
        },
      };
    }
    if (target.object.type === 'Super') return unknown('super');
    const object = this.evaluate(target.object, env);
    const key = this.memberKey(target, env);
    return { get: () => getMember(object, key, this), set: (value) => setMember(object, key, value, this) };
  }

  private member(node: MemberExpression, env: Env | null): Value {
    if (node.object.type === 'Super') return unknown('super');
    const object = this.evaluate(node.object, env);
    if (node.optional && (object === null || object === undefined)) throw SHORT_CIRCUIT;
    return getMember(object, this.memberKey(node, env), this);
  }

  private memberKey(node: MemberExpression, env: Env | null): Value {
    if (node.property.type === 'PrivateIdentifier') return unknown('private name');
    if (node.computed) return this.evaluate(node.property, env);
    return node.property.type === 'Identifier' ? node.property.name : unknown('member name');
  }

  /**
   * A call handed a function literal first (`memoize(() => decode(X))`, `once(fn)`, a bundler's
   * lazy initialiser) whose own code cannot be followed is taken as that function: what such a
   * wrapper returns is called later, and calling it runs the literal. The wrapper's code is tried
   * first (a helper that really computes a value from a callback keeps its answer).
   */
  private callExpression(node: CallExpression, env: Env | null): Value {
    const first = node.arguments[0];
    if (first === undefined || (first.type !== 'ArrowFunctionExpression' && first.type !== 'FunctionExpression')) {
      return this.plainCall(node, env);
    }
    const saved = { depth: this.depth, callDepth: this.callDepth, active: this.activeFunctions, length: this.activeFunctions.length };
    const resolving = [...this.resolving];
    try {
      return this.plainCall(node, env);
    } catch (error) {
      if (!(error instanceof NotStatic) || this.budget.steps < 0) throw error;
      this.depth = saved.depth;
      this.callDepth = saved.callDepth;
      this.activeFunctions = saved.active;
      this.activeFunctions.length = saved.length;
      this.resolving.clear();
      for (const definition of resolving) this.resolving.add(definition);
      return this.evaluate(first, env);
    }
  }

  private plainCall(node: CallExpression, env: Env | null): Value {
    const callee = node.callee;
    if (callee.type === 'Super') return unknown('super');
    let fn: Value;
    let thisArg: Value;
    if (callee.type === 'MemberExpression') {
      if (callee.object.type === 'Super') return unknown('super');
      thisArg = this.evaluate(callee.object, env);
      if (callee.optional && (thisArg === null || thisArg === undefined)) throw SHORT_CIRCUIT;
      fn = getMember(thisArg, this.memberKey(callee, env), this);
    } else {
      fn = this.evaluate(callee, env);
    }
    if (node.optional && (fn === null || fn === undefined)) throw SHORT_CIRCUIT;
    const args = this.argumentList(node.arguments, env);
    if (isRef(fn) && fn.kind === 'builtin' && CHAR_CODE_WRITERS.has(fn.name) && node.arguments.some(isShift)) {
      this.tag('add-shift');
    }
    return this.callValue(fn, thisArg, args);
  }

  private argumentList(nodes: ReadonlyArray<AnyNode | SpreadElement>, env: Env | null): Value[] {
    const args: Value[] = [];
    for (const node of nodes) {
      if (node.type === 'SpreadElement') args.push(...iterate(this.evaluate(node.argument, env), this));
      else args.push(this.evaluate(node, env));
      checkLength(args.length);
    }
    return args;
  }

  private callValue(fn: Value, thisArg: Value, args: readonly Value[]): Value {
    this.spend(1);
    if (!isRef(fn)) return unknown('call of a non-function');
    switch (fn.kind) {
      case 'function':
        return this.callFunction(fn, args);
      case 'builtin':
        return callBuiltin(fn, args, this);
      case 'method':
        return callMethod(fn, args, this);
      default:
        return unknown(`call of a ${fn.kind}`);
    }
  }

  private callFunction(fn: FunctionRef, args: readonly Value[]): Value {
    const node = fn.node;
    if (node.async || node.generator) return unknown('async or generator function');
    if (this.callDepth >= MAX_CALL_DEPTH) return unknown('calls nested too deeply');
    this.callDepth++;
    this.activeFunctions.push(node);
    const env = new Env(fn.env, true);
    if (node.type !== 'ArrowFunctionExpression') {
      if (node.type === 'FunctionExpression' && node.id) env.vars.set(node.id.name, { value: fn, mutable: false });
      env.vars.set('arguments', { value: makeArray([...args]), mutable: true });
    }
    node.params.forEach((param, index) => {
      if (param.type === 'RestElement') this.bind(param.argument, makeArray(args.slice(index)), env, 'let');
      else this.bind(param, args[index], env, 'let');
    });
    let result: Value;
    if (node.body.type === 'BlockStatement') {
      const completion = this.execList(node.body.body, env);
      if (completion.type === 'break' || completion.type === 'continue') return unknown('break outside a loop');
      result = completion.type === 'return' ? completion.value : undefined;
    } else {
      result = this.evaluate(node.body, env);
    }
    this.activeFunctions.pop();
    this.callDepth--;
    return result;
  }

  /** Binds or assigns a pattern: declarations, parameters, `for` heads and `=`. */
  private bind(pattern: Pattern, value: Value, env: Env | null, mode: BindingMode): void {
    this.spend(1);
    if (++this.depth > MAX_NESTING) unknown('pattern nested too deeply');
    this.bindPattern(pattern, value, env, mode);
    this.depth--;
  }

  private bindPattern(pattern: Pattern, value: Value, env: Env | null, mode: BindingMode): void {
    switch (pattern.type) {
      case 'Identifier': {
        if (mode === 'assign') {
          this.reference(pattern, env).set(value);
          return;
        }
        if (env === null) return unknown('declaration outside a function');
        const scope = mode === 'var' ? env.nearestFunctionScope() : env;
        scope.vars.set(pattern.name, { value, mutable: mode !== 'const' });
        return;
      }
      case 'MemberExpression':
        if (mode !== 'assign') return unknown('member in a declaration');
        this.reference(pattern, env).set(value);
        return;
      case 'AssignmentPattern':
        this.bind(pattern.left, value === undefined ? this.evaluate(pattern.right, env) : value, env, mode);
        return;
      case 'ArrayPattern': {
        const items = iterate(value, this);
        pattern.elements.forEach((element, index) => {
          if (element === null) return;
          if (element.type === 'RestElement') this.bind(element.argument, makeArray(items.slice(index)), env, mode);
          else this.bind(element, items[index], env, mode);
        });
        return;
      }
      case 'ObjectPattern':
        for (const property of pattern.properties) {
          if (property.type === 'RestElement') return unknown('object rest');
          const key = property.computed
            ? this.evaluate(property.key, env)
            : property.key.type === 'Identifier'
              ? property.key.name
              : property.key.type === 'Literal'
                ? String(property.key.value)
                : unknown('pattern key');
          this.bind(property.value, getMember(value, key, this), env, mode);
        }
        return;
      case 'RestElement':
        return unknown('rest element');
    }
  }

  private execList(statements: readonly AnyNode[], env: Env): Completion {
    // Function declarations are hoisted to the top of their block.
    for (const statement of statements) {
      if (statement.type === 'FunctionDeclaration' && statement.id) {
        env.vars.set(statement.id.name, { value: { kind: 'function', node: statement, env }, mutable: true });
      }
    }
    for (const statement of statements) {
      const completion = this.exec(statement, env);
      if (completion.type !== 'normal') return completion;
    }
    return NORMAL;
  }

  private exec(node: AnyNode, env: Env): Completion {
    this.spend(1);
    if (++this.depth > MAX_NESTING) unknown('statements nested too deeply');
    const completion = this.execNode(node, env);
    this.depth--;
    return completion;
  }

  private execNode(node: AnyNode, env: Env): Completion {
    switch (node.type) {
      case 'ExpressionStatement':
        this.evaluate(node.expression, env);
        return NORMAL;
      case 'VariableDeclaration':
        this.declare(node, env);
        return NORMAL;
      case 'FunctionDeclaration':
      case 'EmptyStatement':
      case 'DebuggerStatement':
        return NORMAL;
      case 'BlockStatement':
        return this.execList(node.body, new Env(env, false));
      case 'TryStatement': {
        // Thrown values are not modelled: a block that completes is the whole story, and one that
        // cannot be followed leaves the value unknown. Bundlers wrap module bodies in `try`.
        const completion = this.execList(node.block.body, new Env(env, false));
        if (node.finalizer) {
          const final = this.execList(node.finalizer.body, new Env(env, false));
          if (final.type !== 'normal') return final;
        }
        return completion;
      }
      case 'IfStatement':
        if (truthy(this.evaluate(node.test, env))) return this.exec(node.consequent, env);
        return node.alternate ? this.exec(node.alternate, env) : NORMAL;
      case 'ReturnStatement':
        return { type: 'return', value: node.argument ? this.evaluate(node.argument, env) : undefined };
      case 'BreakStatement':
        return node.label ? unknown('labelled break') : BREAK;
      case 'ContinueStatement':
        return node.label ? unknown('labelled continue') : CONTINUE;
      case 'ForStatement':
        return this.forLoop(node, env);
      case 'WhileStatement':
        for (;;) {
          this.spend(1);
          if (!truthy(this.evaluate(node.test, env))) return NORMAL;
          const completion = this.exec(node.body, env);
          if (completion.type === 'break') return NORMAL;
          if (completion.type === 'return') return completion;
        }
      case 'DoWhileStatement':
        for (;;) {
          this.spend(1);
          const completion = this.exec(node.body, env);
          if (completion.type === 'break') return NORMAL;
          if (completion.type === 'return') return completion;
          if (!truthy(this.evaluate(node.test, env))) return NORMAL;
        }
      case 'ForOfStatement':
      case 'ForInStatement':
        return this.forEachLoop(node, env);
      case 'SwitchStatement':
        return this.switchStatement(node, env);
      default:
        return unknown(`${node.type} is not interpreted`);
    }
  }

  private declare(node: VariableDeclaration, env: Env): void {
    if (node.kind !== 'var' && node.kind !== 'let' && node.kind !== 'const') return unknown(`${node.kind} declaration`);
    for (const declarator of node.declarations) {
      if (declarator.init === null || declarator.init === undefined) {
        // `var x;` keeps a value already there; `let x;` starts undefined.
        const id = declarator.id;
        if (node.kind === 'var' && id.type === 'Identifier' && env.nearestFunctionScope().vars.has(id.name)) continue;
        this.bind(declarator.id, undefined, env, node.kind);
      } else {
        this.bind(declarator.id, this.evaluate(declarator.init, env), env, node.kind);
      }
    }
  }

  private forLoop(node: ForStatement, env: Env): Completion {
    const loopEnv = new Env(env, false);
    let perIteration: string[] = [];
    if (node.init?.type === 'VariableDeclaration') {
      this.declare(node.init, loopEnv);
      if (node.init.kind !== 'var') perIteration = [...loopEnv.vars.keys()];
    } else if (node.init) {
      this.evaluate(node.init, loopEnv);
    }
    // Each iteration gets its own copy of `let` bindings, so closures made in the body keep theirs.
    let iterationEnv = copyBindings(loopEnv, perIteration);
    for (;;) {
      this.spend(1);
      if (node.test && !truthy(this.evaluate(node.test, iterationEnv))) return NORMAL;
      const completion = this.exec(node.body, iterationEnv);
      if (completion.type === 'break') return NORMAL;
      if (completion.type === 'return') return completion;
      iterationEnv = copyBindings(iterationEnv, perIteration);
      if (node.update) this.evaluate(node.update, iterationEnv);
    }
  }

  private forEachLoop(node: ForOfStatement | ForInStatement, env: Env): Completion {
    if (node.type === 'ForOfStatement' && node.await) return unknown('for await');
    const subject = this.evaluate(node.right, env);
    const items = node.type === 'ForOfStatement' ? iterate(subject, this) : enumerableKeys(subject);
    // Arrays are iterated live, as JS does: items pushed by the body are visited too.
    for (let index = 0; index < items.length; index++) {
      this.spend(1);
      const iterationEnv = new Env(env, false);
      const left = node.left;
      if (left.type === 'VariableDeclaration') {
        const declarator = left.declarations[0];
        if (declarator === undefined || (left.kind !== 'var' && left.kind !== 'let' && left.kind !== 'const')) {
          return unknown('for declaration');
        }
        this.bind(declarator.id, items[index], iterationEnv, left.kind);
      } else {
        this.bind(left, items[index], iterationEnv, 'assign');
      }
      const completion = this.exec(node.body, iterationEnv);
      if (completion.type === 'break') return NORMAL;
      if (completion.type === 'return') return completion;
    }
    return NORMAL;
  }

  private switchStatement(node: SwitchStatement, env: Env): Completion {
    const discriminant = this.evaluate(node.discriminant, env);
    let start = -1;
    for (const [index, switchCase] of node.cases.entries()) {
      if (switchCase.test && this.evaluate(switchCase.test, env) === discriminant) {
        start = index;
        break;
      }
    }
    if (start < 0) start = node.cases.findIndex((switchCase) => !switchCase.test);
    if (start < 0) return NORMAL;
    const blockEnv = new Env(env, false);
    const statements = node.cases.slice(start).flatMap((switchCase) => switchCase.consequent);
    const completion = this.execList(statements, blockEnv);
    return completion.type === 'break' ? NORMAL : completion;
  }
}

function copyBindings(from: Env, names: readonly string[]): Env {
  if (names.length === 0) return from;
  const next = new Env(from.parent, false);
  for (const name of names) {
    const binding = from.vars.get(name);
    if (binding !== undefined) next.vars.set(name, { ...binding });
  }
  return next;
}

function enumerableKeys(value: Value): Value[] {
  if (typeof value === 'string') return Array.from({ length: checkLength(value.length) }, (_, index) => String(index));
  if (isRef(value) && value.kind === 'array') return value.items.map((_, index) => String(index));
  if (isRef(value) && value.kind === 'object') return ownKeys(value.entries);
  return unknown('for...in over an unsupported value');
}

function unwrap(node: Node): AnyNode {
  let current = node as AnyNode;
  while (current.type === 'ParenthesizedExpression') current = current.expression as AnyNode;
  return current;
}

/** How far into nested arithmetic `(c.charCodeAt(0) - 97 + 13) % 26` a character read is looked for. */
const SHIFT_OPERAND_DEPTH = 4;

/** `s.charCodeAt(i)` (directly, not through a variable): the operand a character shift adds to. */
function readsCharCode(node: Node, depth = 0): boolean {
  const current = unwrap(node);
  if (current.type === 'BinaryExpression') {
    // Bounded: a chain of 100k additions must not be searched once per link.
    if (depth >= SHIFT_OPERAND_DEPTH) return false;
    return readsCharCode(current.left, depth + 1) || readsCharCode(current.right, depth + 1);
  }
  return (
    current.type === 'CallExpression' &&
    current.callee.type === 'MemberExpression' &&
    current.callee.property.type === 'Identifier' &&
    CHAR_CODE_READERS.has(current.callee.property.name)
  );
}

function isShift(node: Node): boolean {
  const current = unwrap(node);
  return current.type === 'BinaryExpression' && (current.operator === '+' || current.operator === '-');
}

function looseEquals(left: Value, right: Value, meter: Meter): boolean {
  if (isRef(left) && isRef(right)) return left === right;
  const a: Primitive = toPrimitive(left, meter);
  const b: Primitive = toPrimitive(right, meter);
  return a == b;
}

function compare(operator: string, a: Primitive, b: Primitive): boolean {
  if (typeof a === 'string' && typeof b === 'string') {
    if (operator === '<') return a < b;
    if (operator === '>') return a > b;
    if (operator === '<=') return a <= b;
    return a >= b;
  }
  const x = Number(a);
  const y = Number(b);
  if (operator === '<') return x < y;
  if (operator === '>') return x > y;
  if (operator === '<=') return x <= y;
  return x >= y;
}

function hasProperty(object: Value, key: Value, meter: Meter): boolean {
  if (!isRef(object)) return unknown('in on a primitive');
  const name = propertyKey(key, meter);
  if (object.kind === 'object') {
    if (object.entries.has(name)) return true;
    return name === 'hasOwnProperty' || OBJECT_PROTOTYPE_NAMES.has(name) ? unknown('inherited name') : false;
  }
  if (object.kind === 'array') {
    if (name === 'length') return true;
    const index = Number(name);
    return Number.isInteger(index) && index >= 0 && index < object.items.length && String(index) === name;
  }
  return unknown(`in on a ${object.kind}`);
}

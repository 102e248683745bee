/**
 * Test support for the static evaluator: a resolver that knows only top-level declarations by
 * name (scope proper is `scope.ts`'s business), and a snippet reader that picks the expression
 * to evaluate: the init of the last declarator, or the last expression statement.
 */
import { type Node, type Program, parse } from 'acorn';
import {
  type DecodedValue,
  type EvaluationBudget,
  type NameResolver,
  evaluateDecoded,
  stringsOf,
} from '../../../../src/analysis/facts/values/evaluate.js';

export function topLevelResolver(program: Program): NameResolver {
  const definitions = new Map<string, Node>();
  for (const statement of program.body) {
    if (statement.type === 'VariableDeclaration') {
      for (const declarator of statement.declarations) {
        if (declarator.id.type === 'Identifier') definitions.set(declarator.id.name, declarator);
      }
    } else if (statement.type === 'FunctionDeclaration') {
      definitions.set(statement.id.name, statement);
    }
  }
  return (identifier) => definitions.get(identifier.name) ?? null;
}

export interface Snippet {
  program: Program;
  target: Node;
  resolve: NameResolver;
}

export function readSnippet(source: string): Snippet {
  const program = parse(source, { ecmaVersion: 'latest', sourceType: 'script' });
  const last = program.body[program.body.length - 1];
  let target: Node | null | undefined = null;
  if (last?.type === 'VariableDeclaration') target = last.declarations[last.declarations.length - 1]?.init;
  else if (last?.type === 'ExpressionStatement') target = last.expression;
  if (!target) throw new Error(`snippet has no final expression: ${source}`);
  return { program, target, resolve: topLevelResolver(program) };
}

export function decodeSnippet(source: string, budget?: EvaluationBudget): DecodedValue | null {
  const { target, resolve } = readSnippet(source);
  return evaluateDecoded(target, resolve, budget);
}

/** The strings the snippet's final expression denotes, or null. */
export function snippetStrings(source: string, budget?: EvaluationBudget): string[] | null {
  const decoded = decodeSnippet(source, budget);
  return decoded === null ? null : stringsOf(decoded.value);
}

/** A JS string literal for any string, lone surrogates included. */
export function literal(text: string): string {
  return JSON.stringify(text);
}

/**
 * Code hidden in strings: `eval(x)`, `Function(..., body)`, `vm.runInNewContext(x)`, `new
 * vm.Script(x)`, `setTimeout(string)`. When the string can be decoded statically (a literal,
 * concatenation, char codes, base64, hex...), it is parsed and analysed with the same rules as
 * code of the same file; its findings are placed at the call that runs it, with the decoded code
 * in the evidence, one step more severe when the code was encoded (hiding code is a signal of its
 * own). When it cannot be decoded, the gap is said as an `analysis-evasion` note: template engines
 * build code at run time honestly, so an undecodable string alone is `info`.
 */
import type { AnyNode, Node, Program } from 'acorn';
import type { Finding } from '../report/report.js';
import { raisedSeverity } from '../report/severity.js';
import type { FlowFacts } from './facts/flow.js';
import type { Scope } from './facts/scope.js';
import { evaluateDecoded } from './facts/values/evaluate.js';
import { parse } from './parse.js';

/** Decoded code longer than this is not analysed again (a 1 MiB payload is already a finding's worth). */
export const MAX_DECODED_CODE = 1 << 20;
/** Code decoded from code decoded from ...: deeper than this is not followed. */
export const MAX_CODE_DEPTH = 3;
/** Calls examined per file: a hostile file cannot multiply the work. */
export const MAX_CODE_CALLS = 64;
/** Evaluation work for one call's code string. */
export const CODE_EVALUATION_STEPS = 200_000;
/** Characters of decoded code kept in a finding's evidence. */
export const EVIDENCE_CODE_CHARS = 2_000;

const VM_RUNNERS: ReadonlySet<string> = new Set(['runInNewContext', 'runInThisContext', 'runInContext', 'compileFunction', 'Script']);
const TIMERS: ReadonlySet<string> = new Set(['setTimeout', 'setInterval', 'setImmediate']);
const RUNNER_NAMES: ReadonlySet<string> = new Set(['eval', 'Function', ...TIMERS, ...VM_RUNNERS]);

/** A call that runs a string as code: the call, what runs it, and the node holding the code. */
export interface CodeCall {
  readonly call: Node;
  readonly runner: string;
  readonly code: Node;
}

/** During the shared walk: does `node` run a string as code? Cheap name tests before any lookup. */
export function codeCallAt(node: Node, ancestors: readonly Node[], scope: Scope): CodeCall | null {
  const current = node as AnyNode;
  if (current.type !== 'CallExpression' && current.type !== 'NewExpression') return null;
  const callee = current.callee as AnyNode;
  // Asked about every call of a file: plain names only, no evaluation of computed ones.
  const name =
    callee.type === 'Identifier' ? callee.name : callee.type === 'MemberExpression' && !callee.computed && callee.property.type === 'Identifier' ? callee.property.name : null;
  if (name === null || !RUNNER_NAMES.has(name)) return null;
  const args = current.arguments as AnyNode[];
  let code: AnyNode | undefined;
  if (name === 'eval' || TIMERS.has(name)) code = args[0];
  else if (name === 'Function') code = args[args.length - 1];
  else if (VM_RUNNERS.has(name)) code = args[0];
  else return null;
  // A function handed to a timer is code already in the file.
  if (code === undefined || code.type === 'SpreadElement' || code.type === 'ArrowFunctionExpression' || code.type === 'FunctionExpression') return null;
  const path = scope.resolve(callee, ancestors);
  const runner = path?.join('.') ?? null;
  if (runner === null) return null;
  if (name === 'eval' || name === 'Function' || TIMERS.has(name)) {
    if (runner !== name) return null;
  } else if (path?.[0] !== 'vm') {
    return null;
  }
  return { call: current, runner, code };
}

/** Runs the rules over a piece of decoded code; the caller's `runDetectors` at one more depth. */
export type AnalyseCode = (source: string, program: Program) => { findings: Finding[] };

/**
 * The findings of the code the file runs from strings, placed at the calls. `depth` is how many
 * strings deep this file already is.
 */
export function analyseCodeInStrings(
  calls: readonly CodeCall[],
  flow: FlowFacts,
  program: Program,
  depth: number,
  place: (offset: number) => { line: number; column: number },
  file: string,
  analyse: AnalyseCode,
): Finding[] {
  if (calls.length === 0 || depth >= MAX_CODE_DEPTH) return [];
  const resolver = flow.resolverFor(program);
  const findings: Finding[] = [];
  for (const { call, runner, code } of calls.slice(0, MAX_CODE_CALLS)) {
    const decoded = evaluateDecoded(code, resolver, { steps: CODE_EVALUATION_STEPS });
    const at = place(call.start);
    const how = `${runner}(...) at ${at.line}:${at.column + 1}`;
    if (decoded === null || decoded.value.kind !== 'string') {
      // A timer's first argument is nearly always a function held in a variable: no gap to name.
      if (!TIMERS.has(runner)) findings.push(undecodedNote(file, at, how));
      continue;
    }
    const text = decoded.value.value;
    if (text.length > MAX_DECODED_CODE || text.trim() === '') continue;
    const outcome = parse(runner === 'Function' ? `(function () {\n${text}\n})` : text);
    if (!outcome.ok) continue;
    const encoded = decoded.encoding !== 'literal';
    for (const inner of analyse(text, outcome.program).findings) {
      findings.push({
        ...inner,
        file,
        line: at.line,
        column: at.column,
        severity: encoded ? raisedSeverity(inner.severity) : inner.severity,
        message: `${inner.message.replace(/\.$/, '')}, in code ${encoded ? `decoded from ${decoded.encoding}` : 'held in a string'} and run by ${how}.`,
        evidence: {
          ...inner.evidence,
          details: {
            ...inner.evidence.details,
            runBy: runner,
            ...(encoded ? { decodedFrom: decoded.encoding } : {}),
            decodedCode: text.length > EVIDENCE_CODE_CHARS ? `${text.slice(0, EVIDENCE_CODE_CHARS)}…` : text,
          },
        },
        identity: `in-string|${inner.ruleId}|${inner.identity}`,
      });
    }
  }
  return findings;
}

function undecodedNote(file: string, at: { line: number; column: number }, how: string): Finding {
  return {
    ruleId: 'analysis-evasion',
    severity: 'info',
    file,
    line: at.line,
    column: at.column,
    message: `${file} runs code built at run time with ${how} that could not be decoded, so what it runs was not analysed.`,
    introduced: false,
    evidence: { snippet: '', details: { reason: 'dynamic-code', runBy: how } },
    identity: `analysis-evasion|dynamic-code|${how.slice(0, how.indexOf('('))}`,
  };
}

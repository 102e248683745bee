/**
 * Turns a package file into an AST, or into a reason it could not. Parsing is the dominant cost,
 * so there are no `locations` (30-50 % slower): positions are derived from offsets only for the
 * findings that need them (see `source-locator.ts`).
 *
 * Real packages ship more than standard JavaScript under `.js`: JSX, Flow or TypeScript syntax
 * meant for a bundler, top-level `return` in CommonJS, top-level `await` in ESM. Each retry below
 * runs only after the previous attempt failed, so standard files pay for one parse.
 */
import { exceedsParseNesting } from './nesting-depth.js';
import { Parser, parse as acornParse, type Options, type Program } from 'acorn';
import acornJsx from 'acorn-jsx';
import { parse as looseParse } from 'acorn-loose';
import { isUtf8 } from 'node:buffer';

export type ParseOutcome =
  | {
      ok: true;
      program: Program;
      sourceType: 'module' | 'script';
      /** Set when the file needed the JSX grammar (JSX is bundler syntax, not node's). */
      dialect?: 'jsx';
      /**
       * Set when only acorn-loose could read the file: its AST skips or invents nodes around the
       * errors, so the analysis of this file is partial. Holds the strict parser's error.
       */
      partial?: string;
      /** Offset of the strict parser's error, for a partial parse. */
      errorOffset?: number;
    }
  | { ok: false; kind: ParseFailureKind; reason: string; errorOffset?: number };

export const PARSE_FAILURE_KINDS = ['syntax', 'too-deep', 'time-budget'] as const;
export type ParseFailureKind = (typeof PARSE_FAILURE_KINDS)[number];

export interface ParseOptions {
  /** Whether `.jsx` files may go straight to the JSX grammar after the standard attempts. */
  jsx?: boolean;
  /** Asked between attempts: a file that already used its time is not parsed again. */
  overBudget?: () => boolean;
}

const MODULE_OPTIONS: Options = Object.freeze({
  ecmaVersion: 'latest',
  sourceType: 'module',
  allowHashBang: true,
});

/** CommonJS files may `return` at the top level (node wraps them in a function). */
const SCRIPT_OPTIONS: Options = Object.freeze({
  ecmaVersion: 'latest',
  sourceType: 'script',
  allowHashBang: true,
  allowReturnOutsideFunction: true,
});

/**
 * acorn-loose never fails: it is the last resort that still lets the detectors see most of a file
 * with Flow or TypeScript annotations. Top-level `await` stays legal so ESM keeps its shape.
 */
const LOOSE_OPTIONS: Options = Object.freeze({
  ecmaVersion: 'latest',
  sourceType: 'module',
  allowHashBang: true,
  allowReturnOutsideFunction: true,
  allowAwaitOutsideFunction: true,
});

export const TOO_DEEP_REASON = 'too deeply nested to parse';
export const TIME_BUDGET_REASON = 'parsing used the time budget of the file';

/** Built on first use: no work at import time. */
let jsxParser: typeof Parser | undefined;

/**
 * Module, then script (sloppy mode: `with`, octal literals, top-level `return`), then the JSX
 * grammar when the error sits on a `<` (or the file is `.jsx`), then acorn-loose. acorn recurses
 * while parsing, so hostile nesting exhausts the stack; that is reported as a reason rather than
 * thrown, and no retry is made (every grammar recurses the same way).
 */
export function parse(source: string, options: ParseOptions = {}): ParseOutcome {
  // Some nesting aborts the process inside acorn instead of throwing: never hand it over.
  if (exceedsParseNesting(source)) return tooDeep();
  let moduleError: unknown;
  try {
    return { ok: true, program: acornParse(source, MODULE_OPTIONS), sourceType: 'module' };
  } catch (error) {
    if (isTooDeep(error)) return tooDeep();
    moduleError = error;
  }
  if (options.overBudget?.() === true) return overBudget(moduleError);
  let best: unknown;
  try {
    return { ok: true, program: acornParse(source, SCRIPT_OPTIONS), sourceType: 'script' };
  } catch (scriptError) {
    if (isTooDeep(scriptError)) return tooDeep();
    // The attempt that got further names the real mistake: an ES module with a typo fails as a
    // script at its first `import`, a CommonJS file fails as a module at its first `with`.
    best = errorOffset(scriptError) > errorOffset(moduleError) ? scriptError : moduleError;
  }

  const offset = errorOffset(best);
  if (options.jsx === true || source.charCodeAt(offset) === LESS_THAN) {
    if (options.overBudget?.() === true) return overBudget(best);
    jsxParser ??= Parser.extend(acornJsx());
    for (const [grammar, sourceType] of [
      [MODULE_OPTIONS, 'module'],
      [SCRIPT_OPTIONS, 'script'],
    ] as const) {
      try {
        return { ok: true, program: jsxParser.parse(source, grammar), sourceType, dialect: 'jsx' };
      } catch (error) {
        if (isTooDeep(error)) return tooDeep();
      }
    }
  }

  if (options.overBudget?.() === true) return overBudget(best);
  try {
    return {
      ok: true,
      program: unshare(looseParse(source, LOOSE_OPTIONS)),
      sourceType: 'module',
      partial: describeParseError(best),
      ...(offset >= 0 ? { errorOffset: offset } : {}),
    };
  } catch (error) {
    if (isTooDeep(error)) return tooDeep();
    return { ok: false, kind: 'syntax', reason: describeParseError(best), ...(offset >= 0 ? { errorOffset: offset } : {}) };
  }
}

const LESS_THAN = 0x3c;

/** acorn-loose's own placeholder name for what it could not read. */
const DUMMY_NAME = '\u2716';

/**
 * acorn-loose puts the same node object in two places when it re-reads an expression (e.g.
 * `[...(` nested): the tree becomes a DAG, and every walk of it is exponential in the nesting
 * (measured: 2^(depth/4) visits, minutes at depth 100). Each node keeps its first place; later
 * references become placeholders. Linear: a node is entered once.
 */
function unshare(program: Program): Program {
  const seen = new Set<object>([program]);
  const stack: Record<string, unknown>[] = [program as unknown as Record<string, unknown>];
  const keep = (child: Record<string, unknown>): Record<string, unknown> => {
    if (!seen.has(child)) {
      seen.add(child);
      stack.push(child);
      return child;
    }
    return { type: 'Identifier', name: DUMMY_NAME, start: child.start, end: child.end };
  };
  for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
    for (const key of Object.keys(node)) {
      const value = node[key];
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) {
          const child: unknown = value[i];
          if (isNodeLike(child)) value[i] = keep(child);
        }
      } else if (isNodeLike(value)) {
        node[key] = keep(value);
      }
    }
  }
  return program;
}

function isNodeLike(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string';
}

function tooDeep(): ParseOutcome {
  return { ok: false, kind: 'too-deep', reason: TOO_DEEP_REASON };
}

function overBudget(error: unknown): ParseOutcome {
  const offset = errorOffset(error);
  return {
    ok: false,
    kind: 'time-budget',
    reason: `${TIME_BUDGET_REASON} before it parsed (${describeParseError(error)})`,
    ...(offset >= 0 ? { errorOffset: offset } : {}),
  };
}

/** acorn turns its own stack overflow into a SyntaxError with this message; older versions leak the RangeError. */
function isTooDeep(error: unknown): boolean {
  return (
    error instanceof RangeError ||
    (error instanceof SyntaxError && error.message.startsWith('Not enough stack space'))
  );
}

function errorOffset(error: unknown): number {
  if (typeof error === 'object' && error !== null && 'pos' in error && typeof error.pos === 'number') {
    return error.pos;
  }
  return -1;
}

function describeParseError(error: unknown): string {
  // acorn's messages end with "(line:column)", so the position is kept without `locations`.
  if (error instanceof SyntaxError) return `syntax error: ${error.message}`;
  if (error instanceof Error) return `parser failed: ${error.message}`;
  return `parser failed: ${String(error)}`;
}

export interface DecodedSource {
  text: string;
  /** Bytes that are not UTF-8 were replaced by U+FFFD: strings in the file may be altered. */
  invalidUtf8: boolean;
}

/**
 * UTF-8 text of a file, without the byte-order mark some editors write. Invalid bytes become
 * U+FFFD, as node itself reads them: the code node would run is what is analysed.
 */
export function decodeText(content: Uint8Array): DecodedSource {
  const buffer = Buffer.from(content.buffer, content.byteOffset, content.byteLength);
  const decoded = buffer.toString('utf8');
  const text = decoded.charCodeAt(0) === 0xfeff ? decoded.slice(1) : decoded;
  // A replacement character is rare in real code, so the strict check runs only when one is there.
  const invalidUtf8 = text.includes('\uFFFD') && !isUtf8(buffer);
  return { text, invalidUtf8 };
}

/** UTF-8 text of a file, without the byte-order mark some editors write. */
export function decodeSource(content: Uint8Array): string {
  return decodeText(content).text;
}

/**
 * Turns a package file into an AST, or into a reason it could not. Parsing is the dominant cost,
 * so there are no `locations` (30-50 % slower): positions are derived from offsets only for the
 * findings that need them (see `source-locator.ts`).
 */
import { parse as acornParse, type Options, type Program } from 'acorn';

export type ParseOutcome =
  | { ok: true; program: Program; sourceType: 'module' | 'script' }
  | { ok: false; reason: string };

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

export const TOO_DEEP_REASON = 'too deeply nested to parse';

/**
 * Parses as a module first, then as a script (sloppy mode: `with`, octal literals, top-level
 * `return`). acorn recurses while parsing, so hostile nesting exhausts the stack; that is
 * reported as a reason rather than thrown.
 */
export function parse(source: string): ParseOutcome {
  let moduleError: unknown;
  try {
    return { ok: true, program: acornParse(source, MODULE_OPTIONS), sourceType: 'module' };
  } catch (error) {
    // Nesting fails the same way as a script: do not pay for a second attempt.
    if (isTooDeep(error)) return { ok: false, reason: TOO_DEEP_REASON };
    moduleError = error;
  }
  try {
    return { ok: true, program: acornParse(source, SCRIPT_OPTIONS), sourceType: 'script' };
  } catch (scriptError) {
    if (isTooDeep(scriptError)) return { ok: false, reason: TOO_DEEP_REASON };
    // The attempt that got further names the real mistake: an ES module with a typo fails as a
    // script at its first `import`, a CommonJS file fails as a module at its first `with`.
    const best = errorOffset(scriptError) > errorOffset(moduleError) ? scriptError : moduleError;
    return { ok: false, reason: describeParseError(best) };
  }
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

/** UTF-8 text of a file, without the byte-order mark some editors write. */
export function decodeSource(content: Uint8Array): string {
  const text = Buffer.from(content.buffer, content.byteOffset, content.byteLength).toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/**
 * A linear pre-scan of how deeply a file nests, before acorn sees it. acorn recurses per level:
 * ordinary deep input ends in a catchable RangeError, but some shapes (a few hundred nested
 * template substitutions) make V8 abort the whole process ("RegExpCompiler Allocation failed"),
 * which no try/catch can stop. Files past these limits are reported as too deep and searched as
 * text instead of parsed.
 *
 * The scan skips strings, comments, template text and regex literals (by the usual "can a regex
 * start here" heuristic), so brackets inside them do not count. A misjudged `/` only shifts the
 * count by a little; the limits sit far above anything real code does.
 */

/** Bracket nesting (`(`, `[`, `{`) past which acorn fails anyway on this runtime's stack. */
export const MAX_BRACKET_NESTING = 1_000;
/** Nested template substitutions: real code nests a handful; V8 aborts at a few hundred. */
export const MAX_TEMPLATE_NESTING = 100;

const enum Code {
  Newline = 10,
  Quote = 34,
  Dollar = 36,
  Apostrophe = 39,
  ParenOpen = 40,
  ParenClose = 41,
  Star = 42,
  Slash = 47,
  BracketOpen = 91,
  Backslash = 92,
  BracketClose = 93,
  Backtick = 96,
  BraceOpen = 123,
  BraceClose = 125,
}

/** Characters after which a `/` starts a regex rather than a division. */
const REGEX_AFTER = new Set('(,=:[!&|?{};+-*%<>~^'.split('').map((c) => c.charCodeAt(0)));
/** Words after which a `/` starts a regex. */
const REGEX_AFTER_WORDS = new Set(['return', 'typeof', 'case', 'do', 'else', 'in', 'of', 'new', 'delete', 'void', 'throw', 'yield', 'await', 'instanceof']);

/** ASCII characters that can be part of a name (`$`, `_`, letters, digits); every non-ASCII one counts too. */
const WORD_ASCII = new Uint8Array(128);
for (let code = 0; code < 128; code++) {
  WORD_ASCII[code] = (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 36 || code === 95 ? 1 : 0;
}

function isWordChar(code: number): boolean {
  return code > 127 || WORD_ASCII[code] === 1;
}

/**
 * True when the file nests deeper than acorn can safely parse. Deep brackets usually end in a
 * SyntaxError acorn throws ("Not enough stack space"), but with the stack nearly exhausted V8 can
 * also abort while compiling a regex (seen with 20k nested functions), so brackets count too.
 */
export function exceedsParseNesting(source: string, maxBrackets = MAX_BRACKET_NESTING, maxTemplates = MAX_TEMPLATE_NESTING): boolean {
  const length = source.length;
  let depth = 0;
  /** Bracket depth at which each open template substitution started. */
  const substitutions: number[] = [];
  let previous = 0; // last significant character outside strings and comments, 0 at the start
  let wordStart = -1;
  /** The last word before the current character, as offsets: sliced only when a `/` needs it. */
  let lastWordStart = -1;
  let lastWordEnd = -1;
  let i = 0;

  /** Scans template text from `i`; stops after the closing backtick or after a `${`. */
  const templateText = (): boolean => {
    while (i < length) {
      const code = source.charCodeAt(i);
      if (code === Code.Backslash) {
        i += 2;
      } else if (code === Code.Backtick) {
        i += 1;
        previous = Code.Backtick;
        return false;
      } else if (code === Code.Dollar && source.charCodeAt(i + 1) === Code.BraceOpen) {
        i += 2;
        substitutions.push(depth);
        depth += 1;
        previous = Code.BraceOpen;
        return substitutions.length > maxTemplates || depth > maxBrackets;
      } else {
        i += 1;
      }
    }
    return false;
  };

  while (i < length) {
    const code = source.charCodeAt(i);
    if (isWordChar(code)) {
      // Runs of name characters are most of a file: skip them in one tight loop.
      const start = i;
      do i += 1;
      while (i < length && isWordChar(source.charCodeAt(i)));
      if (wordStart < 0) wordStart = start;
      previous = source.charCodeAt(i - 1);
      continue;
    }
    if (wordStart >= 0) {
      lastWordStart = wordStart;
      lastWordEnd = i;
      wordStart = -1;
    } else if (code > 32) {
      lastWordEnd = -1;
    }
    switch (code) {
      case Code.Quote:
      case Code.Apostrophe: {
        i += 1;
        while (i < length) {
          const c = source.charCodeAt(i);
          if (c === Code.Backslash) i += 2;
          else if (c === code || c === Code.Newline) break;
          else i += 1;
        }
        i += 1;
        previous = code;
        continue;
      }
      case Code.Backtick:
        i += 1;
        if (templateText()) return true;
        continue;
      case Code.Slash: {
        const next = source.charCodeAt(i + 1);
        if (next === Code.Slash) {
          const end = source.indexOf('\n', i);
          i = end < 0 ? length : end;
          continue;
        }
        if (next === Code.Star) {
          const end = source.indexOf('*/', i + 2);
          i = end < 0 ? length : end + 2;
          continue;
        }
        const word = lastWordEnd >= 0 && isWordChar(previous) ? source.slice(lastWordStart, lastWordEnd) : '';
        const regexHere = previous === 0 || REGEX_AFTER.has(previous) || (word !== '' && REGEX_AFTER_WORDS.has(word));
        i += 1;
        if (regexHere) {
          let inClass = false;
          while (i < length) {
            const c = source.charCodeAt(i);
            if (c === Code.Backslash) i += 2;
            else if (c === Code.Newline) break;
            else if (c === Code.BracketOpen) (inClass = true), (i += 1);
            else if (c === Code.BracketClose) (inClass = false), (i += 1);
            else if (c === Code.Slash && !inClass) break;
            else i += 1;
          }
          i += 1;
          previous = Code.ParenClose; // a regex is a value: a `/` after it divides
        } else {
          previous = code;
        }
        continue;
      }
      case Code.ParenOpen:
      case Code.BracketOpen:
      case Code.BraceOpen:
        depth += 1;
        if (depth > maxBrackets) return true;
        break;
      case Code.BraceClose:
        if (substitutions.length > 0 && substitutions[substitutions.length - 1] === depth - 1) {
          substitutions.pop();
          depth -= 1;
          i += 1;
          if (templateText()) return true;
          continue;
        }
        depth = Math.max(0, depth - 1);
        break;
      case Code.ParenClose:
      case Code.BracketClose:
        depth = Math.max(0, depth - 1);
        break;
      default:
        break;
    }
    if (code > 32) previous = code;
    i += 1;
  }
  return false;
}

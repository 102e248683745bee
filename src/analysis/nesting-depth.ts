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
  Space = 32,
  Quote = 34,
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
const REGEX_AFTER = new Uint8Array(128);
for (const char of '(,=:[!&|?{};+-*%<>~^') REGEX_AFTER[char.charCodeAt(0)] = 1;
/** Words after which a `/` starts a regex. */
const REGEX_AFTER_WORDS = new Set(['return', 'typeof', 'case', 'do', 'else', 'in', 'of', 'new', 'delete', 'void', 'throw', 'yield', 'await', 'instanceof']);
/** Longer names are not sliced to be looked up. */
const LONGEST_REGEX_WORD = Math.max(...[...REGEX_AFTER_WORDS].map((word) => word.length));

/** ASCII characters that can be part of a name (`$`, `_`, letters, digits); every non-ASCII one counts too. */
const WORD_ASCII = new Uint8Array(128);
for (let code = 0; code < 128; code++) {
  WORD_ASCII[code] = (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 36 || code === 95 ? 1 : 0;
}

function isWordChar(code: number): boolean {
  return code > 127 || WORD_ASCII[code] === 1;
}

// Each stretch is crossed by a global regex searching from `lastIndex` for the next character that
// ends it or matters in it: V8's compiled regex loop is two to three times as fast per character
// as a charCodeAt loop, and the JS below then runs once per such stop instead of once per character.
// In ordinary code only quotes, slashes and brackets matter.
const CODE_STOP = /['"`/()[\]{}]/g;
const SINGLE_QUOTED_STOP = /['\\\n]/g;
const DOUBLE_QUOTED_STOP = /["\\\n]/g;
const TEMPLATE_STOP = /[`\\]|\$(?=\{)/g; // the lookahead keeps the match one character long
const REGEX_STOP = /[\\\n[\]/]/g;

/** `CODE_STOP` as a table: when the very next character is one, the regex call is not worth it. */
const IS_CODE_STOP = new Uint8Array(128);
const codeStop = new RegExp(CODE_STOP.source);
for (let code = 0; code < 128; code++) IS_CODE_STOP[code] = codeStop.test(String.fromCharCode(code)) ? 1 : 0;

/** Index of the first character at or after `from` that `stops` (one character long) matches, or the end of `source`. */
function nextStop(stops: RegExp, source: string, from: number): number {
  stops.lastIndex = from;
  return stops.test(source) ? stops.lastIndex - 1 : source.length;
}

/**
 * Index of the first character at or after `from` that `stops` matches and no backslash escapes, or
 * the end: where the text of a string (quote, line end) or of a template (backtick, `${`) ends.
 */
function textEnd(stops: RegExp, source: string, from: number): number {
  let i = nextStop(stops, source, from);
  while (source.charCodeAt(i) === Code.Backslash) i = nextStop(stops, source, i + 2);
  return i;
}

/** Index of the `/` or line end that closes the regex literal whose body starts at `from`, or the end. */
function regexEnd(source: string, from: number): number {
  let inClass = false;
  let i = from;
  while (i < source.length) {
    i = nextStop(REGEX_STOP, source, i);
    const code = source.charCodeAt(i);
    if (code === Code.Backslash) {
      i += 2;
      continue;
    }
    if (code === Code.Newline || (code === Code.Slash && !inClass)) return i;
    if (code === Code.BracketOpen) inClass = true;
    else if (code === Code.BracketClose) inClass = false;
    i += 1;
  }
  return i;
}

/**
 * The last character above a space before `at`. Ordinary code since `runStart` is skipped unread,
 * so it is looked up backwards (only the spaces just before `at` are read); `previous` is the one
 * before `runStart` (0 at the start of the file).
 */
function significantBefore(source: string, at: number, runStart: number, previous: number): number {
  let j = at - 1;
  while (j >= runStart && source.charCodeAt(j) <= Code.Space) j -= 1;
  return j >= runStart ? source.charCodeAt(j) : previous;
}

/**
 * Whether a `/` at `at` (not a comment) starts a regex: after an operator, an opening bracket or a
 * keyword (`return /a/`), spaces between them or not.
 */
function regexStartsAt(source: string, at: number, runStart: number, previous: number): boolean {
  let end = at;
  while (end > runStart && source.charCodeAt(end - 1) <= Code.Space) end -= 1;
  if (end > runStart && isWordChar(source.charCodeAt(end - 1))) {
    let start = end - 1;
    while (start > runStart && end - start <= LONGEST_REGEX_WORD && isWordChar(source.charCodeAt(start - 1))) start -= 1;
    return end - start <= LONGEST_REGEX_WORD && REGEX_AFTER_WORDS.has(source.slice(start, end));
  }
  const before = end > runStart ? source.charCodeAt(end - 1) : previous;
  return before === 0 || (before < 128 && REGEX_AFTER[before] === 1);
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
  /** Start of the ordinary code being skipped, and the last significant character before it. */
  let runStart = 0;
  let previous = 0;
  let i = 0;

  while (i < length) {
    let code = source.charCodeAt(i);
    if (code > 127 || IS_CODE_STOP[code] === 0) {
      i = nextStop(CODE_STOP, source, i);
      if (i === length) break;
      code = source.charCodeAt(i);
    }
    switch (code) {
      case Code.Quote:
      case Code.Apostrophe:
        i = textEnd(code === Code.Quote ? DOUBLE_QUOTED_STOP : SINGLE_QUOTED_STOP, source, i + 1) + 1;
        previous = code;
        break;
      case Code.Slash: {
        const next = source.charCodeAt(i + 1);
        if (next === Code.Slash || next === Code.Star) {
          // A comment leaves the last significant character as it was.
          previous = significantBefore(source, i, runStart, previous);
          const end = next === Code.Slash ? source.indexOf('\n', i + 2) : source.indexOf('*/', i + 2);
          i = end < 0 ? length : next === Code.Slash ? end : end + 2;
        } else if (regexStartsAt(source, i, runStart, previous)) {
          i = regexEnd(source, i + 1) + 1;
          previous = Code.ParenClose; // a regex is a value: a `/` after it divides
        } else {
          i += 1;
          previous = code;
        }
        break;
      }
      case Code.ParenOpen:
      case Code.BracketOpen:
      case Code.BraceOpen:
        depth += 1;
        if (depth > maxBrackets) return true;
        i += 1;
        previous = code;
        break;
      case Code.BraceClose:
      case Code.Backtick:
        if (code === Code.BraceClose) {
          if (substitutions.length === 0 || substitutions[substitutions.length - 1] !== depth - 1) {
            depth = Math.max(0, depth - 1);
            i += 1;
            previous = code;
            break;
          }
          substitutions.pop(); // this `}` closes a substitution: its template's text resumes
          depth -= 1;
        }
        i = textEnd(TEMPLATE_STOP, source, i + 1);
        if (source.charCodeAt(i) === Code.Backtick) {
          i += 1;
          previous = Code.Backtick;
        } else if (i < length) {
          // At `${`: a substitution opens.
          substitutions.push(depth);
          depth += 1;
          if (substitutions.length > maxTemplates || depth > maxBrackets) return true;
          i += 2;
          previous = Code.BraceOpen;
        }
        break;
      default: // `)` and `]`
        depth = Math.max(0, depth - 1);
        i += 1;
        previous = code;
        break;
    }
    runStart = i;
  }
  return false;
}

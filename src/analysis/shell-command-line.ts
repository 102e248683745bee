/**
 * A command line read as a POSIX shell reads it, well enough for the scripts of a package.json
 * and the shell scripts they run: words with their quoting removed, the operators that separate
 * commands (`&&`, `||`, `;`, `|`, `&`, newlines, subshell parentheses), redirections with their
 * targets and here-documents. Nothing is expanded: a word holding `$VAR`, `$(...)` or a backquote
 * is marked as such and keeps its raw text; the commands inside substitutions are handed back,
 * since they run too. `install-commands.ts` decides what the commands run.
 */

export interface Word {
  /** The word as sh reads it: quotes removed, backslash escapes applied. */
  readonly text: string;
  /**
   * The word with its unquoted backslashes kept, as cmd.exe (npm's shell on Windows) passes it on:
   * `node scripts\\setup.js` runs `scripts/setup.js` there.
   */
  readonly literal: string;
  /** Holds an expansion (`$HOME`, `$(...)`, a backquote) whose value is not known here. */
  readonly expanded: boolean;
}

// Sticky (`y`): matched where the reader stands, never on a copy of the rest of a long line.
const REDIRECT_OPERATOR = /<<<|<<-|<<|<&|<>|<|&>>|&>|>>|>&|>\||>/y;
const HEREDOC_DELIMITER = /[ \t]*(?:'[^'\n]*'|"[^"\n]*"|\\.|[^\s;&|<>()])+/y;
const PARAMETER_NAME = /[A-Za-z_][A-Za-z0-9_]*|[0-9@*#?$!-]/y;

type Operator = '&&' | '||' | ';' | ';;' | '|' | '&' | '\n' | '(' | ')';

interface RedirectToken {
  readonly kind: 'redirect';
  readonly op: string;
  /** The body of a here-document (`<<EOF`), filled in once its lines are read. */
  body: string | undefined;
}

type Token = { readonly kind: 'word'; readonly word: Word } | { readonly kind: 'operator'; readonly op: Operator } | RedirectToken;

interface LexedLine {
  readonly tokens: readonly Token[];
  readonly substitutions: readonly string[];
  readonly problems: readonly string[];
}

export interface CommandLine {
  readonly items: readonly Item[];
  /** The commands inside `$(...)` and backquotes, in order: they run too. */
  readonly substitutions: readonly string[];
  /** What made the line unreadable past some point; empty for a line sh would accept. */
  readonly problems: readonly string[];
}

export function readCommandLine(line: string): CommandLine {
  const { tokens, substitutions, problems } = lexCommandLine(line);
  return { items: commandItems(tokens), substitutions, problems };
}

/**
 * Splits a command line into words, operators and redirections with POSIX quoting: single quotes
 * take everything literally, double quotes let `\` escape only `$`, `` ` ``, `"`, `\` and a newline,
 * an unquoted `\` escapes any character. An unterminated quote or substitution is a problem, and
 * the rest of the line is read as its content, so nothing written there is lost.
 */
function lexCommandLine(line: string): LexedLine {
  const tokens: Token[] = [];
  const substitutions: string[] = [];
  const problems: string[] = [];
  const heredocs: { token: RedirectToken; delimiter: string; stripTabs: boolean }[] = [];
  let text = '';
  let literal = '';
  let expanded = false;
  let started = false;
  let quoted = false;
  let i = 0;

  const append = (cooked: string, raw = cooked): void => {
    text += cooked;
    literal += raw;
    started = true;
  };
  const finishWord = (): void => {
    if (started) tokens.push({ kind: 'word', word: { text, literal, expanded } });
    text = '';
    literal = '';
    expanded = false;
    started = false;
    quoted = false;
  };
  /** Reads `$...` or a backquote at `i`, appending its raw text: the value is not known here. */
  const readExpansion = (): void => {
    const expansion = expansionAt(line, i);
    if (expansion === null) {
      append(line[i] ?? '');
      i++;
      return;
    }
    if (expansion.unterminated) problems.push(`unterminated ${expansion.what} at offset ${i}`);
    if (expansion.command !== undefined) substitutions.push(expansion.command);
    append(line.slice(i, expansion.end));
    expanded = true;
    i = expansion.end;
  };
  const readHeredocBodies = (): void => {
    // The lines after the one holding `<<EOF` are the document, up to a line that is the delimiter.
    for (const heredoc of heredocs) {
      const lines: string[] = [];
      let closed = false;
      while (i < line.length) {
        const newline = line.indexOf('\n', i);
        const end = newline < 0 ? line.length : newline;
        const raw = line.slice(i, end);
        i = end + 1;
        const content = heredoc.stripTabs ? raw.replace(/^\t+/, '') : raw;
        if (content === heredoc.delimiter) {
          closed = true;
          break;
        }
        lines.push(content);
      }
      if (!closed) problems.push(`here-document ending in ${heredoc.delimiter} is not closed`);
      heredoc.token.body = lines.length === 0 ? '' : `${lines.join('\n')}\n`;
    }
    heredocs.length = 0;
  };

  while (i < line.length) {
    const c = line[i] ?? '';
    if (c === ' ' || c === '\t' || c === '\r') {
      finishWord();
      i++;
    } else if (c === '\n') {
      finishWord();
      tokens.push({ kind: 'operator', op: '\n' });
      i++;
      if (heredocs.length > 0) readHeredocBodies();
    } else if (c === '#' && !started) {
      const newline = line.indexOf('\n', i);
      i = newline < 0 ? line.length : newline;
    } else if (c === "'") {
      let end = line.indexOf("'", i + 1);
      if (end < 0) {
        problems.push(`unterminated single quote at offset ${i}`);
        end = line.length;
      }
      append(line.slice(i + 1, end));
      quoted = true;
      i = end + 1;
    } else if (c === '"') {
      quoted = true;
      started = true;
      i++;
      let closed = false;
      while (i < line.length) {
        const d = line[i] ?? '';
        if (d === '"') {
          closed = true;
          i++;
          break;
        }
        if (d === '\\') {
          const next = line[i + 1];
          if (next !== undefined && '$`"\\\n'.includes(next)) {
            if (next !== '\n') append(next);
            i += 2;
          } else {
            append('\\');
            i++;
          }
        } else if (d === '$' || d === '`') {
          readExpansion();
        } else {
          append(d);
          i++;
        }
      }
      if (!closed) problems.push('unterminated double quote');
    } else if (c === '\\') {
      const next = line[i + 1];
      if (next === undefined) {
        append('\\');
        i++;
      } else if (next === '\n') {
        // A line continuation joins the lines.
        i += 2;
      } else {
        append(next, `\\${next}`);
        i += 2;
      }
    } else if (c === '$' || c === '`') {
      readExpansion();
    } else if (c === '<' || c === '>' || (c === '&' && line[i + 1] === '>')) {
      // `2>&1`: digits right before the operator number a file descriptor, they are no argument.
      if (started && !quoted && !expanded && /^\d+$/.test(text)) {
        text = '';
        literal = '';
        started = false;
      }
      finishWord();
      const op = matchAt(REDIRECT_OPERATOR, line, i) ?? c;
      i += op.length;
      const token: RedirectToken = { kind: 'redirect', op, body: undefined };
      tokens.push(token);
      if (op === '<<' || op === '<<-') {
        heredocs.push({ token, delimiter: heredocDelimiter(line, i), stripTabs: op === '<<-' });
      }
    } else if (c === '&' || c === '|' || c === ';' || c === '(' || c === ')') {
      finishWord();
      const pair = line.slice(i, i + 2);
      const op: Operator =
        pair === '&&' || pair === '||' || pair === ';;' ? pair : pair === '|&' ? '|' : (c as Operator);
      i += pair === '|&' ? 2 : op.length;
      tokens.push({ kind: 'operator', op });
    } else {
      append(c);
      i++;
    }
  }
  finishWord();
  if (heredocs.length > 0) readHeredocBodies();
  return { tokens, substitutions, problems };
}

/** The delimiter word of a here-document, without its quotes (`<<'EOF'` and `<<EOF` close alike). */
function heredocDelimiter(line: string, from: number): string {
  return (matchAt(HEREDOC_DELIMITER, line, from) ?? '').trimStart().replace(/['"\\]/g, '');
}

interface Expansion {
  readonly end: number;
  readonly what: string;
  readonly unterminated: boolean;
  /** The command of a `$(...)` or backquote substitution. */
  readonly command?: string;
}

/** The expansion starting at `start` (a `$` or a backquote), or null for a `$` that is plain text. */
function expansionAt(line: string, start: number): Expansion | null {
  const c = line[start];
  if (c === '`') {
    let i = start + 1;
    let command = '';
    while (i < line.length && line[i] !== '`') {
      if (line[i] === '\\' && i + 1 < line.length) {
        command += line[i + 1] ?? '';
        i += 2;
      } else {
        command += line[i] ?? '';
        i++;
      }
    }
    const unterminated = i >= line.length;
    return { end: unterminated ? line.length : i + 1, what: 'backquote', unterminated, command };
  }
  const next = line[start + 1] ?? '';
  if (next === '(') {
    const end = closingParen(line, start + 2);
    const unterminated = end < 0;
    const inner = line.slice(start + 2, unterminated ? line.length : end);
    // `$((1 + 2))` is arithmetic, not a command.
    const arithmetic = inner.startsWith('(') && inner.endsWith(')');
    return {
      end: unterminated ? line.length : end + 1,
      what: 'command substitution',
      unterminated,
      ...(arithmetic ? {} : { command: inner }),
    };
  }
  if (next === '{') {
    const close = line.indexOf('}', start + 2);
    return { end: close < 0 ? line.length : close + 1, what: 'parameter expansion', unterminated: close < 0 };
  }
  const name = matchAt(PARAMETER_NAME, line, start + 1);
  if (name === undefined) return null;
  return { end: start + 1 + name.length, what: 'parameter', unterminated: false };
}

/** Index of the `)` closing a `$(` whose content starts at `from`, skipping quoted text; -1 if none. */
function closingParen(line: string, from: number): number {
  let depth = 1;
  for (let i = from; i < line.length; i++) {
    const c = line[i];
    if (c === '\\') i++;
    else if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) return -1;
      i = end;
    } else if (c === '"') {
      i++;
      while (i < line.length && line[i] !== '"') i += line[i] === '\\' ? 2 : 1;
    } else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return i;
  }
  return -1;
}


export interface Redirect {
  readonly op: string;
  readonly target: Word | undefined;
  readonly body: string | undefined;
}

export interface SimpleCommand {
  readonly words: Word[];
  readonly redirects: Redirect[];
}

export type Item =
  | { readonly kind: 'command'; readonly command: SimpleCommand; readonly input: SimpleCommand | null }
  | { readonly kind: 'open' }
  | { readonly kind: 'close' };

/** Simple commands in order; `input` is the command piping into this one (`echo x | node`). */
function commandItems(tokens: readonly Token[]): Item[] {
  const items: Item[] = [];
  let words: Word[] = [];
  let redirects: { token: RedirectToken; target: Word | undefined }[] = [];
  let awaiting: { token: RedirectToken; target: Word | undefined } | null = null;
  let input: SimpleCommand | null = null;
  const finish = (op: Operator): void => {
    let command: SimpleCommand | null = null;
    if (words.length > 0 || redirects.length > 0) {
      command = {
        words,
        redirects: redirects.map(({ token, target }) => ({ op: token.op, target, body: token.body })),
      };
      items.push({ kind: 'command', command, input });
    }
    input = op === '|' ? command : null;
    words = [];
    redirects = [];
    awaiting = null;
  };
  for (const token of tokens) {
    if (token.kind === 'word') {
      if (awaiting !== null) {
        awaiting.target = token.word;
        awaiting = null;
      } else words.push(token.word);
    } else if (token.kind === 'redirect') {
      awaiting = { token, target: undefined };
      redirects.push(awaiting);
    } else {
      finish(token.op);
      if (token.op === '(') items.push({ kind: 'open' });
      else if (token.op === ')') items.push({ kind: 'close' });
    }
  }
  finish(';');
  return items;
}

function matchAt(pattern: RegExp, line: string, at: number): string | undefined {
  pattern.lastIndex = at;
  return pattern.exec(line)?.[0];
}

/**
 * Regular expressions of scanned code are data too: we run one only when its shape rules out
 * catastrophic backtracking, and we read the lists they spell (`/^(Europe\/Moscow|Asia\/Omsk)$/`)
 * without running them at all.
 */
import { type RegexRef, type Runtime, unknown } from './model.js';

/**
 * Backtracking over `q` quantified atoms (none of them a group) costs at most about
 * m * n^(q+1) for a pattern of m characters on an input of n: we run a pattern only when that
 * bound stays under this, e.g. a two-character pattern with one quantifier on 5,792 characters.
 */
export const REGEX_WORK_LIMIT = 2 ** 26;
/** Flags we can run safely; `y`, `d` and `v` change matching in ways not worth modelling. */
const RUNNABLE_FLAGS = /^[gimsu]*$/;
/** An alternation expanding to more strings than this is a pattern, not a list. */
export const MAX_REGEX_ALTERNATIVES = 10_000;
/** Groups nested deeper than this are not a list of names. */
const MAX_GROUP_DEPTH = 32;

interface PatternShape {
  quantifiers: number;
  quantifiedGroup: boolean;
  backreference: boolean;
  /** `|` outside classes: each can double the paths a failing match tries (`(a|a)(a|a)...b`). */
  alternations: number;
  /** `(?=`, `(?!`, `(?<=`, `(?<!`: V8 backtracks inside them with no linear-time fallback. */
  lookaround: boolean;
}

function shapeOf(pattern: string): PatternShape {
  const shape: PatternShape = { quantifiers: 0, quantifiedGroup: false, backreference: false, alternations: 0, lookaround: false };
  let inClass = false;
  let previous = '';
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i] ?? '';
    if (char === '\\') {
      const next = pattern[i + 1] ?? '';
      if (!inClass && (/[1-9]/.test(next) || next === 'k')) shape.backreference = true;
      i++;
      previous = 'escape';
      continue;
    }
    if (inClass) {
      if (char === ']') inClass = false;
      previous = ']';
      continue;
    }
    if (char === '[') {
      inClass = true;
      continue;
    }
    if (char === '|') shape.alternations++;
    if (char === '(' && /^\(\?<?[=!]/.test(pattern.slice(i, i + 4))) shape.lookaround = true;
    const counted = char === '{' && /^\{\d+(?:,\d*)?\}/.test(pattern.slice(i, i + 24));
    const quantifier = char === '*' || char === '+' || counted;
    // `?` after `(` opens a group kind, after a quantifier makes it lazy: neither adds backtracking.
    const optional = char === '?' && previous !== '(' && previous !== 'quantifier';
    if (quantifier || optional) {
      shape.quantifiers++;
      if (previous === ')') shape.quantifiedGroup = true;
      previous = 'quantifier';
      continue;
    }
    previous = char;
  }
  return shape;
}

/** A native RegExp for `ref`, or unknown when running it on `inputLength` characters could hang. */
export function compileSafeRegex(ref: RegexRef, inputLength: number, runtime: Runtime): RegExp {
  if (!RUNNABLE_FLAGS.test(ref.flags)) unknown(`regex flags ${ref.flags} not supported`);
  const shape = shapeOf(ref.pattern);
  if (shape.backreference) unknown('regex with a backreference');
  // A quantified group (`(a+)+`, `(a|aa)*`) can backtrack exponentially: never run it.
  if (shape.quantifiedGroup) unknown('regex with a quantified group');
  if (shape.lookaround && (shape.quantifiers > 0 || shape.alternations > 0)) unknown('regex with a lookaround that can backtrack');
  if (regexWorkLog2(ref.pattern.length, inputLength, shape.quantifiers) + shape.alternations > Math.log2(REGEX_WORK_LIMIT)) {
    unknown('regex could backtrack too long on this input');
  }
  runtime.charge(inputLength * (shape.quantifiers + 1));
  try {
    return new RegExp(ref.pattern, ref.flags);
  } catch {
    return unknown('invalid regex');
  }
}

/** log2 of the worst-case work bound, in logarithms so that huge bounds do not overflow. */
export function regexWorkLog2(patternLength: number, inputLength: number, quantifiers: number): number {
  return Math.log2(Math.max(patternLength, 1)) + (quantifiers + 1) * Math.log2(Math.max(inputLength, 1));
}

/** Validates a pattern built at run time (`new RegExp(s)`) without running it. */
export function makeRegex(pattern: string, flags: string): RegexRef {
  try {
    new RegExp(pattern, flags);
  } catch {
    unknown('invalid regex');
  }
  return { kind: 'regex', pattern, flags };
}

/**
 * The strings a pattern made only of literal text, groups and `|` matches: `/^(a|b)$/` -> a, b;
 * `/^Europe\/(Moscow|Minsk)$/` -> Europe/Moscow, Europe/Minsk. Null for anything else
 * (classes, quantifiers, wildcards): those are patterns, not lists.
 */
export function regexAlternatives(pattern: string, flags: string): string[] | null {
  let body = pattern;
  if (body.startsWith('^')) body = body.slice(1);
  if (body.endsWith('$') && !isEscaped(body, body.length - 1)) body = body.slice(0, -1);
  const parser = new AlternationParser(body, flags.includes('u'));
  const result = parser.parseAlternation(0);
  if (result === null || parser.position !== body.length) return null;
  return result;
}

function isEscaped(text: string, index: number): boolean {
  let backslashes = 0;
  for (let i = index - 1; i >= 0 && text[i] === '\\'; i--) backslashes++;
  return backslashes % 2 === 1;
}

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = Object.freeze({
  t: '\t',
  n: '\n',
  r: '\r',
  f: '\f',
  v: '\v',
  '0': '\0',
});

class AlternationParser {
  position = 0;
  constructor(
    private readonly text: string,
    private readonly unicode: boolean,
  ) {}

  parseAlternation(depth: number): string[] | null {
    if (depth > MAX_GROUP_DEPTH) return null;
    const all: string[] = [];
    for (;;) {
      const sequence = this.parseSequence(depth);
      if (sequence === null) return null;
      all.push(...sequence);
      if (all.length > MAX_REGEX_ALTERNATIVES) return null;
      if (this.text[this.position] !== '|') return all;
      this.position++;
    }
  }

  private parseSequence(depth: number): string[] | null {
    let expansions: string[] = [''];
    for (;;) {
      const char = this.text[this.position];
      if (char === undefined || char === '|' || char === ')') return expansions;
      let atom: string[] | null;
      if (char === '(') {
        this.position++;
        if (this.text.startsWith('?:', this.position)) this.position += 2;
        else if (this.text[this.position] === '?') return null;
        atom = this.parseAlternation(depth + 1);
        if (atom === null || this.text[this.position] !== ')') return null;
        this.position++;
      } else {
        const literal = this.parseLiteral();
        if (literal === null) return null;
        atom = [literal];
      }
      if (atom.length * expansions.length > MAX_REGEX_ALTERNATIVES) return null;
      const next: string[] = [];
      for (const prefix of expansions) for (const suffix of atom) next.push(prefix + suffix);
      expansions = next;
    }
  }

  private parseLiteral(): string | null {
    const char = this.text[this.position] ?? '';
    if ('^$.*+?[]{}'.includes(char)) return null;
    this.position++;
    if (char !== '\\') return char;
    const next = this.text[this.position];
    if (next === undefined) return null;
    this.position++;
    const simple = SIMPLE_ESCAPES[next];
    if (simple !== undefined) return simple;
    if (next === 'x') return this.hexDigits(2);
    if (next === 'u') {
      if (this.unicode && this.text[this.position] === '{') {
        const close = this.text.indexOf('}', this.position);
        if (close < 0) return null;
        const code = Number.parseInt(this.text.slice(this.position + 1, close), 16);
        this.position = close + 1;
        return Number.isInteger(code) && code <= 0x10ffff ? String.fromCodePoint(code) : null;
      }
      return this.hexDigits(4);
    }
    // `\d`, `\w`, `\b` and friends are classes or assertions; only punctuation escapes to itself.
    return /[A-Za-z0-9]/.test(next) ? null : next;
  }

  private hexDigits(count: number): string | null {
    const digits = this.text.slice(this.position, this.position + count);
    if (digits.length !== count || !/^[0-9a-fA-F]+$/.test(digits)) return null;
    this.position += count;
    return String.fromCharCode(Number.parseInt(digits, 16));
  }
}

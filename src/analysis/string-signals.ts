/**
 * Fingerprint reads found by searching the text of a file that could not be (fully) parsed: a
 * file cut at the size limit, a syntax the parsers refuse, nesting too deep for them. An attacker
 * must not silence the gate by making a file unparsable, so such a file is still searched for the
 * catalogue's names and strings (`facts/sources.ts`), without knowing what code they belong to.
 *
 * Every pattern is linear in the text (no nested or lazy quantifiers over unbounded input), and
 * the catalogue's own string patterns only ever see a short window around an anchor match: the
 * text can be 10 MB on one line.
 */
import {
  INTL_CONSTRUCTORS,
  MEMBER_SOURCES,
  METHOD_SOURCES,
  STRING_SOURCES,
  envSourceKind,
  intlOptionKind,
  stringSources,
  type SourceKind,
  type SourceMatch,
} from './facts/sources.js';

export interface StringSignal extends SourceMatch {
  /** Offset of the first occurrence. */
  readonly offset: number;
  readonly occurrences: number;
}

/** Matches looked at per pattern: a file repeating a name a million times says nothing more. */
export const MAX_MATCHES_PER_PATTERN = 10_000;
/** Characters around an anchor handed to the catalogue's string patterns. */
export const ANCHOR_WINDOW = 200;
/** How far back `Intl.X(...)` is looked for before `.resolvedOptions()`. */
const INTL_LOOKBACK = 120;

/** `process.env.NAME`, `env["NAME"]`, `env['NAME']` under any alias ending in `env`. */
const ENV_PATTERN = /\benv\s*(?:\.\s*([A-Za-z_$][\w$]{0,99})|\[\s*(["'`])([^"'`\\\n]{1,100})\2\s*\])/g;
const INTL_PATTERN = /\bresolvedOptions\s*\(\s*\)(?:\s*\.\s*([A-Za-z]+))?/g;
const INTL_CONSTRUCTOR_PATTERN = /\bIntl\s*\.\s*([A-Za-z]+)/g;

/** Members read by calling them (`os.hostname()`), as minified code writes them too: `(0,o.hostname)()`. */
const CALLED_MEMBERS: ReadonlyMap<string, SourceMatch> = new Map(
  [...Object.entries(MEMBER_SOURCES), ...Object.entries(METHOD_SOURCES).map(([name, match]) => [`.${name}`, match] as const)]
    .filter(([, match]) => match.what.endsWith('()'))
    .map(([path, match]) => [path.slice(path.lastIndexOf('.') + 1), match] as const),
);
const CALL_PATTERN = new RegExp(`\\b(${[...CALLED_MEMBERS.keys()].map(escape).join('|')})\\s*\\)?\\s*\\(`, 'g');

/** Members read as properties of a global (`location.hostname`, `navigator.language`). */
const GLOBAL_MEMBERS: ReadonlyMap<string, SourceMatch> = new Map(
  Object.entries(MEMBER_SOURCES)
    .filter(([, match]) => !match.what.endsWith('()'))
    .map(([path, match]) => [path.split('.').slice(-2).join('.'), match] as const),
);
const GLOBAL_PATTERN = new RegExp(
  `\\b(${[...new Set([...GLOBAL_MEMBERS.keys()].map((key) => key.split('.')[0] ?? ''))].map(escape).join('|')})\\s*\\.\\s*([A-Za-z]+)\\b`,
  'g',
);

/** The most specific word of each catalogue string: where a window is cut for the full pattern. */
const ANCHOR_PATTERN = new RegExp(
  [...new Set(STRING_SOURCES.map((entry) => entry.what.split(/\s+/).pop() ?? entry.what))].map(escape).join('|'),
  'gi',
);

/** Every catalogue read the text mentions, once per (kind, what), in order of first occurrence. */
export function stringSignals(text: string): StringSignal[] {
  const found = new Map<string, { kind: SourceKind; what: string; offset: number; occurrences: number }>();
  const record = (offset: number, match: SourceMatch): void => {
    const key = `${match.kind}|${match.what}`;
    const known = found.get(key);
    if (known === undefined) found.set(key, { kind: match.kind, what: match.what, offset, occurrences: 1 });
    else {
      known.occurrences++;
      if (offset < known.offset) known.offset = offset;
    }
  };

  for (const match of bounded(text, ENV_PATTERN)) {
    const name = match[1] ?? match[3] ?? '';
    const kind = envSourceKind(name);
    if (kind !== null) record(match.index, { kind, what: `process.env.${name}` });
  }
  for (const match of bounded(text, INTL_PATTERN)) {
    const option = match[1];
    const optionKind = option === undefined ? null : intlOptionKind(option);
    const constructor = intlConstructorBefore(text, match.index);
    const origin = `Intl.${constructor}().resolvedOptions()`;
    if (option !== undefined && optionKind !== null) record(match.index, { kind: optionKind, what: `${origin}.${option}` });
    else record(match.index, { kind: constructor === 'DateTimeFormat' ? 'timezone' : 'locale', what: origin });
  }
  for (const match of bounded(text, CALL_PATTERN)) {
    const source = CALLED_MEMBERS.get(match[1] ?? '');
    if (source !== undefined) record(match.index, source);
  }
  for (const match of bounded(text, GLOBAL_PATTERN)) {
    const source = GLOBAL_MEMBERS.get(`${match[1] ?? ''}.${match[2] ?? ''}`);
    if (source !== undefined) record(match.index, source);
  }
  for (const match of bounded(text, ANCHOR_PATTERN)) {
    const start = Math.max(0, match.index - ANCHOR_WINDOW);
    const window = text.slice(start, match.index + match[0].length + ANCHOR_WINDOW);
    for (const source of stringSources(window)) record(match.index, source);
  }

  return [...found.values()].sort((a, b) => a.offset - b.offset || (a.what < b.what ? -1 : a.what > b.what ? 1 : 0));
}

function* bounded(text: string, pattern: RegExp): Generator<RegExpExecArray> {
  let count = 0;
  // matchAll clones the pattern: the shared constant's lastIndex is never touched.
  for (const match of text.matchAll(pattern)) {
    if (++count > MAX_MATCHES_PER_PATTERN) return;
    yield match;
  }
}

/** The Intl constructor named just before `.resolvedOptions()`; DateTimeFormat when none is. */
function intlConstructorBefore(text: string, offset: number): string {
  let last = 'DateTimeFormat';
  for (const match of text.slice(Math.max(0, offset - INTL_LOOKBACK), offset).matchAll(INTL_CONSTRUCTOR_PATTERN)) {
    const name = match[1] ?? '';
    if (INTL_CONSTRUCTORS.has(name)) last = name;
  }
  return last;
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

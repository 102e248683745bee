/**
 * The catalogue of what code can do to the user, as data: network sinks a fingerprint can be
 * sent through, and effects a targeted match can trigger (exit, throw, touch files, spawn,
 * change the UI, delay, open a URL, alter text that is then sent). Paths are canonical (see
 * `scope.ts`): `child_process.execSync` for `require('node:child_process').execSync`.
 */
import type { AnyNode, Node } from 'acorn';
import { type FlowAnalysis, type Taint, unwrap } from './flow.js';
import { memberName } from './member-name.js';
import { disguisedMember, NAME_EVALUATION_STEPS } from './disguised-reads.js';
import type { RefPath } from './scope.js';
import type { SourceKind } from './sources.js';

export const EFFECT_KINDS = [
  'sends',
  'writes-files',
  'spawns',
  'exits',
  'throws',
  'ui',
  'opens-url',
  'delays',
  'alters-text',
  'prints',
] as const;
export type EffectKind = (typeof EFFECT_KINDS)[number];

/** How a message names what a match changes: "... and, on a match, <phrase>". */
export const EFFECT_PHRASES: Readonly<Record<EffectKind, string>> = Object.freeze({
  sends: 'sends data over the network',
  'writes-files': 'writes or deletes files',
  spawns: 'spawns a process',
  exits: 'exits the process',
  throws: 'throws',
  ui: 'changes or blocks the page',
  'opens-url': 'opens a URL',
  delays: 'delays or stalls',
  'alters-text': 'alters text (look-alike characters) that is sent on',
  prints: 'prints a message',
});

/** Effects that harm or report on the user: they make install-time targeting critical. */
export const DESTRUCTIVE_EFFECTS: ReadonlySet<EffectKind> = new Set(['sends', 'writes-files', 'spawns', 'alters-text']);

/** Calls that send their arguments away, by canonical path. */
export const NETWORK_SINKS: Readonly<Record<string, string>> = Object.freeze({
  fetch: 'fetch',
  'http.request': 'http.request',
  'http.get': 'http.get',
  'https.request': 'https.request',
  'https.get': 'https.get',
  'http2.connect': 'http2.connect',
  'net.connect': 'net.connect',
  'net.createConnection': 'net.connect',
  'tls.connect': 'tls.connect',
  'dns.lookup': 'dns.lookup',
  'dns.resolve': 'dns.resolve',
  'dns.resolve4': 'dns.resolve',
  'dns.resolve6': 'dns.resolve',
  'dns.resolveTxt': 'dns.resolve',
  'dns.resolveCname': 'dns.resolve',
  'dns.promises.lookup': 'dns.lookup',
  'dns.promises.resolve': 'dns.resolve',
  'dns.promises.resolveTxt': 'dns.resolve',
  'navigator.sendBeacon': 'navigator.sendBeacon',
  WebSocket: 'WebSocket',
  EventSource: 'EventSource',
  XMLHttpRequest: 'XMLHttpRequest',
  'dgram.createSocket': 'dgram',
});

/** Child processes: their arguments leave the process as surely as a request body. */
export const PROCESS_SINKS: Readonly<Record<string, string>> = Object.freeze({
  'child_process.exec': 'child_process.exec',
  'child_process.execSync': 'child_process.execSync',
  'child_process.execFile': 'child_process.execFile',
  'child_process.execFileSync': 'child_process.execFileSync',
  'child_process.spawn': 'child_process.spawn',
  'child_process.spawnSync': 'child_process.spawnSync',
  'child_process.fork': 'child_process.fork',
});

/** Methods of a request or socket object that write to it (`req.end(body)`, `ws.send(x)`). */
export const STREAM_WRITE_METHODS: ReadonlySet<string> = new Set(['write', 'end', 'send']);

const FILE_WRITES: ReadonlySet<string> = new Set([
  'writeFile', 'writeFileSync', 'appendFile', 'appendFileSync', 'unlink', 'unlinkSync', 'rm', 'rmSync', 'rmdir',
  'rmdirSync', 'rename', 'renameSync', 'truncate', 'truncateSync', 'copyFile', 'copyFileSync', 'createWriteStream',
  'chmod', 'chmodSync', 'open', 'openSync', 'cp', 'cpSync',
]);

const PROCESS_EXITS: ReadonlySet<string> = new Set(['exit', 'abort', 'kill', 'reallyExit']);
const UI_CALLS: ReadonlySet<string> = new Set(['alert', 'confirm', 'prompt', 'document.write', 'document.writeln']);
const URL_OPENERS: ReadonlySet<string> = new Set(['open', 'window.open', 'location.assign', 'location.replace']);
const TIMERS: ReadonlySet<string> = new Set(['setTimeout', 'setInterval']);
// `process._rawDebug` writes to stderr with no formatting: install-time messages use it to get past npm's output handling.
const PRINTERS: ReadonlySet<string> = new Set(['console.log', 'console.warn', 'console.error', 'console.info', 'console.debug', 'console.trace', 'process.stdout.write', 'process.stderr.write', 'process._rawDebug']);

/** A delay this long is a stall, not a debounce. */
export const LONG_DELAY_MS = 10_000;

/** The sink a canonical call path is, or null. */
export function sinkOf(path: RefPath): string | null {
  const key = path.join('.');
  if (Object.hasOwn(NETWORK_SINKS, key)) return NETWORK_SINKS[key] ?? null;
  if (Object.hasOwn(PROCESS_SINKS, key)) return PROCESS_SINKS[key] ?? null;
  return null;
}

/** The effect calling a canonical path has, or null. `delayMs` is the timer's constant delay. */
export function callEffect(path: RefPath, delayMs: number | null): EffectKind | null {
  const key = path.join('.');
  const root = path[0];
  const last = path[path.length - 1] ?? '';
  if (Object.hasOwn(NETWORK_SINKS, key)) return 'sends';
  if (Object.hasOwn(PROCESS_SINKS, key)) return 'spawns';
  if (root === 'fs' && FILE_WRITES.has(last)) return 'writes-files';
  if (root === 'process' && path.length === 2 && PROCESS_EXITS.has(last)) return 'exits';
  if (UI_CALLS.has(key)) return 'ui';
  if (URL_OPENERS.has(key)) return 'opens-url';
  if (TIMERS.has(key)) return delayMs !== null && delayMs >= LONG_DELAY_MS ? 'delays' : null;
  if (PRINTERS.has(key)) return 'prints';
  return null;
}

/** Assigning these members changes what the user sees or where the page goes. */
const UI_MEMBERS: ReadonlySet<string> = new Set(['innerHTML', 'outerHTML', 'innerText', 'textContent']);
const URL_MEMBERS: ReadonlySet<string> = new Set(['location', 'location.href', 'document.location', 'document.location.href']);

/** The effect of assigning to a canonical path (or to `<anything>.<member>`), or null. */
export function assignmentEffect(path: RefPath | null, member: string | null): EffectKind | null {
  const key = path?.join('.') ?? '';
  if (URL_MEMBERS.has(key)) return 'opens-url';
  if (key.startsWith('document.body') || key === 'document.title') return 'ui';
  if (member !== null && UI_MEMBERS.has(member)) return 'ui';
  return null;
}

/** Typographic look-alikes of ASCII punctuation, zero-width and bidi controls, odd spaces. */
const INVISIBLE_MARK_CLASS = '[\\u2018\\u2019\\u201A\\u201B\\u201C\\u201D\\u2032\\u2033\\u2035\\u02B9\\u02BB\\u02BC\\u00B4\\uFF07\\u200B-\\u200F\\u2060\\u2062-\\u2064\\uFEFF\\u202A-\\u202E\\u00A0\\u2009\\u202F]';
const INVISIBLE_MARKS = new RegExp(INVISIBLE_MARK_CLASS);
const INVISIBLE_MARKS_ALL = new RegExp(INVISIBLE_MARK_CLASS, 'g');
/** Cyrillic and Greek letters drawn like Latin ones: a mark only when mixed into Latin text. */
const LOOK_ALIKE_LETTERS = /[\u0430\u0435\u043E\u0440\u0441\u0445\u0443\u0456\u0458\u0455\u03BF\u03B1]/;
const LATIN = /[A-Za-z]/;

/**
 * True when a string carries characters used to mark text invisibly (covert signalling): a
 * look-alike quote or an invisible control, or a Cyrillic/Greek look-alike mixed into Latin text.
 * Plain Russian or Greek text is not a mark.
 */
export function hasLookAlike(text: string): boolean {
  return INVISIBLE_MARKS.test(text) || mixedWords(text).length > 0;
}

/**
 * Words that mix Latin letters with Cyrillic or Greek look-alikes (`pаypal`): the homoglyph
 * mark. A message with Russian sentences and a Latin URL mixes scripts across words, not inside one.
 */
function mixedWords(text: string): string[] {
  if (!LOOK_ALIKE_LETTERS.test(text) || !LATIN.test(text)) return [];
  return (text.match(/[\p{L}]+/gu) ?? []).filter((word) => LATIN.test(word) && LOOK_ALIKE_LETTERS.test(word));
}

/** The marking characters in a text (look-alike punctuation, invisible controls, look-alike letters). */
export function lookAlikeMarks(text: string): string[] {
  const marks = new Set<string>(text.match(INVISIBLE_MARKS_ALL) ?? []);
  for (const word of mixedWords(text)) for (const letter of word.match(new RegExp(LOOK_ALIKE_LETTERS.source, 'g')) ?? []) marks.add(letter);
  return [...marks];
}

/** A fingerprint reaching a sink: which sink, where, and the value's source. */
export interface SinkFlow {
  readonly sink: string;
  /** How the sink's name was hidden (`http[name]` with the name built from char codes), when it was. */
  readonly disguise?: string;
  /** The sink call. */
  readonly start: number;
  /** The argument carrying the value. */
  readonly argumentStart: number;
  readonly taint: Taint;
}

/**
 * Sources whose value is the destination itself: an HTTP client connecting to the user's own
 * `*_BASE_URL` or through `HTTPS_PROXY` sends nothing about the user.
 */
export const DESTINATION_KINDS: ReadonlySet<SourceKind> = new Set(['endpoint', 'proxy']);

/** Last names of sink paths and stream writes: the cheap test before any scope lookup. */
const SINK_NAMES: ReadonlySet<string> = new Set([
  ...[...Object.keys(NETWORK_SINKS), ...Object.keys(PROCESS_SINKS)].map((key) => key.slice(key.lastIndexOf('.') + 1)),
  ...STREAM_WRITE_METHODS,
]);

/** Every call in the file that hands a fingerprint to a network or process sink. */
export function findSinkFlows(flow: FlowAnalysis): SinkFlow[] {
  const flows: SinkFlow[] = [];
  for (const node of flow.candidates.calls) {
    const call = node as AnyNode;
    if (call.type !== 'CallExpression' && call.type !== 'NewExpression') continue;
    let callee = unwrap(call.callee);
    let name = callee.type === 'Identifier' ? callee.name : callee.type === 'MemberExpression' ? memberName(callee) : null;
    let args = call.arguments as Node[];
    let via: string | undefined;
    // `https.get.call(https, url)`, `.apply(https, [url])`: the sink, its arguments shifted.
    if (call.type === 'CallExpression' && callee.type === 'MemberExpression' && (name === 'call' || name === 'apply')) {
      via = `.${name}`;
      args = args.slice(1);
      callee = unwrap(callee.object);
      name = callee.type === 'Identifier' ? callee.name : callee.type === 'MemberExpression' ? memberName(callee) : null;
    }
    let sink: string | null = null;
    let disguise: string | undefined;
    if (name !== null && SINK_NAMES.has(name)) sink = sinkOfCall(flow, callee, name);
    if (sink === null) {
      const found = hiddenSink(flow, callee);
      sink = found?.sink ?? null;
      disguise = found?.how;
    }
    if (sink === null) continue;
    if (via !== undefined) disguise = disguise === undefined ? `called through ${via}` : `${disguise}, called through ${via}`;
    for (const argument of args) {
      const taint = flow.taintOf(argument);
      if (taint === null || DESTINATION_KINDS.has(taint.source.kind)) continue;
      flows.push({ sink, start: call.start, argumentStart: argument.start, taint, ...(disguise === undefined ? {} : { disguise }) });
      break;
    }
  }
  return flows;
}

/**
 * A sink reached without its name in the call: `http[m]` with the name built elsewhere,
 * `Reflect.get(https, 'get')`, or a variable holding `https.get.bind(https)`.
 */
function hiddenSink(flow: FlowAnalysis, callee: AnyNode): { sink: string; how: string | undefined } | null {
  // `Object.getOwnPropertyDescriptor(https, 'get').value(url)`: the descriptor's value is the sink.
  const described = callee.type === 'MemberExpression' && !callee.computed && memberName(callee) === 'value' ? unwrap(callee.object) : null;
  if (described?.type === 'CallExpression') return hiddenSink(flow, described);
  if ((callee.type === 'MemberExpression' && callee.computed) || callee.type === 'CallExpression') {
    const member = disguisedMember(callee, flow, { steps: NAME_EVALUATION_STEPS });
    const sink = member === null ? null : sinkOf(member.path);
    return sink === null || member === null ? null : { sink, how: member.plain ? undefined : member.how };
  }
  if (callee.type !== 'Identifier') return null;
  const binding = flow.bindingOf(callee)?.binding;
  if (binding === null || binding === undefined || binding.init === null || binding.path?.length !== 0) return null;
  const bound = unwrap(binding.init);
  if (bound.type !== 'CallExpression') return null;
  const bind = unwrap(bound.callee);
  if (bind.type !== 'MemberExpression' || memberName(bind) !== 'bind') return null;
  const target = unwrap(bind.object);
  const path = flow.resolvePath(target);
  const direct = path === null ? null : sinkOf(path);
  if (direct !== null) return { sink: direct, how: 'bound with .bind' };
  const found = hiddenSink(flow, target);
  return found === null ? null : { sink: found.sink, how: found.how === undefined ? 'bound with .bind' : `${found.how}, bound with .bind` };
}

function sinkOfCall(flow: FlowAnalysis, callee: AnyNode, name: string): string | null {
  const path = flow.resolvePath(callee);
  const direct = path === null ? null : sinkOf(path);
  if (direct !== null) return direct;
  // `const req = https.request(...); req.end(body)`: writing to what a sink returned.
  if (!STREAM_WRITE_METHODS.has(name) || callee.type !== 'MemberExpression') return null;
  const object = unwrap(callee.object);
  if (object.type !== 'Identifier') return null;
  const binding = flow.bindingOf(object)?.binding;
  if (binding === null || binding === undefined || binding.init === null || binding.path?.length !== 0) return null;
  const created = unwrap(binding.init);
  if (created.type !== 'CallExpression' && created.type !== 'NewExpression') return null;
  const createdPath = flow.resolvePath(created.callee);
  return createdPath === null ? null : sinkOf(createdPath);
}



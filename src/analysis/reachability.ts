/**
 * Which code of a package runs, and when: the require/import graph from the install scripts and
 * the entry points. Files are handed out in the order their kind becomes certain (install code,
 * then entry points, then what they reach, then the rest), so each file is parsed and walked once
 * and its detectors already know its kind.
 *
 * The graph is built from the imports each analysed file declares (collected during the detector
 * walk, see `importCollector`). A `require` whose argument is not a literal makes the graph
 * incomplete; the attacker model is a payload moved into `test/x.js` and loaded by a computed
 * name, so such files are treated as reachable (never `unreached`), not guessed away.
 *
 * Inline code of the install scripts (`node -e "require('./x')"`) is a node of the graph like a
 * file: its imports resolve from the directory it runs in, as node resolves them.
 */
import type { Node } from 'acorn';
import type { Detector, VisitorHandler } from './detector.js';
import type { EntryPoints } from './entry-points.js';
import type { InstallScript } from './install-commands.js';
import type { CodeKind } from '../report/report.js';
import { EVAL_MODULE, evalModulePath } from './install-commands.js';
import { dirname, normalizePath, resolveSegments } from './package-paths.js';
import { walk } from './walk.js';

/** The imports one file declares. */
export interface ImportScan {
  /** Literal specifiers of `require`, `import`, `import()`, `export ... from`, in source order. */
  readonly specifiers: readonly string[];
  /**
   * Relative directory prefixes of imports whose name is computed (`require('./locale/' + l)`
   * gives `./locale/`); `./` when nothing of the name is known (`require(name)`, an aliased
   * `require`). Every analysed file under such a prefix may be loaded.
   */
  readonly dynamic: readonly string[];
}

/** A file to analyse, with its kind as certain as it will get. */
export interface ReachStep {
  readonly file: string;
  readonly kind: CodeKind;
  /** How the kind was decided; `dynamic` when only a computed import may load the file. */
  readonly reach: 'install' | 'entry' | 'static' | 'dynamic' | 'none';
  /** The lifecycle script the file runs under (install code only). */
  readonly script?: InstallScript;
  /** The file whose import reached this one (null for install and entry files themselves). */
  readonly from: string | null;
}

export interface Reachability {
  /** The next file to analyse, or undefined when every analysed file has been handed out. */
  next(): ReachStep | undefined;
  /**
   * What a handed-out file imports; null when it could not be read (treated as dynamic). Files
   * handed out together are recorded in the order they were handed out.
   */
  record(file: string, scan: ImportScan | null): void;
  /**
   * Whether `next()` may be called before the files handed out and not yet recorded (`pending`)
   * are recorded, and still return what it would return after them. Lets the worker pool analyse
   * several files of a package at once with the same results as one after another.
   */
  mayRunAhead(pending: readonly ReachStep[]): boolean;
}

/** node's CommonJS order (file, then directory), plus the extensions bundlers resolve too. */
const FILE_SUFFIXES = ['', '.js', '.json', '.node', '.cjs', '.mjs', '.jsx'] as const;
const DIRECTORY_SUFFIXES = ['/index.js', '/index.json', '/index.node', '/index.cjs', '/index.mjs', '/index.jsx'] as const;
/** A file whose own directory, prefix-matched, could be loaded by a computed name. */
const OWN_DIRECTORY = './';

/** Lower runs first: install code before entry points before what they reach. */
const RANK: Readonly<Record<ReachStep['reach'], number>> = Object.freeze({
  install: 0,
  entry: 1,
  static: 2,
  dynamic: 3,
  none: 4,
});

interface Pending {
  rank: number;
  kind: CodeKind;
  reach: ReachStep['reach'];
  script: InstallScript | undefined;
  from: string | null;
}

/**
 * Plans the analysis of `analysed` (the package's JavaScript files); `allFiles` holds every path
 * of the package, so `require('./data')` finds `data.json` first as node does and stops there.
 */
export function reachability(
  entries: EntryPoints,
  analysed: readonly string[],
  allFiles: ReadonlySet<string>,
): Reachability {
  const analysedSet = new Set(analysed);
  // node resolves the imports of `-e` code as those of a module `[eval]` in its working directory;
  // with that directory unknown (`cd "$INIT_CWD" && node -e ...`), its relative imports name nothing here.
  const importers = new Map(entries.inline.map((code) => [code.name, code.directory === null ? null : evalModulePath(code.directory)]));
  const ordered = [...analysed].sort(compareText);
  const pending = new Map<string, Pending>();
  const done = new Set<string>();
  const queues: string[][] = [[], [], [], []];
  const heads = [0, 0, 0, 0];
  // What each file was handed out as; unreached files are recorded as nothing.
  const handedOut = new Map<string, Pending | null>();
  let leftovers: string[] | null = null;

  const offer = (file: string, next: Pending): void => {
    if (done.has(file) || !analysedSet.has(file)) return;
    const known = pending.get(file);
    if (known !== undefined && known.rank <= next.rank) return;
    pending.set(file, next);
    queues[next.rank]?.push(file);
  };

  for (const file of ordered) {
    const script = entries.installScript(file);
    if (script !== undefined) offer(file, { rank: RANK.install, kind: 'install', reach: 'install', script, from: null });
  }
  for (const file of ordered) {
    if (entries.codeKind(file) === 'entry') offer(file, { rank: RANK.entry, kind: 'entry', reach: 'entry', script: undefined, from: null });
  }

  /** The rank of the file `next()` would hand out from the queues; undefined when they are empty. */
  const nextRank = (): number | undefined => {
    for (let rank = 0; rank < queues.length; rank++) {
      const queue = queues[rank] ?? [];
      while ((heads[rank] ?? 0) < queue.length) {
        const file = queue[heads[rank] ?? 0];
        const state = file === undefined ? undefined : pending.get(file);
        // A file offered again at a better rank sits in two queues; the stale entry is skipped.
        if (file !== undefined && !done.has(file) && state !== undefined && state.rank === rank) return rank;
        heads[rank] = (heads[rank] ?? 0) + 1;
      }
    }
    return undefined;
  };

  return {
    next() {
      const rank = nextRank();
      if (rank !== undefined) {
        const file = queues[rank]?.[heads[rank] ?? 0] as string;
        const state = pending.get(file) as Pending;
        heads[rank] = (heads[rank] ?? 0) + 1;
        done.add(file);
        handedOut.set(file, state);
        return toStep(file, state);
      }
      leftovers ??= ordered.filter((file) => !done.has(file));
      const file = leftovers.shift();
      if (file === undefined) return undefined;
      done.add(file);
      handedOut.set(file, null);
      return { file, kind: 'unreached', reach: 'none', from: null };
    },
    mayRunAhead(unrecorded) {
      if (unrecorded.length === 0) return true;
      // Unreached files import nothing that counts, and once the leftovers are handed out, only leftovers remain.
      if (leftovers !== null) return true;
      // Install code reaches install code, which comes first: nothing may pass it.
      if (unrecorded.some((step) => step.kind === 'install')) return false;
      // Other code offers what it imports as static (rank 2, queued behind what is there, and never
      // changing a file already queued at rank 2 or better) or dynamic (rank 3): files at rank 1
      // and 2 are handed out as they would be after those records. A dynamic file could still be
      // offered as static, and the leftovers are known only when every record is in.
      const rank = nextRank();
      return rank !== undefined && rank <= RANK.static;
    },
    record(file, scan) {
      const state = handedOut.get(file);
      // Imports of unreached code reach nothing that runs.
      if (state === undefined || state === null) return;
      const importer = importers.has(file) ? (importers.get(file) ?? null) : file;
      const install = state.kind === 'install';
      const reached: Pending = install
        ? { rank: RANK.install, kind: 'install', reach: 'install', script: state.script, from: file }
        : { rank: RANK.static, kind: 'reachable', reach: 'static', script: undefined, from: file };
      const dynamicReach: Pending = { rank: RANK.dynamic, kind: 'reachable', reach: 'dynamic', script: undefined, from: file };
      for (const specifier of scan?.specifiers ?? []) {
        if (importer === null && isRelative(specifier)) continue;
        // Only relative specifiers depend on the importer's directory.
        for (const target of resolveImport(importer ?? EVAL_MODULE, specifier, entries, allFiles)) offer(target, reached);
      }
      if (importer === null) return;
      for (const prefix of new Set(scan?.dynamic ?? [OWN_DIRECTORY])) {
        const directory = dynamicDirectory(importer, prefix);
        if (directory === null) continue;
        for (const target of ordered) {
          if (directory === '' || target.startsWith(`${directory}/`)) offer(target, dynamicReach);
        }
      }
    },
  };
}

function toStep(file: string, state: Pending): ReachStep {
  return {
    file,
    kind: state.kind,
    reach: state.reach,
    from: state.from,
    ...(state.script !== undefined ? { script: state.script } : {}),
  };
}

/**
 * The package files a specifier written in `from` loads: relative paths by node's resolution,
 * self-references through the package name, `#imports` through the manifest (every target of
 * the field, as conditions are not evaluated). Other packages and node built-ins give nothing.
 */
export function resolveImport(
  from: string,
  specifier: string,
  entries: Pick<EntryPoints, 'name' | 'importTargets'>,
  allFiles: ReadonlySet<string>,
): string[] {
  if (specifier.startsWith('#')) {
    return entries.importTargets.flatMap((target) => expandTarget(target, allFiles));
  }
  let path: string | null;
  if (isRelative(specifier)) {
    const base = dirname(from);
    path = normalizePath(base === '' ? specifier : `${base}/${specifier}`);
  } else if (entries.name !== null && specifier.startsWith(`${entries.name}/`)) {
    path = normalizePath(specifier.slice(entries.name.length + 1));
  } else {
    // A bare name is another package or a built-in; the package's own bare name is its main,
    // which is an entry point already.
    return [];
  }
  if (path === null) return [];
  const found = resolveFile(path, allFiles);
  return found === null ? [] : [found];
}

function resolveFile(path: string, allFiles: ReadonlySet<string>): string | null {
  for (const suffix of FILE_SUFFIXES) if (allFiles.has(path + suffix)) return path + suffix;
  for (const suffix of DIRECTORY_SUFFIXES) if (allFiles.has(path + suffix)) return path + suffix;
  return null;
}

function expandTarget(target: string, allFiles: ReadonlySet<string>): string[] {
  const path = normalizePath(target);
  if (path === null) return [];
  const star = path.indexOf('*');
  if (star < 0) {
    const found = resolveFile(path, allFiles);
    return found === null ? [] : [found];
  }
  const prefix = path.slice(0, star);
  const suffix = path.slice(star + 1);
  return [...allFiles].filter((file) => file.length >= path.length - 1 && file.startsWith(prefix) && file.endsWith(suffix));
}

/** The directory a computed import may load from: '' is the package root, null outside it. */
function dynamicDirectory(from: string, prefix: string): string | null {
  const base = dirname(from);
  if (!prefix.startsWith('./') && !prefix.startsWith('../')) return base;
  const lastSlash = prefix.lastIndexOf('/');
  return resolveSegments(`${base}/${prefix.slice(0, lastSlash + 1)}`);
}

function isRelative(specifier: string): boolean {
  return specifier === '.' || specifier === '..' || specifier.startsWith('./') || specifier.startsWith('../');
}

interface AnyNode extends Node {
  readonly [key: string]: unknown;
}

/**
 * A visitor in the detectors' shared walk that records the file's imports: the graph costs no
 * walk of its own. It reports nothing; its id is the rule that a failure to analyse a file raises.
 */
export function importCollector(): { detector: Detector; result(): ImportScan } {
  const specifiers: string[] = [];
  const dynamic = new Set<string>();
  const { Identifier: loaderUse, ...visitors } = importVisitors(specifiers, dynamic);
  const detector: Detector = {
    id: 'analysis-evasion',
    severity: 'info',
    summary: 'Collects the imports of a file for the package graph.',
    // The loader's uses come from the flow's notes of the shared walk (`SourceReads.loaderNames`):
    // one handler fewer on every identifier of the file.
    create: (ctx) => ({
      ...visitors,
      Identifier: ctx.facts.flow.observe,
      'Program:exit': () => {
        for (const { identifier, parent } of ctx.facts.flow.seen.loaderNames) {
          loaderUse?.(identifier, parent === undefined ? [identifier] : [parent, identifier]);
        }
      },
    }),
  };
  return { detector, result: () => ({ specifiers, dynamic: [...dynamic] }) };
}

/** The imports of a parsed program, for callers outside the detector walk (tests, tools). */
export function scanImports(program: Node): ImportScan {
  const specifiers: string[] = [];
  const dynamic = new Set<string>();
  const visitors = importVisitors(specifiers, dynamic);
  walk(program, (node, ancestors) => visitors[node.type]?.(node, ancestors));
  return { specifiers, dynamic: [...dynamic] };
}

function importVisitors(specifiers: string[], dynamic: Set<string>): Partial<Record<string, VisitorHandler>> {
  const take = (argument: unknown): void => {
    const name = loadedName(argument);
    if (name.complete) specifiers.push(name.text);
    else dynamic.add(name.text.startsWith('./') || name.text.startsWith('../') ? name.text : OWN_DIRECTORY);
  };
  const fromSource = (node: Node): void => {
    const literal = staticString((node as AnyNode).source);
    if (literal !== null) specifiers.push(literal);
  };
  return {
    CallExpression(node) {
      const call = node as AnyNode;
      if (!isRequireCallee(call.callee)) return;
      const args = call.arguments as readonly unknown[];
      if (args.length > 0) take(args[0]);
    },
    ImportExpression(node) {
      take((node as AnyNode).source);
    },
    ImportDeclaration: fromSource,
    ExportNamedDeclaration: fromSource,
    ExportAllDeclaration: fromSource,
    // `const r = require; r('./payload')` or `createRequire(...)`: a loader the graph cannot follow.
    Identifier(node, ancestors) {
      const name = (node as AnyNode).name;
      if (name !== 'require' && name !== 'createRequire') return;
      const parent = ancestors[ancestors.length - 2] as AnyNode | undefined;
      if (parent === undefined || isPlainRequireUse(node, parent)) return;
      dynamic.add(OWN_DIRECTORY);
    },
  };
}

function isRequireCallee(callee: unknown): boolean {
  const node = callee as AnyNode | null;
  if (node === null || typeof node !== 'object') return false;
  if (node.type === 'Identifier') return node.name === 'require';
  // `module.require('./x')` loads like `require`.
  if (node.type === 'MemberExpression' && node.computed === false) {
    const object = node.object as AnyNode;
    const property = node.property as AnyNode;
    return object.type === 'Identifier' && object.name === 'module' && property.name === 'require';
  }
  return false;
}

/** Uses of the name `require` that load nothing by themselves or are followed elsewhere. */
function isPlainRequireUse(node: Node, parent: AnyNode): boolean {
  switch (parent.type) {
    case 'CallExpression':
      return parent.callee === node && (node as AnyNode).name === 'require';
    case 'MemberExpression':
      // `require.resolve`, `require.cache`, `require.main`; a computed `x[require]` is odd enough to count.
      return parent.object === node || (parent.property === node && parent.computed === false);
    case 'UnaryExpression':
      return parent.operator === 'typeof';
    case 'Property':
    case 'MethodDefinition':
    case 'PropertyDefinition':
      return parent.key === node && parent.computed === false;
    default:
      return false;
  }
}

/** A string literal or a template without expressions. */
function staticString(node: unknown): string | null {
  const value = node as AnyNode | null;
  if (value === null || typeof value !== 'object') return null;
  if (value.type === 'Literal' && typeof value.value === 'string') return value.value;
  if (value.type === 'TemplateLiteral') {
    const expressions = value.expressions as readonly unknown[];
    const quasis = value.quasis as readonly AnyNode[];
    if (expressions.length === 0 && quasis.length === 1) {
      const cooked = (quasis[0]?.value as { cooked?: unknown } | undefined)?.cooked;
      return typeof cooked === 'string' ? cooked : null;
    }
  }
  return null;
}

/**
 * The name an import loads, or its known head when part of it is computed:
 * `'./locale/' + l` and `` `./locale/${l}` `` give `./locale/`; `__dirname + '/lib/x'` and
 * `path.join(__dirname, 'lib', 'x')` are complete (`./lib/x`).
 */
function loadedName(node: unknown): { text: string; complete: boolean } {
  const parts = concatenated(node);
  let text = '';
  for (const part of parts) {
    if (part === null) return { text, complete: false };
    text += part;
  }
  return { text, complete: true };
}

/** Pieces of a name, null for a computed piece; `__dirname` is `.`. */
function concatenated(node: unknown): (string | null)[] {
  const value = node as AnyNode | null;
  if (value === null || typeof value !== 'object') return [null];
  const literal = staticString(value);
  if (literal !== null) return [literal];
  if (value.type === 'Identifier' && value.name === '__dirname') return ['.'];
  if (value.type === 'BinaryExpression' && value.operator === '+') {
    return [...concatenated(value.left), ...concatenated(value.right)];
  }
  if (value.type === 'TemplateLiteral') {
    const quasis = value.quasis as readonly AnyNode[];
    const pieces: (string | null)[] = [];
    quasis.forEach((quasi, index) => {
      const cooked = (quasi.value as { cooked?: unknown }).cooked;
      pieces.push(typeof cooked === 'string' ? cooked : null);
      if (index < quasis.length - 1) pieces.push(null);
    });
    return pieces;
  }
  if (value.type === 'CallExpression' && isPathJoin(value.callee)) {
    const args = value.arguments as readonly AnyNode[];
    const first = args[0];
    if (first?.type !== 'Identifier' || first.name !== '__dirname') return [null];
    const pieces: (string | null)[] = ['.'];
    for (const arg of args.slice(1)) {
      const part = staticString(arg);
      if (part === null) return [...pieces, '/', null];
      pieces.push('/', part);
    }
    return pieces;
  }
  return [null];
}

/** `path.join` / `path.resolve` under any local name (`p.join`, `(0, n.join)` is not followed). */
function isPathJoin(callee: unknown): boolean {
  const node = callee as AnyNode | null;
  if (node === null || typeof node !== 'object' || node.type !== 'MemberExpression' || node.computed !== false) return false;
  const property = node.property as AnyNode;
  return property.name === 'join' || property.name === 'resolve';
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

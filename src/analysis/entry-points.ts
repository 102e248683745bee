/**
 * What the manifest says about when a file runs: install scripts run on `npm install` with the
 * user's full environment (the worst place for a fingerprint read); entry points run as soon as
 * the package is required or its binary started. Which other files those reach is decided by
 * following their imports (`reachability.ts`); `codeKind` here is the manifest's view alone.
 */
import type { CodeKind } from '../report/report.js';

/**
 * Lifecycle scripts npm runs when a registry tarball is installed as a dependency. `prepare` (and
 * its pre/post) is not among them: npm runs it for git and directory installs, which the gate
 * never fetches (git and remote specs are reported as unverifiable sources instead).
 */
export const INSTALL_SCRIPTS = ['preinstall', 'install', 'postinstall'] as const;
export type InstallScript = (typeof INSTALL_SCRIPTS)[number];

/**
 * How a finding names the kind of code it is in: "in install-time code (postinstall)". `computed`
 * marks reachable code only a computed `require` may load.
 */
export function codeKindPhrase(kind: CodeKind, how: { script?: InstallScript; computed?: boolean } = {}): string {
  switch (kind) {
    case 'install':
      return how.script === undefined ? 'install-time code' : `install-time code (${how.script})`;
    case 'entry':
      return 'entry code';
    case 'reachable':
      return how.computed === true ? 'code a computed require may load' : 'code reached from an entry point';
    case 'unreached':
      return 'code never reached from an entry point';
  }
}

/** How node resolves a path without extension or a directory named by `main`, `bin` or `exports`. */
const RESOLUTION_SUFFIXES = ['', '.js', '.cjs', '.mjs', '.json', '/index.js', '/index.cjs', '/index.mjs'] as const;

/** `node` options whose next word is their value, not the script. */
const NODE_OPTIONS_WITH_VALUE: ReadonlySet<string> = new Set([
  '-r',
  '--require',
  '--import',
  '--loader',
  '--experimental-loader',
  '-C',
  '--conditions',
  '--env-file',
  '--input-type',
  '--stack-size',
  '--max-old-space-size',
  '--title',
]);
/** `node` options that load a module before the script: that module is install code too. */
const NODE_PRELOAD_OPTIONS: ReadonlySet<string> = new Set([
  '-r',
  '--require',
  '--import',
  '--loader',
  '--experimental-loader',
]);
/** Commands that run the rest of the line as a command of its own. */
const COMMAND_WRAPPERS: ReadonlySet<string> = new Set(['cross-env', 'env', 'exec']);
const NODE_COMMANDS: ReadonlySet<string> = new Set(['node', 'node.exe', 'nodejs']);
/** Nested `exports` deeper than this is not a manifest node would accept anyway. */
const MAX_EXPORTS_DEPTH = 32;

export interface EntryPoints {
  /** Files an install-time script runs (`node scripts/postinstall.js`). */
  readonly install: ReadonlySet<string>;
  /** The lifecycle script that runs each install file (the first one, in npm's order). */
  readonly installScripts: ReadonlyMap<string, InstallScript>;
  /** The package's own name, for self-references (`require('<name>/lib/x')`); null when unnamed. */
  readonly name: string | null;
  /** Targets of the `imports` field (`#internal` specifiers), patterns kept with their `*`. */
  readonly importTargets: readonly string[];
  /** Files named by `bin`, `main` or an install script: JavaScript even without an extension. */
  readonly declared: ReadonlySet<string>;
  /** `install` or `entry` as the manifest names the file; `reachable` for every other file. */
  codeKind(file: string): CodeKind;
  /** The install script that runs the file (directly or through node's resolution), if any. */
  installScript(file: string): InstallScript | undefined;
}

type Manifest = Record<string, unknown>;

/** Reads the manifest (untrusted, `unknown`); a missing or malformed manifest yields node's defaults. */
export function entryPoints(manifest: unknown): EntryPoints {
  const fields: Manifest = isRecord(manifest) ? manifest : {};
  const install = new Set<string>();
  const installScripts = new Map<string, InstallScript>();
  const declared = new Set<string>();
  const entrySpecs = new Set<string>();
  const entryPatterns: { prefix: string; suffix: string }[] = [];

  const addEntry = (spec: unknown, isDeclared: boolean): void => {
    if (typeof spec !== 'string') return;
    const path = normalizePath(spec);
    if (path === null) return;
    const star = path.indexOf('*');
    if (star >= 0) {
      entryPatterns.push({ prefix: path.slice(0, star), suffix: path.slice(star + 1) });
      return;
    }
    entrySpecs.add(path);
    if (isDeclared) declared.add(path);
  };

  // node's default when `main` is absent.
  addEntry(typeof fields.main === 'string' ? fields.main : 'index.js', true);
  addEntry(fields.module, false);
  const bin = fields.bin;
  if (typeof bin === 'string') addEntry(bin, true);
  else if (isRecord(bin)) for (const target of Object.values(bin)) addEntry(target, true);
  const browser = fields.browser;
  if (typeof browser === 'string') addEntry(browser, false);
  else if (isRecord(browser)) for (const target of Object.values(browser)) addEntry(target, false);
  for (const target of exportTargets(fields.exports)) addEntry(target, false);

  const scripts = isRecord(fields.scripts) ? fields.scripts : {};
  for (const name of INSTALL_SCRIPTS) {
    const command = scripts[name];
    if (typeof command !== 'string') continue;
    for (const file of scriptFiles(command)) {
      install.add(file);
      declared.add(file);
      if (!installScripts.has(file)) installScripts.set(file, name);
    }
  }
  const installScript = (file: string): InstallScript | undefined => {
    const path = normalizePath(file) ?? file;
    const direct = installScripts.get(path);
    if (direct !== undefined) return direct;
    for (const suffix of RESOLUTION_SUFFIXES) {
      if (suffix.length === 0 || !path.endsWith(suffix)) continue;
      const script = installScripts.get(path.slice(0, path.length - suffix.length));
      if (script !== undefined) return script;
    }
    return undefined;
  };

  const isEntry = (file: string): boolean => {
    for (const suffix of RESOLUTION_SUFFIXES) {
      if (suffix.length > 0 && !file.endsWith(suffix)) continue;
      if (entrySpecs.has(file.slice(0, file.length - suffix.length))) return true;
    }
    return entryPatterns.some(
      ({ prefix, suffix }) =>
        file.length >= prefix.length + suffix.length && file.startsWith(prefix) && file.endsWith(suffix),
    );
  };

  return {
    install,
    installScripts,
    name: typeof fields.name === 'string' && fields.name.length > 0 ? fields.name : null,
    importTargets: exportTargets(fields.imports),
    declared,
    installScript,
    codeKind(file) {
      const path = normalizePath(file) ?? file;
      if (installScript(path) !== undefined) return 'install';
      if (isEntry(path)) return 'entry';
      return 'reachable';
    },
  };
}

/** Every string target of `exports`: subpaths, conditions and fallback arrays, nested. */
export function exportTargets(exports: unknown): string[] {
  const targets: string[] = [];
  const stack: { value: unknown; depth: number }[] = [{ value: exports, depth: 0 }];
  while (stack.length > 0) {
    const item = stack.pop();
    if (item === undefined || item.depth > MAX_EXPORTS_DEPTH) continue;
    const { value, depth } = item;
    if (typeof value === 'string') targets.push(value);
    else if (Array.isArray(value)) for (const inner of value) stack.push({ value: inner, depth: depth + 1 });
    else if (isRecord(value)) for (const inner of Object.values(value)) stack.push({ value: inner, depth: depth + 1 });
  }
  return targets.sort();
}

/**
 * The package files a lifecycle script runs with node: `node x.js`, `node -r ./pre.js x`, or a
 * script path run directly through its hashbang. Inline code (`node -e "..."`) names no file.
 */
export function scriptFiles(command: string): string[] {
  const files: string[] = [];
  for (const segment of command.split(/&&|\|\||[;&|\n]/)) {
    const words = splitWords(segment);
    // Leading `NAME=value` assignments and environment wrappers (`cross-env`) precede the command.
    while (words.length > 0 && (/^[A-Za-z_][A-Za-z0-9_]*=/.test(words[0] ?? '') || COMMAND_WRAPPERS.has(words[0] ?? ''))) {
      words.shift();
    }
    const [command, ...rest] = words;
    if (command === undefined) continue;
    const base = command.slice(command.lastIndexOf('/') + 1);
    if (NODE_COMMANDS.has(base)) {
      for (let i = 0; i < rest.length; i++) {
        const word = rest[i] ?? '';
        if (word === '-e' || word === '--eval' || word === '-p' || word === '--print') break;
        if (word.startsWith('-')) {
          const [option, inline] = splitOption(word);
          const value = inline ?? (NODE_OPTIONS_WITH_VALUE.has(option) ? rest[++i] : undefined);
          if (NODE_PRELOAD_OPTIONS.has(option) && value !== undefined) pushFile(files, value);
          continue;
        }
        pushFile(files, word);
        break;
      }
    } else if (/^\.{0,2}\/|\.[cm]?js$/.test(command)) {
      pushFile(files, command);
    }
  }
  return files;
}

function splitOption(word: string): [string, string | undefined] {
  const equals = word.indexOf('=');
  return equals < 0 ? [word, undefined] : [word.slice(0, equals), word.slice(equals + 1)];
}

function pushFile(files: string[], word: string): void {
  const path = normalizePath(word);
  if (path !== null && !files.includes(path)) files.push(path);
}

/** Words of a shell command, with simple quoting; enough for lifecycle scripts. */
function splitWords(segment: string): string[] {
  const words: string[] = [];
  for (const match of segment.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)) {
    words.push(match[1] ?? match[2] ?? match[3] ?? '');
  }
  return words;
}

/**
 * A path inside the package: `/`-separated, no `./`, no `..` escaping the package root.
 * Null for absolute paths and paths that leave the package (they name no file of ours).
 */
export function normalizePath(spec: string): string | null {
  const text = spec.replace(/\\/g, '/').trim();
  if (text.length === 0 || text.startsWith('/') || /^[A-Za-z]:/.test(text)) return null;
  const path = resolveSegments(text);
  return path === '' ? null : path;
}

/**
 * Folds `.`, `..` and empty segments of a `/`-separated path: '' is the package root itself,
 * null a path that climbs out of it.
 */
export function resolveSegments(text: string): string | null {
  const parts: string[] = [];
  for (const part of text.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (parts.length === 0) return null;
      parts.pop();
      continue;
    }
    parts.push(part);
  }
  return parts.join('/');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

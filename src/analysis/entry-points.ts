/**
 * What the manifest says about when a file runs: install scripts run on `npm install` with the
 * user's full environment (the worst place for a fingerprint read); entry points run as soon as
 * the package is required or its binary started. Which other files those reach is decided by
 * following their imports (`reachability.ts`); `codeKind` here is the manifest's view alone.
 * What the install scripts' command lines run is read in `install-commands.ts`.
 */
import type { CodeKind, FileProblem } from '../report/report.js';
import { installCommands, type InlineCode, type InstallCommandLine, type InstallCommandOptions, type InstallScript } from './install-commands.js';
import { normalizePath } from './package-paths.js';

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

/** Nested `exports` deeper than this is not a manifest node would accept anyway. */
const MAX_EXPORTS_DEPTH = 32;

export interface EntryPoints {
  /** Files an install-time script runs (`node scripts/postinstall.js`). */
  readonly install: ReadonlySet<string>;
  /** The lifecycle script that runs each install file (the first one, in npm's order). */
  readonly installScripts: ReadonlyMap<string, InstallScript>;
  /**
   * Code written in the install scripts themselves (`node -e "..."`), to be analysed as files of
   * their own under their names (`package.json#scripts.postinstall`).
   */
  readonly inline: readonly InlineCode[];
  /** Install command lines that could not be read in full or followed to the end. */
  readonly problems: readonly FileProblem[];
  /** Every command line the install scripts run (theirs, `npm run` scripts, shell scripts), for what they download. */
  readonly commandLines: readonly InstallCommandLine[];
  /** The package's own name, for self-references (`require('<name>/lib/x')`); null when unnamed. */
  readonly name: string | null;
  /** Targets of the `imports` field (`#internal` specifiers), patterns kept with their `*`. */
  readonly importTargets: readonly string[];
  /** Files named by `bin`, `main` or an install script: JavaScript even without an extension. */
  readonly declared: ReadonlySet<string>;
  /** `install` or `entry` as the manifest names the file; `reachable` for every other file. */
  codeKind(file: string): CodeKind;
  /** The install script that runs the file or inline code (directly or through node's resolution), if any. */
  installScript(file: string): InstallScript | undefined;
}


type Manifest = Record<string, unknown>;

/**
 * Reads the manifest (untrusted, `unknown`); a missing or malformed manifest yields node's defaults.
 * `readFile` lets the install scripts be followed into the package's shell scripts (`sh setup.sh`).
 */
export function entryPoints(manifest: unknown, options: InstallCommandOptions = {}): EntryPoints {
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

  const commands = installCommands(isRecord(fields.scripts) ? fields.scripts : {}, options);
  for (const { path, script } of commands.files) {
    install.add(path);
    declared.add(path);
    if (!installScripts.has(path)) installScripts.set(path, script);
  }
  const inlineScripts = new Map(commands.inline.map((code) => [code.name, code.script]));
  const installScript = (file: string): InstallScript | undefined => {
    const inline = inlineScripts.get(file);
    if (inline !== undefined) return inline;
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
    inline: commands.inline,
    problems: commands.problems,
    commandLines: commands.lines,
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

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

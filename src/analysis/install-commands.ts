/**
 * What a package's install scripts run. npm hands each lifecycle command line to `sh -c` (cmd.exe
 * on Windows); the attacker writes that line, so it is read as a POSIX shell would read it
 * (`shell-command-line.ts`), and every piece of JavaScript it reaches is install-time code: files
 * (`node x.js`, `node -r ./pre.js x`, a script path run through its hashbang), inline code
 * (`node -e "..."`, `node -p`, a here-document or `echo ... |` fed to `node`), and whatever the
 * line runs in turn (`npm run x`, `yarn x`, `pnpm run x`, `sh -c "..."`, `bash setup.sh`).
 *
 * Package code is data: nothing is executed and nothing is expanded. A word built from `$VAR`,
 * `$(...)` or a backquote names no file here; the command inside `$(...)` still runs at install,
 * so it is read like the rest of the line.
 *
 * Inline code is analysed as a file of its own, named after where it is written:
 * `package.json#scripts.postinstall` for code in the manifest's `postinstall` (or `#scripts.build`
 * when `postinstall` runs `npm run build`), `scripts/setup.sh#eval` for code in a shell script an
 * install script runs. A second piece of inline code in the same place is `...[2]`, a third `[3]`:
 * the first keeps the plain name, so adding code does not rename the findings of older code.
 * Lines and columns of its findings count within the inline code itself.
 */
import type { FileProblem } from '../report/report.js';
import { isAbsolutePath, normalizePath, resolveSegments } from './package-paths.js';
import { readCommandLine, type Redirect, type SimpleCommand, type Word } from './shell-command-line.js';

/**
 * Lifecycle scripts npm runs when a registry tarball is installed as a dependency. `prepare` (and
 * its pre/post) is not among them: npm runs it for git and directory installs, which the gate
 * never fetches (git and remote specs are reported as unverifiable sources instead). A `prepare`
 * that one of these scripts runs by name (`npm run prepare`) is install code all the same.
 */
export const INSTALL_SCRIPTS = ['preinstall', 'install', 'postinstall'] as const;
export type InstallScript = (typeof INSTALL_SCRIPTS)[number];

export interface InstallFile {
  readonly path: string;
  /** The lifecycle script it runs under: the first one, in npm's order. */
  readonly script: InstallScript;
}

export interface InlineCode {
  /** The name its findings carry: `package.json#scripts.postinstall` (see the module comment). */
  readonly name: string;
  readonly code: string;
  readonly script: InstallScript;
  /**
   * The directory it runs in ('' is the package root), from which its relative `require`s resolve;
   * null when a `cd` left it unknown (`cd "$INIT_CWD"`) or outside the package.
   */
  readonly directory: string | null;
}

/** A command line the install scripts run: a script of the manifest, or a whole shell script. */
export interface InstallCommandLine {
  /** Where it is written: `package.json`, or the shell script's path. */
  readonly file: string;
  /** The manifest script's key (`scripts.fetch-binary`), or null for a shell script. */
  readonly key: string | null;
  readonly text: string;
  readonly script: InstallScript;
}

export interface InstallCommands {
  /**
   * Every command line read, in the order it was reached: the lifecycle scripts, the scripts they
   * run by name (`npm run x`) and the shell scripts they run (`sh ./get.sh`), each once.
   */
  readonly lines: readonly InstallCommandLine[];
  /** Package files the install scripts run, in the order they were found, each once. */
  readonly files: readonly InstallFile[];
  readonly inline: readonly InlineCode[];
  /**
   * Command lines that could not be read in full (an unterminated quote): read as far as they go,
   * like a partly parsed file; and chains nested past `MAX_NESTING`, not followed further.
   */
  readonly problems: readonly FileProblem[];
}

export interface InstallCommandOptions {
  /** The text of a package file, for shell scripts an install script runs; null when absent. */
  readFile?: (path: string) => string | null;
}

/**
 * `npm run` chains, `sh -c` inside `sh -c`, shell scripts running shell scripts: real packages nest
 * a handful of levels; a manifest nesting deeper is built to exhaust the reader, and is reported.
 */
export const MAX_NESTING = 32;
/** A shell script an install script runs is read up to this many characters (and reported when longer). */
export const MAX_SHELL_SCRIPT_CHARS = 1_000_000;
/**
 * Characters read over all command lines of one package. Each script is read once, but a shell
 * script can run itself from ever new directories (`cd a && sh ../s.sh`), each a fresh reading:
 * without a total, lines written for that fan out exponentially with the nesting.
 */
export const MAX_TOTAL_CHARS = 4_000_000;

const MANIFEST = 'package.json';
/** node's `-e` code resolves relative requires from the working directory, as a module of this name. */
export const EVAL_MODULE = '[eval]';

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
const NODE_PRELOAD_OPTIONS: ReadonlySet<string> = new Set(['-r', '--require', '--import', '--loader', '--experimental-loader']);
/** `node` options whose value is code to run instead of a script (`-pe` is `-p -e`). */
const NODE_EVAL_OPTIONS: ReadonlySet<string> = new Set(['-e', '--eval', '-p', '--print', '-pe']);
const NODE_COMMANDS: ReadonlySet<string> = new Set(['node', 'node.exe', 'nodejs']);
const SHELLS: ReadonlySet<string> = new Set(['sh', 'bash', 'dash', 'zsh', 'ksh', 'ash']);
/** Shell options whose next word is their value (`bash -o pipefail -c ...`). */
const SHELL_OPTIONS_WITH_VALUE: ReadonlySet<string> = new Set(['-o', '+o', '-O', '+O', '--rcfile', '--init-file']);

/**
 * Commands that run the rest of the line as a command of their own, with the options each takes a
 * value for. Their `NAME=value` arguments (`cross-env A=1 node x`) are skipped like assignments.
 */
const COMMAND_WRAPPERS: Readonly<Record<string, ReadonlySet<string>>> = Object.freeze({
  'cross-env': new Set<string>(),
  env: new Set(['-u', '--unset', '-C', '--chdir', '-S', '--split-string']),
  exec: new Set(['-a']),
  command: new Set<string>(),
  nohup: new Set<string>(),
  nice: new Set(['-n', '--adjustment']),
  time: new Set(['-f', '--format', '-o', '--output']),
});
/** Words that open or close a compound command: the command proper follows them. */
const RESERVED_WORDS: ReadonlySet<string> = new Set(['!', '{', '}', 'if', 'then', 'else', 'elif', 'fi', 'do', 'done', 'while', 'until']);
const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/;

/** npm subcommands that run one of the package's own scripts (with its pre and post scripts). */
const NPM_RUN = new Set(['run', 'run-script', 'rum', 'urn']);
const NPM_SCRIPT_COMMANDS: Readonly<Record<string, string>> = Object.freeze({
  test: 'test',
  t: 'test',
  tst: 'test',
  start: 'start',
  stop: 'stop',
  restart: 'restart',
});
/** Options that point a package manager at another package: its scripts are not ours. */
const OTHER_PACKAGE_OPTIONS: ReadonlySet<string> = new Set([
  '--prefix',
  '-C',
  '--dir',
  '--cwd',
  '-w',
  '--workspace',
  '--workspaces',
  '-ws',
  '-g',
  '--global',
  '--filter',
  '-F',
  '-r',
  '--recursive',
]);
const PACKAGE_MANAGER_OPTIONS_WITH_VALUE: ReadonlySet<string> = new Set(['--loglevel', '--script-shell', '--userconfig', '--registry', '--reporter']);
/**
 * yarn and pnpm commands of their own: `yarn install` is yarn's install even when the package has
 * an `install` script, while `yarn build` runs the script `build`.
 */
const YARN_COMMANDS: ReadonlySet<string> = new Set([
  'add', 'audit', 'autoclean', 'bin', 'cache', 'check', 'config', 'create', 'dedupe', 'dlx', 'exec', 'explain',
  'generate-lock-entry', 'global', 'help', 'import', 'info', 'init', 'install', 'licenses', 'link', 'list', 'login',
  'logout', 'node', 'npm', 'outdated', 'owner', 'pack', 'patch', 'plugin', 'policies', 'publish', 'rebuild', 'remove',
  'run', 'search', 'set', 'tag', 'team', 'unlink', 'unplug', 'up', 'upgrade', 'upgrade-interactive', 'version',
  'versions', 'why', 'workspace', 'workspaces',
]);
const PNPM_COMMANDS: ReadonlySet<string> = new Set([
  'add', 'audit', 'bin', 'config', 'create', 'dedupe', 'deploy', 'dlx', 'doctor', 'env', 'exec', 'fetch', 'i',
  'import', 'init', 'install', 'licenses', 'link', 'list', 'ls', 'outdated', 'pack', 'patch', 'patch-commit',
  'prune', 'publish', 'rb', 'rebuild', 'remove', 'rm', 'root', 'run', 'run-script', 'server', 'setup', 'store',
  'unlink', 'up', 'update', 'why',
]);
const BUN_COMMANDS: ReadonlySet<string> = new Set([
  'add', 'build', 'create', 'exec', 'init', 'install', 'i', 'link', 'outdated', 'pm', 'publish', 'remove', 'rm',
  'repl', 'test', 'unlink', 'update', 'upgrade', 'x',
]);
/** A command word that is a path to a package file run directly (through its hashbang). */
const SCRIPT_PATH = /^\.{0,2}\/|\.[cm]?js$|\.sh$/;

/**
 * Reads the install scripts of a manifest's `scripts` field (untrusted: any value may be anything)
 * and returns what they run.
 */
export function installCommands(scripts: Readonly<Record<string, unknown>>, options: InstallCommandOptions = {}): InstallCommands {
  const reader = new CommandReader(scripts, options.readFile ?? (() => null));
  for (const script of INSTALL_SCRIPTS) reader.runManifestScript(script, { script, depth: 0 });
  return reader.result();
}

interface Context {
  readonly script: InstallScript;
  readonly depth: number;
}

/** Where a command line is written: names its inline code and its problems. */
interface Origin {
  /** The name of inline code written there (before any `[n]`). */
  readonly inlineName: string;
  /** The file a problem is reported against, and what in it. */
  readonly file: string;
  readonly where: string;
}

/** A working directory inside the package ('' is the root); null when unknown or outside it. */
type Directory = string | null;

class CommandReader {
  private readonly files = new Map<string, InstallScript>();
  private readonly inline: InlineCode[] = [];
  private readonly lines: InstallCommandLine[] = [];
  private readonly inlineCounts = new Map<string, number>();
  /** Keyed by file and reason, or by the limit met: a limit met on many branches is one problem. */
  private readonly problems = new Map<string, FileProblem>();
  /** Each script and each shell script (per directory) is read once: that also ends every cycle. */
  private readonly visited = new Set<string>();
  private charsRead = 0;

  constructor(
    private readonly scripts: Readonly<Record<string, unknown>>,
    private readonly readFile: (path: string) => string | null,
  ) {}

  result(): InstallCommands {
    return {
      lines: this.lines,
      files: [...this.files].map(([path, script]) => ({ path, script })),
      inline: this.inline,
      problems: [...this.problems.values()],
    };
  }

  private report(file: string, reason: string, key = `${file}\0${reason}`): void {
    if (!this.problems.has(key)) this.problems.set(key, { file, reason });
  }

  /** A script of the manifest, by name; npm runs every script in the package root. */
  runManifestScript(name: string, ctx: Context): void {
    const key = `script\0${name}`;
    if (this.visited.has(key)) return;
    this.visited.add(key);
    // `Object.hasOwn`: a script named `constructor` or `__proto__` is no inherited property.
    const command = Object.hasOwn(this.scripts, name) ? this.scripts[name] : undefined;
    if (typeof command !== 'string') return;
    const origin: Origin = { inlineName: `${MANIFEST}#scripts.${name}`, file: MANIFEST, where: `scripts.${name}: ` };
    this.lines.push({ file: MANIFEST, key: `scripts.${name}`, text: command, script: ctx.script });
    this.runLine(command, origin, ctx, '');
  }

  private hasScript(name: string): boolean {
    return Object.hasOwn(this.scripts, name) && typeof this.scripts[name] === 'string';
  }

  private runLine(line: string, origin: Origin, ctx: Context, cwd: Directory): void {
    if (ctx.depth > MAX_NESTING) {
      const reason = `${origin.where}commands nested more than ${MAX_NESTING} levels deep (npm run, sh -c, shell scripts): not followed further`;
      this.report(origin.file, reason, 'nesting');
      return;
    }
    this.charsRead += line.length;
    if (this.charsRead > MAX_TOTAL_CHARS) {
      this.report(MANIFEST, `install commands longer than ${MAX_TOTAL_CHARS} characters in all (a script running itself from many directories?): not followed further`);
      return;
    }
    const lexed = readCommandLine(line);
    for (const problem of lexed.problems) {
      this.report(origin.file, `${origin.where}command line not readable in full (${problem}): read as far as it goes`);
    }
    const inner: Context = { script: ctx.script, depth: ctx.depth + 1 };
    for (const substitution of lexed.substitutions) this.runLine(substitution, origin, inner, cwd);
    const saved: Directory[] = [];
    for (const item of lexed.items) {
      if (item.kind === 'open') saved.push(cwd);
      else if (item.kind === 'close') cwd = saved.length > 0 ? (saved.pop() ?? null) : cwd;
      else cwd = this.runCommand(item.command, item.input, origin, ctx, cwd);
    }
  }

  /** Follows one simple command; returns the working directory after it. */
  private runCommand(command: SimpleCommand, input: SimpleCommand | null, origin: Origin, ctx: Context, cwd: Directory): Directory {
    const words = withoutPrefixes(command.words);
    const head = words[0];
    if (head === undefined || head.expanded) return cwd;
    const args = words.slice(1);
    const name = head.text.slice(head.text.lastIndexOf('/') + 1);
    const inner: Context = { script: ctx.script, depth: ctx.depth + 1 };
    if (name === 'cd') return changeDirectory(args, cwd);
    if (NODE_COMMANDS.has(name)) this.runNode(args, command.redirects, input, origin, ctx, cwd);
    else if (SHELLS.has(name)) this.runShell(args, command.redirects, input, origin, inner, cwd);
    else if (name === 'cross-env-shell') this.runLine(args.map((word) => word.text).join(' '), origin, inner, cwd);
    else if (name === 'npm') this.runNpm(args, ctx, cwd);
    else if (name === 'yarn' || name === 'pnpm') this.runYarnOrPnpm(name, args, command.redirects, input, origin, ctx, cwd);
    else if (name === 'bun') this.runBun(args, ctx, cwd);
    else if (SCRIPT_PATH.test(head.text)) this.runPath(head, inner, cwd);
    return cwd;
  }

  /** `node [options] file`, `node -e code`, `node < file`, `echo code | node`, `node --run script`. */
  private runNode(args: readonly Word[], redirects: readonly Redirect[], input: SimpleCommand | null, origin: Origin, ctx: Context, cwd: Directory): void {
    for (let i = 0; i < args.length; i++) {
      const word = args[i];
      if (word === undefined) break;
      if (word.text === '--') {
        const script = args[i + 1];
        if (script !== undefined) this.addFile(script, ctx, cwd);
        return;
      }
      if (word.text === '-') break;
      if (word.text.startsWith('-')) {
        const [option, inline] = splitOption(word.text);
        if (NODE_EVAL_OPTIONS.has(option)) {
          // What follows the code is `process.argv`, never a script.
          const code = inline ?? args[++i]?.text;
          if (code !== undefined) this.addInline(code, origin, ctx, cwd);
          return;
        }
        if (option === '--run') {
          // node runs the script alone, without its pre and post scripts.
          const name = inline ?? args[i + 1]?.text;
          if (name !== undefined && cwd !== null) this.runNamedScript(name, false, ctx);
          return;
        }
        const value = inline !== undefined ? literalWord(inline) : NODE_OPTIONS_WITH_VALUE.has(option) ? args[++i] : undefined;
        if (NODE_PRELOAD_OPTIONS.has(option) && value !== undefined && isRelativeSpecifier(value.text)) this.addFile(value, ctx, cwd);
        continue;
      }
      this.addFile(word, ctx, cwd);
      return;
    }
    // No script and no code: node runs what arrives on its standard input.
    this.runStandardInput(redirects, input, {
      file: (word) => this.addFile(word, ctx, cwd),
      text: (text) => this.addInline(text, origin, ctx, cwd),
    });
  }

  /** `sh -c "..."`, `bash setup.sh`, `sh < setup.sh`, `sh <<EOF`. */
  private runShell(args: readonly Word[], redirects: readonly Redirect[], input: SimpleCommand | null, origin: Origin, ctx: Context, cwd: Directory): void {
    for (let i = 0; i < args.length; i++) {
      const word = args[i]?.text ?? '';
      if (/^-[A-Za-z]*c[A-Za-z]*$/.test(word)) {
        const line = args[i + 1];
        if (line !== undefined) this.runLine(line.text, origin, ctx, cwd);
        return;
      }
      if (SHELL_OPTIONS_WITH_VALUE.has(word)) {
        i++;
        continue;
      }
      if (word === '--' || word === '-s') break;
      if (word.startsWith('-') || word.startsWith('+')) continue;
      const script = args[i];
      if (script !== undefined) this.runShellFile(script, ctx, cwd);
      return;
    }
    this.runStandardInput(redirects, input, {
      file: (word) => this.runShellFile(word, ctx, cwd),
      text: (text) => this.runLine(text, origin, ctx, cwd),
    });
  }

  /**
   * What a command with no script operand reads: `< file`, a here-document or here-string, or the
   * output of `cat file` / `echo text` / `printf text` piped into it.
   */
  private runStandardInput(
    redirects: readonly Redirect[],
    input: SimpleCommand | null,
    take: { file: (word: Word) => void; text: (text: string) => void },
  ): void {
    for (const redirect of redirects) {
      if (redirect.op === '<' && redirect.target !== undefined) take.file(redirect.target);
      else if ((redirect.op === '<<' || redirect.op === '<<-') && redirect.body !== undefined) take.text(redirect.body);
      else if (redirect.op === '<<<' && redirect.target !== undefined) take.text(redirect.target.text);
    }
    if (input === null) return;
    const [producer, ...operands] = withoutPrefixes(input.words);
    const name = producer?.text.slice(producer.text.lastIndexOf('/') + 1);
    if (name === 'cat') for (const word of operands) if (!word.text.startsWith('-')) take.file(word);
    if (name === 'echo') take.text(operands.filter((word) => !/^-[neE]+$/.test(word.text)).map((word) => word.text).join(' '));
    if (name === 'printf' && operands[0] !== undefined) take.text(operands[0].text);
  }

  /** `npm run x`, `npm run-script x`, `npm test`: the package's own scripts, with pre and post. */
  private runNpm(args: readonly Word[], ctx: Context, cwd: Directory): void {
    const call = managerCommand(args);
    if (call === null || cwd === null) return;
    const { command, operands } = call;
    const name = NPM_RUN.has(command.text) ? knownText(operands[0]) : NPM_SCRIPT_COMMANDS[command.text];
    if (name !== undefined) this.runNamedScript(name, true, ctx);
  }

  /** `yarn x`, `yarn run x`, `pnpm run x`, `pnpm x`, `yarn node x.js`. */
  private runYarnOrPnpm(
    manager: 'yarn' | 'pnpm',
    args: readonly Word[],
    redirects: readonly Redirect[],
    input: SimpleCommand | null,
    origin: Origin,
    ctx: Context,
    cwd: Directory,
  ): void {
    const call = managerCommand(args);
    if (call === null || cwd === null) return;
    const command = call.command.text;
    // yarn runs pre and post scripts; pnpm does not unless configured to (off by default since v7).
    const prePost = manager === 'yarn';
    if (command === 'run' || command === 'run-script') {
      const name = knownText(call.operands[0]);
      if (name !== undefined) this.runNamedScript(name, prePost, ctx);
    } else if (manager === 'yarn' && command === 'node') {
      this.runNode(call.rest, redirects, input, origin, ctx, cwd);
    } else if (manager === 'pnpm' && NPM_SCRIPT_COMMANDS[command] !== undefined) {
      this.runNamedScript(NPM_SCRIPT_COMMANDS[command] ?? command, false, ctx);
    } else if (!(manager === 'yarn' ? YARN_COMMANDS : PNPM_COMMANDS).has(command) && this.hasScript(command)) {
      this.runNamedScript(command, prePost, ctx);
    }
  }

  /** `bun run x` runs the script `x` or, without one, the file `x`; `bun x.js` runs the file. */
  private runBun(args: readonly Word[], ctx: Context, cwd: Directory): void {
    const call = managerCommand(args);
    if (call === null || cwd === null) return;
    const target = call.command.text === 'run' ? call.operands[0] : BUN_COMMANDS.has(call.command.text) ? undefined : call.command;
    if (target === undefined || target.expanded) return;
    if (this.hasScript(target.text)) this.runNamedScript(target.text, false, ctx);
    else this.addFile(target, ctx, cwd);
  }

  private runNamedScript(name: string, prePost: boolean, ctx: Context): void {
    const inner: Context = { script: ctx.script, depth: ctx.depth + 1 };
    const names = prePost ? [`pre${name}`, name, `post${name}`] : [name];
    for (const script of names) this.runManifestScript(script, inner);
  }

  /** A path as the command: a shell script (by extension or hashbang) is read, anything else is JavaScript. */
  private runPath(word: Word, ctx: Context, cwd: Directory): void {
    const path = resolveIn(cwd, word.text);
    const text = path === null ? null : this.readFile(path);
    const hashbang = text === null ? '' : (/^#!(.*)/.exec(text)?.[1] ?? '');
    const interpreter = /(?:^|[/\s])(sh|bash|dash|zsh|ksh|ash)(?:\s|$)/.test(hashbang);
    if (word.text.endsWith('.sh') || interpreter) this.runShellFile(word, ctx, cwd);
    else this.addFile(word, ctx, cwd);
  }

  private runShellFile(word: Word, ctx: Context, cwd: Directory): void {
    if (word.expanded) return;
    const path = resolveIn(cwd, word.text);
    if (path === null) return;
    // A script resolves its relative paths against the caller's directory, so it is read once per directory.
    const key = `file\0${path}\0${cwd ?? ''}`;
    if (this.visited.has(key)) return;
    this.visited.add(key);
    const text = this.readFile(path);
    if (text === null) return;
    const fileOrigin: Origin = { inlineName: `${path}#eval`, file: path, where: '' };
    if (text.length > MAX_SHELL_SCRIPT_CHARS) {
      this.report(path, `shell script an install script runs is longer than ${MAX_SHELL_SCRIPT_CHARS} characters: only its head was read`);
    }
    // Read once per directory, listed once: its command lines are the same from anywhere.
    if (!this.lines.some((line) => line.file === path)) this.lines.push({ file: path, key: null, text: text.slice(0, MAX_SHELL_SCRIPT_CHARS), script: ctx.script });
    this.runLine(text.slice(0, MAX_SHELL_SCRIPT_CHARS), fileOrigin, ctx, cwd);
  }

  private addFile(word: Word, ctx: Context, cwd: Directory): void {
    if (word.expanded) return;
    for (const spec of new Set([word.text, word.literal])) {
      const path = resolveIn(cwd, spec);
      if (path !== null && path !== '' && !this.files.has(path)) this.files.set(path, ctx.script);
    }
  }

  private addInline(code: string, origin: Origin, ctx: Context, cwd: Directory): void {
    if (code.trim().length === 0) return;
    const count = (this.inlineCounts.get(origin.inlineName) ?? 0) + 1;
    this.inlineCounts.set(origin.inlineName, count);
    const name = count === 1 ? origin.inlineName : `${origin.inlineName}[${count}]`;
    this.inline.push({ name, code, script: ctx.script, directory: cwd });
  }
}

/** Drops what comes before the command proper: reserved words, `NAME=value`, wrappers and their options. */
function withoutPrefixes(words: readonly Word[]): Word[] {
  const rest = [...words];
  for (;;) {
    const head = rest[0];
    if (head === undefined) return rest;
    const wrapper = COMMAND_WRAPPERS[head.text.slice(head.text.lastIndexOf('/') + 1)];
    if (RESERVED_WORDS.has(head.text) || ASSIGNMENT.test(head.text)) {
      rest.shift();
    } else if (wrapper !== undefined && !head.expanded) {
      rest.shift();
      while (rest[0] !== undefined && rest[0].text.startsWith('-') && rest[0].text !== '-') {
        const option = rest.shift()?.text ?? '';
        if (wrapper.has(option)) rest.shift();
      }
    } else {
      return rest;
    }
  }
}

interface ManagerCommand {
  readonly command: Word;
  /** The words after the command that are no options (nor option values): `run build` gives `build`. */
  readonly operands: readonly Word[];
  /** Every word after the command, as written. */
  readonly rest: readonly Word[];
}

/**
 * A package manager's command and its operands. Options may stand anywhere before `--`; null when
 * one points the manager at another package (`npm --prefix ../x run build`, `npm run build -w a`),
 * whose scripts are not this package's.
 */
function managerCommand(words: readonly Word[]): ManagerCommand | null {
  let command: Word | undefined;
  let commandAt = -1;
  const operands: Word[] = [];
  for (let i = 0; i < words.length; i++) {
    const word = words[i];
    if (word === undefined) break;
    if (word.text === '--') {
      operands.push(...words.slice(i + 1));
      break;
    }
    if (word.text.startsWith('-') && word.text !== '-') {
      const [option, inline] = splitOption(word.text);
      if (OTHER_PACKAGE_OPTIONS.has(option)) return null;
      if (inline === undefined && PACKAGE_MANAGER_OPTIONS_WITH_VALUE.has(option)) i++;
      continue;
    }
    if (command !== undefined) {
      operands.push(word);
      continue;
    }
    command = word;
    commandAt = i;
    // `yarn node -r ./x y.js`: what follows is node's, options included.
    if (word.text === 'node') break;
  }
  if (command === undefined || command.expanded) return null;
  return { command, operands, rest: words.slice(commandAt + 1) };
}

function changeDirectory(args: readonly Word[], cwd: Directory): Directory {
  const target = args.find((word) => !word.text.startsWith('-') || word.text === '-');
  // `cd` alone goes home and `cd -` back to a directory not tracked here.
  if (target === undefined || target.expanded || target.text === '-') return null;
  if (cwd === null || isAbsolutePath(target.text) || target.text.startsWith('~')) return null;
  return resolveSegments(joinPath(cwd, target.text.replace(/\\/g, '/')));
}

/** A package path a word names from `cwd`; null for a word that names nothing in the package. */
function resolveIn(cwd: Directory, spec: string): string | null {
  if (cwd === null || isAbsolutePath(spec) || spec.startsWith('~')) return null;
  return normalizePath(joinPath(cwd, spec));
}

function joinPath(directory: string, path: string): string {
  return directory === '' ? path : `${directory}/${path}`;
}

/** The module node's inline code is, for resolving its relative imports: `[eval]` in its directory. */
export function evalModulePath(directory: string): string {
  return joinPath(directory, EVAL_MODULE);
}

/** `-r ./hook.js` preloads a file; `-r dotenv/config` preloads another package. */
function isRelativeSpecifier(text: string): boolean {
  return text === '.' || text === '..' || text.startsWith('./') || text.startsWith('../') || /^\.{1,2}\\/.test(text);
}

/** The text of a word whose value is known here. */
function knownText(word: Word | undefined): string | undefined {
  return word === undefined || word.expanded ? undefined : word.text;
}

function literalWord(text: string): Word {
  return { text, literal: text, expanded: false };
}

function splitOption(word: string): [string, string | undefined] {
  const equals = word.indexOf('=');
  return equals < 0 ? [word, undefined] : [word.slice(0, equals), word.slice(equals + 1)];
}

/**
 * Rule `install-time-download`: code that runs on `npm install` fetches something from the
 * network and keeps or runs it. What arrives that way was never in the tarball, so no scan of the
 * package (this one included) saw it, and the server can hand each machine something different.
 * Reported with the URL, or the code that builds it, so a reviewer can see where it comes from.
 *
 * Two places, one rule:
 * - install-time JavaScript: a request (`fetch`, `http(s).get/request`) in a file that also writes
 *   files (`fs.writeFile*`, `createWriteStream`, a `.pipe(...)`) or runs something (child
 *   processes, `eval`, `Function`, `vm`); and a child process given a download command line
 *   (`execSync('curl -o x https://...')`);
 * - the install scripts' own command lines (`curl`, `wget`, `Invoke-WebRequest` ...), read with
 *   `installScriptDownloads` by the package analysis, since they are no JavaScript file.
 *
 * `high`: downloading at install is how packages fetch prebuilt binaries, and also how droppers
 * work; the finding lists the download, the policy file can allow a known one.
 */
import type { AnyNode, Node } from 'acorn';
import type { Detector, DetectorContext, Visitors } from '../detector.js';
import type { Finding } from '../../report/report.js';
import type { InstallCommandLine } from '../install-commands.js';
import { readCommandLine, type Word } from '../shell-command-line.js';
import { sourceLocator } from '../source-locator.js';
import { evaluateStatic, type StaticValue } from '../facts/values/evaluate.js';
import { isFunctionNode } from '../facts/flow.js';

export const INSTALL_TIME_DOWNLOAD_RULE = 'install-time-download' as const;
const SEVERITY = 'high' as const;
const SUMMARY = 'An install script (its command line or the JavaScript it runs) downloads something and writes it to disk or runs it.';

/** Characters of the code that builds a URL quoted in the evidence. */
export const MAX_URL_CODE_CHARS = 200;
/** Nested `sh -c` and `$(...)` levels followed in a command line. */
const MAX_COMMAND_DEPTH = 4;

/** Requests whose response is the download, by canonical path (`scope.ts`). */
const REQUESTS: ReadonlySet<string> = new Set(['fetch', 'http.get', 'http.request', 'https.get', 'https.request']);
const FILE_WRITES: ReadonlySet<string> = new Set([
  'writeFile', 'writeFileSync', 'appendFile', 'appendFileSync', 'createWriteStream', 'copyFile', 'copyFileSync', 'rename', 'renameSync',
]);
const RUNS: ReadonlySet<string> = new Set([
  'child_process.exec', 'child_process.execSync', 'child_process.execFile', 'child_process.execFileSync', 'child_process.spawn',
  'child_process.spawnSync', 'child_process.fork', 'eval', 'Function', 'vm.runInThisContext', 'vm.runInNewContext', 'vm.runInContext',
  'vm.Script', 'vm.compileFunction',
]);
/** Shells that run the command line handed to `-c`; download commands hide there too. */
const SHELLS: ReadonlySet<string> = new Set(['sh', 'bash', 'dash', 'zsh', 'ksh', 'ash']);
/** Command names that download, with how they are recognised (lower case: PowerShell is case-insensitive). */
const DOWNLOADERS: ReadonlySet<string> = new Set([
  'curl', 'wget', 'invoke-webrequest', 'iwr', 'invoke-restmethod', 'irm', 'start-bitstransfer', 'bitsadmin', 'certutil', 'aria2c', 'fetch',
]);
const POWERSHELLS: ReadonlySet<string> = new Set(['powershell', 'powershell.exe', 'pwsh', 'pwsh.exe']);
const URL_IN_TEXT = /\b(?:https?|ftp):\/\/[^\s"'`<>|;&)]+/i;
const POWERSHELL_DOWNLOAD = /\b(?:Invoke-WebRequest|iwr|Invoke-RestMethod|irm|Start-BitsTransfer|DownloadFile|DownloadString|WebClient)\b/i;

type CallNode = Extract<AnyNode, { type: 'CallExpression' | 'NewExpression' }>;

export const installTimeDownload: Detector = Object.freeze({
  id: INSTALL_TIME_DOWNLOAD_RULE,
  severity: SEVERITY,
  summary: SUMMARY,
  create(ctx: DetectorContext): Visitors {
    // Entry code downloads all the time (it is a client); only install-time code is this rule's.
    if (ctx.codeKind !== 'install') return {};
    const requests: { node: CallNode; via: string; scope: Node }[] = [];
    /** Writes and runs with the functions they sit in: a request is joined only to those inside its own function. */
    const sinks: { kind: 'writes-files' | 'runs'; what: string; within: ReadonlySet<Node> }[] = [];

    /** A digest is computed in the file: the download is (very likely) checked against a pinned hash. */
    let verified = false;
    const onCall = (node: Node, ancestors: readonly Node[]): void => {
      const call = node as CallNode;
      const path = ctx.facts.scope.resolve(call.callee, ancestors)?.join('.') ?? null;
      const member = call.callee.type === 'MemberExpression' && call.callee.property.type === 'Identifier' ? call.callee.property.name : null;
      if (member === 'digest' || path === 'crypto.createHash') verified = true;
      if (path !== null && REQUESTS.has(path)) requests.push({ node: call, via: path, scope: innermostFunction(ancestors) });
      if ((path?.startsWith('fs.') === true && FILE_WRITES.has(path.slice(path.lastIndexOf('.') + 1))) || member === 'pipe') {
        sinks.push({ kind: 'writes-files', what: path ?? 'pipe', within: enclosingScopes(ancestors) });
      }
      if (path !== null && RUNS.has(path)) {
        sinks.push({ kind: 'runs', what: path, within: enclosingScopes(ancestors) });
        const first = call.arguments[0];
        const command = first === undefined || first.type === 'SpreadElement' ? null : commandText(first, path, call);
        if (command !== null) {
          for (const download of commandLineDownloads(command)) {
            ctx.report({
              start: call.start,
              message: `Runs \`${download.tool}\` through ${path} in ${ctx.codeKindPhrase}, downloading ${download.url ?? 'from a URL built at run time'}.`,
              evidence: { details: { via: path, tool: download.tool, ...(download.url === null ? {} : { url: download.url }), command: clip(command) } },
              identity: `command|${download.tool}|${hostOf(download.url)}`,
            });
          }
        }
      }
    };

    /** The command line a child process runs, when it is known: `exec('curl ...')`, `spawn('curl', [...])`. */
    function commandText(first: Node, path: string, call: CallNode): string | null {
      const resolve = ctx.facts.flow.resolverFor(ctx.program);
      const head = stringValue(evaluateStatic(first, resolve));
      if (head === null) return null;
      if (!path.startsWith('child_process.spawn') && !path.startsWith('child_process.execFile')) return head;
      const second = call.arguments[1];
      const rest = second === undefined || second.type === 'SpreadElement' ? null : evaluateStatic(second, resolve);
      const words = rest?.kind === 'array' ? rest.items.flatMap((item) => (item.kind === 'string' ? [item.value] : [])) : [];
      return [head, ...words.map(quoteWord)].join(' ');
    }

    return {
      CallExpression: onCall,
      NewExpression: onCall,
      'Program:exit': () => {
        const seen = new Set<string>();
        for (const { node, via, scope } of requests) {
          // What the function making the request (its callbacks and `.then`s included) does with
          // data: a request in one function and a write in another are an API client and a cache.
          const joined = sinks.filter((sink) => sink.within.has(scope));
          const sink = joined.find((candidate) => candidate.kind === 'writes-files') ?? joined[0];
          if (sink === undefined) continue;
          const effect = sink.kind === 'writes-files' ? `writes it to a file (${sink.what})` : `runs code (${sink.what})`;
          const target = requestTarget(ctx, node);
          const key = `${via}|${target.url ?? target.code}`;
          if (seen.has(key)) continue;
          seen.add(key);
          const what = target.url ?? `a URL built by \`${target.code}\``;
          // Listed either way, one step lower: a download checked against a digest (a pinned
          // binary, as CLIs that ship platform binaries do), or code the install script only
          // reaches by importing its package (a CLI's own downloader, which may never run then).
          const reasons = [
            ...(verified ? ['the file checks a digest, likely of the download'] : []),
            ...(ctx.reachedFrom !== null ? [`this file is only imported at install time (from ${ctx.reachedFrom})`] : []),
          ];
          ctx.report({
            start: node.start,
            ...(reasons.length > 0 ? { severity: 'medium' as const } : {}),
            message: `Downloads ${what} with ${via} in ${ctx.codeKindPhrase}, and the file ${effect}${reasons.length > 0 ? ` (${reasons.join('; ')})` : ''}.`,
            evidence: { details: { via, effect: sink.kind, ...(target.url === null ? { urlCode: target.code } : { url: target.url }) } },
            identity: `js|${hostOf(target.url)}|${sink.kind}`,
          });
        }
      },
    };
  },
});

/** The function a call sits in (the program for top-level code). */
function innermostFunction(ancestors: readonly Node[]): Node {
  for (let i = ancestors.length - 2; i >= 0; i--) {
    const node = ancestors[i];
    if (isFunctionNode(node)) return node;
  }
  return ancestors[0] ?? ({ type: 'Program', start: 0, end: 0 } as Node);
}

/** Every function a call sits in, and the program. */
function enclosingScopes(ancestors: readonly Node[]): ReadonlySet<Node> {
  return new Set(ancestors.slice(0, -1).filter((node, i) => i === 0 || isFunctionNode(node)));
}

/** The URL a request goes to when it is known statically; otherwise the code that builds it. */
function requestTarget(ctx: DetectorContext, call: CallNode): { url: string | null; code: string } {
  const first = call.arguments[0];
  if (first === undefined || first.type === 'SpreadElement') return { url: null, code: '(no argument)' };
  const resolve = ctx.facts.flow.resolverFor(ctx.program);
  const url = stringValue(evaluateStatic(first, resolve));
  // `fetch(url)`: the code that builds the URL is where `url` is defined, not the name itself.
  const defined = first.type === 'Identifier' ? resolve(first) : null;
  const builder = defined?.type === 'VariableDeclarator' ? ((defined as Extract<AnyNode, { type: 'VariableDeclarator' }>).init ?? first) : (defined ?? first);
  return { url, code: clip(ctx.source.slice(builder.start, builder.end)) };
}

function stringValue(value: StaticValue | null): string | null {
  return value?.kind === 'string' ? value.value : null;
}

export interface CommandDownload {
  readonly tool: string;
  /** The first URL on the command; null when it is built at run time (`curl "$URL"`). */
  readonly url: string | null;
  /** The download command as written. */
  readonly command: string;
}

/** Download commands in a shell command line, following `sh -c "..."` and `$(...)`. */
export function commandLineDownloads(line: string, depth = 0): CommandDownload[] {
  if (depth > MAX_COMMAND_DEPTH) return [];
  const read = readCommandLine(line);
  const found: CommandDownload[] = [];
  for (const inner of read.substitutions) found.push(...commandLineDownloads(inner, depth + 1));
  for (const item of read.items) {
    if (item.kind !== 'command') continue;
    const words = item.command.words;
    const index = words.findIndex((word) => !/^[A-Za-z_][A-Za-z0-9_]*=/.test(word.text) && !['sudo', 'env', 'exec', 'command'].includes(word.text));
    const head = words[index];
    if (head === undefined) continue;
    const args = words.slice(index + 1);
    const name = head.text.slice(head.text.replace(/\\/g, '/').lastIndexOf('/') + 1).toLowerCase();
    const command = words.map((word) => word.text).join(' ');
    if (SHELLS.has(name)) {
      const flag = args.findIndex((word) => /^-[A-Za-z]*c[A-Za-z]*$/.test(word.text));
      const script = flag >= 0 ? args[flag + 1] : undefined;
      if (script !== undefined) found.push(...commandLineDownloads(script.text, depth + 1));
    } else if (POWERSHELLS.has(name)) {
      const text = args.map((word) => word.text).join(' ');
      const tool = POWERSHELL_DOWNLOAD.exec(text)?.[0];
      if (tool !== undefined) found.push({ tool, url: URL_IN_TEXT.exec(text)?.[0] ?? null, command });
    } else if (DOWNLOADERS.has(name) && isDownload(name, args)) {
      found.push({ tool: name, url: firstUrl(args), command });
    }
  }
  return found;
}

/** `certutil` and `bitsadmin` do other things too; they download only with these switches. */
function isDownload(name: string, args: readonly Word[]): boolean {
  if (name === 'certutil') return args.some((word) => /^[-/]urlcache$/i.test(word.text));
  if (name === 'bitsadmin') return args.some((word) => /^\/transfer$/i.test(word.text));
  // `fetch` is also a BSD tool; as a shell word it is nothing else.
  return true;
}

function firstUrl(args: readonly Word[]): string | null {
  for (const word of args) {
    const match = URL_IN_TEXT.exec(word.text);
    if (match !== null && !word.expanded) return match[0];
  }
  // A URL built from variables: the word that builds it is the best there is.
  const built = args.find((word) => word.expanded && !word.text.startsWith('-'));
  return built === undefined ? null : built.text;
}

/**
 * Downloads in the command lines the install scripts run: the lifecycle scripts themselves, the
 * scripts they run by name (`npm run fetch-binary`) and the shell scripts they run (`sh
 * ./scripts/get.sh`), as `install-commands.ts` follows them. Each is reported where it is written:
 * in `package.json`, or at its line in the shell script. `textOf` gives a file's text.
 */
export function installScriptDownloads(lines: readonly InstallCommandLine[], textOf: (file: string) => string | null): Finding[] {
  const locators = new Map<string, ReturnType<typeof sourceLocator>>();
  const findings: Finding[] = [];
  for (const line of lines) {
    const downloads = commandLineDownloads(line.text);
    if (downloads.length === 0) continue;
    const text = textOf(line.file) ?? '';
    const locator = locators.get(line.file) ?? sourceLocator(text);
    locators.set(line.file, locator);
    const direct = line.key === `scripts.${line.script}`;
    const via = line.key ?? line.file;
    for (const download of downloads) {
      // In package.json the script is a JSON string; in a shell script the command stands as written.
      const at = line.key !== null ? text.indexOf(JSON.stringify(line.text).slice(1, -1)) : text.indexOf(download.url ?? download.command.split(' ')[0] ?? '');
      const { line: row, column } = locator.position(Math.max(0, at));
      const through = direct ? '' : ` through ${line.key !== null ? `\`npm run ${line.key.slice('scripts.'.length)}\`` : line.file}`;
      findings.push({
        ruleId: INSTALL_TIME_DOWNLOAD_RULE,
        severity: SEVERITY,
        file: line.file,
        line: row,
        column,
        message: `The ${line.script} script runs \`${download.tool}\`${through}, downloading ${download.url ?? 'from a URL built at run time'} on every install.`,
        introduced: false,
        evidence: {
          snippet: clip(download.command),
          codeKind: 'install',
          details: {
            installScript: line.script,
            tool: download.tool,
            ...(download.url === null ? {} : { url: download.url }),
            ...(direct ? {} : { via }),
          },
        },
        identity: `${INSTALL_TIME_DOWNLOAD_RULE}|command|${download.tool}|${hostOf(download.url)}`,
      });
    }
  }
  return findings;
}

/** The host of a URL: a versioned path changes every release, the place it comes from does not. */
function hostOf(url: string | null): string {
  if (url === null) return 'computed';
  try {
    return new URL(url).host.toLowerCase();
  } catch {
    return 'computed';
  }
}

function quoteWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, "'\\''")}'`;
}

function clip(text: string): string {
  return text.length > MAX_URL_CODE_CHARS ? `${text.slice(0, MAX_URL_CODE_CHARS)}…` : text;
}

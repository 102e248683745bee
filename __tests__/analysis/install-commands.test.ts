import { describe, expect, it } from 'vitest';
import { installCommands, MAX_NESTING, MAX_SHELL_SCRIPT_CHARS, type InstallCommands } from '../../src/analysis/install-commands.js';

/** Files as `path (script)`, inline code as `name @directory: code`. */
function summary(result: InstallCommands): { files: string[]; inline: string[] } {
  return {
    files: result.files.map(({ path, script }) => `${path} (${script})`),
    inline: result.inline.map(({ name, directory, code }) => `${name} @${directory ?? '?'}: ${code}`),
  };
}

function run(scripts: Record<string, unknown>, files: Record<string, string> = {}): InstallCommands {
  return installCommands(scripts, { readFile: (path) => files[path] ?? null });
}

const POST = 'package.json#scripts.postinstall';

describe('installCommands: one postinstall command line', () => {
  it.each([
    // The shape of issue 11: inline code requiring a file, its failure swallowed twice.
    [`node -e "try{require('./_postinstall')}catch(e){}" || exit 0`, [], [`${POST} @: try{require('./_postinstall')}catch(e){}`]],
    ['node install.js', ['install.js'], []],
    ['node --max-old-space-size 4096 ./a.js arg', ['a.js'], []],
    ['node --require=./hook.js main.js', ['hook.js', 'main.js'], []],
    ['node -r ./hook.cjs --import ./esm-hook.mjs main', ['hook.cjs', 'esm-hook.mjs', 'main'], []],
    // A preload by bare name is another package.
    ['node -r dotenv/config main.js', ['main.js'], []],
    ['node -- main.js', ['main.js'], []],
    [`node --eval "require('./x')"`, [], [`${POST} @: require('./x')`]],
    [`node --eval="process.env.CI"`, [], [`${POST} @: process.env.CI`]],
    [`node -p 'process.platform'`, [], [`${POST} @: process.platform`]],
    [`node -pe "require('os').hostname()"`, [], [`${POST} @: require('os').hostname()`]],
    // What follows inline code is its argv, not a script.
    [`node -e "require(process.argv[1])" x.js`, [], [`${POST} @: require(process.argv[1])`]],
    ['./scripts/post.js', ['scripts/post.js'], []],
    ['FOO=1 node "dir with space/x.js"', ['dir with space/x.js'], []],
    ['FOO=1 BAR="a b" node x.js', ['x.js'], []],
    ['husky install || node fallback.mjs; nodejs other.js', ['fallback.mjs', 'other.js'], []],
    ['cd lib && node x.js', ['lib/x.js'], []],
    ['cd lib && cd ../tools && node x.js', ['tools/x.js'], []],
    [`cd lib && node -e "require('./x')"`, [], [`${POST} @lib: require('./x')`]],
    ['(cd lib && node a.js) && node b.js', ['lib/a.js', 'b.js'], []],
    // The directory is unknown: `x.js` is the user's, not the package's; relative requires name nothing.
    ['cd "$INIT_CWD" && node x.js', [], []],
    [`cd $INIT_CWD && node -e "require('./x')"`, [], [`${POST} @?: require('./x')`]],
    [`sh -c "node a.js && bash -c 'node b.js'"`, ['a.js', 'b.js'], []],
    [`bash -ec 'node a.js'`, ['a.js'], []],
    ['bash -o pipefail -c "node a.js | tee log"', ['a.js'], []],
    ['env -u HOME NODE_ENV=production node a.js', ['a.js'], []],
    ['cross-env A=1 B=2 node a.js', ['a.js'], []],
    ['cross-env-shell "node a.js && node b.js"', ['a.js', 'b.js'], []],
    ['exec node a.js', ['a.js'], []],
    ['nohup node a.js &', ['a.js'], []],
    ['node a.js > /dev/null 2>&1', ['a.js'], []],
    ['if [ -f x.js ]; then node x.js; fi', ['x.js'], []],
    ['node ./a.js # node b.js', ['a.js'], []],
    [`echo "require('./x')" | node`, [], [`${POST} @: require('./x')`]],
    ['cat lib/payload.js | node', ['lib/payload.js'], []],
    ['node < lib/payload.js', ['lib/payload.js'], []],
    ['node - < lib/payload.js', ['lib/payload.js'], []],
    ["node <<'JS'\nrequire('./x')\nJS", [], [`${POST} @: require('./x')\n`]],
    [`node <<< "process.env.TZ"`, [], [`${POST} @: process.env.TZ`]],
    // Written for Windows: sh reads `scriptssetup.js`, cmd.exe `scripts/setup.js`; both are kept.
    ['node scripts\\setup.js', ['scriptssetup.js', 'scripts/setup.js'], []],
    // Code inside a substitution runs too.
    [`node "$(node -p "'./x.js'")"`, [], [`${POST} @: './x.js'`]],
    ['node /usr/lib/x.js', [], []],
    ['node ../outside.js', [], []],
    ['node ~/x.js', [], []],
    ['node $DIR/x.js', [], []],
    ['node "$(npm root)/x/index.js"', [], []],
  ] as const)('%s', (command, files, inline) => {
    const result = run({ postinstall: command });
    expect(summary(result)).toEqual({ files: files.map((file) => `${file} (postinstall)`), inline });
    expect(result.problems).toEqual([]);
  });

  it.each([
    'node-gyp rebuild',
    'husky install',
    'echo done',
    'exit 0',
    'prebuild-install || node-gyp rebuild',
    'opencollective-postinstall || true',
    'npm install',
    'node --version',
    'node',
    '',
  ])('%j runs no package code', (command) => {
    expect(summary(run({ postinstall: command }))).toEqual({ files: [], inline: [] });
  });

  it('a node -e that only prints is still inline code to analyse, and requires nothing', () => {
    expect(summary(run({ postinstall: `node -e "console.log('Thanks for installing!')"` }))).toEqual({
      files: [],
      inline: [`${POST} @: console.log('Thanks for installing!')`],
    });
  });

  it('numbers the second and later inline code of one script', () => {
    expect(summary(run({ postinstall: `node -e "a()" && node -p "b()"; node -e "c()"` })).inline).toEqual([
      `${POST} @: a()`,
      `${POST}[2] @: b()`,
      `${POST}[3] @: c()`,
    ]);
  });
});

describe('installCommands: scripts running scripts', () => {
  it.each([
    ['npm run', { postinstall: 'npm run build', prebuild: 'node pre.js', build: 'node b.js', postbuild: 'node post.js' }, ['pre.js', 'b.js', 'post.js']],
    ['npm run-script with options and arguments', { postinstall: 'npm run-script --silent build -- --flag', build: 'node b.js' }, ['b.js']],
    ['npm test', { postinstall: 'npm test', test: 'node t.js' }, ['t.js']],
    ['yarn <script>', { postinstall: 'yarn build', prebuild: 'node pre.js', build: 'node b.js' }, ['pre.js', 'b.js']],
    ['yarn run', { postinstall: 'yarn run build', build: 'node b.js' }, ['b.js']],
    ['yarn node', { postinstall: 'yarn node -r ./hook.js b.js' }, ['hook.js', 'b.js']],
    // pnpm runs no pre and post scripts (off by default since v7).
    ['pnpm run', { postinstall: 'pnpm run build', prebuild: 'node pre.js', build: 'node b.js' }, ['b.js']],
    ['pnpm <script>', { postinstall: 'pnpm build', build: 'node b.js' }, ['b.js']],
    ['bun run <script>', { postinstall: 'bun run build', build: 'node b.js' }, ['b.js']],
    ['bun run <file>', { postinstall: 'bun run lib/x.js' }, ['lib/x.js']],
    ['node --run', { postinstall: 'node --run build', build: 'node b.js' }, ['b.js']],
    ['a script run from a subdirectory still runs in the package root', { postinstall: 'cd lib && npm run build', build: 'node b.js' }, ['b.js']],
    ['prepare, run by name from an install script', { postinstall: 'npm run prepare', prepare: 'node build.js' }, ['build.js']],
    ['a cycle', { postinstall: 'npm run a', a: 'node a.js && npm run b', b: 'npm run a && node b.js' }, ['a.js', 'b.js']],
    ['a script running itself', { postinstall: 'npm run postinstall && node p.js' }, ['p.js']],
  ])('%s', (_label, scripts, files) => {
    const result = run(scripts);
    expect(summary(result).files).toEqual(files.map((file) => `${file} (postinstall)`));
    expect(result.problems).toEqual([]);
  });

  it.each([
    ['prepare alone: npm runs it for git and directory installs only', { prepare: 'node build.js' }],
    ['test alone', { test: 'node t.js' }],
    ['a yarn command of its own, not the script of that name', { postinstall: 'yarn add left-pad', add: 'node add.js' }],
    ['another package', { postinstall: 'npm --prefix ../other run build', build: 'node b.js' }],
    ['a workspace', { postinstall: 'npm run build -w packages/a', build: 'node b.js' }],
    ['a missing script', { postinstall: 'npm run missing' }],
    ['a script that is no string', { postinstall: 'npm run build', build: ['node b.js'] }],
    ['an inherited name', { postinstall: 'npm run constructor && npm run __proto__' }],
  ])('%s runs nothing', (_label, scripts) => {
    expect(summary(run(scripts))).toEqual({ files: [], inline: [] });
  });

  it('names the inline code after the script it is written in, under the lifecycle that runs it', () => {
    const result = run({ postinstall: 'npm run setup', setup: `node -e "require('./s')"` });
    expect(result.inline).toEqual([{ name: 'package.json#scripts.setup', code: "require('./s')", script: 'postinstall', directory: '' }]);
  });

  it('gives a file run by several lifecycles the first, in npm order', () => {
    const result = run({ postinstall: 'npm run setup && node post.js', preinstall: 'npm run setup', setup: 'node s.js', install: 'node post.js' });
    expect(summary(result).files).toEqual(['s.js (preinstall)', 'post.js (install)']);
  });

  it('reports a limit met on many branches once', () => {
    const scripts: Record<string, string> = { postinstall: 'npm run s0' };
    for (let i = 0; i < MAX_NESTING + 5; i++) scripts[`s${i}`] = `sh -c "sh -c 'true'" && npm run s${i + 1}`;
    expect(run(scripts).problems).toHaveLength(1);
  });

  it(`stops past ${MAX_NESTING} levels and says so`, () => {
    const scripts: Record<string, string> = { postinstall: 'npm run s0' };
    for (let i = 0; i < MAX_NESTING + 5; i++) scripts[`s${i}`] = `node f${i}.js && npm run s${i + 1}`;
    const result = run(scripts);
    expect(result.files.length).toBeGreaterThan(MAX_NESTING - 5);
    expect(result.files.length).toBeLessThan(MAX_NESTING + 5);
    expect(result.problems).toEqual([{ file: 'package.json', reason: expect.stringContaining(`nested more than ${MAX_NESTING} levels deep`) }]);
  });
});

describe('installCommands: the command lines read', () => {
  it('lists each lifecycle script, each script reached by name and each shell script once, with the lifecycle script that reached it', () => {
    const scripts = { postinstall: 'npm run a && npm run a', a: 'sh ./get.sh && cd lib && sh ../get.sh', prepublishOnly: 'sh ./other.sh' };
    const files: Record<string, string> = { 'get.sh': 'echo hi\n', 'other.sh': 'echo no\n' };
    const result = installCommands(scripts, { readFile: (path) => files[path] ?? null });
    expect(result.lines).toEqual([
      { file: 'package.json', key: 'scripts.postinstall', text: scripts.postinstall, script: 'postinstall' },
      { file: 'package.json', key: 'scripts.a', text: scripts.a, script: 'postinstall' },
      { file: 'get.sh', key: null, text: 'echo hi\n', script: 'postinstall' },
    ]);
  });
});

describe('installCommands: shell scripts', () => {
  const SETUP = [
    '#!/bin/sh',
    'set -e',
    'if [ -n "$CI" ]; then',
    '  exit 0',
    'fi',
    'node scripts/real.js',
    `node -e "require('./lib/x')"`,
  ].join('\n');

  it.each([
    ['sh <file>', 'sh ./scripts/setup.sh'],
    ['bash <file>', 'bash scripts/setup.sh'],
    ['a .sh path run directly', './scripts/setup.sh'],
    ['sh < <file>', 'sh < scripts/setup.sh'],
  ])('follows %s', (_label, command) => {
    const result = run({ postinstall: command }, { 'scripts/setup.sh': SETUP });
    expect(summary(result)).toEqual({
      files: ['scripts/real.js (postinstall)'],
      inline: [`scripts/setup.sh#eval @: require('./lib/x')`],
    });
  });

  it('tells a shell script from a node script by its hashbang', () => {
    const files = { 'bin/setup': '#!/usr/bin/env bash\nnode lib/a.js\n', 'bin/run': '#!/usr/bin/env node\nrequire("../lib/b")' };
    expect(summary(run({ postinstall: './bin/setup && ./bin/run' }, files)).files).toEqual(['lib/a.js (postinstall)', 'bin/run (postinstall)']);
  });

  it('reads a script that runs itself once per directory', () => {
    const result = run({ postinstall: 'sh s.sh' }, { 's.sh': 'sh s.sh\nnode a.js' });
    expect(summary(result).files).toEqual(['a.js (postinstall)']);
  });

  it('stops a script that runs itself from ever new directories, and says so', () => {
    // From a directory k levels down, the lines climbing k+1 levels find s.sh again: 2^depth readings.
    const lines: string[] = [];
    for (let k = 1; k <= MAX_NESTING; k++) for (const d of ['a', 'b']) lines.push(`(cd ${d} && sh ${'../'.repeat(k)}s.sh)`);
    const result = run({ postinstall: 'cd x && sh ../s.sh' }, { 's.sh': lines.join('\n') });
    expect(result.problems).toEqual([{ file: 'package.json', reason: expect.stringContaining('characters in all') }]);
  });

  it('reads only the head of a very long shell script, and says so', () => {
    const text = `node a.js\n${'#'.repeat(MAX_SHELL_SCRIPT_CHARS)}\nnode b.js`;
    const result = run({ postinstall: 'sh long.sh' }, { 'long.sh': text });
    expect(summary(result).files).toEqual(['a.js (postinstall)']);
    expect(result.problems).toEqual([{ file: 'long.sh', reason: expect.stringContaining('only its head was read') }]);
  });

  it('reports an unreadable line in the shell script against that file', () => {
    const result = run({ postinstall: 'sh setup.sh' }, { 'setup.sh': 'node a.js\necho "oops' });
    expect(summary(result).files).toEqual(['a.js (postinstall)']);
    expect(result.problems).toEqual([{ file: 'setup.sh', reason: expect.stringContaining('unterminated double quote') }]);
  });
});

describe('installCommands: command lines that cannot be read in full', () => {
  it.each([
    [`node -e "require('./x')`, [], [`${POST} @: require('./x')`], 'unterminated double quote'],
    [`node a.js && node -e 'process.env.TZ`, ['a.js'], [`${POST} @: process.env.TZ`], 'unterminated single quote'],
    ['node a.js; node "$(npm root', ['a.js'], [], 'unterminated command substitution'],
  ] as const)('%s is read as far as it goes and reported', (command, files, inline, problem) => {
    const result = run({ postinstall: command });
    expect(summary(result)).toEqual({ files: files.map((file) => `${file} (postinstall)`), inline });
    expect(result.problems.map((p) => p.file)).toEqual(result.problems.map(() => 'package.json'));
    expect(result.problems[0]?.reason).toMatch(new RegExp(`^scripts\\.postinstall: command line not readable in full \\(${problem}.*\\): read as far as it goes$`));
  });
});

import { describe, expect, it } from 'vitest';
import { readCommandLine, type Item } from '../../src/analysis/shell-command-line.js';

/** Each simple command as its words joined by `|`, subshell parentheses as `(` and `)`. */
function commands(items: readonly Item[]): string[] {
  return items.map((item) => (item.kind === 'open' ? '(' : item.kind === 'close' ? ')' : item.command.words.map((word) => word.text).join('|')));
}

describe('readCommandLine', () => {
  it.each([
    ['plain words', 'node  scripts/a.js\targ', ['node|scripts/a.js|arg']],
    ['single quotes keep everything', `node -e 'require("./x"); a\\b $HOME'`, ['node|-e|require("./x"); a\\b $HOME']],
    ['an escaped single quote between two quoted parts', `echo 'it'\\''s'`, ["echo|it's"]],
    ['double quotes: \\ escapes only $ ` " \\', `echo "a \\"b\\" \\$c \\\\ \\x"`, ['echo|a "b" $c \\ \\x']],
    ['an unquoted backslash escapes any character', 'node dir\\ with\\ space/x.js', ['node|dir with space/x.js']],
    ['adjacent quoted and bare parts make one word', `FOO="a b"c'd' node`, ['FOO=a bcd|node']],
    ['an empty quoted word is a word', `node -e ""`, ['node|-e|']],
    ['&&, ||, ;, |, & and newlines separate commands', 'a && b || c ; d | e & f\ng', ['a', 'b', 'c', 'd', 'e', 'f', 'g']],
    ['operators need no spaces', 'a&&b;c|d', ['a', 'b', 'c', 'd']],
    ['subshells', '(cd lib && node x.js) ; node y.js', ['(', 'cd|lib', 'node|x.js', ')', 'node|y.js']],
    ['a comment runs to the end of the line', 'node a.js # node b.js\nnode c.js', ['node|a.js', 'node|c.js']],
    ['# inside a word is no comment', 'echo a#b', ['echo|a#b']],
    ['a line continuation joins the lines', 'node \\\n  a.js', ['node|a.js']],
    ['quoted operators are text', `sh -c "node a.js && node b.js; x | y"`, ['sh|-c|node a.js && node b.js; x | y']],
    ['redirections and their targets are no arguments', 'node a.js >/dev/null 2>&1 < in.txt &> log', ['node|a.js']],
    ['a here-document is the input, not commands', "node <<'JS'\nrequire('./x')\nJS\nnode after.js", ['node', 'node|after.js']],
  ] as const)('%s', (_label, line, expected) => {
    const read = readCommandLine(line);
    expect(commands(read.items)).toEqual(expected);
    expect(read.problems).toEqual([]);
  });

  it('keeps each redirection with its target and a here-document with its body', () => {
    const read = readCommandLine("node 2>&1 < in.js <<-EOF >> out\n\tconsole.log(1)\n\tEOF\n");
    const first = read.items[0];
    if (first?.kind !== 'command') throw new Error('expected a command');
    expect(first.command.redirects.map((redirect) => [redirect.op, redirect.target?.text, redirect.body])).toEqual([
      ['>&', '1', undefined],
      ['<', 'in.js', undefined],
      ['<<-', 'EOF', 'console.log(1)\n'],
      ['>>', 'out', undefined],
    ]);
  });

  it('marks the command piping into another', () => {
    const read = readCommandLine('echo "process.env.TZ" | node; node x.js');
    expect(read.items.map((item) => (item.kind === 'command' ? item.input?.words.map((word) => word.text).join(' ') ?? null : item.kind))).toEqual([
      null,
      'echo process.env.TZ',
      null,
    ]);
  });

  it.each([
    ['$VAR', 'node $DIR/x.js', '$DIR/x.js', []],
    ['${VAR}', 'node "${DIR}/x.js"', '${DIR}/x.js', []],
    ['a command substitution', 'node "$(npm root)/x.js"', '$(npm root)/x.js', ['npm root']],
    ['a backquote', 'node `npm root`/x.js', '`npm root`/x.js', ['npm root']],
    ['nested substitutions, quoted', `node "$(dirname "$(node -p 'x')")"`, `$(dirname "$(node -p 'x')")`, [`dirname "$(node -p 'x')"`]],
  ] as const)('keeps %s unexpanded and marks the word', (_label, line, word, substitutions) => {
    const read = readCommandLine(line);
    const first = read.items[0];
    if (first?.kind !== 'command') throw new Error('expected a command');
    expect(first.command.words[1]).toMatchObject({ text: word, expanded: true });
    expect(read.substitutions).toEqual(substitutions);
  });

  it.each([
    ['a lone $', 'echo a$', 'a$'],
    ['arithmetic', 'echo $((1 + 2))', '$((1 + 2))'],
  ])('%s runs no command', (_label, line, word) => {
    const read = readCommandLine(line);
    expect(read.substitutions).toEqual([]);
    expect(commands(read.items)).toEqual([`echo|${word}`]);
  });

  it('keeps unquoted backslashes in the literal form, as cmd.exe reads the word', () => {
    const read = readCommandLine('node scripts\\setup.js "a\\b"');
    const first = read.items[0];
    if (first?.kind !== 'command') throw new Error('expected a command');
    expect(first.command.words.map((word) => [word.text, word.literal])).toEqual([
      ['node', 'node'],
      ['scriptssetup.js', 'scripts\\setup.js'],
      ['a\\b', 'a\\b'],
    ]);
  });

  it.each([
    ['an unterminated double quote', 'node -e "require(\'./x\')', ['node|-e|require(\'./x\')'], /unterminated double quote/],
    ['an unterminated single quote', "node -e 'require(1) && b", ['node|-e|require(1) && b'], /unterminated single quote at offset 8/],
    ['an unterminated substitution', 'node $(npm root', ['node|$(npm root'], /unterminated command substitution/],
    ['an unterminated backquote', 'node `npm root', ['node|`npm root'], /unterminated backquote/],
    ['an unclosed here-document', 'node <<EOF\nprocess.env.TZ', ['node'], /here-document ending in EOF is not closed/],
  ])('reads %s to the end of the line and says so', (_label, line, expected, problem) => {
    const read = readCommandLine(line);
    expect(commands(read.items)).toEqual(expected);
    expect(read.problems).toEqual([expect.stringMatching(problem)]);
  });

  it.each([
    ['parameters', '$a'.repeat(200_000)],
    ['redirections', 'a>b '.repeat(100_000)],
    ['unterminated substitutions', '"$('.repeat(100_000)],
    ['here-document markers', 'node <<E '.repeat(50_000)],
  ])('reads a long line of %s in linear time', (_label, line) => {
    const started = performance.now();
    readCommandLine(line);
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});

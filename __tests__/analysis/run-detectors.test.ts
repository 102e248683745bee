import type { Node, Program } from 'acorn';
import { describe, expect, it } from 'vitest';
import type { Detector, DetectorContext } from '../../src/analysis/detector.js';
import { parse } from '../../src/analysis/parse.js';
import { compareFindings, runDetectors } from '../../src/analysis/run-detectors.js';
import type { Finding } from '../../src/report/report.js';

function program(source: string): Program {
  const outcome = parse(source);
  if (!outcome.ok) throw new Error(outcome.reason);
  return outcome.program;
}

function run(source: string, detectors: Detector[]) {
  return runDetectors({ file: 'lib/a.js', source, program: program(source), codeKind: 'entry' }, detectors);
}

/** A fake detector; test detectors borrow a real rule id, since ids are a closed set. */
function fake(create: (ctx: DetectorContext) => ReturnType<Detector['create']>): Detector {
  return { id: 'fingerprint-source', severity: 'low', summary: 'test detector', create };
}

describe('runDetectors', () => {
  it('calls handlers after children, with ancestors ending at the node, then Program:exit', () => {
    const events: string[] = [];
    const detector = fake(() => ({
      Identifier: (node, ancestors) => {
        events.push(`${(node as Node & { name: string }).name}<${ancestors.map((a) => a.type).join('>')}`);
      },
      CallExpression: () => events.push('call'),
      Program: () => events.push('program'),
      'Program:exit': () => events.push('exit'),
    }));
    run('f(a);', [detector]);
    expect(events).toEqual([
      'f<Program>ExpressionStatement>CallExpression>Identifier',
      'a<Program>ExpressionStatement>CallExpression>Identifier',
      'call',
      'program',
      'exit',
    ]);
  });

  it('turns reports into findings with position, snippet, code kind and a prefixed identity', () => {
    const detector = fake((ctx) => ({
      Literal: (node) => ctx.report({ start: node.start, message: 'm', evidence: {}, identity: 'x|y' }),
      Identifier: (node) =>
        ctx.report({ start: node.start, message: 'n', severity: 'high', evidence: { snippet: 'given' }, identity: 'z' }),
    }));
    const findings = run('\n  go("s");', [detector]).findings;
    expect(findings).toEqual([
      {
        ruleId: 'fingerprint-source',
        severity: 'high',
        file: 'lib/a.js',
        line: 2,
        column: 2,
        message: 'n',
        introduced: false,
        evidence: { snippet: 'given', codeKind: 'entry' },
        identity: 'fingerprint-source|z',
      },
      {
        ruleId: 'fingerprint-source',
        severity: 'low',
        file: 'lib/a.js',
        line: 2,
        column: 5,
        message: 'm',
        introduced: false,
        evidence: { snippet: 'go("s");', codeKind: 'entry' },
        identity: 'fingerprint-source|x|y',
      },
    ]);
  });

  it('records a throwing handler against its rule and keeps the other detectors running', () => {
    let calls = 0;
    const throwing = fake(() => ({
      Identifier: () => {
        calls++;
        throw new Error('boom');
      },
    }));
    const working = fake((ctx) => ({
      'Program:exit': () => ctx.report({ start: ctx.program.start, message: 'ok', evidence: {}, identity: 'ok' }),
    }));
    const result = run('a; b; c;', [throwing, working]);
    expect(result.problems).toEqual([
      { file: 'lib/a.js', reason: 'rule fingerprint-source failed on this file: boom' },
    ]);
    expect(calls).toBe(1);
    expect(result.findings.map((f) => f.message)).toEqual(['ok']);
  });

  it('calls a handler several detectors share once per node; its throw fails every one of them', () => {
    const seen: string[] = [];
    let explode = false;
    const shared = (node: Node): void => {
      seen.push((node as unknown as { name: string }).name);
      if (explode) throw new Error('shared boom');
    };
    const sharing = [fake(() => ({ Identifier: shared })), fake(() => ({ Identifier: shared }))];
    const other = fake(() => ({ Identifier: () => undefined }));
    expect(run('a; b;', [...sharing, other]).problems).toEqual([]);
    expect(seen).toEqual(['a', 'b']);
    explode = true;
    seen.length = 0;
    const result = run('a; b;', [...sharing, other]);
    expect(seen).toEqual(['a']);
    expect(result.problems.map((p) => p.reason)).toEqual([
      'rule fingerprint-source failed on this file: shared boom',
      'rule fingerprint-source failed on this file: shared boom',
    ]);
  });

  it('records a detector whose create or Program:exit throws', () => {
    const badCreate = fake(() => {
      throw new Error('no visitors');
    });
    const badExit = fake(() => ({
      'Program:exit': () => {
        throw new TypeError('late');
      },
    }));
    expect(run('a;', [badCreate, badExit]).problems.map((p) => p.reason)).toEqual([
      'rule fingerprint-source failed on this file: no visitors',
      'rule fingerprint-source failed on this file: late',
    ]);
  });

  it('sorts findings by file, line, column and rule', () => {
    const detector = fake((ctx) => ({
      Identifier: (node) => ctx.report({ start: node.start, message: 'x', evidence: {}, identity: 'x' }),
    }));
    const findings = run('b;\na; c;', [detector]).findings;
    expect(findings.map((f) => [f.line, f.column])).toEqual([
      [1, 0],
      [2, 0],
      [2, 3],
    ]);
  });

  it('gives each file fresh detector state and shared facts within the file', () => {
    const seen: unknown[] = [];
    const detector = fake((ctx) => {
      seen.push(ctx.facts.scope);
      return {};
    });
    run('a;', [detector, detector]);
    run('b;', [detector]);
    expect(seen[0]).toBe(seen[1]);
    expect(seen[2]).not.toBe(seen[0]);
  });
});

describe('compareFindings', () => {
  const base: Finding = {
    ruleId: 'fingerprint-source',
    severity: 'info',
    file: 'a.js',
    line: 1,
    column: 0,
    message: 'm',
    introduced: false,
    evidence: { snippet: '' },
    identity: 'i',
  };
  it('orders by file before line and by code units, not locale', () => {
    const findings = [
      { ...base, file: 'b.js' },
      { ...base, file: 'a.js', line: 9 },
      { ...base, file: 'B.js' },
      { ...base, identity: 'h' },
    ];
    expect([...findings].sort(compareFindings).map((f) => `${f.file}:${f.line}:${f.identity}`)).toEqual([
      'B.js:1:i',
      'a.js:1:h',
      'a.js:9:i',
      'b.js:1:i',
    ]);
  });
});

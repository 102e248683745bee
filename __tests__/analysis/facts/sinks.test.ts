import { describe, expect, it } from 'vitest';
import { assignmentEffect, callEffect, hasLookAlike, LONG_DELAY_MS, sinkOf } from '../../../src/analysis/facts/sinks.js';

describe('sinkOf', () => {
  it.each([
    [['fetch'], 'fetch'],
    [['https', 'request'], 'https.request'],
    [['net', 'createConnection'], 'net.connect'],
    [['dns', 'promises', 'resolveTxt'], 'dns.resolve'],
    [['child_process', 'execSync'], 'child_process.execSync'],
    [['fs', 'readFileSync'], null],
    [['constructor'], null],
  ])('%j -> %s', (path, sink) => {
    expect(sinkOf(path)).toBe(sink);
  });
});

describe('callEffect', () => {
  it.each<[string[], number | null, string | null]>([
    [['fs', 'writeFileSync'], null, 'writes-files'],
    [['fs', 'promises', 'rm'], null, 'writes-files'],
    [['fs', 'readFileSync'], null, null],
    [['process', 'exit'], null, 'exits'],
    [['child_process', 'spawn'], null, 'spawns'],
    [['alert'], null, 'ui'],
    [['window', 'open'], null, 'opens-url'],
    [['open'], null, 'opens-url'],
    [['setTimeout'], LONG_DELAY_MS, 'delays'],
    [['setTimeout'], 10, null],
    [['console', 'log'], null, 'prints'],
    [['process', '_rawDebug'], null, 'prints'],
    [['https', 'get'], null, 'sends'],
  ])('%j (delay %s) -> %s', (path, delay, effect) => {
    expect(callEffect(path, delay)).toBe(effect);
  });
});

describe('assignmentEffect', () => {
  it.each<[string[] | null, string | null, string | null]>([
    [['document', 'body', 'innerHTML'], 'innerHTML', 'ui'],
    [null, 'innerHTML', 'ui'],
    [['location', 'href'], 'href', 'opens-url'],
    [['document', 'title'], 'title', 'ui'],
    [null, 'value', null],
  ])('%j .%s -> %s', (path, member, effect) => {
    expect(assignmentEffect(path, member)).toBe(effect);
  });
});

describe('hasLookAlike', () => {
  it.each([
    ['\u2019', true],
    ['p\u0430ypal', true],
    ['zero\u200bwidth', true],
    ["plain 'ascii'", false],
    ['Привет', false],
    // Russian sentences with a Latin link mix scripts across words, not inside one: a message, no mark.
    ['Привет! Подробнее: https://example.org/peace', false],
    ['Sign in to p\u0430ypal today', true],
  ])('%j -> %s', (text, expected) => {
    expect(hasLookAlike(text)).toBe(expected);
  });
});

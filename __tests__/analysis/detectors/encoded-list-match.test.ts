import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { encodedListMatch } from '../../../src/analysis/detectors/encoded-list-match.js';
import { findingsFor, runDetectorCases, type DetectorCase } from '../../support/detector-cases.js';

const TZ = 'Intl.DateTimeFormat().resolvedOptions().timeZone';
const FIXTURES = fileURLToPath(new URL('../../fixtures/packages/', import.meta.url));
const chat = (version: string): string => readFileSync(`${FIXTURES}fg-chat-client-${version}/index.js`, 'utf8');

/** Encoders for the lists the cases hide, so no encoded blob is written by hand. */
const base64 = (text: string): string => Buffer.from(text).toString('base64');
const hex = (text: string): string => Buffer.from(text).toString('hex');
const xor = (text: string, key: number): string => JSON.stringify(Array.from(text, (c) => String.fromCharCode(c.charCodeAt(0) ^ key)).join(''));
const codes = (text: string): string => Array.from(text, (c) => c.charCodeAt(0)).join(',');

const ZONES = 'Europe/Moscow,Europe/Minsk';

const CASES: DetectorCase[] = [
  {
    name: 'motivating case: XOR-decoded domains and zones alter the text sent',
    code: chat('1.1.0'),
    expect: [{ severity: 'high', sourceKind: 'endpoint+timezone', messageIncludes: 'acme-corp.example, initech.example' }],
    twin: { code: chat('1.0.0') },
  },
  {
    name: 'base64 list through atob replaces the page',
    code: `const L = atob('${base64('ru,be,kk')}').split(',');\nif (L.includes(navigator.language.slice(0, 2))) document.body.innerHTML = '';`,
    expect: [{ severity: 'high', sourceKind: 'locale', messageIncludes: 'ru, be, kk' }],
    twin: { code: `const L = atob('${base64('ru,be,kk')}').split(',');\nif (L.includes(settings.language)) document.body.innerHTML = '';` },
  },
  {
    name: 'fromCharCode over an array, compared by equality',
    code: `const Z = String.fromCharCode(${codes('Europe/Moscow')});\nif (${TZ} === Z) process.exit(1);`,
    expect: [{ severity: 'high', messageIncludes: 'Europe/Moscow' }],
    twin: { code: `const Z = String.fromCharCode(${codes('Europe/Moscow')});\nconsole.log('zone', Z);` },
  },
  {
    name: 'minified: XOR helper with its key in a module-level variable and a split list',
    code: `var k=7;function d(s){for(var r="",i=0;i<s.length;i++)r+=String.fromCharCode(s.charCodeAt(i)^k);return r}var Z=d(${xor(ZONES, 7)}).split(",");var q;function t(){return q||(q=${TZ}),q}module.exports=function(){return Z.indexOf(t())!==-1};`,
    expect: [{ severity: 'high', messageIncludes: 'Europe/Moscow, Europe/Minsk' }],
    twin: { code: `var k=7;function d(s){for(var r="",i=0;i<s.length;i++)r+=String.fromCharCode(s.charCodeAt(i)^k);return r}var Z=d(${xor(ZONES, 7)}).split(",");module.exports=function(z){return Z.indexOf(z)!==-1};` },
  },
  {
    name: 'hex-encoded host suffix',
    code: `const os = require('os');\nconst S = Buffer.from('${hex('.acme.example')}', 'hex').toString();\nif (os.hostname().endsWith(S)) require('child_process').execSync('id');`,
    expect: [{ severity: 'high', sourceKind: 'hostname', messageIncludes: '.acme.example' }],
    twin: { code: `const S = Buffer.from('${hex('.acme.example')}', 'hex').toString();\nif (request.host.endsWith(S)) require('child_process').execSync('id');` },
  },
  {
    name: 'reversed string in a switch-free includes',
    code: `const os = require('os');\nconst N = 'ecila,bob'.split('').reverse().join('').split(',');\nif (N.includes(os.userInfo().username)) throw new Error('x');`,
    expect: [{ severity: 'high', sourceKind: 'user' }],
    twin: { code: `const N = 'ecila,bob'.split('').reverse().join('').split(',');\nif (N.includes(user.name)) throw new Error('x');` },
  },
];

runDetectorCases(encodedListMatch, CASES);

describe('encoded-list-match evidence', () => {
  it('keeps both decoded lists of the motivating case in full, with every link', () => {
    const [finding] = findingsFor(encodedListMatch, chat('1.1.0'));
    expect(finding?.evidence.list?.values).toEqual(['Europe/Minsk', 'Asia/Tehran', 'America/Havana', 'acme-corp.example', 'initech.example']);
    expect(finding?.evidence.list?.encoding).toContain('xor');
    const roles = finding?.evidence.links?.map((link) => link.role) ?? [];
    expect(roles.filter((role) => role === 'list')).toHaveLength(2);
    expect(roles.filter((role) => role === 'source')).toHaveLength(2);
    expect(roles).toContain('effect');
    expect(finding?.identity).not.toMatch(/\b[ZHd]\b|\d+:\d+/);
  });

  it('gives the same identity when the bundle is re-minified with other names and layout', () => {
    const a = findingsFor(encodedListMatch, CASES[3]?.code ?? '');
    const renamed = (CASES[3]?.code ?? '').replace(/\bZ\b/g, 'Y').replace(/\bd\(/g, 'u(').replace(/function d\b/, 'function u').replace(/;/g, ';\n');
    const b = findingsFor(encodedListMatch, renamed);
    expect(b.map((f) => f.identity)).toEqual(a.map((f) => f.identity));
    expect(a).toHaveLength(1);
  });
});

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

/** Base64 of the text with every byte XOR-ed with `key`: the way bundles hide domain lists. */
const xorBase64 = (text: string, key: number): string => Buffer.from(Array.from(Buffer.from(text), (byte) => byte ^ key)).toString('base64');

/**
 * The shape of a real esbuild bundle (written fresh): a lazy module initialiser assigns memoised
 * thunks that decode the lists; a getter memoises the zone; the host comes from a base-URL
 * variable; the checks sit in an object literal; a helper picks a look-alike apostrophe from its
 * flags and a zone match rewrites the date in text that is sent on.
 */
const bundleShape = (hostRead: string, memo: string, decoder: string): string =>
  [
    `var lazy=(f,v)=>()=>(f&&(v=f(f=0)),v);${memo}`,
    decoder,
    `function host(){let u=${hostRead};if(!u)return null;try{return new URL(u).hostname.toLowerCase()}catch{return null}}`,
    `var zc;function zone(){if(!zc)zc=${TZ};return zc}`,
    'function check(){let h=host(),t=zone(),cn=t==="Asia/Shanghai"||t==="Asia/Urumqi";if(!h)return{known:!1,kw:!1,cnTZ:cn,host:null};return{known:LA().some((d)=>h===d||h.endsWith("."+d)),kw:LB().some((d)=>h.includes(d)),cnTZ:cn,host:h}}',
    'function mark(a,b){if(!a&&!b)return"\x27";if(a&&!b)return"\u2019";if(!a&&b)return"\u02bc";return"\u02b9"}',
    'function line(d){let r=check(),m=mark(r?.known??!1,r?.kw??!1),z=r?.cnTZ?d.replace(/-/g,"/"):d;return`Today${m}s date is ${z}.`}',
    `var KEY=73,EA="${xorBase64('corp.example,initech.example,acme.test', 73)}",EB="${xorBase64('lab,research', 73)}",LA,LB;var init=lazy(()=>{LA=memo(()=>dec(EA)),LB=memo(()=>dec(EB))});`,
    'export function prompt(){init();return line(new Date().toISOString())}',
  ].join('\n');
const HAND_MEMO = 'function memo(fn){var c;return function(){return c||(c=fn())}}';
const IMPORTED_MEMO = 'import memo from "lodash.memoize";';
const FOR_OF_DECODER = 'function dec(s){let b=Buffer.from(s,"base64"),o="";for(let x of b)o+=String.fromCharCode(x^KEY);return o.split(",")}';
const REDUCE_DECODER = 'function dec(s){return[...Buffer.from(s,"base64")].reduce((o,x)=>o+String.fromCharCode(x^KEY),"").split(",")}';
const MAP_JOIN_DECODER = 'function dec(s){return Array.from(Buffer.from(s,"base64")).map((x)=>String.fromCharCode(x^KEY)).join("").split(",")}';
const WHILE_DECODER = 'function dec(s){var b=Buffer.from(s,"base64"),o="",i=0;while(i<b.length){o+=String.fromCharCode(b[i]^KEY);i++}return o.split(",")}';

const CASES: DetectorCase[] = [
  {
    name: 'bundle shape: lazy initialiser, hand-written memo, for-of XOR decoder, checks in an object, look-alike apostrophes',
    code: bundleShape('process.env.SERVICE_BASE_URL', HAND_MEMO, FOR_OF_DECODER),
    expect: [{ severity: 'high', sourceKind: 'endpoint+timezone', messageIncludes: 'joined to a comparison of the timezone' }],
    twin: { code: bundleShape('config.baseUrl', HAND_MEMO, FOR_OF_DECODER) },
  },
  {
    name: 'bundle shape: an imported memoize and a reduce decoder',
    code: bundleShape('process.env.API_BASE_URL', IMPORTED_MEMO, REDUCE_DECODER),
    expect: [{ severity: 'high', messageIncludes: 'corp.example, initech.example, acme.test' }],
    twin: { code: bundleShape('settings.endpoint', IMPORTED_MEMO, REDUCE_DECODER) },
  },
  {
    name: 'bundle shape: map(...).join("") decoder',
    code: bundleShape('process.env.ANTHROPIC_BASE_URL', HAND_MEMO, MAP_JOIN_DECODER),
    expect: [{ severity: 'high', messageIncludes: 'alters text' }],
    twin: { code: bundleShape('options.server', HAND_MEMO, MAP_JOIN_DECODER) },
  },
  {
    name: 'bundle shape: while-loop decoder with an imported memoize',
    code: bundleShape('process.env.OPENAI_BASE_URL', IMPORTED_MEMO, WHILE_DECODER),
    expect: [{ severity: 'high', messageIncludes: 'lab, research' }],
    twin: { code: bundleShape('opts.url', IMPORTED_MEMO, WHILE_DECODER) },
  },
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

describe('encoded-list-match on the bundle shape', () => {
  it('keeps each list complete, names the effect in detail and the joined zone comparison', () => {
    const [finding] = findingsFor(encodedListMatch, bundleShape('process.env.SERVICE_BASE_URL', HAND_MEMO, FOR_OF_DECODER));
    expect(finding?.evidence.lists?.map((list) => list.values)).toEqual([
      ['corp.example', 'initech.example', 'acme.test'],
      ['lab', 'research'],
      ['Asia/Shanghai', 'Asia/Urumqi'],
    ]);
    expect(finding?.evidence.lists?.[0]?.encoding).toBe('base64+xor+char-codes');
    expect(finding?.evidence.details?.effect).toBe('alters-text');
    expect(String(finding?.evidence.details?.effectDetail)).toContain('U+2019');
    expect(String(finding?.evidence.details?.effectDetail)).toContain('rewrites the text');
  });
});

describe('encoded-list-match stays quiet on decoding that hides nothing', () => {
  it.each([
    [
      'a loop picking unused private-use characters as sentinels (the counter is no constant)',
      'function pair(h){const free=[];for(let c=57344;c<=63743&&free.length<2;c++){const ch=String.fromCharCode(c);if(!h.includes(ch))free.push(ch)}return free}\npair(process.env.GH_HOST);',
    ],
    [
      'a decoded separator character compared with the host',
      'const SEP=String.fromCharCode(31);\nif(process.env.API_HOST.includes(SEP))throw new Error("bad host");',
    ],
    [
      'a destructured loop variable is not its first value',
      'let [i]=[0];for(const x of xs){[i]=[i+1]}\nconst s=String.fromCharCode(65+i);\nif(process.env.API_HOST===s)process.exit(1);',
    ],
  ])('%s', (_label, code) => {
    expect(findingsFor(encodedListMatch, code)).toEqual([]);
  });
});

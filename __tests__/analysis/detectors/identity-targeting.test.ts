import { describe, expect, it } from 'vitest';
import { DETECTORS } from '../../../src/analysis/detectors/index.js';
import { identityTargeting } from '../../../src/analysis/detectors/identity-targeting.js';
import { parse } from '../../../src/analysis/parse.js';
import { runDetectors } from '../../../src/analysis/run-detectors.js';
import { severityRank } from '../../../src/report/severity.js';
import { findingsFor, runDetectorCases, type DetectorCase } from '../../support/detector-cases.js';

const TZ = 'Intl.DateTimeFormat().resolvedOptions().timeZone';

const CASES: DetectorCase[] = [
  {
    name: 'a state object holding the endpoint in one property (set through a setter): that property compared with a list',
    code: "const state = { version: '1.0.0', gateway: null };\nfunction setGateway(g) { state.gateway = g; }\nsetGateway({ host: process.env.ANTHROPIC_BASE_URL });\nif (['corp-one.cn', 'lab-two.com'].includes(state.gateway.host)) process.exit(1);",
    expect: [{ severity: 'high', sourceKind: 'endpoint', line: 4, messageIncludes: 'exits the process' }],
    // A sibling property of the same object never held the endpoint (a bundle's global state object).
    twin: { code: "const state = { version: '1.0.0', gateway: null };\nfunction setGateway(g) { state.gateway = g; }\nsetGateway({ host: process.env.ANTHROPIC_BASE_URL });\nif (['2.1.0', '2.1.1'].includes(state.version)) process.exit(1);" },
  },
  {
    name: 'install script: a zone guard prints a message in Russian with a Latin link (prints, not look-alike marks)',
    code: `const zones = ['Europe/Moscow', 'Europe/Samara', 'Asia/Omsk'];\nif (zones.indexOf(${TZ}) === -1) return;\nconsole.log('\u041f\u0440\u0438\u0432\u0435\u0442! \u041f\u043e\u0434\u0440\u043e\u0431\u043d\u0435\u0435: https://example.org/peace');`,
    codeKind: 'install',
    expect: [{ severity: 'high', sourceKind: 'timezone', messageIncludes: 'prints a message' }],
    twin: { code: `const zones = ['Europe/Moscow', 'Europe/Samara', 'Asia/Omsk'];\nif (zones.indexOf(process.argv[2]) === -1) return;\nconsole.log('\u041f\u0440\u0438\u0432\u0435\u0442! \u041f\u043e\u0434\u0440\u043e\u0431\u043d\u0435\u0435: https://example.org/peace');` },
  },
  {
    name: 'install script: a message printed only for one language is aimed at its users',
    code: "if (Intl.DateTimeFormat().resolvedOptions().locale.includes('ru')) {\n  console.log('a message for you');\n}",
    codeKind: 'install',
    expect: [{ severity: 'high', sourceKind: 'locale', messageIncludes: 'prints a message' }],
    twin: { code: "if (cfg.locale.includes('ru')) {\n  console.log('a message for you');\n}" },
  },
  {
    name: 'esbuild __commonJS: the list is another module\'s exports',
    code: `var __keys=Object.getOwnPropertyNames;var __commonJS=(cb,mod)=>function __require(){try{return mod||(0,cb[__keys(cb)[0]])((mod={exports:{}}).exports,mod),mod.exports}catch(e){throw mod=0,e}};\nvar require_zones=__commonJS({"zones.js"(exports2,module2){module2.exports=["Europe/Moscow","Europe/Minsk"]}});\nvar zones=require_zones();\nif(zones.includes(${TZ}))process.exit(1);`,
    expect: [{ severity: 'high', line: 4, messageIncludes: 'Europe/Moscow, Europe/Minsk' }],
    twin: { code: `var __keys=Object.getOwnPropertyNames;var __commonJS=(cb,mod)=>function __require(){try{return mod||(0,cb[__keys(cb)[0]])((mod={exports:{}}).exports,mod),mod.exports}catch(e){throw mod=0,e}};\nvar require_zones=__commonJS({"zones.js"(exports2,module2){module2.exports=["Europe/Moscow","Europe/Minsk"]}});\nvar zones=require_zones();\nif(zones.includes(cli.zone))process.exit(1);` },
  },
  {
    name: 'webpack module table: the list comes through the loader',
    code: `(()=>{var m={812:e=>{e.exports=["Europe/Moscow","Europe/Minsk"]},77:(e,t,r)=>{const z=r(812);if(z.includes(${TZ}))process.exit(1)}},c={};function r(n){var o=c[n];if(void 0!==o)return o.exports;var i=c[n]={exports:{}};return m[n](i,i.exports,r),i.exports}r(77)})();`,
    expect: [{ severity: 'high', messageIncludes: 'exits the process' }],
    twin: { code: `(()=>{var m={812:e=>{e.exports=["Europe/Moscow","Europe/Minsk"]},77:(e,t,r)=>{const z=r(812);if(z.includes(e.zone))process.exit(1)}},c={};function r(n){var o=c[n];if(void 0!==o)return o.exports;var i=c[n]={exports:{}};return m[n](i,i.exports,r),i.exports}r(77)})();` },
  },
  {
    name: 'rollup IIFE: module-level list read by an exported function',
    code: `var app=(function(){'use strict';var zones=["Europe/Moscow","Europe/Minsk"];function zone(){return ${TZ}}function run(){if(zones.indexOf(zone())===-1)return;document.body.innerHTML=''}return{run:run}})();`,
    expect: [{ severity: 'high', messageIncludes: 'changes or blocks the page' }],
    twin: { code: `var app=(function(){'use strict';var zones=["Europe/Moscow","Europe/Minsk"];function zone(){return app.config.zone}function run(){if(zones.indexOf(zone())===-1)return;document.body.innerHTML=''}return{run:run}})();` },
  },
  {
    name: 'decision in an object property, read back by destructuring, gates a message box',
    code: `function check(){const z=${TZ};return{inList:["Europe/Moscow","Europe/Minsk"].includes(z),zone:z}}\nconst {inList}=check();\nif(inList)alert("a message");`,
    expect: [{ severity: 'high', line: 1, messageIncludes: 'changes or blocks the page' }],
    twin: { code: `function check(){const z=opts.zone;return{inList:["Europe/Moscow","Europe/Minsk"].includes(z),zone:z}}\nconst {inList}=check();\nif(inList)alert("a message");` },
  },
  {
    name: 'decision in an object property, read with optional chaining and ?? into a helper that picks a character',
    code: `function check(){const z=${TZ};return{hit:["Asia/Shanghai","Asia/Urumqi"].includes(z)}}\nfunction mark(f){return f?"\\u2019":"\\x27"}\nexport function line(){const r=check();return "It"+mark(r?.hit??false)+"s today"}`,
    expect: [{ severity: 'high', line: 1, messageIncludes: 'look-alike characters (U+2019' }],
    twin: { code: `function check(){const z=job.zone;return{hit:["Asia/Shanghai","Asia/Urumqi"].includes(z)}}\nfunction mark(f){return f?"\\u2019":"\\x27"}\nexport function line(){const r=check();return "It"+mark(r?.hit??false)+"s today"}` },
  },
  {
    name: 'early return: readable timer callback, the effect after the guard',
    code: `setTimeout(function () {\n  var zones = ['Europe/Moscow', 'Europe/Samara', 'Asia/Omsk'];\n  if (zones.indexOf(new Intl.DateTimeFormat().resolvedOptions().timeZone) === -1) {\n    return;\n  }\n  alert('a message');\n  window.open('https://example.org/page');\n}, 15000);`,
    expect: [{ severity: 'high', line: 3, sourceKind: 'timezone', messageIncludes: 'changes or blocks the page' }],
    twin: { code: `setTimeout(function () {\n  var zones = ['Europe/Moscow', 'Europe/Samara', 'Asia/Omsk'];\n  if (zones.indexOf(settings.zone) === -1) {\n    return;\n  }\n  alert('a message');\n  window.open('https://example.org/page');\n}, 15000);` },
  },
  {
    name: 'early return: minified twin of the timer guard',
    code: 'setTimeout(function(){if(-1===["Europe/Moscow","Europe/Samara"].indexOf((new Intl.DateTimeFormat).resolvedOptions().timeZone))return;alert("a message")},15e3);',
    expect: [{ severity: 'high', sourceKind: 'timezone' }],
    twin: { code: 'setTimeout(function(){if(-1===["Europe/Moscow","Europe/Samara"].indexOf(cfg.tz))return;alert("a message")},15e3);' },
  },
  {
    name: 'early throw in a promise callback, files written after it',
    code: `const fs = require('fs');\nload().then(function () {\n  if (!['Europe/Minsk', 'Europe/Moscow'].includes(${TZ})) throw new Error('skip');\n  fs.writeFileSync('out.txt', 'x');\n});`,
    expect: [{ severity: 'high', line: 3, messageIncludes: 'writes or deletes files' }],
    twin: { code: `const fs = require('fs');\nload().then(function () {\n  if (!['Europe/Minsk', 'Europe/Moscow'].includes(job.zone)) throw new Error('skip');\n  fs.writeFileSync('out.txt', 'x');\n});` },
  },
  {
    name: 'continue in a loop skips the files of other countries',
    code: `const fs = require('fs');\nconst lang = (process.env.LANG || '').slice(0, 2);\nfor (const file of files) {\n  if (!['ru', 'by'].includes(lang)) continue;\n  fs.unlinkSync(file);\n}`,
    expect: [{ severity: 'high', line: 4, sourceKind: 'locale', messageIncludes: 'writes or deletes files' }],
    twin: { code: `const fs = require('fs');\nconst lang = (process.env.LANG || '').slice(0, 2);\nfor (const file of files) {\n  if (!['ru', 'by'].includes(file.lang)) continue;\n  fs.unlinkSync(file);\n}` },
  },
  {
    name: 'process.exit guard at the top of a script, a page change after it',
    code: `if (['Europe/Moscow', 'Europe/Volgograd'].indexOf(${TZ}) < 0) process.exit(0);\ndocument.title = 'changed';`,
    expect: [{ severity: 'high', messageIncludes: 'exits the process' }],
    twin: { code: `if (['Europe/Moscow', 'Europe/Volgograd'].indexOf(argv.zone) < 0) process.exit(0);\ndocument.title = 'changed';` },
  },
  {
    name: 'guard inside try in an event handler',
    code: `window.addEventListener('load', () => {\n  try {\n    if (['Europe/Moscow', 'Europe/Minsk'].indexOf(${TZ}) === -1) return;\n    document.body.innerHTML = '<h1>message</h1>';\n  } catch (e) {}\n});`,
    expect: [{ severity: 'high', line: 3, messageIncludes: 'changes or blocks the page' }],
    twin: { code: `window.addEventListener('load', () => {\n  try {\n    if (['Europe/Moscow', 'Europe/Minsk'].indexOf(page.zone) === -1) return;\n    document.body.innerHTML = '<h1>message</h1>';\n  } catch (e) {}\n});` },
  },
  {
    name: 'per call: a pass-through helper fed the zone at the comparing call only',
    code: `function norm(v){return v?String(v).trim():""}\nconst shown=norm(opts.label);log(shown);\nif(["Europe/Moscow","Europe/Minsk"].includes(norm(${TZ})))process.exit(1);`,
    expect: [{ severity: 'high', line: 3, sourceKind: 'timezone', messageIncludes: 'exits the process' }],
    twin: { code: `function norm(v){return v?String(v).trim():""}\nconst shown=norm(${TZ});log(shown);\nif(["Europe/Moscow","Europe/Minsk"].includes(norm(opts.zone)))process.exit(1);` },
  },
  {
    name: 'per call: a truthiness helper called with the CI flag does not taint its other calls',
    code: `function on(q){if(!q)return!1;if(typeof q==="boolean")return q;let k=q.toLowerCase().trim();return["1","true","yes","on"].includes(k)}\nconst ci=on(process.env.GITHUB_ACTIONS)?"gha":"local";\nif(["ru","by"].includes(on(process.env.LANG)))process.exit(1);`,
    expect: [{ severity: 'high', line: 3, sourceKind: 'locale' }],
    twin: { code: `function on(q){if(!q)return!1;if(typeof q==="boolean")return q;let k=q.toLowerCase().trim();return["1","true","yes","on"].includes(k)}\nconst ci=on(process.env.GITHUB_ACTIONS)?"gha":"local";\nif(["ru","by"].includes(on(opts.flag)))process.exit(1);` },
  },
  {
    name: 'protestware: one country\'s zones overwrite files',
    code: `const fs = require('fs');\nconst zone = ${TZ};\nif (['Europe/Moscow', 'Europe/Samara', 'Asia/Yekaterinburg'].includes(zone)) {\n  fs.writeFileSync('data.json', '{}');\n}`,
    expect: [{ severity: 'high', line: 3, sourceKind: 'timezone', messageIncludes: 'writes or deletes files' }],
    twin: { code: `const fs = require('fs');\nconst zone = ${TZ};\nfs.writeFileSync('data.json', JSON.stringify({ zone: zone.replace('_', ' ') }));` },
  },
  {
    name: 'protestware: equality chain prints a message',
    code: `const zone = ${TZ};\nif (zone === 'Europe/Moscow' || zone === 'Europe/Minsk') console.log('message for you');`,
    expect: [{ severity: 'high', messageIncludes: 'Europe/Moscow, Europe/Minsk' }],
    twin: { code: `const zone = ${TZ};\nif (zone === 'UTC') console.log('running in UTC');` },
  },
  {
    name: 'protestware: language list replaces the page',
    code: "if (['ru', 'be'].includes(navigator.language.slice(0, 2))) document.body.innerHTML = '<h1>stop</h1>';",
    expect: [{ severity: 'high', sourceKind: 'locale', messageIncludes: 'changes or blocks the page' }],
    twin: { code: 'document.documentElement.lang = navigator.language.slice(0, 2);' },
  },
  {
    name: 'a locale list whose result is only returned',
    code: "module.exports = function inRegion() {\n  return ['ru-RU', 'be-BY'].includes(Intl.DateTimeFormat().resolvedOptions().locale);\n};",
    expect: [{ severity: 'medium', sourceKind: 'locale', messageIncludes: 'returned to callers' }],
    twin: { code: "module.exports = function isEnglish() {\n  return Intl.DateTimeFormat().resolvedOptions().locale.startsWith('en');\n};" },
  },
  {
    name: 'minified: memoised getter and a one-letter comparing helper',
    code: `var c;function t(){return c||(c=${TZ}),c}function m(v,l){return l.indexOf(v)>-1}var L=["Europe/Kyiv","Europe/Kiev"];if(m(t(),L))process.exit(1);`,
    expect: [{ severity: 'high', sourceKind: 'timezone', messageIncludes: 'exits the process' }],
    twin: { code: `var c;function t(){return c||(c=${TZ}),c}function m(v,l){return l.indexOf(v)>-1}var L=["Europe/Kyiv","Europe/Kiev"];if(m(o.zone,L))process.exit(1);` },
  },
  {
    name: 'list built by split gates a long delay',
    code: `const Z = 'Europe/Moscow|Europe/Minsk'.split('|');\nconst tz = ${TZ};\nif (Z.includes(tz)) setTimeout(run, 600000);`,
    expect: [{ severity: 'high', messageIncludes: 'delays' }],
    twin: { code: `const Z = 'Europe/Moscow|Europe/Minsk'.split('|');\nconst tz = options.zone;\nif (Z.includes(tz)) setTimeout(run, 600000);` },
  },
  {
    name: 'switch cases spawn a process',
    code: `const cp = require('child_process');\nswitch (${TZ}) {\n  case 'Europe/Moscow':\n  case 'Europe/Minsk':\n    cp.exec('rm -rf ./build');\n}`,
    expect: [{ severity: 'high', messageIncludes: 'spawns a process' }],
    twin: { code: `const cp = require('child_process');\nswitch (process.platform) {\n  case 'linux':\n  case 'darwin':\n    cp.exec('rm -rf ./build');\n}` },
  },
  {
    name: 'regex of country codes throws',
    code: "const lang = (process.env.LANG || '').split('_')[0];\nif (/^(ru|by|kz)$/i.test(lang)) throw new Error('unsupported');",
    expect: [{ severity: 'high', sourceKind: 'locale', messageIncludes: 'ru, by, kz' }],
    twin: { code: "const lang = (process.env.LANG || '').split('_')[0];\nconst messages = loadMessages(lang);" },
  },
  {
    name: 'an endpoint setting compared whole with a list of base URLs (hosts written as web addresses)',
    code: "const base = process.env.ANTHROPIC_BASE_URL || '';\nconst blocked = ['https://api.corp-one.cn', 'https://gateway.lab-two.com/v1', 'https://proxy.firm-three.io'];\nif (blocked.includes(base)) process.exit(1);",
    expect: [{ severity: 'high', sourceKind: 'endpoint', line: 3, messageIncludes: 'https://api.corp-one.cn' }],
    // Local base URLs: a development server, not anyone singled out (the vendor's own are a
    // low note, as its bare hosts are: see classifyList's table).
    twin: { code: "const base = process.env.ANTHROPIC_BASE_URL || '';\nconst local = ['http://localhost:8080', 'http://127.0.0.1:8080/v1', 'http://[::1]:8080'];\nif (local.includes(base)) process.exit(1);" },
  },
  {
    name: 'company domains matched by suffix in a some() callback',
    code: "const host = new URL(process.env.OPENAI_BASE_URL).hostname;\nexport const isCorp = ['acme.com', 'globex.com', 'initech.com'].some((d) => host.endsWith(d));",
    expect: [{ severity: 'medium', sourceKind: 'endpoint', messageIncludes: 'acme.com, globex.com, initech.com' }],
    twin: { code: "const host = new URL(process.env.OPENAI_BASE_URL).hostname;\nexport const bypass = (process.env.NO_PROXY || '').split(',').some((d) => host.endsWith(d));" },
  },
  {
    name: 'lookup in a table of flags gates an alert',
    code: `const BAD = { 'Europe/Moscow': 1, 'Europe/Minsk': 1 };\nBAD[${TZ}] && alert('no service');`,
    expect: [{ severity: 'high', messageIncludes: 'changes or blocks the page' }],
    twin: { code: `const NAMES = { 'Europe/Moscow': 'Moscow', 'Europe/Minsk': 'Minsk' };\nconst label = NAMES[${TZ}];` },
  },
  {
    name: 'user names exit the process',
    code: "const os = require('os');\nif (['alice', 'bob'].includes(os.userInfo().username)) process.exit(0);",
    expect: [{ severity: 'high', sourceKind: 'user' }],
    twin: { code: "const os = require('os');\nif (['alice', 'bob'].includes(config.owner)) process.exit(0);" },
  },
  {
    name: 'TLD of the host name',
    code: "const os = require('os');\nconst h = os.hostname().toLowerCase();\nif (['.ru', '.by'].some((t) => h.endsWith(t))) require('fs').rmSync('.', { recursive: true });",
    expect: [{ severity: 'high', sourceKind: 'hostname', messageIncludes: 'top-level domains' }],
    twin: { code: "const os = require('os');\nconst h = os.hostname().toLowerCase();\nconsole.log(`running on ${h}`);" },
  },
  {
    name: 'platform check of the runner is low',
    code: "if (process.env.RUNNER_OS === 'Linux') setup();",
    expect: [{ severity: 'low', sourceKind: 'ci' }],
    twin: { code: "if (process.platform === 'linux') setup();" },
  },
];

runDetectorCases(identityTargeting, CASES);

/** Honest shapes of the same reads: every detector together must stay below `medium`. */
const ZONES = Array.from({ length: 60 }, (_, i) => `'Area${i % 3}/City_${i}'`).map((z, i) => (i % 2 === 0 ? z.replace(/Area\d/, 'Europe') : z.replace(/Area\d/, 'America')));
const BENIGN: { name: string; code: string }[] = [
  {
    name: 'moment-timezone-like lookup in the full zone table',
    code: `const ZONES = {${ZONES.map((z, i) => `${z}: ${i}`).join(', ')}};\nexport function guess() {\n  const tz = ${TZ};\n  if (ZONES[tz] !== undefined) return tz;\n  return [${ZONES.join(', ')}].includes(tz) ? tz : 'UTC';\n}`,
  },
  {
    name: 'HTTP client honouring HTTPS_PROXY and NO_PROXY (proxy-from-env shape)',
    code: "export function getProxyForUrl(url) {\n  const host = new URL(url).hostname;\n  const noProxy = (process.env.no_proxy || process.env.NO_PROXY || '').split(/[,\\s]/);\n  if (noProxy.some((entry) => entry === '*' || host.endsWith(entry))) return '';\n  return process.env.https_proxy || process.env.HTTPS_PROXY || '';\n}",
  },
  {
    name: 'supports-color / ci-info switching on CI vendors',
    code: "const env = process.env;\nexport function level() {\n  if ('CI' in env) {\n    if (['TRAVIS', 'CIRCLECI', 'APPVEYOR', 'GITLAB_CI', 'GITHUB_ACTIONS', 'BUILDKITE'].some((sign) => sign in env) || env.CI_NAME === 'codeship') return 1;\n    return 0;\n  }\n  if (env.TERM_PROGRAM === 'iTerm.app') return 3;\n  return env.CI === 'true' ? 0 : 1;\n}",
  },
  {
    name: 'SDK checking whether its base URL is its own host',
    code: "const base = process.env.OPENAI_BASE_URL || 'https://api.openai.com/v1';\nconst host = new URL(base).hostname;\nif (host !== 'api.openai.com') console.warn('custom endpoint in use: ' + host);\nexport const official = host === 'api.openai.com';",
  },
  {
    name: 'platform-reporting package (os-name shape)',
    code: "const os = require('os');\nconst NAMES = new Map([['22', 'Ventura'], ['23', 'Sonoma']]);\nmodule.exports = function osName() {\n  if (os.platform() === 'darwin') return 'macOS ' + (NAMES.get(os.release().split('.')[0]) || '');\n  return os.platform() === 'win32' ? 'Windows' : 'Linux';\n};",
  },
  {
    name: 'locale library choosing translations by LANG',
    code: "const TRANSLATIONS = { en: { hi: 'Hello' }, de: { hi: 'Hallo' }, ru: { hi: 'Привет' }, fr: { hi: 'Bonjour' } };\nconst lang = (process.env.LC_ALL || process.env.LANG || 'en').slice(0, 2);\nexport const messages = TRANSLATIONS[lang] || TRANSLATIONS.en;\nexport const rtl = ['ar', 'he', 'fa'].includes(lang) ? 'rtl' : 'ltr';",
  },
  {
    name: 'honest chat client sending its zone in a header (fg-chat-client 1.0.0 shape)',
    code: "const https = require('https');\nconst base = () => process.env.FG_CHAT_BASE_URL || 'https://chat.invalid';\nexport function send(text) {\n  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;\n  const req = https.request(new URL('/v1', base()), { headers: { 'x-zone': zone } });\n  req.end(JSON.stringify({ text }));\n}",
  },
  {
    name: 'CLI printing a hint in the user\'s language (postcss shape)',
    code: "if (process.env.LANG && process.env.LANG.startsWith('zh')) console.warn('请升级');",
  },
  {
    name: 'GitHub Action reading its trigger',
    code: "if (process.env.GITHUB_EVENT_NAME === 'pull_request' && process.env.GITHUB_ACTIONS === 'true') process.exit(run());",
  },
];

describe('benign shapes stay below medium', () => {
  it.each(BENIGN.map((c) => [c.name, c.code] as const))('%s', (_name, code) => {
    const outcome = parse(code);
    if (!outcome.ok) throw new Error(outcome.reason);
    const run = runDetectors({ file: 'case.js', source: code, program: outcome.program, codeKind: 'entry' }, DETECTORS);
    expect(run.problems).toEqual([]);
    const loud = run.findings.filter((f) => severityRank(f.severity) >= severityRank('medium'));
    expect(loud.map((f) => `${f.ruleId} ${f.severity} ${f.message}`)).toEqual([]);
  });
});

describe('identity-targeting evidence', () => {
  it('links source, list and comparison, and keys identity on content not names', () => {
    const a = `const zone = ${TZ};\nif (['Europe/Moscow', 'Europe/Minsk'].includes(zone)) process.exit(1);`;
    const b = `var q=${TZ};if(["Europe/Moscow","Europe/Minsk"].includes(q))process.exit(1)`;
    const [first] = findingsFor(identityTargeting, a);
    const [second] = findingsFor(identityTargeting, b);
    expect(first?.evidence.links?.map((l) => l.role)).toEqual(['source', 'list', 'comparison', 'effect']);
    expect(first?.evidence.list?.values).toEqual(['Europe/Moscow', 'Europe/Minsk']);
    expect(first?.identity).toBe(second?.identity);
    expect(first?.line).not.toBe(second?.line);
  });

  it('stays quiet on a file without any fingerprint source', () => {
    expect(findingsFor(identityTargeting, "if (['Europe/Moscow'].includes(x)) process.exit(1);")).toEqual([]);
  });
});

describe('identity-targeting follows an object property by its key only', () => {
  it.each([
    ['destructured', `function check(){const z=${TZ};return{inList:["Europe/Moscow","Europe/Minsk"].includes(z),zone:z}}\nconst {zone}=check();\nif(zone)alert("a message");`],
    ['member read', `function check(){const z=${TZ};return{hit:["Asia/Shanghai","Asia/Urumqi"].includes(z)}}\nfunction mark(f){return f?"\\u2019":"\\x27"}\nexport function line(){const r=check();return "It"+mark(r?.other??false)+"s today"}`],
  ])('another key of the same object (%s) carries no effect', (_label, code) => {
    const findings = findingsFor(identityTargeting, code);
    expect(findings.map((f) => f.severity)).toEqual(['low']);
    expect(findings[0]?.evidence.details?.effect).toBe('none');
  });
});

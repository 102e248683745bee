import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fingerprintSource } from '../../../src/analysis/detectors/fingerprint-source.js';
import { findingsFor, runDetectorCases, type DetectorCase } from '../../support/detector-cases.js';

const CASES: DetectorCase[] = [
  {
    name: 'timezone from Intl resolvedOptions',
    code: 'const tz = Intl.DateTimeFormat().resolvedOptions().timeZone;',
    expect: [{ severity: 'info', line: 1, sourceKind: 'timezone', messageIncludes: 'Intl.DateTimeFormat().resolvedOptions().timeZone' }],
    twin: { code: "const text = Intl.DateTimeFormat('en-GB', { timeZone: 'UTC' }).format(date);" },
  },
  {
    name: 'timezone offset of a date',
    code: 'const offset = new Date().getTimezoneOffset();',
    expect: [{ sourceKind: 'timezone', messageIncludes: 'getTimezoneOffset' }],
    twin: { code: 'const now = new Date().getTime();' },
  },
  {
    name: 'TZ destructured from process.env',
    code: 'const { TZ } = process.env;\nexport const zone = TZ;',
    expect: [{ line: 1, sourceKind: 'timezone', messageIncludes: 'process.env.TZ' }],
    twin: { code: "const zone = { TZ: 'UTC' };\nlog('TZ', zone.TZ);" },
  },
  {
    name: 'LANG through process with a computed constant key',
    code: "const lang = process['en' + 'v'].LANG;",
    expect: [{ sourceKind: 'locale', messageIncludes: 'process.env.LANG' }],
    twin: { code: "const mode = process.env.NODE_ENV === 'production';" },
  },
  {
    name: 'locale from navigator.language via window',
    code: 'const lang = window.navigator.language;',
    expect: [{ sourceKind: 'locale', messageIncludes: 'navigator.language' }],
    twin: { code: "const navigator = { language: 'en' };\nconst lang = navigator.language;" },
  },
  {
    name: 'locale destructured from Intl resolvedOptions',
    code: 'const { locale } = new Intl.NumberFormat().resolvedOptions();',
    expect: [{ sourceKind: 'locale', messageIncludes: 'Intl.NumberFormat().resolvedOptions().locale' }],
    twin: { code: 'const { locale } = settings.resolvedOptions();' },
  },
  {
    name: 'proxy settings in both cases',
    code: 'const proxy = process.env.https_proxy || process.env.HTTPS_PROXY;',
    expect: [
      { sourceKind: 'proxy', messageIncludes: 'process.env.https_proxy' },
      { sourceKind: 'proxy', messageIncludes: 'process.env.HTTPS_PROXY' },
    ],
    twin: { code: 'const proxy = options.https_proxy || options.HTTPS_PROXY;' },
  },
  {
    name: 'proxy asked with the in operator',
    code: "const behindProxy = 'HTTPS_PROXY' in process.env;",
    expect: [{ sourceKind: 'proxy' }],
    twin: { code: "const behindProxy = 'HTTPS_PROXY' in settings;" },
  },
  {
    name: 'endpoint from a *_BASE_URL variable',
    code: 'const base = process.env.OPENAI_BASE_URL;',
    expect: [{ sourceKind: 'endpoint', messageIncludes: 'OPENAI_BASE_URL' }],
    twin: { code: 'const base = defaults.OPENAI_BASE_URL;' },
  },
  {
    name: 'hostname through a renamed node:os require',
    code: "const q = require('node:os');\nq.hostname();",
    expect: [{ line: 2, sourceKind: 'hostname', messageIncludes: 'os.hostname()' }],
    twin: { code: "const os = { hostname: () => 'box' };\nos.hostname();" },
  },
  {
    name: 'hostname through a minified one-letter alias',
    code: 'var n=require("os"),r=n.hostname(),t=n.userInfo().username;',
    expect: [
      { sourceKind: 'hostname', messageIncludes: 'os.hostname()' },
      { sourceKind: 'user', messageIncludes: 'os.userInfo()' },
    ],
    twin: { code: 'function f(n){var r=n.hostname(),t=n.userInfo().username;return r+t}' },
  },
  {
    name: 'hostname through a TypeScript interop helper',
    code: 'const os_1 = __importDefault(require("os"));\nos_1.default.hostname();',
    expect: [{ line: 2, sourceKind: 'hostname' }],
    twin: { code: 'const path_1 = __importDefault(require("path"));\npath_1.default.basename(file);' },
  },
  {
    name: 'user through import * as',
    code: "import * as sys from 'os';\nexport const who = sys.userInfo().username;",
    expect: [{ line: 2, sourceKind: 'user', messageIncludes: 'os.userInfo()' }],
    twin: { code: "import * as path from 'path';\nexport const who = path.basename(file);" },
  },
  {
    name: 'network interfaces through a named import',
    code: "import { networkInterfaces as ni } from 'node:os';\nni();",
    expect: [{ line: 1, sourceKind: 'network', messageIncludes: 'os.networkInterfaces()' }],
    twin: { code: "import { join as ni } from 'node:path';\nni();" },
  },
  {
    name: 'DNS servers',
    code: "const servers = require('dns').getServers();",
    expect: [{ sourceKind: 'network', messageIncludes: 'dns.getServers()' }],
    twin: { code: "require('dns').lookup('localhost', done);" },
  },
  {
    name: 'machine id file',
    code: "const id = fs.readFileSync('/etc/machine-id', 'utf8');",
    expect: [{ sourceKind: 'machine-id', messageIncludes: '/etc/machine-id' }],
    twin: { code: "const motd = fs.readFileSync('/etc/motd', 'utf8');" },
  },
  {
    name: 'machine guid in a template literal',
    code: 'exec(`reg query HKLM\\\\SOFTWARE\\\\Microsoft\\\\Cryptography /v MachineGuid`);',
    expect: [{ sourceKind: 'machine-id', messageIncludes: 'MachineGuid' }],
    twin: { code: 'exec(`reg query HKLM\\\\SOFTWARE\\\\Vendor /v InstallPath`);' },
  },
  {
    name: 'CI identity through globalThis.process',
    code: 'if (globalThis.process.env.GITHUB_ACTIONS) run();',
    expect: [{ sourceKind: 'ci', messageIncludes: 'process.env.GITHUB_ACTIONS' }],
    twin: { code: 'if (globalThis.settings.env.GITHUB_ACTIONS) run();' },
  },
  {
    name: 'env destructured from process, then read',
    code: 'const { env } = process;\nconst host = env.HOSTNAME;',
    expect: [{ line: 2, sourceKind: 'hostname', messageIncludes: 'process.env.HOSTNAME' }],
    twin: { code: 'const { env } = config;\nconst host = env.HOSTNAME;' },
  },
  {
    name: 'nested destructuring of process',
    code: 'const { env: { COMPUTERNAME: box } } = process;',
    expect: [{ sourceKind: 'hostname', messageIncludes: 'process.env.COMPUTERNAME' }],
    twin: { code: 'const { env: { COMPUTERNAME: box } } = machine;' },
  },
  {
    name: 'a local process that shadows the global',
    code: 'function run() { return process.env.USER; }',
    expect: [{ sourceKind: 'user' }],
    twin: { code: 'function run(process) { return process.env.USER; }' },
  },
  {
    name: 'git identity through git config',
    code: "const email = execSync('git config --get user.email').toString();",
    expect: [{ sourceKind: 'git-identity', messageIncludes: 'git config user.email' }],
    twin: { code: "const branch = execSync('git rev-parse --abbrev-ref HEAD').toString();" },
  },
  {
    name: 'cloud metadata address',
    code: "http.get('http://169.254.169.254/latest/meta-data/iam/', cb);",
    expect: [{ sourceKind: 'cloud-metadata' }],
    twin: { code: "http.get('http://127.0.0.1:8080/health', cb);" },
  },
  {
    name: 'public IP lookup',
    code: "const ip = await fetch('https://api.ipify.org?format=json');",
    expect: [{ sourceKind: 'public-ip' }],
    twin: { code: "const page = await fetch('https://example.org/api');" },
  },
  {
    name: 'location hostname in a browser bundle',
    code: 'const here = location.hostname;',
    expect: [{ sourceKind: 'hostname', messageIncludes: 'location.hostname' }],
    twin: { code: 'const here = (location) => location.hostname;' },
  },
  {
    name: 'install-time code is named as such',
    code: 'const user = process.env.USERNAME;',
    codeKind: 'install',
    expect: [{ sourceKind: 'user', messageIncludes: 'in install-time code' }],
    twin: { code: 'const user = process.env.npm_package_name;' },
  },
];

runDetectorCases(fingerprintSource, CASES);

describe('fingerprint-source', () => {
  it('collapses repeated reads into one finding with an occurrence count', () => {
    const code = Array.from({ length: 50 }, () => 'process.env.CI;').join('\n');
    const findings = findingsFor(fingerprintSource, code);
    expect(findings).toHaveLength(1);
    expect(findings[0]?.line).toBe(1);
    expect(findings[0]?.evidence.details).toEqual({ occurrences: 50 });
  });

  it('keeps identities free of local names and positions', () => {
    const a = findingsFor(fingerprintSource, "const q = require('os');\nq.hostname();");
    const b = findingsFor(fingerprintSource, "\n\n\nvar z=require('node:os');z.hostname()");
    expect(a.map((f) => f.identity)).toEqual(['fingerprint-source|hostname|os.hostname()']);
    expect(b.map((f) => f.identity)).toEqual(a.map((f) => f.identity));
  });

  it('fills the snippet and the code kind', () => {
    const [finding] = findingsFor(fingerprintSource, 'const zone = process.env.TZ;', 'reachable');
    expect(finding?.evidence.snippet).toBe('const zone = process.env.TZ;');
    expect(finding?.evidence.codeKind).toBe('reachable');
    expect(finding?.introduced).toBe(false);
  });

  it('ignores names from Object.prototype used as keys', () => {
    const code = "require('constructor').hostname(); x.constructor(); process.env.__proto__; a.toString();";
    expect(findingsFor(fingerprintSource, code)).toEqual([]);
  });
});

describe('docs/rules/fingerprint-source.md', () => {
  const page = readFileSync(new URL('../../../docs/rules/fingerprint-source.md', import.meta.url), 'utf8');
  const block = (heading: string): string => {
    const section = page.slice(page.indexOf(`## ${heading}`));
    const match = /```js\n([\s\S]*?)```/.exec(section);
    if (match?.[1] === undefined) throw new Error(`no code block under ${heading}`);
    return match[1];
  };

  it('its flagged example is flagged as the page says', () => {
    const kinds = findingsFor(fingerprintSource, block('Flagged')).map((f) => f.evidence.sourceKind);
    expect(kinds.sort()).toEqual(['hostname', 'timezone']);
  });

  it('its benign twin is quiet', () => {
    expect(findingsFor(fingerprintSource, block('Benign twin'))).toEqual([]);
  });
});

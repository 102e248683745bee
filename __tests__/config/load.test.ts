import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPolicyFile, parsePolicyFile, resolvePolicy } from '../../src/config/load.js';
import { DEFAULT_POLICY } from '../../src/config/schema.js';
import { ConfigError } from '../../src/errors.js';

describe('parsePolicyFile', () => {
  it('reads every setting', () => {
    const policy = parsePolicyFile(
      [
        'fail-on: medium',
        'comment: always',
        'registry: https://npm.example.test/',
        'concurrency: 2',
        'allowed-hosts: [npm.mirror.example.test, "Mirror.Example.Test:8443"]',
        'allow:',
        '  - package: moment-timezone',
        '    rules: [fingerprint-source]',
        '    reason: guesses the zone to format dates',
      ].join('\n'),
      'policy.yml',
    );
    expect(policy).toEqual({
      failOn: 'medium',
      comment: 'always',
      registry: 'https://npm.example.test/',
      concurrency: 2,
      allowedHosts: ['npm.mirror.example.test', 'mirror.example.test:8443'],
      allow: [{ package: 'moment-timezone', rules: ['fingerprint-source'], reason: 'guesses the zone to format dates' }],
    });
  });

  it('reads mode, rules, include-dev, package-browser and allowances that expire', () => {
    const policy = parsePolicyFile(
      [
        'mode: all',
        'include-dev: false',
        'package-browser: https://npm-files.example.test/browse',
        'rules:',
        '  fingerprint-source: off',
        '  identity-targeting: critical',
        'allow:',
        '  - package: "moment-timezone@^0.5"',
        '    reason: formats dates in the user zone',
        '    expires: 2025-06-30',
      ].join('\n'),
      'policy.yml',
    );
    expect(policy).toEqual({
      mode: 'all',
      includeDev: false,
      packageBrowser: 'https://npm-files.example.test/browse/',
      rules: { 'fingerprint-source': 'off', 'identity-targeting': 'critical' },
      allow: [{ package: 'moment-timezone@^0.5', reason: 'formats dates in the user zone', expires: '2025-06-30' }],
    });
  });

  // Every message names the file, the line, the key, the value and what was expected.
  it.each([
    ['mode: newest', /^p\.yml:1: mode must be one of new, all; got "newest"$/],
    ['include-dev: "no"', /^p\.yml:1: include-dev must be true or false; got "no"$/],
    ['fail-on: high\nrules:\n  fingerprint-source: loud', /^p\.yml:3: rules\.fingerprint-source must be one of off, info, low, medium, high, critical; got "loud"$/],
    ['rules:\n  not-a-rule: off', /^p\.yml:2: rules has an unknown key "not-a-rule"; expected one of fingerprint-source, /],
    ['rules: [fingerprint-source]', /^p\.yml:1: rules must be a mapping of rule ids to off or a severity; got \["fingerprint-source"\]$/],
    ['allow:\n  - package: a\n    reason: r\n    expires: 30/06/2025', /^p\.yml:4: allow\[0\]\.expires must be a date written YYYY-MM-DD; got "30\/06\/2025"$/],
    ['allow:\n  - package: a\n    reason: r\n    expires: 2025-02-30', /^p\.yml:4: allow\[0\]\.expires must be a date that exists, written YYYY-MM-DD; got "2025-02-30"$/],
    ['allow:\n  - package: a\n    reason: r\n    expires: 2025-06-30\n    until: x', /^p\.yml:5: allow\[0\] has an unknown key "until"; known: package, rules, reason, expires$/],
    ['allow:\n  - package: a\n    reason: "  "', /^p\.yml:3: allow\[0\]\.reason must be a reason \(some text saying why it is allowed\); got "  "$/],
    ['allow:\n  - reason: r', /^p\.yml:2: allow\[0\]\.package is required: a package name/],
    ['allow:\n  - package: a\n    reason: r\n  - package: "b@>=>1"\n    reason: r', /^p\.yml:4: allow\[1\]\.package must be a package name, optionally @ and a semver range .*; got "b@>=>1"/],
    ['package-browser: ftp://files.example.test/', /^p\.yml:1: package-browser must be an http\(s\) URL that serves name@version\/path; got "ftp:/],
    ['concurrency: 17', /^p\.yml:1: concurrency must be an integer from 1 to 16; got 17$/],
  ])('names file, line, key, value and expectation for %j', (text, message) => {
    expect(() => parsePolicyFile(text, 'p.yml')).toThrow(ConfigError);
    expect(() => parsePolicyFile(text, 'p.yml')).toThrow(message);
  });

  it('treats an empty file as no settings', () => {
    expect(parsePolicyFile('', 'p.yml')).toEqual({});
  });

  it.each([
    ['fail-on: severe', /p\.yml:1: fail-on must be one of none, info/],
    ['comment: yes', /p\.yml:1: comment must be one of always/],
    ['fail-on: high\nbogus: 1', /p\.yml:2: unknown setting "bogus"/],
    ['allow:\n  - package: x', /allow\[0\]\.reason is required/],
    ['allow:\n  - package: x\n    reason: y\n    rules: [nope]', /p\.yml:4: allow\[0\]\.rules\[0\] must be one of fingerprint-source, .*; got "nope"/],
    ['registry: https://user:pw@host/', /must not contain credentials/],
    ['concurrency: 0', /concurrency must be an integer/],
    ['allowed-hosts: mirror.example.test', /p\.yml:1: allowed-hosts must be a list of host names/],
    ['allowed-hosts: [https://mirror.example.test/]', /allowed-hosts\[0\] must be a host name .*no scheme, no path.*"https:\/\/mirror/],
    ['allowed-hosts: [mirror.example.test/npm]', /allowed-hosts\[0\] must be a host name/],
    ['allowed-hosts: ["*.example.test"]', /allowed-hosts\[0\] must be a host name/],
    ['allowed-hosts: [mirror.example.test:99999]', /allowed-hosts\[0\] must be a host name with a valid port \(1 to 65535\); got "mirror/],
    ['allowed-hosts: [1]', /allowed-hosts\[0\] must be a host name .*got 1/],
    [`allowed-hosts: [${'a'.repeat(300)}]`, /allowed-hosts\[0\] must be a host name/],
    ['fail-on: [high', /p\.yml:1:\d+: invalid YAML/],
    ['- a\n- b', /p\.yml:1: the policy must be a mapping/],
  ])('rejects %j naming the file and the problem', (text, message) => {
    expect(() => parsePolicyFile(text, 'p.yml')).toThrow(ConfigError);
    expect(() => parsePolicyFile(text, 'p.yml')).toThrow(message);
  });
});

describe('loadPolicyFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fg-policy-'));

  it('is empty when the default file is absent, an error when a named file is absent', () => {
    expect(loadPolicyFile(join(dir, 'missing.yml'), false)).toEqual({});
    expect(() => loadPolicyFile(join(dir, 'missing.yml'), true)).toThrow(/missing\.yml: policy file not found/);
  });

  it('reads a file from disk', () => {
    const file = join(dir, 'fg.yml');
    writeFileSync(file, 'fail-on: low\n');
    expect(loadPolicyFile(file, true)).toEqual({ failOn: 'low' });
  });
});

describe('resolvePolicy', () => {
  it('layers input over file over defaults', () => {
    expect(resolvePolicy({}, {})).toEqual({ ...DEFAULT_POLICY, allow: [], allowedHosts: [], rules: {} });
    expect(resolvePolicy({}, {})).toMatchObject({ mode: 'new', includeDev: true, packageBrowser: 'https://cdn.jsdelivr.net/npm/' });
    expect(resolvePolicy({ mode: 'all' }, { mode: 'new' }).mode).toBe('all');
    expect(resolvePolicy({ mode: '' }, { mode: 'all' }).mode).toBe('all');
    expect(resolvePolicy({}, { allowedHosts: ['mirror.example.test'] }).allowedHosts).toEqual(['mirror.example.test']);
    expect(resolvePolicy({}, { failOn: 'low', comment: 'never' })).toMatchObject({ failOn: 'low', comment: 'never' });
    expect(resolvePolicy({ failOn: 'critical', comment: '' }, { failOn: 'low', comment: 'never' })).toMatchObject({
      failOn: 'critical',
      comment: 'never',
    });
  });

  it('names the input that is wrong', () => {
    expect(() => resolvePolicy({ failOn: 'hgih' }, {}, 'input')).toThrow(/input fail-on must be one of/);
    expect(() => resolvePolicy({ comment: 'sometimes' }, {}, '--comment')).toThrow(/--comment comment must be one of/);
    expect(() => resolvePolicy({ mode: 'everything' }, {}, 'input')).toThrow(/input mode must be one of new, all; got "everything"/);
    expect(() => resolvePolicy({ registry: 'https://u:p@host/' }, {}, 'input')).toThrow(/input registry must not contain credentials/);
  });
});

describe('allow-list package specs', () => {
  it('rejects a range semver cannot read, naming the entry', () => {
    expect(() => parsePolicyFile('allow:\n  - package: "left-pad@>=>1"\n    reason: x', 'p.yml')).toThrow(/allow\[0\]\.package/);
  });
  it('accepts scoped names with ranges', () => {
    expect(parsePolicyFile('allow:\n  - package: "@scope/pkg@^1.2"\n    reason: x', 'p.yml').allow?.[0]?.package).toBe('@scope/pkg@^1.2');
  });
});

describe('allowed-hosts', () => {
  it('takes IPv6 literals and loopback ports, lower-cased', () => {
    expect(parsePolicyFile('allowed-hosts: ["[::1]:4873", 127.0.0.1:4873, LOCALHOST]', 'p.yml').allowedHosts).toEqual([
      '[::1]:4873',
      '127.0.0.1:4873',
      'localhost',
    ]);
  });

  it('rejects a list longer than any real set of mirrors', () => {
    const hosts = Array.from({ length: 101 }, (_, index) => `m${index}.example.test`).join(', ');
    expect(() => parsePolicyFile(`allowed-hosts: [${hosts}]`, 'p.yml')).toThrow(/p\.yml:1: allowed-hosts lists more than 100 entries/);
  });
});

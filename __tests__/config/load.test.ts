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

  it('treats an empty file as no settings', () => {
    expect(parsePolicyFile('', 'p.yml')).toEqual({});
  });

  it.each([
    ['fail-on: severe', /p\.yml:1: fail-on must be one of none, info/],
    ['comment: yes', /p\.yml:1: comment must be one of always/],
    ['fail-on: high\nbogus: 1', /p\.yml:2: unknown setting "bogus"/],
    ['allow:\n  - package: x', /allow\[0\]\.reason is required/],
    ['allow:\n  - package: x\n    reason: y\n    rules: [nope]', /unknown rule "nope"/],
    ['registry: https://user:pw@host/', /must not contain credentials/],
    ['concurrency: 0', /concurrency must be an integer/],
    ['allowed-hosts: mirror.example.test', /p\.yml:1: allowed-hosts must be a list of host names/],
    ['allowed-hosts: [https://mirror.example.test/]', /allowed-hosts\[0\] must be a host name .*no scheme, no path.*"https:\/\/mirror/],
    ['allowed-hosts: [mirror.example.test/npm]', /allowed-hosts\[0\] must be a host name/],
    ['allowed-hosts: ["*.example.test"]', /allowed-hosts\[0\] must be a host name/],
    ['allowed-hosts: [mirror.example.test:99999]', /allowed-hosts\[0\] has no valid port/],
    ['allowed-hosts: [1]', /allowed-hosts\[0\] must be a host name .*got 1/],
    [`allowed-hosts: [${'a'.repeat(300)}]`, /allowed-hosts\[0\] must be a host name/],
    ['fail-on: [high', /p\.yml:1:\d+: invalid YAML/],
    ['- a\n- b', /p\.yml: the policy must be a mapping/],
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
    expect(resolvePolicy({}, {})).toEqual({ ...DEFAULT_POLICY, allow: [], allowedHosts: [] });
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
    expect(() => parsePolicyFile(`allowed-hosts: [${hosts}]`, 'p.yml')).toThrow(/p\.yml:1: allowed-hosts lists more than 100 hosts/);
  });
});

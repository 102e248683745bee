import { describe, expect, it } from 'vitest';
import { createResolvedHostCheck, describeAllowedHosts } from '../../src/fetch/resolved-hosts.js';

describe('createResolvedHostCheck', () => {
  const npmrc = { registry: 'https://registry.invalid/npm/', '@corp:registry': 'http://127.0.0.1:4873/' };

  it.each<[string, string, boolean]>([
    ['left-pad', 'registry.invalid', true],
    ['left-pad', 'REGISTRY.invalid', true],
    ['left-pad', 'collector.invalid', false],
    ['left-pad', '127.0.0.1:4873', false],
    ['@corp/lib', '127.0.0.1:4873', true],
    // Same machine, another port: another server.
    ['@corp/lib', '127.0.0.1:4874', false],
    ['@corp/lib', 'registry.invalid', false],
    ['@other/lib', 'registry.invalid', true],
    ['left-pad', 'mirror.invalid', true],
    ['@corp/lib', 'mirror.invalid', true],
  ])('%s from %s: %s', (name, host, expected) => {
    expect(createResolvedHostCheck(npmrc, ['mirror.invalid'])(name, host)).toBe(expected);
  });

  it("takes npm's public registry when none is configured, with yarn's host for the same tarballs", () => {
    const check = createResolvedHostCheck({}, []);
    expect(check('a', 'registry.npmjs.org')).toBe(true);
    expect(check('a', 'registry.yarnpkg.com')).toBe(true);
    expect(check('a', 'registry.npmjs.org.collector.invalid')).toBe(false);
  });

  it('does not accept the public registry for a scope the base sends to a private one', () => {
    expect(createResolvedHostCheck(npmrc, [])('@corp/lib', 'registry.npmjs.org')).toBe(false);
  });
});

describe('describeAllowedHosts', () => {
  it('lists the scope registry first, then the mirrors', () => {
    expect(describeAllowedHosts({ '@corp:registry': 'http://127.0.0.1:4873/' }, ['mirror.invalid'], '@corp/x')).toEqual(['127.0.0.1:4873', 'mirror.invalid']);
    expect(describeAllowedHosts({}, [], 'x')).toEqual(['registry.npmjs.org', 'registry.yarnpkg.com']);
  });
});

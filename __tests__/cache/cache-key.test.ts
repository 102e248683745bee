import { describe, expect, it } from 'vitest';
import { DETECTORS } from '../../src/analysis/detectors/index.js';
import { bundleDigest, cacheableIntegrity, engineKey } from '../../src/cache/cache-key.js';

const SHA512 = `sha512-${'A'.repeat(86)}==`;
const SHA256 = `sha256-${'B'.repeat(43)}=`;
const SHA1 = 'sha1-2jmj7l5rSw0yVb/vlWAYkK/YBwk=';

describe('cacheableIntegrity', () => {
  it('keys by the strongest hash of an SRI string, options dropped', () => {
    expect(cacheableIntegrity(SHA512)).toBe(SHA512);
    expect(cacheableIntegrity(`${SHA1} ${SHA256} ${SHA512}?opt`)).toBe(SHA512);
    expect(cacheableIntegrity(`  ${SHA256}\n${SHA1}`)).toBe(SHA256);
  });

  it('keys nothing by sha1 alone, a malformed digest or no integrity', () => {
    expect(cacheableIntegrity(SHA1)).toBeNull();
    expect(cacheableIntegrity('sha512-short')).toBeNull();
    expect(cacheableIntegrity(`sha512-${'A'.repeat(86)}==/../../x`)).toBeNull();
    expect(cacheableIntegrity('')).toBeNull();
    expect(cacheableIntegrity(null)).toBeNull();
  });
});

describe('engineKey', () => {
  it('is stable for the same engine and changes with the detectors, their severities and the build', () => {
    const key = engineKey({ detectors: DETECTORS });
    expect(engineKey({ detectors: [...DETECTORS].reverse() })).toBe(key);
    expect(engineKey({ detectors: DETECTORS.slice(1) })).not.toBe(key);
    const [first, ...rest] = DETECTORS;
    if (first === undefined) throw new Error('no detectors');
    const louder = { ...first, severity: first.severity === 'critical' ? 'info' : 'critical' } as typeof first;
    expect(engineKey({ detectors: [louder, ...rest] })).not.toBe(key);
    expect(engineKey({ detectors: DETECTORS, build: bundleDigest(Buffer.from('a')) })).not.toBe(engineKey({ detectors: DETECTORS, build: bundleDigest(Buffer.from('b')) }));
  });
});

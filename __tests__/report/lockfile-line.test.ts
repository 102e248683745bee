import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseLockfile } from '../../src/lockfile/index.js';
import { findLockfileLine, withLockfileLines } from '../../src/report/lockfile-line.js';
import { makePackage } from './report-factory.js';

const FIXTURES = '__tests__/fixtures/lockfiles/sources';
const LOCKFILES = ['npm6/package-lock.json', 'npm11/package-lock.json', 'yarn1/yarn.lock', 'yarn4/yarn.lock', 'pnpm8/pnpm-lock.yaml', 'pnpm9/pnpm-lock.yaml', 'bun/bun.lock'];

describe('findLockfileLine', () => {
  it.each(LOCKFILES)('finds a line naming each registry package of %s, and its version nearby', (file) => {
    const text = readFileSync(`${FIXTURES}/${file}`, 'utf8');
    const lines = text.split('\n');
    const registry = parseLockfile(file, text).filter((pkg) => pkg.source === 'registry');
    expect(registry.length).toBeGreaterThan(0);
    for (const pkg of registry) {
      const line = findLockfileLine(text, pkg);
      expect(line, `${pkg.name}@${pkg.version}`).not.toBeNull();
      const window = lines.slice((line ?? 1) - 1, (line ?? 1) + 4).join('\n');
      expect(window).toContain(pkg.name);
      expect(window).toContain(pkg.version);
    }
  });

  it('gives null for a package the lockfile does not lock', () => {
    expect(findLockfileLine('{}', { name: 'left-pad', version: '1.0.0' })).toBeNull();
  });

  it('sets lockfileLine only where the head text is known', () => {
    const text = '{\n  "packages": {\n    "node_modules/left-pad": {\n      "version": "1.0.1"\n    }\n  }\n}\n';
    const [known, unknown] = withLockfileLines(
      [makePackage({ lockfile: 'package-lock.json' }), makePackage({ lockfile: 'other/package-lock.json' })],
      new Map([['package-lock.json', text]]),
    );
    expect(known?.lockfileLine).toBe(3);
    expect(unknown?.lockfileLine).toBeUndefined();
  });
});

import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify as toYaml } from 'yaml';
import { LockfileError } from '../../src/errors.js';
import { MAX_LOCKFILE_LENGTH, PARSERS, parseLockfile } from '../../src/lockfile/index.js';
import { LOCKFILE_FORMATS, type DependencySource } from '../../src/lockfile/types.js';

const SHARED = fileURLToPath(new URL('../../../shared/fixtures/lockfiles/', import.meta.url));
const OURS = fileURLToPath(new URL('../fixtures/lockfiles/', import.meta.url));
const LOCKFILE_NAMES = ['package-lock.json', 'yarn.lock', 'pnpm-lock.yaml', 'bun.lock'];

function lockfileIn(folder: string): string {
  const name = readdirSync(folder).find((entry) => LOCKFILE_NAMES.includes(entry));
  if (name === undefined) throw new Error(`no lockfile in ${folder}`);
  return join(folder, name);
}

function canonical(path: string): string[] {
  const packages = parseLockfile(path, readFileSync(path, 'utf8'));
  return [...new Set(packages.filter((p) => p.source === 'registry').map((p) => `${p.name}@${p.version}`))].sort();
}

function filesUnder(folder: string): string[] {
  return readdirSync(folder).flatMap((entry) => {
    const path = join(folder, entry);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

describe('PARSERS', () => {
  it('has a parser for every format, each naming its own format', () => {
    expect(Object.keys(PARSERS).sort()).toEqual([...LOCKFILE_FORMATS].sort());
    for (const format of LOCKFILE_FORMATS) expect(PARSERS[format].format).toBe(format);
  });
});

describe('every format yields the same packages', () => {
  const npm3 = canonical(join(SHARED, 'npm3', 'package-lock.json'));
  const shared = readdirSync(SHARED).filter((entry) => statSync(join(SHARED, entry)).isDirectory());

  it('covers every shared fixture format', () => {
    expect(shared.sort()).toEqual(['berry', 'bun', 'npm1', 'npm2', 'npm3', 'pnpm6', 'pnpm9', 'yarn1']);
    expect(npm3).toHaveLength(7);
  });

  it.each(shared)('shared %s equals npm3', (folder) => {
    expect(canonical(lockfileIn(join(SHARED, folder)))).toEqual(npm3);
  });

  const pairs = ['npm6', 'npm11', 'yarn1', 'yarn4', 'pnpm8', 'pnpm9', 'bun'];
  it.each(pairs.flatMap((tool) => [`${tool}/base`, `${tool}/head`]))('generated %s equals npm11', (folder) => {
    const side = folder.endsWith('base') ? 'base' : 'head';
    expect(canonical(lockfileIn(join(OURS, folder)))).toEqual(canonical(lockfileIn(join(OURS, 'npm11', side))));
  });
});

describe('non-registry sources as each tool wrote them', () => {
  // name -> source, for the packages every tool recorded (npm 6 has no workspaces).
  const EXPECTED: Record<string, DependencySource> = {
    'dir-pkg': 'link',
    'has-flag': 'registry',
    'local-pkg': 'file',
    ms: 'registry',
    'remote-pkg': 'remote',
    'ws-pkg': 'link',
  };
  it.each(['npm6', 'npm11', 'yarn1', 'yarn4', 'pnpm8', 'pnpm9', 'bun'])('%s', (tool) => {
    const path = lockfileIn(join(OURS, 'sources', tool));
    const packages = parseLockfile(path, readFileSync(path, 'utf8'));
    const sources = Object.fromEntries(packages.map((p) => [p.name, p.source]));
    const expected = { ...EXPECTED };
    if (tool === 'npm6' || tool === 'yarn1') delete expected['ws-pkg'];
    expect(sources).toEqual(expected);
    const local = packages.find((p) => p.name === 'local-pkg');
    if (tool !== 'yarn1' && tool !== 'yarn4') expect(local?.integrity).toMatch(/^sha512-/);
  });

  it.each(['npm6', 'npm11', 'pnpm8', 'pnpm9'])('%s marks the dev dependency', (tool) => {
    const path = lockfileIn(join(OURS, 'sources', tool));
    const packages = parseLockfile(path, readFileSync(path, 'utf8'));
    expect(packages.filter((p) => p.dev).map((p) => p.name)).toEqual(['has-flag']);
  });
});

describe('committed fixtures', () => {
  // Spelled in parts so this file does not contain the hosts either.
  const PUBLIC_HOSTS = [
    ['registry', 'npmjs', 'org'],
    ['registry', 'npmjs', 'com'],
    ['registry', 'yarnpkg', 'com'],
  ].map((parts) => parts.join('.'));

  it('never contain a public registry host', () => {
    const files = filesUnder(OURS);
    expect(files.length).toBeGreaterThan(30);
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      for (const host of PUBLIC_HOSTS) expect(text.includes(host), `${file} contains ${host}`).toBe(false);
    }
  });

  it('come with the commands that made them', () => {
    for (const entry of readdirSync(OURS)) {
      expect(readFileSync(join(OURS, entry, 'COMMANDS.md'), 'utf8')).toMatch(/```sh|python3/);
    }
  });
});

describe('parseLockfile', () => {
  it('picks berry or classic from a yarn.lock content', () => {
    const berry = parseLockfile('yarn.lock', '__metadata:\n  version: 8\n\n"a@npm:^1":\n  version: 1.0.0\n  resolution: "a@npm:1.0.0"\n');
    const classic = parseLockfile('yarn.lock', '# yarn lockfile v1\n\na@^1:\n  version "1.0.0"\n  integrity sha512-x\n');
    expect(berry).toMatchObject([{ name: 'a', version: '1.0.0', integrity: null }]);
    expect(classic).toMatchObject([{ name: 'a', version: '1.0.0', integrity: 'sha512-x' }]);
  });

  it('names the file by its label in parse errors, detecting the format from the path', () => {
    expect(() => parseLockfile('a/package-lock.json', '{"lockfileVersion": 7}', 'a/package-lock.json (head 1a2b3c4)')).toThrow(
      /^a\/package-lock\.json \(head 1a2b3c4\): unsupported npm lockfileVersion 7/,
    );
  });

  it('refuses the binary bun.lockb, naming the file', () => {
    expect(() => parseLockfile('app/bun.lockb', '\u0000\u0001')).toThrow(/app\/bun\.lockb: binary bun\.lockb is not supported/);
  });

  it('refuses text over the size limit before parsing', () => {
    const text = ' '.repeat(MAX_LOCKFILE_LENGTH + 1);
    expect(() => parseLockfile('big/package-lock.json', text)).toThrow(LockfileError);
    expect(() => parseLockfile('big/package-lock.json', text)).toThrow(/big\/package-lock\.json is \d+ characters long/);
  });
});

describe('hostile lockfiles', () => {
  // Whatever the shape, the outcome is packages or a LockfileError: never a TypeError that would
  // escape the gate's per-lockfile handling.
  function parsesOrRefuses(path: string, text: string): boolean {
    try {
      const packages = parseLockfile(path, text);
      return packages.every((p) => typeof p.name === 'string' && typeof p.version === 'string' && typeof p.path === 'string');
    } catch (error) {
      if (error instanceof LockfileError) return true;
      throw error;
    }
  }

  const entry = fc.oneof(
    fc.jsonValue({ maxDepth: 3 }),
    fc.record({
      version: fc.oneof(fc.string(), fc.constantFrom('1.0.0', 'npm:x@1.0.0', 'npm:@1', 'git+ssh://g', 'file:a')),
      name: fc.option(fc.string(), { nil: undefined }),
      resolved: fc.option(fc.oneof(fc.string(), fc.webUrl()), { nil: undefined }),
      link: fc.option(fc.boolean(), { nil: undefined }),
      dependencies: fc.option(fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 2 })), { nil: undefined }),
    }),
  );

  it('npm', () => {
    fc.assert(
      fc.property(fc.constantFrom(1, 2, 3), fc.dictionary(fc.string(), entry), (version, table) => {
        const keyed = Object.fromEntries(Object.entries(table).map(([k, v], i) => [i % 2 === 0 ? `node_modules/${k}` : k, v]));
        return (
          parsesOrRefuses('package-lock.json', JSON.stringify({ lockfileVersion: version, packages: keyed, dependencies: table })) &&
          parsesOrRefuses('package-lock.json', JSON.stringify({ lockfileVersion: 1, dependencies: table }))
        );
      }),
      { numRuns: 300 },
    );
  });

  it('pnpm', () => {
    fc.assert(
      fc.property(fc.constantFrom('5.4', '6.0', '9.0'), fc.dictionary(fc.string(), entry), fc.dictionary(fc.string(), entry), (version, packages, importers) => {
        return parsesOrRefuses('pnpm-lock.yaml', toYaml({ lockfileVersion: version, importers, packages, snapshots: packages }));
      }),
      { numRuns: 200 },
    );
  });

  it('bun', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.array(fc.oneof(fc.string(), fc.constant('a@1.0.0'), fc.constant('@s/a@workspace:x'))))), (packages) =>
        parsesOrRefuses('bun.lock', JSON.stringify({ lockfileVersion: 1, workspaces: packages, packages })),
      ),
      { numRuns: 200 },
    );
  });

  it('yarn', () => {
    const line = fc.oneof(
      fc.string(),
      fc.constantFrom('__metadata:', '  version: 8', '"a@npm:^1":', '  resolution: "a@npm:1.0.0"', '  resolution: "a@patch:b"', 'a@^1:', '  version "1.0.0"'),
    );
    fc.assert(
      fc.property(fc.array(line, { maxLength: 12 }), (lines) => parsesOrRefuses('yarn.lock', lines.join('\n'))),
      { numRuns: 300 },
    );
  });
});

/**
 * Hostile and broken lockfiles: whatever a pull request puts in a lockfile, `parseLockfile` either
 * returns well-formed packages or throws a LockfileError naming the file. Any other throw would
 * escape the gate's error mapping and crash the run instead of reporting the file.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import fc from 'fast-check';
import { parse as parseJsonc } from 'jsonc-parser';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { LockfileError } from '../../src/errors.js';
import { diffLockfiles } from '../../src/lockfile/diff.js';
import { parseLockfile } from '../../src/lockfile/index.js';
import { DEPENDENCY_SOURCES, type LockedPackage } from '../../src/lockfile/types.js';
import {
  HOSTILE_JSON_VALUES,
  applyTextMutations,
  applyTreeMutation,
  textMutation,
  toJsonTree,
  treeMutation,
  valuePaths,
  withValueAt,
  writeJsonTree,
} from '../support/mutations.js';

const LOCKFILE_NAMES = new Set(['package-lock.json', 'npm-shrinkwrap.json', 'yarn.lock', 'pnpm-lock.yaml', 'bun.lock']);
const FIXTURE_ROOTS = [resolve('../shared/fixtures/lockfiles'), resolve('__tests__/fixtures/lockfiles')];

interface Fixture {
  /** Where it came from, for failure messages. */
  origin: string;
  /** A path the parser sees: a distinctive folder so the error can be checked for naming it. */
  path: string;
  text: string;
}

function findFixtures(): Fixture[] {
  const fixtures: Fixture[] = [];
  for (const root of FIXTURE_ROOTS) {
    for (const entry of readdirSync(root, { recursive: true, encoding: 'utf8' }).sort()) {
      const name = basename(entry);
      if (!LOCKFILE_NAMES.has(name)) continue;
      fixtures.push({ origin: join(root, entry), path: `hostile-pr/${entry}`, text: readFileSync(join(root, entry), 'utf8') });
    }
  }
  return fixtures;
}

const FIXTURES = findFixtures();
const isJsonFormat = (path: string): boolean => path.endsWith('.json') || path.endsWith('bun.lock');

type Outcome = { ok: true; packages: LockedPackage[] } | { ok: false; error: unknown };

function attempt(path: string, text: string): Outcome {
  try {
    return { ok: true, packages: parseLockfile(path, text) };
  } catch (error) {
    return { ok: false, error };
  }
}

/** The whole contract, checked on one input; returns the outcome for further checks. */
function expectContract(path: string, text: string): Outcome {
  const outcome = attempt(path, text);
  if (!outcome.ok) {
    const { error } = outcome;
    if (!(error instanceof LockfileError)) {
      throw new Error(`parseLockfile(${JSON.stringify(path)}) threw a non-LockfileError: ${String(error)}\ninput: ${JSON.stringify(text.slice(0, 2000))}`, { cause: error });
    }
    expect(error.message).toContain(path);
    return outcome;
  }
  expect(Array.isArray(outcome.packages)).toBe(true);
  for (const pkg of outcome.packages) {
    expect(typeof pkg.name).toBe('string');
    expect(pkg.name).not.toBe('');
    expect(typeof pkg.version).toBe('string');
    expect(DEPENDENCY_SOURCES).toContain(pkg.source);
    expect(typeof pkg.path).toBe('string');
    expect(typeof pkg.dev).toBe('boolean');
    expect(typeof pkg.optional).toBe('boolean');
    expect(pkg.integrity === null || typeof pkg.integrity === 'string').toBe(true);
    expect(pkg.resolved === null || typeof pkg.resolved === 'string').toBe(true);
  }
  expect(Object.prototype).not.toHaveProperty('polluted');
  return outcome;
}

describe('parseLockfile on the real fixtures', () => {
  it('finds fixtures of every format to mutate', () => {
    const names = new Set(FIXTURES.map((fixture) => basename(fixture.path)));
    expect([...names].sort()).toEqual(['bun.lock', 'package-lock.json', 'pnpm-lock.yaml', 'yarn.lock']);
    expect(FIXTURES.length).toBeGreaterThanOrEqual(20);
  });

  it.each(FIXTURES.map((fixture) => [fixture.origin, fixture] as const))('parses %s into packages', (_origin, fixture) => {
    const outcome = expectContract(fixture.path, fixture.text);
    expect(outcome.ok).toBe(true);
    if (outcome.ok) expect(outcome.packages.length).toBeGreaterThan(0);
  });
});

describe('parseLockfile on mutated fixtures', () => {
  it('survives byte flips, truncation and line edits', () => {
    fc.assert(
      fc.property(fc.constantFrom(...FIXTURES), fc.array(textMutation, { minLength: 1, maxLength: 4 }), (fixture, mutations) => {
        expectContract(fixture.path, applyTextMutations(fixture.text, mutations));
      }),
      { numRuns: 600 },
    );
  });

  it('survives every truncation point of a short prefix and a BOM', () => {
    for (const fixture of FIXTURES) {
      const step = Math.max(1, Math.floor(fixture.text.length / 25));
      for (let at = 0; at <= fixture.text.length; at += step) {
        expectContract(fixture.path, fixture.text.slice(0, at));
        expectContract(fixture.path, `\ufeff${fixture.text.slice(0, at)}`);
      }
    }
  });

  const jsonFixtures = FIXTURES.filter((fixture) => isJsonFormat(fixture.path));

  it('survives deleted, duplicated and retyped keys and __proto__ keys in JSON lockfiles', () => {
    fc.assert(
      fc.property(fc.constantFrom(...jsonFixtures), fc.array(treeMutation, { minLength: 1, maxLength: 5 }), (fixture, mutations) => {
        const tree = toJsonTree(parseJsonc(fixture.text, [], { allowTrailingComma: true }) as unknown);
        const mutated = mutations.reduce(applyTreeMutation, tree);
        expectContract(fixture.path, writeJsonTree(mutated));
      }),
      { numRuns: 600 },
    );
  });

  it('survives a wrong type at every path of every JSON lockfile', () => {
    let cases = 0;
    for (const fixture of jsonFixtures) {
      const value = parseJsonc(fixture.text, [], { allowTrailingComma: true }) as unknown;
      valuePaths(value, 5_000).forEach((path, i) => {
        // Rotate through the hostile values so every path meets several kinds across fixtures.
        for (const raw of [HOSTILE_JSON_VALUES[i % HOSTILE_JSON_VALUES.length], HOSTILE_JSON_VALUES[(i * 7 + 3) % HOSTILE_JSON_VALUES.length]]) {
          expectContract(fixture.path, withValueAt(value, path, raw ?? 'null'));
          cases += 1;
        }
      });
    }
    expect(cases).toBeGreaterThan(1_000);
  });

  const pnpmFixtures = FIXTURES.filter((fixture) => fixture.path.endsWith('pnpm-lock.yaml'));

  it('survives a wrong type at every path of every pnpm lockfile', () => {
    for (const fixture of pnpmFixtures) {
      const value = parseYaml(fixture.text) as unknown;
      valuePaths(value, 5_000).forEach((path, i) => {
        const raw = HOSTILE_JSON_VALUES[i % HOSTILE_JSON_VALUES.length] ?? 'null';
        // JSON is YAML: write the document as JSON text, then back to block YAML for realism.
        const json = withValueAt(value, path, raw);
        expectContract(fixture.path, json.includes('__proto__') ? json : stringifyYaml(JSON.parse(json) as unknown));
      });
    }
  });
});

/** Keys a lockfile parser looks up, mixed with ones that only exist on Object.prototype. */
const lockKey = fc.oneof(
  fc.constantFrom(
    'lockfileVersion', 'packages', 'dependencies', 'version', 'resolved', 'integrity', 'dev', 'optional',
    'node_modules/a', 'node_modules/@s/b', 'node_modules/a/node_modules/b', '', 'name', 'link', 'workspaces',
    '__proto__', 'constructor', 'toString', 'hasOwnProperty', 'importers', 'snapshots', 'resolution',
    '__metadata', 'a@^1.0.0', '"a@1", a@^2', '@s/b@npm:c@1', 'a@1.0.0', '/a@1.0.0', 'a@git+ssh://x',
  ),
  fc.string({ maxLength: 12 }),
);
const leaf = fc.oneof(
  fc.constantFrom(...HOSTILE_JSON_VALUES),
  fc.constantFrom('"1.0.0"', '"npm:x@1"', '"https://registry.invalid/a/-/a-1.0.0.tgz"', '"sha512-AAAA"', '"file:../x"', '"link:../x"', '"git+ssh://x#abc"', '3', '9', '"9.0"', '"6.0"'),
  fc.string({ maxLength: 12 }).map((s) => JSON.stringify(s)),
);
const { tree: jsonText } = fc.letrec<{ tree: string; node: string }>((tie) => ({
  tree: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, tie('node')),
  node: fc.oneof(
    fc.array(fc.tuple(lockKey, tie('tree')), { maxLength: 5 }).map((entries) => `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`),
    fc.array(tie('tree'), { maxLength: 4 }).map((items) => `[${items.join(',')}]`),
  ),
}));
/** Random JSON with a lockfileVersion, so it gets past format detection into the parser. */
const lockfileJson = fc
  .tuple(fc.constantFrom('1', '2', '3', '"3"', '0', 'null', '1e400'), fc.array(fc.tuple(lockKey, jsonText), { maxLength: 6 }))
  .map(([version, entries]) => `{"lockfileVersion":${version}${entries.map(([k, v]) => `,${JSON.stringify(k)}:${v}`).join('')}}`);

describe('parseLockfile on random input', () => {
  const paths = ['x/package-lock.json', 'x/npm-shrinkwrap.json', 'x/bun.lock', 'x/yarn.lock', 'x/pnpm-lock.yaml', 'x/bun.lockb', 'x/not-a-lockfile.txt'];

  it('survives random text under every lockfile name', () => {
    fc.assert(
      fc.property(fc.constantFrom(...paths), fc.string({ unit: 'grapheme-ascii', maxLength: 300 }), (path, text) => {
        expectContract(path, text);
      }),
      { numRuns: 500 },
    );
  });

  it('survives random lockfile-shaped JSON in npm and bun lockfiles', () => {
    fc.assert(
      fc.property(fc.constantFrom('x/package-lock.json', 'x/bun.lock'), lockfileJson, (path, text) => {
        expectContract(path, text);
      }),
      { numRuns: 800 },
    );
  });

  it('survives random lockfile-shaped YAML in pnpm and berry lockfiles', () => {
    fc.assert(
      fc.property(fc.constantFrom('x/pnpm-lock.yaml', 'x/yarn.lock'), lockfileJson, (path, json) => {
        const value = JSON.parse(json) as Record<string, unknown>;
        const head = path.endsWith('yarn.lock') ? '__metadata:\n  version: 8\n' : '';
        // `__proto__` survives only as JSON-flavoured YAML text: JSON.parse made it a real prototype.
        expectContract(path, `${head}${json.includes('__proto__') ? json.replace(/^\{/, '{"lockfileVersion": "9.0", ') : stringifyYaml(value)}`);
      }),
      { numRuns: 500 },
    );
  });

  it('survives random yarn classic entries', () => {
    const entry = fc
      .tuple(lockKey, fc.array(fc.tuple(fc.constantFrom('version', 'resolved', 'integrity', 'dependencies', '__proto__', 'optionalDependencies'), fc.string({ maxLength: 20 })), { maxLength: 4 }))
      .map(([key, fields]) => `${JSON.stringify(key)}:\n${fields.map(([k, v]) => `  ${k} ${JSON.stringify(v)}`).join('\n')}`);
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 5 }), (entries) => {
        expectContract('x/yarn.lock', `# yarn lockfile v1\n\n${entries.join('\n\n')}\n`);
      }),
      { numRuns: 400 },
    );
  });
});

const lockedPackage: fc.Arbitrary<LockedPackage> = fc.record({
  name: fc.constantFrom('a', 'b', '@s/c'),
  version: fc.constantFrom('1.0.0', '1.1.0', '2.0.0', 'not-semver', ''),
  integrity: fc.option(fc.constantFrom('sha512-A', 'sha512-B'), { nil: null }),
  resolved: fc.option(fc.constantFrom('https://registry.invalid/a.tgz', 'git+ssh://x#1'), { nil: null }),
  source: fc.constantFrom(...DEPENDENCY_SOURCES),
  dev: fc.boolean(),
  optional: fc.boolean(),
  path: fc.constantFrom('node_modules/a', 'node_modules/b', 'node_modules/x/node_modules/a'),
});

function identities(packages: readonly LockedPackage[]): string[] {
  return [...new Set(packages.map((pkg) => `${pkg.name}@${pkg.version}`))].sort();
}

describe('diffLockfiles', () => {
  const parsed = FIXTURES.map((fixture) => parseLockfile(fixture.path, fixture.text));

  it('finds no change between a lockfile and itself, and only additions against nothing', () => {
    const check = (packages: LockedPackage[]): void => {
      expect(diffLockfiles(packages, packages, 'x/lock')).toEqual([]);
      expect(diffLockfiles(packages, [...packages].reverse(), 'x/lock')).toEqual([]);
      const added = diffLockfiles(null, packages, 'x/lock');
      expect(added.every((change) => change.change === 'added' && change.previous === null && change.target !== null)).toBe(true);
      expect(added.map((change) => `${change.name}@${change.version}`).sort()).toEqual(identities(packages));
    };
    for (const packages of parsed) check(packages);
    fc.assert(fc.property(fc.array(lockedPackage, { maxLength: 12 }), check), { numRuns: 500 });
  });

  it('accounts for every identity on either side', () => {
    fc.assert(
      fc.property(fc.array(lockedPackage, { maxLength: 10 }), fc.array(lockedPackage, { maxLength: 10 }), (base, head) => {
        const changes = diffLockfiles(base, head, 'x/lock');
        const seen = new Set(changes.flatMap((c) => [`${c.name}@${c.version}`, ...(c.previousVersion === null ? [] : [`${c.name}@${c.previousVersion}`])]));
        const baseIds = new Set(identities(base));
        for (const id of identities(head)) if (!baseIds.has(id)) expect(seen).toContain(id);
        const headIds = new Set(identities(head));
        for (const id of identities(base)) if (!headIds.has(id)) expect(seen).toContain(id);
      }),
      { numRuns: 500 },
    );
  });
});

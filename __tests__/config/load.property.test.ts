/**
 * Hostile and broken policy files: a pull request can change `.github/fingerprint-gate.yml` too.
 * `parsePolicyFile` returns settings of the right types or throws a ConfigError naming the file;
 * any other throw would surface as an "unexpected error" instead of the file and what is wrong.
 */
import fc from 'fast-check';
import { stringify as stringifyYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { parsePolicyFile } from '../../src/config/load.js';
import { COMMENT_MODES, ON_UNSCANNED_MODES, POLICY_FILE_KEYS } from '../../src/config/schema.js';
import { ConfigError } from '../../src/errors.js';
import { FAIL_ON_LEVELS } from '../../src/report/severity.js';
import { RULE_IDS } from '../../src/analysis/detectors/rule-ids.js';
import { HOSTILE_LINES, applyTextMutations, textMutation } from '../support/mutations.js';

const FILE = 'repo/.github/fingerprint-gate.yml';

function expectContract(text: string): void {
  let policy: ReturnType<typeof parsePolicyFile>;
  try {
    policy = parsePolicyFile(text, FILE);
  } catch (error) {
    if (!(error instanceof ConfigError)) {
      throw new Error(`parsePolicyFile threw a non-ConfigError: ${String(error)}\ninput: ${JSON.stringify(text.slice(0, 1_000))}`, { cause: error });
    }
    expect(error.message).toContain(FILE);
    return;
  }
  if (policy.failOn !== undefined) expect(FAIL_ON_LEVELS).toContain(policy.failOn);
  if (policy.comment !== undefined) expect(COMMENT_MODES).toContain(policy.comment);
  if (policy.onUnscanned !== undefined) expect(ON_UNSCANNED_MODES).toContain(policy.onUnscanned);
  if (policy.concurrency !== undefined) expect(Number.isInteger(policy.concurrency)).toBe(true);
  if (policy.registry !== undefined) expect(typeof policy.registry).toBe('string');
  if (policy.mode !== undefined) expect(['new', 'all']).toContain(policy.mode);
  if (policy.includeDev !== undefined) expect(typeof policy.includeDev).toBe('boolean');
  for (const [rule, setting] of Object.entries(policy.rules ?? {})) {
    expect(RULE_IDS).toContain(rule);
    expect(['off', ...FAIL_ON_LEVELS]).toContain(setting);
  }
  for (const entry of policy.allow ?? []) {
    expect(typeof entry.package).toBe('string');
    expect(typeof entry.reason).toBe('string');
    if (entry.expires !== undefined) expect(entry.expires).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    for (const rule of entry.rules ?? []) expect(RULE_IDS).toContain(rule);
  }
  expect(Object.prototype).not.toHaveProperty('polluted');
}

const VALID = `fail-on: medium
comment: always
on-unscanned: fail
registry: https://registry.invalid/
concurrency: 4
allow:
  - package: "@scope/pkg@^1.0.0"
    rules: [fingerprint-source]
    reason: reviewed by the security team
`;

/** Plausible values for each setting, mixed with every wrong type YAML can express. */
const value = fc.oneof(
  fc.constantFrom<unknown>(
    ...FAIL_ON_LEVELS, ...COMMENT_MODES, ...ON_UNSCANNED_MODES, ...RULE_IDS,
    'https://registry.invalid/', 'http://user:pass@registry.invalid/', 'file:///etc/passwd', 'not a url', '',
    0, 1, 16, 17, -1, 1.5, 1e400, Number.NaN, null, true, [], {}, ['x'],
    { package: 'a', reason: 'r' }, { package: 'a', reason: 'r', rules: [] }, { package: '', reason: '' },
    { package: 'a@^1', reason: 'r', rules: ['nope'] }, { package: 'a', reason: 'r', extra: 1 },
    { package: 'a', reason: 'r', expires: '2025-06-30' }, { package: 'a', reason: 'r', expires: '2025-13-40' },
    'new', 'all', { 'fingerprint-source': 'off' }, { 'fingerprint-source': 'loud' }, { nope: 'off' },
  ),
  fc.string({ maxLength: 20 }),
  fc.integer(),
  fc.array(fc.record({ package: fc.string({ maxLength: 10 }), reason: fc.string({ maxLength: 10 }), rules: fc.array(fc.constantFrom(...RULE_IDS, 'x'), { maxLength: 2 }) }, { requiredKeys: [] }), { maxLength: 3 }),
);
const key = fc.oneof(fc.constantFrom(...POLICY_FILE_KEYS, '__proto__', 'constructor', 'toString', 'failOn', ''), fc.string({ maxLength: 10 }));

/** YAML constructs that stress the parser rather than the schema: aliases, tags, merges, cycles. */
const YAML_OBSCURA = [
  'fail-on: &a [*a]',
  'fail-on: *nowhere',
  'allow: &a [*a]',
  'allow:\n  - &e {package: a, reason: *e}',
  'comment: !!binary aGVsbG8=',
  'concurrency: !!float 4',
  'concurrency: 0x4',
  'concurrency: 4.0',
  'concurrency: 99999999999999999999999',
  'fail-on: !!str high',
  'fail-on: !custom high',
  '<<: {fail-on: high}',
  'base: &b {fail-on: high}\n<<: *b',
  '__proto__: {polluted: true}',
  '? [complex, key]\n: value',
  '%YAML 1.1\n---\nfail-on: high',
  '---\nfail-on: high\n---\nfail-on: low',
  'fail-on: high\nfail-on: low',
  'registry: !!timestamp 2001-12-14',
  'allow: [{package: a, reason: r, rules: !!set {fingerprint-source}}]',
  'a: &a x\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: [*d,*d,*d,*d,*d,*d,*d,*d,*d]',
] as const;

describe('parsePolicyFile on hostile YAML', () => {
  it.each(YAML_OBSCURA.map((text) => [JSON.stringify(text), text] as const))('returns or throws a ConfigError on %s', (_name, text) => {
    expectContract(text);
  });

  it('returns or throws a ConfigError for random mappings of settings', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(key, value), { maxLength: 6 }), (entries) => {
        const lines = entries.map(([k, v]) => stringifyYaml({ [k]: v }).trimEnd());
        expectContract(lines.join('\n'));
      }),
      { numRuns: 500 },
    );
  });

  it('returns or throws a ConfigError for mutations of a valid policy', () => {
    fc.assert(
      fc.property(fc.array(textMutation, { minLength: 1, maxLength: 4 }), (mutations) => {
        expectContract(applyTextMutations(VALID, mutations));
      }),
      { numRuns: 500 },
    );
  });

  it('returns or throws a ConfigError for random text and spliced YAML constructs', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.constantFrom(...YAML_OBSCURA, ...HOSTILE_LINES), fc.string({ unit: 'grapheme-ascii', maxLength: 40 })), { maxLength: 6 }),
        (lines) => {
          expectContract(lines.join('\n'));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('parses the valid policy it mutates', () => {
    expect(parsePolicyFile(VALID, FILE)).toMatchObject({ failOn: 'medium', comment: 'always', onUnscanned: 'fail', concurrency: 4 });
  });
});

/**
 * The policy's JSON Schema is the one description of the file: it must be a valid schema, agree
 * with the closed sets and defaults in src/config/schema.ts, use only the keywords the validator
 * reads, and be read by that validator as a full JSON Schema validator (ajv) reads it.
 */
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RULE_IDS } from '../../src/analysis/detectors/rule-ids.js';
import {
  COMMENT_MODES,
  DEFAULT_POLICY,
  ON_UNSCANNED_MODES,
  POLICY_FILE_KEYS,
  POLICY_MODES,
  POLICY_SCHEMA,
  RULE_SETTINGS,
} from '../../src/config/schema.js';
import { SCHEMA_KEYWORDS, validateAgainst, type SchemaNode } from '../../src/config/validate.js';
import { FAIL_ON_LEVELS } from '../../src/report/severity.js';

const onDisk: unknown = JSON.parse(readFileSync(new URL('../../schema/policy.schema.json', import.meta.url), 'utf8'));
const ajv = new Ajv({ strict: true, allErrors: false });
const ajvValidate = ajv.compile(onDisk as object);

/**
 * The README's policy reference, one row per key (allow entries' keys as `allow[].key`), from the
 * schema's defaults and descriptions: the README cannot drift from what the gate validates.
 */
function policyReference(schema: SchemaNode): string {
  const cell = (text: string): string => text.replace(/\|/g, '\\|');
  const row = (key: string, node: SchemaNode): string => {
    const fallback = node.default === undefined ? '—' : `\`${JSON.stringify(node.default).replace(/^"|"$/g, '')}\``;
    return `| \`${key}\` | ${fallback} | ${cell(node.description ?? '')} |`;
  };
  const rows = ['| key | default | meaning |', '|---|---|---|'];
  for (const [key, node] of Object.entries(schema.properties ?? {})) {
    rows.push(row(key, node));
    for (const [inner, innerNode] of Object.entries(node.items?.properties ?? {})) {
      const required = node.items?.required?.includes(inner) ? ' (required)' : '';
      rows.push(row(`${key}[].${inner}`, { ...innerNode, description: `${innerNode.description ?? ''}${required}` }));
    }
  }
  return rows.join('\n');
}

function* nodes(node: SchemaNode): Generator<SchemaNode> {
  yield node;
  for (const child of Object.values(node.properties ?? {})) yield* nodes(child);
  if (node.items) yield* nodes(node.items);
  if (typeof node.additionalProperties === 'object') yield* nodes(node.additionalProperties);
  if (node.propertyNames) yield* nodes(node.propertyNames);
}

const property = (key: string): SchemaNode => {
  const node = POLICY_SCHEMA.properties?.[key];
  if (node === undefined) throw new Error(`no ${key} in the schema`);
  return node;
};

describe('schema/policy.schema.json', () => {
  it('is the schema the bundle carries, and ajv compiles it in strict mode', () => {
    expect(POLICY_SCHEMA).toEqual(onDisk);
    expect(ajv.validateSchema(onDisk as object)).toBe(true);
  });

  it('uses only keywords the validator reads, and every setting has a title and a description', () => {
    for (const node of nodes(POLICY_SCHEMA)) {
      for (const keyword of Object.keys(node)) expect(SCHEMA_KEYWORDS).toContain(keyword);
    }
    for (const key of POLICY_FILE_KEYS) {
      expect(property(key).title).toBeTruthy();
      expect(property(key).description).toBeTruthy();
    }
  });

  it('names the settings, closed sets and defaults src/config/schema.ts declares', () => {
    expect(Object.keys(POLICY_SCHEMA.properties ?? {}).sort()).toEqual([...POLICY_FILE_KEYS].sort());
    expect(property('fail-on').enum).toEqual(FAIL_ON_LEVELS);
    expect(property('mode').enum).toEqual(POLICY_MODES);
    expect(property('comment').enum).toEqual(COMMENT_MODES);
    expect(property('on-unscanned').enum).toEqual(ON_UNSCANNED_MODES);
    expect(property('rules').propertyNames?.enum).toEqual(RULE_IDS);
    expect((property('rules').additionalProperties as SchemaNode).enum).toEqual(RULE_SETTINGS);
    expect(property('allow').items?.properties?.rules?.items?.enum).toEqual(RULE_IDS);
    expect({
      'fail-on': property('fail-on').default,
      mode: property('mode').default,
      comment: property('comment').default,
      'on-unscanned': property('on-unscanned').default,
      'include-dev': property('include-dev').default,
      'package-browser': property('package-browser').default,
      concurrency: property('concurrency').default,
    }).toEqual({
      'fail-on': DEFAULT_POLICY.failOn,
      mode: DEFAULT_POLICY.mode,
      comment: DEFAULT_POLICY.comment,
      'on-unscanned': DEFAULT_POLICY.onUnscanned,
      'include-dev': DEFAULT_POLICY.includeDev,
      'package-browser': DEFAULT_POLICY.packageBrowser,
      concurrency: DEFAULT_POLICY.concurrency,
    });
  });

  it('is documented in the README by the table this schema generates', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    expect(readme).toContain(policyReference(POLICY_SCHEMA));
  });

  const samples: unknown[] = [
    {},
    { 'fail-on': 'medium', mode: 'all', 'include-dev': false, rules: { 'fingerprint-source': 'off' } },
    { allow: [{ package: 'a@^1', reason: 'r', expires: '2025-06-30', rules: ['identity-targeting'] }] },
    { allow: [{ package: 'a', reason: ' ' }] },
    { allow: [{ package: 'a' }] },
    { allow: [{ package: '', reason: 'r' }] },
    { allow: [{ package: 'a', reason: 'r', rules: [] }] },
    { allow: [{ package: 'a', reason: 'r', expires: '2025-6-30' }] },
    { rules: { nope: 'off' } },
    { rules: { 'fingerprint-source': 'loud' } },
    { concurrency: 1.5 },
    { concurrency: 0 },
    { 'allowed-hosts': ['a.example', 'https://a.example/'] },
    { registry: 'ftp://x' },
    { extra: 1 },
    { mode: null },
  ];

  it.each(samples.map((sample) => [JSON.stringify(sample), sample]))('agrees with ajv on %s', (_label, sample) => {
    expect(validateAgainst(sample, POLICY_SCHEMA) === null).toBe(ajvValidate(sample));
  });

  it('agrees with ajv on random policies', () => {
    const leaf = fc.oneof(
      fc.constantFrom<unknown>(...FAIL_ON_LEVELS, ...POLICY_MODES, ...RULE_IDS, 'off', true, false, 0, 4, 17, 1.5, null, '', ' ', '2025-06-30', 'https://x.test/', 'a.example:80'),
      fc.string({ maxLength: 8 }),
    );
    const allowEntry = fc.record(
      { package: leaf, reason: leaf, expires: leaf, rules: fc.array(leaf, { maxLength: 2 }) },
      { requiredKeys: [] },
    );
    const policy = fc.record(
      {
        'fail-on': leaf,
        mode: leaf,
        'include-dev': leaf,
        concurrency: leaf,
        rules: fc.dictionary(fc.constantFrom<string>(...RULE_IDS, 'x'), leaf, { maxKeys: 2 }),
        allow: fc.array(allowEntry, { maxLength: 2 }),
        'allowed-hosts': fc.array(leaf, { maxLength: 2 }),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(policy, (sample) => {
        expect(validateAgainst(sample, POLICY_SCHEMA) === null).toBe(ajvValidate(sample));
      }),
      { numRuns: 1_000 },
    );
  });
});

import { describe, expect, it } from 'vitest';
import { classifyList, FULL_TABLE_MIN_ENTRIES, valueCategory } from '../../../src/analysis/facts/identity-lists.js';

describe('valueCategory', () => {
  it.each([
    ['Europe/Moscow', 'timezones'],
    ['America/Argentina/Buenos_Aires', 'timezones'],
    ['ru', 'countries-or-languages'],
    ['ru_RU.UTF-8', 'locales'],
    ['zh-Hant-TW', 'locales'],
    ['.ru', 'tlds'],
    ['acme-corp.example', 'domains'],
    ['10.0.0.1', 'addresses'],
    ['darwin', 'platforms'],
    ['circleci', 'ci-vendors'],
    ['true', 'defaults'],
    ['UTC', 'defaults'],
    ['localhost', 'local'],
    ['Initech', 'names'],
    ['a/b?c=1', null],
  ])('%s -> %s', (value, category) => {
    expect(valueCategory(value)).toBe(category);
  });
});

describe('classifyList', () => {
  it.each<[string, string[], Parameters<typeof classifyList>[1], { category: string; identity: boolean } | null]>([
    ['a few zones', ['Europe/Moscow', 'Europe/Minsk'], 'timezone', { category: 'timezones', identity: true }],
    ['company domains', ['acme.com', 'globex.com'], 'endpoint', { category: 'domains', identity: true }],
    ["the vendor's own hosts", ['api.openai.com', 'eu.openai.com'], 'endpoint', { category: 'first-party', identity: false }],
    ['platforms', ['linux', 'darwin'], 'ci', { category: 'platforms', identity: false }],
    ['names against a timezone are noise', ['Initech'], 'timezone', { category: 'defaults', identity: false }],
    ['user names', ['alice', 'bob'], 'user', { category: 'names', identity: true }],
    ['one zone among defaults still targets', ['UTC', 'Europe/Kyiv'], 'timezone', { category: 'timezones', identity: true }],
    ['nothing recognisable', ['a/b?c', '%%'], 'timezone', null],
  ])('%s', (_name, values, kind, expected) => {
    const result = classifyList(values, kind);
    if (expected === null) expect(result).toBeNull();
    else expect(result).toMatchObject(expected);
  });

  it('treats a list of every zone as a table, not targeting', () => {
    const zones = Array.from({ length: FULL_TABLE_MIN_ENTRIES }, (_, i) => `Europe/City_${i}`);
    expect(classifyList(zones, 'timezone')).toMatchObject({ category: 'timezones', identity: false, fullTable: true });
    expect(classifyList(zones.slice(1), 'timezone')).toMatchObject({ identity: true, fullTable: false });
  });
});

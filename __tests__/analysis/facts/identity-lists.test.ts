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
    // A web address is about its host.
    ['https://api.acme-corp.example/v1', 'domains'],
    ['wss://user@gateway.acme-corp.example:8443/socket?x=1', 'domains'],
    ['http://localhost:3000', 'local'],
    ['http://[::1]:8080/', 'local'],
    ['http://10.0.0.1:8080/path', 'addresses'],
    ['https://intranet/', null],
    ['https://', null],
    ['https:', 'defaults'],
    // Legacy zone names from the IANA backward file.
    ['W-SU', 'timezones'],
    ['Europe/Kiev', 'timezones'],
    ['Asia/Calcutta', 'timezones'],
    ['Universal', 'defaults'],
    // Codes must be real ISO 3166 / ISO 639 codes.
    ['RU', 'countries-or-languages'],
    ['KP', 'countries-or-languages'],
    ['BLR', 'countries-or-languages'],
    ['ukr', 'countries-or-languages'],
    ['ask', 'names'],
    ['zed', 'names'],
    ['sdk', 'names'],
    ['npx', 'names'],
    ['CAN', 'names'],
    // Locales need a real language and a real region.
    ['uk-UA', 'locales'],
    ['zh_CN', 'locales'],
    ['es-419', 'locales'],
    ['max_tokens', 'names'],
    ['TAB_CLOSED', null],
    ['sr-Latn', 'names'],
    // TLDs must be TLDs of a place, not file extensions.
    ['.by', 'tlds'],
    ['.su', 'tlds'],
    ['.рф', 'tlds'],
    ['.gov', 'tlds'],
    ['.md', null],
    ['.jsonl', null],
    ['.js', null],
    ['.json', null],
    ['index.js', null],
    ['package.json', null],
    ['e3b0c44298fc1c149afbf4c8996fb924', null],
  ])('%s -> %s', (value, category) => {
    expect(valueCategory(value)).toBe(category);
  });
});

describe('classifyList', () => {
  it.each<[string, string[], Parameters<typeof classifyList>[1], { category: string; identity: boolean } | null]>([
    ['a few zones', ['Europe/Moscow', 'Europe/Minsk'], 'timezone', { category: 'timezones', identity: true }],
    ['company domains', ['acme.com', 'globex.com'], 'endpoint', { category: 'domains', identity: true }],
    ["the vendor's own hosts", ['api.openai.com', 'eu.openai.com'], 'endpoint', { category: 'first-party', identity: false }],
    ['company base URLs', ['https://api.acme.com/v1', 'https://globex.com'], 'endpoint', { category: 'domains', identity: true }],
    ["the vendor's own base URLs", ['https://api.openai.com/v1', 'https://eu.openai.com'], 'endpoint', { category: 'first-party', identity: false }],
    ['local addresses', ['http://localhost:3000', 'http://127.0.0.1:3000'], 'endpoint', { category: 'local', identity: false }],
    ["the vendor's own host beside the developer's machine", ['api.openai.com', 'localhost'], 'endpoint', { category: 'first-party', identity: false }],
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

  it.each<[string, string[], Parameters<typeof classifyList>[1], string]>([
    ['two lower-case country or language codes', ['ru', 'by'], 'locale', 'countries-or-languages'],
    ['upper-case country codes against the CI identity', ['RU', 'BY', 'KP'], 'ci', 'countries-or-languages'],
    ['alpha-3 country codes', ['RUS', 'BLR'], 'network', 'countries-or-languages'],
    ['locales with real languages and regions', ['ru-RU', 'uk-UA', 'zh_CN'], 'locale', 'locales'],
    ['legacy zone aliases', ['W-SU', 'Europe/Kiev', 'Asia/Calcutta'], 'timezone', 'timezones'],
    ['country TLDs, one of them also a file extension', ['.ru', '.by', '.pl'], 'hostname', 'tlds'],
    ['zones and codes counted together as places', ['Europe/Moscow', 'ru', 'true', 'false'], 'timezone', 'timezones'],
  ])('identity: %s', (_name, values, kind, category) => {
    expect(classifyList(values, kind)).toMatchObject({ category, identity: true });
  });

  it.each<[string, string[], Parameters<typeof classifyList>[1]]>([
    ['one word compared with the CI identity', ['ask'], 'ci'],
    ['another word', ['zed'], 'ci'],
    ['a tool name', ['sdk'], 'ci'],
    ['a short word against a host name, a source that names people', ['env'], 'hostname'],
    ['a short word against the user name', ['ask'], 'user'],
    ['a file extension that is also Moldova', ['.md'], 'hostname'],
    ['file extensions', ['.md', '.jsonl', '.js', '.json'], 'hostname'],
    ['ccTLDs that are all file extensions', ['.md', '.sh', '.py'], 'hostname'],
    ['a key name', ['max_tokens'], 'ci'],
    ['a key name against the user name', ['max_tokens'], 'user'],
    ['a constant', ['TAB_CLOSED'], 'locale'],
    ['command names', ['stdio', 'npx'], 'ci'],
    ['one code among free text', ['ru', 'a/b?c', '%%', 'x=1'], 'locale'],
    ['file names against a host', ['index.js', 'package.json'], 'hostname'],
  ])('not identity: %s', (_name, values, kind) => {
    expect(classifyList(values, kind)?.identity ?? false).toBe(false);
  });

  it('treats a list of every zone as a table, not targeting', () => {
    const zones = Array.from({ length: FULL_TABLE_MIN_ENTRIES }, (_, i) => `Europe/City_${i}`);
    expect(classifyList(zones, 'timezone')).toMatchObject({ category: 'timezones', identity: false, fullTable: true });
    expect(classifyList(zones.slice(1), 'timezone')).toMatchObject({ identity: true, fullTable: false });
  });
});

import { describe, expect, it } from 'vitest';
import { identityTargeting } from '../../../src/analysis/detectors/identity-targeting.js';
import { describeListTargets, orderForReview } from '../../../src/analysis/facts/list-presentation.js';
import { findingsFor } from '../../support/detector-cases.js';

describe('orderForReview', () => {
  it('puts one host per registrable name first, the shortest, then the other hosts in list order', () => {
    const hosts = ['api.acme.example.com', 'acme.com', 'cdn.acme.com', 'www.globex.cn', 'globex.cn', 'x.initech.co.uk', 'initech.co.uk'];
    expect(orderForReview(hosts)).toEqual([
      'api.acme.example.com',
      'acme.com',
      'globex.cn',
      'initech.co.uk',
      'cdn.acme.com',
      'www.globex.cn',
      'x.initech.co.uk',
    ]);
  });

  it('groups zones by country, the country with most zones first', () => {
    const zones = ['Europe/Kyiv', 'Europe/Moscow', 'Europe/Minsk', 'Asia/Omsk', 'Europe/Samara'];
    // Ukraine and Belarus tie: the list's own order decides.
    expect(orderForReview(zones)).toEqual(['Europe/Moscow', 'Asia/Omsk', 'Europe/Samara', 'Europe/Kyiv', 'Europe/Minsk']);
  });

  it('shows places before parties and values of no known kind, and defaults and platforms last', () => {
    expect(orderForReview(['linux', 'a/b?c', 'acme.com', '01ai', 'Europe/Moscow', 'true'])).toEqual([
      'Europe/Moscow',
      'a/b?c',
      'acme.com',
      '01ai',
      'linux',
      'true',
    ]);
  });

  it('keeps the order of a list of one kind and is a permutation', () => {
    expect(orderForReview(['Asia/Shanghai', 'Asia/Urumqi'])).toEqual(['Asia/Shanghai', 'Asia/Urumqi']);
    const mixed = ['b.acme.com', 'ru', 'x', 'Europe/Minsk', 'acme.com', 'ru'];
    expect([...orderForReview(mixed)].sort()).toEqual([...mixed].sort());
    expect(orderForReview([])).toEqual([]);
  });
});

describe('describeListTargets', () => {
  it.each<[string, string[], string | null]>([
    ['the zones of one country', ['Asia/Shanghai', 'Asia/Urumqi'], '2 zones, all in one country: CN (China)'],
    ['zones of several countries', ['Europe/Moscow', 'Europe/Minsk', 'Asia/Omsk'], '3 zones in 2 countries: RU (Russia) 2, BY (Belarus) 1'],
    ['legacy zone names', ['W-SU', 'Europe/Kiev'], '2 zones in 2 countries: RU (Russia) 1, UA (Ukraine) 1'],
    [
      'hosts under fewer names and country TLDs',
      ['a.acme.com', 'b.acme.com', 'globex.cn', 'shop.globex.cn', 'yandex.ru', 'startup.io'],
      '6 domains under 4 registrable names; country TLDs: CN (China) 2, RU (Russia) 1',
    ],
    ['distinct hosts under generic TLDs say nothing more', ['acme.com', 'startup.io'], null],
    [
      'base URLs: their hosts',
      ['https://a.acme.com/v1', 'https://b.acme.com', 'https://globex.cn/api', 'https://shop.globex.cn'],
      '4 domains under 2 registrable names; country TLDs: CN (China) 2',
    ],
    [
      'a few extra hosts and one country TLD among many .com hosts say nothing more',
      [...Array.from({ length: 20 }, (_, i) => `company${i}.com`), 'www.company0.com', 'shop.cn'],
      null,
    ],
    ['locales', ['ru-RU', 'be-BY', 'ru_RU.UTF-8'], '3 locales in 2 countries: RU (Russia) 2, BY (Belarus) 1'],
    ['upper-case country codes', ['RU', 'BY', 'KP', 'RUS'], 'country codes: RU (Russia), BY (Belarus), KP (North Korea)'],
    // `be` is Belarusian and Belgium: lower-case codes are not named as countries.
    ['lower-case codes', ['ru', 'be'], null],
    ['country TLDs', ['.ru', '.by', '.su'], '3 TLDs in 3 countries: RU (Russia) 1, BY (Belarus) 1, SU (Soviet Union) 1'],
    ['internationalised TLDs', ['.рф', '.xn--p1ai'], '2 TLDs, all in one country: RU (Russia)'],
    ['platforms', ['linux', 'darwin'], null],
    ['mostly not zones', ['Europe/Moscow', 'a?b', 'c?d'], null],
    ['nothing', [], null],
  ])('%s', (_name, values, expected) => {
    expect(describeListTargets(values)).toBe(expected);
  });
});

describe('finding messages', () => {
  it('name the telling values first and what the list targets', () => {
    const code =
      "const tz = Intl.DateTimeFormat().resolvedOptions().timeZone;\n" +
      "if (['Europe/Kyiv', 'Europe/Moscow', 'Asia/Omsk', 'Europe/Samara', 'Asia/Tomsk', 'Asia/Chita', 'Asia/Yakutsk', 'Asia/Anadyr', 'Asia/Irkutsk'].includes(tz)) process.exit(1);";
    const [finding] = findingsFor(identityTargeting, code);
    expect(finding?.message).toContain(
      '(Europe/Moscow, Asia/Omsk, Europe/Samara, Asia/Tomsk, Asia/Chita, Asia/Yakutsk, Asia/Anadyr, Asia/Irkutsk and 1 more — 9 zones in 2 countries: RU (Russia) 8, UA (Ukraine) 1)',
    );
    // The evidence keeps the list as written.
    expect(finding?.evidence.list?.values[0]).toBe('Europe/Kyiv');
  });
});

import { describe, expect, it } from 'vitest';
import { countryOfCode, isCountryCodeTld, isCountryOrLanguageCode, isLanguageCode } from '../../../src/analysis/facts/iso-codes.js';

describe('countryOfCode', () => {
  it.each<[string, string | null]>([
    ['RU', 'RU'],
    ['ru', 'RU'],
    ['by', 'BY'],
    ['KP', 'KP'],
    ['RUS', 'RU'],
    ['BLR', 'BY'],
    ['PRK', 'KP'],
    // Lower-case alpha-3 is a language code or a word far more often than a country.
    ['rus', null],
    // Not assigned, or words that happen to be codes.
    ['XX', null],
    ['ZZZ', null],
    ['CAN', null],
    ['AND', null],
    ['ask', null],
    ['RUSSIA', null],
    ['', null],
  ])('%s -> %s', (value, country) => {
    expect(countryOfCode(value)).toBe(country);
  });
});

describe('isLanguageCode', () => {
  it.each<[string, boolean]>([
    ['ru', true],
    ['be', true],
    ['UK', true],
    ['rus', true],
    ['ukr', true],
    ['bel', true],
    ['chi', false], // the bibliographic code for Chinese, and a Greek letter's name
    ['zho', true],
    ['RUS', false],
    ['ask', false],
    ['zed', false],
    ['sdk', false],
    ['env', false],
    ['cat', false],
    ['div', false],
    ['xx', false],
  ])('%s -> %s', (value, expected) => {
    expect(isLanguageCode(value)).toBe(expected);
  });

  it('knows the ISO 639-1 set and no more', () => {
    const letters = 'abcdefghijklmnopqrstuvwxyz';
    let count = 0;
    for (const a of letters) for (const b of letters) if (isLanguageCode(a + b)) count += 1;
    expect(count).toBe(184);
  });
});

describe('isCountryOrLanguageCode and isCountryCodeTld', () => {
  it('accepts either kind of code', () => {
    expect(isCountryOrLanguageCode('be')).toBe(true);
    expect(isCountryOrLanguageCode('KZ')).toBe(true);
    expect(isCountryOrLanguageCode('npx')).toBe(false);
  });

  it.each<[string, boolean]>([
    ['ru', true],
    ['RU', true],
    ['uk', true],
    ['su', true],
    ['eu', true],
    ['gb', true],
    ['com', false],
    ['xx', false],
  ])('TLD %s -> %s', (label, expected) => {
    expect(isCountryCodeTld(label)).toBe(expected);
  });

  it('knows all 249 ISO 3166-1 alpha-2 codes', () => {
    const letters = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
    let count = 0;
    for (const a of letters) for (const b of letters) if (countryOfCode(a + b) !== null) count += 1;
    expect(count).toBe(249);
  });
});

import { describe, expect, it } from 'vitest';
import {
  countriesOfZone,
  countryName,
  describeZoneCountries,
  isZoneName,
  zoneCountries,
} from '../../../src/analysis/facts/zone-countries.js';

/** The zones IANA's zone1970.tab gives Russia, written out fresh. */
const RUSSIA = [
  'Europe/Kaliningrad', 'Europe/Moscow', 'Europe/Simferopol', 'Europe/Kirov', 'Europe/Volgograd', 'Europe/Astrakhan',
  'Europe/Saratov', 'Europe/Ulyanovsk', 'Europe/Samara', 'Asia/Yekaterinburg', 'Asia/Omsk', 'Asia/Novosibirsk',
  'Asia/Barnaul', 'Asia/Tomsk', 'Asia/Novokuznetsk', 'Asia/Krasnoyarsk', 'Asia/Irkutsk', 'Asia/Chita', 'Asia/Yakutsk',
  'Asia/Khandyga', 'Asia/Vladivostok', 'Asia/Ust-Nera', 'Asia/Magadan', 'Asia/Sakhalin', 'Asia/Srednekolymsk',
  'Asia/Kamchatka', 'Asia/Anadyr', 'W-SU',
];

describe('countriesOfZone', () => {
  it.each<[string, readonly string[] | null]>([
    ['Europe/Moscow', ['RU']],
    ['Asia/Shanghai', ['CN']],
    ['Asia/Urumqi', ['CN']],
    // Legacy names from the backward file resolve to the country of the zone they alias.
    ['W-SU', ['RU']],
    ['Europe/Kiev', ['UA']],
    ['Europe/Kyiv', ['UA']],
    ['Asia/Calcutta', ['IN']],
    ['PRC', ['CN']],
    // Lists are often lower-cased before the comparison.
    ['europe/minsk', ['BY']],
    ['Etc/UTC', []],
    ['Europe/Atlantis', null],
    ['ru', null],
  ])('%s -> %j', (zone, countries) => {
    expect(countriesOfZone(zone)).toEqual(countries);
  });

  it('tells zone names from other values', () => {
    expect(isZoneName('America/Argentina/Buenos_Aires')).toBe(true);
    expect(isZoneName('Europe/City_0')).toBe(false);
  });

  it('names countries in English and falls back to the code', () => {
    expect(countryName('RU')).toBe('Russia');
    expect(countryName('by')).toBe('Belarus');
    expect(countryName('XX')).toBe('XX');
  });
});

describe('zoneCountries', () => {
  it('puts a whole country of zones, an alias included, under that country', () => {
    const summary = zoneCountries(RUSSIA);
    expect(summary.common).toBe('RU');
    expect(summary.countries).toHaveLength(1);
    expect(summary.countries[0]).toMatchObject({ code: 'RU', name: 'Russia' });
    expect(summary.countries[0]?.zones).toHaveLength(28);
    expect(describeZoneCountries(summary)).toBe('28 zones, all in one country: RU (Russia)');
  });

  it('names the one country of two zones', () => {
    expect(describeZoneCountries(zoneCountries(['Asia/Shanghai', 'Asia/Urumqi']))).toBe('2 zones, all in one country: CN (China)');
    expect(describeZoneCountries(zoneCountries(['Asia/Tokyo']))).toBe('1 zone, in JP (Japan)');
  });

  it('prefers a country every zone shares over each zone\'s first country', () => {
    // Europe/Zurich is Switzerland first, but also Germany (Busingen) and Liechtenstein.
    expect(zoneCountries(['Europe/Berlin', 'Europe/Zurich']).common).toBe('DE');
    expect(zoneCountries(['Europe/Kyiv', 'Europe/Simferopol']).common).toBe('UA');
  });

  it('counts zones per country, most first, and keeps zones of no country and other values apart', () => {
    const summary = zoneCountries(['Europe/Minsk', 'Europe/Moscow', 'Asia/Omsk', 'Europe/Kyiv', 'Etc/UTC', 'hello', 'Europe/Moscow']);
    expect(summary.common).toBeNull();
    expect(summary.countries.map((country) => [country.code, country.zones.length])).toEqual([
      ['RU', 2],
      ['BY', 1],
      ['UA', 1],
    ]);
    expect(summary.countryless).toEqual(['Etc/UTC']);
    expect(summary.others).toEqual(['hello']);
    expect(describeZoneCountries(summary)).toBe(
      '4 zones in 3 countries: RU (Russia) 2, BY (Belarus) 1, UA (Ukraine) 1, plus 1 zone of no country',
    );
  });

  it('cuts the country list after five', () => {
    const zones = ['Europe/Paris', 'Europe/Berlin', 'Europe/Rome', 'Europe/Madrid', 'Europe/Vienna', 'Europe/Prague', 'Europe/Oslo'];
    expect(describeZoneCountries(zoneCountries(zones))).toMatch(/^7 zones in 7 countries: .* and 2 more$/);
  });

  it('has nothing to say without a zone of a country', () => {
    expect(describeZoneCountries(zoneCountries(['Etc/UTC', 'hello']))).toBeNull();
    expect(describeZoneCountries(zoneCountries([]))).toBeNull();
  });
});

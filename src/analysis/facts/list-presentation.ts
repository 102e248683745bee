/**
 * How a list is shown to a reviewer: the entries that tell who it targets first, and one line
 * naming the targets. A message names 8 values and a comment about 50; of 147 hosts or 28 zones,
 * those first few must be the telling ones (one host per company, the zones of the country most
 * of them are in), and "28 zones, all in one country: RU (Russia)" says the rest. The JSON
 * report keeps every list whole and in its own order: this is presentation only.
 */
import { countryOfCode } from './iso-codes.js';
import { hostOf, type ListCategory, registrableName, valueCategory } from './identity-lists.js';
import { countryName, describeZoneCountries, MAX_SUMMARY_COUNTRIES, zoneCountries } from './zone-countries.js';

/** Where the user is: shown first. */
const PLACE: ReadonlySet<ListCategory> = new Set(['timezones', 'countries-or-languages', 'locales', 'tlds']);
/** Who the user is or works for: shown next. */
const PARTY: ReadonlySet<ListCategory> = new Set(['domains', 'addresses', 'names']);

/**
 * Values of no known kind (`01ai`, `*.cn`, a pattern) rank with the parties: they are often the
 * keywords a list is about. Defaults, platforms and the like go last.
 */
function rankOf(category: ListCategory | null): number {
  if (category === null) return 1;
  if (PLACE.has(category)) return 0;
  return PARTY.has(category) ? 1 : 2;
}

/**
 * The values in the order a reviewer should read them: places, then parties (and values of no
 * known kind), then defaults, platforms and the like.
 * Zones are grouped by country, the country with most zones first; hosts show one entry per
 * registrable name (the shortest) before the other hosts of the same names. Otherwise the
 * list's own order holds. A permutation: nothing is added or dropped.
 */
export function orderForReview(values: readonly string[]): string[] {
  const categories = values.map((value) => valueCategory(value));
  const zones = zoneCountries(values.filter((_, index) => categories[index] === 'timezones'));
  const zoneGroup = new Map<string, number>();
  zones.countries.forEach((country, index) => {
    for (const zone of country.zones) zoneGroup.set(zone, index);
  });
  const leaders = domainLeaders(values.filter((_, index) => categories[index] === 'domains'));
  const keyed = values.map((value, index) => {
    const category = categories[index] ?? null;
    let group = 0;
    if (category === 'timezones') group = zoneGroup.get(value) ?? zones.countries.length;
    else if (category === 'domains') group = leaders.has(value) ? 0 : 1;
    return { value, index, rank: rankOf(category), group };
  });
  keyed.sort((a, b) => a.rank - b.rank || a.group - b.group || a.index - b.index);
  return keyed.map((item) => item.value);
}

/** The first shortest host (or web address) of each registrable name. */
function domainLeaders(values: readonly string[]): Set<string> {
  const best = new Map<string, string>();
  for (const value of values) {
    const name = registrableName(hostOf(value));
    const current = best.get(name);
    if (current === undefined || value.length < current.length) best.set(name, value);
  }
  return new Set(best.values());
}

/**
 * One line naming what a list targets, or null when its values say nothing more than themselves:
 * "28 zones, all in one country: RU (Russia)", "147 domains under 96 registrable names; country
 * TLDs: CN (China) 52", "2 locales, all in one country: RU (Russia)", "country codes: RU
 * (Russia), BY (Belarus)". Only for lists most of whose values are of the kind described.
 */
export function describeListTargets(values: readonly string[]): string | null {
  const distinct = [...new Set(values)];
  if (distinct.length === 0) return null;
  const byCategory = new Map<ListCategory, string[]>();
  for (const value of distinct) {
    const category = valueCategory(value);
    if (category === null) continue;
    const group = byCategory.get(category);
    if (group === undefined) byCategory.set(category, [value]);
    else group.push(value);
  }
  const most = (category: ListCategory): string[] | null => {
    const group = byCategory.get(category) ?? [];
    return group.length * 2 >= distinct.length && group.length > 0 ? group : null;
  };
  const zones = most('timezones');
  if (zones !== null) return describeZoneCountries(zoneCountries(zones));
  const domains = most('domains');
  if (domains !== null) return describeDomains(domains);
  const locales = most('locales');
  if (locales !== null) return describeCountries(locales.map(localeRegion), 'locale');
  const codes = most('countries-or-languages');
  // Lower-case codes are as often languages (`be` is Belarusian, and Belgium): only upper-case
  // ones are named as countries.
  if (codes !== null && codes.every((code) => code === code.toUpperCase())) {
    const named = [...new Set(codes.map((code) => countryOfCode(code)).filter((code): code is string => code !== null))];
    if (named.length === 0) return null;
    const shown = named.slice(0, MAX_NAMED_CODES).map(countryLabel);
    const rest = named.length - shown.length;
    return `country codes: ${shown.join(', ')}${rest > 0 ? ` and ${rest} more` : ''}`;
  }
  const tlds = most('tlds');
  if (tlds !== null) return describeCountries(tlds.map(tldCountry), 'TLD');
  return null;
}

/** Countries named one by one for a list of country codes. */
const MAX_NAMED_CODES = 10;

/** TLDs that name a country without being its ISO code: `.uk`, `.su`, `.eu`, internationalised and city TLDs. */
const TLD_COUNTRIES: Readonly<Record<string, string>> = Object.freeze({
  uk: 'GB', su: 'SU', eu: 'EU', ac: 'AC', 'рф': 'RU', 'xn--p1ai': 'RU', 'рус': 'RU', 'xn--p1acf': 'RU', 'москва': 'RU',
  'xn--80adxhks': 'RU', moscow: 'RU', tatar: 'RU', 'укр': 'UA', 'xn--j1amh': 'UA', 'бел': 'BY', 'xn--90ais': 'BY',
  'срб': 'RS', 'xn--90a3ac': 'RS', 'қаз': 'KZ', 'xn--80ao21a': 'KZ', '中国': 'CN', 'xn--fiqs8s': 'CN', '中國': 'CN',
  'xn--fiqz9s': 'CN', '台灣': 'TW', 'xn--kpry57d': 'TW', '台湾': 'TW', 'xn--kprw13d': 'TW', '香港': 'HK',
  'xn--j6w193g': 'HK', '한국': 'KR', 'xn--3e0b707e': 'KR', 'ایران': 'IR', 'xn--mgba3a4f16a': 'IR', berlin: 'DE',
  london: 'GB', paris: 'FR', tokyo: 'JP', kyoto: 'JP', nyc: 'US', istanbul: 'TR', amsterdam: 'NL',
});

/** Names of the places above that ISO 3166-1 does not list. */
const NON_ISO_NAMES: Readonly<Record<string, string>> = Object.freeze({
  SU: 'Soviet Union',
  EU: 'European Union',
  AC: 'Ascension Island',
});

function tldCountry(tld: string): string | null {
  const label = tld.replace(/^\./, '').toLowerCase();
  return TLD_COUNTRIES[label] ?? countryOfCode(label);
}

function countryLabel(code: string): string {
  const name = NON_ISO_NAMES[code] ?? countryName(code);
  return name === code ? code : `${code} (${name})`;
}

/** The region of a locale (`ru_RU.UTF-8` -> RU, `es-419` -> null: a UN region, not a country). */
function localeRegion(locale: string): string | null {
  const subtags = locale.replace(/[.@].*$/, '').split(/[-_]/).slice(1);
  for (const subtag of subtags) {
    if (subtag.length === 2) {
      const country = countryOfCode(subtag);
      if (country !== null) return country;
    }
  }
  return null;
}

/** "3 locales in 2 countries: RU (Russia) 2, BY (Belarus) 1" or "2 TLDs, all in one country: ...". */
function describeCountries(countries: readonly (string | null)[], noun: string): string | null {
  const counts = new Map<string, number>();
  for (const country of countries) if (country !== null) counts.set(country, (counts.get(country) ?? 0) + 1);
  const total = [...counts.values()].reduce((sum, count) => sum + count, 0);
  if (total === 0) return null;
  const nouns = `${total} ${noun}${total === 1 ? '' : 's'}`;
  const ranked = [...counts].sort((a, b) => b[1] - a[1]);
  const [first] = ranked;
  if (ranked.length === 1 && first !== undefined) {
    return total === 1 ? `1 ${noun}, in ${countryLabel(first[0])}` : `${nouns}, all in one country: ${countryLabel(first[0])}`;
  }
  const named = ranked.slice(0, MAX_SUMMARY_COUNTRIES).map(([code, count]) => `${countryLabel(code)} ${count}`);
  const rest = ranked.length - named.length;
  return `${nouns} in ${ranked.length} countries: ${named.join(', ')}${rest > 0 ? ` and ${rest} more` : ''}`;
}

/**
 * Country-code TLDs sold worldwide as generic names (`.io`, `.ai`, `.co`, `.me`, `.tv`): a host
 * under them says nothing about a country.
 */
const GENERIC_COUNTRY_TLDS: ReadonlySet<string> = new Set([
  'ai', 'am', 'cc', 'co', 'fm', 'gg', 'gs', 'io', 'la', 'ly', 'md', 'me', 'ms', 'nu', 'sh', 'so', 'tk', 'to', 'tv', 'vc', 'ws',
]);

/**
 * "147 domains under 96 registrable names; country TLDs: CN (China) 12, RU (Russia) 3". Each part
 * only when it holds for a quarter of the hosts at least: "146 domains under 143 names" or one
 * `.cn` among a hundred `.com` hosts would tell a reviewer nothing.
 */
function describeDomains(values: readonly string[]): string | null {
  const hosts = values.map(hostOf);
  const names = new Set(hosts.map(registrableName));
  const parts: string[] = [];
  if ((hosts.length - names.size) * 4 >= hosts.length && names.size < hosts.length) {
    parts.push(`${hosts.length} domains under ${names.size} registrable names`);
  }
  const countries = new Map<string, number>();
  for (const host of hosts) {
    const tld = host.replace(/\.$/, '').split('.').pop()?.toLowerCase() ?? '';
    if (GENERIC_COUNTRY_TLDS.has(tld)) continue;
    const country = tldCountry(tld);
    if (country !== null) countries.set(country, (countries.get(country) ?? 0) + 1);
  }
  const underCountries = [...countries.values()].reduce((sum, count) => sum + count, 0);
  if (countries.size > 0 && underCountries * 4 >= hosts.length) {
    const ranked = [...countries].sort((a, b) => b[1] - a[1]);
    const named = ranked.slice(0, MAX_SUMMARY_COUNTRIES).map(([code, count]) => `${countryLabel(code)} ${count}`);
    const rest = ranked.length - named.length;
    parts.push(`country TLDs: ${named.join(', ')}${rest > 0 ? ` and ${rest} more` : ''}`);
  }
  return parts.length === 0 ? null : parts.join('; ');
}

/**
 * The countries a list of timezones belongs to, from the IANA zone tables (zone1970.tab and the
 * `backward` aliases such as `W-SU`, `Europe/Kiev` and `Asia/Calcutta`) as packaged by
 * countries-and-timezones. Twenty-eight zone names say little to a reviewer; "28 zones, all in
 * one country: RU (Russia)" says who the list is aimed at.
 */
import { getAllCountries, getAllTimezones } from 'countries-and-timezones';

interface ZoneEntry {
  /** The name as the tables spell it. */
  readonly name: string;
  /** ISO 3166-1 alpha-2 codes, the country whose city names the zone first. */
  readonly countries: readonly string[];
}

export interface CountryZones {
  /** ISO 3166-1 alpha-2 code. */
  readonly code: string;
  /** English short name, or the code when the tables have none. */
  readonly name: string;
  /** The list's zones counted for this country, in list order. */
  readonly zones: string[];
}

export interface ZoneCountries {
  /** List values that are zone names (aliases included), in list order, without repeats. */
  readonly zones: string[];
  /** Zones that belong to no country (`Etc/UTC`, `Etc/GMT+3`, `UTC`). */
  readonly countryless: string[];
  /** Values that are not zone names. */
  readonly others: string[];
  /**
   * Zones per country, most zones first (ties in list order). Each zone with a country counts once:
   * for the country all zones share when there is one, otherwise for the first country the
   * tables give it (the one whose city names it).
   */
  readonly countries: CountryZones[];
  /** The country every zone with a country belongs to, or null when they span several. */
  readonly common: string | null;
}

let zoneTable: ReadonlyMap<string, ZoneEntry> | null = null;
let countryNames: ReadonlyMap<string, string> | null = null;

/** Built on first use: importing this module does no work. Keys are lower-cased, as `Intl` matches zone names without regard to case. */
function zones(): ReadonlyMap<string, ZoneEntry> {
  if (zoneTable === null) {
    const table = new Map<string, ZoneEntry>();
    for (const zone of Object.values(getAllTimezones({ deprecated: true }))) {
      table.set(zone.name.toLowerCase(), { name: zone.name, countries: [...zone.countries] });
    }
    zoneTable = table;
  }
  return zoneTable;
}

/** The English short name of a country code, or the code itself when the tables do not know it. */
export function countryName(code: string): string {
  if (countryNames === null) {
    countryNames = new Map(Object.values(getAllCountries()).map((country) => [country.id, country.name]));
  }
  return countryNames.get(code.toUpperCase()) ?? code.toUpperCase();
}

/** The countries of a zone name (case-insensitive, aliases included); null when it is not a zone. */
export function countriesOfZone(name: string): readonly string[] | null {
  return zones().get(name.toLowerCase())?.countries ?? null;
}

export function isZoneName(name: string): boolean {
  return zones().has(name.toLowerCase());
}

/** Splits a list into zones by country, countryless zones and values that are no zone at all. */
export function zoneCountries(values: readonly string[]): ZoneCountries {
  const found: ZoneEntry[] = [];
  const listed: string[] = [];
  const countryless: string[] = [];
  const others: string[] = [];
  for (const value of new Set(values)) {
    const entry = zones().get(value.toLowerCase());
    if (entry === undefined) others.push(value);
    else if (entry.countries.length === 0) {
      listed.push(value);
      countryless.push(value);
    } else {
      listed.push(value);
      found.push({ name: value, countries: entry.countries });
    }
  }
  const common = sharedCountry(found);
  const byCountry = new Map<string, string[]>();
  for (const zone of found) {
    const code = common ?? zone.countries[0];
    if (code === undefined) continue;
    const group = byCountry.get(code);
    if (group === undefined) byCountry.set(code, [zone.name]);
    else group.push(zone.name);
  }
  const countries = [...byCountry]
    .map(([code, names]) => ({ code, name: countryName(code), zones: names }))
    .sort((a, b) => b.zones.length - a.zones.length);
  return { zones: listed, countryless, others, countries, common };
}

/** The first country (in the first zone's order of relevance) that every zone belongs to. */
function sharedCountry(found: readonly ZoneEntry[]): string | null {
  const [first, ...rest] = found;
  if (first === undefined) return null;
  return first.countries.find((code) => rest.every((zone) => zone.countries.includes(code))) ?? null;
}

/** Countries named in a summary before "and N more". */
export const MAX_SUMMARY_COUNTRIES = 5;

/**
 * "28 zones, all in one country: RU (Russia)"; "30 zones in 3 countries: RU (Russia) 27,
 * BY (Belarus) 2, UA (Ukraine) 1"; null when no value is a zone with a country.
 */
export function describeZoneCountries(summary: ZoneCountries): string | null {
  const counted = summary.countries.reduce((sum, country) => sum + country.zones.length, 0);
  const only = summary.countries[0];
  if (only === undefined) return null;
  const label = (country: CountryZones): string =>
    country.name === country.code ? country.code : `${country.code} (${country.name})`;
  let text: string;
  if (summary.countries.length === 1) {
    text = counted === 1 ? `1 zone, in ${label(only)}` : `${zonesWord(counted)}, all in one country: ${label(only)}`;
  } else {
    const named = summary.countries.slice(0, MAX_SUMMARY_COUNTRIES).map((country) => `${label(country)} ${country.zones.length}`);
    const rest = summary.countries.length - named.length;
    text = `${zonesWord(counted)} in ${summary.countries.length} countries: ${named.join(', ')}${rest > 0 ? ` and ${rest} more` : ''}`;
  }
  if (summary.countryless.length > 0) text += `, plus ${zonesWord(summary.countryless.length)} of no country`;
  return text;
}

function zonesWord(count: number): string {
  return `${count} ${count === 1 ? 'zone' : 'zones'}`;
}

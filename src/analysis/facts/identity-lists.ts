/**
 * What a list of values is about: timezones, country or language codes, TLDs, domains, names
 * (identity: they single out people by where they are or who they work for) or platforms, CI
 * vendors and defaults (capability checks every tool makes). The same `includes` is targeting
 * against `['Europe/Moscow', 'Europe/Minsk']` and plumbing against `['darwin', 'linux']`.
 *
 * A full table (every zone, every locale) is a lookup, not a hidden list: size separates them.
 */
import { countryOfCode, isCountryCodeTld, isCountryOrLanguageCode, isLanguageCode } from './iso-codes.js';
import type { SourceKind } from './sources.js';
import { countriesOfZone } from './zone-countries.js';

export const LIST_CATEGORIES = [
  'timezones',
  'countries-or-languages',
  'locales',
  'tlds',
  'domains',
  'addresses',
  'names',
  'platforms',
  'ci-vendors',
  'defaults',
  'first-party',
  'local',
] as const;
export type ListCategory = (typeof LIST_CATEGORIES)[number];

/** Categories that single out people by place, language, employer or name. */
const IDENTITY_CATEGORIES: ReadonlySet<ListCategory> = new Set([
  'timezones',
  'countries-or-languages',
  'locales',
  'tlds',
  'domains',
  'addresses',
  'names',
]);

/** How a reviewer reads the category in a message. */
export const LIST_CATEGORY_LABELS: Readonly<Record<ListCategory, string>> = Object.freeze({
  timezones: 'timezones',
  'countries-or-languages': 'country or language codes',
  locales: 'locales',
  tlds: 'top-level domains',
  domains: 'domains',
  addresses: 'network addresses',
  names: 'names',
  platforms: 'platform names',
  'ci-vendors': 'CI vendors',
  defaults: 'default values',
  'first-party': "the vendor's own host",
  local: 'local addresses',
});

/**
 * A list this long is a table of the whole world (moment-timezone's zones, a locale library's
 * translations), not a hidden selection: there are about 40 zones per continent at most in the
 * short lists seen in protestware, and hundreds in the full tables.
 */
export const FULL_TABLE_MIN_ENTRIES = 40;

export interface ListClass {
  category: ListCategory;
  /** True when the values single out people (and the list is not a full table). */
  identity: boolean;
  /** A full table of the category: a lookup, not targeting. */
  fullTable: boolean;
}

const TIMEZONE =
  /^(?:Africa|America|Antarctica|Arctic|Asia|Atlantic|Australia|Europe|Indian|Pacific|Etc|Brazil|Canada|Chile|Mexico|US)\/[A-Za-z0-9_+\-/]+$/;
const LEGACY_ZONES: ReadonlySet<string> = new Set(['W-SU', 'Israel', 'Iran', 'Turkey', 'PRC', 'ROC', 'ROK', 'Japan', 'Egypt', 'Cuba', 'Hongkong', 'Singapore', 'Eire', 'Poland', 'Portugal']);
/** `ru_RU.UTF-8`, `zh-Hant-TW`, `sr_RS@latin`: the subtags, then an optional charset and modifier. */
const LOCALE = /^([a-z]{2,3})((?:[-_][A-Za-z0-9]{2,8})+)(?:\.[\w-]+)?(?:@\w+)?$/i;
const TLD = /^\.([a-z]{2,24}|xn--[a-z0-9-]{1,59}|\p{L}{2,24})$/iu;
const DOMAIN = /^\.?(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+([a-z]{2,24})\.?$/i;
/**
 * Alone in a list, a bare word this short (`ask`, `zed`, `sdk`, `env`) or an identifier with an
 * underscore (`max_tokens`) is a keyword, a command or a key, not a person or a company.
 */
const KEYWORD = /^(?:[a-z]{1,5}|[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)+)$/;
/** Hashes, ids and keys in hex: never a name, however many letters they start with. */
const HEX_TOKEN = /^[0-9a-f]{16,}$/i;
/** `TAB_CLOSED`, `MAX_RETRIES`: constants, never anyone's name. */
const CONSTANT_CASE = /^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$/;

/**
 * TLDs that name a place or a kind of organisation without being a country code: internationalised
 * country codes (`.рф`, `.укр`, `.бел`, `.中国`, in Unicode and punycode), city and region TLDs,
 * and the government, military and university TLDs.
 */
const IDENTITY_TLDS: ReadonlySet<string> = new Set([
  'рф', 'xn--p1ai', 'рус', 'xn--p1acf', 'укр', 'xn--j1amh', 'бел', 'xn--90ais', 'срб', 'xn--90a3ac', 'қаз', 'xn--80ao21a',
  'москва', 'xn--80adxhks', '中国', 'xn--fiqs8s', '中國', 'xn--fiqz9s', '台灣', 'xn--kpry57d', '台湾', 'xn--kprw13d',
  '香港', 'xn--j6w193g', '한국', 'xn--3e0b707e', 'ایران', 'xn--mgba3a4f16a',
  'moscow', 'tatar', 'berlin', 'london', 'paris', 'tokyo', 'nyc', 'istanbul', 'amsterdam', 'kyoto',
  'gov', 'mil', 'edu', 'int',
]);

/**
 * Country codes that are also everyday file extensions: `.md` is Moldova and Markdown, `.sh`
 * Saint Helena and shell. Alone they say nothing about a place, so they count neither way.
 */
const EXTENSION_TLDS: ReadonlySet<string> = new Set([
  'ac', 'ai', 'am', 'ar', 'bz', 'cc', 'cl', 'cr', 'gn', 'gs', 'in', 'io', 'la', 'md', 'mk', 'ml', 'mm', 'mo', 'pl', 'pm',
  'ps', 'py', 'rs', 'sh', 'so', 'sv', 'tf',
]);

/** File extensions that are no TLD at all: `index.js` or `data.jsonl` is a file, not a host. */
const FILE_EXTENSIONS: ReadonlySet<string> = new Set([
  'js', 'mjs', 'cjs', 'jsx', 'ts', 'mts', 'cts', 'tsx', 'json', 'jsonl', 'json5', 'map', 'css', 'scss', 'less', 'html',
  'htm', 'txt', 'yml', 'yaml', 'toml', 'ini', 'cfg', 'conf', 'lock', 'log', 'xml', 'svg', 'png', 'jpg', 'jpeg', 'gif',
  'webp', 'ico', 'wasm', 'node', 'mdx', 'markdown', 'csv', 'tsv', 'env', 'vue', 'svelte', 'tgz', 'gz', 'tar', 'zip',
  'exe', 'dll', 'dylib', 'bin', 'dat', 'bak', 'tmp', 'swp', 'pem', 'key', 'crt', 'cjsx', 'coffee', 'hbs', 'ejs', 'pug',
]);
const IPV4 = /^\d{1,3}(?:\.\d{1,3}){1,3}\.?$/;
const MAC_PREFIX = /^[0-9a-f]{2}(?:[:-][0-9a-f]{2}){2,5}$/i;

const PLATFORMS: ReadonlySet<string> = new Set([
  'aix', 'android', 'darwin', 'freebsd', 'haiku', 'linux', 'openbsd', 'netbsd', 'sunos', 'win32', 'win64', 'windows',
  'cygwin', 'macos', 'mac', 'osx', 'ios', 'x64', 'x86', 'ia32', 'arm', 'arm64', 'ppc64', 's390x', 'wsl', 'msys',
]);

/** Names CI detection libraries compare `CI_NAME`, `TERM_PROGRAM`, vendor variables with. */
const CI_VENDORS: ReadonlySet<string> = new Set([
  'github', 'github_actions', 'githubactions', 'gitlab', 'gitlab_ci', 'travis', 'travis_ci', 'circleci', 'circle',
  'appveyor', 'azure', 'azure_pipelines', 'tf_build', 'bitbucket', 'buildkite', 'drone', 'codeship', 'jenkins',
  'teamcity', 'semaphore', 'netlify', 'vercel', 'now', 'heroku', 'codebuild', 'bitrise', 'buddy', 'cirrus',
  'woodpecker', 'sail', 'screwdriver', 'strider', 'taskcluster', 'hudson', 'bamboo', 'gocd', 'nevercode', 'render',
  'vscode', 'apple_terminal', 'iterm.app', 'hyper', 'wezterm', 'xterm', 'xterm-256color', 'dumb', 'truecolor', '24bit',
]);

/** Values a source is checked against to fall back to a default, not to pick out people. */
const DEFAULTS: ReadonlySet<string> = new Set([
  '', 'true', 'false', '1', '0', 'yes', 'no', 'on', 'off', 'null', 'undefined', 'c', 'posix', 'c.utf-8', 'c.utf8',
  'utc', 'gmt', 'etc/utc', 'etc/gmt', 'z', 'en', 'en-us', 'en_us', 'en_us.utf-8', 'en-gb', 'en_gb', 'http:', 'https:',
  'http', 'https', '*', '/', '.', 'root', 'production', 'development', 'test', 'staging', 'prod', 'dev', 'local',
  'default', 'none', 'auto',
]);

const LOCAL_HOSTS: ReadonlySet<string> = new Set(['localhost', '127.0.0.1', '::1', '0.0.0.0', '[::1]', 'localhost.localdomain']);

/** A web address's scheme: checked before `new URL`, which throws on the many values that are none. */
const WEB_SCHEME = /^(?:https?|wss?):\/\//i;

/**
 * The host of a web address (`https://api.acme.cn/v1` -> `api.acme.cn`), or null for any other
 * value. A list of base URLs compared with an endpoint setting is a list of hosts written long.
 */
function urlHost(value: string): string | null {
  if (!WEB_SCHEME.test(value)) return null;
  try {
    return new URL(value).hostname || null;
  } catch {
    return null;
  }
}

/** What a list entry names as a host: a web address's host, else the entry itself. */
export function hostOf(value: string): string {
  return urlHost(value) ?? value;
}

/** The category of one value, or null when it fits none (free text, numbers). */
export function valueCategory(value: string): ListCategory | null {
  const lower = value.toLowerCase();
  if (DEFAULTS.has(lower)) return 'defaults';
  const host = urlHost(value);
  if (host !== null) {
    // An address is only about its host: a domain, a local or a numeric address, or nothing known.
    const category = valueCategory(host);
    return category === 'domains' || category === 'local' || category === 'addresses' ? category : null;
  }
  if (LOCAL_HOSTS.has(lower) || lower.endsWith('.local') || lower.endsWith('.localhost')) return 'local';
  if (PLATFORMS.has(lower)) return 'platforms';
  if (CI_VENDORS.has(lower)) return 'ci-vendors';
  if (TIMEZONE.test(value) || LEGACY_ZONES.has(value)) return 'timezones';
  const zoneOwners = value.length > 3 ? countriesOfZone(value) : null;
  // `Universal`, `Zulu`, `Greenwich`: other names of UTC.
  if (zoneOwners !== null) return zoneOwners.length > 0 ? 'timezones' : 'defaults';
  const tld = TLD.exec(value);
  if (tld !== null) return isPlaceTld(tld[1] ?? '') ? 'tlds' : null;
  if (IPV4.test(value) || MAC_PREFIX.test(value)) return 'addresses';
  const domain = DOMAIN.exec(value);
  if (domain !== null && !FILE_EXTENSIONS.has((domain[1] ?? '').toLowerCase())) return 'domains';
  if (isLocale(value)) return 'locales';
  if (isCountryOrLanguageCode(value)) return 'countries-or-languages';
  if (domain === null && !CONSTANT_CASE.test(value) && !HEX_TOKEN.test(value) && /^[\p{L}][\p{L}\p{N} ._&'-]{1,63}$/u.test(value)) return 'names';
  return null;
}

/** A country-code TLD that is not also a file extension, or a TLD of a place or a kind of organisation. */
function isPlaceTld(label: string): boolean {
  const lower = label.toLowerCase();
  if (EXTENSION_TLDS.has(lower)) return false;
  return isCountryCodeTld(lower) || IDENTITY_TLDS.has(lower);
}

/** A real language subtag and a real region (`ru-RU`, `zh_CN`, `zh-Hant-TW`, `es-419`), not `max_tokens`. */
function isLocale(value: string): boolean {
  const match = LOCALE.exec(value);
  if (match === null) return false;
  if (!isLanguageCode(match[1] ?? '')) return false;
  const subtags = (match[2] ?? '').slice(1).split(/[-_]/);
  return subtags.some((subtag) => /^\d{3}$/.test(subtag) || (subtag.length === 2 && countryOfCode(subtag) !== null));
}

/**
 * The category of a list and whether comparing `sourceKind` with it is identity targeting,
 * decided by the values, never by the variable: the category with the most values wins (zones,
 * codes, locales and TLDs count together as "where the user is", identity before capability on
 * a tie), and it must hold at least half of the distinct values. A single short lower-case word
 * (`ask`, `env`) or identifier (`max_tokens`) is a keyword, not a name.
 */
export function classifyList(values: readonly string[], sourceKind: SourceKind): ListClass | null {
  const distinct = [...new Set(values)];
  if (distinct.length === 0) return null;
  const counts = new Map<ListCategory, number>();
  for (const value of distinct) {
    const category = valueCategory(value);
    if (category !== null) counts.set(category, (counts.get(category) ?? 0) + 1);
  }
  const support = (category: ListCategory): number =>
    PLACE_CATEGORIES.has(category)
      ? [...PLACE_CATEGORIES].reduce((sum, place) => sum + (counts.get(place) ?? 0), 0)
      : (counts.get(category) ?? 0);
  let category: ListCategory | null = null;
  for (const [candidate, count] of counts) {
    if (category === null) {
      category = candidate;
      continue;
    }
    const bySupport = support(candidate) - support(category);
    const byCount = count - (counts.get(category) ?? 0);
    const byPrecedence = precedence(category) - precedence(candidate);
    if (bySupport > 0 || (bySupport === 0 && (byPrecedence > 0 || (byPrecedence === 0 && byCount > 0)))) category = candidate;
  }
  if (category === null) return null;
  // A list is of a kind only when most of its values are: one code among free text is free text.
  if (support(category) * 2 < distinct.length) return null;
  // Names compared with a timezone or a proxy are noise words, not identities.
  if (category === 'names' && !NAME_SOURCES.has(sourceKind)) return { category: 'defaults', identity: false, fullTable: false };
  const [only] = distinct;
  if (category === 'names' && distinct.length === 1 && only !== undefined && KEYWORD.test(only)) {
    return { category, identity: false, fullTable: false };
  }
  if (category === 'domains' && isFirstParty(distinct, sourceKind)) {
    return { category: 'first-party', identity: false, fullTable: false };
  }
  const fullTable = distinct.length >= FULL_TABLE_MIN_ENTRIES;
  return { category, identity: IDENTITY_CATEGORIES.has(category) && !fullTable, fullTable };
}

/** Sources a list of plain names can single someone out by: hosts, users, git identities, endpoints. */
// Not `ci`: `GITHUB_EVENT_NAME === 'pull_request'` is how every action reads its trigger.
// Not `endpoint`: a base-URL or host setting compared with a bare word (`staging`, `production`)
// is a configuration switch; endpoint targeting compares domains, which are classified as such.
const NAME_SOURCES: ReadonlySet<SourceKind> = new Set(['hostname', 'user', 'git-identity', 'network']);

/** Where the user is, by zone, language, locale or TLD: mixed lists of these are one kind. */
const PLACE_CATEGORIES: ReadonlySet<ListCategory> = new Set(['timezones', 'countries-or-languages', 'locales', 'tlds']);

/** Identity categories first: a mixed list with one timezone among defaults still targets. */
function precedence(category: ListCategory): number {
  return IDENTITY_CATEGORIES.has(category) ? 0 : 1;
}

/**
 * A vendor SDK asking whether its configured base URL is its own host: at most three domains
 * under one registrable name (`api.vendor.com`, `https://eu.vendor.com/v1`), local addresses aside,
 * compared with an endpoint.
 */
const MAX_FIRST_PARTY_HOSTS = 3;

function isFirstParty(values: readonly string[], sourceKind: SourceKind): boolean {
  if (sourceKind !== 'endpoint' && sourceKind !== 'hostname' && sourceKind !== 'proxy') return false;
  // A local address beside the vendor's hosts is the developer's own machine, nobody's employer.
  const remote = values.filter((value) => valueCategory(value) !== 'local');
  if (remote.length > MAX_FIRST_PARTY_HOSTS) return false;
  const bases = new Set(remote.map((value) => registrableName(hostOf(value))));
  return bases.size === 1;
}

/**
 * Second-level labels under which country registries sell names (`acme.co.uk`, `acme.com.cn`):
 * enough of the public suffix list to group hosts by company without shipping it.
 */
const SECOND_LEVEL_SUFFIXES: ReadonlySet<string> = new Set(['co', 'com', 'net', 'org', 'gov', 'edu', 'ac', 'or', 'ne', 'go', 'gob', 'gouv', 'mil', 'nic', 'ltd', 'plc']);

/** The registrable part of a host name (`acme.com`, `acme.co.uk`): good enough for grouping hosts by owner. */
export function registrableName(host: string): string {
  const labels = host.replace(/^\.|\.$/g, '').toLowerCase().split('.');
  const last = labels[labels.length - 1] ?? '';
  const second = labels[labels.length - 2] ?? '';
  const take = last.length === 2 && SECOND_LEVEL_SUFFIXES.has(second) && labels.length > 2 ? 3 : 2;
  return labels.slice(-take).join('.');
}

/**
 * What a list of values is about: timezones, country or language codes, TLDs, domains, names
 * (identity: they single out people by where they are or who they work for) or platforms, CI
 * vendors and defaults (capability checks every tool makes). The same `includes` is targeting
 * against `['Europe/Moscow', 'Europe/Minsk']` and plumbing against `['darwin', 'linux']`.
 *
 * A full table (every zone, every locale) is a lookup, not a hidden list: size separates them.
 */
import type { SourceKind } from './sources.js';

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
const TWO_LETTERS = /^[A-Za-z]{2,3}$/;
const LOCALE = /^[a-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})+(?:\.[\w-]+)?(?:@\w+)?$/i;
const TLD = /^\.[a-z]{2,24}$/i;
const DOMAIN = /^\.?(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,24}\.?$/i;
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

/** The category of one value, or null when it fits none (free text, numbers). */
export function valueCategory(value: string): ListCategory | null {
  const lower = value.toLowerCase();
  if (DEFAULTS.has(lower)) return 'defaults';
  if (LOCAL_HOSTS.has(lower) || lower.endsWith('.local') || lower.endsWith('.localhost')) return 'local';
  if (PLATFORMS.has(lower)) return 'platforms';
  if (CI_VENDORS.has(lower)) return 'ci-vendors';
  if (TIMEZONE.test(value) || LEGACY_ZONES.has(value)) return 'timezones';
  if (TLD.test(value)) return 'tlds';
  if (IPV4.test(value) || MAC_PREFIX.test(value)) return 'addresses';
  if (DOMAIN.test(value)) return 'domains';
  if (LOCALE.test(value)) return 'locales';
  if (TWO_LETTERS.test(value)) return 'countries-or-languages';
  if (/^[\p{L}][\p{L}\p{N} ._&'-]{1,63}$/u.test(value)) return 'names';
  return null;
}

/**
 * The category of a list and whether comparing `sourceKind` with it is identity targeting. The
 * majority category wins; timezones and locales count together as "where the user is".
 */
export function classifyList(values: readonly string[], sourceKind: SourceKind): ListClass | null {
  const distinct = [...new Set(values)];
  if (distinct.length === 0) return null;
  const counts = new Map<ListCategory, number>();
  for (const value of distinct) {
    const category = valueCategory(value);
    if (category !== null) counts.set(category, (counts.get(category) ?? 0) + 1);
  }
  let category: ListCategory | null = null;
  let best = 0;
  for (const [candidate, count] of counts) {
    if (count > best || (count === best && category !== null && precedence(candidate) < precedence(category))) {
      category = candidate;
      best = count;
    }
  }
  if (category === null) return null;
  // Names compared with a timezone or a proxy are noise words, not identities.
  if (category === 'names' && !NAME_SOURCES.has(sourceKind)) return { category: 'defaults', identity: false, fullTable: false };
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

/** Identity categories first: a mixed list with one timezone among defaults still targets. */
function precedence(category: ListCategory): number {
  return IDENTITY_CATEGORIES.has(category) ? 0 : 1;
}

/**
 * A vendor SDK asking whether its configured base URL is its own host: at most three domains
 * under one registrable name (`api.vendor.com`, `eu.vendor.com`), compared with an endpoint.
 */
const MAX_FIRST_PARTY_HOSTS = 3;

function isFirstParty(values: readonly string[], sourceKind: SourceKind): boolean {
  if (sourceKind !== 'endpoint' && sourceKind !== 'hostname' && sourceKind !== 'proxy') return false;
  if (values.length > MAX_FIRST_PARTY_HOSTS) return false;
  const bases = new Set(values.map(registrableName));
  return bases.size === 1;
}

/** The last two labels of a host name: a good-enough registrable name for grouping. */
function registrableName(host: string): string {
  const labels = host.replace(/^\.|\.$/g, '').toLowerCase().split('.');
  return labels.slice(-2).join('.');
}

/**
 * The catalogue of fingerprint reads, as data: which environment variables, module members,
 * browser globals and string literals reveal who or where the code runs. Detectors ask this
 * table; they never hard-code a name. Paths are canonical (see `scope.ts`): `os.hostname` for
 * `require('node:os').hostname`, `process.env` for `globalThis.process.env`, `navigator.language`
 * for `window.navigator.language`.
 */

export const SOURCE_KINDS = [
  'timezone',
  'locale',
  'proxy',
  'endpoint',
  'hostname',
  'user',
  'network',
  'machine-id',
  'ci',
  'git-identity',
  'cloud-metadata',
  'public-ip',
] as const;
export type SourceKind = (typeof SOURCE_KINDS)[number];

/** How a finding names what was read: "Reads the timezone (...)". */
export const SOURCE_KIND_LABELS: Readonly<Record<SourceKind, string>> = Object.freeze({
  timezone: 'the timezone',
  locale: 'the locale',
  proxy: 'the proxy settings',
  endpoint: 'a service endpoint setting',
  hostname: 'the host name',
  user: 'the user identity',
  network: 'the network configuration',
  'machine-id': 'the machine id',
  ci: 'the CI identity',
  'git-identity': 'the git identity',
  'cloud-metadata': 'the cloud metadata service',
  'public-ip': 'the public IP address',
});

export interface SourceMatch {
  readonly kind: SourceKind;
  /** The read as a reviewer recognises it, e.g. `os.hostname()`; part of a finding's identity. */
  readonly what: string;
}

/**
 * Environment variables, matched upper-cased: Windows reads the environment case-insensitively
 * and proxies are commonly set lower-case (`https_proxy`), so case is no way around the table.
 */
export const ENV_EXACT: Readonly<Record<string, SourceKind>> = Object.freeze({
  TZ: 'timezone',
  LANG: 'locale',
  LANGUAGE: 'locale',
  LC_ALL: 'locale',
  HTTP_PROXY: 'proxy',
  HTTPS_PROXY: 'proxy',
  ALL_PROXY: 'proxy',
  NO_PROXY: 'proxy',
  NPM_CONFIG_PROXY: 'proxy',
  NPM_CONFIG_HTTPS_PROXY: 'proxy',
  NPM_CONFIG_NOPROXY: 'proxy',
  NPM_CONFIG_REGISTRY: 'endpoint',
  HOSTNAME: 'hostname',
  COMPUTERNAME: 'hostname',
  USER: 'user',
  USERNAME: 'user',
  USERDOMAIN: 'user',
  LOGNAME: 'user',
  // The same as os.homedir(), which the catalogue lists: a home path carries the user name.
  HOME: 'user',
  USERPROFILE: 'user',
  CI: 'ci',
  CONTINUOUS_INTEGRATION: 'ci',
  BUILD_NUMBER: 'ci',
  GITLAB_CI: 'ci',
  CIRCLECI: 'ci',
  TRAVIS: 'ci',
  BUILDKITE: 'ci',
  JENKINS_URL: 'ci',
  TF_BUILD: 'ci',
  // GitHub Actions' default variables (the runner sets these): which repository, run, actor.
  // Not every GITHUB_* name: GITHUB_TOKEN is a credential a tool sends as its login, and
  // GITHUB_COPILOT_INTEGRATION_ID a vendor's client id; neither says who or where the user is.
  ...Object.fromEntries(
    [
      'ACTIONS', 'ACTION', 'ACTION_PATH', 'ACTION_REPOSITORY', 'ACTOR', 'ACTOR_ID', 'API_URL', 'BASE_REF', 'ENV',
      'EVENT_NAME', 'EVENT_PATH', 'GRAPHQL_URL', 'HEAD_REF', 'JOB', 'OUTPUT', 'PATH', 'REF', 'REF_NAME',
      'REF_PROTECTED', 'REF_TYPE', 'REPOSITORY', 'REPOSITORY_ID', 'REPOSITORY_OWNER', 'REPOSITORY_OWNER_ID',
      'RETENTION_DAYS', 'RUN_ATTEMPT', 'RUN_ID', 'RUN_NUMBER', 'SERVER_URL', 'SHA', 'STEP_SUMMARY',
      'TRIGGERING_ACTOR', 'WORKFLOW', 'WORKFLOW_REF', 'WORKFLOW_SHA', 'WORKSPACE',
    ].map((name) => [`GITHUB_${name}`, 'ci' as const]),
  ),
  GIT_AUTHOR_NAME: 'git-identity',
  GIT_AUTHOR_EMAIL: 'git-identity',
  GIT_COMMITTER_NAME: 'git-identity',
  GIT_COMMITTER_EMAIL: 'git-identity',
});

/** Checked in order after the exact names (`GITHUB_API_URL` is CI by name, before the endpoint suffixes). */
export const ENV_PREFIXES: readonly (readonly [prefix: string, kind: SourceKind])[] = Object.freeze([
  ['LC_', 'locale'],
  ['RUNNER_', 'ci'],
] as const);

export const ENV_SUFFIXES: readonly (readonly [suffix: string, kind: SourceKind])[] = Object.freeze([
  ['_BASE_URL', 'endpoint'],
  ['_API_URL', 'endpoint'],
  ['_ENDPOINT', 'endpoint'],
  ['_HOST', 'endpoint'],
] as const);

/** Longer names are not environment variables anyone sets; skipping them bounds the work. */
const MAX_ENV_NAME_LENGTH = 100;

/** The kind of an environment variable read, or null when the name is not a fingerprint. */
/**
 * Every member name of a bundle is asked about, most of them thousands of times (`length`,
 * `call`): answers are remembered, up to a bound so a hostile file cannot grow the table forever.
 */
const ENV_KIND_MEMO = new Map<string, SourceKind | null>();
const MAX_ENV_KIND_MEMO = 50_000;

export function envSourceKind(name: string): SourceKind | null {
  const memo = ENV_KIND_MEMO.get(name);
  if (memo !== undefined) return memo;
  const kind = classifyEnvName(name);
  if (ENV_KIND_MEMO.size >= MAX_ENV_KIND_MEMO) ENV_KIND_MEMO.clear();
  ENV_KIND_MEMO.set(name, kind);
  return kind;
}

function classifyEnvName(name: string): SourceKind | null {
  if (name.length === 0 || name.length > MAX_ENV_NAME_LENGTH) return null;
  const upper = name.toUpperCase();
  const exact = own(ENV_EXACT, upper);
  if (exact !== undefined) return exact;
  for (const [prefix, kind] of ENV_PREFIXES) if (upper.startsWith(prefix)) return kind;
  for (const [suffix, kind] of ENV_SUFFIXES) {
    if (upper.length > suffix.length && upper.endsWith(suffix)) return kind;
  }
  return null;
}

/**
 * Members whose read (call or reference) is the fingerprint, keyed by canonical path. Reading the
 * function reference counts: `const h = os.hostname; h()` is the same read.
 */
export const MEMBER_SOURCES: Readonly<Record<string, SourceMatch>> = Object.freeze({
  'os.hostname': { kind: 'hostname', what: 'os.hostname()' },
  'os.userInfo': { kind: 'user', what: 'os.userInfo()' },
  'os.homedir': { kind: 'user', what: 'os.homedir()' },
  'os.networkInterfaces': { kind: 'network', what: 'os.networkInterfaces()' },
  'dns.getServers': { kind: 'network', what: 'dns.getServers()' },
  'dns.promises.getServers': { kind: 'network', what: 'dns.getServers()' },
  'navigator.language': { kind: 'locale', what: 'navigator.language' },
  'navigator.languages': { kind: 'locale', what: 'navigator.languages' },
  'navigator.userLanguage': { kind: 'locale', what: 'navigator.language' },
  'navigator.browserLanguage': { kind: 'locale', what: 'navigator.language' },
  'location.host': { kind: 'hostname', what: 'location.host' },
  'location.hostname': { kind: 'hostname', what: 'location.hostname' },
  'location.origin': { kind: 'hostname', what: 'location.origin' },
  'document.location.host': { kind: 'hostname', what: 'location.host' },
  'document.location.hostname': { kind: 'hostname', what: 'location.hostname' },
  'document.location.origin': { kind: 'hostname', what: 'location.origin' },
  'document.domain': { kind: 'hostname', what: 'document.domain' },
});

/**
 * Reads of a web page's own origin (their `what` above): the browser sends it with every request
 * (Origin, Referer), so a page's code sending it on tells the server nothing new.
 */
export const PAGE_ORIGIN_READS: ReadonlySet<string> = new Set(['location.host', 'location.hostname', 'location.origin', 'document.domain']);

/** The source a canonical member path (`os.hostname`) reads, or null. */
export function memberSource(path: readonly string[]): SourceMatch | null {
  return own(MEMBER_SOURCES, path.join('.')) ?? null;
}

/** Last path segments of `MEMBER_SOURCES`: a cheap test before any name is resolved. */
export const MEMBER_SOURCE_NAMES: ReadonlySet<string> = new Set(
  Object.keys(MEMBER_SOURCES).map((path) => path.slice(path.lastIndexOf('.') + 1)),
);

/**
 * For names without `_`: which lengths the catalogue's names have, by lower-cased first letter
 * (bit n set: some name of length n). Every member access of a bundle asks whether its name
 * could be a source; this answers most of them (`length`, `push`, `call`) without hashing.
 */
const PLAIN_NAME_LENGTHS = new Uint32Array(128);
for (const name of [...Object.keys(ENV_EXACT), ...MEMBER_SOURCE_NAMES]) {
  if (name.includes('_') || name.length > 31) continue;
  const first = name.toLowerCase().charCodeAt(0);
  PLAIN_NAME_LENGTHS[first] = (PLAIN_NAME_LENGTHS[first] ?? 0) | (1 << name.length);
}

/**
 * False when `name` can be neither an environment variable of the catalogue nor a catalogued
 * member (any case: environment names are matched upper-cased). True means "look it up".
 */
export function mayNameSource(name: string): boolean {
  const length = name.length;
  if (length === 0) return false;
  if (length > 31 || name.includes('_')) return true;
  const code = name.charCodeAt(0);
  if (code >= 128) return true;
  // (Upper-casing can lengthen a name, `ß` to `SS`, but no environment lookup folds case that way.)
  return ((PLAIN_NAME_LENGTHS[code | 0x20] ?? 0) & (1 << length)) !== 0;
}

/** Whether a member name is an environment variable or a member the catalogue lists: the cheap test before any resolving. */
export function isSourceName(name: string): boolean {
  return mayNameSource(name) && (envSourceKind(name) !== null || MEMBER_SOURCE_NAMES.has(name));
}

/**
 * `Intl.<Constructor>().resolvedOptions()`: DateTimeFormat carries the timezone; every Intl
 * formatter carries the locale.
 */
export const INTL_CONSTRUCTORS: ReadonlySet<string> = new Set([
  'DateTimeFormat',
  'NumberFormat',
  'Collator',
  'PluralRules',
  'RelativeTimeFormat',
  'ListFormat',
  'DisplayNames',
  'Segmenter',
  'Locale',
]);

export const INTL_RESOLVED_OPTIONS: Readonly<Record<string, SourceKind>> = Object.freeze({
  timeZone: 'timezone',
  locale: 'locale',
});

/** Methods whose call reads a fingerprint on whatever object they are called on. */
export const METHOD_SOURCES: Readonly<Record<string, SourceMatch>> = Object.freeze({
  getTimezoneOffset: { kind: 'timezone', what: 'new Date().getTimezoneOffset()' },
});

/** The kind `Intl.X().resolvedOptions().<name>` reads, or null. */
export function intlOptionKind(name: string): SourceKind | null {
  return own(INTL_RESOLVED_OPTIONS, name) ?? null;
}

/** Lengths of `METHOD_SOURCES` names: every method call of a file asks, most fail this first. */
const METHOD_NAME_LENGTHS: ReadonlySet<number> = new Set(Object.keys(METHOD_SOURCES).map((name) => name.length));

/** The source a call of method `name` reads on any object, or null. */
export function methodSource(name: string): SourceMatch | null {
  // A property lookup by a name read from the code first interns the string: not worth it for
  // the many names of the wrong length.
  if (!METHOD_NAME_LENGTHS.has(name.length)) return null;
  return own(METHOD_SOURCES, name) ?? null;
}

/** Tables are plain objects: `constructor` or `__proto__` from code must not hit Object.prototype. */
function own<V>(table: Readonly<Record<string, V>>, key: string): V | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}

export interface StringSource extends SourceMatch {
  readonly pattern: RegExp;
}

/** String literals that only make sense when reading a machine or its surroundings. */
export const STRING_SOURCES: readonly StringSource[] = Object.freeze([
  { pattern: /\/etc\/machine-id/, kind: 'machine-id', what: '/etc/machine-id' },
  { pattern: /\/var\/lib\/dbus\/machine-id/, kind: 'machine-id', what: '/var/lib/dbus/machine-id' },
  { pattern: /\/sys\/class\/dmi\/id\/product_uuid/, kind: 'machine-id', what: '/sys/class/dmi/id/product_uuid' },
  { pattern: /MachineGuid/i, kind: 'machine-id', what: 'MachineGuid' },
  { pattern: /IOPlatformUUID/i, kind: 'machine-id', what: 'IOPlatformUUID' },
  { pattern: /169\.254\.169\.254/, kind: 'cloud-metadata', what: '169.254.169.254' },
  { pattern: /169\.254\.170\.2\b/, kind: 'cloud-metadata', what: '169.254.170.2' },
  { pattern: /metadata\.google\.internal/i, kind: 'cloud-metadata', what: 'metadata.google.internal' },
  { pattern: /100\.100\.100\.200/, kind: 'cloud-metadata', what: '100.100.100.200' },
  { pattern: /\/etc\/resolv\.conf/, kind: 'network', what: '/etc/resolv.conf' },
  { pattern: /\bgit\s+config\b[^\n]*?\buser\.email\b/, kind: 'git-identity', what: 'git config user.email' },
  { pattern: /\bgit\s+config\b[^\n]*?\buser\.name\b/, kind: 'git-identity', what: 'git config user.name' },
  { pattern: /\bipify\.org\b/i, kind: 'public-ip', what: 'ipify.org' },
  { pattern: /\bifconfig\.me\b/i, kind: 'public-ip', what: 'ifconfig.me' },
  { pattern: /\bicanhazip\.com\b/i, kind: 'public-ip', what: 'icanhazip.com' },
  { pattern: /\bipinfo\.io\b/i, kind: 'public-ip', what: 'ipinfo.io' },
  { pattern: /\bcheckip\.amazonaws\.com\b/i, kind: 'public-ip', what: 'checkip.amazonaws.com' },
  { pattern: /\bip-api\.com\b/i, kind: 'public-ip', what: 'ip-api.com' },
  { pattern: /\bipecho\.net\b/i, kind: 'public-ip', what: 'ipecho.net' },
] as const);

/** One pass that rejects almost every literal before the table is consulted entry by entry. */
const STRING_PREFILTER =
  /machine-id|product_uuid|machineguid|ioplatformuuid|169\.254\.|metadata\.google|100\.100\.100\.200|resolv\.conf|user\.(?:email|name)|ipify|ifconfig\.me|icanhazip|ipinfo\.io|checkip\.amazonaws|ip-api\.com|ipecho\.net/i;

const NO_MATCHES: readonly SourceMatch[] = Object.freeze([]);

/** Every catalogue entry a string literal matches (a shell one-liner can read several). */
export function stringSources(value: string): readonly SourceMatch[] {
  // The walk asks once per literal (the rule reads the flow's notes), so nothing is remembered.
  if (value.length < 7 || !STRING_PREFILTER.test(value)) return NO_MATCHES;
  return Object.freeze(
    STRING_SOURCES.filter((entry) => entry.pattern.test(value)).map((entry) => ({ kind: entry.kind, what: entry.what })),
  );
}

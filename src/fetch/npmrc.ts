/**
 * Reads the registry settings npm would use from `.npmrc` files, as the plain option keys
 * npm-registry-fetch looks up itself (`registry`, `@scope:registry`, `//host/path/:_authToken`).
 * Only registry and auth keys are kept: the rest of an `.npmrc` (scripts, proxies, prefixes) is
 * none of a fetcher's business. Tokens never leave this module except inside the config itself:
 * logs and errors go through `describeRegistries`, `redactNpmrc` and `scrubSecrets`.
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { ConfigError, errorMessage } from '../errors.js';

/** Option keys and values as npm-registry-fetch reads them; booleans for `true`/`false`. */
export type NpmrcConfig = Readonly<Record<string, string | boolean>>;

export const NPMRC_FILE = '.npmrc';

/** Per-registry keys, written `//host/path/:<key>`. */
const REGISTRY_SCOPED_KEYS = ['_authToken', '_auth', 'username', '_password', 'certfile', 'keyfile', 'always-auth'] as const;
/** Unscoped auth keys npm 9+ refuses; kept by scoping them to the default registry, as `npm config fix` does. */
const LEGACY_AUTH_KEYS = ['_authToken', '_auth', 'username', '_password'] as const;
const SECRET_KEY = /(?:^|:)(?:_authToken|_auth|_password)$/;
const KEPT_KEY = new RegExp(
  `^(?:registry|always-auth|${LEGACY_AUTH_KEYS.join('|')}|@[^:/\\s]+:registry|//[^\\s]+:(?:${REGISTRY_SCOPED_KEYS.join('|')}))$`,
);
const SCOPE_REGISTRY_KEY = /^@[^:/\s]+:registry$/;
/**
 * `${NAME}` expands to the variable, `${NAME?}` to it or nothing, and an unset `${NAME}` stays as
 * written, as in npm. Backslashes before it pair up: an odd count escapes the reference.
 */
const ENV_REFERENCE = /(?<!\\)(\\*)\$\{([^${}?]+)(\?)?\}/g;
/** Shortest secret scrubbed from text: shorter values would blank out ordinary words. */
const MIN_SCRUBBED_SECRET = 4;
const REDACTED = '(redacted)';

/**
 * The project's `.npmrc` over the user's (`NPM_CONFIG_USERCONFIG` or `homeDir/.npmrc`), with
 * `npm_config_registry` from `env` over both: npm's own precedence. A missing file is no error;
 * an unreadable one or a registry that is not an http(s) URL is a ConfigError naming the file.
 * For the CLI, whose user trusts the directory it runs in; the action reads the project's file
 * from the base commit instead (`npmrcFromBase`).
 */
export function readNpmrc(
  projectDir: string,
  env: Record<string, string | undefined>,
  homeDir?: string,
): NpmrcConfig {
  const projectFile = join(projectDir, NPMRC_FILE);
  const userFile = userNpmrcFile(env, homeDir);
  const user = userFile !== undefined && userFile !== projectFile ? readNpmrcFile(userFile, env) : {};
  return layerNpmrc(user, readNpmrcFile(projectFile, env), env);
}

export interface BaseNpmrcOptions {
  /** The project `.npmrc` as the base commit holds it; null when the base has none. */
  baseText: string | null;
  /** Names the base file in errors, e.g. `.npmrc (base 1a2b3c4)`. */
  baseLabel: string;
  env: Record<string, string | undefined>;
  homeDir?: string;
  /**
   * The checkout of the pull request (GITHUB_WORKSPACE): a user config inside it is the pull
   * request's own file, so it is not read.
   */
  untrustedDir: string;
}

/**
 * The settings the action fetches with: the base commit's project `.npmrc` over the runner's
 * user config, `npm_config_registry` over both. Nothing is read from the pull request's checkout:
 * what a pull request changes is under review, so it cannot choose where the gate sends the
 * repository's tokens. `notes` says what was left out and why.
 */
export function npmrcFromBase(options: BaseNpmrcOptions): { config: NpmrcConfig; notes: string[] } {
  const { env } = options;
  const notes: string[] = [];
  const userFile = userNpmrcFile(env, options.homeDir);
  let user: Record<string, string | boolean> = {};
  if (userFile !== undefined) {
    if (isInside(userFile, options.untrustedDir)) {
      notes.push(
        `The npm user config ${userFile} lies inside the pull request's checkout, so it was not read: registries and tokens come from the base commit's ${NPMRC_FILE} and the runner's own config.`,
      );
    } else {
      user = readNpmrcFile(userFile, env);
    }
  }
  const project = options.baseText === null ? {} : parseNpmrc(options.baseText, env, options.baseLabel);
  return { config: layerNpmrc(user, project, env), notes };
}

function userNpmrcFile(env: Record<string, string | undefined>, homeDir: string | undefined): string | undefined {
  const home = homeDir ?? env.HOME ?? env.USERPROFILE;
  return envValue(env, 'userconfig') ?? (home === undefined ? undefined : join(home, NPMRC_FILE));
}

function isInside(file: string, dir: string): boolean {
  const relation = relative(resolve(dir), resolve(file));
  return relation === '' || (!relation.startsWith('..') && !isAbsolute(relation));
}

function layerNpmrc(
  user: Record<string, string | boolean>,
  project: Record<string, string | boolean>,
  env: Record<string, string | undefined>,
): NpmrcConfig {
  const merged: Record<string, string | boolean> = { ...user, ...project };
  const envRegistry = envValue(env, 'registry');
  if (envRegistry !== undefined && envRegistry !== '') {
    merged.registry = normaliseRegistry(envRegistry, 'the npm_config_registry environment variable');
  }
  scopeLegacyAuth(merged);
  return Object.freeze(merged);
}

/** One registry or auth setting a pull request's `.npmrc` adds, changes or removes. */
export interface NpmrcSettingChange {
  key: string;
  change: 'adds' | 'changes' | 'removes';
  /** The value as the head writes it, for registry URLs only (userinfo masked); never a credential. */
  value?: string;
}

/**
 * The registry and auth settings the head's `.npmrc` sets differently from the base's, compared
 * as written (no `${VAR}` expanded, so no secret is ever in the result). A head file npm itself
 * could not read is reported as one change of the file as a whole (`key` is the file name).
 */
export function npmrcSettingChanges(baseText: string | null, headText: string | null): NpmrcSettingChange[] {
  if (baseText === headText) return [];
  const base = baseText === null ? {} : parseNpmrcLeniently(baseText);
  let head: Record<string, string | boolean>;
  try {
    head = headText === null ? {} : parseNpmrc(headText, {}, NPMRC_FILE);
  } catch {
    return [{ key: NPMRC_FILE, change: 'changes' }];
  }
  const changes: NpmrcSettingChange[] = [];
  const shown = (key: string, value: string | boolean): Pick<NpmrcSettingChange, 'value'> =>
    typeof value === 'string' && (key === 'registry' || SCOPE_REGISTRY_KEY.test(key)) ? { value: redactUrl(value) } : {};
  for (const [key, value] of Object.entries(head)) {
    if (!(key in base)) changes.push({ key, change: 'adds', ...shown(key, value) });
    else if (base[key] !== value) changes.push({ key, change: 'changes', ...shown(key, value) });
  }
  for (const key of Object.keys(base)) if (!(key in head)) changes.push({ key, change: 'removes' });
  const order = { adds: 0, changes: 1, removes: 2 } as const;
  return changes.sort((a, b) => order[a.change] - order[b.change] || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** The base file was already read strictly; here it is only compared, so a bad line counts as absent. */
function parseNpmrcLeniently(text: string): Record<string, string | boolean> {
  try {
    return parseNpmrc(text, {}, NPMRC_FILE);
  } catch {
    return {};
  }
}

function envValue(env: Record<string, string | undefined>, key: string): string | undefined {
  const wanted = `npm_config_${key}`;
  const exact = env[wanted];
  if (exact !== undefined) return exact;
  const name = Object.keys(env).find((candidate) => candidate.toLowerCase() === wanted);
  return name === undefined ? undefined : env[name];
}

function readNpmrcFile(file: string, env: Record<string, string | undefined>): Record<string, string | boolean> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if (typeof error === 'object' && error !== null && 'code' in error && error.code === 'ENOENT') return {};
    throw new ConfigError(`${file}: cannot read the npm config file (${errorMessage(error)})`, { cause: error });
  }
  return parseNpmrc(text, env, file);
}

/** Parses one `.npmrc` text (ini: `key=value`, `;`/`#` comments, optional quotes). `file` names it in errors. */
export function parseNpmrc(
  text: string,
  env: Record<string, string | undefined>,
  file: string,
): Record<string, string | boolean> {
  const config: Record<string, string | boolean> = {};
  let inSection = false;
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    // npm nests keys under `[section]` headers into objects it then ignores.
    if (/^\[.*\]$/.test(line)) {
      inSection = true;
      continue;
    }
    if (inSection) continue;
    const equals = line.indexOf('=');
    const rawKey = equals === -1 ? line : line.slice(0, equals);
    const key = expandEnv(unquote(rawKey.trim()), env);
    if (!KEPT_KEY.test(key)) continue;
    const value = equals === -1 ? 'true' : expandEnv(unquote(line.slice(equals + 1).trim()), env);
    if (key === 'registry' || SCOPE_REGISTRY_KEY.test(key)) {
      config[key] = normaliseRegistry(value, file);
    } else if (value === 'true' || value === 'false') {
      config[key] = value === 'true';
    } else {
      config[key] = value;
    }
  }
  return config;
}

/** ini value rules as npm's `ini` applies them: quoted values are taken whole, else an unescaped `;` or `#` starts a comment. */
function unquote(value: string): string {
  if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) {
    try {
      const parsed: unknown = JSON.parse(value);
      if (typeof parsed === 'string') return parsed;
    } catch {
      return value.slice(1, -1);
    }
  }
  if (value.length >= 2 && value.startsWith("'") && value.endsWith("'")) return value.slice(1, -1);
  let out = '';
  let escaping = false;
  for (const char of value) {
    if (escaping) {
      out += char === ';' || char === '#' || char === '\\' ? char : `\\${char}`;
      escaping = false;
    } else if (char === '\\') {
      escaping = true;
    } else if (char === ';' || char === '#') {
      break;
    } else {
      out += char;
    }
  }
  if (escaping) out += '\\';
  return out.trim();
}

function expandEnv(value: string, env: Record<string, string | undefined>): string {
  return value.replace(ENV_REFERENCE, (whole: string, slashes: string, name: string, optional: string | undefined) => {
    const kept = slashes.slice(0, Math.floor(slashes.length / 2));
    if (slashes.length % 2 === 1) return kept + whole.slice(slashes.length);
    const found = env[name];
    if (found !== undefined) return kept + found;
    return optional === undefined ? kept + whole.slice(slashes.length) : kept;
  });
}

/** Registry URLs end in `/`: npm-registry-fetch joins package names onto them. */
function normaliseRegistry(value: string, where: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(`${where}: the registry ${JSON.stringify(redactUrl(value))} is not a URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ConfigError(`${where}: the registry ${JSON.stringify(redactUrl(value))} is not an http(s) URL`);
  }
  return value.endsWith('/') ? value : `${value}/`;
}

/** The `//host[:port]/path/` key prefix npm stores a registry's auth under. */
export function registryAuthPrefix(registry: string): string {
  const url = new URL(registry);
  const path = url.pathname.endsWith('/') ? url.pathname : `${url.pathname}/`;
  return `//${url.host}${path}`;
}

function scopeLegacyAuth(config: Record<string, string | boolean>): void {
  const registry = config.registry;
  if (typeof registry !== 'string') return;
  const prefix = registryAuthPrefix(registry);
  for (const key of LEGACY_AUTH_KEYS) {
    const value = config[key];
    if (value === undefined) continue;
    delete config[key];
    config[`${prefix}:${key}`] ??= value;
  }
}

/** The registry npm would ask for `name`: its scope's, else the default (undefined: npm's own default). */
export function registryFor(config: NpmrcConfig, name: string): string | undefined {
  const scope = name.startsWith('@') ? name.slice(0, name.indexOf('/')) : undefined;
  const scoped = scope === undefined ? undefined : config[`${scope}:registry`];
  if (typeof scoped === 'string') return scoped;
  const registry = config.registry;
  return typeof registry === 'string' ? registry : undefined;
}

const AUTH_KINDS = ['token', 'basic auth', 'username and password', 'client certificate', 'no auth'] as const;
export type AuthKind = (typeof AUTH_KINDS)[number];

/** Which credential npm-registry-fetch would send to `registry`: the longest `//host/path` prefix with auth wins. */
export function authKindFor(config: NpmrcConfig, registry: string): AuthKind {
  let prefix = registryAuthPrefix(registry);
  while (prefix.length > '//'.length) {
    if (config[`${prefix}:_authToken`]) return 'token';
    if (config[`${prefix}:_auth`]) return 'basic auth';
    if (config[`${prefix}:username`] && config[`${prefix}:_password`]) return 'username and password';
    if (config[`${prefix}:certfile`] && config[`${prefix}:keyfile`]) return 'client certificate';
    prefix = prefix.replace(/(?:[^/]+|\/)$/, '');
  }
  return 'no auth';
}

/** One line for logs: each registry and the kind of credential it gets, never the credential. */
export function describeRegistries(config: NpmrcConfig): string {
  const describe = (registry: string): string => `${redactUrl(registry)} (${authKindFor(config, registry)})`;
  const registry = config.registry;
  const parts = [typeof registry === 'string' ? `registry ${describe(registry)}` : "npm's default registry"];
  for (const [key, value] of Object.entries(config).sort(([a], [b]) => a.localeCompare(b))) {
    if (SCOPE_REGISTRY_KEY.test(key) && typeof value === 'string') {
      parts.push(`${key.slice(0, -':registry'.length)} -> ${describe(value)}`);
    }
  }
  return parts.join(', ');
}

/** A copy fit for logs: secret values replaced, passwords in URLs masked. */
export function redactNpmrc(config: NpmrcConfig): Record<string, string | boolean> {
  const copy: Record<string, string | boolean> = {};
  for (const [key, value] of Object.entries(config)) {
    if (SECRET_KEY.test(key)) copy[key] = REDACTED;
    else copy[key] = typeof value === 'string' ? redactUrl(value) : value;
  }
  return copy;
}

/** Every secret the config holds, in the forms it could show up in text (as written, base64-decoded). */
export function npmrcSecrets(config: NpmrcConfig): string[] {
  const secrets = new Set<string>();
  for (const [key, value] of Object.entries(config)) {
    if (typeof value !== 'string') continue;
    if (SECRET_KEY.test(key)) secrets.add(value);
    // `_password` is stored base64-encoded and `_auth` is base64 of `user:password`.
    if (key.endsWith('_password')) secrets.add(Buffer.from(value, 'base64').toString('utf8'));
    if (key.endsWith('_auth')) {
      const decoded = Buffer.from(value, 'base64').toString('utf8');
      secrets.add(decoded.slice(decoded.indexOf(':') + 1));
    }
    const password = urlPassword(value);
    if (password !== undefined) {
      secrets.add(password);
      secrets.add(decodeURIComponent(password));
    }
  }
  return [...secrets].filter((secret) => secret.length >= MIN_SCRUBBED_SECRET);
}

/** Removes every secret of `config` and any URL password from `text` (an error message, a log line). */
export function scrubSecrets(text: string, config: NpmrcConfig): string {
  let scrubbed = redactUrl(text);
  for (const secret of npmrcSecrets(config).sort((a, b) => b.length - a.length)) {
    scrubbed = scrubbed.split(secret).join(REDACTED);
  }
  return scrubbed;
}

function urlPassword(value: string): string | undefined {
  const match = /\/\/[^/\s:@]*:([^/\s@]+)@/.exec(value);
  return match?.[1];
}

/** Masks the userinfo of every URL in `text`: `//user:secret@host` becomes `//user:(redacted)@host`. */
function redactUrl(text: string): string {
  return text.replace(/(\/\/[^/\s:@]*):[^/\s@]+@/g, `$1:${REDACTED}@`);
}

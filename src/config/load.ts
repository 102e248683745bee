/**
 * Builds the policy from its three layers: explicit inputs (action inputs or CLI flags) win over
 * the policy file, which wins over the schema defaults.
 */
import { existsSync, readFileSync } from 'node:fs';
import { LineCounter, isAlias, isMap, isScalar, isSeq, parseDocument, type Document, type Node } from 'yaml';
import { ConfigError, errorMessage } from '../errors.js';
import { isFailOn, FAIL_ON_LEVELS } from '../report/severity.js';
import { parseAllowSpec } from '../report/allow-list.js';
import {
  COMMENT_MODES,
  DEFAULT_POLICY,
  ON_UNSCANNED_MODES,
  POLICY_MODES,
  POLICY_SCHEMA,
  type AllowEntry,
  type CommentMode,
  type OnUnscanned,
  type Policy,
  type PolicyMode,
} from './schema.js';
import { describeValue, formatPath, validateAgainst, type SchemaPath } from './validate.js';

/** Explicit settings; an empty string or undefined means "not given". */
export interface PolicyInputs {
  failOn?: string;
  comment?: string;
  onUnscanned?: string;
  registry?: string;
  mode?: string;
}

/** A policy file is small by nature; a huge one is a mistake or an attack on the parser. */
export const MAX_POLICY_FILE_BYTES = 1_048_576;

function isOnUnscanned(value: unknown): value is OnUnscanned {
  return typeof value === 'string' && (ON_UNSCANNED_MODES as readonly string[]).includes(value);
}

function isCommentMode(value: unknown): value is CommentMode {
  return typeof value === 'string' && (COMMENT_MODES as readonly string[]).includes(value);
}

function isPolicyMode(value: unknown): value is PolicyMode {
  return typeof value === 'string' && (POLICY_MODES as readonly string[]).includes(value);
}

/** Reads the policy file; an absent file is an empty policy unless the user named it explicitly. */
export function loadPolicyFile(path: string, mustExist: boolean): Partial<Policy> {
  if (!existsSync(path)) {
    if (mustExist) throw new ConfigError(`${path}: policy file not found`);
    return {};
  }
  const text = readFileSync(path);
  if (text.length > MAX_POLICY_FILE_BYTES) {
    throw new ConfigError(`${path}: policy file is larger than ${MAX_POLICY_FILE_BYTES} bytes`);
  }
  return parsePolicyFile(text.toString('utf8'), path);
}

/**
 * The line of the key (or list entry) at `path`, found in the YAML tree the data came from. A path
 * through an alias or a merge has no line of its own: the nearest line above it is named instead.
 */
function lineOf(doc: Document, lines: LineCounter, path: SchemaPath): number | null {
  let current: unknown = doc.contents;
  let line: number | null = null;
  const lineAt = (node: unknown): number | null => {
    const range = (node as Partial<Node> | null)?.range;
    return Array.isArray(range) && typeof range[0] === 'number' ? lines.linePos(range[0]).line : null;
  };
  for (const segment of path) {
    if (isAlias(current)) current = current.resolve(doc);
    if (isMap(current)) {
      const pair = current.items.find((item) => isScalar(item.key) && String(item.key.value) === String(segment));
      if (pair === undefined) break;
      line = lineAt(pair.key) ?? line;
      current = pair.value;
    } else if (isSeq(current) && typeof segment === 'number') {
      current = current.items[segment];
      line = lineAt(current) ?? line;
    } else {
      break;
    }
  }
  return line ?? lineAt(doc.contents);
}

/**
 * Reads a policy file. The JSON Schema judges its shape and words every error; what a schema
 * cannot say (a semver range semver can read, a real calendar date, a URL without credentials)
 * is checked after it, with the same kind of message: file, line, key, value, what was expected.
 */
export function parsePolicyFile(text: string, file: string): Partial<Policy> {
  const lines = new LineCounter();
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true, lineCounter: lines });
  const firstError = doc.errors[0];
  if (firstError) {
    const where = firstError.linePos?.[0];
    const at = where ? `:${where.line}:${where.col}` : '';
    throw new ConfigError(`${file}${at}: invalid YAML: ${firstError.message.split('\n')[0]}`, {
      cause: firstError,
    });
  }
  let data: unknown;
  try {
    // Aliases are resolved here: an undefined alias or an alias bomb (the yaml package's
    // maxAliasCount) throws, and must come out as this file's error, not a crash.
    data = doc.toJS();
  } catch (error) {
    throw new ConfigError(`${file}: invalid YAML: ${errorMessage(error)}`, { cause: error });
  }
  if (data === null || data === undefined) return {};
  const fail = (path: SchemaPath, message: string, cause?: unknown): never => {
    const line = lineOf(doc, lines, path);
    throw new ConfigError(`${file}${line === null ? '' : `:${line}`}: ${message}`, cause === undefined ? undefined : { cause });
  };
  if (typeof data !== 'object' || Array.isArray(data)) fail([], `the policy must be a mapping of settings; got ${describeValue(data)}`);
  const violation = validateAgainst(data, POLICY_SCHEMA);
  if (violation !== null) fail(violation.path, violation.message);
  return readValidated(data as Record<string, unknown>, fail);
}

type Fail = (path: SchemaPath, message: string, cause?: unknown) => never;

/** Turns data the schema accepted into settings, with the checks the schema cannot express. */
function readValidated(data: Record<string, unknown>, fail: Fail): Partial<Policy> {
  const policy: Partial<Policy> = {};
  const value = <T>(key: string): T => data[key] as T;
  const has = (key: string): boolean => Object.prototype.hasOwnProperty.call(data, key);
  if (has('fail-on')) policy.failOn = value('fail-on');
  if (has('mode')) policy.mode = value('mode');
  if (has('comment')) policy.comment = value('comment');
  if (has('on-unscanned')) policy.onUnscanned = value('on-unscanned');
  if (has('include-dev')) policy.includeDev = value('include-dev');
  if (has('concurrency')) policy.concurrency = value('concurrency');
  if (has('rules')) policy.rules = { ...value<Policy['rules']>('rules') };
  if (has('registry')) policy.registry = checkUrl(value('registry'), ['registry'], fail);
  if (has('package-browser')) policy.packageBrowser = withSlash(checkUrl(value('package-browser'), ['package-browser'], fail));
  if (has('allowed-hosts')) policy.allowedHosts = readAllowedHosts(value('allowed-hosts'), fail);
  if (has('allow')) policy.allow = readAllowList(value('allow'), fail);
  return policy;
}

/** The browser URL is a prefix for `name@version/path`: a missing slash would glue the name to it. */
function withSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}

function checkUrl(value: string, path: SchemaPath, fail: Fail): string {
  const key = formatPath(path);
  let url: URL;
  try {
    url = new URL(value);
  } catch (error) {
    return fail(path, `${key} must be an http(s) URL; got ${describeValue(value)}`, error);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') fail(path, `${key} must be an http(s) URL; got ${describeValue(value)}`);
  if (url.username || url.password) {
    // Credentials belong in .npmrc (expanded from secrets), never in a committed policy file.
    fail(path, `${key} must not contain credentials; put the token in .npmrc (got a URL with a user name or password)`);
  }
  return value;
}

function readAllowedHosts(hosts: string[], fail: Fail): string[] {
  return hosts.map((entry, index) => {
    const port = /:(\d+)$/.exec(entry)?.[1];
    if (port !== undefined && (Number(port) < 1 || Number(port) > 65_535)) {
      fail(['allowed-hosts', index], `allowed-hosts[${index}] must be a host name with a valid port (1 to 65535); got ${describeValue(entry)}`);
    }
    return entry.toLowerCase();
  });
}

/** A calendar date that exists: the pattern lets 2025-02-30 through, Date.UTC would roll it over. */
function isRealDate(text: string): boolean {
  const [year, month, day] = text.split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

function readAllowList(entries: AllowEntry[], fail: Fail): AllowEntry[] {
  return entries.map((entry, index): AllowEntry => {
    const at = (key: string): SchemaPath => ['allow', index, key];
    try {
      parseAllowSpec(entry.package);
    } catch (error) {
      fail(at('package'), `allow[${index}].package must be a package name, optionally @ and a semver range (left-pad@^1.3); got ${describeValue(entry.package)}: ${errorMessage(error)}`, error);
    }
    if (entry.expires !== undefined && !isRealDate(entry.expires)) {
      fail(at('expires'), `allow[${index}].expires must be a date that exists, written YYYY-MM-DD; got ${describeValue(entry.expires)}`);
    }
    return {
      package: entry.package.trim(),
      ...(entry.rules !== undefined ? { rules: [...entry.rules] } : {}),
      reason: entry.reason,
      ...(entry.expires !== undefined ? { expires: entry.expires } : {}),
    };
  });
}

/** Layers explicit inputs over the file over the defaults. `source` names the inputs in errors. */
export function resolvePolicy(inputs: PolicyInputs, file: Partial<Policy>, source = 'input'): Policy {
  const policy: Policy = {
    ...DEFAULT_POLICY,
    allow: [...DEFAULT_POLICY.allow],
    allowedHosts: [...DEFAULT_POLICY.allowedHosts],
    rules: { ...DEFAULT_POLICY.rules },
    ...file,
  };
  const failOn = inputs.failOn?.trim();
  if (failOn) {
    if (!isFailOn(failOn)) {
      throw new ConfigError(`${source} fail-on must be one of ${FAIL_ON_LEVELS.join(', ')}; got ${JSON.stringify(failOn)}`);
    }
    policy.failOn = failOn;
  }
  const comment = inputs.comment?.trim();
  if (comment) {
    if (!isCommentMode(comment)) {
      throw new ConfigError(`${source} comment must be one of ${COMMENT_MODES.join(', ')}; got ${JSON.stringify(comment)}`);
    }
    policy.comment = comment;
  }
  const onUnscanned = inputs.onUnscanned?.trim();
  if (onUnscanned) {
    if (!isOnUnscanned(onUnscanned)) {
      throw new ConfigError(`${source} on-unscanned must be one of ${ON_UNSCANNED_MODES.join(', ')}; got ${JSON.stringify(onUnscanned)}`);
    }
    policy.onUnscanned = onUnscanned;
  }
  const mode = inputs.mode?.trim();
  if (mode) {
    if (!isPolicyMode(mode)) {
      throw new ConfigError(`${source} mode must be one of ${POLICY_MODES.join(', ')}; got ${JSON.stringify(mode)}`);
    }
    policy.mode = mode;
  }
  const registry = inputs.registry?.trim();
  if (registry) {
    policy.registry = checkUrl(registry, ['registry'], (_path, message, cause) => {
      throw new ConfigError(`${source} ${message}`, cause === undefined ? undefined : { cause });
    });
  }
  return policy;
}

/**
 * Builds the policy from its three layers: explicit inputs (action inputs or CLI flags) win over
 * the policy file, which wins over the schema defaults.
 */
import { existsSync, readFileSync } from 'node:fs';
import { isMap, parseDocument } from 'yaml';
import { ConfigError, errorMessage } from '../errors.js';
import { isFailOn, FAIL_ON_LEVELS } from '../report/severity.js';
import { isRuleId, RULE_IDS } from '../analysis/detectors/rule-ids.js';
import { parseAllowSpec } from '../report/allow-list.js';
import {
  COMMENT_MODES,
  DEFAULT_POLICY,
  ON_UNSCANNED_MODES,
  POLICY_FILE_KEYS,
  type AllowEntry,
  type CommentMode,
  type OnUnscanned,
  type Policy,
} from './schema.js';

/** Explicit settings; an empty string or undefined means "not given". */
export interface PolicyInputs {
  failOn?: string;
  comment?: string;
  onUnscanned?: string;
  registry?: string;
}

/** A policy file is small by nature; a huge one is a mistake or an attack on the parser. */
export const MAX_POLICY_FILE_BYTES = 1_048_576;
const MAX_CONCURRENCY = 16;

function isOnUnscanned(value: unknown): value is OnUnscanned {
  return typeof value === 'string' && (ON_UNSCANNED_MODES as readonly string[]).includes(value);
}

function isCommentMode(value: unknown): value is CommentMode {
  return typeof value === 'string' && (COMMENT_MODES as readonly string[]).includes(value);
}

/** Quotes a value for an error message; a circular YAML value (`&a [*a]`) must not crash it. */
function describeValue(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return Array.isArray(value) ? 'a self-referencing list' : 'a self-referencing value';
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
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

export function parsePolicyFile(text: string, file: string): Partial<Policy> {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  const firstError = doc.errors[0];
  if (firstError) {
    const where = firstError.linePos?.[0];
    const at = where ? `:${where.line}:${where.col}` : '';
    throw new ConfigError(`${file}${at}: invalid YAML: ${firstError.message.split('\n')[0]}`, {
      cause: firstError,
    });
  }
  const lineOf = (key: string): string => {
    if (!isMap(doc.contents)) return '';
    const pair = doc.contents.items.find(
      (item) => isRecord(item.key) && 'value' in item.key && item.key.value === key,
    );
    const range = pair && isRecord(pair.key) && Array.isArray(pair.key.range) ? pair.key.range : null;
    const offset = range && typeof range[0] === 'number' ? range[0] : null;
    if (offset === null) return '';
    return `:${text.slice(0, offset).split('\n').length}`;
  };
  let data: unknown;
  try {
    // Aliases are resolved here: an undefined alias or an alias bomb (the yaml package's
    // maxAliasCount) throws, and must come out as this file's error, not a crash.
    data = doc.toJS();
  } catch (error) {
    throw new ConfigError(`${file}: invalid YAML: ${errorMessage(error)}`, { cause: error });
  }
  if (data === null || data === undefined) return {};
  if (!isRecord(data)) throw new ConfigError(`${file}: the policy must be a mapping of settings`);

  const policy: Partial<Policy> = {};
  for (const [key, value] of Object.entries(data)) {
    const at = `${file}${lineOf(key)}`;
    switch (key) {
      case 'fail-on':
        if (!isFailOn(value)) {
          throw new ConfigError(`${at}: fail-on must be one of ${FAIL_ON_LEVELS.join(', ')}; got ${describeValue(value)}`);
        }
        policy.failOn = value;
        break;
      case 'comment':
        if (!isCommentMode(value)) {
          throw new ConfigError(`${at}: comment must be one of ${COMMENT_MODES.join(', ')}; got ${describeValue(value)}`);
        }
        policy.comment = value;
        break;
      case 'on-unscanned':
        if (!isOnUnscanned(value)) {
          throw new ConfigError(`${at}: on-unscanned must be one of ${ON_UNSCANNED_MODES.join(', ')}; got ${describeValue(value)}`);
        }
        policy.onUnscanned = value;
        break;
      case 'registry':
        policy.registry = parseRegistry(value, at);
        break;
      case 'concurrency':
        if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_CONCURRENCY) {
          throw new ConfigError(`${at}: concurrency must be an integer from 1 to ${MAX_CONCURRENCY}`);
        }
        policy.concurrency = value;
        break;
      case 'allow':
        policy.allow = parseAllowList(value, at);
        break;
      case 'allowed-hosts':
        policy.allowedHosts = parseAllowedHosts(value, at);
        break;
      default:
        throw new ConfigError(`${at}: unknown setting ${JSON.stringify(key)}; known: ${POLICY_FILE_KEYS.join(', ')}`);
    }
  }
  return policy;
}

function parseRegistry(value: unknown, at: string): string {
  if (typeof value !== 'string') throw new ConfigError(`${at}: registry must be a URL`);
  let url: URL;
  try {
    url = new URL(value);
  } catch (error) {
    throw new ConfigError(`${at}: registry is not a URL: ${describeValue(value)}`, { cause: error });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ConfigError(`${at}: registry must be an http(s) URL`);
  }
  if (url.username || url.password) {
    // Credentials belong in .npmrc (expanded from secrets), never in a committed policy file.
    throw new ConfigError(`${at}: registry must not contain credentials; put the token in .npmrc`);
  }
  return value;
}

/**
 * `host` or `host:port`, lower-case as URLs compare them. A scheme or a path is refused rather
 * than trimmed: `https://mirror.example/npm/` reads as if it allowed only that path, but the check
 * is by host, as lockfile-lint's allowed-hosts is.
 */
const HOST_ENTRY = /^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*|\[[0-9a-f:.]+\])(?::\d{1,5})?$/;
/** DNS names stop at 253 characters; a port adds 6. */
const MAX_HOST_LENGTH = 259;
/** A list longer than this is not a list of mirrors a team uses. */
const MAX_ALLOWED_HOSTS = 100;

function parseAllowedHosts(value: unknown, at: string): string[] {
  if (!Array.isArray(value)) throw new ConfigError(`${at}: allowed-hosts must be a list of host names`);
  if (value.length > MAX_ALLOWED_HOSTS) throw new ConfigError(`${at}: allowed-hosts lists more than ${MAX_ALLOWED_HOSTS} hosts`);
  return value.map((entry: unknown, index) => {
    const host = typeof entry === 'string' ? entry.trim().toLowerCase() : '';
    if (host.length > MAX_HOST_LENGTH || !HOST_ENTRY.test(host)) {
      throw new ConfigError(
        `${at}: allowed-hosts[${index}] must be a host name such as npm.example.com or mirror.example.com:8443 (no scheme, no path); got ${describeValue(entry)}`,
      );
    }
    const port = /:(\d+)$/.exec(host)?.[1];
    if (port !== undefined && (Number(port) < 1 || Number(port) > 65_535)) {
      throw new ConfigError(`${at}: allowed-hosts[${index}] has no valid port: ${describeValue(entry)}`);
    }
    return host;
  });
}

function parseAllowList(value: unknown, at: string): AllowEntry[] {
  if (!Array.isArray(value)) throw new ConfigError(`${at}: allow must be a list`);
  return value.map((entry: unknown, index): AllowEntry => {
    const where = `${at}: allow[${index}]`;
    if (!isRecord(entry)) throw new ConfigError(`${where} must be a mapping with package and reason`);
    const { package: name, rules, reason } = entry;
    if (typeof name !== 'string' || name.trim() === '') throw new ConfigError(`${where}.package must be a package name`);
    if (typeof reason !== 'string' || reason.trim() === '') {
      throw new ConfigError(`${where}.reason is required: say why ${name} is allowed`);
    }
    try {
      parseAllowSpec(name);
    } catch (error) {
      throw new ConfigError(`${where}.package: ${errorMessage(error)}`, { cause: error });
    }
    const result: AllowEntry = { package: name.trim(), reason };
    if (rules !== undefined) {
      if (!Array.isArray(rules) || rules.length === 0) throw new ConfigError(`${where}.rules must be a non-empty list`);
      result.rules = rules.map((rule: unknown) => {
        if (!isRuleId(rule)) {
          throw new ConfigError(`${where}.rules: unknown rule ${describeValue(rule)}; known: ${RULE_IDS.join(', ')}`);
        }
        return rule;
      });
    }
    for (const key of Object.keys(entry)) {
      if (!['package', 'rules', 'reason'].includes(key)) throw new ConfigError(`${where}: unknown key ${JSON.stringify(key)}`);
    }
    return result;
  });
}

/** Layers explicit inputs over the file over the defaults. `source` names the inputs in errors. */
export function resolvePolicy(inputs: PolicyInputs, file: Partial<Policy>, source = 'input'): Policy {
  const policy: Policy = { ...DEFAULT_POLICY, allow: [...DEFAULT_POLICY.allow], allowedHosts: [...DEFAULT_POLICY.allowedHosts], ...file };
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
  const registry = inputs.registry?.trim();
  if (registry) policy.registry = parseRegistry(registry, `${source} registry`);
  return policy;
}

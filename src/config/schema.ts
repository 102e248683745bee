/**
 * The policy: every setting a run takes, its closed sets and its defaults. Defaults live here
 * (not in action.yml) so a policy file can set them; an explicit input wins over the file.
 */
import type { FailOn, Severity } from '../report/severity.js';
import type { RuleId } from '../analysis/detectors/rule-ids.js';
import POLICY_SCHEMA_JSON from '../../schema/policy.schema.json' with { type: 'json' };
import type { SchemaNode } from './validate.js';

/**
 * The JSON Schema of the policy file (schema/policy.schema.json), shipped in the repository and in
 * the bundle. JSON imports are typed by their widened shape (`type: string`), so it is declared a
 * SchemaNode here; __tests__/config/policy-schema.test.ts holds it to that shape and to this file.
 */
export const POLICY_SCHEMA: SchemaNode = POLICY_SCHEMA_JSON as unknown as SchemaNode;

export const COMMENT_MODES = ['always', 'on-findings', 'never'] as const;
export type CommentMode = (typeof COMMENT_MODES)[number];

/** Whether packages or lockfiles the gate could not scan block the run (`fail`) or only show (`warn`). */
export const ON_UNSCANNED_MODES = ['warn', 'fail'] as const;
export type OnUnscanned = (typeof ON_UNSCANNED_MODES)[number];

/** `new`: only findings this pull request introduces count; `all`: every finding of a changed package does. */
export const POLICY_MODES = ['new', 'all'] as const;
export type PolicyMode = (typeof POLICY_MODES)[number];

/** A per-rule override: `off` drops the rule's findings, a severity replaces the rule's own. */
export const RULE_SETTINGS = ['off', 'info', 'low', 'medium', 'high', 'critical'] as const satisfies readonly ('off' | Severity)[];
export type RuleSetting = (typeof RULE_SETTINGS)[number];

/**
 * A package browser that serves any file of any published version at `<base><name>@<version>/<path>`
 * without an account. jsDelivr rather than unpkg: both serve that layout, jsDelivr from a CDN with
 * a public uptime record; a private registry's users point `package-browser` at their own mirror.
 */
export const DEFAULT_PACKAGE_BROWSER = 'https://cdn.jsdelivr.net/npm/';

export const DEFAULT_CONFIG_FILE = '.github/fingerprint-gate.yml';

/** One allow-list entry: findings of these rules in this package are recorded but do not count. */
export interface AllowEntry {
  /** A package name, optionally with a semver range: `moment-timezone` or `moment-timezone@^0.5`. */
  package: string;
  /** Rules allowed; all rules when absent. */
  rules?: RuleId[];
  /** Why it is allowed; required, so the allow-list documents itself. */
  reason: string;
  /** `YYYY-MM-DD`, the last day (UTC) the entry allows; from the day after its findings count again. */
  expires?: string;
}

export interface Policy {
  failOn: FailOn;
  comment: CommentMode;
  onUnscanned: OnUnscanned;
  allow: AllowEntry[];
  /** Overrides the registry from `.npmrc` (and the default registry). */
  registry?: string;
  /** How many packages are fetched at once. */
  concurrency: number;
  /**
   * Hosts (`host` or `host:port`) a lockfile's `resolved` URL may name besides the registry the
   * base commit configures for the package's scope: mirrors a team really installs from. Any other
   * host is reported, since `npm ci` installs from the URL, not from the registry the gate reads.
   */
  allowedHosts: string[];
  /** Which findings count towards the verdict. */
  mode: PolicyMode;
  /** Per-rule overrides, applied before the allow-list and the threshold. */
  rules: Partial<Record<RuleId, RuleSetting>>;
  /** Whether packages the lockfile records as dev-only are scanned. */
  includeDev: boolean;
  /** Base URL of the package browser files are linked to. */
  packageBrowser: string;
}

export const DEFAULT_POLICY: Readonly<Policy> = Object.freeze({
  failOn: 'high',
  comment: 'on-findings',
  onUnscanned: 'warn',
  allow: [],
  concurrency: 4,
  allowedHosts: [],
  mode: 'new',
  rules: {},
  includeDev: true,
  packageBrowser: DEFAULT_PACKAGE_BROWSER,
});

/** Keys the policy file may hold, as written there (kebab-case, like the action inputs). */
export const POLICY_FILE_KEYS = [
  'fail-on',
  'mode',
  'comment',
  'on-unscanned',
  'include-dev',
  'rules',
  'allow',
  'registry',
  'package-browser',
  'concurrency',
  'allowed-hosts',
] as const;
export type PolicyFileKey = (typeof POLICY_FILE_KEYS)[number];

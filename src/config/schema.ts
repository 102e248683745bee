/**
 * The policy: every setting a run takes, its closed sets and its defaults. Defaults live here
 * (not in action.yml) so a policy file can set them; an explicit input wins over the file.
 */
import type { FailOn } from '../report/severity.js';
import type { RuleId } from '../analysis/detectors/rule-ids.js';

export const COMMENT_MODES = ['always', 'on-findings', 'never'] as const;
export type CommentMode = (typeof COMMENT_MODES)[number];

/** Whether packages or lockfiles the gate could not scan block the run (`fail`) or only show (`warn`). */
export const ON_UNSCANNED_MODES = ['warn', 'fail'] as const;
export type OnUnscanned = (typeof ON_UNSCANNED_MODES)[number];

export const DEFAULT_CONFIG_FILE = '.github/fingerprint-gate.yml';

/** One allow-list entry: findings of these rules in this package are recorded but do not count. */
export interface AllowEntry {
  /** A package name, optionally with a semver range: `moment-timezone` or `moment-timezone@^0.5`. */
  package: string;
  /** Rules allowed; all rules when absent. */
  rules?: RuleId[];
  /** Why it is allowed; required, so the allow-list documents itself. */
  reason: string;
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
}

export const DEFAULT_POLICY: Readonly<Policy> = Object.freeze({
  failOn: 'high',
  comment: 'on-findings',
  onUnscanned: 'warn',
  allow: [],
  concurrency: 4,
  allowedHosts: [],
});

/** Keys the policy file may hold, as written there (kebab-case, like the action inputs). */
export const POLICY_FILE_KEYS = ['fail-on', 'comment', 'on-unscanned', 'allow', 'registry', 'concurrency', 'allowed-hosts'] as const;

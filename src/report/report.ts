/**
 * The JSON report: the contract the action's `report` output, `--format json` and every
 * renderer share. Fields are only ever added, never renamed.
 */
import type { ChangeKind, PackageTarget } from '../lockfile/types.js';
import type { FailOn, Severity } from './severity.js';
import type { RuleId } from '../analysis/detectors/rule-ids.js';
import type { PolicyMode, RuleSetting } from '../config/schema.js';

/** An allow-list entry as the report names it: enough to find the entry and to say why it existed. */
export interface Allowance {
  /** The entry's `package`, as written: `name` or `name@range`. */
  package: string;
  reason: string;
  /** `YYYY-MM-DD`, the last day it allows. */
  expires?: string;
  rules?: RuleId[];
}

export const PACKAGE_STATUSES = ['scanned', 'cached', 'skipped', 'failed'] as const;
export type PackageStatus = (typeof PACKAGE_STATUSES)[number];

export type Verdict = 'pass' | 'fail';

/** Which kind of code a file is, as far as the package's manifest tells. */
export const CODE_KINDS = ['install', 'entry', 'reachable', 'unreached'] as const;
export type CodeKind = (typeof CODE_KINDS)[number];

/** One link of a finding's chain: where the value is read, listed, compared, used. */
export interface EvidenceLink {
  role: 'source' | 'list' | 'comparison' | 'effect' | 'sink';
  line: number;
  column: number;
  /** A short window of the code around the location (never a whole minified line). */
  snippet: string;
  description: string;
}

/** One list a fingerprint is compared with. */
export interface EvidenceList {
  encoding: string;
  values: string[];
  /** The reads compared with it (`process.env.X`, `Intl...timeZone`). */
  comparedWith: string[];
  /** How: `equality`, `includes`, `endsWith`, ... */
  methods: string[];
}

export interface Evidence {
  /** What kind of identity signal is read: `timezone`, `locale`, `hostname`, ... */
  sourceKind?: string;
  /** A short window of code around the finding. */
  snippet: string;
  codeKind?: CodeKind;
  links?: EvidenceLink[];
  /** The hidden list compared against, decoded in full where it could be decoded. */
  list?: {
    encoding: string;
    values: string[];
    /** For hashed lists: the algorithm and how many digests there are (the values stay unknown). */
    hashed?: { algorithm: string; count: number };
  };
  /**
   * Every list of the decision on its own, complete and in code order, with what it was compared
   * with (`list` above holds them merged). Present when a decision compares with more than one list.
   */
  lists?: EvidenceList[];
  /** Free-form facts a detector adds (the URL of an unverifiable source, limits hit, ...). */
  details?: Record<string, string | number | boolean>;
}

export interface Finding {
  ruleId: RuleId;
  severity: Severity;
  file: string;
  line: number;
  column: number;
  message: string;
  /** True when the previous version has no finding with the same identity (or there is none). */
  introduced: boolean;
  evidence: Evidence;
  /**
   * Stable across releases of a minified bundle: rule, source kind and list content, never
   * identifiers, lines or columns. Used to decide `introduced`.
   */
  identity: string;
  /** The severity the rule gave, when the policy's `rules` replaced it with `severity`. */
  ruleSeverity?: Severity;
  /** An allow-list entry that covered this finding until it expired: the finding counts again. */
  expiredAllowance?: Allowance;
}

/** A finding an allow-list entry covers: recorded and shown, never counted. */
export interface AllowedFinding extends Finding {
  allowance: Allowance;
}

/** A file that could not be (fully) analysed, so nothing is silently dropped. */
export interface FileProblem {
  file: string;
  reason: string;
}

export interface PackageReport {
  name: string;
  version: string;
  previousVersion: string | null;
  change: ChangeKind;
  status: PackageStatus;
  /** Why the package was not scanned (skipped, failed) or what limited the scan. */
  reason?: string;
  findings: Finding[];
  lockfile?: string;
  alias?: string;
  /** Where the code comes from; `link` (the repository's own workspace code) is never fetched. */
  source?: PackageTarget['source'];
  /** Counts of JavaScript files seen and parsed, and the ones that did not parse. */
  files?: { total: number; parsed: number; problems: FileProblem[] };
  /** Findings from allow-listed rules, kept for the record but not counted. */
  allowed?: number;
  /** The allowed findings themselves (their number is `allowed`). */
  allowedFindings?: AllowedFinding[];
  /** Findings of rules the policy turns `off`: counted here, shown nowhere else. */
  ruledOff?: number;
  /** The lockfile records the package as reachable only through devDependencies. */
  dev?: boolean;
  /** Left out of the scan by the policy (`include-dev: false`), so not "unscanned". */
  excluded?: 'dev-only';
  /**
   * The 1-based line of the lockfile entry that locks this version, where the entry knows it: the
   * SARIF result's primary location.
   */
  lockfileLine?: number;
}

export interface Report {
  verdict: Verdict;
  failOn: FailOn;
  /** Findings at or above the threshold, across all packages. */
  blocking: number;
  packages: PackageReport[];
  /** Whether unscanned packages and lockfiles block the run. */
  onUnscanned: 'warn' | 'fail';
  /** Lockfiles that changed but cannot be read (a binary bun.lockb): their packages are unscanned. */
  unscannedLockfiles: { path: string; reason: string }[];
  /** Notes about the run as a whole (no lockfile changed, unsupported lockfile, ...). */
  notes: string[];
  engineVersion: string;
  /** Which findings counted (`new`: only introduced ones). Absent in reports from before it existed: all. */
  mode?: PolicyMode;
  /** The policy's per-rule overrides that were applied. */
  ruleSettings?: Partial<Record<RuleId, RuleSetting>>;
  /** Allow-list entries for packages in this run that matched no finding: worth removing. */
  staleAllowances?: Allowance[];
  /** Base URL files are linked to as `<base><name>@<version>/<path>`. */
  packageBrowser?: string;
  /** Present in a whole-tree audit's report: which package set it covers, and which shard of it. */
  audit?: AuditScope;
}

/**
 * What a whole-tree audit report covers, so `merge` can tell a complete set of shard reports from
 * one with a shard missing, given twice, or taken from another lockfile or engine.
 */
export interface AuditScope {
  /**
   * sha256 (hex) of the engine version and every package of the whole audit (lockfile, name,
   * version, integrity), before sharding: equal in every shard of one audit, different as soon as
   * a shard read another lockfile (or another commit of it) or ran another engine version.
   */
  packageSet: string;
  /** How many packages the whole audit holds (every shard together). */
  packageCount: number;
  /** The part of the audit this report covers (1-based); absent when one process audited everything. */
  shard?: { index: number; count: number };
}

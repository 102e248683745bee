/**
 * The GitHub entry: translates the runner's world (inputs, event payload, workspace) into a call
 * of gate() and its Report into a comment, a job summary, outputs and the step's status.
 */
import * as core from '@actions/core';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DETECTORS } from './analysis/detectors/index.js';
import { MAX_POOL_WORKERS, createAnalysisPool, defaultPoolSize } from './analysis/pool/pool.js';
import { poolAnalyzer } from './analysis/pool/pool-analyzer.js';
import { isPoolWorkerProcess } from './analysis/pool/protocol.js';
import { runPoolWorker } from './analysis/pool/worker-entry.js';
import { auditChanges } from './audit/audit-changes.js';
import { auditScope } from './audit/audit-scope.js';
import { comparePackages } from './audit/package-order.js';
import { openResultCache } from './cache/open-cache.js';
import { parsePolicyFile, resolvePolicy, type PolicyInputs } from './config/load.js';
import { DEFAULT_CONFIG_FILE, type Policy } from './config/schema.js';
import { ConfigError, GateError, LockfileError, errorMessage } from './errors.js';
import { NPMRC_FILE, npmrcFromBase, npmrcSettingChanges, type NpmrcConfig, type NpmrcSettingChange } from './fetch/npmrc.js';
import { createRegistryFetcher, effectiveNpmrc } from './fetch/registry.js';
import { createResolvedHostCheck, describeAllowedHosts } from './fetch/resolved-hosts.js';
import { gate } from './gate.js';
import { findChangedLockfiles } from './github/changed-lockfiles.js';
import { createGitHubClient, type GitHubClient } from './github/client.js';
import { upsertStickyComment } from './github/comment.js';
import type { PrRef } from './github/event.js';
import { readPullRequestEvent } from './github/event.js';
import { createLocalGit, readLockfilePair, type LocalGit } from './github/lockfile-contents.js';
import { MAX_JOB_SUMMARY_BYTES, writeJobSummary } from './github/summary.js';
import { listTrackedLockfiles } from './github/tracked-lockfiles.js';
import { confineRegistryHosts, type ForeignHost } from './lockfile/classify-source.js';
import { diffLockfiles } from './lockfile/diff.js';
import { parseLockfile } from './lockfile/index.js';
import type { LockedPackage, PackageChange } from './lockfile/types.js';
import type { Logger } from './logger.js';
import type { Report } from './report/report.js';
import { ALL_RULES } from './analysis/rules.js';
import { withLockfileLines } from './report/lockfile-line.js';
import { renderJson } from './report/render/json.js';
import { renderSarif } from './report/render/sarif.js';
import { COMMENT_MARKER, renderMarkdown } from './report/render/markdown.js';
import { reachesThreshold, type Severity } from './report/severity.js';
import { counts } from './report/verdict.js';
import { ENGINE_VERSION } from './version.js';

const DEFAULT_API_URL = 'https://api.github.com';

/** Findings from this severity up earn a comment (under `on-findings`) and an annotation. */
const COMMENT_AT: Severity = 'medium';

/** Lockfiles that are recognised but cannot be read: their packages count as unscanned. */
const UNREADABLE_LOCKFILE = /(^|\/)bun\.lockb$/;

const logger: Logger = {
  debug: (message) => core.debug(message),
  info: (message) => core.info(message),
  warn: (message) => core.warning(message),
};

async function run(): Promise<void> {
  const env = process.env;
  const workspace = env.GITHUB_WORKSPACE ?? process.cwd();
  const pr = readPullRequestEvent(env.GITHUB_EVENT_PATH ?? '', env.GITHUB_EVENT_NAME ?? '');
  if (readAuditInput()) {
    await runAudit(pr, workspace, env);
    return;
  }
  if (pr === null) {
    core.info(`fingerprint-gate only scans pull requests; event "${env.GITHUB_EVENT_NAME ?? ''}" passes.`);
    await finish(emptyReport(resolvePolicy(readInputs(), {}), ['Not a pull request event: nothing scanned.']), null);
    return;
  }

  const client = createGitHubClient({
    token: core.getInput('github-token'),
    baseUrl: env.GITHUB_API_URL || DEFAULT_API_URL,
    logger,
  });
  const git = createLocalGit(workspace);
  const atCommit = (sha: string, path: string): Promise<string | null> => readAtCommit(pr, sha, path, client, git);
  const policy = await loadPolicy(pr.baseSha, atCommit);
  const npmrc = await loadNpmrc({ baseSha: pr.baseSha, headSha: pr.headSha }, atCommit, workspace, env);
  // The registry and the token each package is fetched with, and the hosts its lockfile URL may name.
  const registries = effectiveNpmrc({ npmrc: npmrc.config, ...(policy.registry !== undefined ? { registry: policy.registry } : {}) });
  const isAllowedHost = createResolvedHostCheck(registries, policy.allowedHosts);

  const files = await client.listPullFiles(pr);
  const lockfiles = findChangedLockfiles(files);
  if (lockfiles.length === 0) {
    core.info('No lockfile changed in this pull request: nothing to scan.');
    await finish(emptyReport(policy, ['No lockfile changed in this pull request.', ...npmrc.notes]), { pr, client, commentMode: policy.comment });
    return;
  }

  const changes: PackageChange[] = [];
  const notes: string[] = [...npmrc.notes];
  const foreign: ForeignHost[] = [];
  const unscannedLockfiles: { path: string; reason: string }[] = [];
  // Head texts, for the line each package is locked at (SARIF locations, annotations).
  const headTexts = new Map<string, string>();
  for (const changed of lockfiles) {
    if (UNREADABLE_LOCKFILE.test(changed.path)) {
      const reason = 'binary bun.lockb is not supported; commit the text bun.lock (bun >= 1.2, saveTextLockfile) so its packages can be scanned';
      core.warning(`${changed.path}: ${reason}`);
      unscannedLockfiles.push({ path: changed.path, reason });
      continue;
    }
    const pair = await readLockfilePair(changed, pr, { git, client });
    core.info(`Lockfile ${pair.path}: ${pair.base === null ? 'new' : pair.head === null ? 'removed' : 'changed'}`);
    if (pair.head !== null) headTexts.set(pair.path, pair.head);
    // Both sides are judged by the base's registries, so a URL the base already had is no change.
    const base = pair.base === null ? null : confineRegistryHosts(parseAt(pair.path, pair.base, `base commit ${pr.baseSha.slice(0, 7)}`), isAllowedHost).packages;
    const head = pair.head === null ? null : confineRegistryHosts(parseAt(pair.path, pair.head, `head commit ${pr.headSha.slice(0, 7)}`), isAllowedHost);
    const found = diffLockfiles(base, head?.packages ?? [], pair.path);
    const introduced = new Set(found.map((change) => `${change.name}@${change.version}`));
    foreign.push(...(head?.foreign ?? []).filter((entry) => introduced.has(`${entry.name}@${entry.version}`)));
    if (found.length === 0) notes.push(`${pair.path} changed, but no package was added, updated or removed.`);
    changes.push(...found);
  }

  const hostNote = foreignHostNote(foreign, registries, policy.allowedHosts);
  if (hostNote !== null) {
    core.warning(hostNote);
    notes.push(hostNote);
  }

  const report = await scanChanges(changes, { policy, npmrc: npmrc.config, env, workspace, notes, unscannedLockfiles, headTexts });
  await finish(report, { pr, client, commentMode: policy.comment });
}

interface ScanContext {
  policy: Policy;
  npmrc: NpmrcConfig;
  env: NodeJS.ProcessEnv;
  workspace: string;
  notes: string[];
  unscannedLockfiles: { path: string; reason: string }[];
  /** Head texts of the lockfiles read, for the line each package is locked at. */
  headTexts: ReadonlyMap<string, string>;
}

/** The gate over `changes`, with the registry fetcher, the worker pool and the result cache. */
async function scanChanges(changes: readonly PackageChange[], context: ScanContext): Promise<Report> {
  const { policy, env } = context;
  const cacheDir = await mkdtemp(join(env.RUNNER_TEMP || tmpdir(), 'fingerprint-gate-cache-'));
  try {
    const fetcher = createRegistryFetcher({
      npmrc: context.npmrc,
      ...(policy.registry !== undefined ? { registry: policy.registry } : {}),
      cacheDir,
      logger,
    });
    // The workers re-enter this bundle (dist/index.js), so the action needs no other file.
    const pool = createAnalysisPool({ size: readWorkers(), script: fileURLToPath(import.meta.url) });
    try {
      const analyze = poolAnalyzer(pool, DETECTORS);
      // Results of earlier runs, kept between runs by an actions/cache step (README); default under RUNNER_TEMP.
      const cacheInput = core.getInput('cache-dir');
      const opened = openResultCache({ dir: cacheInput === '' ? undefined : resolve(context.workspace, cacheInput), env, detectors: DETECTORS, bundlePath: fileURLToPath(import.meta.url), logger });
      const cache = opened === null ? {} : { cache: opened.cache };
      const judged = await gate(changes, { fetcher, detectors: DETECTORS, policy, logger, analyze, ...cache }, { notes: context.notes, unscannedLockfiles: context.unscannedLockfiles });
      await opened?.prune();
      return { ...judged, packages: withLockfileLines(judged.packages, context.headTexts) };
    } finally {
      await pool.close();
    }
  } finally {
    await rm(cacheDir, { recursive: true, force: true });
  }
}

/**
 * `audit: true`: every package locked in every lockfile tracked at the audited commit, not only
 * the ones a pull request changes; for a scheduled sweep or a first adoption. (The policy's
 * `mode` is another matter: which findings of the scanned packages count.) On a pull request
 * event the audited commit is the head, and the policy and registries come from the base as
 * always; on any other event (schedule, workflow_dispatch, push) all come from the commit the
 * workflow runs on. No comment is written: the summary, SARIF and outputs carry the report.
 */
async function runAudit(pr: PrRef | null, workspace: string, env: NodeJS.ProcessEnv): Promise<void> {
  const git = createLocalGit(workspace);
  const commit = pr?.headSha ?? auditedCommit(env);
  const trusted = pr?.baseSha ?? commit;
  if (!(await git.hasCommit(commit))) {
    throw new ConfigError(`audit: true reads the lockfiles from the checked-out repository, and ${workspace} does not hold commit ${commit.slice(0, 7)}: run actions/checkout before this step`);
  }
  // Outside a pull request nothing but the workspace is read, so no token or API is needed.
  const client = pr === null ? null : createGitHubClient({ token: core.getInput('github-token'), baseUrl: env.GITHUB_API_URL || DEFAULT_API_URL, logger });
  const atCommit = (sha: string, path: string): Promise<string | null> =>
    pr === null || client === null ? git.show(sha, path) : readAtCommit(pr, sha, path, client, git);
  const policy = await loadPolicy(trusted, atCommit);
  const npmrc = await loadNpmrc({ baseSha: trusted, headSha: commit }, atCommit, workspace, env);
  const registries = effectiveNpmrc({ npmrc: npmrc.config, ...(policy.registry !== undefined ? { registry: policy.registry } : {}) });
  const isAllowedHost = createResolvedHostCheck(registries, policy.allowedHosts);

  const lockfiles = await listTrackedLockfiles(git, commit);
  const changes: PackageChange[] = [];
  const foreign: ForeignHost[] = [];
  const unscannedLockfiles: { path: string; reason: string }[] = [];
  const headTexts = new Map<string, string>();
  for (const path of lockfiles) {
    if (UNREADABLE_LOCKFILE.test(path)) {
      const reason = 'binary bun.lockb is not supported; commit the text bun.lock (bun >= 1.2, saveTextLockfile) so its packages can be scanned';
      core.warning(`${path}: ${reason}`);
      unscannedLockfiles.push({ path, reason });
      continue;
    }
    const text = await git.show(commit, path);
    if (text === null) continue;
    headTexts.set(path, text);
    const locked = confineRegistryHosts(parseAt(path, text, `commit ${commit.slice(0, 7)}`), isAllowedHost);
    changes.push(...auditChanges(locked.packages, path));
    foreign.push(...locked.foreign);
  }
  changes.sort(comparePackages);
  const notes = [
    ...npmrc.notes,
    lockfiles.length === 0
      ? `Audit of commit ${commit.slice(0, 7)}: no lockfile is tracked there, nothing to scan.`
      : `Audit of commit ${commit.slice(0, 7)}: ${changes.length} locked package(s) in ${lockfiles.length} lockfile(s) (${lockfiles.join(', ')}).`,
  ];
  core.info(notes[notes.length - 1] as string);
  const hostNote = foreignHostNote(foreign, registries, policy.allowedHosts);
  if (hostNote !== null) {
    core.warning(hostNote);
    notes.push(hostNote);
  }
  const report = await scanChanges(changes, { policy, npmrc: npmrc.config, env, workspace, notes, unscannedLockfiles, headTexts });
  await finish({ ...report, audit: auditScope(changes) }, null);
}

/** The `audit` input: a YAML boolean; empty is false. */
function readAuditInput(): boolean {
  const value = core.getInput('audit').trim();
  if (value === '') return false;
  if (/^(true|True|TRUE)$/.test(value)) return true;
  if (/^(false|False|FALSE)$/.test(value)) return false;
  throw new ConfigError(`input audit must be true or false; got ${JSON.stringify(value)}`);
}

/** The commit a workflow outside a pull request runs on: GITHUB_SHA, else what is checked out. */
function auditedCommit(env: NodeJS.ProcessEnv): string {
  const sha = env.GITHUB_SHA ?? '';
  // Passed to git as an argument: hex only, so it can never be read as an option.
  return /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/.test(sha) ? sha : 'HEAD';
}

/** The `workers` input: analysis worker processes, one per core when empty. */
function readWorkers(): number {
  const value = core.getInput('workers');
  if (value === '') return defaultPoolSize();
  const workers = Number(value);
  if (!/^\d+$/.test(value) || workers < 1 || workers > MAX_POOL_WORKERS) {
    throw new ConfigError(`input workers must be an integer from 1 to ${MAX_POOL_WORKERS}; got ${JSON.stringify(value)}`);
  }
  return workers;
}

/** Parses one side of a lockfile, saying in any error which commit the text came from. */
function parseAt(path: string, text: string, side: string): LockedPackage[] {
  try {
    return parseLockfile(path, text);
  } catch (error) {
    if (error instanceof LockfileError) throw new LockfileError(`${error.message} (at the ${side})`, { cause: error });
    throw error;
  }
}

function readInputs(): PolicyInputs {
  return {
    failOn: core.getInput('fail-on'),
    comment: core.getInput('comment'),
    onUnscanned: core.getInput('on-unscanned'),
    registry: core.getInput('registry'),
    mode: core.getInput('mode'),
  };
}

/** A file at a commit: from the workspace's git when it holds the commit, else the contents API. */
async function readAtCommit(pr: PrRef, sha: string, path: string, client: GitHubClient, git: LocalGit): Promise<string | null> {
  return (await git.hasCommit(sha)) ? git.show(sha, path) : client.getFileRaw(pr, path, sha);
}

type ReadAtCommit = (sha: string, path: string) => Promise<string | null>;

/**
 * The policy is read from the base commit, not the PR's head: a pull request must not be able to
 * loosen the gate that judges it. A policy the PR changes takes effect once it is merged.
 */
async function loadPolicy(baseSha: string, atCommit: ReadAtCommit): Promise<Policy> {
  const explicit = core.getInput('config-file');
  const path = explicit || DEFAULT_CONFIG_FILE;
  const text = await atCommit(baseSha, path);
  if (text === null && explicit) {
    throw new GateError(`${path}: policy file named by the config-file input is not in the base commit ${baseSha.slice(0, 7)}`);
  }
  const file = text === null ? {} : parsePolicyFile(text, `${path} (base ${baseSha.slice(0, 7)})`);
  if (text !== null) core.info(`Policy read from ${path} at the base commit.`);
  return resolvePolicy(readInputs(), file, 'input');
}

/**
 * Registries, scopes and tokens come from the base commit's `.npmrc` (over the runner's user
 * config), never from the checkout: the workspace holds the pull request's head, and a head that
 * points a registry at its own host would otherwise receive the repository's token. What the head
 * changes is named in a note and takes effect once merged.
 */
async function loadNpmrc(
  pr: { baseSha: string; headSha: string },
  atCommit: ReadAtCommit,
  workspace: string,
  env: NodeJS.ProcessEnv,
): Promise<{ config: NpmrcConfig; notes: string[] }> {
  const [baseText, headText] = await Promise.all([atCommit(pr.baseSha, NPMRC_FILE), atCommit(pr.headSha, NPMRC_FILE)]);
  const base = npmrcFromBase({ baseText, baseLabel: `${NPMRC_FILE} (base ${pr.baseSha.slice(0, 7)})`, env, untrustedDir: workspace });
  if (baseText !== null) core.info(`Registry settings read from ${NPMRC_FILE} at the base commit.`);
  const notes = [...base.notes];
  const ignored = npmrcSettingChanges(baseText, headText);
  if (ignored.length > 0) {
    const note = `This pull request's ${NPMRC_FILE} ${describeSettingChanges(ignored)}. The gate does not follow it: registries, scopes and tokens are read from the base commit ${pr.baseSha.slice(0, 7)}, so a change takes effect once merged.`;
    core.warning(note);
    notes.push(note);
  }
  return { config: base.config, notes };
}

function describeSettingChanges(changes: readonly NpmrcSettingChange[]): string {
  if (changes.length === 1 && changes[0]?.key === NPMRC_FILE) return 'cannot be read as npm config';
  return changes
    .map((entry) => `${entry.change} ${entry.key}${entry.value === undefined ? '' : ` = ${entry.value}`}`)
    .join('; ');
}

/** Packages named in the foreign-host note; each one also has its own finding. */
const MAX_NAMED_FOREIGN = 10;

/** Names each package whose lockfile URL points at a host the base's registry settings do not name. */
function foreignHostNote(foreign: readonly ForeignHost[], registries: NpmrcConfig, allowedHosts: readonly string[]): string | null {
  if (foreign.length === 0) return null;
  const more = foreign.length > MAX_NAMED_FOREIGN ? `, and ${foreign.length - MAX_NAMED_FOREIGN} more` : '';
  const entries = foreign.slice(0, MAX_NAMED_FOREIGN).map(
    (entry) => `${entry.name}@${entry.version} from ${entry.host} (expected ${describeAllowedHosts(registries, allowedHosts, entry.name).join(' or ')})`,
  );
  return `The lockfile resolves packages from hosts the base commit's registry settings do not name: ${entries.join(', ')}${more}. A package manager installs from that URL, not from the registry the gate reads, so these were not scanned; list a mirror you really use under allowed-hosts in the policy file.`;
}

function emptyReport(policy: Policy, notes: string[]): Report {
  return {
    verdict: 'pass',
    failOn: policy.failOn,
    blocking: 0,
    packages: [],
    onUnscanned: policy.onUnscanned,
    unscannedLockfiles: [],
    notes,
    engineVersion: ENGINE_VERSION,
    mode: policy.mode,
    ruleSettings: { ...policy.rules },
    staleAllowances: [],
    packageBrowser: policy.packageBrowser,
  };
}

/** Publishes a report: the JSON file, the job summary, the sticky comment, outputs, the status. */
async function finish(
  report: Report,
  github: { pr: PrRef; client: GitHubClient; commentMode: Policy['comment'] } | null,
): Promise<void> {
  const reportDir = join(process.env.RUNNER_TEMP || tmpdir(), 'fingerprint-gate');
  await mkdir(reportDir, { recursive: true });
  const reportPath = join(reportDir, 'report.json');
  await writeFile(reportPath, renderJson(report));
  // Ready for github/codeql-action/upload-sarif; results point at lockfile lines of this repository.
  const sarifPath = join(reportDir, 'report.sarif');
  await writeFile(sarifPath, renderSarif(report, ALL_RULES));

  // The summary has room (1 MiB) for the details a 65,536-character comment has to drop.
  await writeJobSummary(renderMarkdown(report, { maxLength: MAX_JOB_SUMMARY_BYTES / 2 }), { logger });

  if (github) {
    // Under mode `new`, findings the base already shipped are no reason for a new comment.
    const wantsComment =
      report.verdict === 'fail' ||
      report.packages.some((pkg) => pkg.findings.some((finding) => counts(finding, report.mode) && reachesThreshold(finding.severity, COMMENT_AT)));
    // Plain reads are summed up per package, and `low` listed only with `comment: always`; the job
    // summary above lists everything.
    const body = renderMarkdown(report, { marker: COMMENT_MARKER, listInfo: false, listLow: github.commentMode === 'always' });
    const outcome = await upsertStickyComment(github.client, github.pr, body, COMMENT_MARKER, {
      mode: github.commentMode,
      wantsComment,
      logger,
    });
    // A failed comment is already a warning from the comment module; the summary still has the report.
    if (outcome.action !== 'failed') core.info(`Pull request comment: ${outcome.action}.`);
  }

  annotate(report);
  core.setOutput('verdict', report.verdict);
  core.setOutput('findings', String(report.blocking));
  core.setOutput('report', reportPath);
  core.setOutput('sarif', sarifPath);
  if (report.verdict === 'fail') {
    core.setFailed(`fingerprint-gate: ${report.blocking} finding(s) at or above "${report.failOn}".`);
  } else {
    core.info(`fingerprint-gate: pass (${report.packages.length} ${report.audit !== undefined ? 'locked' : 'changed'} package(s) checked).`);
  }
}

/** GitHub shows only a few annotations per step; the comment and summary carry the rest. */
const MAX_ANNOTATIONS = 20;

/**
 * Findings of `medium` and above that count (mode) as annotations on the lockfile line that locks
 * the package, so they show in the pull request's diff even when the comment cannot be written
 * (fork PRs).
 */
function annotate(report: Report): void {
  let left = MAX_ANNOTATIONS;
  for (const pkg of report.packages) {
    for (const finding of pkg.findings) {
      if (left === 0 || !counts(finding, report.mode) || !reachesThreshold(finding.severity, COMMENT_AT)) continue;
      left -= 1;
      const blocking = reachesThreshold(finding.severity, report.failOn);
      const properties = {
        title: `fingerprint-gate: ${finding.severity} ${finding.ruleId} in ${pkg.name}@${pkg.version}`,
        ...(pkg.lockfile !== undefined ? { file: pkg.lockfile } : {}),
        ...(pkg.lockfileLine !== undefined ? { startLine: pkg.lockfileLine } : {}),
      };
      const text = `${finding.file}:${finding.line}:${finding.column + 1} ${finding.message}`;
      if (blocking) core.error(text, properties);
      else core.warning(text, properties);
    }
  }
}

// The analysis pool starts its workers from this same bundle, with a flag.
if (isPoolWorkerProcess(process.argv)) runPoolWorker();
else {
  run().catch((error: unknown) => {
    if (error instanceof GateError) core.setFailed(error.message);
    else core.setFailed(`fingerprint-gate: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : errorMessage(error)}`);
  });
}

/**
 * SARIF 2.1.0 for code scanning. A result's primary location is the lockfile line that locks the
 * package (as dependency review points at manifests): the package's own files are not in the
 * repository, so code scanning could show no line for them. The file inside the package follows as
 * a related location. Without a lockfile (the CLI's `scan`) that file is the primary location.
 *
 * A file inside a package is `<name>@<version>/<path>` relative to a base id, never an absolute
 * https URI: code scanning rejects a whole upload when a location's scheme differs from the
 * checkout's (`file`). The run's `originalUriBaseIds` resolve the published ones to the package
 * browser, so a SARIF viewer opens the file at that exact version; code scanning reads the path as
 * one in the repository, finds no such file and shows it as written. The partial fingerprint
 * (package name and finding identity, never the version) lets code scanning follow an alert from
 * one release of a package to the next.
 */
import { isPublished, packageBrowserBase, packageFilePath, packageFileUrl } from '../package-browser.js';
import type { Finding, PackageReport, Report } from '../report.js';
import type { Severity } from '../severity.js';
import { isUnscanned } from '../verdict.js';

export const SARIF_VERSION = '2.1.0';
const SARIF_SCHEMA = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';
const TOOL_NAME = 'fingerprint-gate';
const FINGERPRINT_KEY = 'fingerprintGate/v1';

export type SarifLevel = 'error' | 'warning' | 'note';

export const SARIF_LEVELS: Readonly<Record<Severity, SarifLevel>> = Object.freeze({
  critical: 'error',
  high: 'error',
  medium: 'warning',
  low: 'note',
  info: 'note',
});

export interface SarifRule {
  id: string;
  summary: string;
  severity: Severity;
}

/**
 * SARIF plain-text messages treat `[text](n)` as a link to a related location; a bracket from a
 * package's message must stay a bracket.
 */
function messageText(text: string): string {
  return text.replace(/[[\]]/g, (bracket) => `\\${bracket}`);
}

/** Base ids of package files: published ones resolve to the package browser, the others to nothing. */
export const PACKAGE_BROWSER_BASE_ID = 'PACKAGE_BROWSER';
export const UNPUBLISHED_BASE_ID = 'UNPUBLISHED_PACKAGES';
type PackageBaseId = typeof PACKAGE_BROWSER_BASE_ID | typeof UNPUBLISHED_BASE_ID;

/** What the results of one run share: the package browser, and the base ids they used. */
interface RunContext {
  readonly packageBrowser: string | undefined;
  readonly bases: Set<PackageBaseId>;
}

/** A repository-relative lockfile path as a URI: segments percent-encoded, `/` kept. */
function lockfileUri(path: string): string {
  return path.split('/').map((segment) => encodeURIComponent(segment)).join('/');
}

/** The file inside the package; its message carries the package-browser link, for readers that do not resolve base ids. */
function packageFileLocation(pkg: PackageReport, finding: Finding, run: RunContext): Record<string, unknown> {
  const uriBaseId = isPublished(pkg) ? PACKAGE_BROWSER_BASE_ID : UNPUBLISHED_BASE_ID;
  run.bases.add(uriBaseId);
  const url = packageFileUrl(pkg, finding, run.packageBrowser);
  return {
    physicalLocation: {
      artifactLocation: { uri: packageFilePath(pkg, finding.file), uriBaseId },
      // The report's columns are 0-based (acorn); SARIF's are 1-based. Line 0: the package as a whole.
      ...(finding.line > 0 ? { region: { startLine: finding.line, startColumn: Math.max(0, finding.column) + 1 } } : {}),
    },
    message: { text: messageText(`${finding.file} in ${pkg.name}@${pkg.version}${url === null ? '' : `: ${url}`}`) },
  };
}

function locationsOf(pkg: PackageReport, finding: Finding, run: RunContext): Record<string, unknown> {
  if (pkg.lockfile === undefined) return { locations: [packageFileLocation(pkg, finding, run)] };
  const primary = {
    physicalLocation: {
      artifactLocation: { uri: lockfileUri(pkg.lockfile) },
      region: { startLine: Math.max(1, pkg.lockfileLine ?? 1) },
    },
    message: { text: messageText(`${pkg.name}@${pkg.version} is locked here`) },
  };
  if (finding.line <= 0) return { locations: [primary] };
  return { locations: [primary], relatedLocations: [{ id: 1, ...packageFileLocation(pkg, finding, run) }] };
}

/** What each base id used stands for: the package browser's URL, or a description only. */
function originalUriBaseIds(bases: ReadonlySet<PackageBaseId>, packageBrowser: string | undefined): Record<string, unknown> {
  const described: Record<PackageBaseId, Record<string, unknown>> = {
    [PACKAGE_BROWSER_BASE_ID]: {
      uri: packageBrowserBase(packageBrowser),
      description: { text: 'The package browser: <name>@<version>/<path> below it is that file of the published package at that exact version.' },
    },
    [UNPUBLISHED_BASE_ID]: {
      description: { text: 'Packages no package browser serves (git, a URL, a local path): <name>@<version>/<path> names the file inside the package as it was scanned.' },
    },
  };
  return Object.fromEntries([...bases].sort().map((id) => [id, described[id]]));
}

function result(pkg: PackageReport, finding: Finding, ruleIndex: ReadonlyMap<string, number>, run: RunContext): Record<string, unknown> {
  const index = ruleIndex.get(finding.ruleId);
  return {
    ruleId: finding.ruleId,
    ...(index === undefined ? {} : { ruleIndex: index }),
    level: SARIF_LEVELS[finding.severity],
    message: { text: messageText(finding.message) },
    ...locationsOf(pkg, finding, run),
    partialFingerprints: { [FINGERPRINT_KEY]: `${pkg.name}:${finding.identity}` },
    properties: {
      package: pkg.name,
      version: pkg.version,
      introduced: finding.introduced,
      severity: finding.severity,
      file: finding.file,
      ...(finding.ruleSeverity !== undefined ? { ruleSeverity: finding.ruleSeverity } : {}),
    },
  };
}

/** Packages that were not analysed become notifications, so the upload says what it does not cover. */
function notifications(report: Report): Record<string, unknown>[] {
  return report.packages
    .filter(isUnscanned)
    .map((pkg) => ({
      level: pkg.status === 'failed' ? 'error' : 'warning',
      message: { text: messageText(`${pkg.name}@${pkg.version} ${pkg.status}: ${pkg.reason ?? 'no reason recorded'}`) },
    }));
}

export function renderSarif(report: Report, rules: readonly SarifRule[]): string {
  const ruleIndex = new Map(rules.map((rule, index) => [rule.id, index]));
  const run: RunContext = { packageBrowser: report.packageBrowser, bases: new Set() };
  const results = report.packages.flatMap((pkg) => pkg.findings.map((finding) => result(pkg, finding, ruleIndex, run)));
  const sarif = {
    $schema: SARIF_SCHEMA,
    version: SARIF_VERSION,
    runs: [
      {
        tool: {
          driver: {
            name: TOOL_NAME,
            version: report.engineVersion,
            rules: rules.map((rule) => ({
              id: rule.id,
              shortDescription: { text: rule.summary },
              defaultConfiguration: { level: SARIF_LEVELS[rule.severity] },
              properties: { severity: rule.severity },
            })),
          },
        },
        ...(run.bases.size > 0 ? { originalUriBaseIds: originalUriBaseIds(run.bases, report.packageBrowser) } : {}),
        invocations: [{ executionSuccessful: true, toolExecutionNotifications: notifications(report) }],
        results,
      },
    ],
  };
  return `${JSON.stringify(sarif, null, 2)}\n`;
}

/**
 * SARIF 2.1.0 for code scanning. A result's primary location is the lockfile line that locks the
 * package (as dependency review points at manifests): the package's own files are not in the
 * repository, so code scanning could show no line for them. The file inside the package follows as
 * a related location, linked in the package browser at that exact version. Without a lockfile (the
 * CLI's `scan`) the primary location falls back to `node_modules/<name>/<file>`. The partial
 * fingerprint (package name and finding identity, never the version) lets code scanning follow an
 * alert from one release of a package to the next.
 */
import { packageFileUrl } from '../package-browser.js';
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

/** A relative URI: each path segment percent-encoded (`#`, `?`, `%`, spaces), `@` kept for scopes. */
function artifactUri(pkg: PackageReport, finding: Finding): string {
  const segments = ['node_modules', ...pkg.name.split('/'), ...finding.file.split('/')];
  return segments.map((segment) => encodeURIComponent(segment).replace(/%40/g, '@')).join('/');
}

/** A repository-relative lockfile path as a URI: segments percent-encoded, `/` kept. */
function lockfileUri(path: string): string {
  return path.split('/').map((segment) => encodeURIComponent(segment)).join('/');
}

function inPackageLocation(pkg: PackageReport, finding: Finding, uri: string): Record<string, unknown> {
  return {
    physicalLocation: {
      artifactLocation: { uri },
      // The report's columns are 0-based (acorn); SARIF's are 1-based.
      region: { startLine: Math.max(1, finding.line), startColumn: Math.max(0, finding.column) + 1 },
    },
  };
}

function locationsOf(pkg: PackageReport, finding: Finding, packageBrowser: string | undefined): Record<string, unknown> {
  if (pkg.lockfile === undefined) return { locations: [inPackageLocation(pkg, finding, artifactUri(pkg, finding))] };
  const primary = {
    physicalLocation: {
      artifactLocation: { uri: lockfileUri(pkg.lockfile) },
      region: { startLine: Math.max(1, pkg.lockfileLine ?? 1) },
    },
    message: { text: messageText(`${pkg.name}@${pkg.version} is locked here`) },
  };
  if (finding.line <= 0) return { locations: [primary] };
  const url = packageFileUrl(pkg, finding, packageBrowser);
  const related = {
    id: 1,
    ...inPackageLocation(pkg, finding, url ?? artifactUri(pkg, finding)),
    message: { text: messageText(`${finding.file} in ${pkg.name}@${pkg.version}`) },
  };
  return { locations: [primary], relatedLocations: [related] };
}

function result(pkg: PackageReport, finding: Finding, ruleIndex: ReadonlyMap<string, number>, packageBrowser: string | undefined): Record<string, unknown> {
  const index = ruleIndex.get(finding.ruleId);
  return {
    ruleId: finding.ruleId,
    ...(index === undefined ? {} : { ruleIndex: index }),
    level: SARIF_LEVELS[finding.severity],
    message: { text: messageText(finding.message) },
    ...locationsOf(pkg, finding, packageBrowser),
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
        invocations: [{ executionSuccessful: true, toolExecutionNotifications: notifications(report) }],
        results: report.packages.flatMap((pkg) => pkg.findings.map((finding) => result(pkg, finding, ruleIndex, report.packageBrowser))),
      },
    ],
  };
  return `${JSON.stringify(sarif, null, 2)}\n`;
}

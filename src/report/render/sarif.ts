/**
 * SARIF 2.1.0 for code scanning. Findings point into `node_modules/<name>/<file>`: the files are
 * not in the repository, but the path says which package and file to look at, and the partial
 * fingerprint (package name and finding identity, never the version) lets code scanning follow an
 * alert from one release of a package to the next.
 */
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

function result(pkg: PackageReport, finding: Finding, ruleIndex: ReadonlyMap<string, number>): Record<string, unknown> {
  const index = ruleIndex.get(finding.ruleId);
  return {
    ruleId: finding.ruleId,
    ...(index === undefined ? {} : { ruleIndex: index }),
    level: SARIF_LEVELS[finding.severity],
    message: { text: messageText(finding.message) },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: artifactUri(pkg, finding) },
          // The report's columns are 0-based (acorn); SARIF's are 1-based.
          region: { startLine: Math.max(1, finding.line), startColumn: Math.max(0, finding.column) + 1 },
        },
      },
    ],
    partialFingerprints: { [FINGERPRINT_KEY]: `${pkg.name}:${finding.identity}` },
    properties: {
      package: pkg.name,
      version: pkg.version,
      introduced: finding.introduced,
      severity: finding.severity,
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
        results: report.packages.flatMap((pkg) => pkg.findings.map((finding) => result(pkg, finding, ruleIndex))),
      },
    ],
  };
  return `${JSON.stringify(sarif, null, 2)}\n`;
}

/** Small builders for reports: each test states only what it is about. */
import type { Finding, PackageReport, Report } from '../../src/report/report.js';

export function makeFinding(overrides: Partial<Finding> = {}): Finding {
  return {
    ruleId: 'fingerprint-source',
    severity: 'high',
    file: 'lib/index.js',
    line: 3,
    column: 9,
    message: 'Reads the time zone',
    introduced: true,
    evidence: { sourceKind: 'timezone', snippet: 'Intl.DateTimeFormat().resolvedOptions().timeZone' },
    identity: 'fingerprint-source:timezone',
    ...overrides,
  };
}

export function makePackage(overrides: Partial<PackageReport> = {}): PackageReport {
  return {
    name: 'left-pad',
    version: '1.0.1',
    previousVersion: '1.0.0',
    change: 'updated',
    status: 'scanned',
    findings: [],
    ...overrides,
  };
}

export function makeReport(overrides: Partial<Report> = {}): Report {
  return {
    verdict: 'pass',
    failOn: 'high',
    blocking: 0,
    packages: [],
    onUnscanned: 'warn',
    unscannedLockfiles: [],
    notes: [],
    engineVersion: '0.1.0',
    ...overrides,
  };
}

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ALL_RULES } from '../../../src/analysis/rules.js';
import { renderSarif, SARIF_LEVELS, type SarifRule } from '../../../src/report/render/sarif.js';
import type { Report } from '../../../src/report/report.js';
import { SEVERITIES } from '../../../src/report/severity.js';
import { SARIF_SCHEMA_PATH, sarifSchemaErrors } from '../../support/sarif-validator.js';
import { makeFinding, makePackage, makeReport } from '../report-factory.js';

const RULES: readonly SarifRule[] = [{ id: 'fingerprint-source', summary: 'Reads an identity signal', severity: 'medium' }];

interface SarifResult {
  ruleId: string;
  ruleIndex?: number;
  level: string;
  message: { text: string };
  locations: { physicalLocation: { artifactLocation: { uri: string; uriBaseId?: string }; region?: { startLine: number; startColumn: number } }; message?: { text: string } }[];
  partialFingerprints: Record<string, string>;
  properties: Record<string, unknown>;
}
interface SarifLog {
  $schema: string;
  version: string;
  runs: {
    tool: { driver: { name: string; rules: { id: string; shortDescription: { text: string }; defaultConfiguration: { level: string } }[] } };
    invocations: { executionSuccessful: boolean; toolExecutionNotifications: { level: string; message: { text: string } }[] }[];
    results: SarifResult[];
    originalUriBaseIds?: Record<string, { uri?: string; description: { text: string } }>;
  }[];
}

const REPORT = makeReport({
  packages: [
    makePackage({
      name: '@scope/tz',
      version: '2.0.0',
      findings: [
        makeFinding({ severity: 'critical', file: 'dist/a b#1.js', line: 7, column: 0, message: 'Sends [hostname](1) away', identity: 'id-1' }),
        makeFinding({ severity: 'low', introduced: false, identity: 'id-2' }),
      ],
    }),
    makePackage({ name: 'gone', status: 'failed', reason: 'EINTEGRITY' }),
  ],
});

function parse(): SarifLog {
  return JSON.parse(renderSarif(REPORT, RULES)) as SarifLog;
}

describe('renderSarif', () => {
  it('is one SARIF 2.1.0 run of fingerprint-gate with its rules', () => {
    const log = parse();
    expect(log.version).toBe('2.1.0');
    expect(log.$schema).toContain('sarif-schema-2.1.0');
    expect(log.runs).toHaveLength(1);
    expect(log.runs[0]?.tool.driver.name).toBe('fingerprint-gate');
    expect(log.runs[0]?.tool.driver.rules).toEqual([
      expect.objectContaining({ id: 'fingerprint-source', shortDescription: { text: 'Reads an identity signal' }, defaultConfiguration: { level: 'warning' } }),
    ]);
  });

  it('turns each finding into a result with level, location, fingerprint and properties', () => {
    const [first, second] = parse().runs[0]?.results ?? [];
    expect(first).toEqual({
      ruleId: 'fingerprint-source',
      ruleIndex: 0,
      level: 'error',
      message: { text: 'Sends \\[hostname\\](1) away' },
      // No lockfile (the CLI's scan): the file in the package, below the package browser, is the location.
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: '@scope/tz@2.0.0/dist/a%20b%231.js', uriBaseId: 'PACKAGE_BROWSER' },
            region: { startLine: 7, startColumn: 1 },
          },
          message: { text: 'dist/a b#1.js in @scope/tz@2.0.0: https://cdn.jsdelivr.net/npm/@scope/tz@2.0.0/dist/a%20b%231.js' },
        },
      ],
      partialFingerprints: { 'fingerprintGate/v1': '@scope/tz:id-1' },
      properties: { package: '@scope/tz', version: '2.0.0', introduced: true, severity: 'critical', file: 'dist/a b#1.js' },
    });
    expect(second?.level).toBe('note');
    expect(second?.locations[0]?.physicalLocation.region).toEqual({ startLine: 3, startColumn: 10 });
    expect(parse().runs[0]?.originalUriBaseIds).toEqual({
      PACKAGE_BROWSER: { uri: 'https://cdn.jsdelivr.net/npm/', description: { text: expect.stringContaining('package browser') } },
    });
    expect(second?.properties['introduced']).toBe(false);
  });

  it('maps every severity to a SARIF level', () => {
    expect(SEVERITIES.map((severity) => SARIF_LEVELS[severity])).toEqual(['note', 'note', 'warning', 'error', 'error']);
  });

  it('reports packages it could not analyse as notifications and ends with a newline', () => {
    const text = renderSarif(REPORT, RULES);
    expect(text.endsWith('}\n')).toBe(true);
    const notes = JSON.parse(text) as SarifLog;
    expect(notes.runs[0]?.invocations[0]?.toolExecutionNotifications).toEqual([
      { level: 'error', message: { text: 'gone@1.0.1 failed: EINTEGRITY' } },
    ]);
  });

  it('puts the primary location on the lockfile line and the file in the package as a related location with its link', () => {
    const report = makeReport({
      packages: [
        makePackage({
          name: '@scope/tz',
          version: '2.0.0',
          lockfile: 'app/package-lock.json',
          lockfileLine: 42,
          findings: [
            makeFinding({ file: 'dist/a b#1.js', line: 7, column: 0 }),
            makeFinding({ ruleId: 'unverifiable-source', file: 'app/package-lock.json', line: 0, column: 0 }),
          ],
        }),
      ],
    });
    const log = JSON.parse(renderSarif(report, RULES)) as { runs: { results: Record<string, unknown>[] }[] };
    const [inFile, packageLevel] = log.runs[0]?.results ?? [];
    expect(inFile?.['locations']).toEqual([
      {
        physicalLocation: { artifactLocation: { uri: 'app/package-lock.json' }, region: { startLine: 42 } },
        message: { text: '@scope/tz@2.0.0 is locked here' },
      },
    ]);
    // Relative to the package browser, never an https URI: code scanning rejects an upload whose
    // locations use another scheme than the checkout's; the link itself is in the message.
    expect(inFile?.['relatedLocations']).toEqual([
      {
        id: 1,
        physicalLocation: {
          artifactLocation: { uri: '@scope/tz@2.0.0/dist/a%20b%231.js', uriBaseId: 'PACKAGE_BROWSER' },
          region: { startLine: 7, startColumn: 1 },
        },
        message: { text: 'dist/a b#1.js in @scope/tz@2.0.0: https://cdn.jsdelivr.net/npm/@scope/tz@2.0.0/dist/a%20b%231.js' },
      },
    ]);
    expect(packageLevel?.['relatedLocations']).toBeUndefined();
  });

  it('leaves out ruleIndex for a rule it was not given', () => {
    const result = (JSON.parse(renderSarif(REPORT, [])) as SarifLog).runs[0]?.results[0];
    expect(result).toBeDefined();
    expect(result && 'ruleIndex' in result).toBe(false);
  });

  it('resolves files of a configured package browser against its base, and of unpublished packages against a described one', () => {
    const report = makeReport({
      packageBrowser: 'https://mirror.example/browse',
      packages: [
        makePackage({ name: 'pub', version: '1.0.0', findings: [makeFinding({ file: 'index.js' })] }),
        makePackage({ name: 'local', version: '0.0.1', source: 'local-tarball', findings: [makeFinding({ file: 'lib/x.js' })] }),
      ],
    });
    const run = (JSON.parse(renderSarif(report, RULES)) as SarifLog).runs[0];
    expect(run?.results.map((r) => r.locations[0]?.physicalLocation.artifactLocation)).toEqual([
      { uri: 'pub@1.0.0/index.js', uriBaseId: 'PACKAGE_BROWSER' },
      { uri: 'local@0.0.1/lib/x.js', uriBaseId: 'UNPUBLISHED_PACKAGES' },
    ]);
    expect(run?.results[1]?.locations[0]?.message?.text).toBe('lib/x.js in local@0.0.1');
    expect(run?.originalUriBaseIds?.['PACKAGE_BROWSER']?.uri).toBe('https://mirror.example/browse/');
    expect(run?.originalUriBaseIds?.['UNPUBLISHED_PACKAGES']).toEqual({ description: { text: expect.stringContaining('no package browser') } });
  });

  it('gives a package-level finding of a scan the package with no region, and a run without package files no base ids', () => {
    const packageLevel = makeReport({ packages: [makePackage({ name: 'p', version: '1.0.0', findings: [makeFinding({ file: 'package.json', line: 0, column: 0 })] })] });
    const location = (JSON.parse(renderSarif(packageLevel, RULES)) as SarifLog).runs[0]?.results[0]?.locations[0];
    expect(location?.physicalLocation).toEqual({ artifactLocation: { uri: 'p@1.0.0/package.json', uriBaseId: 'PACKAGE_BROWSER' } });
    const lockfileOnly = makeReport({
      packages: [makePackage({ lockfile: 'package-lock.json', lockfileLine: 5, findings: [makeFinding({ file: 'package-lock.json', line: 0 })] })],
    });
    expect((JSON.parse(renderSarif(lockfileOnly, RULES)) as SarifLog).runs[0]?.originalUriBaseIds).toBeUndefined();
  });
});

describe('the SARIF it writes, against the official SARIF 2.1.0 schema', () => {
  const ODD_FILES = ['dist/a b#1.js', 'lib/100%.js', 'src/ü/ñ.js', 'a/[x]/(y)!*.js', "it's.js", 'q?x=1.js', 'bad\ud800.js'];
  const reports: Record<string, Report> = {
    'a scan (no lockfile), odd file names, a package-level finding, an unpublished package and a failure': makeReport({
      packages: [
        makePackage({ name: '@scope/tz', version: '2.0.0-beta.1+build', findings: ODD_FILES.map((file, line) => makeFinding({ file, line: line + 1, message: 'see [x](1)' })) }),
        makePackage({ name: 'whole', findings: [makeFinding({ file: 'package.json', line: 0, column: 0 })] }),
        makePackage({ name: 'mine', source: 'local-directory', findings: [makeFinding()] }),
        makePackage({ name: 'gone', status: 'failed', reason: 'EINTEGRITY' }),
      ],
    }),
    'a diff (lockfile lines, related locations, a package-level finding)': makeReport({
      packages: [
        makePackage({ lockfile: 'apps/web app/package-lock.json', lockfileLine: 12, findings: [makeFinding(), makeFinding({ file: 'apps/web app/package-lock.json', line: 0 })] }),
        makePackage({ name: 'skipped', status: 'skipped', reason: 'too large', lockfile: 'package-lock.json' }),
      ],
    }),
    'a run with nothing to say': makeReport(),
  };

  it.each(Object.entries(reports))('validates: %s', (_label, report) => {
    expect(sarifSchemaErrors(renderSarif(report, ALL_RULES))).toEqual([]);
  });

  it('is a validator that rejects what the schema rejects', () => {
    const log = JSON.parse(renderSarif(reports['a diff (lockfile lines, related locations, a package-level finding)'] ?? makeReport(), ALL_RULES)) as SarifLog;
    const result = log.runs[0]?.results[0] as unknown as Record<string, unknown>;
    result['level'] = 'fatal';
    (log.runs[0]?.results[0]?.locations[0]?.physicalLocation as { artifactLocation: { uri: string } }).artifactLocation.uri = 'not a uri';
    const errors = sarifSchemaErrors(log);
    expect(errors.some((error) => error.includes('/runs/0/results/0/level'))).toBe(true);
    expect(errors.some((error) => error.includes('artifactLocation/uri') && error.includes('uri-reference'))).toBe(true);
    expect(sarifSchemaErrors({ version: '2.1.0' })).toEqual([expect.stringContaining('runs')]);
  });

  it('is the OASIS schema recorded in schema/sarif-schema-2.1.0.md, unchanged', () => {
    const text = readFileSync(SARIF_SCHEMA_PATH, 'utf8');
    const schema = JSON.parse(text) as { $schema: string; $id: string; title: string };
    expect(schema.title).toBe('Static Analysis Results Format (SARIF) Version 2.1.0 JSON Schema');
    expect(schema.$id).toBe('https://raw.githubusercontent.com/oasis-tcs/sarif-spec/master/Schemata/sarif-schema-2.1.0.json');
    expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
    const recorded = /sha256 of this file: `([0-9a-f]{64})`/.exec(readFileSync('schema/sarif-schema-2.1.0.md', 'utf8'))?.[1];
    expect(createHash('sha256').update(text).digest('hex')).toBe(recorded);
  });
});

import { describe, expect, it } from 'vitest';
import { renderSarif, SARIF_LEVELS, type SarifRule } from '../../../src/report/render/sarif.js';
import { SEVERITIES } from '../../../src/report/severity.js';
import { makeFinding, makePackage, makeReport } from '../report-factory.js';

const RULES: readonly SarifRule[] = [{ id: 'fingerprint-source', summary: 'Reads an identity signal', severity: 'medium' }];

interface SarifResult {
  ruleId: string;
  ruleIndex?: number;
  level: string;
  message: { text: string };
  locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number; startColumn: number } } }[];
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
      locations: [
        { physicalLocation: { artifactLocation: { uri: 'node_modules/@scope/tz/dist/a%20b%231.js' }, region: { startLine: 7, startColumn: 1 } } },
      ],
      partialFingerprints: { 'fingerprintGate/v1': '@scope/tz:id-1' },
      properties: { package: '@scope/tz', version: '2.0.0', introduced: true, severity: 'critical', file: 'dist/a b#1.js' },
    });
    expect(second?.level).toBe('note');
    expect(second?.locations[0]?.physicalLocation.region).toEqual({ startLine: 3, startColumn: 10 });
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
    expect(inFile?.['relatedLocations']).toEqual([
      {
        id: 1,
        physicalLocation: {
          artifactLocation: { uri: 'https://cdn.jsdelivr.net/npm/@scope/tz@2.0.0/dist/a%20b%231.js' },
          region: { startLine: 7, startColumn: 1 },
        },
        message: { text: 'dist/a b#1.js in @scope/tz@2.0.0' },
      },
    ]);
    expect(packageLevel?.['relatedLocations']).toBeUndefined();
  });

  it('leaves out ruleIndex for a rule it was not given', () => {
    const result = (JSON.parse(renderSarif(REPORT, [])) as SarifLog).runs[0]?.results[0];
    expect(result).toBeDefined();
    expect(result && 'ruleIndex' in result).toBe(false);
  });
});

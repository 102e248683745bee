/**
 * Real-size bundles are read whole: a file past the old 16 MiB cut is unpacked entire and
 * analysed by a pool worker to its last line.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzePackageWith } from '../../../src/analysis/analyze-package.js';
import { DETECTORS } from '../../../src/analysis/detectors/index.js';
import { createAnalysisPool, type AnalysisPool } from '../../../src/analysis/pool/pool.js';
import { DEFAULT_EXTRACT_LIMITS, extractTarball } from '../../../src/fetch/extract.js';
import { bundleForChild } from '../../support/bundle-for-child.js';
import { buildTarball, packageEntries } from '../../support/tarball.js';

const MIB = 1024 * 1024;
let pool: AnalysisPool | undefined;

beforeAll(async () => {
  const { script } = await bundleForChild("import { runPoolWorker } from './src/analysis/pool/worker-entry.js';\nrunPoolWorker();", 'real-size-worker');
  pool = createAnalysisPool({ size: 1, script });
}, 60_000);
afterAll(async () => {
  await pool?.close();
});

describe('real-size bundles', () => {
  it('reads files up to 64 MiB whole', () => {
    expect(DEFAULT_EXTRACT_LIMITS.maxFileBytes).toBe(64 * MIB);
  });

  it('unpacks and analyses a 20 MiB bundle to its last line', async () => {
    // Random text keeps the tarball under the decompression-ratio limit, as real code does.
    const blob = randomBytes(15 * MIB).toString('base64');
    const source = `const blob = "${blob}";\nmodule.exports = require("os").hostname();\n`;
    const tgz = buildTarball(packageEntries({ 'package.json': JSON.stringify({ name: 'big', main: 'index.js' }), 'index.js': source }), 1);
    const files = await extractTarball(tgz, 'big');
    expect(files.files.find((file) => file.path === 'index.js')?.truncated).toBeUndefined();
    const result = await analyzePackageWith(files, DETECTORS, (task) => (pool as AnalysisPool).analyse(task));
    expect(result.files).toEqual({ total: 1, parsed: 1, problems: [] });
    expect(result.findings.map((f) => `${f.ruleId} ${f.line} ${f.evidence.sourceKind} ${f.evidence.details?.method ?? 'walk'}`)).toEqual([
      'fingerprint-source 2 hostname walk',
    ]);
  }, 120_000);
});

// Runs the suite with vitest and closes with the plain `N passed, N failed` line CI reads
// (vitest's own summary line is not one CI recognises). With no arguments it also runs the stress
// loops (`vitest.stress.config.ts`, about a minute: the crash case of issue 13 scanned 90 times),
// so the one test command of the README is the whole of what CI checks.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const outDir = join(process.cwd(), '.tmp');
mkdirSync(outDir, { recursive: true });

/** One vitest run; its counts from the JSON reporter (a file that fails to load counts as a failure). */
function run(name, extra) {
  const outFile = join(outDir, `vitest-report${name}.json`);
  rmSync(outFile, { force: true });
  const child = spawnSync(
    process.execPath,
    ['node_modules/vitest/vitest.mjs', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${outFile}`, ...extra],
    { stdio: 'inherit' },
  );
  let passed = 0;
  let failed = 0;
  try {
    const report = JSON.parse(readFileSync(outFile, 'utf8'));
    passed = report.numPassedTests ?? 0;
    failed = report.numFailedTests ?? 0;
    // A file that fails to load has no failed tests of its own: count it so it cannot hide.
    for (const file of report.testResults ?? []) {
      const anyFailed = (file.assertionResults ?? []).some((a) => a.status === 'failed');
      if (file.status === 'failed' && !anyFailed) failed += 1;
    }
  } catch {
    failed = Math.max(failed, 1);
  }
  if (child.status !== 0 && failed === 0) failed = 1;
  return { passed, failed };
}

const args = process.argv.slice(2);
const suite = run('', args);
// Arguments select tests to run: then the stress loops are not wanted.
const stress = args.length === 0 ? run('-stress', ['--config', 'vitest.stress.config.ts']) : { passed: 0, failed: 0 };
const passed = suite.passed + stress.passed;
const failed = suite.failed + stress.failed;
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);

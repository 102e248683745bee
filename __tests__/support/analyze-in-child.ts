/**
 * Runs `analyzePackage` over hostile sources in a separate node process. Some inputs do not throw
 * but kill the process outright (V8 aborts with a fatal "out of memory" when it compiles a regular
 * expression with the stack nearly exhausted), which would take the test worker down with every
 * other test in the file; in a child the crash is an exit status a test can assert on.
 */
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { bundleForChild } from './bundle-for-child.js';
import type { PackageAnalysis } from '../../src/analysis/analyze-package.js';

const run = promisify(execFile);

/** Bundled once per test file: the real analyzer and detector registry from `src/`. */
let bundled: Promise<{ dir: string; script: string }> | undefined;

const ENTRY = `
import { readFileSync } from 'node:fs';
import { analyzePackage } from './src/analysis/analyze-package.js';
import { DETECTORS } from './src/analysis/detectors/index.js';
const sources = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const results = sources.map((text) =>
  analyzePackage({ files: [{ path: 'index.js', content: Buffer.from(text) }], integrity: null, notes: [] }, DETECTORS),
);
process.stdout.write(JSON.stringify(results));
`;

function bundle(): Promise<{ dir: string; script: string }> {
  bundled ??= bundleForChild(ENTRY, 'analyze-child');
  return bundled;
}

export type ChildOutcome =
  | { ok: true; results: PackageAnalysis[] }
  | { ok: false; exitCode: number | null; signal: string | null; stderr: string };

/** Analyses each source as the only file (`index.js`) of its own package, all in one child process. */
export async function analyzeInChild(sources: readonly string[]): Promise<ChildOutcome> {
  const { dir, script } = await bundle();
  const input = join(dir, `input-${process.pid}-${Math.random().toString(36).slice(2)}.json`);
  await writeFile(input, JSON.stringify(sources));
  try {
    const { stdout } = await run(process.execPath, [script, input], { maxBuffer: 256 * 1024 * 1024 });
    return { ok: true, results: JSON.parse(stdout) as PackageAnalysis[] };
  } catch (error) {
    const failure = error as { code?: number | null; signal?: string | null; stderr?: string };
    const stderr = (failure.stderr ?? '').split('\n').filter((line) => !/^\s*\d+: 0x/.test(line)).join('\n');
    return { ok: false, exitCode: failure.code ?? null, signal: failure.signal ?? null, stderr: stderr.slice(0, 2_000) };
  }
}

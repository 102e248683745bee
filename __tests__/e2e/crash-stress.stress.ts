/**
 * The crash case of issue 13, in a loop: a package of six 100,000-deep files (parentheses,
 * arrays, functions, a `+` chain, an `else if` chain, a member chain) and one payload killed
 * about 1 run in 30 with a V8 fatal error ("RegExpCompiler Allocation failed - process out of
 * memory"), leaving no report. Each run here is the built CLI in a child of its own, and every
 * run must print a report that names the package and still finds the payload. 90 runs would have
 * met a 1-in-30 crash with 95 % probability.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { Report } from '../../src/report/report.js';
import { buildTarball, packageEntries } from '../support/tarball.js';

const exec = promisify(execFile);
const CLI = resolve('dist/cli.js');
const RUNS = 90;
/** Two runs at a time: each is a gate and its workers, on a machine of two cores. */
const CONCURRENCY = 2;
const DEPTH = 100_000;

function crashCase(): string {
  const n = DEPTH;
  const tgz = buildTarball(
    packageEntries({
      'package.json': JSON.stringify({ name: 'deep-crash', version: '1.0.0', main: 'index.js' }),
      'parens.js': `x = ${'('.repeat(n)}1${')'.repeat(n)};`,
      'arrays.js': `x = ${'['.repeat(n)}${']'.repeat(n)};`,
      'functions.js': `${'function f(){'.repeat(n)}${'}'.repeat(n)}`,
      'plus.js': `x = 1${'+1'.repeat(n)};`,
      'elseif.js': `if (a) {}${' else if (a) {}'.repeat(n)}`,
      'member.js': `x = a${'.b'.repeat(n)};`,
      'index.js': [
        "require('./parens'); require('./arrays'); require('./functions'); require('./plus'); require('./elseif'); require('./member');",
        "const tz = Intl.DateTimeFormat().resolvedOptions().timeZone; if (tz === 'Europe/Moscow') process.exit(1);",
      ].join('\n'),
      // Incompressible filler, so the nesting does not read as a decompression bomb.
      'filler.txt': randomBytes(30_000).toString('base64'),
    }),
  );
  const path = join(mkdtempSync(join(tmpdir(), 'fg-crash-stress-')), 'deep-crash.tgz');
  writeFileSync(path, tgz);
  return path;
}

async function scan(tgz: string): Promise<{ stdout: string; stderr: string; code: number | null }> {
  try {
    const { stdout, stderr } = await exec(process.execPath, [CLI, 'scan', tgz, '--format', 'json', '--fail-on', 'none'], {
      env: { PATH: process.env.PATH ?? '' },
      maxBuffer: 64 * 1024 * 1024,
    });
    return { stdout, stderr, code: 0 };
  } catch (error) {
    const failure = error as { code?: number | null; stdout?: string; stderr?: string };
    return { stdout: failure.stdout ?? '', stderr: failure.stderr ?? '', code: failure.code ?? null };
  }
}

describe('the crash case of issue 13, in a loop', () => {
  it(`produces a report naming the package in each of ${RUNS} runs`, async () => {
    const tgz = crashCase();
    const failures: string[] = [];
    let next = 0;
    const runner = async (): Promise<void> => {
      while (next < RUNS) {
        const run = next++;
        const { stdout, stderr, code } = await scan(tgz);
        let report: Report | null = null;
        try {
          report = JSON.parse(stdout) as Report;
        } catch {
          report = null;
        }
        const pkg = report?.packages.find((p) => p.name === 'deep-crash');
        const payload = pkg?.findings.some((f) => f.file === 'index.js' && f.ruleId === 'identity-targeting');
        if (code !== 0 || pkg?.status !== 'scanned' || payload !== true) {
          failures.push(`run ${run}: exit ${code}, ${pkg === undefined ? 'no report naming the package' : `status ${pkg.status}, payload found: ${payload}`}: ${stderr.split('\n').find((l) => l.includes('FATAL')) ?? stderr.slice(-300)}`);
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, runner));
    expect(failures).toEqual([]);
  }, 600_000);
});

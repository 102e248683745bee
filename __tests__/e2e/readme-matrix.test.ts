/**
 * The README's sharded-audit workflow, run as written: its `run:` lines taken from the README's
 * YAML, with the built CLI (dist/cli.js) for `npx ... fingerprint-gate`, in the shell Actions uses,
 * one shard job at a time, then the merge job over the shards' files as the artifacts carry them.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { Report } from '../../src/report/report.js';
import { startRegistry, type TestRegistry } from '../support/registry.js';
import { packageLockOf } from './workspace.js';

const CLI = resolve('dist/cli.js');
const FIXTURES = resolve('__tests__/fixtures/packages');
const PACKAGES = ['fg-chat-client@1.1.0', 'fg-plain@1.0.0', 'fg-old@1.0.0'];
const NPX = 'npx --yes github:<owner>/fingerprint-gate#v1';

interface Step {
  run?: string;
  uses?: string;
}
interface Workflow {
  jobs: { audit: { strategy: { matrix: { shard: number[] } }; steps: Step[] }; merge: { needs: string; steps: Step[] } };
}

/** The README's YAML block holding the matrix audit. */
function readmeWorkflow(): Workflow {
  const blocks = [...readFileSync('README.md', 'utf8').matchAll(/```yaml\n([\s\S]*?)```/g)].map((match) => match[1] as string);
  const block = blocks.find((text) => text.includes('matrix: { shard:') && text.includes(' merge '));
  if (block === undefined) throw new Error('README.md has no matrix audit workflow');
  return parse(block) as Workflow;
}

/** One `run:` step as Actions runs it on Linux: bash -e with pipefail, the CLI in npx's place. */
function runStep(script: string, cwd: string, env: Record<string, string>, shard?: number): Promise<number> {
  const command = script.replaceAll(NPX, `node ${JSON.stringify(CLI)}`).replaceAll('${{ matrix.shard }}', String(shard ?? ''));
  expect(command).not.toContain('${{');
  return new Promise((done) => {
    execFile('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', command], { cwd, env, maxBuffer: 64 * 1024 * 1024 }, (error) => {
      done(error === null ? 0 : typeof error.code === 'number' ? error.code : -1);
    });
  });
}

describe("the README's matrix workflow", () => {
  let registry: TestRegistry;
  let checkout: string;

  /** What a fresh runner gives each job: its own home and temp (so its own result cache). */
  const runnerEnv = (): Record<string, string> => {
    const root = mkdtempSync(join(tmpdir(), 'fg-readme-runner-'));
    for (const dir of ['home', 'temp']) mkdirSync(join(root, dir));
    return { PATH: process.env.PATH ?? '', HOME: join(root, 'home'), GITHUB_ACTIONS: 'true', RUNNER_TEMP: join(root, 'temp') };
  };

  beforeAll(async () => {
    registry = await startRegistry();
    const integrity = new Map<string, string>();
    for (const spec of PACKAGES) await registry.publish(join(FIXTURES, spec.replace('@', '-')));
    for (const [spec, value] of await registry.integrityOf(PACKAGES.map((spec) => spec.split('@')[0] as string))) integrity.set(spec, value);
    const root = mkdtempSync(join(tmpdir(), 'fg-readme-matrix-'));
    checkout = join(root, 'checkout');
    mkdirSync(checkout);
    writeFileSync(join(checkout, 'package-lock.json'), packageLockOf(PACKAGES, integrity, registry.url));
    writeFileSync(join(checkout, '.npmrc'), `registry=${registry.url}\n`);
  }, 120_000);

  afterAll(async () => {
    await registry?.close();
  });

  it('audits in shards, merges into the verdict, findings and SARIF of one process, and fails on a lost shard', async () => {
    const workflow = readmeWorkflow();
    const shards = workflow.jobs.audit.strategy.matrix.shard;
    const auditRuns = workflow.jobs.audit.steps.flatMap((step) => (step.run === undefined ? [] : [step.run]));
    const mergeRuns = workflow.jobs.merge.steps.flatMap((step) => (step.run === undefined ? [] : [step.run]));
    expect(workflow.jobs.merge.needs).toBe('audit');
    expect(auditRuns.join('\n')).toMatch(new RegExp(`--shard \\$\\{\\{ matrix\\.shard \\}\\}/${shards.length}\\b`));
    expect(mergeRuns).toHaveLength(2);

    // Every shard job, each in a fresh checkout; what it uploads is its shard-<i>.json.
    const artifacts = mkdtempSync(join(tmpdir(), 'fg-readme-artifacts-'));
    for (const shard of shards) {
      const job = mkdtempSync(join(tmpdir(), `fg-readme-shard-${shard}-`));
      for (const file of ['package-lock.json', '.npmrc']) copyFileSync(join(checkout, file), join(job, file));
      const env = runnerEnv();
      for (const run of auditRuns) expect(await runStep(run, job, env, shard), run).toBe(0);
      copyFileSync(join(job, `shard-${shard}.json`), join(artifacts, `shard-${shard}.json`));
    }

    // One process over the whole lockfile, with the same options, for comparison.
    const env = runnerEnv();
    const wholeFile = join(checkout, 'whole.json');
    const wholeCode = await runStep(`${NPX} audit package-lock.json --fail-on medium --format json > whole.json || [ $? -eq 1 ]`, checkout, env);
    expect(wholeCode).toBe(0);
    const whole = JSON.parse(readFileSync(wholeFile, 'utf8')) as Report;
    expect(whole.verdict).toBe('fail');

    // The merge job: the SARIF step passes a failing verdict on, the last step fails the job with it.
    const merge = mkdtempSync(join(tmpdir(), 'fg-readme-merge-'));
    for (const shard of shards) copyFileSync(join(artifacts, `shard-${shard}.json`), join(merge, `shard-${shard}.json`));
    expect(await runStep(mergeRuns[0] as string, merge, env)).toBe(0);
    const sarif = JSON.parse(readFileSync(join(merge, 'audit.sarif'), 'utf8')) as { runs: { results: unknown[] }[] };
    const wholeSarif = join(checkout, 'whole.sarif');
    await runStep(`${NPX} audit package-lock.json --fail-on medium --format sarif > whole.sarif || [ $? -eq 1 ]`, checkout, env);
    expect(sarif.runs[0]?.results).toEqual((JSON.parse(readFileSync(wholeSarif, 'utf8')) as typeof sarif).runs[0]?.results);
    expect(await runStep(mergeRuns[1] as string, merge, env)).toBe(1);
    const merged = join(merge, 'merged.json');
    await runStep(`${NPX} merge shard-*.json --format json > merged.json || [ $? -eq 1 ]`, merge, env);
    const report = JSON.parse(readFileSync(merged, 'utf8')) as Report;
    expect(report.packages).toEqual(whole.packages);
    expect([report.verdict, report.blocking]).toEqual([whole.verdict, whole.blocking]);

    // An artifact lost on the way: the SARIF step fails the job before anything is uploaded.
    rmSync(join(merge, `shard-${shards[1]}.json`));
    expect(await runStep(mergeRuns[0] as string, merge, env)).not.toBe(0);
    expect(await runStep(mergeRuns[1] as string, merge, env)).toBe(2);
  }, 240_000);
});

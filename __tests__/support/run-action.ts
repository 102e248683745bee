/**
 * Runs the built action (dist/index.js) as the runner runs it: a child process with only the
 * variables a runner sets, then its outputs, job summary and JSON report read back.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Report } from '../../src/report/report.js';
import { readOutputs, type RunnerFiles } from '../e2e/workspace.js';

export const ACTION = resolve('dist/index.js');

export interface ActionRun {
  code: number | null;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
  report: Report | null;
}

export function runAction(env: Record<string, string>, files: RunnerFiles): Promise<ActionRun> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [ACTION], {
      // Only what a runner sets: nothing of this machine's npm or git configuration leaks in.
      env: {
        PATH: process.env.PATH ?? '',
        HOME: files.home,
        GITHUB_EVENT_NAME: 'pull_request',
        GITHUB_EVENT_PATH: files.eventPath,
        GITHUB_OUTPUT: files.outputPath,
        GITHUB_STEP_SUMMARY: files.summaryPath,
        RUNNER_TEMP: files.runnerTemp,
        GITHUB_REPOSITORY: 'acme/app',
        'INPUT_GITHUB-TOKEN': 'test-token',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', fail);
    child.on('close', (code) => {
      const outputs = readOutputs(readFileSync(files.outputPath, 'utf8'));
      const report = outputs.report ? (JSON.parse(readFileSync(outputs.report, 'utf8')) as Report) : null;
      done({ code, stdout, stderr, outputs, summary: readFileSync(files.summaryPath, 'utf8'), report });
    });
  });
}

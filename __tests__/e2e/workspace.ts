/**
 * Builds what a runner would hold for a pull request: a git workspace with the base and head
 * commits, an event payload file, output and summary files, and the environment the runner sets.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export interface LockEntry {
  name: string;
  version: string;
  integrity: string;
  dev?: boolean;
}

/** `packageLock` of `name@version` specs, each with the integrity its publish gave (empty when unknown). */
export function packageLockOf(specs: readonly string[], integrity: ReadonlyMap<string, string>, registryUrl: string): string {
  return packageLock(
    specs.map((spec) => {
      const [name, version] = spec.split('@') as [string, string];
      return { name, version, integrity: integrity.get(spec) ?? '' };
    }),
    registryUrl,
  );
}

/** A package-lock.json v3 as npm writes it, for the given top-level packages. */
export function packageLock(entries: readonly LockEntry[], registryUrl: string): string {
  const packages: Record<string, unknown> = {
    '': { name: 'app', version: '1.0.0', dependencies: Object.fromEntries(entries.map((e) => [e.name, e.version])) },
  };
  for (const entry of entries) {
    packages[`node_modules/${entry.name}`] = {
      version: entry.version,
      resolved: `${registryUrl}${entry.name}/-/${entry.name}-${entry.version}.tgz`,
      integrity: entry.integrity,
      ...(entry.dev ? { dev: true } : {}),
      license: 'MIT',
    };
  }
  return `${JSON.stringify({ name: 'app', version: '1.0.0', lockfileVersion: 3, requires: true, packages }, null, 2)}\n`;
}

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 'test',
      GIT_AUTHOR_EMAIL: 'test@example.invalid',
      GIT_COMMITTER_NAME: 'test',
      GIT_COMMITTER_EMAIL: 'test@example.invalid',
    },
  }).trim();
}

/** Writes `files` and commits them; returns the commit sha. */
export function commit(cwd: string, files: Record<string, string>, message: string): string {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(cwd, path)), { recursive: true });
    writeFileSync(join(cwd, path), content);
  }
  git(cwd, 'add', '-A');
  git(cwd, 'commit', '-q', '-m', message);
  return git(cwd, 'rev-parse', 'HEAD');
}

export function initRepo(): string {
  const dir = mkdtempSync(join(tmpdir(), 'fg-workspace-'));
  git(dir, 'init', '-q', '-b', 'main');
  return dir;
}

export interface RunnerFiles {
  root: string;
  eventPath: string;
  outputPath: string;
  summaryPath: string;
  runnerTemp: string;
  home: string;
}

export function runnerFiles(pr: { number: number; baseSha: string; headSha: string }): RunnerFiles {
  const root = mkdtempSync(join(tmpdir(), 'fg-runner-'));
  const eventPath = join(root, 'event.json');
  const repo = { name: 'app', full_name: 'acme/app', owner: { login: 'acme' } };
  writeFileSync(
    eventPath,
    JSON.stringify({
      action: 'synchronize',
      number: pr.number,
      pull_request: {
        number: pr.number,
        base: { sha: pr.baseSha, ref: 'main', repo },
        head: { sha: pr.headSha, ref: 'bump-deps', repo },
      },
      repository: repo,
    }),
  );
  const outputPath = join(root, 'output.txt');
  const summaryPath = join(root, 'summary.md');
  writeFileSync(outputPath, '');
  writeFileSync(summaryPath, '');
  const runnerTemp = join(root, 'temp');
  const home = join(root, 'home');
  mkdirSync(runnerTemp);
  mkdirSync(home);
  return { root, eventPath, outputPath, summaryPath, runnerTemp, home };
}

/** Parses the GITHUB_OUTPUT file (`name<<delimiter` blocks, as @actions/core writes them). */
export function readOutputs(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const match = /^([^<=]+)<<(.+)$/.exec(lines[i] ?? '');
    if (match) {
      const [, name, delimiter] = match as unknown as [string, string, string];
      const value: string[] = [];
      for (i++; i < lines.length && lines[i] !== delimiter; i++) value.push(lines[i] ?? '');
      outputs[name] = value.join('\n');
    } else {
      const eq = (lines[i] ?? '').indexOf('=');
      if (eq > 0) outputs[(lines[i] ?? '').slice(0, eq)] = (lines[i] ?? '').slice(eq + 1);
    }
  }
  return outputs;
}
